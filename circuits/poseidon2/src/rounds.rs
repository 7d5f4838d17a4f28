//! Poseidon2's linear layers and rounds over any [`Algebra`]: the constraints evaluate them
//! on expressions, trace generation on packed field elements.
//!
//! The round structure is `kiln_hash`'s (and Plonky3's `default_babybear_poseidon2_16`):
//!
//! ```text
//! state ← M_E·state
//! 4 × { state[i] ← (state[i] + rc[i])^7 for all i;  state ← M_E·state }
//! 13 × { state[0] ← (state[0] + rc)^7;  state ← M_I·state }
//! 4 × { state[i] ← (state[i] + rc[i])^7 for all i;  state ← M_E·state }
//! ```

use kiln_air::Algebra;
use kiln_field::BabyBear;
use kiln_hash::POSEIDON2_W16;

use crate::columns::{FullRound, PartialRound, Poseidon2Cols, WIDTH};

/// `V` in the internal matrix `M_I = 1 + diag(V)`.
pub(crate) static INTERNAL_DIAG: [BabyBear; WIDTH] = POSEIDON2_W16.internal_diag_values();

/// `x ← M4·x` with `M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]]`: 7 additions, 2
/// doublings.
#[inline(always)]
fn mat4<E: Algebra>(x: &mut [E]) {
    let t01 = x[0].clone() + x[1].clone();
    let t23 = x[2].clone() + x[3].clone();
    let t0123 = t01.clone() + t23.clone();
    let t01123 = t0123.clone() + x[1].clone();
    let t01233 = t0123 + x[3].clone();
    let y3 = t01233.clone() + x[0].clone() + x[0].clone();
    let y1 = t01123.clone() + x[2].clone() + x[2].clone();
    let y0 = t01123 + t01;
    let y2 = t01233 + t23;
    x[0] = y0;
    x[1] = y1;
    x[2] = y2;
    x[3] = y3;
}

/// `state ← M_E·state`, `M_E = circ(2·M4, M4, M4, M4)`: M4 on each block of four, then
/// each element plus the sum of the elements at its position in every block.
#[inline(always)]
pub(crate) fn external_linear<E: Algebra>(state: &mut [E; WIDTH]) {
    for block in state.chunks_exact_mut(4) {
        mat4(block);
    }
    let sums: [E; 4] = core::array::from_fn(|k| {
        state[k].clone() + state[4 + k].clone() + state[8 + k].clone() + state[12 + k].clone()
    });
    for (i, x) in state.iter_mut().enumerate() {
        *x += sums[i % 4].clone();
    }
}

/// `state ← M_I·state`: `state[i] ← V[i]·state[i] + Σ state`.
#[inline(always)]
pub(crate) fn internal_linear<E: Algebra>(state: &mut [E; WIDTH]) {
    let mut sum = state[0].clone();
    for x in &state[1..] {
        sum += x.clone();
    }
    for (x, &v) in state.iter_mut().zip(&INTERNAL_DIAG) {
        *x = if v == BabyBear::new(1) {
            x.clone() + sum.clone()
        } else {
            x.clone() * v + sum.clone()
        };
    }
}

/// A full round on values: fills `round` and leaves the post-state in `state`.
#[inline(always)]
fn full_round<E: Algebra>(
    state: &mut [E; WIDTH],
    round: &mut FullRound<E>,
    constants: &[BabyBear; WIDTH],
) {
    for ((x, &rc), cube) in state.iter_mut().zip(constants).zip(&mut round.sbox) {
        let y = x.clone() + rc;
        *cube = y.square() * y.clone();
        *x = cube.square() * y;
    }
    external_linear(state);
    round.post = state.clone();
}

/// A partial round on values.
#[inline(always)]
fn partial_round<E: Algebra>(state: &mut [E; WIDTH], round: &mut PartialRound<E>, rc: BabyBear) {
    let y = state[0].clone() + rc;
    round.sbox = y.square() * y.clone();
    round.post_sbox = round.sbox.square() * y;
    state[0] = round.post_sbox.clone();
    internal_linear(state);
}

/// Runs the permutation on `input`, writing every committed value into `cols`.
#[inline(always)]
pub(crate) fn permutation_columns<E: Algebra>(input: [E; WIDTH], cols: &mut Poseidon2Cols<E>) {
    let c = &POSEIDON2_W16;
    let mut state = input;
    cols.inputs = state.clone();
    external_linear(&mut state);
    for (round, rc) in cols.beginning_full_rounds.iter_mut().zip(&c.initial) {
        full_round(&mut state, round, rc);
    }
    for (round, &rc) in cols.partial_rounds.iter_mut().zip(&c.internal) {
        partial_round(&mut state, round, rc);
    }
    for (round, rc) in cols.ending_full_rounds.iter_mut().zip(&c.terminal) {
        full_round(&mut state, round, rc);
    }
}

#[cfg(test)]
mod tests {
    use kiln_field::Field;
    use kiln_hash::{Permutation, Poseidon2W16};

    use super::*;

    /// The linear layers against their matrices, written out.
    #[test]
    fn linear_layers_match_matrices() {
        let x: [BabyBear; WIDTH] = core::array::from_fn(|i| BabyBear::new(7 * i as u32 + 3));
        let m4 = [[2u32, 3, 1, 1], [1, 2, 3, 1], [1, 1, 2, 3], [3, 1, 1, 2]];
        let mut ext = x;
        external_linear(&mut ext);
        for i in 0..WIDTH {
            let mut acc = BabyBear::ZERO;
            for j in 0..WIDTH {
                let k = if i / 4 == j / 4 { 2 } else { 1 };
                acc += x[j] * BabyBear::new(k * m4[i % 4][j % 4]);
            }
            assert_eq!(ext[i], acc, "M_E row {i}");
        }
        let mut int = x;
        internal_linear(&mut int);
        let sum: BabyBear = x.iter().copied().sum();
        for i in 0..WIDTH {
            assert_eq!(int[i], sum + x[i] * INTERNAL_DIAG[i], "M_I row {i}");
        }
    }

    #[test]
    fn output_is_the_permutation() {
        let perm = Poseidon2W16::new();
        for seed in 0..4u32 {
            let input: [BabyBear; WIDTH] =
                core::array::from_fn(|i| BabyBear::new(seed * 1_000_003 + 17 * i as u32));
            let mut cols = Poseidon2Cols::default();
            permutation_columns(input, &mut cols);
            assert_eq!(*cols.outputs(), perm.permute(input));
            assert_eq!(cols.inputs, input);
        }
    }
}
