//! The verifier. It depends on nothing of the prover; every check on the proof's shape
//! happens before the proof is used, so a malformed proof is an error, never a panic.

mod folder;

use kiln_air::{Air, SymbolicAirBuilder, Window, quotient_degree};
use kiln_field::{BabyBear, BabyBearExt4, ColMajorMatrix, Dimensions, Field};
use kiln_hash::MerkleTreeMmcs;

pub use folder::VerifierConstraintFolder;

use crate::commit::lde_root;
use crate::domain::{LDE_SHIFT, chunk_weights, lde_point, root, selectors_at};
use crate::fri::{self, FriSchedule};
use crate::proof::{Openings, PROOF_VERSION, Proof, QueryProof};
use crate::transcript::{Instance, StarkTranscript};
use crate::{StarkConfig, VerifyError};

/// The AIRs the verifier accepts.
pub trait VerifierAir: Air<SymbolicAirBuilder> + for<'a> Air<VerifierConstraintFolder<'a>> {}
impl<A: Air<SymbolicAirBuilder> + for<'a> Air<VerifierConstraintFolder<'a>>> VerifierAir for A {}

pub(crate) fn shape(what: &'static str, expected: usize, got: usize) -> Result<(), VerifyError> {
    if expected == got {
        Ok(())
    } else {
        Err(VerifyError::Shape {
            what,
            expected,
            got,
        })
    }
}

/// Verifies `proof` for `air` and `public_values` under `config`.
pub fn verify<A: VerifierAir>(
    config: &StarkConfig,
    air: &A,
    proof: &Proof,
    public_values: &[BabyBear],
) -> Result<(), VerifyError> {
    config.validate()?;
    if proof.version != PROOF_VERSION {
        return Err(VerifyError::Version {
            expected: PROOF_VERSION,
            got: proof.version,
        });
    }
    if proof.config != *config {
        return Err(VerifyError::ConfigMismatch);
    }
    if public_values.len() != air.num_public_values() {
        return Err(VerifyError::PublicValues {
            expected: air.num_public_values(),
            got: public_values.len(),
        });
    }
    let log_blowup = usize::from(config.log_blowup);
    let log_n = usize::from(proof.log_n);
    if log_n == 0 || log_n + log_blowup > crate::TWO_ADICITY {
        return Err(VerifyError::Malformed {
            reason: format!("trace length 2^{log_n} out of range"),
        });
    }
    let log_chunks = quotient_degree(air);
    shape(
        "quotient chunks (log2)",
        log_chunks,
        usize::from(proof.log_quotient_chunks),
    )?;
    if log_chunks > log_blowup {
        return Err(VerifyError::BadConfig {
            reason: "log_blowup is below the AIR's quotient degree".into(),
        });
    }
    let width = air.width();
    let preprocessed = air.preprocessed_trace();
    let pre_width = preprocessed.as_ref().map_or(0, ColMajorMatrix::width);
    let o = &proof.openings;
    shape("trace openings at ζ", width, o.trace_local.len())?;
    shape("trace openings at ζω", width, o.trace_next.len())?;
    shape(
        "preprocessed openings at ζ",
        pre_width,
        o.preprocessed_local.len(),
    )?;
    shape(
        "preprocessed openings at ζω",
        pre_width,
        o.preprocessed_next.len(),
    )?;
    let quotient_width = 4 << log_chunks;
    shape("quotient openings", quotient_width, o.quotient.len())?;

    let n = 1usize << log_n;
    let log_big = log_n + log_blowup;

    let transcript = StarkTranscript::new(
        config,
        &Instance {
            log_n,
            log_chunks,
            width,
            preprocessed_width: pre_width,
            public_values,
        },
    );
    let pre_root = match &preprocessed {
        Some(p) => {
            if p.height() != n {
                return Err(VerifyError::Preprocessed {
                    reason: format!(
                        "the preprocessed trace has {} rows, the proof {n}",
                        p.height()
                    ),
                });
            }
            let root = lde_root(p.data(), p.width(), log_n, log_blowup, LDE_SHIFT)
                .map_err(|reason| VerifyError::Preprocessed { reason })?;
            Some(root)
        }
        None => None,
    };
    let (transcript, alpha) = transcript.observe_trace(pre_root.as_ref(), &proof.trace_root);
    let (transcript, zeta) = transcript.observe_quotient(&proof.quotient_root);
    let zeta_next = zeta * root(log_n);
    let (transcript, fri_alpha) = transcript.observe_openings(o);

    // Out-of-domain check: Σ α^{k−1−i} C_i(ζ) = Z_H(ζ)·Q(ζ).
    if !ood_identity_holds(air, o, public_values, log_n, log_chunks, alpha, zeta)? {
        return Err(VerifyError::OodMismatch);
    }

    // Batching: α^k per (group, column) in the prover's order, and B_z = Σ α^k f(z).
    let mut groups: Vec<(usize, bool, &[BabyBearExt4])> = vec![
        (0, false, &o.trace_local),
        (0, true, &o.trace_next),
        (1, false, &o.quotient),
    ];
    let mut input_dims = vec![
        (
            Dimensions {
                width,
                height: n << log_blowup,
            },
            "trace",
        ),
        (
            Dimensions {
                width: quotient_width,
                height: n << log_blowup,
            },
            "quotient",
        ),
    ];
    let mut input_roots = vec![proof.trace_root, proof.quotient_root];
    if let Some(r) = pre_root {
        groups.push((2, false, &o.preprocessed_local));
        groups.push((2, true, &o.preprocessed_next));
        input_dims.push((
            Dimensions {
                width: pre_width,
                height: n << log_blowup,
            },
            "preprocessed",
        ));
        input_roots.push(r);
    }
    let mut powers: Vec<(usize, bool, Vec<BabyBearExt4>)> = Vec::new();
    let (mut b_zeta, mut b_next) = (BabyBearExt4::ZERO, BabyBearExt4::ZERO);
    let mut power = BabyBearExt4::ONE;
    for (input, at_next, values) in &groups {
        let mut ps = Vec::with_capacity(values.len());
        for &v in values.iter() {
            ps.push(power);
            if *at_next {
                b_next += power * v;
            } else {
                b_zeta += power * v;
            }
            power *= fri_alpha;
        }
        powers.push((*input, *at_next, ps));
    }

    // FRI on the batched openings; at each query, the batched polynomial's value
    // R(x) = Σ α^k (f(x) − f(z)) / (x − z) comes from the opened rows of the inputs.
    let mmcs = MerkleTreeMmcs::new();
    let open_input = |qi: usize, index: usize, query: &QueryProof| {
        shape(
            "opened input matrices",
            input_dims.len(),
            query.inputs.len(),
        )?;
        for ((opening, (dims, what)), root_d) in
            query.inputs.iter().zip(&input_dims).zip(&input_roots)
        {
            mmcs.verify_batch(root_d, &[*dims], index, opening)
                .map_err(|source| VerifyError::Merkle {
                    query: qi,
                    what,
                    source,
                })?;
        }
        let x = lde_point(LDE_SHIFT, log_big, index);
        let (mut a_zeta, mut a_next) = (BabyBearExt4::ZERO, BabyBearExt4::ZERO);
        for (input, at_next, ps) in &powers {
            let row = &query.inputs[*input].opened_rows[0];
            let acc = if *at_next { &mut a_next } else { &mut a_zeta };
            for (&v, p) in row.iter().zip(ps) {
                *acc += *p * v;
            }
        }
        let inv = |z: BabyBearExt4| {
            (BabyBearExt4::from(x) - z)
                .try_inverse()
                .ok_or(VerifyError::OodPointInDomain)
        };
        Ok((a_zeta - b_zeta) * inv(zeta)? + (a_next - b_next) * inv(zeta_next)?)
    };
    fri::verifier::verify(
        &FriSchedule::new(config, log_n),
        u32::from(config.query_pow_bits),
        usize::from(config.num_queries),
        &proof.fri,
        transcript,
        open_input,
    )
}

/// Whether the opened values satisfy Σ α^{k−1−i} C_i(ζ) = Z_H(ζ)·Q(ζ). The shapes of
/// `o` are checked by the caller. The prover runs this too, on its own openings: a trace
/// that breaks a constraint fails it except with probability about deg/|F_ext|.
pub(crate) fn ood_identity_holds<A: VerifierAir>(
    air: &A,
    o: &Openings,
    public_values: &[BabyBear],
    log_n: usize,
    log_chunks: usize,
    alpha: BabyBearExt4,
    zeta: BabyBearExt4,
) -> Result<bool, VerifyError> {
    let sel = selectors_at(log_n, zeta).ok_or(VerifyError::OodPointInDomain)?;
    let public: Vec<BabyBearExt4> = public_values.iter().map(|&v| v.into()).collect();
    let mut folder = VerifierConstraintFolder {
        main: Window {
            local: &o.trace_local,
            next: &o.trace_next,
        },
        preprocessed: Window {
            local: &o.preprocessed_local,
            next: &o.preprocessed_next,
        },
        public: &public,
        selectors: sel,
        alpha,
        acc: BabyBearExt4::ZERO,
    };
    air.eval(&mut folder);
    let weights = chunk_weights(log_n, log_chunks, zeta).ok_or(VerifyError::OodPointInDomain)?;
    let mut quotient = BabyBearExt4::ZERO;
    for (i, w) in weights.iter().enumerate() {
        let mut q_i = BabyBearExt4::ZERO;
        for k in 0..4 {
            let mut basis = [BabyBear::ZERO; 4];
            basis[k] = BabyBear::ONE;
            q_i += BabyBearExt4::new(basis) * o.quotient[4 * i + k];
        }
        quotient += *w * q_i;
    }
    Ok(folder.acc * sel.inv_vanishing == quotient)
}
