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

use ark_ff::{FftField, Field};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};

use crate::backend::kernel::KernelDevice;
use crate::backend::{Backend, CpuBackend, CudaBackend, EmuBackend};
use crate::msm::{DeviceField, DeviceVec};
use crate::{Error, Result};

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

impl ScalarNttOps for CpuBackend {
    fn ntt_plan<F: NttField>(
        &self,
        domain: &Radix2EvaluationDomain<F>,
    ) -> Result<ScalarNttPlan<Self, F>> {
        Ok(ScalarNttPlan {
            domain: *domain,
            log_n: log_n_of(domain)?,
            tables: None,
        })
    }

    fn fft<F: NttField>(
        &self,
        plan: &ScalarNttPlan<Self, F>,
        data: &mut DeviceVec<Self, F>,
    ) -> Result<()> {
        check_len(plan.log_n, data.len())?;
        let mut v = data.download(self)?;
        plan.domain.fft_in_place(&mut v);
        *data = DeviceVec::upload(self, &v)?;
        Ok(())
    }

    fn ifft<F: NttField>(
        &self,
        plan: &ScalarNttPlan<Self, F>,
        data: &mut DeviceVec<Self, F>,
    ) -> Result<()> {
        check_len(plan.log_n, data.len())?;
        let mut v = data.download(self)?;
        plan.domain.ifft_in_place(&mut v);
        *data = DeviceVec::upload(self, &v)?;
        Ok(())
    }
}

/// Words of `values` (Montgomery limbs), for table uploads.
fn words_of<F: DeviceField>(values: &[F]) -> Vec<u64> {
    let mut out = vec![0u64; values.len() * F::WORDS];
    for (v, w) in values.iter().zip(out.chunks_exact_mut(F::WORDS)) {
        v.write_words(w);
    }
    out
}

/// `[c·h^(j·2^log_lo)]` and `[h^j]` tables covering i < 2^log_count as lo[i mod 2^log_lo]·hi[i >> log_lo].
fn power_tables<D: KernelDevice, F: NttField>(
    dev: &D,
    h: F,
    c: F,
    log_count: u32,
) -> Result<PowerTables<D>> {
    let log_lo = log_count.div_ceil(2);
    let lo: Vec<F> = powers(h, 1usize << log_lo);
    let step = h.pow([1u64 << log_lo]);
    let hi: Vec<F> = powers(step, 1usize << (log_count - log_lo))
        .into_iter()
        .map(|x| x * c)
        .collect();
    Ok(PowerTables {
        lo: dev.upload(&words_of(&lo))?,
        hi: dev.upload(&words_of(&hi))?,
        log_lo,
    })
}

fn powers<F: Field>(base: F, count: usize) -> Vec<F> {
    let mut out = Vec::with_capacity(count);
    let mut x = F::one();
    for _ in 0..count {
        out.push(x);
        x *= base;
    }
    out
}

fn kernel_ntt_plan<D: KernelDevice, F: NttField>(
    dev: &D,
    domain: &Radix2EvaluationDomain<F>,
) -> Result<ScalarNttPlan<D, F>> {
    let log_n = log_n_of(domain)?;
    let table = dev.table()?;
    let half = if log_n == 0 { 0 } else { 1usize << (log_n - 1) };
    dev.ensure_free("ntt_plan", (half * F::WORDS * 8) as u64)?;
    let mut twiddles = dev.alloc_uninit::<u64>(half * F::WORDS)?;
    if half > 0 {
        let t = power_tables(dev, domain.group_gen(), F::one(), log_n - 1)?;
        dev.launch(|| {
            let out = dev.raw_mut(&mut twiddles);
            // SAFETY: `out` has room for n/2 elements; `lo` and `hi` cover them (built by
            // power_tables for 2^(log_n−1) powers); all live until the synchronize below.
            let status = unsafe {
                (table.fr_powers)(
                    F::CURVE_ID,
                    out,
                    half as u64,
                    dev.raw(&t.lo),
                    dev.raw(&t.hi),
                    t.log_lo,
                    dev.stream_ptr(),
                )
            };
            status.into_result("ntt_plan")
        })?;
        // The short tables are freed on return: let the expansion finish first.
        dev.synchronize()?;
    }
    let g = domain.coset_offset();
    let forward = if g.is_one() {
        None
    } else {
        Some(power_tables(dev, g, F::one(), log_n)?)
    };
    let inverse = power_tables(dev, domain.coset_offset_inv(), domain.size_inv(), log_n)?;
    Ok(ScalarNttPlan {
        domain: *domain,
        log_n,
        tables: Some(DeviceTables {
            twiddles,
            forward,
            inverse,
        }),
    })
}

fn tables_of<B: Backend, F: NttField>(plan: &ScalarNttPlan<B, F>) -> Result<&DeviceTables<B>> {
    plan.tables.as_ref().ok_or_else(|| {
        Error::InvalidArgument("an NTT plan of another backend kind (no device tables)".into())
    })
}

fn kernel_scale<D: KernelDevice, F: NttField>(
    dev: &D,
    data: &mut DeviceVec<D, F>,
    t: &PowerTables<D>,
) -> Result<()> {
    let table = dev.table()?;
    let n = data.len() as u64;
    dev.launch(|| {
        let ptr = dev.raw_mut(&mut data.words);
        // SAFETY: `ptr` holds n elements; the tables cover n powers (built for this size).
        let status = unsafe {
            (table.fr_scale_powers)(
                F::CURVE_ID,
                ptr,
                n,
                dev.raw(&t.lo),
                dev.raw(&t.hi),
                t.log_lo,
                dev.stream_ptr(),
            )
        };
        status.into_result("scalar ntt scale")
    })
}

fn kernel_transform<D: KernelDevice, F: NttField>(
    dev: &D,
    plan: &ScalarNttPlan<D, F>,
    data: &mut DeviceVec<D, F>,
    inverse: bool,
) -> Result<()> {
    check_len(plan.log_n, data.len())?;
    let tables = tables_of(plan)?;
    let table = dev.table()?;
    if !inverse && let Some(fwd) = &tables.forward {
        kernel_scale(dev, data, fwd)?;
    }
    dev.launch(|| {
        let ptr = dev.raw_mut(&mut data.words);
        // SAFETY: `ptr` holds 2^log_n elements and the twiddles 2^(log_n−1), both live for
        // the call; the launcher enqueues on our stream.
        let status = unsafe {
            (table.fr_ntt)(
                F::CURVE_ID,
                ptr,
                plan.log_n,
                inverse as u32,
                dev.raw(&tables.twiddles),
                dev.stream_ptr(),
            )
        };
        status.into_result("scalar ntt")
    })?;
    if inverse {
        kernel_scale(dev, data, &tables.inverse)?;
    }
    Ok(())
}

macro_rules! kernel_scalar_ntt_ops {
    ($backend:ty) => {
        impl ScalarNttOps for $backend {
            fn ntt_plan<F: NttField>(
                &self,
                domain: &Radix2EvaluationDomain<F>,
            ) -> Result<ScalarNttPlan<Self, F>> {
                kernel_ntt_plan(self, domain)
            }

            fn fft<F: NttField>(
                &self,
                plan: &ScalarNttPlan<Self, F>,
                data: &mut DeviceVec<Self, F>,
            ) -> Result<()> {
                kernel_transform(self, plan, data, false)
            }

            fn ifft<F: NttField>(
                &self,
                plan: &ScalarNttPlan<Self, F>,
                data: &mut DeviceVec<Self, F>,
            ) -> Result<()> {
                kernel_transform(self, plan, data, true)
            }
        }
    };
}

kernel_scalar_ntt_ops!(CudaBackend);
kernel_scalar_ntt_ops!(EmuBackend);
