//! The round structure of Poseidon2, generic over the lane type.
//!
//! Mathematical description (width t, 4 + 4 full rounds, R_P partial rounds):
//!
//! ```text
//! state ← M_E·state
//! 4 × { state[i] ← (state[i] + rc[i])^7 for all i;  state ← M_E·state }
//! R_P × { state[0] ← (state[0] + rc)^7;  state ← M_I·state }
//! 4 × { state[i] ← (state[i] + rc[i])^7 for all i;  state ← M_E·state }
//! ```
//!
//! `M_E = circ(2·M4, M4, …, M4)` (block circulant of t/4 blocks) with
//! `M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]]`, and `M_I = 1 + diag(V)` with 1 the
//! all-ones matrix and V the internal diagonal of `crate::constants`.

use kiln_field::P;

use crate::constants::{SHIFTED_16, SHIFTED_24, ShiftedConstants};
use crate::packed::Packed;

/// `x ← M4·x`, in 7 additions and 2 doublings.
#[inline(always)]
fn mat4<V: Packed>(x: &mut [V]) {
    let t01 = x[0].add(x[1]);
    let t23 = x[2].add(x[3]);
    let t0123 = t01.add(t23);
    let t01123 = t0123.add(x[1]);
    let t01233 = t0123.add(x[3]);
    // 3x0 + x1 + x2 + 2x3, x0 + 2x1 + 3x2 + x3, 2x0 + 3x1 + x2 + x3, x0 + x1 + 2x2 + 3x3
    let y3 = t01233.add(x[0].double());
    let y1 = t01123.add(x[2].double());
    let y0 = t01123.add(t01);
    let y2 = t01233.add(t23);
    x[0] = y0;
    x[1] = y1;
    x[2] = y2;
    x[3] = y3;
}

/// `state ← M_E·state`: M4 on each block of four, then each element plus the sum of the
/// elements in its position across blocks (which doubles its own block's contribution).
#[inline(always)]
pub(crate) fn external_linear<V: Packed, const WIDTH: usize>(state: &mut [V; WIDTH]) {
    for block in state.chunks_exact_mut(4) {
        mat4(block);
    }
    let mut sums = [state[0], state[1], state[2], state[3]];
    for block in state[4..].chunks_exact(4) {
        for k in 0..4 {
            sums[k] = sums[k].add(block[k]);
        }
    }
    for (i, x) in state.iter_mut().enumerate() {
        *x = x.add(sums[i % 4]);
    }
}

/// One full round: add the round constants, S-box on every element, `M_E`.
#[inline(always)]
fn full_round<V: Packed, const WIDTH: usize>(state: &mut [V; WIDTH], rc: &[u32; WIDTH]) {
    // Written out group by group, four S-boxes at a time (`Packed::add_rc_pow7_n`
    // interleaves their chains): as a loop LLVM keeps it rolled (the body is large), the
    // state then lives in memory instead of registers, and the permutation runs ~10%
    // slower.
    macro_rules! sbox_groups {
        ($g:literal: $($i:literal)*) => {
            $(
                if $i + $g <= WIDTH {
                    let mut x = [V::splat(0); $g];
                    x.copy_from_slice(&state[$i..$i + $g]);
                    let mut r = [0; $g];
                    r.copy_from_slice(&rc[$i..$i + $g]);
                    state[$i..$i + $g].copy_from_slice(&V::add_rc_pow7_n(x, r));
                }
            )*
        };
    }
    if V::LANES == 1 {
        // One lane: a plain loop, which LLVM vectorizes across the state.
        for (x, &rc) in state.iter_mut().zip(rc) {
            *x = x.add_rc_pow7(rc);
        }
    } else {
        sbox_groups!(4: 0 4 8 12 16 20);
    }
    const { assert!(WIDTH <= 24) };
    external_linear(state);
}

/// Sum of at most four vectors as a balanced tree.
#[inline(always)]
fn tree_sum4<V: Packed>(c: &[V]) -> V {
    match c.len() {
        1 => c[0],
        2 => c[0].add(c[1]),
        3 => c[0].add(c[1]).add(c[2]),
        _ => c[0].add(c[1]).add(c[2].add(c[3])),
    }
}

/// Sum of at most eight vectors as a balanced tree.
#[inline(always)]
fn tree_sum8<V: Packed>(c: &[V]) -> V {
    if c.len() <= 4 {
        tree_sum4(c)
    } else {
        tree_sum4(&c[..4]).add(tree_sum4(&c[4..]))
    }
}

/// Sum of `xs`: a balanced tree over each chunk of eight, the chunk sums added in turn.
/// Short dependency chains with few partial sums live (the width-24 state fills most of
/// the registers); not recursive, so it inlines. Four interleaved chains instead were
/// ~3% slower at width 24.
#[inline(always)]
fn sum<V: Packed>(xs: &[V]) -> V {
    let mut chunks = xs.chunks(8);
    let mut acc = tree_sum8(chunks.next().unwrap());
    for c in chunks {
        acc = acc.add(tree_sum8(c));
    }
    acc
}

/// `state[i] ← V[i]·state[i] + full` for `i ≥ 1`: the internal layer `M_I` of width 16
/// with `full = Σ state`, V = [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8, 1/4, 1/8, 1/2^27,
/// -1/2^8, -1/16, -1/2^27] (`state[0]` is left to the caller).
#[inline(always)]
fn internal_diag16<V: Packed>(s: &mut [V; 16], full: V) {
    s[1] = s[1].add(full);
    s[2] = s[2].double().add(full);
    s[3] = s[3].halve().add(full);
    s[4] = s[4].double().add(s[4]).add(full);
    s[5] = s[5].double().double().add(full);
    s[6] = full.sub(s[6].halve());
    s[7] = full.sub(s[7].double().add(s[7]));
    s[8] = full.sub(s[8].double().double());
    s[9] = s[9].div_2exp_add::<8>(full);
    s[10] = s[10].div_2exp_add::<2>(full);
    s[11] = s[11].div_2exp_add::<3>(full);
    s[12] = s[12].div_2exp_add::<27>(full);
    s[13] = s[13].div_2exp_sub::<8>(full);
    s[14] = s[14].div_2exp_sub::<4>(full);
    s[15] = s[15].div_2exp_sub::<27>(full);
}

/// [`internal_diag16`] for width 24, with V = [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8,
/// 1/4, 1/8, 1/16, 1/2^7, 1/2^9, 1/2^27, -1/2^8, -1/4, -1/8, -1/16, -1/32, -1/64, -1/2^7,
/// -1/2^27].
#[inline(always)]
fn internal_diag24<V: Packed>(s: &mut [V; 24], full: V) {
    s[1] = s[1].add(full);
    s[2] = s[2].double().add(full);
    s[3] = s[3].halve().add(full);
    s[4] = s[4].double().add(s[4]).add(full);
    s[5] = s[5].double().double().add(full);
    s[6] = full.sub(s[6].halve());
    s[7] = full.sub(s[7].double().add(s[7]));
    s[8] = full.sub(s[8].double().double());
    s[9] = s[9].div_2exp_add::<8>(full);
    s[10] = s[10].div_2exp_add::<2>(full);
    s[11] = s[11].div_2exp_add::<3>(full);
    s[12] = s[12].div_2exp_add::<4>(full);
    s[13] = s[13].div_2exp_add::<7>(full);
    s[14] = s[14].div_2exp_add::<9>(full);
    s[15] = s[15].div_2exp_add::<27>(full);
    s[16] = s[16].div_2exp_sub::<8>(full);
    s[17] = s[17].div_2exp_sub::<2>(full);
    s[18] = s[18].div_2exp_sub::<3>(full);
    s[19] = s[19].div_2exp_sub::<4>(full);
    s[20] = s[20].div_2exp_sub::<5>(full);
    s[21] = s[21].div_2exp_sub::<6>(full);
    s[22] = s[22].div_2exp_sub::<7>(full);
    s[23] = s[23].div_2exp_sub::<27>(full);
}

/// The initial linear layer and full rounds.
#[inline(always)]
fn initial_rounds<V: Packed, const WIDTH: usize, const PARTIAL: usize>(
    state: &mut [V; WIDTH],
    constants: &ShiftedConstants<WIDTH, PARTIAL>,
) {
    external_linear(state);
    for rc in &constants.initial {
        full_round(state, rc);
    }
}

/// The terminal full rounds.
#[inline(always)]
fn terminal_rounds<V: Packed, const WIDTH: usize, const PARTIAL: usize>(
    state: &mut [V; WIDTH],
    constants: &ShiftedConstants<WIDTH, PARTIAL>,
) {
    for rc in &constants.terminal {
        full_round(state, rc);
    }
}

/// `state[i] ← V[i]·state[i] + full` for `i ≥ 1`, at either width.
#[inline(always)]
fn internal_diag<V: Packed, const WIDTH: usize>(state: &mut [V; WIDTH], full: V) {
    match WIDTH {
        16 => internal_diag16(state.as_mut_slice().try_into().unwrap(), full),
        24 => internal_diag24(state.as_mut_slice().try_into().unwrap(), full),
        _ => unreachable!("Poseidon2 is defined here for widths 16 and 24"),
    }
}

/// The partial rounds: `state[0] ← (state[0] + rc)^7`, then `M_I`.
///
/// With σ the S-box output and `tail = Σ_{i≥1} state[i]`, `M_I` gives `state[0] ← tail − σ`
/// (its diagonal entry is −2) and `state[i] ← V[i]·state[i] + tail + σ`. The rounds are
/// bounded by the chain S-box → next S-box, so the next S-box input `tail − σ + rc'` is
/// formed as `(tail + rc') − σ`: the constant is added off the chain, and one plain
/// subtraction follows the S-box (`Packed::sub_pow7`). `state[0]` itself is only written
/// after the last round.
#[inline(always)]
fn partial_rounds<V: Packed, const WIDTH: usize>(state: &mut [V; WIDTH], rcs: &[u32]) {
    let (&first_rc, next_rcs) = rcs.split_first().unwrap();
    let mut sigma = state[0].add_rc_pow7(first_rc);
    for &next_rc in next_rcs {
        let tail = sum(&state[1..]);
        let full = tail.add(sigma);
        let next_input = tail.add(V::splat(next_rc.wrapping_add(P)));
        internal_diag(state, full);
        sigma = next_input.sub_pow7(sigma);
    }
    state[0] = sigma;
    internal_layer(state);
}

/// The width-16 permutation on `V::LANES` states at once.
#[inline(always)]
pub(crate) fn permute16<V: Packed>(state: &mut [V; 16]) {
    initial_rounds(state, &SHIFTED_16);
    partial_rounds(state, &SHIFTED_16.internal);
    terminal_rounds(state, &SHIFTED_16);
}

/// The width-16 permutation on two independent groups of `V::LANES` states. The partial
/// rounds are latency-bound (each waits for the S-box of `state[0]`); interleaving two
/// groups lets one group's S-box overlap the other's.
#[inline(always)]
pub(crate) fn permute16_x2<V: Packed>(a: &mut [V; 16], b: &mut [V; 16]) {
    initial_rounds(a, &SHIFTED_16);
    initial_rounds(b, &SHIFTED_16);
    partial_rounds_x2(a, b, &SHIFTED_16.internal);
    terminal_rounds(a, &SHIFTED_16);
    terminal_rounds(b, &SHIFTED_16);
}

/// [`partial_rounds`] on two groups, interleaved round by round.
#[inline(always)]
fn partial_rounds_x2<V: Packed, const WIDTH: usize>(
    a: &mut [V; WIDTH],
    b: &mut [V; WIDTH],
    rcs: &[u32],
) {
    for &rc in rcs {
        a[0] = a[0].add_rc_pow7(rc);
        b[0] = b[0].add_rc_pow7(rc);
        internal_layer(a);
        internal_layer(b);
    }
}

/// `state ← M_I·state`.
#[inline(always)]
fn internal_layer<V: Packed, const WIDTH: usize>(state: &mut [V; WIDTH]) {
    let tail = sum(&state[1..]);
    let full = tail.add(state[0]);
    state[0] = tail.sub(state[0]);
    internal_diag(state, full);
}

/// The width-24 permutation on two independent groups (see [`permute16_x2`]).
#[inline(always)]
pub(crate) fn permute24_x2<V: Packed>(a: &mut [V; 24], b: &mut [V; 24]) {
    initial_rounds(a, &SHIFTED_24);
    initial_rounds(b, &SHIFTED_24);
    partial_rounds_x2(a, b, &SHIFTED_24.internal);
    terminal_rounds(a, &SHIFTED_24);
    terminal_rounds(b, &SHIFTED_24);
}

/// The width-24 permutation on `V::LANES` states at once.
#[inline(always)]
pub(crate) fn permute24<V: Packed>(state: &mut [V; 24]) {
    initial_rounds(state, &SHIFTED_24);
    partial_rounds(state, &SHIFTED_24.internal);
    terminal_rounds(state, &SHIFTED_24);
}
