//! The FRI verifier: replays the commit phase's transcript, checks the proof of work, and
//! checks every round's fold against the next and the last against the final polynomial,
//! round by round for all queries together (a round's opening covers every query: each
//! distinct group once, without the values the queries bring themselves, and one pruned
//! set of Merkle digests).

use kiln_field::{BabyBearExt4, Dimensions, Field};
use kiln_hash::{MerkleTreeMmcs, distinct_rows};

use super::FriSchedule;
use crate::VerifyError;
use crate::domain::{LDE_SHIFT, lde_point, root};
use crate::proof::FriProof;
use crate::transcript::FriCommitPhase;
use crate::verifier::shape;

/// Verifies `proof` for inputs of the sizes `schedule.input_log_sizes` (the tallest over
/// g·⟨ω_N⟩, N = 2^schedule.log_size). `open_inputs` checks the openings of the committed
/// inputs at the query indices (positions in the tallest domain) and returns, per query,
/// every input's value there, tallest first.
pub(crate) fn verify(
    schedule: &FriSchedule,
    query_pow_bits: u32,
    num_queries: usize,
    proof: &FriProof,
    mut transcript: FriCommitPhase,
    open_inputs: impl FnOnce(&[usize]) -> Result<Vec<Vec<BabyBearExt4>>, VerifyError>,
) -> Result<(), VerifyError> {
    let rounds = schedule.log_arities.len();
    shape("FRI rounds", rounds, proof.layer_roots.len())?;
    shape("opened FRI rounds", rounds, proof.layer_openings.len())?;
    shape(
        "final polynomial length",
        1 << schedule.log_final_poly_len,
        proof.final_poly.len(),
    )?;
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

    let inputs = open_inputs(&indices)?;
    shape("queried inputs", num_queries, inputs.len())?;
    for values in &inputs {
        shape("FRI inputs", schedule.input_log_sizes.len(), values.len())?;
    }
    // Each query's running value, and the next input of each (the same for all).
    let mut values: Vec<BabyBearExt4> = inputs.iter().map(|v| v[0]).collect();
    let mut next_input = 1;

    let mmcs = MerkleTreeMmcs::new();
    let mut index = indices;
    let mut log_size = schedule.log_size;
    let mut shift = LDE_SHIFT;
    for (round, ((&log_arity, opening), (root_d, &beta))) in schedule
        .log_arities
        .iter()
        .zip(&proof.layer_openings)
        .zip(proof.layer_roots.iter().zip(&betas))
        .enumerate()
    {
        let folder = kiln::FriFolder::new(log_arity);
        let arity = 1usize << log_arity;
        // The rows opened (groups of `arity` values folded together), the values the
        // queries themselves bring, and the rest from the proof.
        let opened = distinct_rows(&index, log_arity);
        let mut groups = vec![vec![None; arity]; opened.len()];
        for (q, &i) in index.iter().enumerate() {
            let row = opened.partition_point(|&r| r < i >> log_arity);
            let slot = &mut groups[row][i % arity];
            match slot {
                Some(v) if *v != values[q] => {
                    return Err(VerifyError::FriFold { query: q, round });
                }
                _ => *slot = Some(values[q]),
            }
        }
        let missing = groups.iter().flatten().filter(|v| v.is_none()).count();
        shape("FRI round values", missing, opening.values.len())?;
        let mut given = opening.values.iter();
        let groups: Vec<Vec<BabyBearExt4>> = groups
            .into_iter()
            .map(|g| {
                g.into_iter()
                    .map(|v| v.or_else(|| given.next().copied()).unwrap_or_default())
                    .collect()
            })
            .collect();
        let rows: Vec<Vec<_>> = groups
            .iter()
            .map(|g| g.iter().flat_map(|v| v.0).collect())
            .collect();
        let dims = Dimensions {
            width: 4 * arity,
            height: 1 << (log_size - log_arity),
        };
        mmcs.verify_multi(root_d, &[dims], &opened, &[rows], &opening.siblings)
            .map_err(|source| VerifyError::Merkle {
                what: format!("FRI round {round}"),
                source,
            })?;
        // Fold each opened group once.
        let mut folded = Vec::with_capacity(opened.len());
        for (&q, group) in opened.iter().zip(&groups) {
            // The group's first point: shift·ω_N^{rev(q)}, rev on log N − a bits.
            let y = shift
                * root(log_size)
                    .exp_u64(kiln_field::reverse_bits_len(q, log_size - log_arity) as u64);
            let y_inv = y
                .try_inverse()
                .ok_or(VerifyError::FriFold { query: 0, round })?;
            folded.push(folder.fold(group, y_inv, beta));
        }
        log_size -= log_arity;
        shift = shift.exp_power_of_2(log_arity);
        let roll_in = schedule.input_log_sizes.get(next_input) == Some(&log_size);
        for (q, i) in index.iter_mut().enumerate() {
            *i >>= log_arity;
            values[q] = folded[opened.partition_point(|&r| r < *i)];
            if roll_in {
                values[q] += beta.exp_power_of_2(log_arity) * inputs[q][next_input];
            }
        }
        if roll_in {
            next_input += 1;
        }
    }
    for (q, (&i, &value)) in index.iter().zip(&values).enumerate() {
        let x_final = lde_point(shift, log_size, i);
        if eval_poly(&proof.final_poly, x_final.into()) != value {
            return Err(VerifyError::FinalPoly { query: q });
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
