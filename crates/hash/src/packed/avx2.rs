//! Eight lanes in one AVX2 register.
//!
//! Only reachable through functions compiled with `#[target_feature(enable = "avx2")]`
//! and called after runtime detection (see `kiln_field::SimdLevel`); every method is
//! `#[inline(always)]` so the intrinsics are inlined into those functions. The arithmetic
//! is that of the AVX-512 lanes (see there), without mask registers.

use core::arch::asm;
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

/// The identity, opaque to the optimiser (see the AVX-512 lanes' `opaque`).
#[target_feature(enable = "avx2")]
#[inline]
fn opaque(x: __m256i) -> __m256i {
    let y;
    // SAFETY: an empty asm block that reads and writes one register.
    unsafe {
        asm!("/* {0} */", inlateout(ymm_reg) x => y, options(pure, nomem, nostack, preserves_flags));
    }
    y
}

#[inline(always)]
fn opaque_mul_p_inv(x: __m256i) -> __m256i {
    // SAFETY: as in `splat_u32`; `opaque` needs only avx2.
    unsafe { opaque(_mm256_mul_epu32(x, splat_u32(P_INV))) }
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
        let mp = _mm256_mul_epi32(opaque_mul_p_inv(x), splat_u32(P));
        _mm256_sub_epi64(x, mp)
    }
}

#[inline(always)]
fn pow7_halves(x: __m256i) -> __m256i {
    let x2 = movehdup(mul_signed_halves(x, x));
    let x3 = movehdup(mul_signed_halves(x2, x));
    let x4 = movehdup(mul_signed_halves(x2, x2));
    mul_signed_halves(x3, x4)
}

/// Mask (all-ones lanes) of the first `n` lanes.
#[inline(always)]
fn first_lanes(n: usize) -> __m256i {
    assert!(n <= 8);
    // SAFETY: as in `splat_u32`.
    unsafe {
        _mm256_cmpgt_epi32(
            splat_u32(n as u32),
            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
        )
    }
}

impl Avx2 {
    /// `x^7` for signed 32-bit inputs in `[−p, p]`, reduced to `[0, p)`.
    #[inline(always)]
    fn pow7_signed(x: __m256i) -> Self {
        let even = pow7_halves(x);
        let odd = pow7_halves(movehdup(x));
        Self(canonicalize_signed(merge_high_halves(even, odd)))
    }
}

impl Packed for Avx2 {
    const LANES: usize = 8;
    const INTERLEAVE: bool = false;

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
    fn load_partial(src: &[BabyBear]) -> Self {
        let mask = first_lanes(src.len());
        // SAFETY: the masked load reads only the first `src.len()` words, all inside
        // `src`; masked-off lanes are neither read nor faulted on.
        unsafe { Self(_mm256_maskload_epi32(src.as_ptr().cast(), mask)) }
    }

    #[inline(always)]
    fn store_partial(self, dst: &mut [BabyBear]) {
        let mask = first_lanes(dst.len());
        // SAFETY: the masked store writes only the first `dst.len()` words, all inside
        // `dst`, each below p.
        unsafe { _mm256_maskstore_epi32(dst.as_mut_ptr().cast(), mask, self.0) }
    }

    #[inline(always)]
    fn transpose(block: &mut [Self]) {
        let r: &mut [Self; 8] = block.try_into().unwrap();
        // SAFETY: as in `splat_u32`.
        unsafe {
            // As the AVX-512 transpose: 32- and 64-bit interleaves leave column 4j + m of
            // rows 4k..4k + 4 in 128-bit lane j of b[4k + m]; then swap 128-bit lanes.
            let mut a = [_mm256_setzero_si256(); 8];
            for k in 0..4 {
                a[2 * k] = _mm256_unpacklo_epi32(r[2 * k].0, r[2 * k + 1].0);
                a[2 * k + 1] = _mm256_unpackhi_epi32(r[2 * k].0, r[2 * k + 1].0);
            }
            let mut b = [_mm256_setzero_si256(); 8];
            for k in 0..2 {
                b[4 * k] = _mm256_unpacklo_epi64(a[4 * k], a[4 * k + 2]);
                b[4 * k + 1] = _mm256_unpackhi_epi64(a[4 * k], a[4 * k + 2]);
                b[4 * k + 2] = _mm256_unpacklo_epi64(a[4 * k + 1], a[4 * k + 3]);
                b[4 * k + 3] = _mm256_unpackhi_epi64(a[4 * k + 1], a[4 * k + 3]);
            }
            for m in 0..4 {
                r[m] = Self(_mm256_permute2x128_si256::<0x20>(b[m], b[4 + m]));
                r[4 + m] = Self(_mm256_permute2x128_si256::<0x31>(b[m], b[4 + m]));
            }
        }
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
            let x_even = _mm256_mul_epu32(self.0, rhs.0);
            let x_odd = _mm256_mul_epu32(movehdup(self.0), movehdup(rhs.0));
            let mp_even = _mm256_mul_epu32(opaque_mul_p_inv(x_even), p);
            let mp_odd = _mm256_mul_epu32(opaque_mul_p_inv(x_odd), p);
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
        // `opaque`: see the AVX-512 lanes.
        // SAFETY: as in `splat_u32`; `opaque` needs only avx2.
        unsafe {
            let hi = _mm256_srl_epi32(self.0, _mm_cvtsi32_si128(K as i32));
            let lo = _mm256_and_si256(self.0, splat_u32((1 << K) - 1));
            let t = _mm256_sub_epi32(
                _mm256_sll_epi32(lo, _mm_cvtsi32_si128(31 - K as i32)),
                _mm256_sll_epi32(opaque(lo), _mm_cvtsi32_si128(27 - K as i32)),
            );
            Self(canonicalize_signed(_mm256_sub_epi32(hi, t)))
        }
    }

    #[inline(always)]
    fn add_rc_pow7(self, rc_minus_p: u32) -> Self {
        // SAFETY: as in `splat_u32`.
        unsafe { Self::pow7_signed(_mm256_add_epi32(self.0, splat_u32(rc_minus_p))) }
    }

    #[inline(always)]
    fn sub_pow7(self, rhs: Self) -> Self {
        // Both in [0, p): the difference is a signed input in (−p, p), no reduction.
        // SAFETY: as in `splat_u32`.
        Self::pow7_signed(unsafe { _mm256_sub_epi32(self.0, rhs.0) })
    }
}
