//! FRI folding, shared by prover and verifier.
//!
//! # Mathematical description
//! A layer holds the evaluations of f over s·⟨ω_N⟩ in bit-reversed order, so the 2^a
//! positions q·2^a + r (r < 2^a) hold f at y·ε^{rev_a(r)} with ε a primitive 2^a-th root
//! of unity and y = s·ω_N^{rev(q)} (rev on log N − a bits). Writing
//! f(X) = Σ_{i<2^a} X^i f_i(X^{2^a}), the folded polynomial is f'(Y) = Σ_i β^i f_i(Y),
//! evaluated at y^{2^a} — position q of the next layer, over s^{2^a}·⟨ω_{N/2^a}⟩. From the
//! group: y^i f_i(y^{2^a}) = 2^{-a} Σ_e ε^{-ei} f(y ε^e), so f'(y^{2^a}) = Σ_i (β/y)^i ·
//! y^i f_i(y^{2^a}).

use kiln_field::{BabyBear, BabyBearExt4, Field, TwoAdicField};

use crate::domain::reverse_bits;

/// Folds one group of `2^log_arity` values (bit-reversed positions within the group) whose
/// first point is `y` (see the module docs), with challenge `beta`.
pub fn fold_group(
    group: &[BabyBearExt4],
    y_inv: BabyBear,
    beta: BabyBearExt4,
    log_arity: usize,
) -> BabyBearExt4 {
    let k = 1usize << log_arity;
    debug_assert_eq!(group.len(), k);
    // Natural order within the group: value at y·ε^e for e < k.
    let mut vals = vec![BabyBearExt4::ZERO; k];
    for (r, &v) in group.iter().enumerate() {
        vals[reverse_bits(r, log_arity)] = v;
    }
    let eps_inv = BabyBear::two_adic_generator(log_arity).inverse();
    let k_inv = BabyBear::new(k as u32).inverse();
    // coeffs[i] = y^i f_i = k^{-1} Σ_e ε^{-ei} vals[e]: a size-k inverse DFT (k ≤ 16).
    let beta_over_y = beta * y_inv;
    let mut acc = BabyBearExt4::ZERO;
    let mut weight = BabyBearExt4::ONE; // (β/y)^i
    for i in 0..k {
        let step = eps_inv.exp_u64(i as u64);
        let mut c = BabyBearExt4::ZERO;
        let mut w = BabyBear::ONE;
        for &v in &vals {
            c += v * w;
            w *= step;
        }
        acc += weight * (c * k_inv);
        weight *= beta_over_y;
    }
    acc
}

/// Rounds of folding and their arities: fold from `log_size` down to `log_final` bits,
/// `log_arity` bits at a time (the last round may take fewer).
pub fn fold_schedule(log_size: usize, log_final: usize, log_arity: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut bits = log_size.saturating_sub(log_final);
    while bits > 0 {
        let a = bits.min(log_arity);
        out.push(a);
        bits -= a;
    }
    out
}

/// Evaluates a polynomial given by coefficients (lowest first) at `x`.
pub fn eval_poly(coeffs: &[BabyBearExt4], x: BabyBearExt4) -> BabyBearExt4 {
    coeffs
        .iter()
        .rev()
        .fold(BabyBearExt4::ZERO, |acc, &c| acc * x + c)
}
