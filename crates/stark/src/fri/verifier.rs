//! The FRI verifier: replays the commit phase's transcript, checks the proof of work, and
//! per query checks every round's fold against the next and the last against the final
//! polynomial.

use kiln_field::{BabyBearExt4, Dimensions, Field};
use kiln_hash::MerkleTreeMmcs;

use super::FriSchedule;
use crate::VerifyError;
use crate::domain::{LDE_SHIFT, lde_point, root};
use crate::proof::{FriProof, QueryProof};
use crate::transcript::FriCommitPhase;
use crate::verifier::shape;

/// Verifies `proof` for inputs of the sizes `schedule.input_log_sizes` (the tallest over
/// g·⟨ω_N⟩, N = 2^schedule.log_size). `open_input` checks query `qi`'s openings of the
/// committed inputs at `index` (in the tallest domain) and returns every input's value
/// there, tallest first.
pub(crate) fn verify(
    schedule: &FriSchedule,
    query_pow_bits: u32,
    num_queries: usize,
    proof: &FriProof,
    mut transcript: FriCommitPhase,
    mut open_input: impl FnMut(usize, usize, &QueryProof) -> Result<Vec<BabyBearExt4>, VerifyError>,
) -> Result<(), VerifyError> {
    let rounds = schedule.log_arities.len();
    shape("FRI rounds", rounds, proof.layer_roots.len())?;
    shape(
        "final polynomial length",
        1 << schedule.log_final_poly_len,
        proof.final_poly.len(),
    )?;
    shape("queries", num_queries, proof.queries.len())?;
    let betas: Vec<BabyBearExt4> = proof
        .layer_roots
        .iter()
        .map(|r| transcript.observe_layer(r))
        .collect();
    let transcript = transcript
        .observe_final_poly(&proof.final_poly)
        .check_witness(query_pow_bits, proof.pow_witness)
        .ok_or(VerifyError::ProofOfWork)?;
    let indices = transcript.sample_indices(num_queries, schedule.log_size);

    let mmcs = MerkleTreeMmcs::new();
    let folders: Vec<kiln::FriFolder> = schedule
        .log_arities
        .iter()
        .map(|&a| kiln::FriFolder::new(a))
        .collect();
    for (qi, (query, &index)) in proof.queries.iter().zip(&indices).enumerate() {
        let values = open_input(qi, index, query)?;
        shape("FRI inputs", schedule.input_log_sizes.len(), values.len())?;
        let mut inputs = schedule.input_log_sizes.iter().copied().zip(values);
        let (_, mut value) = inputs.next().expect("at least one input");
        let mut inputs = inputs.peekable();
        shape("opened FRI rounds", rounds, query.layers.len())?;
        let mut i = index;
        let mut log_size = schedule.log_size;
        let mut shift = LDE_SHIFT;
        for (round, ((&log_arity, opening), (root_d, &beta))) in schedule
            .log_arities
            .iter()
            .zip(&query.layers)
            .zip(proof.layer_roots.iter().zip(&betas))
            .enumerate()
        {
            let arity = 1usize << log_arity;
            let dims = Dimensions {
                width: 4 * arity,
                height: 1 << (log_size - log_arity),
            };
            let q = i >> log_arity;
            mmcs.verify_batch(root_d, &[dims], q, opening)
                .map_err(|source| VerifyError::Merkle {
                    query: qi,
                    what: "FRI round",
                    source,
                })?;
            let row = &opening.opened_rows[0];
            let group: Vec<BabyBearExt4> = (0..arity)
                .map(|r| BabyBearExt4::new(core::array::from_fn(|k| row[r * 4 + k])))
                .collect();
            if group[i % arity] != value {
                return Err(VerifyError::FriFold { query: qi, round });
            }
            // The group's first point: shift·ω_N^{rev(q)}, rev on log N − a bits.
            let y = shift
                * root(log_size)
                    .exp_u64(kiln_field::reverse_bits_len(q, log_size - log_arity) as u64);
            let y_inv = y
                .try_inverse()
                .ok_or(VerifyError::FriFold { query: qi, round })?;
            value = folders[round].fold(&group, y_inv, beta);
            i = q;
            log_size -= log_arity;
            shift = shift.exp_power_of_2(log_arity);
            if let Some((_, r)) = inputs.next_if(|(s, _)| *s == log_size) {
                value += beta.exp_power_of_2(log_arity) * r;
            }
        }
        let x_final = lde_point(shift, log_size, i);
        if eval_poly(&proof.final_poly, x_final.into()) != value {
            return Err(VerifyError::FinalPoly { query: qi });
        }
    }
    Ok(())
}

/// Evaluates a polynomial given by coefficients (lowest first) at `x`.
fn eval_poly(coeffs: &[BabyBearExt4], x: BabyBearExt4) -> BabyBearExt4 {
    coeffs
        .iter()
        .rev()
        .fold(BabyBearExt4::ZERO, |acc, &c| acc * x + c)
}
