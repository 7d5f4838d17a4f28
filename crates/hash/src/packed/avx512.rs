//! Sixteen lanes in one AVX-512 register.
//!
//! Only reachable through functions compiled with `#[target_feature(enable = "avx512f")]`
//! and called after runtime detection (see `crate::backend`); every method is
//! `#[inline(always)]` so the intrinsics are inlined into those functions.

use core::arch::x86_64::*;

use kiln_field::{BabyBear, P};

use super::Packed;

/// p^{-1} mod 2^32: Montgomery reduction subtracts `(lo(x)·p^{-1} mod 2^32)·p`.
const P_INV: u32 = 0x8800_0001;
const _: () = assert!(P.wrapping_mul(P_INV) == 1);

#[derive(Clone, Copy)]
#[repr(transparent)]
pub(crate) struct Avx512(__m512i);

#[inline(always)]
fn splat_u32(x: u32) -> __m512i {
    // SAFETY: avx512f is enabled in every function this is inlined into (module docs).
    unsafe { _mm512_set1_epi32(x as i32) }
}

/// Copies the odd 32-bit lanes onto the even ones (the high half of each 64-bit lane
/// onto its low half).
#[inline(always)]
fn movehdup(x: __m512i) -> __m512i {
    // SAFETY: as in `splat_u32`.
    unsafe { _mm512_castps_si512(_mm512_movehdup_ps(_mm512_castsi512_ps(x))) }
}

/// The high 32 bits of each 64-bit lane of `even` in the even lanes, and of `odd` in
/// the odd lanes: recombines results computed separately on even and odd lanes.
#[inline(always)]
fn merge_high_halves(even: __m512i, odd: __m512i) -> __m512i {
    // SAFETY: as in `splat_u32`.
    unsafe {
        _mm512_castps_si512(_mm512_mask_movehdup_ps(
            _mm512_castsi512_ps(odd),
            0x5555,
            _mm512_castsi512_ps(even),
        ))
    }
}

/// `r + p` in the lanes where `r`, read as signed, is negative: maps `(-p, p)` to `[0, p)`.
#[inline(always)]
fn canonicalize_signed(r: __m512i) -> __m512i {
    // SAFETY: as in `splat_u32`.
    unsafe { _mm512_min_epu32(r, _mm512_add_epi32(r, splat_u32(P))) }
}

/// Montgomery product of the signed 32-bit values in the low halves of the 64-bit lanes
/// of `a` and `b`, both in `[-p, p]`. The result, in `(-p, p)`, is in the high halves.
///
/// With x = a·b and m = lo(x)·p^{-1} mod 2^32 read as signed, x − m·p is divisible by
/// 2^32 and |x − m·p| < p² + 2^31·p < 2^32·p, so the quotient is below p in absolute value.
#[inline(always)]
fn mul_signed_halves(a: __m512i, b: __m512i) -> __m512i {
    // SAFETY: as in `splat_u32`.
    unsafe {
        let x = _mm512_mul_epi32(a, b);
        let m = _mm512_mul_epu32(x, splat_u32(P_INV));
        let mp = _mm512_mul_epi32(m, splat_u32(P));
        _mm512_sub_epi64(x, mp)
    }
}

/// `x^7` on the signed values in the low halves of the 64-bit lanes; the result, in
/// `(-p, p)`, is in the high halves.
#[inline(always)]
fn pow7_halves(x: __m512i) -> __m512i {
    // SAFETY: as in `splat_u32`.
    unsafe {
        let x2 = _mm512_srli_epi64::<32>(mul_signed_halves(x, x));
        let x3 = _mm512_srli_epi64::<32>(mul_signed_halves(x2, x));
        let x4 = _mm512_srli_epi64::<32>(mul_signed_halves(x2, x2));
        mul_signed_halves(x3, x4)
    }
}

impl Packed for Avx512 {
    const LANES: usize = 16;

    #[inline(always)]
    fn splat(monty: u32) -> Self {
        Self(splat_u32(monty))
    }

    #[inline(always)]
    fn load(src: &[BabyBear]) -> Self {
        let src = &src[..16];
        // SAFETY: `src` holds 16 `BabyBear`s (`repr(transparent)` u32s), an unaligned
        // 64-byte load; avx512f as in `splat_u32`.
        unsafe { Self(_mm512_loadu_si512(src.as_ptr().cast())) }
    }

    #[inline(always)]
    fn store(self, dst: &mut [BabyBear]) {
        let dst = &mut dst[..16];
        // SAFETY: `dst` holds 16 `BabyBear`s, an unaligned 64-byte store; every word
        // written is below p, so each is a valid `BabyBear`.
        unsafe { _mm512_storeu_si512(dst.as_mut_ptr().cast(), self.0) }
    }

    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        // SAFETY: as in `splat_u32`. a + b < 2p < 2^32, and min(s, s − p) picks s − p
        // exactly when s ≥ p (otherwise s − p wraps above s).
        unsafe {
            let s = _mm512_add_epi32(self.0, rhs.0);
            Self(_mm512_min_epu32(s, _mm512_sub_epi32(s, splat_u32(P))))
        }
    }

    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        // SAFETY: as in `splat_u32`.
        unsafe { Self(canonicalize_signed(_mm512_sub_epi32(self.0, rhs.0))) }
    }

    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        // Even lanes and odd lanes are multiplied separately (vpmuludq uses the low half
        // of each 64-bit lane), reduced, and recombined.
        // SAFETY: as in `splat_u32`.
        unsafe {
            let p = splat_u32(P);
            let p_inv = splat_u32(P_INV);
            let x_even = _mm512_mul_epu32(self.0, rhs.0);
            let x_odd = _mm512_mul_epu32(movehdup(self.0), movehdup(rhs.0));
            let mp_even = _mm512_mul_epu32(_mm512_mul_epu32(x_even, p_inv), p);
            let mp_odd = _mm512_mul_epu32(_mm512_mul_epu32(x_odd, p_inv), p);
            // The low halves of x and m·p agree, so the high halves' difference is exact.
            let r = _mm512_sub_epi32(
                merge_high_halves(x_even, x_odd),
                merge_high_halves(mp_even, mp_odd),
            );
            Self(canonicalize_signed(r))
        }
    }

    #[inline(always)]
    fn halve(self) -> Self {
        // SAFETY: as in `splat_u32`. x + p < 2^32.
        unsafe {
            let odd = _mm512_test_epi32_mask(self.0, splat_u32(1));
            let t = _mm512_mask_add_epi32(self.0, odd, self.0, splat_u32(P));
            Self(_mm512_srli_epi32::<1>(t))
        }
    }

    #[inline(always)]
    fn div_2exp<const K: u32>(self) -> Self {
        // See `super::div_2exp_u32`. Shifts by a constant count through a vector count
        // (the shift amounts are not const-generic expressions); LLVM emits immediates.
        // SAFETY: as in `splat_u32`.
        unsafe {
            let hi = _mm512_srli_epi32::<K>(self.0);
            let lo = _mm512_and_si512(self.0, splat_u32((1 << K) - 1));
            let t = _mm512_sub_epi32(
                _mm512_sll_epi32(lo, _mm_cvtsi32_si128(31 - K as i32)),
                _mm512_sll_epi32(lo, _mm_cvtsi32_si128(27 - K as i32)),
            );
            Self(canonicalize_signed(_mm512_sub_epi32(hi, t)))
        }
    }

    #[inline(always)]
    fn add_rc_pow7(self, rc: u32) -> Self {
        // x + (rc − p) lies in [−p, p): a signed input for the signed Montgomery products,
        // one addition instead of a reduced one.
        // SAFETY: as in `splat_u32`.
        unsafe {
            let x = _mm512_add_epi32(self.0, splat_u32(rc.wrapping_sub(P)));
            let even = pow7_halves(x);
            let odd = pow7_halves(movehdup(x));
            Self(canonicalize_signed(merge_high_halves(even, odd)))
        }
    }
}
