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
    Folder::new(log_arity).fold(group, y_inv, beta)
}

/// The constants of folding by 2^log_arity, computed once per round.
#[derive(Clone, Debug)]
pub struct Folder {
    log_arity: usize,
    /// ε^{-ei} for the size-2^a inverse DFT, row i.
    inv_dft: Vec<Vec<BabyBear>>,
    k_inv: BabyBear,
}

impl Folder {
    pub fn new(log_arity: usize) -> Self {
        let k = 1usize << log_arity;
        let eps_inv = BabyBear::two_adic_generator(log_arity).inverse();
        let inv_dft = (0..k)
            .map(|i| eps_inv.exp_u64(i as u64).powers(k))
            .collect();
        Self {
            log_arity,
            inv_dft,
            k_inv: BabyBear::new(k as u32).inverse(),
        }
    }

    /// Folds a group (see [`fold_group`]).
    pub fn fold(
        &self,
        group: &[BabyBearExt4],
        y_inv: BabyBear,
        beta: BabyBearExt4,
    ) -> BabyBearExt4 {
        let k = 1usize << self.log_arity;
        if k == 2 {
            // f0 = (a + b)/2, y·f1 = (a − b)/2: f' = f0 + (β/y)·y·f1.
            let (a, b) = (group[0], group[1]);
            return ((a + b) + (a - b) * (beta * y_inv)) * self.k_inv;
        }
        // Natural order within the group: value at y·ε^e for e < k.
        let mut vals = [BabyBearExt4::ZERO; 16];
        for (r, &v) in group.iter().enumerate().take(k) {
            vals[reverse_bits(r, self.log_arity)] = v;
        }
        let beta_over_y = beta * y_inv;
        let mut acc = BabyBearExt4::ZERO;
        let mut weight = BabyBearExt4::ONE; // (β/y)^i
        for row in &self.inv_dft {
            let mut c = BabyBearExt4::ZERO;
            for (&v, &w) in vals[..k].iter().zip(row) {
                c += v * w;
            }
            acc += weight * c;
            weight *= beta_over_y;
        }
        acc * self.k_inv
    }
}

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
