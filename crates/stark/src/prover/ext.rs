//! BabyBear^4 over vectors of the CPU's SIMD level: what the lookup constraints and the
//! auxiliary columns are evaluated in (four vectors, one per coefficient).

use core::ops::{Add, Mul, Sub};

use kiln_field::{BabyBear, BabyBearExt4, PackedField, Simd};

/// W in X^4 − W (the extension kiln-field defines).
const W: BabyBear = BabyBear::new(11);

/// `P::WIDTH` elements of BabyBear^4, coefficient-wise.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PackedExt<P: PackedField>(pub [P; 4]);

impl<P: PackedField> PackedExt<P> {
    /// A base-field vector as extension elements.
    #[inline(always)]
    pub fn from_base(simd: Simd<P>, x: P) -> Self {
        Self([x, simd.zero(), simd.zero(), simd.zero()])
    }

    /// One extension element in every lane.
    #[inline(always)]
    pub fn splat(simd: Simd<P>, x: BabyBearExt4) -> Self {
        Self(x.0.map(|c| simd.splat(c)))
    }

    /// Times a constant extension element.
    #[inline(always)]
    pub fn mul_const(self, c: [BabyBear; 4]) -> Self {
        let [a0, a1, a2, a3] = self.0;
        let [b0, b1, b2, b3] = c;
        Self([
            a0 * b0 + (a1 * b3 + a2 * b2 + a3 * b1) * W,
            a0 * b1 + a1 * b0 + (a2 * b3 + a3 * b2) * W,
            a0 * b2 + a1 * b1 + a2 * b0 + (a3 * b3) * W,
            a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0,
        ])
    }
}

impl<P: PackedField> Add for PackedExt<P> {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        Self(core::array::from_fn(|k| self.0[k] + rhs.0[k]))
    }
}

impl<P: PackedField> Sub for PackedExt<P> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        Self(core::array::from_fn(|k| self.0[k] - rhs.0[k]))
    }
}

impl<P: PackedField> Mul for PackedExt<P> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        let [a0, a1, a2, a3] = self.0;
        let [b0, b1, b2, b3] = rhs.0;
        Self([
            a0 * b0 + (a1 * b3 + a2 * b2 + a3 * b1) * W,
            a0 * b1 + a1 * b0 + (a2 * b3 + a3 * b2) * W,
            a0 * b2 + a1 * b1 + a2 * b0 + (a3 * b3) * W,
            a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0,
        ])
    }
}
