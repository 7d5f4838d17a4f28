//! Sixteen lanes in one AVX-512 register.
//!
//! Only reachable through functions compiled with
//! `#[target_feature(enable = "avx512f,avx512bw")]` and called after runtime detection
//! (see `kiln_field::SimdLevel`); every method is `#[inline(always)]` so the intrinsics are
//! inlined into those functions.

use core::arch::asm;
use core::arch::x86_64::*;

use kiln_field::{BabyBear, P};

use super::Packed;
use crate::constants::{POSEIDON2_W16, POSEIDON2_W24, SHIFTED_16, SHIFTED_24};

/// p^{-1} mod 2^32: Montgomery reduction subtracts `(lo(x)·p^{-1} mod 2^32)·p`.
const P_INV: u32 = 0x8800_0001;
const _: () = assert!(P.wrapping_mul(P_INV) == 1);

#[derive(Clone, Copy)]
#[repr(transparent)]
pub(crate) struct Avx512(__m512i);

#[inline(always)]
fn splat_u32(x: u32) -> __m512i {
    // SAFETY: avx512f and avx512bw are enabled in every function this is inlined into
    // (module docs).
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

/// [`pow7_halves`] on the even halves `e` and odd halves `o` of `N` vectors, written
/// step by step across all of them (every square, then every cube, …) so that the
/// independent Montgomery chains sit side by side in program order. The S-box is a
/// chain of three dependent products; with the chains interleaved the out-of-order core
/// keeps its multipliers busy (full rounds with four S-boxes per group: batched
/// permutations 6–10% faster than one S-box after another on the Zen 5 machine of
/// BENCHMARKS.md; eight per group spill and were slower).
#[inline(always)]
fn pow7_pairs<const N: usize>(e: [__m512i; N], o: [__m512i; N]) -> ([__m512i; N], [__m512i; N]) {
    let (mut e2, mut o2) = (e, o);
    for i in 0..N {
        e2[i] = movehdup(mul_signed_halves(e[i], e[i]));
        o2[i] = movehdup(mul_signed_halves(o[i], o[i]));
    }
    let (mut e3, mut o3) = (e, o);
    for i in 0..N {
        e3[i] = movehdup(mul_signed_halves(e2[i], e[i]));
        o3[i] = movehdup(mul_signed_halves(o2[i], o[i]));
    }
    let (mut e4, mut o4) = (e, o);
    for i in 0..N {
        e4[i] = movehdup(mul_signed_halves(e2[i], e2[i]));
        o4[i] = movehdup(mul_signed_halves(o2[i], o2[i]));
    }
    let (mut e7, mut o7) = (e, o);
    for i in 0..N {
        e7[i] = mul_signed_halves(e3[i], e4[i]);
        o7[i] = mul_signed_halves(o3[i], o4[i]);
    }
    (e7, o7)
}

/// A shift count for `_mm512_sll_epi32` and friends.
#[inline(always)]
fn shift_count(n: u32) -> __m128i {
    // SAFETY: SSE2, part of the x86_64 baseline.
    unsafe { _mm_cvtsi32_si128(n as i32) }
}

/// `−x / 2^K` for `x` in `[0, p)` and `1 ≤ K ≤ 27`, as a word in `[0, p]` (`p` only for
/// `x = 0`), which [`Packed::add`] and [`Packed::sub`] take as their second operand.
///
/// With `x = hi·2^K + lo` and `p = 15·2^27 + 1`, `−2^−K = 15·2^(27−K)`, so
/// `−x/2^K = lo·15·2^(27−K) − hi`. If `lo > 0` that is already in `(0, p)`
/// (`hi < 15·2^(27−K)`); if `lo = 0` it is `−hi`, and `p − hi` is taken instead. For small
/// K, `lo·15` is one 16-bit multiply-add (`vpmaddwd`; for K = 8 `vpmaddubsw` reads the low
/// byte itself). The method and output range are those of Plonky3's
/// `mul_neg_2exp_neg_n_avx512`.
#[inline(always)]
fn neg_div_2exp<const K: u32>(x: __m512i) -> __m512i {
    const { assert!(K >= 1 && K <= 27) };
    // SAFETY: as in `splat_u32`. The shift counts go through vectors because they are
    // not const-generic expressions; LLVM emits immediates.
    unsafe {
        let p = splat_u32(P);
        let hi = _mm512_srli_epi32::<K>(x);
        let mask = splat_u32((1 << K) - 1);
        let lo_nonzero = _mm512_test_epi32_mask(x, mask);
        let lo_r = match K {
            // The low byte times 15 (the other bytes meet zero multipliers).
            8 => _mm512_mask_sll_epi32(
                p,
                lo_nonzero,
                _mm512_maddubs_epi16(x, splat_u32(15)),
                shift_count(19),
            ),
            // lo < 2^15: one signed 16-bit product per lane (the high halves are zero).
            1..=15 => {
                let lo15 = _mm512_madd_epi16(_mm512_and_si512(x, mask), splat_u32(15));
                _mm512_mask_sll_epi32(p, lo_nonzero, lo15, shift_count(27 - K))
            }
            // lo·15·2^(27−K) = lo·2^(31−K) − lo·2^(27−K).
            _ => {
                let lo = _mm512_and_si512(x, mask);
                _mm512_mask_sub_epi32(
                    p,
                    lo_nonzero,
                    _mm512_sll_epi32(lo, shift_count(31 - K)),
                    _mm512_sll_epi32(lo, shift_count(27 - K)),
                )
            }
        };
        _mm512_sub_epi32(lo_r, hi)
    }
}

/// The first two stages of a transpose of 32-bit words: 32-bit elements of vector pairs
/// interleaved, then 64-bit elements of pairs of those. In 128-bit lane j of the result,
/// vector 4k + m holds word 4j + m of `c[4k..4k + 4]`. `N` is a multiple of 4.
#[inline(always)]
fn interleave_quads<const N: usize>(c: &[__m512i; N]) -> [__m512i; N] {
    // SAFETY: as in `splat_u32`.
    unsafe {
        let mut a = [_mm512_setzero_si512(); N];
        for k in 0..N / 2 {
            a[2 * k] = _mm512_unpacklo_epi32(c[2 * k], c[2 * k + 1]);
            a[2 * k + 1] = _mm512_unpackhi_epi32(c[2 * k], c[2 * k + 1]);
        }
        let mut b = [_mm512_setzero_si512(); N];
        for k in 0..N / 4 {
            b[4 * k] = _mm512_unpacklo_epi64(a[4 * k], a[4 * k + 2]);
            b[4 * k + 1] = _mm512_unpackhi_epi64(a[4 * k], a[4 * k + 2]);
            b[4 * k + 2] = _mm512_unpacklo_epi64(a[4 * k + 1], a[4 * k + 3]);
            b[4 * k + 3] = _mm512_unpackhi_epi64(a[4 * k + 1], a[4 * k + 3]);
        }
        b
    }
}

/// Transposes the 8 × 8 matrix of 32-bit words in each 256-bit half of `c` (vector j, word
/// i ↦ vector i, word j): the interleaves of [`Packed::transpose`], then 128-bit lanes
/// exchanged between vector pairs by masked lane shuffles.
#[inline(always)]
fn transpose_8x8_halves(c: &mut [__m512i; 8]) {
    // In 128-bit lane L of each half, b[4k + m] holds word 4L + m of vectors 4k..4k + 4.
    let b = interleave_quads(c);
    // SAFETY: as in `splat_u32`.
    unsafe {
        // Word m: lanes 0 and 2 of b[m], then lanes 0 and 2 of b[4 + m] into lanes 1 and 3;
        // word 4 + m: lanes 1 and 3 of b[4 + m], lanes 1 and 3 of b[m] into lanes 0 and 2.
        for m in 0..4 {
            c[m] = _mm512_mask_shuffle_i64x2::<0b1000_0000>(b[m], 0b1100_1100, b[4 + m], b[4 + m]);
            c[4 + m] = _mm512_mask_shuffle_i64x2::<0b0011_0001>(b[4 + m], 0b0011_0011, b[m], b[m]);
        }
    }
}

/// Mask of the first `n` lanes.
#[inline(always)]
fn first_lanes(n: usize) -> __mmask16 {
    assert!(n <= 16);
    ((1u32 << n) - 1) as __mmask16
}

impl Avx512 {
    /// `x^7` for signed 32-bit inputs in `[−p, p]`, reduced to `[0, p)`.
    #[inline(always)]
    fn pow7_signed(x: __m512i) -> Self {
        let ([even], [odd]) = pow7_pairs([x], [movehdup(x)]);
        Self(canonicalize_signed(merge_high_halves(even, odd)))
    }
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
        // Half and full widths get plain loads: masked memory accesses are slower.
        // SAFETY: each load reads exactly `src.len()` words from `src` (the masked load
        // neither reads nor faults on masked-off lanes); avx512f as in `splat_u32`.
        unsafe {
            match src.len() {
                16 => Self(_mm512_loadu_si512(src.as_ptr().cast())),
                8 => Self(_mm512_zextsi256_si512(_mm256_loadu_si256(
                    src.as_ptr().cast(),
                ))),
                n => Self(_mm512_maskz_loadu_epi32(
                    first_lanes(n),
                    src.as_ptr().cast(),
                )),
            }
        }
    }

    #[inline(always)]
    fn store_partial(self, dst: &mut [BabyBear]) {
        // SAFETY: each store writes exactly `dst.len()` words into `dst`, all below p.
        unsafe {
            match dst.len() {
                16 => _mm512_storeu_si512(dst.as_mut_ptr().cast(), self.0),
                8 => _mm256_storeu_si256(dst.as_mut_ptr().cast(), _mm512_castsi512_si256(self.0)),
                n => _mm512_mask_storeu_epi32(dst.as_mut_ptr().cast(), first_lanes(n), self.0),
            }
        }
    }

    #[inline(always)]
    fn transpose(block: &mut [Self]) {
        let r: &mut [Self; 16] = block.try_into().unwrap();
        // In 128-bit lane j, b[4k + m] holds column 4j + m of rows 4k..4k + 4.
        let mut rows = [r[0].0; 16];
        for (x, row) in rows.iter_mut().zip(r.iter()) {
            *x = row.0;
        }
        let b = interleave_quads(&rows);
        // SAFETY: as in `splat_u32`.
        unsafe {
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
    fn transpose_rows_in(block: &mut [Self]) {
        let r: &mut [Self; 16] = block.try_into().unwrap();
        // Rows j and j + 8 side by side, then an 8 × 8 transpose in each 256-bit half:
        // half the shuffles of a full transpose.
        let mut c = [r[0].0; 8];
        for (j, c) in c.iter_mut().enumerate() {
            // SAFETY: as in `splat_u32`.
            *c = unsafe { _mm512_inserti64x4::<1>(r[j].0, _mm512_castsi512_si256(r[j + 8].0)) };
        }
        transpose_8x8_halves(&mut c);
        for (x, c) in r.iter_mut().zip(c) {
            *x = Self(c);
        }
    }

    #[inline(always)]
    fn transpose_rows_out(block: &mut [Self]) {
        let r: &mut [Self; 16] = block.try_into().unwrap();
        let mut c = [r[0].0; 8];
        for (c, x) in c.iter_mut().zip(r.iter()) {
            *c = x.0;
        }
        transpose_8x8_halves(&mut c);
        for (j, c) in c.into_iter().enumerate() {
            r[j] = Self(c);
            // SAFETY: as in `splat_u32`.
            r[j + 8] = Self(unsafe { _mm512_castsi256_si512(_mm512_extracti64x4_epi64::<1>(c)) });
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
        Self::splat(0).sub(Self(neg_div_2exp::<K>(self.0)))
    }

    #[inline(always)]
    fn div_2exp_add<const K: u32>(self, acc: Self) -> Self {
        // acc − (−x/2^K): `sub` takes a second operand in [0, p], so the negated quotient
        // needs no canonical form (two or three instructions fewer than `div_2exp` then
        // `add`).
        acc.sub(Self(neg_div_2exp::<K>(self.0)))
    }

    #[inline(always)]
    fn div_2exp_sub<const K: u32>(self, acc: Self) -> Self {
        acc.add(Self(neg_div_2exp::<K>(self.0)))
    }

    #[inline(always)]
    fn add_rc_pow7(self, rc_minus_p: u32) -> Self {
        // x + (rc − p) lies in [−p, p): a signed input for the signed Montgomery products,
        // one addition instead of a reduced one.
        // SAFETY: as in `splat_u32`.
        unsafe { Self::pow7_signed(_mm512_add_epi32(self.0, splat_u32(rc_minus_p))) }
    }

    #[inline(always)]
    fn add_rc_pow7_n<const N: usize>(x: [Self; N], rc: [u32; N]) -> [Self; N] {
        let mut e = [splat_u32(0); N];
        let mut o = [splat_u32(0); N];
        for i in 0..N {
            // SAFETY: as in `splat_u32`.
            e[i] = unsafe { _mm512_add_epi32(x[i].0, splat_u32(rc[i])) };
            o[i] = movehdup(e[i]);
        }
        let (e, o) = pow7_pairs(e, o);
        let mut out = x;
        for i in 0..N {
            out[i] = Self(canonicalize_signed(merge_high_halves(e[i], o[i])));
        }
        out
    }

    #[inline(always)]
    fn sub_pow7(self, rhs: Self) -> Self {
        // Both in [0, p): the difference is a signed input in (−p, p), no reduction.
        // SAFETY: as in `splat_u32`.
        Self::pow7_signed(unsafe { _mm512_sub_epi32(self.0, rhs.0) })
    }
}

// ---- One state in one register (two for width 24): lane i holds state[i]. ----
//
// Lower latency for a single permutation (the verifier, one-off hashes) than the scalar
// path; batches use the lane-per-state layout above instead.

/// Montgomery words of `xs`, zero-padded to 32.
const fn words32<const N: usize>(xs: &[BabyBear; N]) -> [u32; 32] {
    let mut out = [0; 32];
    let mut i = 0;
    while i < N {
        out[i] = xs[i].to_monty();
        i += 1;
    }
    out
}

/// `V` of `M_I = 1 + diag(V)` as Montgomery words.
static DIAG16: [u32; 32] = words32(&POSEIDON2_W16.internal_diag_values());
static DIAG24: [u32; 32] = words32(&POSEIDON2_W24.internal_diag_values());

/// Shifted round constants (see `Packed::add_rc_pow7`) of width 24, padded to 32 lanes.
static RC24_PADDED: [[[u32; 32]; 4]; 2] = {
    let mut out = [[[0u32.wrapping_sub(P); 32]; 4]; 2];
    let mut r = 0;
    while r < 4 {
        let mut i = 0;
        while i < 24 {
            out[0][r][i] = SHIFTED_24.initial[r][i];
            out[1][r][i] = SHIFTED_24.terminal[r][i];
            i += 1;
        }
        r += 1;
    }
    out
};

/// The 16 words at `x[..16]`.
#[inline(always)]
fn load16(x: &[u32]) -> __m512i {
    let x = &x[..16];
    // SAFETY: 16 words, an unaligned 64-byte load; avx512f as in `splat_u32`.
    unsafe { _mm512_loadu_si512(x.as_ptr().cast()) }
}

/// `y_i = 2x_i + 3x_{i+1} + x_{i+2} + x_{i+3}` (indices mod 4 within each 128-bit lane).
#[inline(always)]
fn mat4_lanes(x: Avx512) -> Avx512 {
    // SAFETY: as in `splat_u32`.
    unsafe {
        let r1 = Avx512(_mm512_shuffle_epi32::<0x39>(x.0)); // x_{i+1}
        let r2 = Avx512(_mm512_shuffle_epi32::<0x4e>(x.0)); // x_{i+2}
        let r3 = Avx512(_mm512_shuffle_epi32::<0x93>(x.0)); // x_{i+3}
        let a = x.add(r1);
        let block_sum = a.add(r2.add(r3));
        block_sum.add(a.add(r1))
    }
}

/// Every 128-bit lane set to the sum of the four.
#[inline(always)]
fn sum_blocks(y: Avx512) -> Avx512 {
    // SAFETY: as in `splat_u32`.
    unsafe {
        let t = y.add(Avx512(_mm512_shuffle_i32x4::<0xb1>(y.0, y.0)));
        t.add(Avx512(_mm512_shuffle_i32x4::<0x4e>(t.0, t.0)))
    }
}

/// `(x + rc)^7` per lane, `rc` in the shifted form of `Packed::add_rc_pow7`.
#[inline(always)]
fn sbox_lanes(x: Avx512, rc: __m512i) -> Avx512 {
    // SAFETY: as in `splat_u32`.
    let v = unsafe { _mm512_add_epi32(x.0, rc) };
    let even = pow7_halves(v);
    let odd = pow7_halves(movehdup(v));
    Avx512(canonicalize_signed(merge_high_halves(even, odd)))
}

/// `(x_0 + rc)^7` broadcast to every lane.
#[inline(always)]
fn sbox_lane0(x: Avx512, rc: u32) -> Avx512 {
    // SAFETY: as in `splat_u32`.
    unsafe {
        let v = _mm512_add_epi32(x.0, splat_u32(rc));
        let s0 = canonicalize_signed(movehdup(pow7_halves(v)));
        Avx512(_mm512_broadcastd_epi32(_mm512_castsi512_si128(s0)))
    }
}

/// `M_E·x` for the state in one register. M4 is circulant within each block of four and a
/// block is a 128-bit lane, so its rotations are in-lane shuffles; the sum over blocks is
/// two lane swaps.
#[inline(always)]
fn external_linear_16(x: Avx512) -> Avx512 {
    let y = mat4_lanes(x);
    y.add(sum_blocks(y))
}

/// `M_E·(a ‖ b)` for width 24: lanes 0..16 in `a`, 16..24 in the low half of `b`. The
/// high half of `b` is ignored, and zero in the result.
#[inline(always)]
fn external_linear_24(a: Avx512, b: Avx512) -> (Avx512, Avx512) {
    // SAFETY: as in `splat_u32`.
    let b = unsafe { Avx512(_mm512_maskz_mov_epi32(0x00ff, b.0)) };
    let (ya, yb) = (mat4_lanes(a), mat4_lanes(b));
    let all = sum_blocks(ya).add(sum_blocks(yb));
    // SAFETY: as in `splat_u32`.
    let yb = unsafe { Avx512(_mm512_maskz_mov_epi32(0x00ff, yb.add(all).0)) };
    (ya.add(all), yb)
}

/// Every lane set to the sum of the lanes of `x`.
#[inline(always)]
fn sum_lanes(x: Avx512) -> Avx512 {
    // SAFETY: as in `splat_u32`.
    unsafe {
        let t = x.add(Avx512(_mm512_shuffle_epi32::<0x4e>(x.0)));
        sum_blocks(t.add(Avx512(_mm512_shuffle_epi32::<0xb1>(t.0))))
    }
}

/// `M_I` after the partial-round S-box: `s0` is the new `x_0` in every lane, `rest` the
/// sum of the other lanes, `dx` is `V·x` (lane 0 is replaced).
#[inline(always)]
fn internal_finish(dx: Avx512, rest: Avx512, s0: Avx512) -> (Avx512, Avx512) {
    let total = rest.add(s0);
    // Lane 0: −2·s0 + total.
    let lane0 = total.sub(s0).sub(s0);
    // SAFETY: as in `splat_u32`.
    let x = unsafe { Avx512(_mm512_mask_mov_epi32(dx.add(total).0, 1, lane0.0)) };
    (x, total)
}

/// The width-16 permutation of one state held in one AVX-512 register.
#[target_feature(enable = "avx512f,avx512bw,avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
pub(crate) fn permute16_state(state: &mut [BabyBear; 16]) {
    // SAFETY: `[BabyBear; 16]` is 16 `repr(transparent)` u32s: an unaligned 64-byte load.
    let mut x = Avx512(unsafe { _mm512_loadu_si512(state.as_ptr().cast()) });
    x = external_linear_16(x);
    for rc in &SHIFTED_16.initial {
        x = external_linear_16(sbox_lanes(x, load16(rc)));
    }
    let diag = Avx512(load16(&DIAG16));
    for &rc in &SHIFTED_16.internal {
        // The sum of lanes 1..16 and V·x run beside the S-box of lane 0.
        let rest = sum_lanes(Avx512(_mm512_maskz_mov_epi32(0xfffe, x.0)));
        let dx = x.mul(diag);
        x = internal_finish(dx, rest, sbox_lane0(x, rc)).0;
    }
    for rc in &SHIFTED_16.terminal {
        x = external_linear_16(sbox_lanes(x, load16(rc)));
    }
    // SAFETY: as above, a 64-byte store of words below p.
    unsafe { _mm512_storeu_si512(state.as_mut_ptr().cast(), x.0) }
}

/// The width-24 permutation of one state held in two AVX-512 registers.
#[target_feature(enable = "avx512f,avx512bw,avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
pub(crate) fn permute24_state(state: &mut [BabyBear; 24]) {
    let (lo, hi) = state.split_at_mut(16);
    // SAFETY: 16 and 8 `BabyBear`s (`repr(transparent)` u32s): an unaligned 64-byte load
    // and a masked load of the first 8 lanes, all in bounds.
    let (mut a, mut b) = unsafe {
        (
            Avx512(_mm512_loadu_si512(lo.as_ptr().cast())),
            Avx512(_mm512_maskz_loadu_epi32(0x00ff, hi.as_ptr().cast())),
        )
    };
    (a, b) = external_linear_24(a, b);
    for rc in &RC24_PADDED[0] {
        (a, b) = external_linear_24(sbox_lanes(a, load16(rc)), sbox_lanes(b, load16(&rc[16..])));
    }
    let (diag_a, diag_b) = (Avx512(load16(&DIAG24)), Avx512(load16(&DIAG24[16..])));
    for &rc in &SHIFTED_24.internal {
        let rest = sum_lanes(Avx512(_mm512_maskz_mov_epi32(0xfffe, a.0)).add(b));
        let (da, db) = (a.mul(diag_a), b.mul(diag_b));
        let (new_a, total) = internal_finish(da, rest, sbox_lane0(a, rc));
        a = new_a;
        b = Avx512(_mm512_maskz_mov_epi32(0x00ff, db.add(total).0));
    }
    for rc in &RC24_PADDED[1] {
        (a, b) = external_linear_24(sbox_lanes(a, load16(rc)), sbox_lanes(b, load16(&rc[16..])));
    }
    // SAFETY: as above; the stores write words below p, the second only its first 8 lanes.
    unsafe {
        _mm512_storeu_si512(lo.as_mut_ptr().cast(), a.0);
        _mm512_mask_storeu_epi32(hi.as_mut_ptr().cast(), 0x00ff, b.0);
    }
}
