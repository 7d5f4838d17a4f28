//! Evaluation domains: the trace subgroup H, its cosets, and the selectors on them.

use kiln_field::{BabyBear, BabyBearExt4, Field, TwoAdicField, reverse_bits_len};

/// The shift of every LDE domain (and of the quotient domain): the multiplicative
/// generator, which lies outside every two-adic subgroup.
pub const LDE_SHIFT: BabyBear = BabyBear::GENERATOR;

/// ω_n.
pub fn root(log_n: usize) -> BabyBear {
    BabyBear::two_adic_generator(log_n)
}

/// The selectors of the trace domain H (order 2^log_n) at a point x outside H: the
/// Lagrange selectors first = Z_H(x)/(n·(x − 1)) and last = ω^{-1}·Z_H(x)/(n·(x − ω^{-1}))
/// (1 on their row, 0 on the others, as the debug checker has them), and
/// transition = x − ω^{-1}, where Z_H(x) = x^n − 1.
#[derive(Clone, Copy, Debug)]
pub struct Selectors<E> {
    pub is_first_row: E,
    pub is_last_row: E,
    pub is_transition: E,
    /// 1 / Z_H(x).
    pub inv_vanishing: E,
}

/// The selectors at an extension point ζ (the verifier's out-of-domain point), or `None`
/// if ζ lies in H (probability n/|F^4|; the verifier rejects such a proof).
pub fn selectors_at(log_n: usize, zeta: BabyBearExt4) -> Option<Selectors<BabyBearExt4>> {
    let z_h = zeta.exp_power_of_2(log_n) - BabyBear::ONE;
    let w_inv = root(log_n).inverse();
    let n_f = BabyBear::new(1 << log_n);
    let inv_vanishing = z_h.try_inverse()?;
    Some(Selectors {
        is_first_row: z_h * ((zeta - BabyBear::ONE) * n_f).try_inverse()?,
        is_last_row: z_h * w_inv * ((zeta - w_inv) * n_f).try_inverse()?,
        is_transition: zeta - w_inv,
        inv_vanishing,
    })
}

/// `Π_{j≠i} Z_j(ζ) / Z_j(g_i)` for the quotient chunk domains D_j = g_j·H, with
/// Z_j(X) = X^n − g_j^n: the weight of chunk i when the verifier rebuilds the quotient at
/// ζ (the quotient agrees with chunk i on D_i, and Z_j is constant on D_i). `None` if a
/// denominator vanishes, which no honest configuration produces.
pub fn chunk_weights(
    log_n: usize,
    log_chunks: usize,
    zeta: BabyBearExt4,
) -> Option<Vec<BabyBearExt4>> {
    let chunks = 1usize << log_chunks;
    let w_m = root(log_n + log_chunks);
    let shifts: Vec<BabyBear> = (0..chunks)
        .map(|i| LDE_SHIFT * w_m.exp_u64(i as u64))
        .collect();
    let shifts_n: Vec<BabyBear> = shifts.iter().map(|s| s.exp_power_of_2(log_n)).collect();
    let zeta_n = zeta.exp_power_of_2(log_n);
    let mut out = Vec::with_capacity(chunks);
    for i in 0..chunks {
        let mut num = BabyBearExt4::ONE;
        let mut den = BabyBear::ONE;
        for j in (0..chunks).filter(|&j| j != i) {
            num *= zeta_n - shifts_n[j];
            den *= shifts_n[i] - shifts_n[j];
        }
        out.push(num * den.try_inverse()?);
    }
    Some(out)
}

/// The point of LDE position `p` (bit-reversed order) of a domain `shift·⟨ω_N⟩`.
pub fn lde_point(shift: BabyBear, log_size: usize, p: usize) -> BabyBear {
    shift * root(log_size).exp_u64(reverse_bits_len(p, log_size) as u64)
}
