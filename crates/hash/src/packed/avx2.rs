//! Eight lanes in one AVX2 register.
//!
//! Only reachable through functions compiled with `#[target_feature(enable = "avx2")]`
//! and called after runtime detection (see `crate::backend`); every method is
//! `#[inline(always)]` so the intrinsics are inlined into those functions. The arithmetic
//! is that of the AVX-512 backend (see there), without mask registers.

use core::arch::x86_64::*;

use kiln_field::{BabyBear, P};

use super::Packed;

const P_INV: u32 = 0x8800_0001;

#[derive(Clone, Copy)]
#[repr(transparent)]
pub(crate) struct Avx2(__m256i);

#[inline(always)]
fn splat_u32(x: u32) -> __m256i {
    // SAFETY: avx2 is enabled in every function this is inlined into (module docs).
    unsafe { _mm256_set1_epi32(x as i32) }
}

#[inline(always)]
fn movehdup(x: __m256i) -> __m256i {
    // SAFETY: as in `splat_u32`.
    unsafe { _mm256_castps_si256(_mm256_movehdup_ps(_mm256_castsi256_ps(x))) }
}

/// The high 32 bits of each 64-bit lane of `even` in the even lanes, and of `odd` in
/// the odd lanes.
#[inline(always)]
fn merge_high_halves(even: __m256i, odd: __m256i) -> __m256i {
    // SAFETY: as in `splat_u32`.
    unsafe { _mm256_blend_epi32::<0b1010_1010>(movehdup(even), odd) }
}

#[inline(always)]
fn canonicalize_signed(r: __m256i) -> __m256i {
    // SAFETY: as in `splat_u32`.
    unsafe { _mm256_min_epu32(r, _mm256_add_epi32(r, splat_u32(P))) }
}

#[inline(always)]
fn mul_signed_halves(a: __m256i, b: __m256i) -> __m256i {
    // SAFETY: as in `splat_u32`.
    unsafe {
        let x = _mm256_mul_epi32(a, b);
        let m = _mm256_mul_epu32(x, splat_u32(P_INV));
        let mp = _mm256_mul_epi32(m, splat_u32(P));
        _mm256_sub_epi64(x, mp)
    }
}

#[inline(always)]
fn pow7_halves(x: __m256i) -> __m256i {
    // SAFETY: as in `splat_u32`.
    unsafe {
        let x2 = _mm256_srli_epi64::<32>(mul_signed_halves(x, x));
        let x3 = _mm256_srli_epi64::<32>(mul_signed_halves(x2, x));
        let x4 = _mm256_srli_epi64::<32>(mul_signed_halves(x2, x2));
        mul_signed_halves(x3, x4)
    }
}

impl Packed for Avx2 {
    const LANES: usize = 8;

    #[inline(always)]
    fn splat(monty: u32) -> Self {
        Self(splat_u32(monty))
    }

    #[inline(always)]
    fn load(src: &[BabyBear]) -> Self {
        let src = &src[..8];
        // SAFETY: `src` holds 8 `BabyBear`s (`repr(transparent)` u32s), an unaligned
        // 32-byte load; avx2 as in `splat_u32`.
        unsafe { Self(_mm256_loadu_si256(src.as_ptr().cast())) }
    }

    #[inline(always)]
    fn store(self, dst: &mut [BabyBear]) {
        let dst = &mut dst[..8];
        // SAFETY: `dst` holds 8 `BabyBear`s, an unaligned 32-byte store of words below p.
        unsafe { _mm256_storeu_si256(dst.as_mut_ptr().cast(), self.0) }
    }

    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        // SAFETY: as in `splat_u32`.
        unsafe {
            let s = _mm256_add_epi32(self.0, rhs.0);
            Self(_mm256_min_epu32(s, _mm256_sub_epi32(s, splat_u32(P))))
        }
    }

    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        // SAFETY: as in `splat_u32`.
        unsafe { Self(canonicalize_signed(_mm256_sub_epi32(self.0, rhs.0))) }
    }

    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        // SAFETY: as in `splat_u32`.
        unsafe {
            let p = splat_u32(P);
            let p_inv = splat_u32(P_INV);
            let x_even = _mm256_mul_epu32(self.0, rhs.0);
            let x_odd = _mm256_mul_epu32(movehdup(self.0), movehdup(rhs.0));
            let mp_even = _mm256_mul_epu32(_mm256_mul_epu32(x_even, p_inv), p);
            let mp_odd = _mm256_mul_epu32(_mm256_mul_epu32(x_odd, p_inv), p);
            let r = _mm256_sub_epi32(
                merge_high_halves(x_even, x_odd),
                merge_high_halves(mp_even, mp_odd),
            );
            Self(canonicalize_signed(r))
        }
    }

    #[inline(always)]
    fn halve(self) -> Self {
        // x/2 + (x odd ? (p + 1)/2 : 0); the mask is the low bit broadcast by shifts.
        // SAFETY: as in `splat_u32`.
        unsafe {
            let odd_mask = _mm256_srai_epi32::<31>(_mm256_slli_epi32::<31>(self.0));
            let half_p1 = _mm256_and_si256(odd_mask, splat_u32(P.div_ceil(2)));
            Self(_mm256_add_epi32(_mm256_srli_epi32::<1>(self.0), half_p1))
        }
    }

    #[inline(always)]
    fn div_2exp<const K: u32>(self) -> Self {
        // SAFETY: as in `splat_u32`.
        unsafe {
            let hi = _mm256_srl_epi32(self.0, _mm_cvtsi32_si128(K as i32));
            let lo = _mm256_and_si256(self.0, splat_u32((1 << K) - 1));
            let t = _mm256_sub_epi32(
                _mm256_sll_epi32(lo, _mm_cvtsi32_si128(31 - K as i32)),
                _mm256_sll_epi32(lo, _mm_cvtsi32_si128(27 - K as i32)),
            );
            Self(canonicalize_signed(_mm256_sub_epi32(hi, t)))
        }
    }

    #[inline(always)]
    fn add_rc_pow7(self, rc: u32) -> Self {
        // SAFETY: as in `splat_u32`.
        unsafe {
            let x = _mm256_add_epi32(self.0, splat_u32(rc.wrapping_sub(P)));
            let even = pow7_halves(x);
            let odd = pow7_halves(movehdup(x));
            Self(canonicalize_signed(merge_high_halves(even, odd)))
        }
    }
}
