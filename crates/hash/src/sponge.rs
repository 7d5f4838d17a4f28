//! The padding-free sponge: Poseidon2-16 in overwrite mode, rate 8, digest 8 elements.

use kiln_field::{BabyBear, ColMajor, Field};

use crate::batched::dispatch;
use crate::params::{DIGEST_ELEMS, Digest, RATE};
use crate::poseidon2::{Permutation, Poseidon2W16};

/// The hash of rows: Plonky3's `PaddingFreeSponge<Poseidon2BabyBear<16>, 16, 8, 8>`.
///
/// Mathematical description: the state starts at zero; the input is cut into chunks of
/// 8; each chunk overwrites the first elements of the state (a short last chunk only as
/// many as it has) and the state is permuted; the digest is the first 8 elements. There
/// is no padding, so inputs of different lengths can collide; the Merkle commitment fixes
/// every row length through the matrix dimensions. The empty input hashes to zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaddingFreeSponge {
    perm: Poseidon2W16,
}

impl PaddingFreeSponge {
    pub const fn new(perm: Poseidon2W16) -> Self {
        Self { perm }
    }

    pub fn permutation(&self) -> Poseidon2W16 {
        self.perm
    }

    /// The digest of the elements of `input`.
    pub fn hash_iter<I: IntoIterator<Item = BabyBear>>(&self, input: I) -> Digest {
        let mut state = [BabyBear::ZERO; 16];
        let mut input = input.into_iter();
        'absorb: loop {
            for i in 0..RATE {
                match input.next() {
                    Some(x) => state[i] = x,
                    None => {
                        if i != 0 {
                            self.perm.permute_mut(&mut state);
                        }
                        break 'absorb;
                    }
                }
            }
            self.perm.permute_mut(&mut state);
        }
        state[..DIGEST_ELEMS].try_into().unwrap()
    }

    /// The digest of `input`.
    pub fn hash_slice(&self, input: &[BabyBear]) -> Digest {
        self.hash_iter(input.iter().copied())
    }

    /// The digest of the concatenation of the slices.
    pub fn hash_slices<'a, I: IntoIterator<Item = &'a [BabyBear]>>(&self, input: I) -> Digest {
        self.hash_iter(input.into_iter().flatten().copied())
    }

    /// `out[i]` ← the digest of row `first_row + i` of the concatenation of `matrices`
    /// (row r is row r of the first matrix, then of the second, ...), as many rows at a
    /// time as the SIMD level has lanes. This is how Merkle leaves are hashed.
    ///
    /// # Panics
    /// If the matrices differ in height or have fewer than `first_row + out.len()` rows.
    pub fn hash_rows(&self, matrices: &[ColMajor<'_>], first_row: usize, out: &mut [Digest]) {
        let Some(height) = matrices.first().map(ColMajor::height) else {
            out.fill([BabyBear::ZERO; DIGEST_ELEMS]);
            return;
        };
        assert!(
            matrices.iter().all(|m| m.height() == height),
            "hash_rows: matrices of different heights"
        );
        assert!(
            first_row
                .checked_add(out.len())
                .is_some_and(|end| end <= height),
            "hash_rows: rows {first_row}..+{} of matrices of height {height}",
            out.len()
        );
        let columns: Vec<&[BabyBear]> = matrices.iter().flat_map(|m| m.columns()).collect();
        dispatch!(self.perm.simd_level(), hash_rows(&columns, first_row, out));
    }
}
