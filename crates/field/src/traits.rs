use core::fmt::{Debug, Display};
use core::hash::Hash;
use core::iter::{Product, Sum};
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

/// A finite field element with value semantics.
///
/// Required: constants, [`Field::try_inverse`] and the operator impls; everything else
/// has a default.
pub trait Field:
    Copy
    + Clone
    + Default
    + Debug
    + Display
    + Eq
    + Hash
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + AddAssign
    + Sub<Output = Self>
    + SubAssign
    + Mul<Output = Self>
    + MulAssign
    + Div<Output = Self>
    + Neg<Output = Self>
    + Sum
    + Product
{
    const ZERO: Self;
    const ONE: Self;
    const TWO: Self;
    const NEG_ONE: Self;

    /// The multiplicative inverse, or `None` for zero.
    fn try_inverse(&self) -> Option<Self>;

    /// The multiplicative inverse.
    ///
    /// # Panics
    /// If `self` is zero.
    #[inline]
    fn inverse(&self) -> Self {
        self.try_inverse().expect("inverse of zero")
    }

    #[inline]
    fn is_zero(&self) -> bool {
        *self == Self::ZERO
    }

    #[inline]
    fn square(&self) -> Self {
        *self * *self
    }

    #[inline]
    fn double(&self) -> Self {
        *self + *self
    }

    /// `self^exp` by square-and-multiply.
    fn exp_u64(&self, mut exp: u64) -> Self {
        let mut base = *self;
        let mut acc = Self::ONE;
        while exp > 0 {
            if exp & 1 == 1 {
                acc *= base;
            }
            base = base.square();
            exp >>= 1;
        }
        acc
    }

    /// `self^(2^log)`.
    fn exp_power_of_2(&self, log: usize) -> Self {
        let mut x = *self;
        for _ in 0..log {
            x = x.square();
        }
        x
    }

    /// `[1, self, self^2, …, self^(n−1)]`.
    fn powers(&self, n: usize) -> Vec<Self> {
        let mut out = Vec::with_capacity(n);
        let mut x = Self::ONE;
        for _ in 0..n {
            out.push(x);
            x *= *self;
        }
        out
    }
}

/// A prime field with a large power-of-two subgroup.
pub trait TwoAdicField: Field {
    /// Largest `k` such that 2^k divides p − 1.
    const TWO_ADICITY: usize;
    /// A generator of the whole multiplicative group, used as the default coset shift.
    const GENERATOR: Self;

    /// A generator of the subgroup of order 2^`log_n`.
    ///
    /// # Panics
    /// If `log_n > TWO_ADICITY`.
    fn two_adic_generator(log_n: usize) -> Self;
}

/// A degree-`D` extension of a base field `F`, stored as `D` coefficients in `F`.
pub trait ExtensionField<F: Field>:
    Field + From<F> + Add<F, Output = Self> + Sub<F, Output = Self> + Mul<F, Output = Self>
{
    const DEGREE: usize;

    /// The coefficients `c` with `self = Σ c_i X^i`.
    fn as_base_slice(&self) -> &[F];

    /// The element `Σ c_i X^i`.
    ///
    /// # Panics
    /// If `coeffs.len() != DEGREE`.
    fn from_base_slice(coeffs: &[F]) -> Self;
}
