//! Multi-scalar multiplication over G1 of BN254 and BLS12-381, with arkworks 0.6 types.
//!
//! # Mathematical description
//! For bases `P_i` in G1 and scalars `s_i` in the scalar field, the MSM is `Σ s_i·P_i`.
//! The kernel backends run Pippenger's bucket method on the device (signed-digit windows,
//! a counting sort of the digits by bucket, balanced bucket sums, bucket reduction by
//! running sums, window combination; see `kernels/msm/NOTES.md`); the CPU backend is
//! ark-ec's `VariableBaseMSM`, the reference.
//!
//! Bases are uploaded once ([`MsmOps::upload_bases`]) and reused by any number of MSMs.
//! Scalars are arkworks field elements (Montgomery form, as arkworks stores them) or
//! big integers in standard form (`F::BigInt`, e.g. from `into_bigint`; any 256-bit
//! integer, taken mod r), in a [`DeviceVec`]; results come back as `Projective`.
//!
//! ```
//! use ark_ec::{CurveGroup, VariableBaseMSM};
//! use ark_std::UniformRand;
//! use kiln::msm::MsmOps;
//! use kiln::{CpuBackend, EmuBackend};
//!
//! let mut rng = ark_std::test_rng();
//! let bases: Vec<ark_bn254::G1Affine> =
//!     (0..16).map(|_| ark_bn254::G1Projective::rand(&mut rng).into_affine()).collect();
//! let scalars: Vec<ark_bn254::Fr> = (0..16).map(|_| ark_bn254::Fr::rand(&mut rng)).collect();
//! let want = ark_bn254::G1Projective::msm(&bases, &scalars).unwrap();
//! // The kernels, run by the emulator (use CudaBackend on a GPU).
//! let emu = EmuBackend::new();
//! assert_eq!(emu.msm_host(&bases, &scalars)?, want);
//! assert_eq!(CpuBackend::new().msm_host(&bases, &scalars)?, want);
//! # Ok::<(), kiln::Error>(())
//! ```

mod cpu;
mod kernel;
#[cfg(feature = "sppark-peer")]
pub mod sppark;
#[doc(hidden)]
pub mod testing;

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::{BigInt, PrimeField};

use crate::backend::Backend;
use crate::repr::{DeviceField, DeviceRepr, DeviceVec};
use crate::{Error, Result};

/// BN254 G1 (`ark_bn254::g1::Config`): `Bases<B, Bn254>`, `msm_host::<Bn254, _>`.
pub type Bn254 = ark_bn254::g1::Config;
/// BLS12-381 G1 (`ark_bls12_381::g1::Config`).
pub type Bls12_381 = ark_bls12_381::g1::Config;

/// Bases of an MSM in a backend's memory: affine points, uploaded once, reused by many MSMs.
pub type Bases<B, P> = DeviceVec<B, Affine<P>>;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Bn254 {}
    impl Sealed for super::Bls12_381 {}
}

/// A G1 group the kernels support: implemented for [`Bn254`] and [`Bls12_381`].
pub trait MsmCurve:
    SWCurveConfig<BaseField: DeviceField, ScalarField: DeviceField + PrimeField<BigInt = BigInt<4>>>
    + sealed::Sealed
{
    /// The curve's id in the C ABI (`KILN_CURVE_*`).
    const CURVE_ID: u32;
    /// A short name: `bn254`, `bls12-381`.
    const NAME: &'static str;
}

impl MsmCurve for Bn254 {
    const CURVE_ID: u32 = 0;
    const NAME: &'static str = "bn254";
}

impl MsmCurve for Bls12_381 {
    const CURVE_ID: u32 = 1;
    const NAME: &'static str = "bls12-381";
}

/// How a scalar is represented: the field element itself (Montgomery form, arkworks'
/// memory) or its integer in standard form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarForm {
    Montgomery,
    Standard,
}

/// A scalar type an MSM over field `F` accepts: `F` itself (Montgomery form), or
/// `BigInt<4>` in standard form (`F::into_bigint`, or any 256-bit integer, taken mod r).
pub trait MsmScalar<F: PrimeField>: DeviceRepr {
    const FORM: ScalarForm;
    /// The scalar as an element of `F` (reduced mod r).
    fn to_field(&self) -> F;
}

impl<F: DeviceField> MsmScalar<F> for F {
    const FORM: ScalarForm = ScalarForm::Montgomery;
    fn to_field(&self) -> F {
        *self
    }
}

impl<F: PrimeField<BigInt = BigInt<4>>> MsmScalar<F> for BigInt<4> {
    const FORM: ScalarForm = ScalarForm::Standard;
    fn to_field(&self) -> F {
        F::from_le_bytes_mod_order(&bigint_le_bytes(self))
    }
}

fn bigint_le_bytes(b: &BigInt<4>) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, limb) in out.chunks_exact_mut(8).zip(b.0) {
        chunk.copy_from_slice(&limb.to_le_bytes());
    }
    out
}

/// Multi-scalar multiplication over G1. `&self` carries the device; bases and scalars are
/// [`DeviceVec`]s of this backend.
pub trait MsmOps: Backend + Sized {
    /// `Σ scalars[i]·bases[i]`. The lengths must be equal ([`Error::LengthMismatch`]
    /// otherwise); both may be zero (the result is then the identity).
    fn msm<P: MsmCurve, S: MsmScalar<P::ScalarField>>(
        &self,
        bases: &Bases<Self, P>,
        scalars: &DeviceVec<Self, S>,
    ) -> Result<Projective<P>> {
        if bases.len() != scalars.len() {
            return Err(Error::LengthMismatch {
                what: "MSM scalars (one per base)",
                expected: bases.len(),
                got: scalars.len(),
            });
        }
        self.msm_prefix(bases, scalars)
    }

    /// `Σ scalars[i]·bases[i]` over the first `scalars.len()` bases: one upload of a
    /// structured reference string serves polynomials of every smaller degree. More scalars
    /// than bases is [`Error::LengthMismatch`].
    fn msm_prefix<P: MsmCurve, S: MsmScalar<P::ScalarField>>(
        &self,
        bases: &Bases<Self, P>,
        scalars: &DeviceVec<Self, S>,
    ) -> Result<Projective<P>>;

    /// Uploads bases once, for any number of MSMs.
    fn upload_bases<P: MsmCurve>(&self, bases: &[Affine<P>]) -> Result<Bases<Self, P>> {
        DeviceVec::upload(self, bases)
    }

    /// Uploads scalars (field elements or `BigInt`s).
    fn upload_scalars<S: DeviceRepr>(&self, scalars: &[S]) -> Result<DeviceVec<Self, S>> {
        DeviceVec::upload(self, scalars)
    }

    /// Uploads both and runs [`MsmOps::msm`]: lengths must be equal.
    fn msm_host<P: MsmCurve, S: MsmScalar<P::ScalarField>>(
        &self,
        bases: &[Affine<P>],
        scalars: &[S],
    ) -> Result<Projective<P>> {
        if bases.len() != scalars.len() {
            return Err(Error::LengthMismatch {
                what: "MSM scalars (one per base)",
                expected: bases.len(),
                got: scalars.len(),
            });
        }
        let b = self.upload_bases(bases)?;
        let s = self.upload_scalars(scalars)?;
        self.msm(&b, &s)
    }
}

fn check_prefix(bases: usize, scalars: usize) -> Result<()> {
    if scalars > bases {
        return Err(Error::LengthMismatch {
            what: "MSM scalars (at most one per base)",
            expected: bases,
            got: scalars,
        });
    }
    Ok(())
}

/// The window size in bits the kernels choose for an MSM of `n` points on curve `P`.
pub fn window_bits<P: MsmCurve>(n: usize) -> u32 {
    // SAFETY: a pure host function of the emulator build (the same code as the CUDA build's).
    unsafe { (crate::ffi::EMU.msm_window_bits)(P::CURVE_ID, n as u64) }
}
