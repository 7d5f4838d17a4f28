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

use crate::constants::{
    HALF_FULL_ROUNDS, PARTIAL_ROUNDS_16, PARTIAL_ROUNDS_24, POSEIDON2_W16, POSEIDON2_W24,
    Poseidon2Constants,
};
use crate::packed::Packed;

/// Round constants as `rc − p (mod 2^32)` of their Montgomery words, the form
/// [`Packed::add_rc_pow7`] takes (SIMD backends add it to a word in `[0, p)` and get a
/// signed value in `[−p, p)` with no reduction).
pub(crate) struct ShiftedConstants<const WIDTH: usize, const PARTIAL: usize> {
    pub(crate) initial: [[u32; WIDTH]; HALF_FULL_ROUNDS],
    pub(crate) terminal: [[u32; WIDTH]; HALF_FULL_ROUNDS],
    pub(crate) internal: [u32; PARTIAL],
}

const fn shift<const N: usize>(xs: &[kiln_field::BabyBear; N]) -> [u32; N] {
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = xs[i].to_monty().wrapping_sub(P);
        i += 1;
    }
    out
}

const fn shifted<const WIDTH: usize, const PARTIAL: usize>(
    c: &Poseidon2Constants<WIDTH, PARTIAL>,
) -> ShiftedConstants<WIDTH, PARTIAL> {
    let mut initial = [[0; WIDTH]; HALF_FULL_ROUNDS];
    let mut terminal = [[0; WIDTH]; HALF_FULL_ROUNDS];
    let mut r = 0;
    while r < HALF_FULL_ROUNDS {
        initial[r] = shift(&c.initial[r]);
        terminal[r] = shift(&c.terminal[r]);
        r += 1;
    }
    ShiftedConstants {
        initial,
        terminal,
        internal: shift(&c.internal),
    }
}

pub(crate) static SHIFTED_16: ShiftedConstants<16, PARTIAL_ROUNDS_16> = shifted(&POSEIDON2_W16);
pub(crate) static SHIFTED_24: ShiftedConstants<24, PARTIAL_ROUNDS_24> = shifted(&POSEIDON2_W24);

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
    // Written out element by element: as a loop LLVM keeps it rolled (the body is
    // large), the state then lives in memory instead of registers, and the permutation
    // runs ~10% slower.
    macro_rules! sbox {
        ($($i:literal)*) => {
            $(
                if $i < WIDTH {
                    state[$i] = state[$i].add_rc_pow7(rc[$i]);
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
        sbox!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23);
    }
    const { assert!(WIDTH <= 24) };
    external_linear(state);
}

/// Sum of `xs` in four interleaved chains (shorter dependency chains than one fold; not
/// recursive, so it inlines).
#[inline(always)]
fn sum<V: Packed>(xs: &[V]) -> V {
    let mut acc = [xs[0], xs[1], xs[2], xs[3]];
    for chunk in xs[4..].chunks(4) {
        for (a, &x) in acc.iter_mut().zip(chunk) {
            *a = a.add(x);
        }
    }
    acc[0].add(acc[1]).add(acc[2].add(acc[3]))
}

/// `state ← M_I·state` for width 16: `state[i] ← V[i]·state[i] + Σ state`, with
/// V = [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8, 1/4, 1/8, 1/2^27, -1/2^8, -1/16, -1/2^27].
#[inline(always)]
pub(crate) fn internal_linear16<V: Packed>(s: &mut [V; 16]) {
    let tail = sum(&s[1..]);
    let full = tail.add(s[0]);
    s[0] = tail.sub(s[0]); // −2·s0 + full
    s[1] = s[1].add(full);
    s[2] = s[2].double().add(full);
    s[3] = s[3].halve().add(full);
    s[4] = s[4].double().add(s[4]).add(full);
    s[5] = s[5].double().double().add(full);
    s[6] = full.sub(s[6].halve());
    s[7] = full.sub(s[7].double().add(s[7]));
    s[8] = full.sub(s[8].double().double());
    s[9] = s[9].div_2exp::<8>().add(full);
    s[10] = s[10].div_2exp::<2>().add(full);
    s[11] = s[11].div_2exp::<3>().add(full);
    s[12] = s[12].div_2exp::<27>().add(full);
    s[13] = full.sub(s[13].div_2exp::<8>());
    s[14] = full.sub(s[14].div_2exp::<4>());
    s[15] = full.sub(s[15].div_2exp::<27>());
}

/// `state ← M_I·state` for width 24, with V = [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8,
/// 1/4, 1/8, 1/16, 1/2^7, 1/2^9, 1/2^27, -1/2^8, -1/4, -1/8, -1/16, -1/32, -1/64, -1/2^7,
/// -1/2^27].
#[inline(always)]
pub(crate) fn internal_linear24<V: Packed>(s: &mut [V; 24]) {
    let tail = sum(&s[1..]);
    let full = tail.add(s[0]);
    s[0] = tail.sub(s[0]);
    s[1] = s[1].add(full);
    s[2] = s[2].double().add(full);
    s[3] = s[3].halve().add(full);
    s[4] = s[4].double().add(s[4]).add(full);
    s[5] = s[5].double().double().add(full);
    s[6] = full.sub(s[6].halve());
    s[7] = full.sub(s[7].double().add(s[7]));
    s[8] = full.sub(s[8].double().double());
    s[9] = s[9].div_2exp::<8>().add(full);
    s[10] = s[10].div_2exp::<2>().add(full);
    s[11] = s[11].div_2exp::<3>().add(full);
    s[12] = s[12].div_2exp::<4>().add(full);
    s[13] = s[13].div_2exp::<7>().add(full);
    s[14] = s[14].div_2exp::<9>().add(full);
    s[15] = s[15].div_2exp::<27>().add(full);
    s[16] = full.sub(s[16].div_2exp::<8>());
    s[17] = full.sub(s[17].div_2exp::<2>());
    s[18] = full.sub(s[18].div_2exp::<3>());
    s[19] = full.sub(s[19].div_2exp::<4>());
    s[20] = full.sub(s[20].div_2exp::<5>());
    s[21] = full.sub(s[21].div_2exp::<6>());
    s[22] = full.sub(s[22].div_2exp::<7>());
    s[23] = full.sub(s[23].div_2exp::<27>());
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

// The partial rounds are written out per width (the internal layers differ); no
// closures, which would be compiled without the caller's target features.

/// The width-16 permutation on `V::LANES` states at once.
#[inline(always)]
pub(crate) fn permute16<V: Packed>(state: &mut [V; 16]) {
    initial_rounds(state, &SHIFTED_16);
    for &rc in &SHIFTED_16.internal {
        state[0] = state[0].add_rc_pow7(rc);
        internal_linear16(state);
    }
    terminal_rounds(state, &SHIFTED_16);
}

/// The width-16 permutation on two independent groups of `V::LANES` states. The partial
/// rounds are latency-bound (each waits for the S-box of `state[0]`); interleaving two
/// groups lets one group's S-box overlap the other's.
#[inline(always)]
pub(crate) fn permute16_x2<V: Packed>(a: &mut [V; 16], b: &mut [V; 16]) {
    initial_rounds(a, &SHIFTED_16);
    initial_rounds(b, &SHIFTED_16);
    for &rc in &SHIFTED_16.internal {
        a[0] = a[0].add_rc_pow7(rc);
        b[0] = b[0].add_rc_pow7(rc);
        internal_linear16(a);
        internal_linear16(b);
    }
    terminal_rounds(a, &SHIFTED_16);
    terminal_rounds(b, &SHIFTED_16);
}

/// The width-24 permutation on two independent groups (see [`permute16_x2`]).
#[inline(always)]
pub(crate) fn permute24_x2<V: Packed>(a: &mut [V; 24], b: &mut [V; 24]) {
    initial_rounds(a, &SHIFTED_24);
    initial_rounds(b, &SHIFTED_24);
    for &rc in &SHIFTED_24.internal {
        a[0] = a[0].add_rc_pow7(rc);
        b[0] = b[0].add_rc_pow7(rc);
        internal_linear24(a);
        internal_linear24(b);
    }
    terminal_rounds(a, &SHIFTED_24);
    terminal_rounds(b, &SHIFTED_24);
}

/// The width-24 permutation on `V::LANES` states at once.
#[inline(always)]
pub(crate) fn permute24<V: Packed>(state: &mut [V; 24]) {
    initial_rounds(state, &SHIFTED_24);
    for &rc in &SHIFTED_24.internal {
        state[0] = state[0].add_rc_pow7(rc);
        internal_linear24(state);
    }
    terminal_rounds(state, &SHIFTED_24);
}
