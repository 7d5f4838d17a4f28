//! kiln: GPU-first proving kernels with a CPU reference backend.
//!
//! * [`backend`]: the [`Backend`] trait and its implementations — [`CpuBackend`] (rayon,
//!   the oracle), [`CudaBackend`] (the CUDA kernels, through cudarc) and [`EmuBackend`]
//!   (the same CUDA kernel source compiled for the host, so kernel logic is tested on
//!   machines without a GPU).
//! * [`ntt`]: the batched NTT and coset LDE over BabyBear ([`NttOps`]).
//! * [`msm`]: multi-scalar multiplication over G1 of BN254 and BLS12-381 with arkworks
//!   0.6 types ([`MsmOps`], bases uploaded once as [`Bases`]).
//! * [`scalar_ntt`]: the NTT over those curves' scalar fields, equal to ark-poly's
//!   `Radix2EvaluationDomain` ([`ScalarNttOps`]).
//!
//! Matrices are "batches of columns": `batch` columns of `n = 2^log_n` elements stored
//! column after column, element (row r, column c) at index `c·n + r`. Every NTT and LDE
//! works on that layout on every backend.

pub mod backend;
mod error;
mod ffi;
pub mod merkle;
pub mod msm;
pub mod ntt;
mod repr;
pub mod scalar_ntt;
pub mod stark;

pub use backend::{Backend, CpuBackend, CudaBackend, DeviceInfo, Element, EmuBackend};
pub use error::{Error, Result};
pub use kiln_field as field;
pub use merkle::{BackendTree, MatrixRef, MerkleOps};
pub use msm::{Bases, MsmCurve, MsmOps};
pub use ntt::{NttOps, Order};
pub use repr::{DeviceField, DeviceRepr, DeviceVec};
pub use scalar_ntt::{ScalarNttOps, ScalarNttPlan};
pub use stark::{FriFolder, MAX_OPENING_GROUPS, OpeningGroup, QuotientSpec, ReducedSpec, StarkOps};
