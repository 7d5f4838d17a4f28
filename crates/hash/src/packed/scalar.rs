//! One lane: plain [`BabyBear`] arithmetic.

use kiln_field::BabyBear;

use super::{Packed, div_2exp_u32, halve_u32};

impl Packed for BabyBear {
    const LANES: usize = 1;

    #[inline(always)]
    fn splat(monty: u32) -> Self {
        BabyBear::from_monty(monty)
    }

    #[inline(always)]
    fn load(src: &[BabyBear]) -> Self {
        src[0]
    }

    #[inline(always)]
    fn store(self, dst: &mut [BabyBear]) {
        dst[0] = self;
    }

    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        self + rhs
    }

    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        self - rhs
    }

    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        self * rhs
    }

    #[inline(always)]
    fn halve(self) -> Self {
        BabyBear::from_monty(halve_u32(self.to_monty()))
    }

    #[inline(always)]
    fn div_2exp<const K: u32>(self) -> Self {
        BabyBear::from_monty(div_2exp_u32(self.to_monty(), K))
    }
}
