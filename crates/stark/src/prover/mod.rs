//! The prover.

mod folder;
mod open;
mod quotient;

use kiln::{CpuBackend, NttOps, Order};
use kiln_air::{Air, DebugBuilder, SymbolicAirBuilder, check_constraints, max_constraint_degree};
use kiln_field::{BabyBear, BabyBearExt4, ColMajorMatrix, Field};
use kiln_hash::{MerkleTree, MerkleTreeMmcs};
use rayon::prelude::*;
use tracing::{debug_span, info_span};

pub use folder::ProverFolder;

use crate::challenger::Challenger;
use crate::commit::{self, Committed, LdeCommitError};
use crate::domain::{LDE_SHIFT, reverse_bits, root};
use crate::proof::{FriProof, PROOF_VERSION, Proof, QueryProof};
use crate::{ProveError, StarkConfig, TRANSCRIPT_TAG, fri};

/// The AIRs the prover accepts: evaluable symbolically (degrees), by the debug checker and
/// by the prover's folder.
pub trait ProverAir:
    Air<SymbolicAirBuilder> + for<'a> Air<ProverFolder<'a>> + for<'a> Air<DebugBuilder<'a>>
{
}
impl<A> ProverAir for A where
    A: Air<SymbolicAirBuilder> + for<'a> Air<ProverFolder<'a>> + for<'a> Air<DebugBuilder<'a>>
{
}

fn lde_commit(
    mmcs: &MerkleTreeMmcs,
    values: &[BabyBear],
    width: usize,
    log_n: usize,
    log_blowup: usize,
    shifts: &[BabyBear],
) -> Result<Committed, ProveError> {
    commit::lde_commit(mmcs, values, width, log_n, log_blowup, shifts).map_err(|e| match e {
        LdeCommitError::Backend(e) => ProveError::Backend(e),
        LdeCommitError::Commit(e) => ProveError::Commit(e),
    })
}

/// Proves that `trace` satisfies `air` with `public_values`.
///
/// The trace is checked against the AIR first ([`check_constraints`]): a trace that does
/// not satisfy it is an error naming the row and the constraint, not a proof that fails to
/// verify.
pub fn prove<A: ProverAir>(
    config: &StarkConfig,
    air: &A,
    trace: &ColMajorMatrix,
    public_values: &[BabyBear],
) -> Result<Proof, ProveError> {
    debug_span!("check constraints")
        .in_scope(|| check_constraints(air, trace.view(), public_values))?;
    prove_unchecked(config, air, trace, public_values)
}

/// [`prove`] without checking the trace first: what a cheating prover runs. For soundness
/// tests; a proof of an unsatisfying trace must not verify.
#[doc(hidden)]
pub fn prove_unchecked<A: ProverAir>(
    config: &StarkConfig,
    air: &A,
    trace: &ColMajorMatrix,
    public_values: &[BabyBear],
) -> Result<Proof, ProveError> {
    config.validate()?;
    let _span = info_span!("prove", rows = trace.height(), width = trace.width()).entered();
    if trace.width() != air.width() {
        return Err(kiln_air::TraceError::Width {
            expected: air.width(),
            got: trace.width(),
        }
        .into());
    }
    if trace.height() < 2 || !trace.height().is_power_of_two() {
        return Err(kiln_air::TraceError::Height {
            height: trace.height(),
        }
        .into());
    }
    if public_values.len() != air.num_public_values() {
        return Err(kiln_air::TraceError::PublicValues {
            expected: air.num_public_values(),
            got: public_values.len(),
        }
        .into());
    }

    let log_n = trace.height().trailing_zeros() as usize;
    let log_blowup = usize::from(config.log_blowup);
    if log_n + log_blowup > 27 {
        return Err(ProveError::TooLarge { log_n, log_blowup });
    }
    let degree = max_constraint_degree(air);
    let log_chunks = kiln_air::quotient_degree(air);
    if log_chunks > log_blowup {
        return Err(ProveError::BlowupTooSmall {
            degree,
            needed: log_chunks,
            got: log_blowup,
        });
    }
    let n = 1usize << log_n;
    let big = n << log_blowup;
    let mmcs = MerkleTreeMmcs::new();
    let preprocessed = air.preprocessed_trace();
    let pre_width = preprocessed.as_ref().map_or(0, ColMajorMatrix::width);

    let mut ch = Challenger::new(TRANSCRIPT_TAG);
    crate::observe_instance(
        &mut ch,
        config,
        log_n,
        log_chunks,
        air.width(),
        pre_width,
        public_values,
    );

    // Preprocessed columns: committed like the trace; the verifier recomputes the root.
    let pre_committed = match &preprocessed {
        Some(p) => Some(debug_span!("preprocessed commit").in_scope(|| {
            lde_commit(&mmcs, p.data(), p.width(), log_n, log_blowup, &[LDE_SHIFT])
        })?),
        None => None,
    };
    if let Some(c) = &pre_committed {
        ch.observe_digest(&c.root);
    }

    // 1. Trace.
    let trace_c = debug_span!("trace commit").in_scope(|| {
        lde_commit(
            &mmcs,
            trace.data(),
            trace.width(),
            log_n,
            log_blowup,
            &[LDE_SHIFT],
        )
    })?;
    ch.observe_digest(&trace_c.root);

    // 2. Quotient.
    let alpha = ch.sample_ext();
    let chunks = debug_span!("quotient").in_scope(|| {
        quotient::quotient_chunks(
            air,
            &trace_c.tree,
            pre_committed.as_ref().map(|c| &c.tree),
            log_n,
            log_chunks,
            public_values,
            alpha,
        )
    });
    // Chunk i holds the quotient on D_i = g·ω_M^i·H; extended with shift ω_M^{-i} its LDE
    // lands on g·⟨ω_N⟩ like every other committed matrix.
    let w_m = root(log_n + log_chunks);
    let shifts: Vec<BabyBear> = (0..1usize << log_chunks)
        .map(|i| w_m.exp_u64(i as u64).inverse())
        .collect();
    let quotient_c = debug_span!("quotient commit").in_scope(|| {
        lde_commit(
            &mmcs,
            chunks.data(),
            chunks.width(),
            log_n,
            log_blowup,
            &shifts,
        )
    })?;
    ch.observe_digest(&quotient_c.root);

    // 3. Openings at ζ and ζ·ω.
    let zeta = ch.sample_ext();
    let zeta_next = zeta * root(log_n);
    let (openings, groups) = debug_span!("openings").in_scope(|| {
        open::openings(
            trace.view(),
            preprocessed.as_ref().map(|p| p.view()),
            chunks.view(),
            log_n,
            log_chunks,
            zeta,
        )
    });
    for v in openings
        .trace_local
        .iter()
        .chain(&openings.trace_next)
        .chain(&openings.preprocessed_local)
        .chain(&openings.preprocessed_next)
        .chain(&openings.quotient)
    {
        ch.observe_ext(*v);
    }

    // 4. FRI on the batched openings.
    let fri_alpha = ch.sample_ext();
    let mut inputs: Vec<(&MerkleTree<ColMajorMatrix>, &str)> =
        vec![(&trace_c.tree, "trace"), (&quotient_c.tree, "quotient")];
    if let Some(c) = &pre_committed {
        inputs.push((&c.tree, "preprocessed"));
    }
    let reduced = debug_span!("batch openings").in_scope(|| {
        open::reduced_openings(
            &inputs.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
            &groups,
            log_n + log_blowup,
            zeta,
            zeta_next,
            fri_alpha,
        )
    });
    let fri = debug_span!("fri")
        .in_scope(|| fri_prove(config, &mmcs, &mut ch, reduced, log_n, &inputs))?;
    debug_assert_eq!(fri.queries.len(), usize::from(config.num_queries));
    let _ = big;

    Ok(Proof {
        version: PROOF_VERSION,
        config: *config,
        log_n: log_n as u8,
        log_quotient_chunks: log_chunks as u8,
        trace_root: trace_c.root,
        quotient_root: quotient_c.root,
        openings,
        fri,
    })
}

/// The FRI commit phase on the reduced openings (bit-reversed over g·⟨ω_N⟩), the final
/// polynomial, grinding and the queries.
fn fri_prove(
    config: &StarkConfig,
    mmcs: &MerkleTreeMmcs,
    ch: &mut Challenger,
    mut layer: Vec<BabyBearExt4>,
    log_n: usize,
    inputs: &[(&MerkleTree<ColMajorMatrix>, &str)],
) -> Result<FriProof, ProveError> {
    let log_blowup = usize::from(config.log_blowup);
    let log_final = usize::from(config.log_final_poly_len).min(log_n);
    let schedule = fri::fold_schedule(
        log_n + log_blowup,
        log_final + log_blowup,
        usize::from(config.log_folding_arity),
    );
    let mut log_size = log_n + log_blowup;
    let mut shift = LDE_SHIFT;
    let mut trees = Vec::with_capacity(schedule.len());
    let mut layer_roots = Vec::with_capacity(schedule.len());
    for &log_arity in &schedule {
        let arity = 1usize << log_arity;
        let groups = layer.len() >> log_arity;
        // Commit the layer: row q = the group's 2^a values, 4 base coefficients each.
        let mut cols = vec![BabyBear::ZERO; 4 * arity * groups];
        for q in 0..groups {
            for r in 0..arity {
                for (k, c) in layer[q * arity + r].0.iter().enumerate() {
                    cols[(r * 4 + k) * groups + q] = *c;
                }
            }
        }
        let (root_d, tree) = mmcs.commit(vec![
            ColMajorMatrix::new(cols, 4 * arity, groups).expect("shape"),
        ])?;
        ch.observe_digest(&root_d);
        layer_roots.push(root_d);
        trees.push(tree);
        let beta = ch.sample_ext();
        // Fold: group q's first point is y_q = shift·ω_N^{rev(q)} (rev on log N − a bits).
        let log_next = log_size - log_arity;
        let w = root(log_size);
        // y_q = shift·ω^{rev(q)}: its inverse is shift^{-1}·ω^{-rev(q)}, a table lookup.
        let shift_inv = shift.inverse();
        let natural_inv = w.inverse().powers(groups);
        let y_inv: Vec<BabyBear> = (0..groups)
            .into_par_iter()
            .map(|q| shift_inv * natural_inv[reverse_bits(q, log_next)])
            .collect();
        let folder = kiln::Folder::new(log_arity);
        layer = layer
            .par_chunks_exact(arity)
            .zip(y_inv.par_iter())
            .map(|(g, &yi)| folder.fold(g, yi, beta))
            .collect();
        log_size = log_next;
        shift = shift.exp_power_of_2(log_arity);
    }

    // The final polynomial: interpolate the last layer (bit-reversed over shift·⟨ω⟩).
    let final_poly = final_coefficients(&layer, log_size, shift, 1 << log_final);
    for c in &final_poly {
        ch.observe_ext(*c);
    }

    let pow_witness = ch.grind(u32::from(config.query_pow_bits));
    let log_max = log_n + log_blowup;
    let mut queries = Vec::with_capacity(usize::from(config.num_queries));
    for _ in 0..config.num_queries {
        let index = ch.sample_bits(log_max as u32);
        let inputs = inputs
            .iter()
            .map(|(t, _)| mmcs.open_batch(index, t))
            .collect::<Result<Vec<_>, _>>()?;
        let mut layers = Vec::with_capacity(trees.len());
        let mut i = index;
        for (tree, &log_arity) in trees.iter().zip(&schedule) {
            i >>= log_arity;
            layers.push(mmcs.open_batch(i, tree)?);
        }
        queries.push(QueryProof { inputs, layers });
    }
    Ok(FriProof {
        layer_roots,
        final_poly,
        pow_witness,
        queries,
    })
}

/// Coefficients (lowest first, `len` of them) of the polynomial whose evaluations over
/// `shift·⟨ω_M⟩` are `evals` in bit-reversed order.
fn final_coefficients(
    evals: &[BabyBearExt4],
    log_m: usize,
    shift: BabyBear,
    len: usize,
) -> Vec<BabyBearExt4> {
    let m = evals.len();
    // Natural order, then an inverse DFT per extension coefficient.
    let mut natural = vec![BabyBearExt4::ZERO; m];
    for (p, &v) in evals.iter().enumerate() {
        natural[reverse_bits(p, log_m)] = v;
    }
    let cpu = CpuBackend::new();
    let mut cols: Vec<BabyBear> = (0..4)
        .flat_map(|k| natural.iter().map(move |v| v.0[k]))
        .collect();
    cpu.ntt_batch(
        &mut cols,
        log_m as u32,
        true,
        Order::Natural,
        Order::Natural,
    )
    .expect("size checked");
    let shift_inv = shift.inverse();
    let mut scale = BabyBear::ONE;
    (0..len.min(m))
        .map(|i| {
            let c = BabyBearExt4::new(core::array::from_fn(|k| cols[k * m + i] * scale));
            scale *= shift_inv;
            c
        })
        .collect()
}
