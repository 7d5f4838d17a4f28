//! [`ScalarNttOps`] on every [`KernelDevice`] (CUDA and the emulator): the launchers of
//! `kernels/api/curve_ntt.cu`.

use ark_ff::Field;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};

use super::{
    DeviceTables, NttField, PowerTables, ScalarNttOps, ScalarNttPlan, check_len, log_n_of,
    tables_of,
};
use crate::Result;
use crate::backend::kernel::KernelDevice;
use crate::repr::{DeviceField, DeviceVec};

impl<D: KernelDevice> ScalarNttOps for D {
    fn ntt_plan<F: NttField>(
        &self,
        domain: &Radix2EvaluationDomain<F>,
    ) -> Result<ScalarNttPlan<Self, F>> {
        plan(self, domain)
    }

    fn fft<F: NttField>(
        &self,
        plan: &ScalarNttPlan<Self, F>,
        data: &mut DeviceVec<Self, F>,
    ) -> Result<()> {
        transform(self, plan, data, false)
    }

    fn ifft<F: NttField>(
        &self,
        plan: &ScalarNttPlan<Self, F>,
        data: &mut DeviceVec<Self, F>,
    ) -> Result<()> {
        transform(self, plan, data, true)
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

fn plan<D: KernelDevice, F: NttField>(
    dev: &D,
    domain: &Radix2EvaluationDomain<F>,
) -> Result<ScalarNttPlan<D, F>> {
    let log_n = log_n_of(domain)?;
    let half = if log_n == 0 { 0 } else { 1usize << (log_n - 1) };
    dev.ensure_free("ntt_plan", (half * F::WORDS * 8) as u64)?;
    let mut twiddles = dev.alloc_uninit::<u64>(half * F::WORDS)?;
    if half > 0 {
        let t = power_tables(dev, domain.group_gen(), F::one(), log_n - 1)?;
        let out = dev.raw_mut(&mut twiddles);
        dev.call_kernel("ntt_plan", |k, stream| {
            // SAFETY: `out` has room for n/2 elements; `lo` and `hi` cover them (built by
            // power_tables for 2^(log_n−1) powers); all live until the synchronize below.
            unsafe {
                (k.fr_powers)(
                    F::CURVE_ID,
                    out,
                    half as u64,
                    dev.raw(&t.lo),
                    dev.raw(&t.hi),
                    t.log_lo,
                    stream,
                )
            }
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

/// `data[i] ·= lo[i mod 2^log_lo]·hi[i >> log_lo]`: coset factors and 1/n.
fn scale<D: KernelDevice, F: NttField>(
    dev: &D,
    data: &mut DeviceVec<D, F>,
    t: &PowerTables<D>,
) -> Result<()> {
    let n = data.len() as u64;
    let ptr = dev.raw_mut(&mut data.words);
    dev.call_kernel("scalar ntt scale", |k, stream| {
        // SAFETY: `ptr` holds n elements; the tables cover n powers (built for this size).
        unsafe {
            (k.fr_scale_powers)(
                F::CURVE_ID,
                ptr,
                n,
                dev.raw(&t.lo),
                dev.raw(&t.hi),
                t.log_lo,
                stream,
            )
        }
    })
}

fn transform<D: KernelDevice, F: NttField>(
    dev: &D,
    plan: &ScalarNttPlan<D, F>,
    data: &mut DeviceVec<D, F>,
    inverse: bool,
) -> Result<()> {
    check_len(plan.log_n, data.len())?;
    let tables = tables_of(plan)?;
    if !inverse && let Some(fwd) = &tables.forward {
        scale(dev, data, fwd)?;
    }
    let ptr = dev.raw_mut(&mut data.words);
    dev.call_kernel("scalar ntt", |k, stream| {
        // SAFETY: `ptr` holds 2^log_n elements and the twiddles 2^(log_n−1), both live for
        // the call; the launcher enqueues on our stream.
        unsafe {
            (k.fr_ntt)(
                F::CURVE_ID,
                ptr,
                plan.log_n,
                inverse as u32,
                dev.raw(&tables.twiddles),
                stream,
            )
        }
    })?;
    if inverse {
        scale(dev, data, &tables.inverse)?;
    }
    Ok(())
}
