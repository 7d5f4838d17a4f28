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
//! The inputs are one batched polynomial per LDE height (tables of different heights):
//! the tallest lies over g·⟨ω_N⟩ with N = n·2^blowup. Rounds fold `log_folding_arity`
//! bits at a time until 2^(log_final + blowup) values are left, those of a polynomial of
//! degree < 2^log_final sent in the clear (log_final is `log_final_poly_len`, at most the
//! smallest log n). A round stops early at the height of a shorter input, which is then
//! rolled in: layer ← layer + β^{2^a}·R_h, with β the round's challenge and 2^a its arity
//! (the folded layer lies over g^{2^k}·⟨ω_h⟩ and R_h over g·⟨ω_h⟩; position by position,
//! R_h(g·ω^i) is the polynomial R_h(X·g^{1−2^k}) of the same degree at g^{2^k}·ω^i, so the
//! sum stays of low degree exactly when both are).

pub(crate) mod prover;
pub(crate) mod verifier;

use crate::StarkConfig;

/// The rounds of one FRI instance, as both sides derive them from the configuration and
/// the tables' heights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FriSchedule {
    /// log2 of the tallest input's domain size N.
    pub log_size: usize,
    /// log2 of the final polynomial's length (its coefficient count).
    pub log_final_poly_len: usize,
    /// log2 of each round's folding arity.
    pub log_arities: Vec<usize>,
    /// log2 of every input's domain size, tallest first, without repeats.
    pub input_log_sizes: Vec<usize>,
}

impl FriSchedule {
    /// The schedule for tables of 2^log_n rows (any order, at least one) under `config`.
    pub fn new(config: &StarkConfig, log_ns: &[usize]) -> Self {
        let log_blowup = usize::from(config.log_blowup);
        let max = log_ns.iter().copied().max().unwrap_or(0);
        let min = log_ns.iter().copied().min().unwrap_or(0);
        let log_final_poly_len = usize::from(config.log_final_poly_len).min(min);
        let mut input_log_sizes: Vec<usize> = log_ns.iter().map(|l| l + log_blowup).collect();
        input_log_sizes.sort_unstable_by(|a, b| b.cmp(a));
        input_log_sizes.dedup();
        let log_size = max + log_blowup;
        Self {
            log_size,
            log_final_poly_len,
            log_arities: fold_schedule(
                log_size,
                log_final_poly_len + log_blowup,
                usize::from(config.log_folding_arity),
                &input_log_sizes,
            ),
            input_log_sizes,
        }
    }
}

/// Rounds of folding and their arities: fold from `log_size` down to `log_final` bits,
/// `log_arity` bits at a time, a round ending early at every input size on the way.
fn fold_schedule(
    log_size: usize,
    log_final: usize,
    log_arity: usize,
    input_log_sizes: &[usize],
) -> Vec<usize> {
    let mut out = Vec::new();
    let mut size = log_size;
    while size > log_final {
        let stop = input_log_sizes
            .iter()
            .copied()
            .filter(|&s| s < size)
            .max()
            .unwrap_or(log_final)
            .max(log_final);
        let a = (size - stop).min(log_arity);
        out.push(a);
        size -= a;
    }
    out
}
