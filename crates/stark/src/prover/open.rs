//! Evaluations at the out-of-domain point and the batched (reduced) openings fed to FRI,
//! on the backend: the host computes the barycentric weights and the batching constants,
//! the backend sums over the columns it holds.

use std::collections::HashMap;
use std::sync::Arc;

use kiln::{OpeningGroup, ReducedSpec};
use kiln_field::{BabyBear, BabyBearExt4, Field};

use super::{ProverBackend, par_batch_inverse};
use crate::ProveError;
use crate::batch::{Group, NextColumns, Part, group_powers, group_values};
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

/// The values at ζ of the `width` columns of `cols`, and at ζω of the columns `next`
/// (ascending): one pass over the columns, or a pass at ζ alone when `next` is empty.
fn eval_pair<B: ProverBackend>(
    backend: &B,
    at_zeta: &Barycentric,
    at_next: &Barycentric,
    (cols, width): (&B::Buffer<BabyBear>, usize),
    next: &[usize],
) -> Result<(Vec<BabyBearExt4>, Vec<BabyBearExt4>), ProveError> {
    if next.is_empty() {
        return Ok((at_zeta.eval_columns(backend, cols, 0..width)?, Vec::new()));
    }
    let height = at_zeta.weights.len();
    let weights = [&at_zeta.weights[..], &at_next.weights[..]];
    let mut sums = backend.columns_dot_many(cols, height, 0..width, &weights)?;
    let next_all = sums.pop().expect("two weight vectors");
    let local = sums.pop().expect("two weight vectors");
    Ok((
        local.into_iter().map(|x| x * at_zeta.scale).collect(),
        next.iter().map(|&c| next_all[c] * at_next.scale).collect(),
    ))
}

/// Barycentric weights shared by the tables of one height: the same points over the same
/// domain (tables of equal height, and their quotient chunks when they have as many).
#[derive(Default)]
pub(super) struct Weights {
    cache: HashMap<(usize, u32, [u32; 4]), Arc<Barycentric>>,
}

impl Weights {
    fn get(&mut self, log_n: usize, shift: BabyBear, z: BabyBearExt4) -> Arc<Barycentric> {
        let key = (log_n, shift.to_monty(), z.0.map(BabyBear::to_monty));
        self.cache
            .entry(key)
            .or_insert_with(|| Arc::new(Barycentric::new(log_n, shift, z)))
            .clone()
    }
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
/// columns and of its quotient chunks (at ζ); at ζω, of the main and preprocessed columns
/// only those in `next`.
pub(super) fn openings<B: ProverBackend>(
    backend: &B,
    t: &TableValues<'_, B>,
    next: &NextColumns,
    zeta: BabyBearExt4,
    weights: &mut Weights,
) -> Result<Openings, ProveError> {
    let (log_n, log_chunks) = (t.log_n, t.log_chunks);
    let at_zeta = weights.get(log_n, BabyBear::ONE, zeta);
    let at_next = weights.get(log_n, BabyBear::ONE, zeta * root(log_n));
    // At ζω only the columns the constraints read there (the auxiliary ones all).
    let (trace_local, trace_next) = eval_pair(backend, &at_zeta, &at_next, t.main, &next.main)?;
    let pair = |part: Option<(&B::Buffer<BabyBear>, usize)>, next: &[usize]| match part {
        Some(p) => eval_pair(backend, &at_zeta, &at_next, p, next),
        None => Ok((Vec::new(), Vec::new())),
    };
    let (preprocessed_local, preprocessed_next) = pair(t.preprocessed, &next.preprocessed)?;
    let all_aux: Vec<usize> = (0..t.aux.map_or(0, |(_, w)| w)).collect();
    let (aux_local, aux_next) = pair(t.aux, &all_aux)?;
    let w_m = root(log_n + log_chunks);
    let mut quotient = Vec::with_capacity(4 << log_chunks);
    for i in 0..1usize << log_chunks {
        let b = weights.get(log_n, LDE_SHIFT * w_m.exp_u64(i as u64), zeta);
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
    next: &[NextColumns],
    log_blowup: usize,
    (zeta, alpha): (BabyBearExt4, BabyBearExt4),
) -> Result<Vec<B::Buffer<BabyBearExt4>>, ProveError> {
    let mut power = BabyBearExt4::ONE;
    let mut out = Vec::with_capacity(heights.len());
    for (log_n, groups) in heights {
        // A group without columns (nothing of the part read at the next row) adds nothing.
        let groups: Vec<Group> = groups
            .iter()
            .copied()
            .filter(|g| {
                next[g.table]
                    .selection(g.part, g.at_next)
                    .is_none_or(|c| !c.is_empty())
            })
            .collect();
        // R is linear in the groups: more groups than one backend call takes are split,
        // and the parts added (exactly: field arithmetic).
        let mut acc: Option<B::Buffer<BabyBearExt4>> = None;
        for part in groups.chunks(backend.max_opening_groups()) {
            // α^k per (group, column), and the constant parts B_z = Σ α^k f(z).
            let mut powers = Vec::new();
            let (mut b_zeta, mut b_next) = (BabyBearExt4::ZERO, BabyBearExt4::ZERO);
            for g in part {
                let b = if g.at_next { &mut b_next } else { &mut b_zeta };
                powers.extend(group_powers(
                    group_values(&openings[g.table], g.part, g.at_next),
                    next[g.table].selection(g.part, g.at_next),
                    lde(g.table, g.part).1,
                    alpha,
                    &mut power,
                    b,
                ));
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
