//! `PackedBabyBear`: `WIDTH` BabyBear elements processed together with SIMD.
//!
//! The width and the instructions are chosen when kiln is compiled: AVX-512F → 16 lanes,
//! AVX2 → 8, otherwise on x86-64 SSE2 (always present) → 4, elsewhere a portable 4-lane
//! array. Every implementation computes exactly what the scalar [`BabyBear`] operations
//! compute, lane by lane (tested against them on random inputs).
//!
//! # Mathematical description
//! Montgomery multiplication of a, b < p (words in Montgomery form, R = 2^32) on lanes:
//! the 64-bit products a·b of even and odd lanes come from two 32×32→64 multiplies;
//! q = (a·b mod 2^32)·p^{-1} mod 2^32; a·b − q·p is then divisible by 2^32, and since the
//! low words agree its quotient is hi(a·b) − hi(q·p) ∈ (−p, p), corrected by adding p when
//! negative. Additions and subtractions use min(x, x ∓ p) on the wrapped 32-bit result,
//! valid because p < 2^31.

use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::{BabyBear, Field};

#[cfg(all(target_arch = "x86_64", target_feature = "avx512f"))]
mod imp {
    use core::arch::x86_64::*;

    pub const WIDTH: usize = 16;
    pub type Vector = __m512i;
    const P: i32 = crate::P as i32;
    const P_INV: i32 = 0x8800_0001u32 as i32;

    #[inline(always)]
    pub fn add(a: Vector, b: Vector) -> Vector {
        // SAFETY: avx512f is enabled at compile time (cfg above).
        unsafe {
            let s = _mm512_add_epi32(a, b);
            _mm512_min_epu32(s, _mm512_sub_epi32(s, _mm512_set1_epi32(P)))
        }
    }

    #[inline(always)]
    pub fn sub(a: Vector, b: Vector) -> Vector {
        // SAFETY: avx512f is enabled at compile time.
        unsafe {
            let d = _mm512_sub_epi32(a, b);
            _mm512_min_epu32(d, _mm512_add_epi32(d, _mm512_set1_epi32(P)))
        }
    }

    #[inline(always)]
    pub fn mul(a: Vector, b: Vector) -> Vector {
        // SAFETY: avx512f is enabled at compile time.
        unsafe {
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
            // High words: even lanes from the even products shifted down, odd lanes where
            // the odd products already have them.
            let prod_hi =
                _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64::<32>(prod_evn), prod_odd);
            let qp_hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64::<32>(qp_evn), qp_odd);
            let t = _mm512_sub_epi32(prod_hi, qp_hi);
            let under = _mm512_cmplt_epu32_mask(prod_hi, qp_hi);
            _mm512_mask_add_epi32(t, under, t, p)
        }
    }

    /// Transposes a 16×16 tile of words held as 16 vectors.
    #[inline(always)]
    pub fn transpose(m: &mut [Vector; WIDTH]) {
        // SAFETY: avx512f is enabled at compile time.
        unsafe {
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
    }
}

#[cfg(all(
    target_arch = "x86_64",
    target_feature = "avx2",
    not(target_feature = "avx512f")
))]
mod imp {
    use core::arch::x86_64::*;

    pub const WIDTH: usize = 8;
    pub type Vector = __m256i;
    const P: i32 = crate::P as i32;
    const P_INV: i32 = 0x8800_0001u32 as i32;

    #[inline(always)]
    pub fn add(a: Vector, b: Vector) -> Vector {
        // SAFETY: avx2 is enabled at compile time (cfg above).
        unsafe {
            let s = _mm256_add_epi32(a, b);
            _mm256_min_epu32(s, _mm256_sub_epi32(s, _mm256_set1_epi32(P)))
        }
    }

    #[inline(always)]
    pub fn sub(a: Vector, b: Vector) -> Vector {
        // SAFETY: avx2 is enabled at compile time.
        unsafe {
            let d = _mm256_sub_epi32(a, b);
            _mm256_min_epu32(d, _mm256_add_epi32(d, _mm256_set1_epi32(P)))
        }
    }

    #[inline(always)]
    pub fn mul(a: Vector, b: Vector) -> Vector {
        // SAFETY: avx2 is enabled at compile time.
        unsafe {
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
            // t wrapped below zero iff prod_hi < qp_hi; then t + p is the answer and is
            // the smaller of the two as unsigned words.
            _mm256_min_epu32(t, _mm256_add_epi32(t, p))
        }
    }

    /// Transposes an 8×8 tile of words held as 8 vectors.
    #[inline(always)]
    pub fn transpose(m: &mut [Vector; WIDTH]) {
        // SAFETY: avx2 is enabled at compile time.
        unsafe {
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
    }
}

#[cfg(all(target_arch = "x86_64", not(target_feature = "avx2")))]
mod imp {
    use core::arch::x86_64::*;

    pub const WIDTH: usize = 4;
    pub type Vector = __m128i;
    const P: i32 = crate::P as i32;
    const P_INV: i32 = 0x8800_0001u32 as i32;

    // SSE2 has no unsigned 32-bit min or compare, but every value here is below 2^31,
    // so signed comparisons of values in [−p, p) decide the corrections.

    #[inline(always)]
    pub fn add(a: Vector, b: Vector) -> Vector {
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe {
            let s = _mm_sub_epi32(_mm_add_epi32(a, b), _mm_set1_epi32(P)); // in [−p, p)
            let neg = _mm_cmplt_epi32(s, _mm_setzero_si128());
            _mm_add_epi32(s, _mm_and_si128(neg, _mm_set1_epi32(P)))
        }
    }

    #[inline(always)]
    pub fn sub(a: Vector, b: Vector) -> Vector {
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe {
            let d = _mm_sub_epi32(a, b); // in (−p, p)
            let neg = _mm_cmplt_epi32(d, _mm_setzero_si128());
            _mm_add_epi32(d, _mm_and_si128(neg, _mm_set1_epi32(P)))
        }
    }

    #[inline(always)]
    pub fn mul(a: Vector, b: Vector) -> Vector {
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe {
            let p = _mm_set1_epi32(P);
            let mu = _mm_set1_epi32(P_INV);
            let prod_evn = _mm_mul_epu32(a, b);
            let prod_odd = _mm_mul_epu32(_mm_srli_epi64::<32>(a), _mm_srli_epi64::<32>(b));
            let q_evn = _mm_mul_epu32(prod_evn, mu);
            let q_odd = _mm_mul_epu32(prod_odd, mu);
            let qp_evn = _mm_mul_epu32(q_evn, p);
            let qp_odd = _mm_mul_epu32(q_odd, p);
            let hi_mask = _mm_set_epi32(-1, 0, -1, 0);
            let prod_hi = _mm_or_si128(
                _mm_srli_epi64::<32>(prod_evn),
                _mm_and_si128(prod_odd, hi_mask),
            );
            let qp_hi = _mm_or_si128(_mm_srli_epi64::<32>(qp_evn), _mm_and_si128(qp_odd, hi_mask));
            // prod_hi < 2^30 and qp_hi < p < 2^31: the signed difference is exact.
            let t = _mm_sub_epi32(prod_hi, qp_hi);
            let neg = _mm_cmplt_epi32(t, _mm_setzero_si128());
            _mm_add_epi32(t, _mm_and_si128(neg, p))
        }
    }

    /// Transposes a 4×4 tile of words held as 4 vectors.
    #[inline(always)]
    pub fn transpose(m: &mut [Vector; WIDTH]) {
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe {
            let t0 = _mm_unpacklo_epi32(m[0], m[1]);
            let t1 = _mm_unpacklo_epi32(m[2], m[3]);
            let t2 = _mm_unpackhi_epi32(m[0], m[1]);
            let t3 = _mm_unpackhi_epi32(m[2], m[3]);
            m[0] = _mm_unpacklo_epi64(t0, t1);
            m[1] = _mm_unpackhi_epi64(t0, t1);
            m[2] = _mm_unpacklo_epi64(t2, t3);
            m[3] = _mm_unpackhi_epi64(t2, t3);
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod imp {
    use crate::BabyBear;

    pub const WIDTH: usize = 4;
    pub type Vector = [BabyBear; WIDTH];

    #[inline(always)]
    pub fn add(a: Vector, b: Vector) -> Vector {
        core::array::from_fn(|i| a[i] + b[i])
    }

    #[inline(always)]
    pub fn sub(a: Vector, b: Vector) -> Vector {
        core::array::from_fn(|i| a[i] - b[i])
    }

    #[inline(always)]
    pub fn mul(a: Vector, b: Vector) -> Vector {
        core::array::from_fn(|i| a[i] * b[i])
    }

    #[inline(always)]
    pub fn transpose(m: &mut [Vector; WIDTH]) {
        for i in 0..WIDTH {
            for j in i + 1..WIDTH {
                let t = m[i][j];
                m[i][j] = m[j][i];
                m[j][i] = t;
            }
        }
    }
}

/// Lanes of a [`PackedBabyBear`] on this build.
pub const WIDTH: usize = imp::WIDTH;

/// `WIDTH` BabyBear elements with lane-wise SIMD arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(64))]
pub struct PackedBabyBear(pub [BabyBear; WIDTH]);

impl Default for PackedBabyBear {
    fn default() -> Self {
        Self::ZERO
    }
}

impl PackedBabyBear {
    pub const WIDTH: usize = WIDTH;
    pub const ZERO: Self = Self([BabyBear::ZERO; WIDTH]);
    pub const ONE: Self = Self([BabyBear::ONE; WIDTH]);

    /// Every lane `x`.
    #[inline(always)]
    pub const fn broadcast(x: BabyBear) -> Self {
        Self([x; WIDTH])
    }

    /// The first `WIDTH` elements of `s`.
    ///
    /// # Panics
    /// If `s` is shorter than `WIDTH`.
    #[inline(always)]
    pub fn from_slice(s: &[BabyBear]) -> Self {
        Self(
            s[..WIDTH]
                .try_into()
                .expect("length checked by the slice above"),
        )
    }

    /// Writes the lanes to the first `WIDTH` elements of `s`.
    ///
    /// # Panics
    /// If `s` is shorter than `WIDTH`.
    #[inline(always)]
    pub fn store(self, s: &mut [BabyBear]) {
        s[..WIDTH].copy_from_slice(&self.0);
    }

    #[inline(always)]
    fn v(self) -> imp::Vector {
        // SAFETY: `Self` is `repr(C)` over WIDTH u32-sized words, the size of `Vector`,
        // and every bit pattern is a valid vector.
        unsafe { core::mem::transmute_copy(&self.0) }
    }

    #[inline(always)]
    fn from_v(v: imp::Vector) -> Self {
        // SAFETY: as in `v`, and the arithmetic keeps every lane below p.
        Self(unsafe { core::mem::transmute_copy(&v) })
    }

    /// `self^7`, the Poseidon2 S-box, lane-wise.
    #[inline(always)]
    pub fn pow7(self) -> Self {
        let x2 = self * self;
        let x3 = x2 * self;
        let x4 = x2 * x2;
        x3 * x4
    }

    #[inline(always)]
    pub fn square(self) -> Self {
        self * self
    }

    #[inline(always)]
    pub fn double(self) -> Self {
        self + self
    }

    /// Transposes a `WIDTH × WIDTH` tile: lane j of vector i ↔ lane i of vector j.
    #[inline(always)]
    pub fn transpose(tile: &mut [Self; WIDTH]) {
        let mut v: [imp::Vector; WIDTH] = core::array::from_fn(|i| tile[i].v());
        imp::transpose(&mut v);
        for (t, v) in tile.iter_mut().zip(v) {
            *t = Self::from_v(v);
        }
    }
}

impl Add for PackedBabyBear {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        Self::from_v(imp::add(self.v(), rhs.v()))
    }
}

impl Sub for PackedBabyBear {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        Self::from_v(imp::sub(self.v(), rhs.v()))
    }
}

impl Mul for PackedBabyBear {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        Self::from_v(imp::mul(self.v(), rhs.v()))
    }
}

impl Mul<BabyBear> for PackedBabyBear {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: BabyBear) -> Self {
        self * Self::broadcast(rhs)
    }
}

impl Add<BabyBear> for PackedBabyBear {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: BabyBear) -> Self {
        self + Self::broadcast(rhs)
    }
}

impl Sub<BabyBear> for PackedBabyBear {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: BabyBear) -> Self {
        self - Self::broadcast(rhs)
    }
}

impl Neg for PackedBabyBear {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Self::ZERO - self
    }
}

impl AddAssign for PackedBabyBear {
    #[inline(always)]
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl SubAssign for PackedBabyBear {
    #[inline(always)]
    fn sub_assign(&mut self, rhs: Self) {
        *self = *self - rhs;
    }
}

impl MulAssign for PackedBabyBear {
    #[inline(always)]
    fn mul_assign(&mut self, rhs: Self) {
        *self = *self * rhs;
    }
}

impl From<BabyBear> for PackedBabyBear {
    fn from(x: BabyBear) -> Self {
        Self::broadcast(x)
    }
}

/// Hints the cache to fetch the line holding `slice[index]` (nothing if `index` is out of
/// range, or off x86-64). For loops that read one vector from each of many columns: too
/// many streams for the hardware prefetcher.
#[inline(always)]
pub fn prefetch<T>(slice: &[T], index: usize) {
    #[cfg(target_arch = "x86_64")]
    if index < slice.len() {
        // SAFETY: a prefetch has no architectural effect; the address is inside `slice`.
        unsafe {
            core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(
                slice.as_ptr().add(index).cast(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, index);
}
