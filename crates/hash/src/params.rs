//! The sizes every layer shares: digest length, sponge rate and the block of states
//! [`crate::Permutation::permute_blocks`] takes.

use kiln_field::BabyBear;

/// Elements in a digest.
pub const DIGEST_ELEMS: usize = 8;
/// Elements absorbed per permutation.
pub const RATE: usize = 8;

/// A hash output: 8 BabyBear elements (≈ 248 bits).
pub type Digest = [BabyBear; DIGEST_ELEMS];

/// States per block in [`crate::Permutation::permute_blocks`]: the lane count of the
/// widest SIMD level (AVX-512), a whole number of vectors on every level.
pub const BLOCK: usize = 16;
