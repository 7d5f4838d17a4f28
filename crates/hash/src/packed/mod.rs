//! Lanes of BabyBear elements processed together: the arithmetic the permutation needs,
//! once per SIMD level.
//!
//! Every value is a Montgomery word in `[0, p)` in each lane, the same words as
//! [`BabyBear`]. The permutation code in `rounds` is generic over [`Packed`], so
//! the scalar, AVX2 and AVX-512 paths share one round structure.

use kiln_field::BabyBear;

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2;
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx512;
mod scalar;

/// Most lanes of any SIMD level; scratch buffers are sized for it.
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

    /// [`Packed::transpose`] of `LANES` rows of `LANES / 2` elements: row l is the low half
    /// of `block[l]` (the high halves are ignored); afterwards lane l of `block[i]`, for
    /// `i < LANES / 2`, is element i of row l. `LANES ≥ 2`.
    #[inline(always)]
    fn transpose_rows_in(block: &mut [Self]) {
        Self::transpose(block);
    }

    /// The inverse of [`Packed::transpose_rows_in`]: from the vectors `block[..LANES / 2]`,
    /// row l into the low half of `block[l]` (the high halves are unspecified).
    #[inline(always)]
    fn transpose_rows_out(block: &mut [Self]) {
        Self::transpose(block);
    }

    fn add(self, rhs: Self) -> Self;
    fn sub(self, rhs: Self) -> Self;
    fn mul(self, rhs: Self) -> Self;

    /// `self / 2`.
    fn halve(self) -> Self;

    /// `self / 2^K`, for `1 ≤ K ≤ 27`.
    fn div_2exp<const K: u32>(self) -> Self;

    /// `acc + self / 2^K`, for `1 ≤ K ≤ 27` (the internal layer's diagonal entries that
    /// are inverse powers of two).
    #[inline(always)]
    fn div_2exp_add<const K: u32>(self, acc: Self) -> Self {
        acc.add(self.div_2exp::<K>())
    }

    /// `acc − self / 2^K`, for `1 ≤ K ≤ 27`.
    #[inline(always)]
    fn div_2exp_sub<const K: u32>(self, acc: Self) -> Self {
        acc.sub(self.div_2exp::<K>())
    }

    #[inline(always)]
    fn double(self) -> Self {
        self.add(self)
    }

    /// `(self − rhs)^7`: the S-box of the next partial round's first element, formed from
    /// `self = tail + rc` and `rhs` = this round's S-box output (see `rounds::partial_rounds`).
    #[inline(always)]
    fn sub_pow7(self, rhs: Self) -> Self {
        self.sub(rhs).add_rc_pow7(0u32.wrapping_sub(kiln_field::P))
    }

    /// [`Packed::add_rc_pow7`] on `N` vectors (`rc` as there), the S-box chains
    /// interleaved where the SIMD level gains from it.
    #[inline(always)]
    fn add_rc_pow7_n<const N: usize>(x: [Self; N], rc: [u32; N]) -> [Self; N] {
        let mut out = x;
        for i in 0..N {
            out[i] = x[i].add_rc_pow7(rc[i]);
        }
        out
    }

    /// `(self + rc)^7`: the S-box of one round, given `rc_minus_p = rc − p (mod 2^32)` for
    /// a Montgomery word `rc` (the form the SIMD lanes add without a reduction).
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

#[cfg(test)]
mod tests {
    use kiln_field::{BabyBear, Field, P};

    use super::Packed;

    /// Words where the division formulas branch: zero, a zero low part, the extremes.
    fn edge_words() -> Vec<u32> {
        let mut words = vec![0, 1, 2, 3, P - 1, P - 2, (P - 1) / 2, 1 << 30];
        for k in 1..=27 {
            words.extend([1 << k, (1 << k) - 1, (1 << k) + 1, P - (1 << k)]);
        }
        let mut state = 0x9e37_79b9u32;
        for _ in 0..200 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            words.push(state % P);
        }
        words.retain(|&w| w < P);
        words
    }

    /// `x / 2^K`, `acc + x / 2^K` and `acc − x / 2^K` on every lane layout of `V`, against
    /// field arithmetic.
    fn check_div_2exp<V: Packed, const K: u32>() {
        let inv = BabyBear::new(1 << K).inverse();
        let words = edge_words();
        let accs = [0, 1, P - 1, P / 2];
        for chunk in words.chunks(V::LANES) {
            let xs: Vec<BabyBear> = chunk.iter().map(|&w| BabyBear::from_monty(w)).collect();
            let x = V::load_partial(&xs);
            for &acc in &accs {
                let acc_v = V::splat(acc);
                let mut got = vec![BabyBear::from_monty(0); xs.len()];
                for (op, out) in [
                    (0, x.div_2exp::<K>()),
                    (1, x.div_2exp_add::<K>(acc_v)),
                    (2, x.div_2exp_sub::<K>(acc_v)),
                ] {
                    out.store_partial(&mut got);
                    for (g, &xi) in got.iter().zip(&xs) {
                        let q = xi * inv;
                        let a = BabyBear::from_monty(acc);
                        let want = [q, a + q, a - q][op];
                        assert_eq!(
                            g.to_monty(),
                            want.to_monty(),
                            "K = {K}, op {op}, x = {xi:?}"
                        );
                    }
                }
            }
        }
    }

    fn check_all_k<V: Packed>() {
        macro_rules! each_k {
            ($($k:literal)*) => { $(check_div_2exp::<V, $k>();)* };
        }
        each_k!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27);
    }

    #[test]
    fn division_by_powers_of_two_matches_the_field() {
        check_all_k::<BabyBear>();
        #[cfg(target_arch = "x86_64")]
        {
            use kiln_field::SimdLevel;
            #[target_feature(enable = "avx2")]
            fn avx2() {
                check_all_k::<super::avx2::Avx2>();
            }
            #[target_feature(enable = "avx512f,avx512bw")]
            fn avx512() {
                check_all_k::<super::avx512::Avx512>();
            }
            if SimdLevel::Avx2.is_available() {
                // SAFETY: avx2 detected.
                unsafe { avx2() };
            } else {
                eprintln!("skipping AVX2 division checks: not available on this CPU");
            }
            if SimdLevel::Avx512.is_available() {
                // SAFETY: avx512f and avx512bw detected.
                unsafe { avx512() };
            } else {
                eprintln!("skipping AVX-512 division checks: not available on this CPU");
            }
        }
    }
}
