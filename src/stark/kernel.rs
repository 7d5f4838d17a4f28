//! [`StarkOps`] on every [`KernelDevice`] (CUDA and the emulator): the launchers of
//! `kernels/api/stark.cu`.

use kiln_field::{BabyBear, BabyBearExt4, Field};

use super::{
    MAX_OPENING_GROUPS, OpeningGroup, QuotientSpec, ReducedSpec, StarkOps, check_dot, check_fold,
    check_prefix, check_reduced, check_scaled,
};
use crate::Result;
use crate::backend::kernel::{KernelDevice, to_u32};

/// Montgomery words of base-field values, as the kernels take them.
fn monty(values: &[BabyBear]) -> Vec<u32> {
    values.iter().map(|v| v.to_monty()).collect()
}

/// The four Montgomery words of an extension element.
fn ext_words(x: BabyBearExt4) -> [u32; 4] {
    x.0.map(BabyBear::to_monty)
}

impl<D: KernelDevice> StarkOps for D {
    fn quotient_domain_columns(
        &self,
        lde: &Self::Buffer<BabyBear>,
        lde_height: usize,
        log_m: u32,
        width: usize,
    ) -> Result<Self::Buffer<BabyBear>> {
        check_prefix(self.buffer_len(lde), lde_height, log_m, width)?;
        let mut out = self.alloc_uninit::<BabyBear>(width << log_m)?;
        let width32 = to_u32(width, "width")?;
        let (src, dst) = (self.raw(lde).cast(), self.raw_mut(&mut out).cast());
        self.call_kernel("quotient_domain_columns", |k, stream| {
            // SAFETY: `lde` holds lde_height·width words and `out` width·2^log_m, both live
            // for the call; the launcher checks log_m against the height.
            unsafe {
                (k.quotient_domain_columns)(src, lde_height as u64, log_m, width32, dst, stream)
            }
        })?;
        Ok(out)
    }

    fn evaluate_quotient(
        &self,
        spec: &QuotientSpec<'_>,
        main: &Self::Buffer<BabyBear>,
        preprocessed: Option<&Self::Buffer<BabyBear>>,
    ) -> Result<Self::Buffer<BabyBear>> {
        spec.check(
            self.buffer_len(main),
            preprocessed.map_or(0, |p| self.buffer_len(p)),
        )?;
        let d_program = self.upload(&spec.program.words())?;
        let d_publics = self.upload(&monty(spec.public_values))?;
        let d_alpha = self.upload(&monty(&spec.alpha_powers()))?;
        let d_inv_z = self.upload(&monty(&spec.inv_z()?))?;
        let n = 1usize << spec.log_n;
        let mut out = self.alloc_uninit::<BabyBear>((4 * n) << spec.log_chunks)?;
        let p = spec.program;
        let tw = self.ntt_twiddles()?;
        let pre_ptr = preprocessed.map_or(core::ptr::null(), |b| self.raw(b).cast());
        let dst = self.raw_mut(&mut out).cast();
        self.call_kernel("quotient_eval", |k, stream| {
            // SAFETY: every pointer addresses a live buffer of the size the launcher expects
            // (checked by `spec.check` and the uploads above); the call is stream-ordered.
            unsafe {
                (k.quotient_eval)(
                    self.raw(&d_program).cast(),
                    p.code.len() as u32,
                    p.registers,
                    self.raw(main).cast(),
                    p.main_width,
                    pre_ptr,
                    p.preprocessed_width,
                    self.raw(&d_publics).cast(),
                    self.raw(&d_alpha).cast(),
                    self.raw(&d_inv_z).cast(),
                    spec.log_n,
                    spec.log_chunks,
                    spec.shift.to_monty(),
                    tw,
                    dst,
                    stream,
                )
            }
        })?;
        // The small uploads must outlive the kernel: wait before they are freed.
        self.synchronize()?;
        Ok(out)
    }

    fn columns_dot_range(
        &self,
        cols: &Self::Buffer<BabyBear>,
        height: usize,
        range: core::ops::Range<usize>,
        weights: &[BabyBearExt4],
    ) -> Result<Vec<BabyBearExt4>> {
        check_dot(self.buffer_len(cols), height, &range, weights.len())?;
        let width = range.len();
        let d_weights = self.upload(weights)?;
        let mut out = self.alloc_uninit::<BabyBearExt4>(width)?;
        let width32 = to_u32(width, "columns")?;
        let dst = self.raw_mut(&mut out).cast();
        self.call_kernel("columns_dot", |k, stream| {
            // SAFETY: `cols` holds width·height words, `d_weights` height extension elements,
            // `out` width of them.
            unsafe {
                (k.columns_dot)(
                    self.raw(cols).cast::<u32>().add(range.start * height),
                    height as u64,
                    width32,
                    self.raw(&d_weights).cast(),
                    dst,
                    stream,
                )
            }
        })?;
        self.download(&out)
    }

    fn reduced_openings(
        &self,
        groups: &[OpeningGroup<'_, Self::Buffer<BabyBear>>],
        spec: &ReducedSpec,
    ) -> Result<Self::Buffer<BabyBearExt4>> {
        check_reduced(
            groups.iter().map(|g| (self.buffer_len(g.matrix), g.width)),
            spec,
            MAX_OPENING_GROUPS,
        )?;
        let d_powers = self.upload(&spec.powers)?;
        let mut out = self.alloc_uninit::<BabyBearExt4>(1 << spec.log_big)?;
        let matrices: Vec<*const u32> = groups
            .iter()
            .map(|g| self.raw(g.matrix).cast::<u32>())
            .collect();
        let widths: Vec<u32> = groups.iter().map(|g| g.width as u32).collect();
        let at_next: Vec<u32> = groups.iter().map(|g| g.at_next as u32).collect();
        let zeta4: Vec<u32> = [ext_words(spec.zeta), ext_words(spec.zeta_next)].concat();
        let b4: Vec<u32> = [ext_words(spec.b_zeta), ext_words(spec.b_next)].concat();
        let tw = self.ntt_twiddles()?;
        let dst = self.raw_mut(&mut out).cast();
        self.call_kernel("reduced_openings", |k, stream| {
            // SAFETY: host arrays of `groups.len()` entries; device matrices of width·N words
            // (checked), powers of one extension element per column; the launcher copies the
            // host arrays into the kernel's parameters before returning.
            unsafe {
                (k.reduced_openings)(
                    matrices.as_ptr(),
                    widths.as_ptr(),
                    at_next.as_ptr(),
                    groups.len() as u32,
                    self.raw(&d_powers).cast(),
                    spec.log_big,
                    spec.shift.to_monty(),
                    zeta4.as_ptr(),
                    b4.as_ptr(),
                    tw,
                    dst,
                    stream,
                )
            }
        })?;
        self.synchronize()?;
        Ok(out)
    }

    fn fri_fold(
        &self,
        layer: &Self::Buffer<BabyBearExt4>,
        log_size: u32,
        log_arity: u32,
        shift: BabyBear,
        beta: BabyBearExt4,
    ) -> Result<Self::Buffer<BabyBearExt4>> {
        check_fold(self.buffer_len(layer), log_size, log_arity)?;
        let mut out = self.alloc_uninit::<BabyBearExt4>(1 << (log_size - log_arity))?;
        let beta4 = ext_words(beta);
        let tw = self.ntt_twiddles()?;
        let (src, dst) = (self.raw(layer).cast(), self.raw_mut(&mut out).cast());
        self.call_kernel("fri_fold", |k, stream| {
            // SAFETY: `layer` holds 2^log_size extension elements and `out` 2^(log_size − a).
            unsafe {
                (k.fri_fold)(
                    src,
                    log_size,
                    log_arity,
                    shift.inverse().to_monty(),
                    beta4.as_ptr(),
                    tw,
                    dst,
                    stream,
                )
            }
        })?;
        Ok(out)
    }

    fn ext_add_scaled(
        &self,
        acc: &mut Self::Buffer<BabyBearExt4>,
        coeff: BabyBearExt4,
        x: &Self::Buffer<BabyBearExt4>,
    ) -> Result<()> {
        let n = self.buffer_len(acc);
        check_scaled(n, self.buffer_len(x))?;
        let coeff4 = ext_words(coeff);
        let (dst, src) = (self.raw_mut(acc).cast(), self.raw(x).cast());
        self.call_kernel("ext_add_scaled", |k, stream| {
            // SAFETY: `acc` and `x` hold n extension elements each (checked above).
            unsafe { (k.ext_add_scaled)(dst, coeff4.as_ptr(), src, n as u64, stream) }
        })?;
        Ok(())
    }

    fn fri_layer_matrix(
        &self,
        layer: &Self::Buffer<BabyBearExt4>,
        log_size: u32,
        log_arity: u32,
    ) -> Result<Self::Buffer<BabyBear>> {
        check_fold(self.buffer_len(layer), log_size, log_arity)?;
        let mut out = self.alloc_uninit::<BabyBear>(4 << log_size)?;
        let (src, dst) = (self.raw(layer).cast(), self.raw_mut(&mut out).cast());
        self.call_kernel("fri_layer_matrix", |k, stream| {
            // SAFETY: `layer` holds 2^log_size extension elements, `out` 4·2^log_size words.
            unsafe { (k.fri_layer_matrix)(src, log_size, log_arity, dst, stream) }
        })?;
        Ok(out)
    }
}
