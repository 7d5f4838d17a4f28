//! The prover.

mod ext;
mod folder;
mod open;
mod quotient;

use kiln::merkle::{BackendTree, MatrixRef, MerkleOps};
use kiln::{Backend, CpuBackend, CudaBackend, EmuBackend, NttOps, Order, QuotientSpec, StarkOps};
use kiln_air::{
    Air, ConstraintProgram, DebugBuilder, SymbolicConstraints, TraceError, check_buses,
    check_constraints,
};
#[cfg(target_arch = "aarch64")]
use kiln_field::packed::PackedNeon;
#[cfg(target_arch = "x86_64")]
use kiln_field::packed::{PackedAvx2, PackedAvx512};
use kiln_field::{BabyBear, BabyBearExt4, ColMajorMatrix, Field, PackedField, Simd, SimdLevel};
use kiln_hash::MultiOpening;
use tracing::{debug_span, info_span};

pub use folder::ProverConstraintFolder;

use crate::batch::{NextColumns, Part, TableShape, commitments, opening_groups};
use crate::domain::{LDE_SHIFT, root};
use crate::fri::{self, FriSchedule};
use crate::lookup::{LookupChallenges, aux_trace};
use crate::proof::{Openings, PROOF_VERSION, Proof, TableProof};
use crate::transcript::{Instance, StarkTranscript};
use crate::verifier::{OodLookup, VerifierAir, ood_identity_holds};
use crate::vk::VerifyingKey;
use crate::{ProveError, StarkConfig};

/// The AIRs the prover accepts: evaluable symbolically (degrees), by the prover's folder
/// at every SIMD level ([`PackedAir`]), at the out-of-domain point (the self-check) and by
/// the debug checker. An AIR written for any `AB: AirBuilder` is all of these.
pub trait ProverAir: VerifierAir + PackedAir + for<'a> Air<DebugBuilder<'a>> {}
impl<A> ProverAir for A where A: VerifierAir + PackedAir + for<'a> Air<DebugBuilder<'a>> {}

/// An AIR the CPU prover's folder can evaluate with the vector type of every SIMD level of
/// this architecture (`kiln_field::packed`).
#[cfg(target_arch = "x86_64")]
pub trait PackedAir:
    for<'a> Air<ProverConstraintFolder<'a, BabyBear>>
    + for<'a> Air<ProverConstraintFolder<'a, PackedAvx2>>
    + for<'a> Air<ProverConstraintFolder<'a, PackedAvx512>>
{
}
#[cfg(target_arch = "x86_64")]
impl<A> PackedAir for A where
    A: for<'a> Air<ProverConstraintFolder<'a, BabyBear>>
        + for<'a> Air<ProverConstraintFolder<'a, PackedAvx2>>
        + for<'a> Air<ProverConstraintFolder<'a, PackedAvx512>>
{
}
/// An AIR the CPU prover's folder can evaluate with the vector type of every SIMD level of
/// this architecture (`kiln_field::packed`).
#[cfg(target_arch = "aarch64")]
pub trait PackedAir:
    for<'a> Air<ProverConstraintFolder<'a, BabyBear>>
    + for<'a> Air<ProverConstraintFolder<'a, PackedNeon>>
{
}
#[cfg(target_arch = "aarch64")]
impl<A> PackedAir for A where
    A: for<'a> Air<ProverConstraintFolder<'a, BabyBear>>
        + for<'a> Air<ProverConstraintFolder<'a, PackedNeon>>
{
}
/// An AIR the CPU prover's folder can evaluate with the vector type of every SIMD level of
/// this architecture (`kiln_field::packed`).
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub trait PackedAir: for<'a> Air<ProverConstraintFolder<'a, BabyBear>> {}
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
impl<A> PackedAir for A where A: for<'a> Air<ProverConstraintFolder<'a, BabyBear>> {}

/// A backend the prover runs on: NTTs, Merkle commitments and the STARK kernels, with the
/// quotient evaluation as its one customisable step.
///
/// The default quotient compiles the AIR's symbolic constraints into a
/// [`kiln_air::ConstraintProgram`] and evaluates it with [`StarkOps::evaluate_quotient`]
/// (the GPU path); the CPU backend evaluates the AIR directly on packed field elements,
/// which is faster there. Both give the same words, so proofs are byte-identical.
pub trait ProverBackend: NttOps + StarkOps + MerkleOps + Sync {
    /// A host matrix's buffer as this backend's buffer, when it already is one (the CPU
    /// backend reads traces in place); `None` means upload a copy.
    fn host_buffer<'a>(&self, _matrix: &'a ColMajorMatrix) -> Option<&'a Self::Buffer<BabyBear>> {
        None
    }

    /// The quotient chunks: 4·2^chunks columns of n values, chunk i over D_i = g·ω_M^i·H
    /// in natural order (see [`QuotientInputs`]).
    fn quotient_chunks<A: ProverAir>(
        &self,
        air: &A,
        q: &QuotientInputs<'_, Self>,
    ) -> Result<Self::Buffer<BabyBear>, ProveError> {
        if !q.symbolic.lookup.is_empty() {
            return host_quotient(self, air, q);
        }
        let program = ConstraintProgram::from_symbolic(q.symbolic);
        let log_m = (q.log_n + q.log_chunks) as u32;
        let main = self.quotient_domain_columns(q.trace_lde, q.lde_height, log_m, q.trace_width)?;
        let pre = match q.preprocessed_lde {
            Some((lde, width)) => {
                Some(self.quotient_domain_columns(lde, q.lde_height, log_m, width)?)
            }
            None => None,
        };
        let spec = QuotientSpec {
            program: &program,
            public_values: q.public_values,
            alpha: q.alpha,
            log_n: q.log_n as u32,
            log_chunks: q.log_chunks as u32,
            shift: LDE_SHIFT,
        };
        Ok(self.evaluate_quotient(&spec, &main, pre.as_ref())?)
    }
}

/// What the quotient is computed from: the committed LDEs (bit-reversed over g·⟨ω_N⟩).
#[allow(missing_debug_implementations)]
pub struct QuotientInputs<'a, B: Backend + ?Sized> {
    pub trace_lde: &'a B::Buffer<BabyBear>,
    pub trace_width: usize,
    /// The preprocessed LDE and its width.
    pub preprocessed_lde: Option<(&'a B::Buffer<BabyBear>, usize)>,
    /// N = n·2^blowup.
    pub lde_height: usize,
    pub log_n: usize,
    pub log_chunks: usize,
    /// The AIR's constraints, evaluated symbolically once per proof.
    pub symbolic: &'a SymbolicConstraints,
    pub public_values: &'a [BabyBear],
    pub alpha: BabyBearExt4,
    /// The auxiliary (LogUp) LDE and its base width (4 per BabyBear^4 column).
    pub aux_lde: Option<(&'a B::Buffer<BabyBear>, usize)>,
    /// The lookup challenges and the table's total, when it has interactions.
    pub(crate) lookup: Option<&'a QuotientLookup>,
}

/// What the lookup constraints read besides the columns.
#[derive(Debug)]
pub(crate) struct QuotientLookup {
    pub challenges: LookupChallenges,
    pub total: BabyBearExt4,
}

/// The quotient of a table with interactions on a device backend: its constraint
/// programs do not cover the lookup constraints yet, so the columns come to the host and
/// the CPU evaluates them (one-lane level: the same words as every other level).
fn host_quotient<B: ProverBackend + ?Sized, A: ProverAir>(
    backend: &B,
    air: &A,
    q: &QuotientInputs<'_, B>,
) -> Result<B::Buffer<BabyBear>, ProveError> {
    let trace = backend.download(q.trace_lde)?;
    let pre = q
        .preprocessed_lde
        .map(|(b, w)| backend.download(b).map(|v| (v, w)))
        .transpose()?;
    let aux = q
        .aux_lde
        .map(|(b, w)| backend.download(b).map(|v| (v, w)))
        .transpose()?;
    let host = QuotientInputs::<CpuBackend> {
        trace_lde: &trace,
        trace_width: q.trace_width,
        preprocessed_lde: pre.as_ref().map(|(v, w)| (v, *w)),
        lde_height: q.lde_height,
        log_n: q.log_n,
        log_chunks: q.log_chunks,
        symbolic: q.symbolic,
        public_values: q.public_values,
        alpha: q.alpha,
        aux_lde: aux.as_ref().map(|(v, w)| (v, *w)),
        lookup: q.lookup,
    };
    let simd = Simd::<BabyBear>::new().expect("the scalar level is always available");
    Ok(backend.upload(&quotient::quotient_chunks(simd, air, &host))?)
}

impl ProverBackend for CpuBackend {
    fn host_buffer<'a>(&self, matrix: &'a ColMajorMatrix) -> Option<&'a Vec<BabyBear>> {
        Some(matrix.data_vec())
    }

    fn quotient_chunks<A: ProverAir>(
        &self,
        air: &A,
        q: &QuotientInputs<'_, Self>,
    ) -> Result<Vec<BabyBear>, ProveError> {
        fn at<A: for<'a> kiln_air::Air<ProverConstraintFolder<'a, P>>, P: PackedField>(
            air: &A,
            q: &QuotientInputs<'_, CpuBackend>,
        ) -> Vec<BabyBear> {
            let simd = Simd::<P>::new().expect("the backend's SIMD level was checked");
            quotient::quotient_chunks(simd, air, q)
        }
        Ok(match self.simd_level() {
            SimdLevel::Scalar => at::<A, BabyBear>(air, q),
            #[cfg(target_arch = "x86_64")]
            SimdLevel::Avx2 => at::<A, PackedAvx2>(air, q),
            #[cfg(target_arch = "x86_64")]
            SimdLevel::Avx512 => at::<A, PackedAvx512>(air, q),
            #[cfg(target_arch = "aarch64")]
            SimdLevel::Neon => at::<A, PackedNeon>(air, q),
            #[allow(unreachable_patterns)]
            other => unreachable!("the CPU backend holds an available level, not {other}"),
        })
    }
}

impl ProverBackend for EmuBackend {}

impl ProverBackend for CudaBackend {}

/// An LDE on the backend: `width` columns over g·⟨ω_N⟩ (N = `height`), bit-reversed.
struct Lde<B: ProverBackend> {
    lde: B::Buffer<BabyBear>,
    width: usize,
    height: usize,
}

impl<B: ProverBackend> Lde<B> {
    fn matrix(&self) -> MatrixRef<'_, B> {
        MatrixRef::new(&self.lde, self.width, self.height)
    }
}

/// Extends `width` columns of 2^log_n values (column-major, on the backend) by
/// 2^log_blowup. Columns come in `shifts.len()` equal groups; group s is extended with
/// shift `shifts[s]` (its values lie over a coset whose LDE lands on the common domain).
fn extend<B: ProverBackend>(
    backend: &B,
    values: &B::Buffer<BabyBear>,
    width: usize,
    log_n: usize,
    log_blowup: usize,
    shifts: &[BabyBear],
) -> Result<Lde<B>, ProveError> {
    let (log_n32, log_blowup32) = (log_n as u32, log_blowup as u32);
    let lde = debug_span!("lde").in_scope(|| {
        if let [shift] = shifts {
            backend.coset_lde_batch(values, log_n32, log_blowup32, *shift, Order::BitReversed)
        } else {
            backend.coset_lde_batch_shifts(
                values,
                log_n32,
                log_blowup32,
                shifts,
                Order::BitReversed,
            )
        }
    })?;
    Ok(Lde {
        lde,
        width,
        height: 1 << (log_n + log_blowup),
    })
}

/// One commitment to several LDEs (mixed heights).
fn commit<B: ProverBackend>(backend: &B, ldes: &[&Lde<B>]) -> Result<BackendTree<B>, ProveError> {
    let matrices: Vec<MatrixRef<'_, B>> = ldes.iter().map(|l| l.matrix()).collect();
    Ok(debug_span!("merkle").in_scope(|| backend.merkle_commit(&matrices))?)
}

/// Proves that `trace` satisfies `air` with `public_values`, on the CPU: a proof of one
/// table ([`prove_tables`]).
///
/// A trace that does not satisfy the AIR is an error naming the row and the constraint
/// ([`check_constraints`]), not a proof that fails to verify. The check costs almost
/// nothing on a good trace: the prover checks the verifier's out-of-domain identity on its
/// own openings, and runs the row-by-row checker only when that fails.
pub fn prove<A: ProverAir>(
    config: &StarkConfig,
    air: &A,
    trace: &ColMajorMatrix,
    public_values: &[BabyBear],
) -> Result<Proof, ProveError> {
    prove_with(&CpuBackend::new(), config, air, trace, public_values)
}

/// [`prove`] on `backend`: the trace, its LDE, the Merkle trees, the quotient and the FRI
/// layers stay on the backend; only roots, openings and the final polynomial come back.
/// Every backend produces the same proof, byte for byte.
pub fn prove_with<B: ProverBackend, A: ProverAir>(
    backend: &B,
    config: &StarkConfig,
    air: &A,
    trace: &ColMajorMatrix,
    public_values: &[BabyBear],
) -> Result<Proof, ProveError> {
    prove_inner(
        backend,
        config,
        core::slice::from_ref(air),
        core::slice::from_ref(trace),
        &[public_values],
        true,
    )
}

/// [`prove`] without the trace check: what a cheating prover runs. For soundness
/// tests; a proof of an unsatisfying trace must not verify.
#[doc(hidden)]
pub fn prove_unchecked<A: ProverAir>(
    config: &StarkConfig,
    air: &A,
    trace: &ColMajorMatrix,
    public_values: &[BabyBear],
) -> Result<Proof, ProveError> {
    prove_unchecked_with(&CpuBackend::new(), config, air, trace, public_values)
}

/// [`prove_unchecked`] on `backend`.
#[doc(hidden)]
pub fn prove_unchecked_with<B: ProverBackend, A: ProverAir>(
    backend: &B,
    config: &StarkConfig,
    air: &A,
    trace: &ColMajorMatrix,
    public_values: &[BabyBear],
) -> Result<Proof, ProveError> {
    prove_inner(
        backend,
        config,
        core::slice::from_ref(air),
        core::slice::from_ref(trace),
        &[public_values],
        false,
    )
}

/// Proves several tables at once, on the CPU: table t is `traces[t]` under `tables[t]`
/// with `public_values[t]`; the tables may have any heights (powers of two) and exchange
/// tuples over LogUp buses ([`kiln_air::lookup`]). One transcript, one commitment per
/// round for all tables, one FRI.
///
/// A witness that breaks a constraint of a table, or leaves a bus unbalanced, is an error
/// naming the table, the row and constraint, or the bus, the tuple and the tables that
/// send and receive it.
pub fn prove_tables<A: ProverAir>(
    config: &StarkConfig,
    tables: &[A],
    traces: &[ColMajorMatrix],
    public_values: &[&[BabyBear]],
) -> Result<Proof, ProveError> {
    prove_tables_with(&CpuBackend::new(), config, tables, traces, public_values)
}

/// [`prove_tables`] on `backend`; every backend produces the same proof.
pub fn prove_tables_with<B: ProverBackend, A: ProverAir>(
    backend: &B,
    config: &StarkConfig,
    tables: &[A],
    traces: &[ColMajorMatrix],
    public_values: &[&[BabyBear]],
) -> Result<Proof, ProveError> {
    prove_inner(backend, config, tables, traces, public_values, true)
}

/// [`prove_tables_with`] without the witness checks (soundness tests).
#[doc(hidden)]
pub fn prove_tables_unchecked_with<B: ProverBackend, A: ProverAir>(
    backend: &B,
    config: &StarkConfig,
    tables: &[A],
    traces: &[ColMajorMatrix],
    public_values: &[&[BabyBear]],
) -> Result<Proof, ProveError> {
    prove_inner(backend, config, tables, traces, public_values, false)
}

/// One table's shape, checked against its AIR.
struct Checked {
    log_n: usize,
    log_chunks: usize,
    symbolic: SymbolicConstraints,
    preprocessed: Option<ColMajorMatrix>,
}

/// Checks table `t`'s witness shape against its AIR.
fn check_shape<A: ProverAir>(
    config: &StarkConfig,
    air: &A,
    trace: &ColMajorMatrix,
    public_values: &[BabyBear],
) -> Result<Checked, ProveError> {
    if trace.width() != air.width() {
        return Err(TraceError::Width {
            expected: air.width(),
            got: trace.width(),
        }
        .into());
    }
    if trace.height() == 0 || !trace.height().is_power_of_two() {
        return Err(TraceError::Height {
            height: trace.height(),
        }
        .into());
    }
    if public_values.len() != air.num_public_values() {
        return Err(TraceError::PublicValues {
            expected: air.num_public_values(),
            got: public_values.len(),
        }
        .into());
    }
    let preprocessed = air.preprocessed_trace();
    if let Some(p) = &preprocessed
        && p.height() != trace.height()
    {
        return Err(TraceError::PreprocessedHeight {
            expected: trace.height(),
            got: p.height(),
        }
        .into());
    }
    let log_n = trace.height().trailing_zeros() as usize;
    let log_blowup = usize::from(config.log_blowup);
    if log_n + log_blowup > crate::TWO_ADICITY {
        return Err(ProveError::TooLarge { log_n, log_blowup });
    }
    let symbolic = debug_span!("symbolic").in_scope(|| SymbolicConstraints::of(air));
    let log_chunks = symbolic.log_quotient_chunks();
    if log_chunks > log_blowup {
        return Err(ProveError::BlowupTooSmall {
            degree: symbolic.max_degree(),
            needed: log_chunks,
            got: log_blowup,
        });
    }
    Ok(Checked {
        log_n,
        log_chunks,
        symbolic,
        preprocessed,
    })
}

/// Σ_tables height × interactions: LogUp counts in the field, so the total must stay
/// below p.
pub(crate) fn total_lookups(tables: impl IntoIterator<Item = (usize, usize)>) -> u128 {
    tables
        .into_iter()
        .map(|(log_n, interactions)| (1u128 << log_n) * interactions as u128)
        .sum()
}

/// The prover; `check`: check the witness (see [`check_trace`]).
fn prove_inner<B: ProverBackend, A: ProverAir>(
    backend: &B,
    config: &StarkConfig,
    tables: &[A],
    traces: &[ColMajorMatrix],
    public_values: &[&[BabyBear]],
    check: bool,
) -> Result<Proof, ProveError> {
    config.validate()?;
    let k = tables.len();
    if k == 0 {
        return Err(ProveError::NoTables);
    }
    for (what, got) in [
        ("traces", traces.len()),
        ("public value lists", public_values.len()),
    ] {
        if got != k {
            return Err(ProveError::TableCount {
                what,
                expected: k,
                got,
            });
        }
    }
    let _span = info_span!(
        "prove",
        tables = k,
        rows = traces.iter().map(ColMajorMatrix::height).max().unwrap_or(0),
        backend = backend.name()
    )
    .entered();
    // Errors of one table name it when there are several.
    let in_table = |t: usize, e: ProveError| -> ProveError {
        match e {
            ProveError::Trace(source) if k > 1 => ProveError::Trace(TraceError::InTable {
                table: t,
                name: tables[t].name(),
                source: Box::new(source),
            }),
            e => e,
        }
    };
    let checked: Vec<Checked> = (0..k)
        .map(|t| {
            check_shape(config, &tables[t], &traces[t], public_values[t])
                .map_err(|e| in_table(t, e))
        })
        .collect::<Result<_, _>>()?;
    let vk = VerifyingKey::new(
        config,
        &checked.iter().map(|c| &c.symbolic).collect::<Vec<_>>(),
        &tables
            .iter()
            .map(|t| t.max_log_height())
            .collect::<Vec<_>>(),
    );
    for (t, (c, key)) in checked.iter().zip(&vk.tables).enumerate() {
        if c.log_n > key.max_log_height {
            return Err(ProveError::TooTall {
                table: t,
                log_n: c.log_n,
                max: key.max_log_height,
            });
        }
    }
    let lookups = total_lookups(
        checked
            .iter()
            .map(|c| (c.log_n, c.symbolic.interactions.len())),
    );
    if lookups >= u128::from(BabyBear::ORDER) {
        return Err(ProveError::TooManyLookups { count: lookups });
    }
    let log_blowup = usize::from(config.log_blowup);
    let shapes: Vec<TableShape> = checked
        .iter()
        .map(|c| TableShape {
            log_n: c.log_n,
            has_preprocessed: c.preprocessed.is_some(),
            has_aux: !c.symbolic.lookup.is_empty(),
        })
        .collect();
    let instances: Vec<Instance<'_>> = checked
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

    // Preprocessed columns: committed like the traces; the verifier recomputes the root.
    let mut pre_values = Vec::with_capacity(k);
    let mut pre_ldes = Vec::with_capacity(k);
    for c in &checked {
        match &c.preprocessed {
            Some(p) => {
                let v = backend.upload(p.data())?;
                pre_ldes.push(Some(extend(
                    backend,
                    &v,
                    p.width(),
                    c.log_n,
                    log_blowup,
                    &[LDE_SHIFT],
                )?));
                pre_values.push(Some(v));
            }
            None => {
                pre_ldes.push(None);
                pre_values.push(None);
            }
        }
    }
    let pre_tree = {
        let ldes: Vec<&Lde<B>> = pre_ldes.iter().flatten().collect();
        if ldes.is_empty() {
            None
        } else {
            Some(debug_span!("preprocessed commit").in_scope(|| commit(backend, &ldes))?)
        }
    };

    // 1. Main traces (read in place where the backend's buffers are host memory).
    let uploaded: Vec<Option<B::Buffer<BabyBear>>> = debug_span!("upload").in_scope(|| {
        traces
            .iter()
            .map(|t| match backend.host_buffer(t) {
                Some(_) => Ok(None),
                None => backend.upload(t.data()).map(Some),
            })
            .collect::<Result<_, _>>()
    })?;
    let main_values: Vec<&B::Buffer<BabyBear>> = uploaded
        .iter()
        .zip(traces)
        .map(|(copy, trace)| {
            copy.as_ref()
                .or(backend.host_buffer(trace))
                .expect("uploaded where the backend has no host buffer")
        })
        .collect();
    let main_ldes = debug_span!("trace commit").in_scope(|| {
        checked
            .iter()
            .zip(traces)
            .zip(&main_values)
            .map(|((c, trace), v)| {
                extend(backend, v, trace.width(), c.log_n, log_blowup, &[LDE_SHIFT])
            })
            .collect::<Result<Vec<_>, ProveError>>()
    })?;
    let main_tree = debug_span!("trace commit")
        .in_scope(|| commit(backend, &main_ldes.iter().collect::<Vec<_>>()))?;
    let (transcript, [gamma, beta]) = transcript.observe_main(
        pre_tree.as_ref().map(BackendTree::root).as_ref(),
        &main_tree.root(),
    );

    // 2. Auxiliary (LogUp) columns of the tables with interactions.
    let max_tuple = checked
        .iter()
        .flat_map(|c| c.symbolic.interactions.iter().map(|i| i.values.len()))
        .max()
        .unwrap_or(0);
    let challenges = LookupChallenges::new(gamma, beta, max_tuple);
    let mut aux_values = Vec::with_capacity(k);
    let mut aux_ldes = Vec::with_capacity(k);
    let mut sums: Vec<Option<BabyBearExt4>> = Vec::with_capacity(k);
    for (t, c) in checked.iter().enumerate() {
        if c.symbolic.lookup.is_empty() {
            aux_values.push(None);
            aux_ldes.push(None);
            sums.push(None);
            continue;
        }
        let (cols, total) = debug_span!("aux trace")
            .in_scope(|| {
                aux_trace(
                    &c.symbolic,
                    traces[t].view(),
                    c.preprocessed.as_ref().map(ColMajorMatrix::view),
                    public_values[t],
                    &challenges,
                )
            })
            .map_err(|z| ProveError::LookupDenominator {
                table: t,
                row: z.row,
                interaction: z.interaction,
            })?;
        let width = 4 * c.symbolic.aux_width();
        let v = backend.upload(&cols)?;
        aux_ldes.push(Some(extend(
            backend,
            &v,
            width,
            c.log_n,
            log_blowup,
            &[LDE_SHIFT],
        )?));
        aux_values.push(Some(v));
        sums.push(Some(total));
    }
    let aux_tree = {
        let ldes: Vec<&Lde<B>> = aux_ldes.iter().flatten().collect();
        if ldes.is_empty() {
            None
        } else {
            Some(debug_span!("aux commit").in_scope(|| commit(backend, &ldes))?)
        }
    };
    let flat_sums: Vec<BabyBearExt4> = sums.iter().flatten().copied().collect();
    let (transcript, alpha) = transcript.observe_aux(
        aux_tree.as_ref().map(BackendTree::root).as_ref(),
        &flat_sums,
    );
    if check && flat_sums.iter().copied().sum::<BabyBearExt4>() != BabyBearExt4::ZERO {
        let views: Vec<_> = traces.iter().map(ColMajorMatrix::view).collect();
        debug_span!("check buses").in_scope(|| check_buses(tables, &views, public_values))?;
        return Err(ProveError::SelfCheck);
    }

    // 3. Quotients, one per table on its own domain, committed together.
    let lookups: Vec<Option<QuotientLookup>> = sums
        .iter()
        .map(|s| {
            s.map(|total| QuotientLookup {
                challenges: challenges.clone(),
                total,
            })
        })
        .collect();
    let mut chunks = Vec::with_capacity(k);
    let mut quotient_ldes = Vec::with_capacity(k);
    for t in 0..k {
        let c = &checked[t];
        let q = debug_span!("quotient").in_scope(|| {
            backend.quotient_chunks(
                &tables[t],
                &QuotientInputs {
                    trace_lde: &main_ldes[t].lde,
                    trace_width: main_ldes[t].width,
                    preprocessed_lde: pre_ldes[t].as_ref().map(|l| (&l.lde, l.width)),
                    lde_height: main_ldes[t].height,
                    log_n: c.log_n,
                    log_chunks: c.log_chunks,
                    symbolic: &c.symbolic,
                    public_values: public_values[t],
                    alpha,
                    aux_lde: aux_ldes[t].as_ref().map(|l| (&l.lde, l.width)),
                    lookup: lookups[t].as_ref(),
                },
            )
        })?;
        // Chunk i holds the quotient on D_i = g·ω_M^i·H; extended with shift ω_M^{-i}
        // its LDE lands on g·⟨ω_N⟩ like every other committed matrix.
        let w_m = root(c.log_n + c.log_chunks);
        let shifts: Vec<BabyBear> = (0..1usize << c.log_chunks)
            .map(|i| w_m.exp_u64(i as u64).inverse())
            .collect();
        quotient_ldes.push(extend(
            backend,
            &q,
            4 << c.log_chunks,
            c.log_n,
            log_blowup,
            &shifts,
        )?);
        chunks.push(q);
    }
    let quotient_tree = debug_span!("quotient commit")
        .in_scope(|| commit(backend, &quotient_ldes.iter().collect::<Vec<_>>()))?;
    let (transcript, zeta) = transcript.observe_quotient(&quotient_tree.root());

    // 4. Openings at ζ and ζ·ω_n (there, the columns read at the next row), per table.
    let next_cols: Vec<NextColumns> = checked
        .iter()
        .map(|c| NextColumns::of(&c.symbolic))
        .collect();
    let mut weights = open::Weights::default();
    let openings: Vec<Openings> = debug_span!("openings").in_scope(|| {
        (0..k)
            .map(|t| {
                open::openings(
                    backend,
                    &open::TableValues {
                        log_n: checked[t].log_n,
                        log_chunks: checked[t].log_chunks,
                        main: (main_values[t], traces[t].width()),
                        preprocessed: pre_values[t]
                            .as_ref()
                            .map(|v| (v, checked[t].symbolic.preprocessed_width)),
                        aux: aux_values[t]
                            .as_ref()
                            .map(|v| (v, 4 * checked[t].symbolic.aux_width())),
                        chunks: &chunks[t],
                    },
                    &next_cols[t],
                    zeta,
                    &mut weights,
                )
            })
            .collect::<Result<_, ProveError>>()
    })?;
    let (transcript, fri_alpha) = transcript.observe_openings(&openings);
    drop(main_values);
    drop((uploaded, pre_values, aux_values, chunks));
    if check {
        for t in 0..k {
            let c = &checked[t];
            let lookup = lookups[t].as_ref().map(|l| OodLookup {
                plan: &c.symbolic.lookup,
                challenges: &l.challenges,
                total: l.total,
            });
            check_trace(
                &tables[t],
                &traces[t],
                public_values[t],
                (&openings[t], &next_cols[t]),
                (c.log_n, c.log_chunks),
                (alpha, zeta),
                lookup,
            )
            .map_err(|e| in_table(t, e))?;
        }
    }

    // 5. FRI on the batched openings, one input per height.
    let heights = opening_groups(&shapes);
    let lde_of = |t: usize, part: Part| -> (&B::Buffer<BabyBear>, usize) {
        let l = match part {
            Part::Main => &main_ldes[t],
            Part::Quotient => &quotient_ldes[t],
            Part::Aux => aux_ldes[t]
                .as_ref()
                .expect("the layout lists existing parts"),
            Part::Preprocessed => pre_ldes[t]
                .as_ref()
                .expect("the layout lists existing parts"),
        };
        (&l.lde, l.width)
    };
    let reduced = debug_span!("batch openings").in_scope(|| {
        open::reduced_openings(
            backend,
            &heights,
            &lde_of,
            &openings,
            &next_cols,
            log_blowup,
            (zeta, fri_alpha),
        )
    })?;
    // Each query opens every commitment's rows at its index (FRI's first layers are
    // their batches).
    let log_max = main_tree.log_max_height();
    let open_inputs = |indices: &[usize]| {
        commitments(&shapes)
            .into_iter()
            .map(|(part, members)| {
                let tree = match part {
                    Part::Preprocessed => pre_tree.as_ref().expect("listed when present"),
                    Part::Main => &main_tree,
                    Part::Aux => aux_tree.as_ref().expect("listed when present"),
                    Part::Quotient => &quotient_tree,
                };
                let matrices: Vec<MatrixRef<'_, B>> = members
                    .iter()
                    .map(|&t| {
                        let (lde, width) = lde_of(t, part);
                        MatrixRef::new(lde, width, main_ldes[t].height)
                    })
                    .collect();
                // A commitment shorter than the tallest domain is opened at the
                // query's position in its own height.
                let shift = log_max - tree.log_max_height();
                let local: Vec<usize> = indices.iter().map(|i| i >> shift).collect();
                let singles = backend.merkle_open(tree, &matrices, &local)?;
                let heights: Vec<usize> = members.iter().map(|&t| main_ldes[t].height).collect();
                Ok(MultiOpening::from_openings(&heights, &local, &singles))
            })
            .collect::<Result<Vec<_>, ProveError>>()
    };
    let log_ns: Vec<usize> = checked.iter().map(|c| c.log_n).collect();
    let fri = debug_span!("fri").in_scope(|| {
        fri::prover::prove(
            backend,
            &FriSchedule::new(config, &log_ns),
            u32::from(config.query_pow_bits),
            usize::from(config.num_queries),
            transcript,
            reduced,
            open_inputs,
        )
    })?;

    Ok(Proof {
        version: PROOF_VERSION,
        config: *config,
        tables: checked
            .iter()
            .zip(sums)
            .zip(openings)
            .map(|((c, lookup_sum), openings)| TableProof {
                log_n: c.log_n as u8,
                lookup_sum,
                openings,
            })
            .collect(),
        main_root: main_tree.root(),
        aux_root: aux_tree.as_ref().map(BackendTree::root),
        quotient_root: quotient_tree.root(),
        fri,
    })
}

/// The prover's self-check of one table: the verifier's out-of-domain identity on the
/// prover's own openings. It costs one constraint evaluation at ζ, and a trace that
/// breaks any constraint fails it except with probability about deg/|F_ext| (< 2^-100).
/// On failure the debug checker runs to name the row and constraint.
fn check_trace<A: ProverAir>(
    air: &A,
    trace: &ColMajorMatrix,
    public_values: &[BabyBear],
    (openings, next): (&Openings, &NextColumns),
    (log_n, log_chunks): (usize, usize),
    (alpha, zeta): (BabyBearExt4, BabyBearExt4),
    lookup: Option<OodLookup<'_>>,
) -> Result<(), ProveError> {
    let holds = debug_span!("self-check").in_scope(|| {
        ood_identity_holds(
            air,
            openings,
            next,
            public_values,
            (log_n, log_chunks),
            (alpha, zeta),
            lookup,
        )
    })?;
    if holds {
        return Ok(());
    }
    debug_span!("check constraints")
        .in_scope(|| check_constraints(air, trace.view(), public_values))?;
    Err(ProveError::SelfCheck)
}

/// Batch inversion split across rayon's threads (one field inversion per chunk).
fn par_batch_inverse<F: Field>(values: &[F]) -> Vec<F> {
    use rayon::prelude::*;
    values
        .par_chunks(1 << 12)
        .flat_map_iter(kiln_field::batch_inverse)
        .collect()
}
