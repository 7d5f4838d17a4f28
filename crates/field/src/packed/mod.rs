//! Packed BabyBear: several elements processed together with SIMD, the instruction set
//! chosen at run time.
//!
//! [`PackedField`] is the vector type of one [`SimdLevel`]: `BabyBear` itself (one lane) for
//! [`SimdLevel::Scalar`], 4 lanes of NEON, 8 of AVX2, 16 of AVX-512. Hot code is written once,
//! generic over `P: PackedField`, and compiled once per level; [`SimdLevel::run`] picks the
//! instantiation for the running CPU and executes it inside a function compiled with that
//! level's CPU features, so the generic code inlined there uses the wide registers whatever
//! flags kiln was built with. Every level computes exactly what the scalar operations
//! compute, lane by lane (tested against them on random inputs).
//!
//! # Soundness
//! A vector of a level can only be created through a [`Simd`] token, which exists only once
//! the level was detected on the CPU, or from a vector that already exists (`x * c` for a
//! constant `c`); `From<BabyBear>` checks the CPU itself. So safe code never executes an
//! instruction the CPU lacks.
//!
//! # Writing code for every level
//! ```
//! use kiln_field::{BabyBear, PackedField, Simd, SimdLevel, SimdOp};
//!
//! /// `x[i] *= c` for every i.
//! struct Scale<'a> { x: &'a mut [BabyBear], c: BabyBear }
//!
//! impl SimdOp for Scale<'_> {
//!     type Output = ();
//!     #[inline(always)]
//!     fn run<P: PackedField>(self, simd: Simd<P>) {
//!         let c = simd.splat(self.c);
//!         let mut chunks = self.x.chunks_exact_mut(P::WIDTH);
//!         for v in &mut chunks {
//!             (simd.load(v) * c).store(v);
//!         }
//!         for v in chunks.into_remainder() {
//!             *v *= self.c;
//!         }
//!     }
//! }
//!
//! let mut x: Vec<BabyBear> = (0..100).map(BabyBear::new).collect();
//! SimdLevel::current().run(Scale { x: &mut x, c: BabyBear::new(3) });
//! assert_eq!(x[7], BabyBear::new(21));
//! ```
//! Everything [`SimdOp::run`] calls on the hot path must be inlined into it
//! (`#[inline(always)]`): a function that is not inlined is compiled without the level's
//! features and calls the vector operations out of line (correct, several times slower).
//! A closure handed to another thread (rayon) is such a function: enter the level again in
//! it with [`Simd::enter`], which costs one call.
//!
//! # Mathematical description
//! Montgomery multiplication of a, b < p (words in Montgomery form, R = 2^32) on lanes: the
//! 64-bit products a·b of even and odd lanes come from two 32×32→64 multiplies;
//! q = (a·b mod 2^32)·p^{-1} mod 2^32; a·b − q·p is then divisible by 2^32, and since the low
//! words agree its quotient is hi(a·b) − hi(q·p) ∈ (−p, p), corrected by adding p when
//! negative. Additions and subtractions use min(x, x ∓ p) on the wrapped 32-bit result,
//! valid because p < 2^31.

use core::fmt::Debug;
use core::marker::PhantomData;

use crate::{Algebra, BabyBear, Field, SimdLevel};

#[cfg(target_arch = "aarch64")]
mod neon;
#[cfg(target_arch = "x86_64")]
mod x86;

#[cfg(target_arch = "aarch64")]
pub use neon::PackedNeon;
#[cfg(target_arch = "x86_64")]
pub use x86::{PackedAvx2, PackedAvx512};

/// The most lanes of any [`PackedField`] (AVX-512): a bound for fixed-size buffers of
/// vectors or lane indices.
pub const MAX_WIDTH: usize = 16;

mod sealed {
    pub trait Sealed {}
}

/// `WIDTH` BabyBear elements with lane-wise arithmetic: the vector type of one
/// [`SimdLevel`] (see the [module documentation](self)).
///
/// Values are made through a [`Simd`] token; arithmetic, [`PackedField::as_slice`] and
/// [`PackedField::store`] work on any value.
pub trait PackedField:
    sealed::Sealed + Algebra + Copy + Send + Sync + PartialEq + Eq + 'static
{
    /// Lanes: 1, 4, 8 or 16.
    const WIDTH: usize;
    /// log2 of [`PackedField::WIDTH`].
    const LOG_WIDTH: u32;
    /// The level whose instructions this type uses.
    const LEVEL: SimdLevel;

    /// The lanes.
    fn as_slice(&self) -> &[BabyBear];

    /// The lanes, mutably.
    fn as_mut_slice(&mut self) -> &mut [BabyBear];

    /// Writes the lanes to the first `WIDTH` elements of `s`.
    ///
    /// # Panics
    /// If `s` is shorter than `WIDTH`.
    #[inline(always)]
    fn store(self, s: &mut [BabyBear]) {
        s[..Self::WIDTH].copy_from_slice(self.as_slice());
    }

    /// Transposes a `WIDTH × WIDTH` tile: lane j of vector i ↔ lane i of vector j.
    ///
    /// # Panics
    /// If `tile` does not hold exactly `WIDTH` vectors.
    fn transpose(tile: &mut [Self]);

    /// `self^7`, the Poseidon2 S-box, lane-wise.
    #[inline(always)]
    fn pow7(self) -> Self {
        let x2 = self * self;
        let x3 = x2 * self;
        let x4 = x2 * x2;
        x3 * x4
    }

    /// The vector with lanes `f(0), f(1), …` without checking the CPU.
    ///
    /// # Safety
    /// The CPU must support [`PackedField::LEVEL`].
    #[doc(hidden)]
    unsafe fn from_fn_unchecked(f: impl FnMut(usize) -> BabyBear) -> Self;

    /// Runs `f` inside a function compiled with the level's CPU features.
    ///
    /// # Safety
    /// The CPU must support [`PackedField::LEVEL`].
    #[doc(hidden)]
    unsafe fn enter_unchecked<R>(f: impl FnOnce() -> R) -> R;
}

/// Proof that the running CPU supports the instructions of `P`: the only way to make
/// vectors of `P` from scalars, and to enter code compiled for `P`'s level.
///
/// Zero-sized and `Copy`: pass it down the generic code that needs it.
pub struct Simd<P> {
    _level: PhantomData<fn() -> P>,
}

impl<P> Clone for Simd<P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for Simd<P> {}

impl<P: PackedField> Debug for Simd<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Simd<{}>", P::LEVEL)
    }
}

impl<P: PackedField> Simd<P> {
    /// The token, if this CPU supports `P`'s level.
    pub fn new() -> Option<Self> {
        P::LEVEL.is_available().then_some(Self {
            _level: PhantomData,
        })
    }

    /// Every lane `x`.
    #[inline(always)]
    pub fn splat(self, x: BabyBear) -> P {
        // SAFETY: the token exists, so the CPU supports P.
        unsafe { P::from_fn_unchecked(|_| x) }
    }

    /// Every lane zero.
    #[inline(always)]
    pub fn zero(self) -> P {
        self.splat(BabyBear::ZERO)
    }

    /// Every lane one.
    #[inline(always)]
    pub fn one(self) -> P {
        self.splat(BabyBear::ONE)
    }

    /// Lanes `f(0), f(1), …, f(WIDTH − 1)`.
    #[inline(always)]
    pub fn from_fn(self, f: impl FnMut(usize) -> BabyBear) -> P {
        // SAFETY: the token exists, so the CPU supports P.
        unsafe { P::from_fn_unchecked(f) }
    }

    /// The first `WIDTH` elements of `s`.
    ///
    /// # Panics
    /// If `s` is shorter than `WIDTH`.
    #[inline(always)]
    pub fn load(self, s: &[BabyBear]) -> P {
        let s = &s[..P::WIDTH];
        self.from_fn(|i| s[i])
    }

    /// Runs `f` in a function compiled with the level's CPU features; `f` is inlined there
    /// (mark what it calls on the hot path `#[inline(always)]`). For closures run on other
    /// threads, which are compiled on their own.
    #[inline(always)]
    pub fn enter<R>(self, f: impl FnOnce() -> R) -> R {
        // SAFETY: the token exists, so the CPU supports P.
        unsafe { P::enter_unchecked(f) }
    }
}

/// Code generic over the vector type, to be run at a [`SimdLevel`] by [`SimdLevel::run`].
pub trait SimdOp {
    type Output;

    /// The work, with the level's vector type `P`. Mark it `#[inline(always)]`.
    fn run<P: PackedField>(self, simd: Simd<P>) -> Self::Output;
}

impl SimdLevel {
    /// Runs `op` with this level's vector type, in code compiled for the level.
    ///
    /// # Panics
    /// If this CPU lacks the level (see [`SimdLevel::check`]; [`SimdLevel::current`] and
    /// [`SimdLevel::detect`] are always available).
    pub fn run<O: SimdOp>(self, op: O) -> O::Output {
        fn enter<P: PackedField, O: SimdOp>(op: O) -> O::Output {
            let simd = Simd::<P>::new().unwrap_or_else(|| {
                panic!(
                    "the {} SIMD level was asked for on a CPU without it",
                    P::LEVEL
                )
            });
            simd.enter(
                #[inline(always)]
                || op.run(simd),
            )
        }
        match self {
            SimdLevel::Scalar => enter::<BabyBear, O>(op),
            #[cfg(target_arch = "aarch64")]
            SimdLevel::Neon => enter::<PackedNeon, O>(op),
            #[cfg(target_arch = "x86_64")]
            SimdLevel::Avx2 => enter::<PackedAvx2, O>(op),
            #[cfg(target_arch = "x86_64")]
            SimdLevel::Avx512 => enter::<PackedAvx512, O>(op),
            #[allow(unreachable_patterns)]
            other => panic!("the {other} SIMD level does not exist on this architecture"),
        }
    }
}

impl sealed::Sealed for BabyBear {}

/// The scalar level: one lane, the plain field operations.
impl PackedField for BabyBear {
    const WIDTH: usize = 1;
    const LOG_WIDTH: u32 = 0;
    const LEVEL: SimdLevel = SimdLevel::Scalar;

    #[inline(always)]
    fn as_slice(&self) -> &[BabyBear] {
        core::slice::from_ref(self)
    }

    #[inline(always)]
    fn as_mut_slice(&mut self) -> &mut [BabyBear] {
        core::slice::from_mut(self)
    }

    fn transpose(tile: &mut [Self]) {
        assert_eq!(tile.len(), 1, "a 1-lane tile holds one vector");
    }

    #[inline(always)]
    fn pow7(self) -> Self {
        BabyBear::pow7(self)
    }

    #[inline(always)]
    unsafe fn from_fn_unchecked(mut f: impl FnMut(usize) -> BabyBear) -> Self {
        f(0)
    }

    #[inline(always)]
    unsafe fn enter_unchecked<R>(f: impl FnOnce() -> R) -> R {
        f()
    }
}

/// Defines a vector type of `$width` lanes over the instructions of module `$imp`
/// (functions `add`, `sub`, `mul`, `transpose` on `$imp::Vector`, `unsafe` because they
/// need the level's CPU features) and implements [`PackedField`] and the operators for it.
macro_rules! packed_type {
    (
        $(#[$doc:meta])*
        $name:ident, $width:literal, $log_width:literal, $align:literal, $level:expr, $imp:path
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq)]
        #[repr(C, align($align))]
        pub struct $name([BabyBear; $width]);

        impl $name {
            #[inline(always)]
            fn v(self) -> <$imp as $crate::packed::VectorOps>::Vector {
                // SAFETY: `Self` is `repr(C)` over $width u32-sized words, the size of the
                // vector, and every bit pattern is a valid vector.
                unsafe {
                    core::mem::transmute::<
                        [BabyBear; $width],
                        <$imp as $crate::packed::VectorOps>::Vector,
                    >(self.0)
                }
            }

            #[inline(always)]
            fn from_v(v: <$imp as $crate::packed::VectorOps>::Vector) -> Self {
                // SAFETY: as in `v`; the arithmetic keeps every lane below p.
                Self(unsafe {
                    core::mem::transmute::<
                        <$imp as $crate::packed::VectorOps>::Vector,
                        [BabyBear; $width],
                    >(v)
                })
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }

        impl $crate::packed::sealed::Sealed for $name {}

        impl $crate::Algebra for $name {}

        impl $crate::packed::PackedField for $name {
            const WIDTH: usize = $width;
            const LOG_WIDTH: u32 = $log_width;
            const LEVEL: $crate::SimdLevel = $level;

            #[inline(always)]
            fn as_slice(&self) -> &[BabyBear] {
                &self.0
            }

            #[inline(always)]
            fn as_mut_slice(&mut self) -> &mut [BabyBear] {
                &mut self.0
            }

            #[inline(always)]
            fn transpose(tile: &mut [Self]) {
                let tile: &mut [Self; $width] =
                    tile.try_into().expect("a tile holds WIDTH vectors");
                let mut v = tile.map(Self::v);
                // SAFETY: the vectors exist, so the CPU supports the level.
                unsafe { <$imp as $crate::packed::VectorOps>::transpose(&mut v) };
                *tile = v.map(Self::from_v);
            }

            #[inline(always)]
            unsafe fn from_fn_unchecked(f: impl FnMut(usize) -> BabyBear) -> Self {
                Self(core::array::from_fn(f))
            }

            #[inline(always)]
            unsafe fn enter_unchecked<R>(f: impl FnOnce() -> R) -> R {
                // SAFETY: the caller guarantees the CPU features.
                unsafe { <$imp as $crate::packed::VectorOps>::enter(f) }
            }
        }

        impl From<BabyBear> for $name {
            /// Every lane `x`.
            ///
            /// # Panics
            /// If the CPU lacks this type's level (use a [`Simd`](crate::Simd) token in generic code).
            #[inline]
            fn from(x: BabyBear) -> Self {
                assert!(
                    <Self as $crate::packed::PackedField>::LEVEL.is_available(),
                    "{} vectors on a CPU without the level",
                    <Self as $crate::packed::PackedField>::LEVEL
                );
                Self([x; $width])
            }
        }

        impl core::ops::Add for $name {
            type Output = Self;
            #[inline(always)]
            fn add(self, rhs: Self) -> Self {
                // SAFETY: the operands exist, so the CPU supports the level.
                Self::from_v(unsafe { <$imp as $crate::packed::VectorOps>::add(self.v(), rhs.v()) })
            }
        }

        impl core::ops::Sub for $name {
            type Output = Self;
            #[inline(always)]
            fn sub(self, rhs: Self) -> Self {
                // SAFETY: as in `add`.
                Self::from_v(unsafe { <$imp as $crate::packed::VectorOps>::sub(self.v(), rhs.v()) })
            }
        }

        impl core::ops::Mul for $name {
            type Output = Self;
            #[inline(always)]
            fn mul(self, rhs: Self) -> Self {
                // SAFETY: as in `add`.
                Self::from_v(unsafe { <$imp as $crate::packed::VectorOps>::mul(self.v(), rhs.v()) })
            }
        }

        impl core::ops::Mul<BabyBear> for $name {
            type Output = Self;
            #[inline(always)]
            fn mul(self, rhs: BabyBear) -> Self {
                self * Self([rhs; $width])
            }
        }

        impl core::ops::Add<BabyBear> for $name {
            type Output = Self;
            #[inline(always)]
            fn add(self, rhs: BabyBear) -> Self {
                self + Self([rhs; $width])
            }
        }

        impl core::ops::Sub<BabyBear> for $name {
            type Output = Self;
            #[inline(always)]
            fn sub(self, rhs: BabyBear) -> Self {
                self - Self([rhs; $width])
            }
        }

        impl core::ops::Neg for $name {
            type Output = Self;
            #[inline(always)]
            fn neg(self) -> Self {
                Self([<BabyBear as $crate::Field>::ZERO; $width]) - self
            }
        }

        impl core::ops::AddAssign for $name {
            #[inline(always)]
            fn add_assign(&mut self, rhs: Self) {
                *self = *self + rhs;
            }
        }

        impl core::ops::SubAssign for $name {
            #[inline(always)]
            fn sub_assign(&mut self, rhs: Self) {
                *self = *self - rhs;
            }
        }

        impl core::ops::MulAssign for $name {
            #[inline(always)]
            fn mul_assign(&mut self, rhs: Self) {
                *self = *self * rhs;
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use packed_type;

/// The instructions of one level, on its native vector type. Every function needs the
/// level's CPU features.
#[allow(dead_code)]
pub(crate) trait VectorOps {
    type Vector: Copy;
    /// Lane-wise `a + b`.
    unsafe fn add(a: Self::Vector, b: Self::Vector) -> Self::Vector;
    /// Lane-wise `a − b`.
    unsafe fn sub(a: Self::Vector, b: Self::Vector) -> Self::Vector;
    /// Lane-wise `a·b` (Montgomery).
    unsafe fn mul(a: Self::Vector, b: Self::Vector) -> Self::Vector;
    /// Transposes a square tile of vectors (slice length = lanes).
    unsafe fn transpose(m: &mut [Self::Vector]);
    /// Calls `f` in a function compiled with the level's features.
    unsafe fn enter<R>(f: impl FnOnce() -> R) -> R;
}

/// Hints the cache to fetch the line holding `slice[index]` (nothing if `index` is out of
/// range, or off x86-64). For loops that read one vector from each of many columns: too
/// many streams for the hardware prefetcher.
#[inline(always)]
pub fn prefetch<T>(slice: &[T], index: usize) {
    #[cfg(target_arch = "x86_64")]
    if index < slice.len() {
        // SAFETY: a prefetch has no architectural effect; the address is inside `slice`.
        unsafe {
            core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(
                slice.as_ptr().add(index).cast(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, index);
}
