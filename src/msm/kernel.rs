//! [`MsmOps`] on every [`KernelDevice`] (CUDA and the emulator): the launcher of
//! `kernels/api/msm.cu`.

use ark_ec::short_weierstrass::Projective;

use super::{Bases, DeviceRepr, DeviceVec, MsmCurve, MsmOps, MsmScalar, ScalarForm, check_prefix};
use crate::Result;
use crate::backend::kernel::KernelDevice;
use crate::repr::xyzz_to_projective;

impl<D: KernelDevice> MsmOps for D {
    fn msm_prefix<P: MsmCurve, S: MsmScalar<P::ScalarField>>(
        &self,
        bases: &Bases<Self, P>,
        scalars: &DeviceVec<Self, S>,
    ) -> Result<Projective<P>> {
        msm_with_window(self, bases, scalars, 0)
    }
}

/// The device scratch memory the kernels need for an MSM of `n` points.
fn scratch_bytes<D: KernelDevice>(dev: &D, curve: u32, n: usize, window_bits: u32) -> Result<u64> {
    let table = dev.table()?;
    let mut bytes = 0u64;
    // SAFETY: a host function of the kernel library writing one u64 through a valid pointer.
    unsafe { (table.msm_scratch_bytes)(curve, n as u64, window_bits, &mut bytes) }
        .into_result("msm_scratch_bytes")?;
    Ok(bytes)
}

/// The MSM on a kernel backend; `window_bits` 0 lets the launcher choose.
pub(super) fn msm_with_window<D: KernelDevice, P: MsmCurve, S: MsmScalar<P::ScalarField>>(
    dev: &D,
    bases: &Bases<D, P>,
    scalars: &DeviceVec<D, S>,
    window_bits: u32,
) -> Result<Projective<P>> {
    check_prefix(bases.len(), scalars.len())?;
    let n = scalars.len();
    let l = <P::BaseField as DeviceRepr>::WORDS;
    let scratch = scratch_bytes(dev, P::CURVE_ID, n, window_bits)?;
    dev.ensure_free("msm", scratch + (4 * l * 8) as u64)?;
    let mut result = dev.alloc_uninit::<u64>(4 * l)?;
    let out = dev.raw_mut(&mut result);
    let (b, s) = (dev.raw(&bases.words), dev.raw(&scalars.words));
    let montgomery = (S::FORM == ScalarForm::Montgomery) as u32;
    dev.call_kernel("msm", |k, stream| {
        // SAFETY: `bases` holds at least n points and `scalars` n scalars of 4 words,
        // `out` one XYZZ point of 4·L words, all live for the call; the launcher checks
        // its arguments and enqueues on our stream.
        unsafe {
            (k.msm)(
                P::CURVE_ID,
                b,
                s,
                n as u64,
                montgomery,
                window_bits,
                out,
                stream,
            )
        }
    })?;
    let words = dev.download(&result)?;
    xyzz_to_projective::<P>(&words)
}
