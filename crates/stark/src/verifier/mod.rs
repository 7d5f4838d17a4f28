//! The verifier. It depends on nothing of the prover; every check on the proof's shape
//! happens before the proof is used, so a malformed proof is an error, never a panic.

mod folder;

use kiln_air::{Air, LookupPlan, SymbolicAirBuilder, SymbolicConstraints, Window};
use kiln_field::{BabyBear, BabyBearExt4, ColMajorMatrix, Dimensions, Field};
use kiln_hash::{MerkleTreeMmcs, distinct_rows};

pub use folder::VerifierConstraintFolder;
use folder::VerifierLookup;

use crate::batch::{
    Group, NextColumns, Part, TableShape, commitments, expand, group_powers, group_values,
    opening_groups,
};
use crate::commit::lde_root;
use crate::domain::{LDE_SHIFT, chunk_weights, lde_point, root, selectors_at};
use crate::fri::{self, FriSchedule};
use crate::lookup::LookupChallenges;
use crate::proof::{Openings, PROOF_VERSION, Proof};
use crate::transcript::{Instance, StarkTranscript};
use crate::vk::VerifyingKey;
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

/// Verifies `proof` for `air` and `public_values` under `config`: a proof of one table.
pub fn verify<A: VerifierAir>(
    config: &StarkConfig,
    air: &A,
    proof: &Proof,
    public_values: &[BabyBear],
) -> Result<(), VerifyError> {
    verify_tables(config, core::slice::from_ref(air), proof, &[public_values])
}

/// What the verifier derives for one table from its AIR and the proof's height.
struct TableCheck {
    log_n: usize,
    log_chunks: usize,
    symbolic: SymbolicConstraints,
    /// The columns opened at ζω.
    next: NextColumns,
    preprocessed: Option<ColMajorMatrix>,
}

/// Verifies a proof of several tables ([`crate::prove_tables`]): `tables[t]` with
/// `public_values[t]`.
pub fn verify_tables<A: VerifierAir>(
    config: &StarkConfig,
    tables: &[A],
    proof: &Proof,
    public_values: &[&[BabyBear]],
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
    let k = tables.len();
    if k == 0 {
        return Err(VerifyError::Malformed {
            reason: "no tables to verify against".into(),
        });
    }
    shape("tables", k, proof.tables.len())?;
    shape("public value lists", k, public_values.len())?;
    let log_blowup = usize::from(config.log_blowup);

    // Each table's shape, from its AIR and the proof's height; every opening's length is
    // checked here, before anything is used.
    let mut checks = Vec::with_capacity(k);
    for (t, (air, tp)) in tables.iter().zip(&proof.tables).enumerate() {
        if public_values[t].len() != air.num_public_values() {
            return Err(VerifyError::PublicValues {
                expected: air.num_public_values(),
                got: public_values[t].len(),
            });
        }
        let log_n = usize::from(tp.log_n);
        if log_n + log_blowup > crate::TWO_ADICITY {
            return Err(VerifyError::Malformed {
                reason: format!("table {t}: height 2^{log_n} out of range"),
            });
        }
        let symbolic = SymbolicConstraints::of(air);
        let log_chunks = symbolic.log_quotient_chunks();
        if log_chunks > log_blowup {
            return Err(VerifyError::BadConfig {
                reason: format!("table {t}: log_blowup is below the AIR's quotient degree"),
            });
        }
        let preprocessed = air.preprocessed_trace();
        if let Some(p) = &preprocessed
            && p.height() != 1 << log_n
        {
            return Err(VerifyError::Preprocessed {
                reason: format!(
                    "table {t}: the preprocessed trace has {} rows, the proof 2^{log_n}",
                    p.height()
                ),
            });
        }
        let o = &tp.openings;
        let width = symbolic.main_width;
        let pre_width = symbolic.preprocessed_width;
        let aux_width = 4 * symbolic.aux_width();
        shape("trace openings at ζ", width, o.trace_local.len())?;
        let next = NextColumns::of(&symbolic);
        shape("trace openings at ζω", next.main.len(), o.trace_next.len())?;
        shape(
            "preprocessed openings at ζ",
            pre_width,
            o.preprocessed_local.len(),
        )?;
        shape(
            "preprocessed openings at ζω",
            next.preprocessed.len(),
            o.preprocessed_next.len(),
        )?;
        shape("auxiliary openings at ζ", aux_width, o.aux_local.len())?;
        shape("auxiliary openings at ζω", aux_width, o.aux_next.len())?;
        shape("quotient openings", 4 << log_chunks, o.quotient.len())?;
        let has_aux = !symbolic.lookup.is_empty();
        if tp.lookup_sum.is_some() != has_aux {
            return Err(VerifyError::LookupTotal {
                table: t,
                present: tp.lookup_sum.is_some(),
            });
        }
        checks.push(TableCheck {
            log_n,
            log_chunks,
            symbolic,
            next,
            preprocessed,
        });
    }
    let vk = VerifyingKey::new(
        config,
        &checks.iter().map(|c| &c.symbolic).collect::<Vec<_>>(),
        &tables
            .iter()
            .map(|t| t.max_log_height())
            .collect::<Vec<_>>(),
    );
    for (t, (c, key)) in checks.iter().zip(&vk.tables).enumerate() {
        if c.log_n > key.max_log_height {
            return Err(VerifyError::TooTall {
                table: t,
                log_n: c.log_n,
                max: key.max_log_height,
            });
        }
    }
    let lookups = crate::prover::total_lookups(
        checks
            .iter()
            .map(|c| (c.log_n, c.symbolic.interactions.len())),
    );
    if lookups >= u128::from(BabyBear::ORDER) {
        return Err(VerifyError::TooManyLookups { count: lookups });
    }
    let shapes: Vec<TableShape> = checks
        .iter()
        .map(|c| TableShape {
            log_n: c.log_n,
            has_preprocessed: c.preprocessed.is_some(),
            has_aux: !c.symbolic.lookup.is_empty(),
        })
        .collect();
    let any_aux = shapes.iter().any(|s| s.has_aux);
    if proof.aux_root.is_some() != any_aux {
        return Err(VerifyError::Malformed {
            reason: "the auxiliary commitment does not match the tables' interactions".into(),
        });
    }

    let instances: Vec<Instance<'_>> = checks
        .iter()
        .zip(public_values)
        .map(|(c, pv)| Instance {
            log_n: c.log_n,
            log_chunks: c.log_chunks,
            width: c.symbolic.main_width,
            preprocessed_width: c.symbolic.preprocessed_width,
            aux_width: c.symbolic.aux_width(),
            public_values: pv,
        })
        .collect();
    let transcript = StarkTranscript::new(config, &vk.digest, &instances);
    let pre_matrices: Vec<(&ColMajorMatrix, usize)> = checks
        .iter()
        .filter_map(|c| c.preprocessed.as_ref().map(|p| (p, c.log_n)))
        .collect();
    let pre_root = if pre_matrices.is_empty() {
        None
    } else {
        Some(
            lde_root(&pre_matrices, log_blowup, LDE_SHIFT)
                .map_err(|reason| VerifyError::Preprocessed { reason })?,
        )
    };
    let (transcript, [gamma, beta]) = transcript.observe_main(pre_root.as_ref(), &proof.main_root);
    let max_tuple = checks
        .iter()
        .flat_map(|c| c.symbolic.interactions.iter().map(|i| i.values.len()))
        .max()
        .unwrap_or(0);
    let challenges = LookupChallenges::new(gamma, beta, max_tuple);
    let sums: Vec<BabyBearExt4> = proof.tables.iter().filter_map(|t| t.lookup_sum).collect();
    let (transcript, alpha) = transcript.observe_aux(proof.aux_root.as_ref(), &sums);
    if sums.iter().copied().sum::<BabyBearExt4>() != BabyBearExt4::ZERO {
        return Err(VerifyError::LookupSum);
    }
    let (transcript, zeta) = transcript.observe_quotient(&proof.quotient_root);
    let (transcript, fri_alpha) =
        transcript.observe_openings(proof.tables.iter().map(|t| &t.openings));

    // Out-of-domain check per table: Σ α^{k−1−i} C_i(ζ) = Z_H(ζ)·Q(ζ).
    for ((air, c), (tp, pv)) in tables
        .iter()
        .zip(&checks)
        .zip(proof.tables.iter().zip(public_values))
    {
        let lookup = tp.lookup_sum.map(|total| OodLookup {
            plan: &c.symbolic.lookup,
            challenges: &challenges,
            total,
        });
        if !ood_identity_holds(
            air,
            &tp.openings,
            &c.next,
            pv,
            (c.log_n, c.log_chunks),
            (alpha, zeta),
            lookup,
        )? {
            return Err(VerifyError::OodMismatch);
        }
    }

    // Batching: α^k per (group, column) in the prover's order, and B_z = Σ α^k f(z),
    // per height.
    struct HeightBatch<'a> {
        log_n: usize,
        zeta_next: BabyBearExt4,
        b_zeta: BabyBearExt4,
        b_next: BabyBearExt4,
        groups: Vec<(Group, &'a [BabyBearExt4], Vec<BabyBearExt4>)>,
    }
    let part_width = |t: usize, part: Part| -> usize {
        let c = &checks[t];
        match part {
            Part::Main => c.symbolic.main_width,
            Part::Preprocessed => c.symbolic.preprocessed_width,
            Part::Aux => 4 * c.symbolic.aux_width(),
            Part::Quotient => 4 << c.log_chunks,
        }
    };
    let mut power = BabyBearExt4::ONE;
    let mut batches = Vec::new();
    for (log_n, groups) in opening_groups(&shapes) {
        let (mut b_zeta, mut b_next) = (BabyBearExt4::ZERO, BabyBearExt4::ZERO);
        let mut out = Vec::with_capacity(groups.len());
        for g in groups {
            let values = group_values(&proof.tables[g.table].openings, g.part, g.at_next);
            let b = if g.at_next { &mut b_next } else { &mut b_zeta };
            let ps = group_powers(
                values,
                checks[g.table].next.selection(g.part, g.at_next),
                part_width(g.table, g.part),
                fri_alpha,
                &mut power,
                b,
            );
            out.push((g, values, ps));
        }
        batches.push(HeightBatch {
            log_n,
            zeta_next: zeta * root(log_n),
            b_zeta,
            b_next,
            groups: out,
        });
    }

    // The commitments a query opens, their matrices' shapes, and where each table's part
    // sits among them.
    let layout = commitments(&shapes);
    let mut inputs = Vec::with_capacity(layout.len());
    for (part, members) in &layout {
        let root_d = match part {
            Part::Preprocessed => pre_root.expect("listed when present"),
            Part::Main => proof.main_root,
            Part::Aux => proof.aux_root.expect("checked above"),
            Part::Quotient => proof.quotient_root,
        };
        let dims: Vec<Dimensions> = members
            .iter()
            .map(|&t| Dimensions {
                width: part_width(t, *part),
                height: 1 << (checks[t].log_n + log_blowup),
            })
            .collect();
        let what = match part {
            Part::Preprocessed => "preprocessed",
            Part::Main => "trace",
            Part::Aux => "auxiliary",
            Part::Quotient => "quotient",
        };
        inputs.push((*part, members.clone(), dims, root_d, what));
    }
    let log_max = shapes.iter().map(|s| s.log_n).max().unwrap_or(0) + log_blowup;

    // FRI on the batched openings; at each query, each height's batched polynomial
    // R(x) = Σ α^k (f(x) − f(z)) / (x − z) comes from the opened rows.
    let mmcs = MerkleTreeMmcs::new();
    let open_inputs = |indices: &[usize]| {
        let openings = &proof.fri.input_openings;
        shape("opened commitments", inputs.len(), openings.len())?;
        // Per commitment: the query positions in its own height (a commitment shorter
        // than the tallest domain is opened there), and per matrix its opened rows.
        let mut opened_rows: Vec<Vec<Vec<usize>>> = Vec::with_capacity(inputs.len());
        for (opening, (_, _, dims, root_d, what)) in openings.iter().zip(&inputs) {
            let tallest = dims.iter().map(|d| d.height).max().unwrap_or(1);
            let log_tallest = tallest.trailing_zeros() as usize;
            let local: Vec<usize> = indices
                .iter()
                .map(|i| i >> (log_max - log_tallest))
                .collect();
            mmcs.verify_multi(root_d, dims, &local, &opening.rows, &opening.siblings)
                .map_err(|source| VerifyError::Merkle {
                    what: (*what).into(),
                    source,
                })?;
            opened_rows.push(
                dims.iter()
                    .map(|d| distinct_rows(indices, log_max - d.height.trailing_zeros() as usize))
                    .collect(),
            );
        }
        indices
            .iter()
            .map(|&index| {
                let row = |t: usize, part: Part| -> &[BabyBear] {
                    let c = inputs
                        .iter()
                        .position(|x| x.0 == part)
                        .expect("the layout lists every part in use");
                    let m = inputs[c]
                        .1
                        .iter()
                        .position(|&m| m == t)
                        .expect("the layout lists every table with the part");
                    let log_h = inputs[c].2[m].height.trailing_zeros() as usize;
                    openings[c]
                        .row(m, index >> (log_max - log_h), &opened_rows[c][m])
                        .expect("verify_multi checked every opened row is present")
                };
                let mut out = Vec::with_capacity(batches.len());
                for b in &batches {
                    let log_size = b.log_n + log_blowup;
                    let x = lde_point(LDE_SHIFT, log_size, index >> (log_max - log_size));
                    let (mut a_zeta, mut a_next) = (BabyBearExt4::ZERO, BabyBearExt4::ZERO);
                    for (g, _, ps) in &b.groups {
                        let acc = if g.at_next { &mut a_next } else { &mut a_zeta };
                        for (&v, p) in row(g.table, g.part).iter().zip(ps) {
                            *acc += *p * v;
                        }
                    }
                    let inv = |z: BabyBearExt4| {
                        (BabyBearExt4::from(x) - z)
                            .try_inverse()
                            .ok_or(VerifyError::OodPointInDomain)
                    };
                    out.push(
                        (a_zeta - b.b_zeta) * inv(zeta)? + (a_next - b.b_next) * inv(b.zeta_next)?,
                    );
                }
                Ok(out)
            })
            .collect()
    };
    let log_ns: Vec<usize> = checks.iter().map(|c| c.log_n).collect();
    fri::verifier::verify(
        &FriSchedule::new(config, &log_ns),
        u32::from(config.query_pow_bits),
        usize::from(config.num_queries),
        &proof.fri,
        transcript,
        open_inputs,
    )
}

/// The lookup side of the out-of-domain check.
#[derive(Debug)]
pub(crate) struct OodLookup<'a> {
    pub plan: &'a LookupPlan,
    pub challenges: &'a LookupChallenges,
    pub total: BabyBearExt4,
}

/// BabyBear^4 columns from their 4 base columns' values at an extension point.
fn ext_columns(values: &[BabyBearExt4]) -> Vec<BabyBearExt4> {
    values
        .chunks_exact(4)
        .map(|c| {
            let mut v = BabyBearExt4::ZERO;
            for (k, x) in c.iter().enumerate() {
                let mut basis = [BabyBear::ZERO; 4];
                basis[k] = BabyBear::ONE;
                v += BabyBearExt4::new(basis) * *x;
            }
            v
        })
        .collect()
}

/// Whether the opened values satisfy Σ α^{k−1−i} C_i(ζ) = Z_H(ζ)·Q(ζ), the lookup
/// constraints included. The shapes of `o` are checked by the caller. The prover runs
/// this too, on its own openings: a trace that breaks a constraint fails it except with
/// probability about deg/|F_ext|.
pub(crate) fn ood_identity_holds<A: VerifierAir>(
    air: &A,
    o: &Openings,
    next: &NextColumns,
    public_values: &[BabyBear],
    (log_n, log_chunks): (usize, usize),
    (alpha, zeta): (BabyBearExt4, BabyBearExt4),
    lookup: Option<OodLookup<'_>>,
) -> Result<bool, VerifyError> {
    let sel = selectors_at(log_n, zeta).ok_or(VerifyError::OodPointInDomain)?;
    let public: Vec<BabyBearExt4> = public_values.iter().map(|&v| v.into()).collect();
    let aux_local = ext_columns(&o.aux_local);
    let aux_next = ext_columns(&o.aux_next);
    // The columns not opened at ζω are never read there.
    let trace_next = expand(&o.trace_next, &next.main, o.trace_local.len());
    let pre_next = expand(
        &o.preprocessed_next,
        &next.preprocessed,
        o.preprocessed_local.len(),
    );
    let mut folder = VerifierConstraintFolder {
        main: Window {
            local: &o.trace_local,
            next: &trace_next,
        },
        preprocessed: Window {
            local: &o.preprocessed_local,
            next: &pre_next,
        },
        public: &public,
        selectors: sel,
        alpha,
        acc: BabyBearExt4::ZERO,
        lookup: lookup.map(|l| VerifierLookup {
            plan: l.plan,
            challenges: l.challenges,
            aux_local: &aux_local,
            aux_next: &aux_next,
            total: l.total,
            dens: Vec::new(),
            mults: Vec::new(),
        }),
    };
    air.eval(&mut folder);
    folder.finish();
    let weights = chunk_weights(log_n, log_chunks, zeta).ok_or(VerifyError::OodPointInDomain)?;
    let mut quotient = BabyBearExt4::ZERO;
    for (w, q_i) in weights.iter().zip(ext_columns(&o.quotient)) {
        quotient += *w * q_i;
    }
    Ok(folder.acc * sel.inv_vanishing == quotient)
}
