//! FRI: the low-degree test on the batched openings. The STARK prover and verifier hand
//! FRI the batched polynomial (prover) or a way to compute it at a query point (verifier);
//! the schedule, the commit phase, the final polynomial, grinding and the queries live
//! here. The transcript's steps are [`crate::transcript`]'s FRI phases.
//!
//! # Folding
//! A layer holds the evaluations of f over s·⟨ω_N⟩ in bit-reversed order, so the 2^a
//! positions q·2^a + r (r < 2^a) hold f at y·ε^{rev_a(r)} with ε a primitive 2^a-th root
//! of unity and y = s·ω_N^{rev(q)} (rev on log N − a bits). Writing
//! f(X) = Σ_{i<2^a} X^i f_i(X^{2^a}), the folded polynomial is f'(Y) = Σ_i β^i f_i(Y),
//! evaluated at y^{2^a} — position q of the next layer, over s^{2^a}·⟨ω_{N/2^a}⟩. From the
//! group: y^i f_i(y^{2^a}) = 2^{-a} Σ_e ε^{-ei} f(y ε^e), so f'(y^{2^a}) = Σ_i (β/y)^i ·
//! y^i f_i(y^{2^a}).
//!
//! One round is [`kiln::FriFolder`] (shared with the GPU kernels' CPU reference); a
//! committed layer's Merkle row q is the group of 2^a values folded into position q, each
//! as its 4 base-field coefficients.
//!
//! # Schedule
//! The input lies over g·⟨ω_N⟩ with N = n·2^blowup. Rounds fold `log_folding_arity` bits
//! at a time (the last may take fewer) until 2^(log_final + blowup) values are left, those
//! of a polynomial of degree < 2^log_final sent in the clear (log_final is
//! `log_final_poly_len`, at most log n).

pub(crate) mod prover;
pub(crate) mod verifier;

use crate::StarkConfig;

/// The rounds of one FRI instance, as both sides derive them from the configuration and
/// the trace length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FriSchedule {
    /// log2 of the input's domain size N.
    pub log_size: usize,
    /// log2 of the final polynomial's length (its coefficient count).
    pub log_final_poly_len: usize,
    /// log2 of each round's folding arity.
    pub log_arities: Vec<usize>,
}

impl FriSchedule {
    /// The schedule for a trace of 2^log_n rows under `config`.
    pub fn new(config: &StarkConfig, log_n: usize) -> Self {
        let log_blowup = usize::from(config.log_blowup);
        let log_final_poly_len = usize::from(config.log_final_poly_len).min(log_n);
        let log_size = log_n + log_blowup;
        Self {
            log_size,
            log_final_poly_len,
            log_arities: fold_schedule(
                log_size,
                log_final_poly_len + log_blowup,
                usize::from(config.log_folding_arity),
            ),
        }
    }
}

/// Rounds of folding and their arities: fold from `log_size` down to `log_final` bits,
/// `log_arity` bits at a time (the last round may take fewer).
fn fold_schedule(log_size: usize, log_final: usize, log_arity: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut bits = log_size.saturating_sub(log_final);
    while bits > 0 {
        let a = bits.min(log_arity);
        out.push(a);
        bits -= a;
    }
    out
}
