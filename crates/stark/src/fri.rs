//! FRI folding schedule and helpers, shared by prover and verifier (the folding itself is
//! [`kiln::FriFolder`], shared with the GPU kernels' CPU reference).
//!
//! # Mathematical description
//! A layer holds the evaluations of f over s·⟨ω_N⟩ in bit-reversed order, so the 2^a
//! positions q·2^a + r (r < 2^a) hold f at y·ε^{rev_a(r)} with ε a primitive 2^a-th root
//! of unity and y = s·ω_N^{rev(q)} (rev on log N − a bits). Writing
//! f(X) = Σ_{i<2^a} X^i f_i(X^{2^a}), the folded polynomial is f'(Y) = Σ_i β^i f_i(Y),
//! evaluated at y^{2^a} — position q of the next layer, over s^{2^a}·⟨ω_{N/2^a}⟩. From the
//! group: y^i f_i(y^{2^a}) = 2^{-a} Σ_e ε^{-ei} f(y ε^e), so f'(y^{2^a}) = Σ_i (β/y)^i ·
//! y^i f_i(y^{2^a}).

use kiln_field::{BabyBearExt4, Field};

/// Batch inversion split across rayon's threads (one field inversion per chunk).
pub fn par_batch_inverse<F: Field>(values: &[F]) -> Vec<F> {
    use rayon::prelude::*;
    values
        .par_chunks(1 << 12)
        .flat_map_iter(kiln_field::batch_inverse)
        .collect()
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
