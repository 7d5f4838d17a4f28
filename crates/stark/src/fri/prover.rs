//! The FRI prover: the commit phase (fold, commit, absorb, sample), the final polynomial,
//! grinding, and the answers to the queries.

use kiln::merkle::{BackendTree, MatrixRef};
use kiln::{CpuBackend, NttOps, Order};
use kiln_field::{BabyBear, BabyBearExt4, Field};
use kiln_hash::{Digest, MultiOpening, distinct_rows};
use tracing::debug_span;

use super::FriSchedule;
use crate::ProveError;
use crate::domain::LDE_SHIFT;
use crate::proof::{FriProof, LayerOpening};
use crate::prover::ProverBackend;
use crate::transcript::{FriCommitPhase, PowPhase};

/// One committed FRI layer, on the backend: the layer as a matrix (row q: the 2^a values
/// folded into position q of the next layer, 4 base-field coefficients each) and its tree.
pub(crate) struct CommittedLayer<B: ProverBackend> {
    matrix: B::Buffer<BabyBear>,
    log_arity: usize,
    /// Rows: 2^(log size − log arity).
    height: usize,
    tree: BackendTree<B>,
}

impl<B: ProverBackend> CommittedLayer<B> {
    fn width(&self) -> usize {
        4 << self.log_arity
    }

    pub fn root(&self) -> Digest {
        self.tree.root()
    }
}

/// What the commit phase leaves: the committed layers and the final polynomial.
pub(crate) struct CommitPhaseResult<B: ProverBackend> {
    pub layers: Vec<CommittedLayer<B>>,
    /// Coefficients, lowest first.
    pub final_poly: Vec<BabyBearExt4>,
}

/// The commit phase on `inputs` (one per size of `schedule.input_log_sizes`, tallest
/// first, each bit-reversed over g·⟨ω⟩): per round, commit the layer, absorb its root,
/// sample β, fold, and roll in the input of the new size if there is one; then
/// interpolate the final polynomial and absorb it.
pub(crate) fn commit_phase<B: ProverBackend>(
    backend: &B,
    schedule: &FriSchedule,
    mut transcript: FriCommitPhase,
    inputs: Vec<B::Buffer<BabyBearExt4>>,
) -> Result<(CommitPhaseResult<B>, PowPhase), ProveError> {
    let mut inputs = schedule
        .input_log_sizes
        .iter()
        .copied()
        .zip(inputs)
        .peekable();
    let (_, mut layer) = inputs.next().expect("FRI has at least one input");
    let mut log_size = schedule.log_size;
    let mut shift = LDE_SHIFT;
    let mut layers = Vec::with_capacity(schedule.log_arities.len());
    for &log_arity in &schedule.log_arities {
        let (size32, arity32) = (log_size as u32, log_arity as u32);
        let matrix = backend.fri_layer_matrix(&layer, size32, arity32)?;
        let height = 1usize << (log_size - log_arity);
        let tree = backend.merkle_commit(&[MatrixRef::new(&matrix, 4 << log_arity, height)])?;
        let beta = transcript.observe_layer(&tree.root());
        layer = backend.fri_fold(&layer, size32, arity32, shift, beta)?;
        layers.push(CommittedLayer {
            matrix,
            log_arity,
            height,
            tree,
        });
        log_size -= log_arity;
        shift = shift.exp_power_of_2(log_arity);
        if let Some((_, input)) = inputs.next_if(|(s, _)| *s == log_size) {
            backend.ext_add_scaled(&mut layer, beta.exp_power_of_2(log_arity), &input)?;
        }
    }
    debug_assert!(inputs.next().is_none(), "every input is rolled in");

    // The final polynomial: interpolate the last layer (bit-reversed over shift·⟨ω⟩).
    let last = backend.download(&layer)?;
    let final_poly = final_coefficients(&last, log_size, shift, 1 << schedule.log_final_poly_len);
    let transcript = transcript.observe_final_poly(&final_poly);
    Ok((CommitPhaseResult { layers, final_poly }, transcript))
}

/// Each layer's openings at the query `indices` (positions in the input's domain): per
/// layer, the distinct groups the queries fall in, less the values the queries bring
/// (the verifier computes those), with one pruned set of Merkle digests.
pub(crate) fn answer_queries<B: ProverBackend>(
    backend: &B,
    layers: &[CommittedLayer<B>],
    indices: &[usize],
) -> Result<Vec<LayerOpening>, ProveError> {
    let mut per_layer = Vec::with_capacity(layers.len());
    let mut index = indices.to_vec();
    for layer in layers {
        let a = layer.log_arity;
        let arity = 1usize << a;
        let rows: Vec<usize> = index.iter().map(|&i| i >> a).collect();
        let m = MatrixRef::new(&layer.matrix, layer.width(), layer.height);
        let singles = backend.merkle_open(&layer.tree, &[m], &rows)?;
        let multi = MultiOpening::from_openings(&[layer.height], &rows, &singles);
        // Which positions of each opened group the queries bring.
        let opened = distinct_rows(&index, a);
        let mut brought = vec![vec![false; arity]; opened.len()];
        for &i in &index {
            brought[opened.partition_point(|&r| r < i >> a)][i % arity] = true;
        }
        let mut values = Vec::new();
        for (row, brought) in multi.rows[0].iter().zip(&brought) {
            for (p, _) in brought.iter().enumerate().filter(|(_, b)| !**b) {
                values.push(BabyBearExt4::new(core::array::from_fn(|k| row[4 * p + k])));
            }
        }
        per_layer.push(LayerOpening {
            values,
            siblings: multi.siblings,
        });
        for i in &mut index {
            *i >>= a;
        }
    }
    Ok(per_layer)
}

/// FRI on `inputs` (see [`commit_phase`]): the commit phase, grinding and the queries.
/// `open_inputs` opens the committed inputs at the query indices (one multi-opening per
/// commitment).
pub(crate) fn prove<B: ProverBackend>(
    backend: &B,
    schedule: &FriSchedule,
    query_pow_bits: u32,
    num_queries: usize,
    transcript: FriCommitPhase,
    inputs: Vec<B::Buffer<BabyBearExt4>>,
    open_inputs: impl FnOnce(&[usize]) -> Result<Vec<MultiOpening>, ProveError>,
) -> Result<FriProof, ProveError> {
    let (committed, transcript) = debug_span!("commit phase")
        .in_scope(|| commit_phase(backend, schedule, transcript, inputs))?;
    let (pow_witness, transcript) =
        debug_span!("grinding").in_scope(|| transcript.grind(query_pow_bits));
    let _query_span = debug_span!("query phase").entered();
    let indices = transcript.sample_indices(num_queries, schedule.log_size);
    let input_openings = open_inputs(&indices)?;
    let layer_openings = answer_queries(backend, &committed.layers, &indices)?;
    Ok(FriProof {
        layer_roots: committed.layers.iter().map(CommittedLayer::root).collect(),
        final_poly: committed.final_poly,
        pow_witness,
        input_openings,
        layer_openings,
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
        natural[kiln_field::reverse_bits_len(p, log_m)] = v;
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
