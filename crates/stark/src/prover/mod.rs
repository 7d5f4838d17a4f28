//! The prover.

mod folder;
mod open;
mod quotient;

use kiln::merkle::{BackendTree, MatrixRef, MerkleOps};
use kiln::{Backend, CpuBackend, CudaBackend, EmuBackend, NttOps, Order, QuotientSpec, StarkOps};
use kiln_air::{Air, ConstraintProgram, DebugBuilder, SymbolicConstraints, check_constraints};
#[cfg(target_arch = "aarch64")]
use kiln_field::packed::PackedNeon;
#[cfg(target_arch = "x86_64")]
use kiln_field::packed::{PackedAvx2, PackedAvx512};
use kiln_field::{BabyBear, BabyBearExt4, ColMajorMatrix, Field, PackedField, Simd, SimdLevel};
use tracing::{debug_span, info_span};

pub use folder::ProverConstraintFolder;

use crate::domain::{LDE_SHIFT, root};
use crate::fri::{self, FriSchedule};
use crate::proof::{Openings, PROOF_VERSION, Proof};
use crate::transcript::{Instance, StarkTranscript};
use crate::verifier::{VerifierAir, ood_identity_holds};
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
    /// The quotient chunks: 4·2^chunks columns of n values, chunk i over D_i = g·ω_M^i·H
    /// in natural order (see [`QuotientInputs`]).
    fn quotient_chunks<A: ProverAir>(
        &self,
        _air: &A,
        q: &QuotientInputs<'_, Self>,
    ) -> Result<Self::Buffer<BabyBear>, ProveError> {
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
}

impl ProverBackend for CpuBackend {
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

/// A committed LDE: its columns over g·⟨ω_N⟩ in bit-reversed order, and its tree.
struct Committed<B: ProverBackend> {
    lde: B::Buffer<BabyBear>,
    width: usize,
    tree: BackendTree<B>,
}

/// Extends `width` columns of 2^log_n values (column-major, on the backend) by
/// 2^log_blowup and commits them. Columns come in `shifts.len()` equal groups; group s is
/// extended with shift `shifts[s]` (its values lie over a coset whose LDE lands on the
/// common domain).
fn lde_commit<B: ProverBackend>(
    backend: &B,
    values: &B::Buffer<BabyBear>,
    width: usize,
    log_n: usize,
    log_blowup: usize,
    shifts: &[BabyBear],
) -> Result<Committed<B>, ProveError> {
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
    let tree = debug_span!("merkle").in_scope(|| {
        backend.merkle_commit(&[MatrixRef::new(&lde, width, 1 << (log_n + log_blowup))])
    })?;
    Ok(Committed { lde, width, tree })
}

/// Proves that `trace` satisfies `air` with `public_values`, on the CPU.
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
    prove_inner(backend, config, air, trace, public_values, true)
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
    prove_inner(backend, config, air, trace, public_values, false)
}

/// The prover; `check`: check the trace against the AIR (see [`check_trace`]).
fn prove_inner<B: ProverBackend, A: ProverAir>(
    backend: &B,
    config: &StarkConfig,
    air: &A,
    trace: &ColMajorMatrix,
    public_values: &[BabyBear],
    check: bool,
) -> Result<Proof, ProveError> {
    config.validate()?;
    let _span = info_span!(
        "prove",
        rows = trace.height(),
        width = trace.width(),
        backend = backend.name()
    )
    .entered();
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
    let preprocessed = air.preprocessed_trace();
    if let Some(p) = &preprocessed
        && p.height() != trace.height()
    {
        return Err(kiln_air::TraceError::PreprocessedHeight {
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
    let degree = symbolic.max_degree();
    let log_chunks = symbolic.log_quotient_chunks();
    if log_chunks > log_blowup {
        return Err(ProveError::BlowupTooSmall {
            degree,
            needed: log_chunks,
            got: log_blowup,
        });
    }
    let n = 1usize << log_n;
    let big = n << log_blowup;
    let pre_width = preprocessed.as_ref().map_or(0, ColMajorMatrix::width);

    let transcript = StarkTranscript::new(
        config,
        &Instance {
            log_n,
            log_chunks,
            width: air.width(),
            preprocessed_width: pre_width,
            public_values,
        },
    );

    // Preprocessed columns: committed like the trace; the verifier recomputes the root.
    let pre_values = match &preprocessed {
        Some(p) => Some(backend.upload(p.data())?),
        None => None,
    };
    let pre_c = match &pre_values {
        Some(v) => Some(
            debug_span!("preprocessed commit")
                .in_scope(|| lde_commit(backend, v, pre_width, log_n, log_blowup, &[LDE_SHIFT]))?,
        ),
        None => None,
    };

    // 1. Trace.
    let trace_values = debug_span!("upload").in_scope(|| backend.upload(trace.data()))?;
    let trace_c = debug_span!("trace commit").in_scope(|| {
        lde_commit(
            backend,
            &trace_values,
            trace.width(),
            log_n,
            log_blowup,
            &[LDE_SHIFT],
        )
    })?;
    let (transcript, alpha) = transcript.observe_trace(
        pre_c.as_ref().map(|c| c.tree.root()).as_ref(),
        &trace_c.tree.root(),
    );

    // 2. Quotient.
    let chunks = debug_span!("quotient").in_scope(|| {
        backend.quotient_chunks(
            air,
            &QuotientInputs {
                trace_lde: &trace_c.lde,
                trace_width: trace_c.width,
                preprocessed_lde: pre_c.as_ref().map(|c| (&c.lde, c.width)),
                lde_height: big,
                log_n,
                log_chunks,
                symbolic: &symbolic,
                public_values,
                alpha,
            },
        )
    })?;
    // Chunk i holds the quotient on D_i = g·ω_M^i·H; extended with shift ω_M^{-i} its LDE
    // lands on g·⟨ω_N⟩ like every other committed matrix.
    let w_m = root(log_n + log_chunks);
    let shifts: Vec<BabyBear> = (0..1usize << log_chunks)
        .map(|i| w_m.exp_u64(i as u64).inverse())
        .collect();
    let quotient_c = debug_span!("quotient commit").in_scope(|| {
        lde_commit(
            backend,
            &chunks,
            4 << log_chunks,
            log_n,
            log_blowup,
            &shifts,
        )
    })?;
    let (transcript, zeta) = transcript.observe_quotient(&quotient_c.tree.root());

    // 3. Openings at ζ and ζ·ω.
    let zeta_next = zeta * root(log_n);
    let openings = debug_span!("openings").in_scope(|| {
        open::openings(
            backend,
            (&trace_values, trace.width()),
            pre_values.as_ref().map(|p| (p, pre_width)),
            &chunks,
            log_n,
            log_chunks,
            zeta,
        )
    })?;
    let (transcript, fri_alpha) = transcript.observe_openings(&openings);
    drop((trace_values, pre_values, chunks));
    if check {
        check_trace(
            air,
            trace,
            public_values,
            &openings,
            log_n,
            log_chunks,
            alpha,
            zeta,
        )?;
    }

    // 4. FRI on the batched openings.
    fn input<B: ProverBackend>(c: &Committed<B>) -> open::Input<'_, B> {
        open::Input {
            lde: &c.lde,
            width: c.width,
        }
    }
    let reduced = debug_span!("batch openings").in_scope(|| {
        open::reduced_openings(
            backend,
            &[&trace_c, &quotient_c]
                .into_iter()
                .chain(&pre_c)
                .map(input)
                .collect::<Vec<_>>(),
            &openings,
            log_n + log_blowup,
            (zeta, zeta_next),
            fri_alpha,
        )
    })?;
    let mut inputs = vec![&trace_c, &quotient_c];
    if let Some(c) = &pre_c {
        inputs.push(c);
    }
    // Each query opens the inputs' rows at its index (FRI's first layer is their batch).
    let open_input = |indices: &[usize]| {
        inputs
            .iter()
            .map(|c| {
                let m = MatrixRef::new(&c.lde, c.width, big);
                Ok(backend.merkle_open(&c.tree, &[m], indices)?)
            })
            .collect::<Result<Vec<_>, ProveError>>()
    };
    let fri = debug_span!("fri").in_scope(|| {
        fri::prover::prove(
            backend,
            &FriSchedule::new(config, log_n),
            u32::from(config.query_pow_bits),
            usize::from(config.num_queries),
            transcript,
            reduced,
            open_input,
        )
    })?;
    debug_assert_eq!(fri.queries.len(), usize::from(config.num_queries));

    Ok(Proof {
        version: PROOF_VERSION,
        config: *config,
        log_n: log_n as u8,
        log_quotient_chunks: log_chunks as u8,
        trace_root: trace_c.tree.root(),
        quotient_root: quotient_c.tree.root(),
        openings,
        fri,
    })
}

/// The prover's self-check: the verifier's out-of-domain identity on the prover's own
/// openings. It costs one constraint evaluation at ζ, and a trace that breaks any
/// constraint fails it except with probability about deg/|F_ext| (< 2^-100). On failure
/// the debug checker runs to name the row and constraint.
#[allow(clippy::too_many_arguments)]
fn check_trace<A: ProverAir>(
    air: &A,
    trace: &ColMajorMatrix,
    public_values: &[BabyBear],
    openings: &Openings,
    log_n: usize,
    log_chunks: usize,
    alpha: BabyBearExt4,
    zeta: BabyBearExt4,
) -> Result<(), ProveError> {
    let holds = debug_span!("self-check").in_scope(|| {
        ood_identity_holds(air, openings, public_values, log_n, log_chunks, alpha, zeta)
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
