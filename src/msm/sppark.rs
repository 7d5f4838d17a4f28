//! sppark 0.1.16's GPU MSM as a benchmark peer (feature `sppark-peer`), built from the
//! sppark crate's CUDA headers by build.rs (`kernels/peers/`), on the same GPU as kiln.
//!
//! [`SpparkMsm::new`] uploads the bases once; [`SpparkMsm::msm`] copies the scalars to the
//! device and runs sppark's Pippenger, the same work as kiln's `upload_scalars` + `msm`.
//! Building needs nvcc on `PATH` or in `NVCC` (sppark's own build script looks there).

use core::ffi::c_void;
use core::marker::PhantomData;

use ark_ec::short_weierstrass::{Affine, Projective};

use super::{DeviceRepr, MsmCurve};
use crate::ffi::KilnStatus;
use crate::{Error, Result};

#[cfg(kiln_sppark)]
unsafe extern "C" {
    fn kiln_sppark_bn254_new(
        points: *const c_void,
        n: u64,
        stride: u64,
        handle: *mut *mut c_void,
    ) -> KilnStatus;
    fn kiln_sppark_bn254_msm(
        handle: *mut c_void,
        scalars: *const c_void,
        n: u64,
        out: *mut c_void,
    ) -> KilnStatus;
    fn kiln_sppark_bn254_free(handle: *mut c_void);
    fn kiln_sppark_bls12_381_new(
        points: *const c_void,
        n: u64,
        stride: u64,
        handle: *mut *mut c_void,
    ) -> KilnStatus;
    fn kiln_sppark_bls12_381_msm(
        handle: *mut c_void,
        scalars: *const c_void,
        n: u64,
        out: *mut c_void,
    ) -> KilnStatus;
    fn kiln_sppark_bls12_381_free(handle: *mut c_void);
}

type NewFn = unsafe extern "C" fn(*const c_void, u64, u64, *mut *mut c_void) -> KilnStatus;
type MsmFn = unsafe extern "C" fn(*mut c_void, *const c_void, u64, *mut c_void) -> KilnStatus;
type FreeFn = unsafe extern "C" fn(*mut c_void);

/// The entry points of one curve, or None when kiln was built without nvcc.
fn entry_points(curve: u32) -> Option<(NewFn, MsmFn, FreeFn)> {
    #[cfg(kiln_sppark)]
    {
        match curve {
            0 => Some((
                kiln_sppark_bn254_new as NewFn,
                kiln_sppark_bn254_msm as MsmFn,
                kiln_sppark_bn254_free as FreeFn,
            )),
            _ => Some((
                kiln_sppark_bls12_381_new as NewFn,
                kiln_sppark_bls12_381_msm as MsmFn,
                kiln_sppark_bls12_381_free as FreeFn,
            )),
        }
    }
    #[cfg(not(kiln_sppark))]
    {
        let _ = curve;
        None
    }
}

/// sppark's MSM with its bases on the GPU (current device of the calling thread).
pub struct SpparkMsm<P: MsmCurve> {
    handle: *mut c_void,
    len: usize,
    msm: MsmFn,
    free: FreeFn,
    _marker: PhantomData<P>,
}

impl<P: MsmCurve> core::fmt::Debug for SpparkMsm<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "SpparkMsm<{}>[{}]", P::NAME, self.len)
    }
}

// SAFETY: the handle owns sppark's msm_t, which is not tied to the creating thread, and
// every call through it takes &mut self.
unsafe impl<P: MsmCurve> Send for SpparkMsm<P> {}

impl<P: MsmCurve> SpparkMsm<P> {
    /// Uploads `bases` to the GPU for sppark.
    pub fn new(bases: &[Affine<P>]) -> Result<Self> {
        let (new, msm, free) = entry_points(P::CURVE_ID).ok_or(Error::CudaNotCompiled)?;
        let w = <Affine<P> as DeviceRepr>::WORDS;
        let mut words = vec![0u64; bases.len() * w];
        for (p, out) in bases.iter().zip(words.chunks_exact_mut(w)) {
            p.write_words(out);
        }
        let mut handle = core::ptr::null_mut();
        // SAFETY: `words` holds bases.len() points of `w` words, the stride given; sppark
        // copies them to the device before returning.
        unsafe {
            new(
                words.as_ptr().cast(),
                bases.len() as u64,
                (w * 8) as u64,
                &mut handle,
            )
        }
        .into_result("sppark msm setup")?;
        Ok(Self {
            handle,
            len: bases.len(),
            msm,
            free,
            _marker: PhantomData,
        })
    }

    /// `Σ scalars[i]·bases[i]` by sppark, scalars copied from the host.
    pub fn msm(&mut self, scalars: &[P::ScalarField]) -> Result<Projective<P>> {
        if scalars.len() > self.len {
            return Err(Error::LengthMismatch {
                what: "sppark MSM scalars (at most one per base)",
                expected: self.len,
                got: scalars.len(),
            });
        }
        let mut words = vec![0u64; scalars.len() * 4];
        for (s, out) in scalars.iter().zip(words.chunks_exact_mut(4)) {
            s.write_words(out);
        }
        let l = <P::BaseField as DeviceRepr>::WORDS;
        let mut out = vec![0u64; 3 * l];
        // SAFETY: the handle is live; `words` holds scalars.len() Montgomery scalars of 4
        // words, `out` room for one Jacobian point of 3·l words.
        unsafe {
            (self.msm)(
                self.handle,
                words.as_ptr().cast(),
                scalars.len() as u64,
                out.as_mut_ptr().cast(),
            )
        }
        .into_result("sppark msm")?;
        let coord = |i: usize| P::BaseField::read_words(&out[i * l..(i + 1) * l]);
        Ok(Projective::new_unchecked(coord(0)?, coord(1)?, coord(2)?))
    }
}

impl<P: MsmCurve> Drop for SpparkMsm<P> {
    fn drop(&mut self) {
        // SAFETY: the handle came from the matching `new` and is freed once.
        unsafe { (self.free)(self.handle) };
    }
}

/// Whether this build contains the sppark peer (the feature, and nvcc at build time).
pub const fn available() -> bool {
    cfg!(kiln_sppark)
}
