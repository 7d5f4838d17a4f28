//! Sixteen lanes in one AVX-512 register.
//!
//! Only reachable through functions compiled with `#[target_feature(enable = "avx512f")]`
//! and called after runtime detection (see `crate::backend`); every method is
//! `#[inline(always)]` so the intrinsics are inlined into those functions.

use core::arch::asm;
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

/// The identity, opaque to the optimiser. Applied to `m = lo(x)·p^{-1}` in Montgomery
/// reductions: without it LLVM sees that only the low half of `m` is used and, where
/// AVX512DQ is enabled (`-C target-cpu=native`), rewrites the two `vpmuludq` into a
/// longer `vpmullq` sequence (measured ~15% slower permutations on this machine).
#[target_feature(enable = "avx512f")]
#[inline]
fn opaque(x: __m512i) -> __m512i {
    let y;
    // SAFETY: an empty asm block that reads and writes one register.
    unsafe {
        asm!("/* {0} */", inlateout(zmm_reg) x => y, options(pure, nomem, nostack, preserves_flags));
    }
    y
}

/// `lo(x)·p^{-1}` (mod 2^32 in the low halves of the 64-bit lanes), kept opaque.
#[inline(always)]
fn opaque_mul_p_inv(x: __m512i) -> __m512i {
    // SAFETY: as in `splat_u32`; `opaque` needs only avx512f.
    unsafe { opaque(_mm512_mul_epu32(x, splat_u32(P_INV))) }
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
        let mp = _mm512_mul_epi32(opaque_mul_p_inv(x), splat_u32(P));
        _mm512_sub_epi64(x, mp)
    }
}

/// `x^7` on the signed values in the low halves of the 64-bit lanes; the result, in
/// `(-p, p)`, is in the high halves.
#[inline(always)]
fn pow7_halves(x: __m512i) -> __m512i {
    let x2 = movehdup(mul_signed_halves(x, x));
    let x3 = movehdup(mul_signed_halves(x2, x));
    let x4 = movehdup(mul_signed_halves(x2, x2));
    mul_signed_halves(x3, x4)
}

/// Mask of the first `n` lanes.
#[inline(always)]
fn first_lanes(n: usize) -> __mmask16 {
    assert!(n <= 16);
    ((1u32 << n) - 1) as __mmask16
}

impl Packed for Avx512 {
    const LANES: usize = 16;
    const INTERLEAVE: bool = false;

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
    fn load_partial(src: &[BabyBear]) -> Self {
        let k = first_lanes(src.len());
        // SAFETY: the masked load reads only the first `src.len()` words, all inside
        // `src`; masked-off lanes are neither read nor faulted on.
        unsafe { Self(_mm512_maskz_loadu_epi32(k, src.as_ptr().cast())) }
    }

    #[inline(always)]
    fn store_partial(self, dst: &mut [BabyBear]) {
        let k = first_lanes(dst.len());
        // SAFETY: the masked store writes only the first `dst.len()` words, all inside
        // `dst`, each below p.
        unsafe { _mm512_mask_storeu_epi32(dst.as_mut_ptr().cast(), k, self.0) }
    }

    #[inline(always)]
    fn transpose(block: &mut [Self]) {
        let r: &mut [Self; 16] = block.try_into().unwrap();
        // SAFETY: as in `splat_u32`.
        unsafe {
            // Interleave 32-bit then 64-bit elements of row pairs/quads: in 128-bit lane j,
            // b[4k + m] then holds column 4j + m of rows 4k..4k + 4.
            let mut a = [_mm512_setzero_si512(); 16];
            for k in 0..8 {
                a[2 * k] = _mm512_unpacklo_epi32(r[2 * k].0, r[2 * k + 1].0);
                a[2 * k + 1] = _mm512_unpackhi_epi32(r[2 * k].0, r[2 * k + 1].0);
            }
            let mut b = [_mm512_setzero_si512(); 16];
            for k in 0..4 {
                b[4 * k] = _mm512_unpacklo_epi64(a[4 * k], a[4 * k + 2]);
                b[4 * k + 1] = _mm512_unpackhi_epi64(a[4 * k], a[4 * k + 2]);
                b[4 * k + 2] = _mm512_unpacklo_epi64(a[4 * k + 1], a[4 * k + 3]);
                b[4 * k + 3] = _mm512_unpackhi_epi64(a[4 * k + 1], a[4 * k + 3]);
            }
            // Then a 4 × 4 transpose of 128-bit lanes: row 4j + m gathers lane j of
            // b[m], b[4 + m], b[8 + m], b[12 + m].
            for m in 0..4 {
                let c0 = _mm512_shuffle_i32x4::<0x88>(b[m], b[4 + m]);
                let c1 = _mm512_shuffle_i32x4::<0xdd>(b[m], b[4 + m]);
                let c2 = _mm512_shuffle_i32x4::<0x88>(b[8 + m], b[12 + m]);
                let c3 = _mm512_shuffle_i32x4::<0xdd>(b[8 + m], b[12 + m]);
                r[m] = Self(_mm512_shuffle_i32x4::<0x88>(c0, c2));
                r[8 + m] = Self(_mm512_shuffle_i32x4::<0xdd>(c0, c2));
                r[4 + m] = Self(_mm512_shuffle_i32x4::<0x88>(c1, c3));
                r[12 + m] = Self(_mm512_shuffle_i32x4::<0xdd>(c1, c3));
            }
        }
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
            let x_even = _mm512_mul_epu32(self.0, rhs.0);
            let x_odd = _mm512_mul_epu32(movehdup(self.0), movehdup(rhs.0));
            let mp_even = _mm512_mul_epu32(opaque_mul_p_inv(x_even), p);
            let mp_odd = _mm512_mul_epu32(opaque_mul_p_inv(x_odd), p);
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
        // x/2 + (x odd ? (p + 1)/2 : 0).
        // SAFETY: as in `splat_u32`.
        unsafe {
            let odd = _mm512_test_epi32_mask(self.0, splat_u32(1));
            let t = _mm512_srli_epi32::<1>(self.0);
            Self(_mm512_mask_add_epi32(t, odd, t, splat_u32(P.div_ceil(2))))
        }
    }

    #[inline(always)]
    fn div_2exp<const K: u32>(self) -> Self {
        // See `super::div_2exp_u32`, with lo·15·2^(27−K) = (u >> 1) − (u >> 5) for
        // u = x << (32 − K) = lo·2^(32−K): shifts only, no mask constant (a register
        // fewer per K; width 24 is short of registers). The counts go through vectors
        // because they are not const-generic expressions; LLVM emits immediates.
        // SAFETY: as in `splat_u32`.
        unsafe {
            let hi = _mm512_srli_epi32::<K>(self.0);
            let u = _mm512_sll_epi32(self.0, _mm_cvtsi32_si128(32 - K as i32));
            let t = _mm512_sub_epi32(_mm512_srli_epi32::<1>(u), _mm512_srli_epi32::<5>(u));
            Self(canonicalize_signed(_mm512_sub_epi32(hi, t)))
        }
    }

    #[inline(always)]
    fn add_rc_pow7(self, rc_minus_p: u32) -> Self {
        // x + (rc − p) lies in [−p, p): a signed input for the signed Montgomery products,
        // one addition instead of a reduced one.
        // SAFETY: as in `splat_u32`.
        unsafe {
            let x = _mm512_add_epi32(self.0, splat_u32(rc_minus_p));
            let even = pow7_halves(x);
            let odd = pow7_halves(movehdup(x));
            Self(canonicalize_signed(merge_high_halves(even, odd)))
        }
    }
}
