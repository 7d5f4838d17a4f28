//! Evaluations at the out-of-domain point and the batched (reduced) openings fed to FRI,
//! on the backend: the host computes the barycentric weights and the batching constants,
//! the backend sums over the columns it holds.

use kiln::{MAX_OPENING_GROUPS, OpeningGroup, ReducedSpec};
use kiln_field::{BabyBear, BabyBearExt4, Field};

use super::{ProverBackend, par_batch_inverse};
use crate::ProveError;
use crate::batch::{Group, Part, group_values};
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

/// A table's values on the backend (natural order over its trace domain H), for its
/// openings.
pub(super) struct TableValues<'a, B: ProverBackend> {
    pub log_n: usize,
    pub log_chunks: usize,
    pub main: (&'a B::Buffer<BabyBear>, usize),
    pub preprocessed: Option<(&'a B::Buffer<BabyBear>, usize)>,
    /// The auxiliary columns and their base width (4 per BabyBear^4 column).
    pub aux: Option<(&'a B::Buffer<BabyBear>, usize)>,
    /// The quotient chunks (chunk i over D_i = g·ω_M^i·H).
    pub chunks: &'a B::Buffer<BabyBear>,
}

/// The claimed evaluations at ζ and ζω of a table's main, preprocessed and auxiliary
/// columns and of its quotient chunks (at ζ).
pub(super) fn openings<B: ProverBackend>(
    backend: &B,
    t: &TableValues<'_, B>,
    zeta: BabyBearExt4,
) -> Result<Openings, ProveError> {
    let (log_n, log_chunks) = (t.log_n, t.log_chunks);
    let at_zeta = Barycentric::new(log_n, BabyBear::ONE, zeta);
    let at_next = Barycentric::new(log_n, BabyBear::ONE, zeta * root(log_n));
    let (trace_local, trace_next) = eval_pair(backend, &at_zeta, &at_next, t.main.0, t.main.1)?;
    let pair = |part: Option<(&B::Buffer<BabyBear>, usize)>| match part {
        Some((p, w)) => eval_pair(backend, &at_zeta, &at_next, p, w),
        None => Ok((Vec::new(), Vec::new())),
    };
    let (preprocessed_local, preprocessed_next) = pair(t.preprocessed)?;
    let (aux_local, aux_next) = pair(t.aux)?;
    let w_m = root(log_n + log_chunks);
    let mut quotient = Vec::with_capacity(4 << log_chunks);
    for i in 0..1usize << log_chunks {
        let b = Barycentric::new(log_n, LDE_SHIFT * w_m.exp_u64(i as u64), zeta);
        quotient.extend(b.eval_columns(backend, t.chunks, 4 * i..4 * i + 4)?);
    }
    Ok(Openings {
        trace_local,
        trace_next,
        preprocessed_local,
        preprocessed_next,
        aux_local,
        aux_next,
        quotient,
    })
}

/// FRI's inputs, one per LDE height (tallest first, see [`crate::batch::opening_groups`]):
/// R_h(x) = Σ_groups Σ_columns α^k·(f(x) − f(z)) / (x − z) over the height's LDE domain,
/// bit-reversed, z being ζ or ζ·ω_n for the height's n. `lde(table, part)` gives a
/// committed LDE and its width.
pub(super) fn reduced_openings<'a, B: ProverBackend + 'a>(
    backend: &B,
    heights: &[(usize, Vec<Group>)],
    lde: &dyn Fn(usize, Part) -> (&'a B::Buffer<BabyBear>, usize),
    openings: &[Openings],
    log_blowup: usize,
    zeta: BabyBearExt4,
    alpha: BabyBearExt4,
) -> Result<Vec<B::Buffer<BabyBearExt4>>, ProveError> {
    let mut power = BabyBearExt4::ONE;
    let mut out = Vec::with_capacity(heights.len());
    for (log_n, groups) in heights {
        // R is linear in the groups: more groups than one backend call takes are split,
        // and the parts added (exactly: field arithmetic).
        let mut acc: Option<B::Buffer<BabyBearExt4>> = None;
        for part in groups.chunks(MAX_OPENING_GROUPS) {
            // α^k per (group, column), and the constant parts B_z = Σ α^k f(z).
            let mut powers = Vec::new();
            let (mut b_zeta, mut b_next) = (BabyBearExt4::ZERO, BabyBearExt4::ZERO);
            for g in part {
                for &v in group_values(&openings[g.table], g.part, g.at_next) {
                    powers.push(power);
                    if g.at_next {
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
                zeta_next: zeta * root(*log_n),
                b_zeta,
                b_next,
                log_big: (log_n + log_blowup) as u32,
                shift: LDE_SHIFT,
            };
            let part: Vec<OpeningGroup<'_, B::Buffer<BabyBear>>> = part
                .iter()
                .map(|g| {
                    let (matrix, width) = lde(g.table, g.part);
                    OpeningGroup {
                        matrix,
                        width,
                        at_next: g.at_next,
                    }
                })
                .collect();
            let r = backend.reduced_openings(&part, &spec)?;
            match &mut acc {
                None => acc = Some(r),
                Some(a) => backend.ext_add_scaled(a, BabyBearExt4::ONE, &r)?,
            }
        }
        out.push(acc.expect("every height has groups"));
    }
    Ok(out)
}
