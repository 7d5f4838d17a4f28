//! Lanes of BabyBear elements processed together: the arithmetic the permutation needs,
//! once per CPU backend.
//!
//! Every value is a Montgomery word in `[0, p)` in each lane, the same words as
//! [`BabyBear`]. The permutation code in `poseidon2::rounds` is generic over [`Packed`], so
//! the scalar, AVX2 and AVX-512 paths share one round structure.

use kiln_field::BabyBear;

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2;
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx512;
mod scalar;

/// Most lanes of any backend; scratch buffers are sized for it.
pub(crate) const MAX_LANES: usize = 16;

/// `LANES` field elements in Montgomery form, with the operations Poseidon2 uses.
///
/// Implementations are `#[inline(always)]` throughout: the SIMD ones call intrinsics and
/// are only ever inlined into functions compiled with the matching target feature.
pub(crate) trait Packed: Copy {
    const LANES: usize;

    /// Whether to run two groups of states interleaved (see `rounds::permute16_x2`):
    /// pays off where latency, not throughput, limits the partial rounds.
    const INTERLEAVE: bool;

    /// Every lane set to the Montgomery word `monty`.
    fn splat(monty: u32) -> Self;

    /// Lanes from `src[..LANES]`.
    ///
    /// # Panics
    /// If `src` is shorter than `LANES`.
    fn load(src: &[BabyBear]) -> Self;

    /// The first `src.len()` lanes from `src`, the others zero.
    ///
    /// # Panics
    /// If `src` is longer than `LANES`.
    fn load_partial(src: &[BabyBear]) -> Self;

    /// The first `dst.len()` lanes into `dst`.
    ///
    /// # Panics
    /// If `dst` is longer than `LANES`.
    fn store_partial(self, dst: &mut [BabyBear]);

    /// Transposes the `LANES × LANES` matrix whose rows are `block[..LANES]`: afterwards
    /// lane l of `block[i]` is what lane i of `block[l]` was.
    fn transpose(block: &mut [Self]);

    fn add(self, rhs: Self) -> Self;
    fn sub(self, rhs: Self) -> Self;
    fn mul(self, rhs: Self) -> Self;

    /// `self / 2`.
    fn halve(self) -> Self;

    /// `self / 2^K`, for `1 ≤ K ≤ 27`.
    fn div_2exp<const K: u32>(self) -> Self;

    #[inline(always)]
    fn double(self) -> Self {
        self.add(self)
    }

    /// `(self + rc)^7`: the S-box of one round, given `rc_minus_p = rc − p (mod 2^32)` for
    /// a Montgomery word `rc` (the form the SIMD backends add without a reduction).
    #[inline(always)]
    fn add_rc_pow7(self, rc_minus_p: u32) -> Self {
        let x = self.add(Self::splat(rc_minus_p.wrapping_add(kiln_field::P)));
        let x2 = x.mul(x);
        let x3 = x2.mul(x);
        let x4 = x2.mul(x2);
        x3.mul(x4)
    }
}

/// `x / 2^k` on a Montgomery word (division by 2^k is linear, so it acts on the stored
/// word directly): with `x = hi·2^k + lo`, `x/2^k = hi + lo·2^-k = hi − lo·15·2^(27−k)`
/// because `2^-k = p − 15·2^(27−k)`. Both terms are below p.
#[inline(always)]
pub(crate) const fn div_2exp_u32(x: u32, k: u32) -> u32 {
    let hi = x >> k;
    let lo = x & ((1 << k) - 1);
    let t = (lo << (31 - k)) - (lo << (27 - k));
    let (r, borrow) = hi.overflowing_sub(t);
    if borrow {
        r.wrapping_add(kiln_field::P)
    } else {
        r
    }
}

/// `x / 2` on a Montgomery word: `x/2` if even, `(x + p)/2` if odd.
#[inline(always)]
pub(crate) const fn halve_u32(x: u32) -> u32 {
    (x >> 1) + ((x & 1) * ((kiln_field::P + 1) >> 1))
}
