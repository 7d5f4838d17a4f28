use kiln_air::{Air, AirBuilder, Algebra, BaseAir};
use kiln_field::BabyBear;
use kiln_hash::{HALF_FULL_ROUNDS, PARTIAL_ROUNDS_16, POSEIDON2_W16};

use crate::columns::{
    FullRound, INPUT_OFFSET, NUM_POSEIDON2_COLS, OUTPUT_OFFSET, PartialRound, Poseidon2Cols, WIDTH,
};
use crate::rounds::{external_linear, internal_linear};

/// Constraints of one permutation: per full round 16 S-box registers and 16 post-state
/// cells, per partial round one register and one S-box output: 8·32 + 13·2 = 282.
pub const CONSTRAINTS_PER_PERM: usize = 2 * HALF_FULL_ROUNDS * 2 * WIDTH + 2 * PARTIAL_ROUNDS_16;

/// Proves `PERMS_PER_ROW` Poseidon2 width-16 permutations per row (kiln's
/// [`kiln_hash::Poseidon2W16`], which is Plonky3's `default_babybear_poseidon2_16`).
///
/// Each permutation occupies [`NUM_POSEIDON2_COLS`] columns ([`Poseidon2Cols`]); every
/// constraint has degree 3 and reads only the current row, so rows are independent and
/// the quotient has two chunks (rate 1/2 suffices). Permutation `i` of a trace lies in row
/// `i / PERMS_PER_ROW`, slot `i % PERMS_PER_ROW`; its input and output columns are
/// [`Poseidon2Air::input_column`] and [`Poseidon2Air::output_column`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Poseidon2Air<const PERMS_PER_ROW: usize = 1>;

impl<const PERMS_PER_ROW: usize> Poseidon2Air<PERMS_PER_ROW> {
    pub const fn new() -> Self {
        const { assert!(PERMS_PER_ROW > 0, "at least one permutation per row") };
        Self
    }

    /// Column of input element `element` of the permutation in slot `slot`.
    ///
    /// # Panics
    /// If `slot >= PERMS_PER_ROW` or `element >= 16`.
    pub const fn input_column(slot: usize, element: usize) -> usize {
        assert!(slot < PERMS_PER_ROW && element < WIDTH);
        slot * NUM_POSEIDON2_COLS + INPUT_OFFSET + element
    }

    /// Column of output element `element` of the permutation in slot `slot`.
    ///
    /// # Panics
    /// If `slot >= PERMS_PER_ROW` or `element >= 16`.
    pub const fn output_column(slot: usize, element: usize) -> usize {
        assert!(slot < PERMS_PER_ROW && element < WIDTH);
        slot * NUM_POSEIDON2_COLS + OUTPUT_OFFSET + element
    }
}

impl<const PERMS_PER_ROW: usize> BaseAir for Poseidon2Air<PERMS_PER_ROW> {
    fn width(&self) -> usize {
        NUM_POSEIDON2_COLS * PERMS_PER_ROW
    }

    fn constraint_name(&self, index: usize) -> String {
        let (slot, i) = (index / CONSTRAINTS_PER_PERM, index % CONSTRAINTS_PER_PERM);
        if slot >= PERMS_PER_ROW {
            return format!("constraint #{index}");
        }
        let full = 2 * WIDTH;
        let initial = HALF_FULL_ROUNDS * full;
        let partial = 2 * PARTIAL_ROUNDS_16;
        let full_name = |kind: &str, j: usize| {
            let (round, cell) = (j / full, j % full);
            if cell < WIDTH {
                format!("slot {slot}: {kind} full round {round}: sbox[{cell}] = x^3")
            } else {
                let cell = cell - WIDTH;
                format!("slot {slot}: {kind} full round {round}: post[{cell}] = M_E·x^7")
            }
        };
        if i < initial {
            full_name("initial", i)
        } else if i < initial + partial {
            let j = i - initial;
            let what = if j.is_multiple_of(2) {
                "sbox = x^3"
            } else {
                "post_sbox = x^7"
            };
            format!("slot {slot}: partial round {}: {what}", j / 2)
        } else {
            full_name("terminal", i - initial - partial)
        }
    }
}

/// The S-box of `x` with the committed register `cube`: constrains `cube = x^3` and
/// returns `x^7 = cube^2·x` (degree 3 when `x` has degree 1).
#[inline(always)]
fn sbox<AB: AirBuilder>(builder: &mut AB, x: AB::Expr, cube: AB::Var) -> AB::Expr {
    builder.assert_eq(cube, x.square() * x.clone());
    let cube: AB::Expr = cube.into();
    cube.square() * x
}

#[inline(always)]
fn eval_full_round<AB: AirBuilder>(
    builder: &mut AB,
    state: &mut [AB::Expr; WIDTH],
    round: &FullRound<AB::Var>,
    constants: &[BabyBear; WIDTH],
) {
    for ((x, &rc), &cube) in state.iter_mut().zip(constants).zip(&round.sbox) {
        *x = sbox(builder, x.clone() + rc, cube);
    }
    external_linear(state);
    for (x, &post) in state.iter_mut().zip(&round.post) {
        builder.assert_eq(post, x.clone());
        *x = post.into();
    }
}

#[inline(always)]
fn eval_partial_round<AB: AirBuilder>(
    builder: &mut AB,
    state: &mut [AB::Expr; WIDTH],
    round: &PartialRound<AB::Var>,
    rc: BabyBear,
) {
    let y = sbox(builder, state[0].clone() + rc, round.sbox);
    builder.assert_eq(round.post_sbox, y);
    state[0] = round.post_sbox.into();
    internal_linear(state);
}

/// The columns of the permutation in `slot` of the current row (a table built on this AIR
/// may have columns of its own after the permutations').
#[inline(always)]
fn slot_cols<AB: AirBuilder>(builder: &AB, slot: usize) -> &Poseidon2Cols<AB::Var> {
    let start = slot * NUM_POSEIDON2_COLS;
    Poseidon2Cols::from_row(&builder.main().local[start..start + NUM_POSEIDON2_COLS])
}

/// The constraints of the permutation in `slot`, in [`Poseidon2Cols`] order. Each round's
/// cells are copied out of the row before its constraints are stated (the builder is
/// borrowed mutably then); a round at a time keeps the copies small.
#[inline(always)]
fn eval_permutation<AB: AirBuilder>(builder: &mut AB, slot: usize) {
    let c = &POSEIDON2_W16;
    let mut state: [AB::Expr; WIDTH] = slot_cols(builder, slot).inputs.map(Into::into);
    external_linear(&mut state);
    for (r, rc) in c.initial.iter().enumerate() {
        let round = slot_cols(builder, slot).beginning_full_rounds[r];
        eval_full_round(builder, &mut state, &round, rc);
    }
    for (r, &rc) in c.internal.iter().enumerate() {
        let round = slot_cols(builder, slot).partial_rounds[r];
        eval_partial_round(builder, &mut state, &round, rc);
    }
    for (r, rc) in c.terminal.iter().enumerate() {
        let round = slot_cols(builder, slot).ending_full_rounds[r];
        eval_full_round(builder, &mut state, &round, rc);
    }
}

impl<AB: AirBuilder, const PERMS_PER_ROW: usize> Air<AB> for Poseidon2Air<PERMS_PER_ROW> {
    #[inline(always)]
    fn eval(&self, builder: &mut AB) {
        for slot in 0..PERMS_PER_ROW {
            eval_permutation(builder, slot);
        }
    }
}
