use core::fmt;
use core::iter::{Product, Sum};
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

use bytemuck::{Pod, Zeroable};
use rand::distr::{Distribution, StandardUniform};
use rand::{Rng, RngExt};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Field, TwoAdicField};

/// The BabyBear prime, 2^31 − 2^27 + 1 = 15·2^27 + 1.
pub const P: u32 = 0x7800_0001;
/// p^{-1} mod 2^32 (Montgomery reduction below subtracts m·p, so it needs +p^{-1}).
const P_INV: u32 = 0x8800_0001;
/// R^2 mod p with R = 2^32, to enter Montgomery form by one multiplication.
const R2: u32 = ((1u128 << 64) % P as u128) as u32;
/// A generator of the subgroup of order 2^27 (Plonky3's `TWO_ADIC_GENERATORS[27]`,
/// canonical value; `two_adic_generator(k)` squares it 27 − k times).
const TWO_ADIC_ROOT: u32 = 0x1a42_7a41;

/// An element of the BabyBear field, in Montgomery form: the stored word is `x·2^32 mod p`,
/// always below p.
///
/// The layout is one `u32` (`repr(transparent)`), identical to Plonky3's `BabyBear`, so a
/// `&[BabyBear]` can be handed to a GPU kernel or to Plonky3 as raw words. `Pod` lets such
/// buffers be cast freely; a word read from an untrusted source must go through
/// [`BabyBear::from_canonical_checked`] or [`BabyBear::from_monty_checked`] instead.
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(transparent)]
pub struct BabyBear {
    monty: u32,
}

#[inline(always)]
const fn monty_reduce(x: u64) -> u32 {
    // x < p·2^32. m = x·p^{-1} mod 2^32, so x − m·p ≡ 0 mod 2^32 and (x − m·p)/2^32 ≡ x/R.
    let m = (x as u32).wrapping_mul(P_INV);
    let mp = m as u64 * P as u64;
    let (d, borrow) = x.overflowing_sub(mp);
    let hi = (d >> 32) as u32;
    if borrow { hi.wrapping_add(P) } else { hi }
}

impl BabyBear {
    pub const ORDER: u32 = P;

    /// The element whose canonical value is `x mod p`.
    #[inline]
    pub const fn new(x: u32) -> Self {
        Self {
            monty: monty_reduce((x % P) as u64 * R2 as u64),
        }
    }

    /// `x mod p` for a 64-bit input.
    #[inline]
    pub const fn from_u64(x: u64) -> Self {
        Self::new((x % P as u64) as u32)
    }

    /// The element with canonical value `x`, or `None` if `x ≥ p`.
    #[inline]
    pub const fn from_canonical_checked(x: u32) -> Option<Self> {
        if x < P { Some(Self::new(x)) } else { None }
    }

    /// Wraps a word that is already in Montgomery form, or `None` if it is not below p.
    #[inline]
    pub const fn from_monty_checked(monty: u32) -> Option<Self> {
        if monty < P {
            Some(Self { monty })
        } else {
            None
        }
    }

    /// Wraps a Montgomery-form word without checking it.
    ///
    /// A word ≥ p gives wrong results from every operation (never undefined behaviour).
    #[inline]
    pub const fn from_monty(monty: u32) -> Self {
        Self { monty }
    }

    /// The Montgomery-form word, as stored in memory.
    #[inline]
    pub const fn to_monty(self) -> u32 {
        self.monty
    }

    /// The canonical value in `[0, p)`.
    #[inline]
    pub const fn as_canonical_u32(self) -> u32 {
        monty_reduce(self.monty as u64)
    }

    /// An array of elements from canonical values, for constants.
    pub const fn new_array<const N: usize>(xs: [u32; N]) -> [Self; N] {
        let mut out = [Self { monty: 0 }; N];
        let mut i = 0;
        while i < N {
            out[i] = Self::new(xs[i]);
            i += 1;
        }
        out
    }

    #[inline(always)]
    const fn add_const(self, rhs: Self) -> Self {
        let s = self.monty + rhs.monty; // < 2^32 since both < 2^31
        Self {
            monty: if s >= P { s - P } else { s },
        }
    }

    #[inline(always)]
    const fn sub_const(self, rhs: Self) -> Self {
        let (d, borrow) = self.monty.overflowing_sub(rhs.monty);
        Self {
            monty: if borrow { d.wrapping_add(P) } else { d },
        }
    }

    #[inline(always)]
    const fn mul_const(self, rhs: Self) -> Self {
        Self {
            monty: monty_reduce(self.monty as u64 * rhs.monty as u64),
        }
    }

    /// `self^7`, the Poseidon2 S-box.
    #[inline(always)]
    pub fn pow7(self) -> Self {
        let x2 = self * self;
        let x3 = x2 * self;
        let x4 = x2 * x2;
        x3 * x4
    }
}

impl Field for BabyBear {
    const ZERO: Self = Self { monty: 0 };
    const ONE: Self = Self::new(1);
    const TWO: Self = Self::new(2);
    const NEG_ONE: Self = Self::new(P - 1);

    #[inline]
    fn try_inverse(&self) -> Option<Self> {
        if self.is_zero() {
            return None;
        }
        // Fermat: x^(p−2). p − 2 = 0b111_0111_1111_1111_1111_1111_1111_1111: an addition
        // chain would save a few multiplications; this is not on any hot path.
        Some(self.exp_u64(P as u64 - 2))
    }
}

impl TwoAdicField for BabyBear {
    const TWO_ADICITY: usize = 27;
    const GENERATOR: Self = Self::new(31);

    fn two_adic_generator(log_n: usize) -> Self {
        assert!(
            log_n <= Self::TWO_ADICITY,
            "BabyBear has no subgroup of order 2^{log_n}"
        );
        Self::new(TWO_ADIC_ROOT).exp_power_of_2(Self::TWO_ADICITY - log_n)
    }
}

impl Add for BabyBear {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        self.add_const(rhs)
    }
}

impl Sub for BabyBear {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        self.sub_const(rhs)
    }
}

impl Mul for BabyBear {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        self.mul_const(rhs)
    }
}

impl Neg for BabyBear {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Self::ZERO - self
    }
}

impl Div for BabyBear {
    type Output = Self;
    /// # Panics
    /// On division by zero.
    #[allow(clippy::suspicious_arithmetic_impl)]
    #[inline]
    fn div(self, rhs: Self) -> Self {
        self * rhs.inverse()
    }
}

impl AddAssign for BabyBear {
    #[inline(always)]
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl SubAssign for BabyBear {
    #[inline(always)]
    fn sub_assign(&mut self, rhs: Self) {
        *self = *self - rhs;
    }
}

impl MulAssign for BabyBear {
    #[inline(always)]
    fn mul_assign(&mut self, rhs: Self) {
        *self = *self * rhs;
    }
}

impl Sum for BabyBear {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, |a, b| a + b)
    }
}

impl Product for BabyBear {
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ONE, |a, b| a * b)
    }
}

impl From<u32> for BabyBear {
    /// `x mod p`.
    fn from(x: u32) -> Self {
        Self::new(x)
    }
}

impl fmt::Debug for BabyBear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.as_canonical_u32(), f)
    }
}

impl fmt::Display for BabyBear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.as_canonical_u32(), f)
    }
}

impl Distribution<BabyBear> for StandardUniform {
    /// Uniform over the field, by rejection sampling of 31-bit words.
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> BabyBear {
        loop {
            let x = rng.random::<u32>() >> 1;
            if x < P {
                return BabyBear::from_monty(x);
            }
        }
    }
}

/// Serialized as the canonical value (below p): a `u32` in human-readable formats (JSON),
/// four little-endian bytes in binary ones (postcard: fixed width, where a varint would
/// take five bytes for most elements). Deserialization rejects any non-canonical value.
impl Serialize for BabyBear {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_u32(self.as_canonical_u32())
        } else {
            self.as_canonical_u32().to_le_bytes().serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for BabyBear {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let x = if d.is_human_readable() {
            u32::deserialize(d)?
        } else {
            u32::from_le_bytes(<[u8; 4]>::deserialize(d)?)
        };
        Self::from_canonical_checked(x).ok_or_else(|| {
            serde::de::Error::custom(format_args!(
                "{x} is not a canonical BabyBear element (p = {P})"
            ))
        })
    }
}
