//! Helpers shared by the conformance tests.
#![allow(dead_code)]

use kiln::{CudaBackend, field::BabyBear};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub fn random_vec(rng: &mut ChaCha20Rng, len: usize) -> Vec<BabyBear> {
    (0..len).map(|_| rng.random()).collect()
}

/// The CUDA backend, or `None` after printing why the GPU part of a test is skipped.
///
/// # Panics
/// When `KILN_REQUIRE_GPU=1` (set by `scripts/gpu-check`) and there is no usable GPU.
pub fn cuda_or_skip(test: &str) -> Option<CudaBackend> {
    match CudaBackend::new(0) {
        Ok(b) => Some(b),
        Err(e) if std::env::var("KILN_REQUIRE_GPU").is_ok_and(|v| v == "1") => {
            panic!("{test}: KILN_REQUIRE_GPU=1 but the CUDA backend is unavailable: {e}")
        }
        Err(e) => {
            eprintln!("{test}: skipping the CUDA part: {e}");
            None
        }
    }
}

/// Column-major (ours) to row-major (Plonky3) values.
pub fn to_row_major(cols: &[BabyBear], height: usize) -> Vec<p3_baby_bear::BabyBear> {
    let width = cols.len() / height;
    let mut out = Vec::with_capacity(cols.len());
    for r in 0..height {
        for c in 0..width {
            out.push(p3_baby_bear::BabyBear::new(
                cols[c * height + r].as_canonical_u32(),
            ));
        }
    }
    out
}

/// Row-major (Plonky3) to column-major (ours).
pub fn from_row_major(rows: &[p3_baby_bear::BabyBear], width: usize) -> Vec<BabyBear> {
    use p3_field::PrimeField32;
    let height = rows.len() / width;
    let mut out = vec![BabyBear::new(0); rows.len()];
    for r in 0..height {
        for c in 0..width {
            out[c * height + r] = BabyBear::new(rows[r * width + c].as_canonical_u32());
        }
    }
    out
}
