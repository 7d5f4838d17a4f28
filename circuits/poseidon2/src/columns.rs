use core::mem::offset_of;

use kiln_hash::{HALF_FULL_ROUNDS, PARTIAL_ROUNDS_16};

/// The Poseidon2 state width this circuit proves.
pub const WIDTH: usize = 16;

/// The columns of one full round.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FullRound<T> {
    /// `x^3` for each S-box input `x = state[i] + rc[i]`: the register that keeps the
    /// S-box's constraints at degree 3.
    pub sbox: [T; WIDTH],
    /// The state after the round: `M_E·(x^7)`.
    pub post: [T; WIDTH],
}

/// The columns of one partial round (the S-box acts on `state[0]` only).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartialRound<T> {
    /// `x^3` for `x = state[0] + rc`.
    pub sbox: T,
    /// `x^7`, the new `state[0]` before the internal linear layer.
    pub post_sbox: T,
}

/// The columns of one permutation: its input, then every round's committed values. The
/// last terminal round's `post` is the permutation's output.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Poseidon2Cols<T> {
    pub inputs: [T; WIDTH],
    pub beginning_full_rounds: [FullRound<T>; HALF_FULL_ROUNDS],
    pub partial_rounds: [PartialRound<T>; PARTIAL_ROUNDS_16],
    pub ending_full_rounds: [FullRound<T>; HALF_FULL_ROUNDS],
}

/// Columns of one permutation: 16 + 8·32 + 13·2 = 298.
pub const NUM_POSEIDON2_COLS: usize = size_of::<Poseidon2Cols<u8>>();

/// Column of `inputs[0]` within a permutation's columns.
pub const INPUT_OFFSET: usize = offset_of!(Poseidon2Cols<u8>, inputs);

/// Column of the output's first element (the last terminal round's `post[0]`) within a
/// permutation's columns; the output occupies the 16 columns from there.
pub const OUTPUT_OFFSET: usize = offset_of!(Poseidon2Cols<u8>, ending_full_rounds)
    + (HALF_FULL_ROUNDS - 1) * size_of::<FullRound<u8>>()
    + offset_of!(FullRound<u8>, post);

impl<T> Poseidon2Cols<T> {
    /// Borrows a row slice of one permutation's width as named columns.
    ///
    /// # Panics
    /// If `row.len() != NUM_POSEIDON2_COLS`.
    pub fn from_row(row: &[T]) -> &Self {
        assert_eq!(
            row.len(),
            NUM_POSEIDON2_COLS,
            "a Poseidon2 row has {NUM_POSEIDON2_COLS} cells per permutation"
        );
        // SAFETY: `Poseidon2Cols<T>` is `repr(C)` and made only of (arrays of) `repr(C)`
        // structs of `T`, so it has the size, alignment and layout of
        // `[T; NUM_POSEIDON2_COLS]` with no padding; the length is checked above.
        unsafe { &*row.as_ptr().cast::<Self>() }
    }

    /// Mutable version of [`Poseidon2Cols::from_row`].
    ///
    /// # Panics
    /// If `row.len() != NUM_POSEIDON2_COLS`.
    pub fn from_row_mut(row: &mut [T]) -> &mut Self {
        assert_eq!(
            row.len(),
            NUM_POSEIDON2_COLS,
            "a Poseidon2 row has {NUM_POSEIDON2_COLS} cells per permutation"
        );
        // SAFETY: as in `from_row`; the exclusive borrow of `row` becomes the exclusive
        // borrow of the struct.
        unsafe { &mut *row.as_mut_ptr().cast::<Self>() }
    }

    /// Borrows a row holding several permutations side by side (`k · NUM_POSEIDON2_COLS`
    /// cells) as `k` column sets.
    ///
    /// # Panics
    /// If the length is not a multiple of `NUM_POSEIDON2_COLS`.
    pub fn from_wide_row(row: &[T]) -> &[Self] {
        assert!(
            row.len().is_multiple_of(NUM_POSEIDON2_COLS),
            "a Poseidon2 row has a multiple of {NUM_POSEIDON2_COLS} cells"
        );
        // SAFETY: each `Self` has the layout of `[T; NUM_POSEIDON2_COLS]` (see `from_row`),
        // so `k` of them side by side have the layout of `[T; k·NUM_POSEIDON2_COLS]`;
        // the length is a multiple of the struct's, checked above.
        unsafe {
            core::slice::from_raw_parts(row.as_ptr().cast::<Self>(), row.len() / NUM_POSEIDON2_COLS)
        }
    }

    /// The cells in column order.
    pub fn as_slice(&self) -> &[T; NUM_POSEIDON2_COLS] {
        // SAFETY: the layout of `Self` is that of `[T; NUM_POSEIDON2_COLS]` (see
        // `from_row`).
        unsafe { &*(self as *const Self).cast::<[T; NUM_POSEIDON2_COLS]>() }
    }

    /// The permutation's output.
    pub fn outputs(&self) -> &[T; WIDTH] {
        &self.ending_full_rounds[HALF_FULL_ROUNDS - 1].post
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        assert_eq!(NUM_POSEIDON2_COLS, 298);
        assert_eq!(INPUT_OFFSET, 0);
        assert_eq!(OUTPUT_OFFSET, NUM_POSEIDON2_COLS - WIDTH);
        let cells: Vec<u32> = (0..NUM_POSEIDON2_COLS as u32).collect();
        let cols = Poseidon2Cols::from_row(&cells);
        assert_eq!(cols.outputs()[0] as usize, OUTPUT_OFFSET);
        assert_eq!(cols.partial_rounds[0].sbox as usize, 16 + 4 * 32);
        assert_eq!(cols.as_slice().as_slice(), cells.as_slice());
        let wide: Vec<u32> = (0..3 * NUM_POSEIDON2_COLS as u32).collect();
        let perms = Poseidon2Cols::from_wide_row(&wide);
        assert_eq!(perms.len(), 3);
        assert_eq!(perms[2].inputs[1] as usize, 2 * NUM_POSEIDON2_COLS + 1);
    }
}
