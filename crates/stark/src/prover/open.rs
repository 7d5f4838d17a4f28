//! Evaluations at the out-of-domain point and the batched (reduced) openings fed to FRI,
//! on the backend: the host computes the barycentric weights and the batching constants,
//! the backend sums over the columns it holds.

use kiln::{OpeningGroup, ReducedSpec};
use kiln_field::{BabyBear, BabyBearExt4, Field};

use super::{ProverBackend, par_batch_inverse};
use crate::ProveError;
use crate::domain::{LDE_SHIFT, root};
use crate::proof::Openings;

/// Barycentric evaluation at `z` of polynomials of degree < n given by their values over
/// `shift·⟨ω_n⟩` (natural order):
/// f(z) = ((z/shift)^n − 1)/n · Σ_t f_t·ω^t / (z/shift − ω^t).
struct Barycentric {
    weights: Vec<BabyBearExt4>,
    scale: BabyBearExt4,
}

impl Barycentric {
    fn new(log_n: usize, shift: BabyBear, z: BabyBearExt4) -> Self {
        let n = 1usize << log_n;
        let u = z * shift.inverse();
        let w = root(log_n);
        let mut omegas = Vec::with_capacity(n);
        let mut o = BabyBear::ONE;
        for _ in 0..n {
            omegas.push(o);
            o *= w;
        }
        let inv = par_batch_inverse(&omegas.iter().map(|&o| u - o).collect::<Vec<_>>());
        let weights = inv.iter().zip(&omegas).map(|(&d, &o)| d * o).collect();
        let scale = (u.exp_power_of_2(log_n) - BabyBear::ONE) * BabyBear::new(n as u32).inverse();
        Self { weights, scale }
    }

    /// The values at z of columns `range` of `cols` (columns of n values).
    fn eval_columns<B: ProverBackend>(
        &self,
        backend: &B,
        cols: &B::Buffer<BabyBear>,
        range: core::ops::Range<usize>,
    ) -> Result<Vec<BabyBearExt4>, ProveError> {
        Ok(backend
            .columns_dot_range(cols, self.weights.len(), range, &self.weights)?
            .into_iter()
            .map(|v| v * self.scale)
            .collect())
    }
}

/// The values at ζ and at ζω of the `width` columns of `cols`, in one pass.
fn eval_pair<B: ProverBackend>(
    backend: &B,
    at_zeta: &Barycentric,
    at_next: &Barycentric,
    cols: &B::Buffer<BabyBear>,
    width: usize,
) -> Result<(Vec<BabyBearExt4>, Vec<BabyBearExt4>), ProveError> {
    let height = at_zeta.weights.len();
    let weights = [&at_zeta.weights[..], &at_next.weights[..]];
    let mut sums = backend.columns_dot_many(cols, height, 0..width, &weights)?;
    let scale = |v: Vec<BabyBearExt4>, s: BabyBearExt4| v.into_iter().map(|x| x * s).collect();
    let next = sums.pop().expect("two weight vectors");
    let local = sums.pop().expect("two weight vectors");
    Ok((scale(local, at_zeta.scale), scale(next, at_next.scale)))
}

/// A committed input of the batched opening: its LDE on the backend and its width.
pub(super) struct Input<'a, B: ProverBackend> {
    pub lde: &'a B::Buffer<BabyBear>,
    pub width: usize,
}

/// The claimed evaluations at ζ and ζω of the trace and preprocessed columns (natural
/// order over H) and of the quotient chunks (chunk i over D_i = g·ω_M^i·H).
pub(super) fn openings<B: ProverBackend>(
    backend: &B,
    trace: (&B::Buffer<BabyBear>, usize),
    preprocessed: Option<(&B::Buffer<BabyBear>, usize)>,
    chunks: &B::Buffer<BabyBear>,
    log_n: usize,
    log_chunks: usize,
    zeta: BabyBearExt4,
) -> Result<Openings, ProveError> {
    let at_zeta = Barycentric::new(log_n, BabyBear::ONE, zeta);
    let at_next = Barycentric::new(log_n, BabyBear::ONE, zeta * root(log_n));
    let (trace_local, trace_next) = eval_pair(backend, &at_zeta, &at_next, trace.0, trace.1)?;
    let (preprocessed_local, preprocessed_next) = match preprocessed {
        Some((p, w)) => eval_pair(backend, &at_zeta, &at_next, p, w)?,
        None => (Vec::new(), Vec::new()),
    };
    let w_m = root(log_n + log_chunks);
    let mut quotient = Vec::with_capacity(4 << log_chunks);
    for i in 0..1usize << log_chunks {
        let b = Barycentric::new(log_n, LDE_SHIFT * w_m.exp_u64(i as u64), zeta);
        quotient.extend(b.eval_columns(backend, chunks, 4 * i..4 * i + 4)?);
    }
    Ok(Openings {
        trace_local,
        trace_next,
        preprocessed_local,
        preprocessed_next,
        quotient,
    })
}

/// `inputs`: trace, quotient, then the preprocessed columns if any.
///
/// R(x) = Σ_groups Σ_columns α^k·(f(x) − f(z)) / (x − z) over the LDE domain, bit-reversed:
/// the single polynomial whose low degree proves every claimed opening at once. Groups, in
/// the order the batching combines them: trace at ζ, trace at ζω, quotient at ζ,
/// preprocessed at ζ, preprocessed at ζω.
pub(super) fn reduced_openings<B: ProverBackend>(
    backend: &B,
    inputs: &[Input<'_, B>],
    openings: &Openings,
    log_big: usize,
    (zeta, zeta_next): (BabyBearExt4, BabyBearExt4),
    alpha: BabyBearExt4,
) -> Result<B::Buffer<BabyBearExt4>, ProveError> {
    let [trace, quotient, preprocessed @ ..] = inputs else {
        unreachable!("the trace and the quotient are always inputs")
    };
    let mut groups = vec![
        (trace, false, &openings.trace_local),
        (trace, true, &openings.trace_next),
        (quotient, false, &openings.quotient),
    ];
    if let [p] = preprocessed {
        groups.push((p, false, &openings.preprocessed_local));
        groups.push((p, true, &openings.preprocessed_next));
    }
    // α^k per (group, column), and the constant parts B_z = Σ α^k f(z).
    let mut power = BabyBearExt4::ONE;
    let mut powers = Vec::new();
    let (mut b_zeta, mut b_next) = (BabyBearExt4::ZERO, BabyBearExt4::ZERO);
    for (_, at_next, values) in &groups {
        for &v in values.iter() {
            powers.push(power);
            if *at_next {
                b_next += power * v;
            } else {
                b_zeta += power * v;
            }
            power *= alpha;
        }
    }
    let spec = ReducedSpec {
        powers,
        zeta,
        zeta_next,
        b_zeta,
        b_next,
        log_big: log_big as u32,
        shift: LDE_SHIFT,
    };
    let groups: Vec<OpeningGroup<'_, B::Buffer<BabyBear>>> = groups
        .iter()
        .map(|(input, at_next, _)| OpeningGroup {
            matrix: input.lde,
            width: input.width,
            at_next: *at_next,
        })
        .collect();
    Ok(backend.reduced_openings(&groups, &spec)?)
}
