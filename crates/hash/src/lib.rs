#![doc = include_str!("../README.md")]

mod backend;
mod compress;
mod constants;
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
pub use constants::{
    DiagEntry, HALF_FULL_ROUNDS, PARTIAL_ROUNDS_16, PARTIAL_ROUNDS_24, POSEIDON2_W16,
    POSEIDON2_W24, Poseidon2Constants, SBOX_DEGREE,
};
pub use cuda::{CUDA_HEADER_PATH, cuda_constants_header};
pub use error::{BackendError, CommitError, OpenError, VerifyError};
pub use matrix::MatrixError;
pub use matrix::{AsColMajor, ColMajor, ColMajorMatrix, Dimensions};
pub use mmcs::{BatchOpening, MerkleTree, MerkleTreeMmcs};
pub use poseidon2::{BLOCK, Permutation, Poseidon2W16, Poseidon2W24};
pub use sponge::{DIGEST_ELEMS, Digest, PaddingFreeSponge, RATE};
