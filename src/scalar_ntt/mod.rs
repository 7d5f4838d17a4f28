//! NTT over the scalar fields of BN254 and BLS12-381, equal to ark-poly 0.6's
//! [`Radix2EvaluationDomain`] `fft`/`ifft` (natural order in and out, cosets included).
//!
//! # Mathematical description
//! For a domain of size `n = 2^log_n` with generator ω and coset offset g (1 for the
//! subgroup itself), `fft` maps coefficients `a` to evaluations `A_j = Σ_i a_i·(g·ω^j)^i`,
//! and `ifft` maps them back: `a_i = g^{-i}·(1/n)·Σ_j A_j·ω^{-ij}`. The kernel backends
//! run a radix-2 DIF NTT in shared-memory tiles plus a bit reversal
//! (`kernels/ntt/big.cuh`), with the coset and 1/n factors as one element-wise pass; the
//! CPU backend is ark-poly itself.
//!
//! A [`ScalarNttPlan`] holds a domain's device tables (n/2 twiddles, coset factors), so
//! they are built once for many transforms.

use ark_ff::FftField;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};

use crate::backend::Backend;
use crate::repr::{DeviceField, DeviceVec};
use crate::{Error, Result};

mod cpu;
mod kernel;

mod sealed {
    pub trait Sealed {}
    impl Sealed for ark_bn254::Fr {}
    impl Sealed for ark_bls12_381::Fr {}
}

/// A scalar field with kernels: `ark_bn254::Fr` and `ark_bls12_381::Fr`.
pub trait NttField: DeviceField + FftField + sealed::Sealed {
    /// The curve's id in the C ABI (`KILN_CURVE_*`).
    const CURVE_ID: u32;
}

impl NttField for ark_bn254::Fr {
    const CURVE_ID: u32 = 0;
}

impl NttField for ark_bls12_381::Fr {
    const CURVE_ID: u32 = 1;
}

/// Largest transform the kernels take (a 2^28-element vector is 8 GiB; BN254's Fr has
/// two-adicity 28).
pub const MAX_LOG_N: u32 = 28;

/// A domain's tables in a backend's memory (empty on the CPU backend, which uses the
/// domain itself).
pub struct ScalarNttPlan<B: Backend, F: NttField> {
    domain: Radix2EvaluationDomain<F>,
    log_n: u32,
    tables: Option<DeviceTables<B>>,
}

impl<B: Backend, F: NttField> core::fmt::Debug for ScalarNttPlan<B, F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "ScalarNttPlan(2^{}, offset {})",
            self.log_n,
            self.domain.coset_offset()
        )
    }
}

impl<B: Backend, F: NttField> ScalarNttPlan<B, F> {
    /// The ark-poly domain this plan transforms over.
    pub fn domain(&self) -> &Radix2EvaluationDomain<F> {
        &self.domain
    }

    /// log2 of the domain size.
    pub fn log_n(&self) -> u32 {
        self.log_n
    }
}

/// Two short tables whose products give `c·h^i`, i < n (see `kiln_fr_scale_powers`).
struct PowerTables<B: Backend> {
    lo: B::Buffer<u64>,
    hi: B::Buffer<u64>,
    log_lo: u32,
}

struct DeviceTables<B: Backend> {
    /// ω^e for e < n/2.
    twiddles: B::Buffer<u64>,
    /// g^i before a forward transform over a coset (None for the subgroup).
    forward: Option<PowerTables<B>>,
    /// (1/n)·g^{-i} after an inverse transform.
    inverse: PowerTables<B>,
}

/// NTT over the scalar field of BN254 or BLS12-381 on a backend.
pub trait ScalarNttOps: Backend + Sized {
    /// The tables of `domain` in this backend's memory. The domain's size must be at
    /// most 2^[`MAX_LOG_N`].
    fn ntt_plan<F: NttField>(
        &self,
        domain: &Radix2EvaluationDomain<F>,
    ) -> Result<ScalarNttPlan<Self, F>>;

    /// In place: coefficients → evaluations over the plan's domain (ark-poly's `fft`).
    /// `data.len()` must be the domain size.
    fn fft<F: NttField>(
        &self,
        plan: &ScalarNttPlan<Self, F>,
        data: &mut DeviceVec<Self, F>,
    ) -> Result<()>;

    /// In place: evaluations → coefficients (ark-poly's `ifft`). `data.len()` must be the
    /// domain size.
    fn ifft<F: NttField>(
        &self,
        plan: &ScalarNttPlan<Self, F>,
        data: &mut DeviceVec<Self, F>,
    ) -> Result<()>;

    /// ark-poly's `domain.fft(coeffs)` through this backend: pads `coeffs` with zeros to
    /// the domain size (more coefficients than that is [`Error::LengthMismatch`]).
    fn fft_host<F: NttField>(
        &self,
        domain: &Radix2EvaluationDomain<F>,
        coeffs: &[F],
    ) -> Result<Vec<F>> {
        let plan = self.ntt_plan(domain)?;
        let mut data = DeviceVec::upload(self, &padded(domain, coeffs)?)?;
        self.fft(&plan, &mut data)?;
        data.download(self)
    }

    /// ark-poly's `domain.ifft(evals)` through this backend (zero-padded like `fft_host`).
    fn ifft_host<F: NttField>(
        &self,
        domain: &Radix2EvaluationDomain<F>,
        evals: &[F],
    ) -> Result<Vec<F>> {
        let plan = self.ntt_plan(domain)?;
        let mut data = DeviceVec::upload(self, &padded(domain, evals)?)?;
        self.ifft(&plan, &mut data)?;
        data.download(self)
    }
}

fn padded<F: NttField>(domain: &Radix2EvaluationDomain<F>, values: &[F]) -> Result<Vec<F>> {
    let n = domain.size();
    if values.len() > n {
        return Err(Error::LengthMismatch {
            what: "NTT input (at most the domain size)",
            expected: n,
            got: values.len(),
        });
    }
    let mut v = values.to_vec();
    v.resize(n, F::ZERO);
    Ok(v)
}

fn log_n_of<F: NttField>(domain: &Radix2EvaluationDomain<F>) -> Result<u32> {
    let log_n = domain.log_size_of_group() as u32;
    if log_n > MAX_LOG_N {
        return Err(Error::TooLarge {
            what: "scalar NTT size",
            log_size: log_n,
            max_log_size: MAX_LOG_N,
        });
    }
    Ok(log_n)
}

fn check_len(plan_log_n: u32, len: usize) -> Result<()> {
    let n = 1usize << plan_log_n;
    if len != n {
        return Err(Error::LengthMismatch {
            what: "NTT data (the domain size)",
            expected: n,
            got: len,
        });
    }
    Ok(())
}

fn tables_of<B: Backend, F: NttField>(plan: &ScalarNttPlan<B, F>) -> Result<&DeviceTables<B>> {
    plan.tables.as_ref().ok_or_else(|| {
        Error::InvalidArgument("an NTT plan of another backend kind (no device tables)".into())
    })
}
