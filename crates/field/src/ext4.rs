use core::fmt;
use core::iter::{Product, Sum};
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

use bytemuck::{Pod, Zeroable};
use rand::Rng;
use rand::distr::{Distribution, StandardUniform};
use serde::{Deserialize, Serialize};

use crate::{BabyBear, ExtensionField, Field};

/// W in X^4 − W. Plonky3's choice for BabyBear; RISC Zero uses X^4 + 11 — do not mix.
const W: BabyBear = BabyBear::new(11);

/// An element of F_p[X] / (X^4 − 11), as coefficients `[c0, c1, c2, c3]` of
/// `c0 + c1·X + c2·X^2 + c3·X^3`.
///
/// Same layout as Plonky3's `BinomialExtensionField<BabyBear, 4>`: four Montgomery words.
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash, Pod, Zeroable, Serialize, Deserialize)]
#[repr(transparent)]
pub struct BabyBearExt4(pub [BabyBear; 4]);

impl BabyBearExt4 {
    #[inline]
    pub const fn new(coeffs: [BabyBear; 4]) -> Self {
        Self(coeffs)
    }

    /// The base-field element `x` embedded in the extension.
    #[inline]
    pub const fn from_base(x: BabyBear) -> Self {
        Self([
            x,
            BabyBear::from_monty(0),
            BabyBear::from_monty(0),
            BabyBear::from_monty(0),
        ])
    }

    #[inline]
    pub const fn coeffs(&self) -> [BabyBear; 4] {
        self.0
    }
}

impl Field for BabyBearExt4 {
    const ZERO: Self = Self([BabyBear::ZERO; 4]);
    const ONE: Self = Self::from_base(BabyBear::ONE);
    const TWO: Self = Self::from_base(BabyBear::TWO);
    const NEG_ONE: Self = Self::from_base(BabyBear::NEG_ONE);

    /// Inverse by the norm map: for a(X) = e(X^2) + X·o(X^2), a(X)·a(−X) = b(X^2) lies in
    /// the quadratic subfield F_p[Y]/(Y^2 − W), and b(Y)·b(−Y) = N(a) lies in F_p, so
    /// a^{-1} = a(−X)·b(−X^2)·N(a)^{-1}.
    fn try_inverse(&self) -> Option<Self> {
        let [a0, a1, a2, a3] = self.0;
        let b0 = a0.square() + W * (a2.square() - (a1 * a3).double());
        let b1 = (a0 * a2).double() - a1.square() - W * a3.square();
        let norm = b0.square() - W * b1.square();
        let norm_inv = norm.try_inverse()?;
        let a_conj = Self([a0, -a1, a2, -a3]);
        let b_conj = Self([
            b0 * norm_inv,
            BabyBear::ZERO,
            -b1 * norm_inv,
            BabyBear::ZERO,
        ]);
        Some(a_conj * b_conj)
    }

    #[inline]
    fn square(&self) -> Self {
        let [a0, a1, a2, a3] = self.0;
        let c0 = a0.square() + W * (a2.square() + (a1 * a3).double());
        let c1 = (a0 * a1 + W * (a2 * a3)).double();
        let c2 = (a0 * a2).double() + a1.square() + W * a3.square();
        let c3 = (a0 * a3 + a1 * a2).double();
        Self([c0, c1, c2, c3])
    }
}

impl ExtensionField<BabyBear> for BabyBearExt4 {
    const DEGREE: usize = 4;

    fn as_base_slice(&self) -> &[BabyBear] {
        &self.0
    }

    fn from_base_slice(coeffs: &[BabyBear]) -> Self {
        Self(
            coeffs
                .try_into()
                .expect("an extension element has 4 coefficients"),
        )
    }
}

impl From<BabyBear> for BabyBearExt4 {
    fn from(x: BabyBear) -> Self {
        Self::from_base(x)
    }
}

impl Add for BabyBearExt4 {
    type Output = Self;
    #[inline]
    fn add(self, rhs: Self) -> Self {
        Self(core::array::from_fn(|i| self.0[i] + rhs.0[i]))
    }
}

impl Add<BabyBear> for BabyBearExt4 {
    type Output = Self;
    #[inline]
    fn add(mut self, rhs: BabyBear) -> Self {
        self.0[0] += rhs;
        self
    }
}

impl Sub for BabyBearExt4 {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: Self) -> Self {
        Self(core::array::from_fn(|i| self.0[i] - rhs.0[i]))
    }
}

impl Sub<BabyBear> for BabyBearExt4 {
    type Output = Self;
    #[inline]
    fn sub(mut self, rhs: BabyBear) -> Self {
        self.0[0] -= rhs;
        self
    }
}

impl Mul for BabyBearExt4 {
    type Output = Self;
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        let [a0, a1, a2, a3] = self.0;
        let [b0, b1, b2, b3] = rhs.0;
        let c0 = a0 * b0 + W * (a1 * b3 + a2 * b2 + a3 * b1);
        let c1 = a0 * b1 + a1 * b0 + W * (a2 * b3 + a3 * b2);
        let c2 = a0 * b2 + a1 * b1 + a2 * b0 + W * (a3 * b3);
        let c3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
        Self([c0, c1, c2, c3])
    }
}

impl Mul<BabyBear> for BabyBearExt4 {
    type Output = Self;
    #[inline]
    fn mul(self, rhs: BabyBear) -> Self {
        Self(self.0.map(|c| c * rhs))
    }
}

impl Neg for BabyBearExt4 {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        Self(self.0.map(|c| -c))
    }
}

impl Div for BabyBearExt4 {
    type Output = Self;
    /// # Panics
    /// On division by zero.
    #[allow(clippy::suspicious_arithmetic_impl)]
    #[inline]
    fn div(self, rhs: Self) -> Self {
        self * rhs.inverse()
    }
}

impl AddAssign for BabyBearExt4 {
    #[inline]
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl SubAssign for BabyBearExt4 {
    #[inline]
    fn sub_assign(&mut self, rhs: Self) {
        *self = *self - rhs;
    }
}

impl MulAssign for BabyBearExt4 {
    #[inline]
    fn mul_assign(&mut self, rhs: Self) {
        *self = *self * rhs;
    }
}

impl Sum for BabyBearExt4 {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, |a, b| a + b)
    }
}

impl Product for BabyBearExt4 {
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ONE, |a, b| a * b)
    }
}

impl fmt::Debug for BabyBearExt4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl fmt::Display for BabyBearExt4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [c0, c1, c2, c3] = self.0;
        write!(f, "{c0} + {c1}·X + {c2}·X^2 + {c3}·X^3")
    }
}

impl Distribution<BabyBearExt4> for StandardUniform {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> BabyBearExt4 {
        BabyBearExt4(core::array::from_fn(|_| self.sample(rng)))
    }
}
