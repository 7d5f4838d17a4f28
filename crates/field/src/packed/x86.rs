//! The x86-64 levels: AVX2 (8 lanes) and AVX-512 (16 lanes).

use core::arch::x86_64::*;

use super::{VectorOps, packed_type};
use crate::{BabyBear, SimdLevel};

const P: i32 = crate::P as i32;
const P_INV: i32 = 0x8800_0001u32 as i32;

/// The AVX2 instructions. Code for the level also gets BMI1/2, FMA, LZCNT and POPCNT,
/// which every AVX2 CPU has (x86-64-v3): shorter index arithmetic around the vectors.
pub(crate) struct Avx2;

impl VectorOps for Avx2 {
    type Vector = __m256i;

    #[inline]
    #[target_feature(enable = "avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
    unsafe fn add(a: __m256i, b: __m256i) -> __m256i {
        let s = _mm256_add_epi32(a, b);
        _mm256_min_epu32(s, _mm256_sub_epi32(s, _mm256_set1_epi32(P)))
    }

    #[inline]
    #[target_feature(enable = "avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
    unsafe fn sub(a: __m256i, b: __m256i) -> __m256i {
        let d = _mm256_sub_epi32(a, b);
        _mm256_min_epu32(d, _mm256_add_epi32(d, _mm256_set1_epi32(P)))
    }

    #[inline]
    #[target_feature(enable = "avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
    unsafe fn mul(a: __m256i, b: __m256i) -> __m256i {
        let p = _mm256_set1_epi32(P);
        let mu = _mm256_set1_epi32(P_INV);
        let a_odd = _mm256_srli_epi64::<32>(a);
        let b_odd = _mm256_srli_epi64::<32>(b);
        let prod_evn = _mm256_mul_epu32(a, b);
        let prod_odd = _mm256_mul_epu32(a_odd, b_odd);
        let q_evn = _mm256_mul_epu32(prod_evn, mu);
        let q_odd = _mm256_mul_epu32(prod_odd, mu);
        let qp_evn = _mm256_mul_epu32(q_evn, p);
        let qp_odd = _mm256_mul_epu32(q_odd, p);
        let prod_hi =
            _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(prod_evn), prod_odd);
        let qp_hi = _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(qp_evn), qp_odd);
        let t = _mm256_sub_epi32(prod_hi, qp_hi);
        // t wrapped below zero iff prod_hi < qp_hi; then t + p is the answer and is the
        // smaller of the two as unsigned words.
        _mm256_min_epu32(t, _mm256_add_epi32(t, p))
    }

    /// Transposes an 8×8 tile of words held as 8 vectors.
    #[inline]
    #[target_feature(enable = "avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
    unsafe fn transpose(m: &mut [__m256i]) {
        let m: &mut [__m256i; 8] = m.try_into().expect("8 vectors");
        let mut t = [_mm256_setzero_si256(); 8];
        for i in 0..4 {
            t[2 * i] = _mm256_unpacklo_epi32(m[2 * i], m[2 * i + 1]);
            t[2 * i + 1] = _mm256_unpackhi_epi32(m[2 * i], m[2 * i + 1]);
        }
        let mut u = [_mm256_setzero_si256(); 8];
        for i in 0..2 {
            for j in 0..2 {
                let (a, b) = (t[4 * i + j], t[4 * i + j + 2]);
                u[4 * i + 2 * j] = _mm256_unpacklo_epi64(a, b);
                u[4 * i + 2 * j + 1] = _mm256_unpackhi_epi64(a, b);
            }
        }
        for j in 0..4 {
            let (a, b) = (u[j], u[j + 4]);
            m[j] = _mm256_permute2x128_si256::<0x20>(a, b);
            m[j + 4] = _mm256_permute2x128_si256::<0x31>(a, b);
        }
    }

    #[target_feature(enable = "avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
    unsafe fn enter<R>(f: impl FnOnce() -> R) -> R {
        f()
    }
}

/// The AVX-512 instructions (F and BW: the level needs both, so code compiled for it may
/// use byte and word instructions).
pub(crate) struct Avx512;

impl VectorOps for Avx512 {
    type Vector = __m512i;

    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
    unsafe fn add(a: __m512i, b: __m512i) -> __m512i {
        let s = _mm512_add_epi32(a, b);
        _mm512_min_epu32(s, _mm512_sub_epi32(s, _mm512_set1_epi32(P)))
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
    unsafe fn sub(a: __m512i, b: __m512i) -> __m512i {
        let d = _mm512_sub_epi32(a, b);
        _mm512_min_epu32(d, _mm512_add_epi32(d, _mm512_set1_epi32(P)))
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
    unsafe fn mul(a: __m512i, b: __m512i) -> __m512i {
        let p = _mm512_set1_epi32(P);
        let mu = _mm512_set1_epi32(P_INV);
        let a_odd = _mm512_srli_epi64::<32>(a);
        let b_odd = _mm512_srli_epi64::<32>(b);
        let prod_evn = _mm512_mul_epu32(a, b);
        let prod_odd = _mm512_mul_epu32(a_odd, b_odd);
        let q_evn = _mm512_mul_epu32(prod_evn, mu);
        let q_odd = _mm512_mul_epu32(prod_odd, mu);
        let qp_evn = _mm512_mul_epu32(q_evn, p);
        let qp_odd = _mm512_mul_epu32(q_odd, p);
        // High words: even lanes from the even products shifted down, odd lanes where the
        // odd products already have them.
        let prod_hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64::<32>(prod_evn), prod_odd);
        let qp_hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64::<32>(qp_evn), qp_odd);
        let t = _mm512_sub_epi32(prod_hi, qp_hi);
        let under = _mm512_cmplt_epu32_mask(prod_hi, qp_hi);
        _mm512_mask_add_epi32(t, under, t, p)
    }

    /// Transposes a 16×16 tile of words held as 16 vectors.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
    unsafe fn transpose(m: &mut [__m512i]) {
        let m: &mut [__m512i; 16] = m.try_into().expect("16 vectors");
        // Round 1: interleave 32-bit words of row pairs.
        let mut t = [_mm512_setzero_si512(); 16];
        for i in 0..8 {
            t[2 * i] = _mm512_unpacklo_epi32(m[2 * i], m[2 * i + 1]);
            t[2 * i + 1] = _mm512_unpackhi_epi32(m[2 * i], m[2 * i + 1]);
        }
        // Round 2: interleave 64-bit pairs.
        let mut u = [_mm512_setzero_si512(); 16];
        for i in 0..4 {
            for j in 0..2 {
                let (a, b) = (t[4 * i + j], t[4 * i + j + 2]);
                u[4 * i + 2 * j] = _mm512_unpacklo_epi64(a, b);
                u[4 * i + 2 * j + 1] = _mm512_unpackhi_epi64(a, b);
            }
        }
        // Rounds 3 and 4: 128-bit blocks across vectors.
        let mut v = [_mm512_setzero_si512(); 16];
        for i in 0..2 {
            for j in 0..4 {
                let (a, b) = (u[8 * i + j], u[8 * i + j + 4]);
                v[8 * i + j] = _mm512_shuffle_i32x4::<0x88>(a, b);
                v[8 * i + j + 4] = _mm512_shuffle_i32x4::<0xDD>(a, b);
            }
        }
        for j in 0..8 {
            let (a, b) = (v[j], v[j + 8]);
            m[j] = _mm512_shuffle_i32x4::<0x88>(a, b);
            m[j + 8] = _mm512_shuffle_i32x4::<0xDD>(a, b);
        }
    }

    #[target_feature(enable = "avx512f,avx512bw,avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
    unsafe fn enter<R>(f: impl FnOnce() -> R) -> R {
        f()
    }
}

packed_type!(
    /// 8 BabyBear elements in an AVX2 register ([`SimdLevel::Avx2`]).
    PackedAvx2, 8, 3, 32, SimdLevel::Avx2, Avx2
);

packed_type!(
    /// 16 BabyBear elements in an AVX-512 register ([`SimdLevel::Avx512`]).
    PackedAvx512, 16, 4, 64, SimdLevel::Avx512, Avx512
);
