//! Poseidon2 hashing and Merkle commitments over BabyBear: the CPU half of kiln's hash
//! stack, bit-for-bit interoperable with Plonky3 0.8.
//!
//! * [`Poseidon2W16`], [`Poseidon2W24`]: the permutation ([`Permutation`]), single and
//!   batched, with Plonky3's default BabyBear constants ([`constants`]).
//! * [`PaddingFreeSponge`]: hashes rows to 8-element [`Digest`]s;
//!   [`TruncatedPermutation`]: compresses two digests into one.
//! * [`MerkleTreeMmcs`]: commits to column-major matrices ([`ColMajor`]) of power-of-two
//!   heights, opens rows at query indices ([`BatchOpening`]) and verifies openings.
//! * [`CpuBackend`]: scalar, AVX2 or AVX-512, detected at run time.
//!
//! See the crate README for the layout, the Plonky3 correspondence and benchmarks.

mod backend;
mod compress;
pub mod constants;
mod cuda;
mod error;
mod kernels;
mod matrix;
mod mmcs;
mod packed;
mod poseidon2;
mod sponge;

pub use backend::CpuBackend;
pub use compress::TruncatedPermutation;
pub use cuda::{CUDA_HEADER_PATH, cuda_constants_header};
pub use error::{BackendError, CommitError, MatrixError, OpenError, VerifyError};
pub use matrix::{AsColMajor, ColMajor, ColMajorMatrix, Dimensions};
pub use mmcs::{BatchOpening, MerkleTree, MerkleTreeMmcs};
pub use poseidon2::{Permutation, Poseidon2W16, Poseidon2W24};
pub use sponge::{DIGEST_ELEMS, Digest, PaddingFreeSponge, RATE};
