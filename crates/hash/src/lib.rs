#![doc = include_str!("../README.md")]

// Layers, bottom-up; each module imports only from the ones listed before it.

// Sizes shared by every layer: `DIGEST_ELEMS`, `RATE`, `BLOCK`, `Digest`.
mod params;

// Round constants and internal diagonals (`POSEIDON2_W16`, `POSEIDON2_W24`).
mod constants;

// Lanes of field elements, one type per SIMD level (scalar, AVX2, AVX-512).
mod packed;

// The Poseidon2 round structure, generic over the lane type.
mod rounds;

// Batched permutations, leaf hashing and compression, one copy per SIMD level.
mod batched;

// The `Permutation` trait and `Poseidon2W16`, `Poseidon2W24`.
mod poseidon2;

// `PaddingFreeSponge`: rows to digests.
mod sponge;

// `TruncatedPermutation`: two digests to one.
mod compress;

// `CommitError`, `OpenError`, `VerifyError`.
mod error;

// `MerkleTreeMmcs`: Merkle commitments to batches of matrices.
mod mmcs;

// `cuda_constants_header`: the CUDA header generated from `constants`.
mod cuda_header;

pub use compress::TruncatedPermutation;
pub use constants::{
    DiagEntry, HALF_FULL_ROUNDS, PARTIAL_ROUNDS_16, PARTIAL_ROUNDS_24, POSEIDON2_W16,
    POSEIDON2_W24, Poseidon2Constants, SBOX_DEGREE,
};
pub use cuda_header::{CUDA_HEADER_PATH, cuda_constants_header};
pub use error::{CommitError, OpenError, VerifyError};
pub use kiln_field::matrix::{AsColMajor, ColMajor, ColMajorMatrix, Dimensions, MatrixError};
pub use kiln_field::{SimdLevel, SimdLevelError};
pub use mmcs::{BatchOpening, MerkleTree, MerkleTreeMmcs, MultiOpening, distinct_rows};
pub use params::{BLOCK, DIGEST_ELEMS, Digest, RATE};
pub use poseidon2::{Permutation, Poseidon2W16, Poseidon2W24};
pub use sponge::PaddingFreeSponge;
