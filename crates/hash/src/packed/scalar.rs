//! One lane: plain [`BabyBear`] arithmetic.

use kiln_field::BabyBear;

use super::{Packed, div_2exp_u32, halve_u32};

impl Packed for BabyBear {
    const LANES: usize = 1;
    const INTERLEAVE: bool = true;

    #[inline(always)]
    fn splat(monty: u32) -> Self {
        BabyBear::from_monty(monty)
    }

    #[inline(always)]
    fn load(src: &[BabyBear]) -> Self {
        src[0]
    }

    #[inline(always)]
    fn load_partial(src: &[BabyBear]) -> Self {
        src.first().copied().unwrap_or(BabyBear::from_monty(0))
    }

    #[inline(always)]
    fn store_partial(self, dst: &mut [BabyBear]) {
        if let Some(d) = dst.first_mut() {
            *d = self;
        }
    }

    #[inline(always)]
    fn transpose(_block: &mut [Self]) {}

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
