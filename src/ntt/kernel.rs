//! [`NttOps`] on every [`KernelDevice`] (CUDA and the emulator): the launchers of
//! `kernels/api/ntt.cu`.

use kiln_field::BabyBear;

use super::{MAX_LOG_N, NttOps, Order, batch_of, check_lde, check_shift, group_size};
use crate::Result;
use crate::backend::kernel::{KernelDevice, to_u32};

impl<D: KernelDevice> NttOps for D {
    fn ntt_batch(
        &self,
        data: &mut Self::Buffer<BabyBear>,
        log_n: u32,
        inverse: bool,
        input: Order,
        output: Order,
    ) -> Result<()> {
        let batch = batch_of(self.buffer_len(data), log_n, MAX_LOG_N, "NTT column length")?;
        if batch == 0 {
            return Ok(());
        }
        let batch = to_u32(batch, "batch")?;
        let tw = self.ntt_twiddles()?;
        let ptr = self.raw_mut(data).cast::<u32>();
        self.call_kernel("ntt_batch", |k, stream| {
            // SAFETY: `ptr` addresses batch·2^log_n elements of a live buffer, `tw` the
            // twiddle tables; the launcher checks its arguments and enqueues on our stream.
            unsafe {
                (k.ntt_batch)(
                    ptr,
                    log_n,
                    batch,
                    inverse as u32,
                    (input == Order::BitReversed) as u32,
                    (output == Order::BitReversed) as u32,
                    tw,
                    stream,
                )
            }
        })
    }

    fn coset_lde_batch(
        &self,
        evals: &Self::Buffer<BabyBear>,
        log_n: u32,
        log_blowup: u32,
        shift: BabyBear,
        output: Order,
    ) -> Result<Self::Buffer<BabyBear>> {
        lde_groups(
            self,
            "coset_lde_batch",
            evals,
            log_n,
            log_blowup,
            &[shift],
            output,
        )
    }

    fn bit_reverse_batch(&self, data: &mut Self::Buffer<BabyBear>, log_n: u32) -> Result<()> {
        let batch = batch_of(
            self.buffer_len(data),
            log_n,
            31,
            "bit-reversal column length",
        )?;
        if batch == 0 {
            return Ok(());
        }
        let batch = to_u32(batch, "batch")?;
        let ptr = self.raw_mut(data).cast::<u32>();
        self.call_kernel("bit_reverse_batch", |k, stream| {
            // SAFETY: `ptr` addresses batch·2^log_n elements of a live buffer.
            unsafe { (k.bit_reverse_batch)(ptr, log_n, batch, stream) }
        })
    }

    fn coset_lde_batch_shifts(
        &self,
        evals: &Self::Buffer<BabyBear>,
        log_n: u32,
        log_blowup: u32,
        shifts: &[BabyBear],
        output: Order,
    ) -> Result<Self::Buffer<BabyBear>> {
        lde_groups(
            self,
            "coset_lde_batch_shifts",
            evals,
            log_n,
            log_blowup,
            shifts,
            output,
        )
    }
}

/// The coset LDE of equal groups of columns, group g with `shifts[g]`: one launch per group.
fn lde_groups<D: KernelDevice>(
    dev: &D,
    op: &'static str,
    evals: &D::Buffer<BabyBear>,
    log_n: u32,
    log_blowup: u32,
    shifts: &[BabyBear],
    output: Order,
) -> Result<D::Buffer<BabyBear>> {
    check_lde(log_n, log_blowup)?;
    for &s in shifts {
        check_shift(s)?;
    }
    let batch = batch_of(dev.buffer_len(evals), log_n, MAX_LOG_N, "LDE column length")?;
    let per_group = group_size(batch, shifts)?;
    let n = 1usize << log_n;
    let big = n << log_blowup;
    // The launcher's scratch: the coefficients and n coset factors, per launch.
    let scratch_bytes = ((per_group + 1) << log_n) as u64 * 4;
    dev.ensure_free(op, (batch * big) as u64 * 4 + scratch_bytes)?;
    // Every output word is written by the launcher.
    let mut out = dev.alloc_uninit::<BabyBear>(batch * big)?;
    if batch == 0 {
        return Ok(out);
    }
    let per = to_u32(per_group, "columns per group")?;
    let tw = dev.ntt_twiddles()?;
    let src = dev.raw(evals).cast::<u32>();
    let dst = dev.raw_mut(&mut out).cast::<u32>();
    for (g, &shift) in shifts.iter().enumerate() {
        dev.call_kernel(op, |k, stream| {
            // SAFETY: group g's input is columns g·per.. of batch·n words, its output the
            // same columns of batch·N words; both buffers live for the call.
            unsafe {
                (k.coset_lde_batch)(
                    src.add(g * per_group * n),
                    dst.add(g * per_group * big),
                    log_n,
                    per,
                    log_blowup,
                    shift.to_monty(),
                    (output == Order::BitReversed) as u32,
                    tw,
                    stream,
                )
            }
        })?;
    }
    Ok(out)
}
