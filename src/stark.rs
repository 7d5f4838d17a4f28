//! Device operations of the STARK prover: the quotient evaluated from a compiled
//! constraint program ([`ConstraintProgram`]), and the quotient-domain view of an LDE.
//!
//! The CPU implementation interprets the same program in Rust: the reference the
//! emulator and the CUDA kernel must equal word for word.

use kiln_air::ConstraintProgram;
use kiln_field::{BabyBear, BabyBearExt4, Field, TwoAdicField, batch_inverse};
use rayon::prelude::*;

use crate::backend::kernel::KernelDevice;
use crate::backend::{Backend, CpuBackend, CudaBackend, EmuBackend};
use crate::ntt::reference::bit_reverse_index;
use crate::{Error, Result};

/// The inputs of a quotient evaluation, besides the columns.
#[derive(Debug, Clone)]
pub struct QuotientSpec<'a> {
    pub program: &'a ConstraintProgram,
    pub public_values: &'a [BabyBear],
    /// The constraint-folding challenge.
    pub alpha: BabyBearExt4,
    pub log_n: u32,
    pub log_chunks: u32,
    /// The quotient domain's shift g.
    pub shift: BabyBear,
}

impl QuotientSpec<'_> {
    fn m(&self) -> usize {
        1 << (self.log_n + self.log_chunks)
    }

    /// α^{k−1−i} for constraint i, four base words each.
    fn alpha_powers(&self) -> Vec<BabyBear> {
        let k = self.program.constraints as usize;
        let mut out = vec![BabyBear::ZERO; 4 * k];
        let mut p = BabyBearExt4::ONE;
        for i in (0..k).rev() {
            out[4 * i..4 * i + 4].copy_from_slice(&p.0);
            p *= self.alpha;
        }
        out
    }

    /// 1/Z_H(g·ω_M^i) for i < 2^chunks (Z_H(x) = x^n − 1 takes these values only).
    fn inv_z(&self) -> Result<Vec<BabyBear>> {
        let step = 1usize << self.log_chunks;
        let g_n = self.shift.exp_power_of_2(self.log_n as usize);
        let w = BabyBear::two_adic_generator(self.log_chunks as usize);
        let z: Vec<BabyBear> = (0..step)
            .map(|i| g_n * w.exp_u64(i as u64) - BabyBear::ONE)
            .collect();
        if z.iter().any(|v| v.is_zero()) {
            return Err(Error::InvalidArgument(
                "the quotient domain meets the trace domain (bad shift)".into(),
            ));
        }
        Ok(batch_inverse(&z))
    }

    fn check(&self, main_len: usize, pre_len: usize) -> Result<()> {
        if self.log_n + self.log_chunks > crate::ntt::MAX_LOG_N {
            return Err(Error::TooLarge {
                what: "quotient domain",
                log_size: self.log_n + self.log_chunks,
                max_log_size: crate::ntt::MAX_LOG_N,
            });
        }
        let p = self.program;
        let m = self.m();
        if main_len != p.main_width as usize * m {
            return Err(Error::LengthMismatch {
                what: "quotient main columns",
                expected: p.main_width as usize * m,
                got: main_len,
            });
        }
        if pre_len != p.preprocessed_width as usize * m {
            return Err(Error::LengthMismatch {
                what: "quotient preprocessed columns",
                expected: p.preprocessed_width as usize * m,
                got: pre_len,
            });
        }
        if self.public_values.len() != p.public_values as usize {
            return Err(Error::LengthMismatch {
                what: "public values",
                expected: p.public_values as usize,
                got: self.public_values.len(),
            });
        }
        Ok(())
    }
}

/// Device operations of the STARK prover.
pub trait StarkOps: Backend {
    /// The first 2^log_m rows of each of `width` bit-reversed LDE columns (`lde_height`
    /// rows each), in natural order: the trace over the quotient domain.
    fn quotient_domain_columns(
        &self,
        lde: &Self::Buffer<BabyBear>,
        lde_height: usize,
        log_m: u32,
        width: usize,
    ) -> Result<Self::Buffer<BabyBear>>;

    /// The quotient chunks (4·2^chunks columns of n) from natural-order quotient-domain
    /// columns of the main trace and of the preprocessed columns.
    fn evaluate_quotient(
        &self,
        spec: &QuotientSpec<'_>,
        main: &Self::Buffer<BabyBear>,
        preprocessed: Option<&Self::Buffer<BabyBear>>,
    ) -> Result<Self::Buffer<BabyBear>>;
}

fn check_prefix(len: usize, lde_height: usize, log_m: u32, width: usize) -> Result<()> {
    if lde_height.checked_mul(width) != Some(len) {
        return Err(Error::LengthMismatch {
            what: "LDE columns",
            expected: lde_height.saturating_mul(width),
            got: len,
        });
    }
    if log_m > 27 || (1usize << log_m) > lde_height {
        return Err(Error::InvalidArgument(format!(
            "quotient domain 2^{log_m} exceeds the LDE height {lde_height}"
        )));
    }
    Ok(())
}

impl StarkOps for CpuBackend {
    fn quotient_domain_columns(
        &self,
        lde: &Vec<BabyBear>,
        lde_height: usize,
        log_m: u32,
        width: usize,
    ) -> Result<Vec<BabyBear>> {
        check_prefix(lde.len(), lde_height, log_m, width)?;
        let m = 1usize << log_m;
        let mut out = vec![BabyBear::ZERO; m * width];
        out.par_chunks_mut(m)
            .zip(lde.par_chunks(lde_height))
            .for_each(|(o, col)| {
                for (j, v) in o.iter_mut().enumerate() {
                    *v = col[bit_reverse_index(j, log_m)];
                }
            });
        Ok(out)
    }

    fn evaluate_quotient(
        &self,
        spec: &QuotientSpec<'_>,
        main: &Vec<BabyBear>,
        preprocessed: Option<&Vec<BabyBear>>,
    ) -> Result<Vec<BabyBear>> {
        let empty = Vec::new();
        let pre = preprocessed.unwrap_or(&empty);
        spec.check(main.len(), pre.len())?;
        let (m, n) = (spec.m(), 1usize << spec.log_n);
        let step = 1usize << spec.log_chunks;
        let alpha_powers = spec.alpha_powers();
        let inv_z = spec.inv_z()?;
        let w_m = BabyBear::two_adic_generator((spec.log_n + spec.log_chunks) as usize);
        let w_n_inv = BabyBear::two_adic_generator(spec.log_n as usize).inverse();
        let (mw, pw) = (
            spec.program.main_width as usize,
            spec.program.preprocessed_width as usize,
        );
        let values: Vec<[BabyBear; 4]> = (0..m)
            .into_par_iter()
            .map(|j| {
                let jn = (j + step) % m;
                let row = |cols: &[BabyBear], w: usize, at: usize| {
                    (0..w).map(|c| cols[c * m + at]).collect::<Vec<_>>()
                };
                let (local, next) = (row(main, mw, j), row(main, mw, jn));
                let (p_local, p_next) = (row(pre, pw, j), row(pre, pw, jn));
                let x = spec.shift * w_m.exp_u64(j as u64);
                let z = x.exp_power_of_2(spec.log_n as usize) - BabyBear::ONE;
                let sel = [
                    z * (x - BabyBear::ONE).inverse(),
                    z * (x - w_n_inv).inverse(),
                    x - w_n_inv,
                ];
                let cs = spec.program.eval(
                    [&local, &next],
                    [&p_local, &p_next],
                    spec.public_values,
                    [&sel[0], &sel[1], &sel[2]],
                );
                let mut acc = [BabyBear::ZERO; 4];
                for (i, c) in cs.iter().enumerate() {
                    for (k, a) in acc.iter_mut().enumerate() {
                        *a += *c * alpha_powers[4 * i + k];
                    }
                }
                acc.map(|a| a * inv_z[j % step])
            })
            .collect();
        let mut out = vec![BabyBear::ZERO; 4 * step * n];
        for (j, v) in values.iter().enumerate() {
            let (i, t) = (j % step, j / step);
            for (k, &x) in v.iter().enumerate() {
                out[(4 * i + k) * n + t] = x;
            }
        }
        Ok(out)
    }
}

fn to_u32(v: usize, what: &'static str) -> Result<u32> {
    u32::try_from(v)
        .map_err(|_| Error::InvalidArgument(format!("{what} {v} does not fit in 32 bits")))
}

fn kernel_quotient_domain_columns<D: KernelDevice>(
    dev: &D,
    lde: &D::Buffer<BabyBear>,
    lde_height: usize,
    log_m: u32,
    width: usize,
) -> Result<D::Buffer<BabyBear>> {
    check_prefix(dev.buffer_len(lde), lde_height, log_m, width)?;
    let mut out = dev.alloc_uninit::<BabyBear>(width << log_m)?;
    let table = dev.table()?;
    let width32 = to_u32(width, "width")?;
    dev.launch(|| {
        // SAFETY: `lde` holds lde_height·width words and `out` width·2^log_m, both live
        // for the call; the launcher checks log_m against the height.
        let status = unsafe {
            (table.quotient_domain_columns)(
                dev.raw(lde).cast(),
                lde_height as u64,
                log_m,
                width32,
                dev.raw_mut(&mut out).cast(),
                dev.stream_ptr(),
            )
        };
        status.into_result("quotient_domain_columns")
    })?;
    Ok(out)
}

fn kernel_evaluate_quotient<D: KernelDevice>(
    dev: &D,
    spec: &QuotientSpec<'_>,
    main: &D::Buffer<BabyBear>,
    preprocessed: Option<&D::Buffer<BabyBear>>,
) -> Result<D::Buffer<BabyBear>> {
    spec.check(
        dev.buffer_len(main),
        preprocessed.map_or(0, |p| dev.buffer_len(p)),
    )?;
    let words = spec.program.words();
    let d_program = dev.upload(&words)?;
    let publics: Vec<u32> = spec.public_values.iter().map(|v| v.to_monty()).collect();
    let d_publics = dev.upload(&publics)?;
    let d_alpha = dev.upload(
        &spec
            .alpha_powers()
            .iter()
            .map(|v| v.to_monty())
            .collect::<Vec<_>>(),
    )?;
    let d_inv_z = dev.upload(
        &spec
            .inv_z()?
            .iter()
            .map(|v| v.to_monty())
            .collect::<Vec<_>>(),
    )?;
    let n = 1usize << spec.log_n;
    let mut out = dev.alloc_uninit::<BabyBear>((4 * n) << spec.log_chunks)?;
    let table = dev.table()?;
    let p = spec.program;
    dev.launch(|| {
        let tw = dev.ntt_twiddles()?;
        let pre_ptr = preprocessed.map_or(core::ptr::null(), |b| dev.raw(b).cast());
        // SAFETY: every pointer addresses a live buffer of the size the launcher expects
        // (checked by `spec.check` and the uploads above); the call is stream-ordered.
        let status = unsafe {
            (table.quotient_eval)(
                dev.raw(&d_program).cast(),
                p.code.len() as u32,
                p.registers,
                dev.raw(main).cast(),
                p.main_width,
                pre_ptr,
                p.preprocessed_width,
                dev.raw(&d_publics).cast(),
                dev.raw(&d_alpha).cast(),
                dev.raw(&d_inv_z).cast(),
                spec.log_n,
                spec.log_chunks,
                spec.shift.to_monty(),
                tw,
                dev.raw_mut(&mut out).cast(),
                dev.stream_ptr(),
            )
        };
        status.into_result("quotient_eval")
    })?;
    // The small uploads must outlive the kernel: wait before they are freed.
    dev.synchronize()?;
    Ok(out)
}

macro_rules! kernel_stark_ops {
    ($backend:ty) => {
        impl StarkOps for $backend {
            fn quotient_domain_columns(
                &self,
                lde: &Self::Buffer<BabyBear>,
                lde_height: usize,
                log_m: u32,
                width: usize,
            ) -> Result<Self::Buffer<BabyBear>> {
                kernel_quotient_domain_columns(self, lde, lde_height, log_m, width)
            }

            fn evaluate_quotient(
                &self,
                spec: &QuotientSpec<'_>,
                main: &Self::Buffer<BabyBear>,
                preprocessed: Option<&Self::Buffer<BabyBear>>,
            ) -> Result<Self::Buffer<BabyBear>> {
                kernel_evaluate_quotient(self, spec, main, preprocessed)
            }
        }
    };
}

kernel_stark_ops!(CudaBackend);
kernel_stark_ops!(EmuBackend);
