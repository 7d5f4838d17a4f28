use core::fmt::Debug;
use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::{BabyBear, BabyBearExt4, Field};

/// What constraint expressions are made of: a commutative ring containing BabyBear. The
/// field itself, its extension, packed vectors of it ([`PackedField`](crate::PackedField)) and `kiln-air`'s
/// symbolic expressions all are.
pub trait Algebra:
    Clone
    + Debug
    + From<BabyBear>
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + Add<BabyBear, Output = Self>
    + Sub<BabyBear, Output = Self>
    + Mul<BabyBear, Output = Self>
{
    fn zero() -> Self {
        Self::from(BabyBear::ZERO)
    }

    fn one() -> Self {
        Self::from(BabyBear::ONE)
    }

    fn square(&self) -> Self {
        self.clone() * self.clone()
    }

    /// `self^e` by square-and-multiply (for constant, small exponents).
    fn exp_u64(&self, mut e: u64) -> Self {
        let mut acc = Self::one();
        let mut base = self.clone();
        while e > 0 {
            if e & 1 == 1 {
                acc *= base.clone();
            }
            e >>= 1;
            if e > 0 {
                base = base.square();
            }
        }
        acc
    }
}

impl Algebra for BabyBear {}
impl Algebra for BabyBearExt4 {}
