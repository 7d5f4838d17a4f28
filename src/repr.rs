//! How arkworks values cross to a backend: as little-endian 64-bit words, in a
//! [`DeviceVec`].
//!
//! Field elements travel as their Montgomery limbs (arkworks' own representation, so an
//! upload is a copy), integers as their limbs, affine points as `x` then `y` with the
//! point at infinity as `(0, 0)` (on neither curve), which is the layout of the kernels'
//! `affine_t` (`kernels/ec/xyzz.cuh`).

use core::fmt;
use core::marker::PhantomData;

use ark_ec::AffineRepr;
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::{BigInt, Field, Fp, MontBackend, MontConfig, PrimeField, Zero};

use crate::backend::Backend;
use crate::{Error, Result};

mod sealed {
    pub trait Sealed {}
}

/// A value with a fixed-size representation in 64-bit words, as the kernels read it.
pub trait DeviceRepr: Copy + Send + Sync + 'static + sealed::Sealed {
    /// Words per value.
    const WORDS: usize;
    /// Writes the value's `WORDS` words.
    fn write_words(&self, out: &mut [u64]);
    /// The value of `WORDS` words, or an error if they are not a valid value (a field
    /// element ≥ p, a point off the curve).
    fn read_words(words: &[u64]) -> Result<Self>;
}

/// A prime field in arkworks' Montgomery representation (`Fp<MontBackend<_, N>, N>`): the
/// kernels' field elements have the same bytes.
pub trait DeviceField: PrimeField + DeviceRepr {}

impl<T: MontConfig<N>, const N: usize> sealed::Sealed for Fp<MontBackend<T, N>, N> {}
impl<T: MontConfig<N>, const N: usize> DeviceRepr for Fp<MontBackend<T, N>, N> {
    const WORDS: usize = N;

    fn write_words(&self, out: &mut [u64]) {
        out[..N].copy_from_slice(&self.0.0);
    }

    fn read_words(words: &[u64]) -> Result<Self> {
        let mut limbs = [0u64; N];
        limbs.copy_from_slice(&words[..N]);
        let repr = BigInt::new(limbs);
        if repr >= T::MODULUS {
            return Err(Error::Kernel {
                op: "download",
                code: -1,
                message: "a field element from the device is not reduced".into(),
            });
        }
        Ok(Fp::new_unchecked(repr))
    }
}
impl<T: MontConfig<N>, const N: usize> DeviceField for Fp<MontBackend<T, N>, N> {}

impl<const N: usize> sealed::Sealed for BigInt<N> {}
impl<const N: usize> DeviceRepr for BigInt<N> {
    const WORDS: usize = N;

    fn write_words(&self, out: &mut [u64]) {
        out[..N].copy_from_slice(&self.0);
    }

    fn read_words(words: &[u64]) -> Result<Self> {
        let mut limbs = [0u64; N];
        limbs.copy_from_slice(&words[..N]);
        Ok(BigInt::new(limbs))
    }
}

impl<P: SWCurveConfig> sealed::Sealed for Affine<P> {}
impl<P: SWCurveConfig> DeviceRepr for Affine<P>
where
    P::BaseField: DeviceField,
{
    const WORDS: usize = 2 * <P::BaseField as DeviceRepr>::WORDS;

    fn write_words(&self, out: &mut [u64]) {
        let l = <P::BaseField as DeviceRepr>::WORDS;
        if self.is_zero() {
            out[..2 * l].fill(0);
        } else {
            self.x.write_words(&mut out[..l]);
            self.y.write_words(&mut out[l..2 * l]);
        }
    }

    fn read_words(words: &[u64]) -> Result<Self> {
        let l = <P::BaseField as DeviceRepr>::WORDS;
        if words[..2 * l].iter().all(|&w| w == 0) {
            return Ok(Affine::zero());
        }
        let x = P::BaseField::read_words(&words[..l])?;
        let y = P::BaseField::read_words(&words[l..2 * l])?;
        let p = Affine::new_unchecked(x, y);
        if !p.is_on_curve() {
            return Err(Error::Kernel {
                op: "download",
                code: -1,
                message: "a point from the device is not on the curve".into(),
            });
        }
        Ok(p)
    }
}

/// The group element of a kernel's XYZZ point `(X, Y, ZZ, ZZZ)` (`4·L` words): the affine
/// point `(X/ZZ, Y/ZZZ)`, or infinity when `ZZ = 0`. A point off the curve (a kernel bug)
/// is an error, not a wrong answer.
pub fn xyzz_to_projective<P: SWCurveConfig>(words: &[u64]) -> Result<Projective<P>>
where
    P::BaseField: DeviceField,
{
    let l = <P::BaseField as DeviceRepr>::WORDS;
    let coord = |i: usize| P::BaseField::read_words(&words[i * l..(i + 1) * l]);
    let (x, y, zz, zzz) = (coord(0)?, coord(1)?, coord(2)?, coord(3)?);
    if zz.is_zero() {
        return Ok(Projective::zero());
    }
    let bad = || Error::Kernel {
        op: "msm",
        code: -1,
        message: "the device returned a point that is not on the curve".into(),
    };
    let zz_inv = zz.inverse().ok_or_else(bad)?;
    let zzz_inv = zzz.inverse().ok_or_else(bad)?;
    let p = Affine::<P>::new_unchecked(x * zz_inv, y * zzz_inv);
    if !p.is_on_curve() {
        return Err(bad());
    }
    Ok(p.into())
}

/// A group element as a kernel XYZZ point (`4·L` words): `(X·Z², Y·Z³, Z², Z³)` of the
/// Jacobian `(X, Y, Z)`, `ZZ = 0` for infinity. For the arithmetic tests.
pub fn projective_to_xyzz<P: SWCurveConfig>(p: &Projective<P>, out: &mut [u64])
where
    P::BaseField: DeviceField,
{
    let l = <P::BaseField as DeviceRepr>::WORDS;
    if p.is_zero() {
        out[..4 * l].fill(0);
        return;
    }
    let zz = p.z.square();
    let zzz = zz * p.z;
    p.x.write_words(&mut out[..l]);
    p.y.write_words(&mut out[l..2 * l]);
    zz.write_words(&mut out[2 * l..3 * l]);
    zzz.write_words(&mut out[3 * l..4 * l]);
}

/// Values of type `T` in a backend's memory, as `T::WORDS` 64-bit words each: scalars,
/// field elements, points. On the CPU backend the words live in a `Vec`.
pub struct DeviceVec<B: Backend, T> {
    pub(crate) words: B::Buffer<u64>,
    pub(crate) len: usize,
    _marker: PhantomData<fn() -> T>,
}

impl<B: Backend, T> fmt::Debug for DeviceVec<B, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DeviceVec<{}>[{}]",
            core::any::type_name::<T>(),
            self.len
        )
    }
}

impl<B: Backend, T: DeviceRepr> DeviceVec<B, T> {
    /// Copies `values` into `backend`'s memory.
    pub fn upload(backend: &B, values: &[T]) -> Result<Self> {
        let mut words = vec![0u64; values.len() * T::WORDS];
        for (v, out) in values.iter().zip(words.chunks_exact_mut(T::WORDS.max(1))) {
            v.write_words(out);
        }
        Ok(Self::from_words(backend.upload(&words)?, values.len()))
    }

    /// The values, after all work queued on them has finished.
    pub fn download(&self, backend: &B) -> Result<Vec<T>> {
        let words = backend.download(&self.words)?;
        words
            .chunks_exact(T::WORDS.max(1))
            .take(self.len)
            .map(T::read_words)
            .collect()
    }

    pub(crate) fn from_words(words: B::Buffer<u64>, len: usize) -> Self {
        Self {
            words,
            len,
            _marker: PhantomData,
        }
    }
}

impl<B: Backend, T> DeviceVec<B, T> {
    /// The number of values.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The backend buffer of words.
    pub fn words(&self) -> &B::Buffer<u64> {
        &self.words
    }
}
