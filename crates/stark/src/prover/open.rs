//! Evaluations at the out-of-domain point and the batched (reduced) openings fed to FRI.

use kiln_field::{
    AsColMajor, BabyBear, BabyBearExt4, ColMajor, ColMajorMatrix, Field, PACKED_WIDTH as W,
    PackedBabyBear,
};
use kiln_hash::MerkleTree;
use rayon::prelude::*;

use crate::domain::{LDE_SHIFT, reverse_bits, root};
use crate::fri::par_batch_inverse;
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

    fn eval(&self, values: &[BabyBear]) -> BabyBearExt4 {
        let mut acc = [BabyBear::ZERO; 4];
        for (&v, w) in values.iter().zip(&self.weights) {
            for (a, c) in acc.iter_mut().zip(w.0) {
                *a += v * c;
            }
        }
        BabyBearExt4::new(acc) * self.scale
    }

    fn eval_columns(&self, m: ColMajor<'_>) -> Vec<BabyBearExt4> {
        m.columns()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|c| self.eval(c))
            .collect()
    }
}

/// One group of the batched opening: all columns of input matrix `input` at ζ or ζ·ω.
pub(super) struct Group {
    pub input: usize,
    pub at_next: bool,
    pub values: Vec<BabyBearExt4>,
}

/// The claimed evaluations, and the groups in the order the batching combines them:
/// trace at ζ, trace at ζω, quotient at ζ, preprocessed at ζ, preprocessed at ζω.
pub(super) fn openings(
    trace: ColMajor<'_>,
    preprocessed: Option<ColMajor<'_>>,
    chunks: ColMajor<'_>,
    log_n: usize,
    log_chunks: usize,
    zeta: BabyBearExt4,
) -> (Openings, Vec<Group>) {
    let at_zeta = Barycentric::new(log_n, BabyBear::ONE, zeta);
    let at_next = Barycentric::new(log_n, BabyBear::ONE, zeta * root(log_n));
    let trace_local = at_zeta.eval_columns(trace);
    let trace_next = at_next.eval_columns(trace);
    let (preprocessed_local, preprocessed_next) = match preprocessed {
        Some(p) => (at_zeta.eval_columns(p), at_next.eval_columns(p)),
        None => (Vec::new(), Vec::new()),
    };
    // Chunk i's values lie over D_i = g·ω_M^i·H.
    let n = 1usize << log_n;
    let w_m = root(log_n + log_chunks);
    let mut quotient = Vec::with_capacity(chunks.width());
    for i in 0..1usize << log_chunks {
        let b = Barycentric::new(log_n, LDE_SHIFT * w_m.exp_u64(i as u64), zeta);
        for c in 0..4 {
            quotient.push(b.eval(&chunks.column(4 * i + c)[..n]));
        }
    }
    let mut groups = vec![
        Group {
            input: 0,
            at_next: false,
            values: trace_local.clone(),
        },
        Group {
            input: 0,
            at_next: true,
            values: trace_next.clone(),
        },
        Group {
            input: 1,
            at_next: false,
            values: quotient.clone(),
        },
    ];
    if preprocessed.is_some() {
        groups.push(Group {
            input: 2,
            at_next: false,
            values: preprocessed_local.clone(),
        });
        groups.push(Group {
            input: 2,
            at_next: true,
            values: preprocessed_next.clone(),
        });
    }
    (
        Openings {
            trace_local,
            trace_next,
            preprocessed_local,
            preprocessed_next,
            quotient,
        },
        groups,
    )
}

/// R(x) = Σ_groups Σ_columns α^k·(f(x) − f(z)) / (x − z) over the LDE domain, bit-reversed:
/// the single polynomial whose low degree proves every claimed opening at once.
pub(super) fn reduced_openings(
    inputs: &[&MerkleTree<ColMajorMatrix>],
    groups: &[Group],
    log_big: usize,
    zeta: BabyBearExt4,
    zeta_next: BabyBearExt4,
    alpha: BabyBearExt4,
) -> Vec<BabyBearExt4> {
    let big = 1usize << log_big;
    // Points x_p = g·ω_N^{rev(p)}.
    let w = root(log_big);
    let mut natural = Vec::with_capacity(big);
    let mut x = LDE_SHIFT;
    for _ in 0..big {
        natural.push(x);
        x *= w;
    }
    let xs: Vec<BabyBear> = (0..big)
        .map(|p| natural[reverse_bits(p, log_big)])
        .collect();
    let inv_zeta = par_batch_inverse(
        &xs.par_iter()
            .map(|&x| BabyBearExt4::from(x) - zeta)
            .collect::<Vec<_>>(),
    );
    let inv_next = par_batch_inverse(
        &xs.par_iter()
            .map(|&x| BabyBearExt4::from(x) - zeta_next)
            .collect::<Vec<_>>(),
    );

    // α^k per (group, column), and the constant parts B_z = Σ α^k f(z).
    let mut power = BabyBearExt4::ONE;
    let mut coeffs: Vec<(usize, bool, Vec<BabyBearExt4>)> = Vec::new();
    let (mut b_zeta, mut b_next) = (BabyBearExt4::ZERO, BabyBearExt4::ZERO);
    for g in groups {
        let mut powers = Vec::with_capacity(g.values.len());
        for &v in &g.values {
            powers.push(power);
            if g.at_next {
                b_next += power * v;
            } else {
                b_zeta += power * v;
            }
            power *= alpha;
        }
        coeffs.push((g.input, g.at_next, powers));
    }
    let views: Vec<ColMajor<'_>> = inputs
        .iter()
        .map(|t| t.matrices()[0].as_col_major())
        .collect();

    // A_z(x) = Σ α^k f(x) for W points at a time: per column, four packed products of the
    // column's values with α^k's base coefficients.
    const TASK: usize = 1 << 10;
    let mut out = vec![BabyBearExt4::ZERO; big];
    out.par_chunks_mut(TASK)
        .enumerate()
        .for_each(|(task, chunk)| {
            let base = task * TASK;
            for off in (0..chunk.len()).step_by(W) {
                let p0 = base + off;
                let lanes = W.min(big - p0);
                let (mut a_zeta, mut a_next) =
                    ([PackedBabyBear::ZERO; 4], [PackedBabyBear::ZERO; 4]);
                for (input, at_next, powers) in &coeffs {
                    let acc = if *at_next { &mut a_next } else { &mut a_zeta };
                    for (col, pw) in views[*input].columns().zip(powers) {
                        let v = if lanes == W {
                            PackedBabyBear::from_slice(&col[p0..])
                        } else {
                            PackedBabyBear(core::array::from_fn(|l| col[p0 + l.min(lanes - 1)]))
                        };
                        for (a, k) in acc.iter_mut().zip(pw.0) {
                            *a += v * k;
                        }
                    }
                }
                for l in 0..lanes {
                    let az = BabyBearExt4::new(core::array::from_fn(|k| a_zeta[k].0[l]));
                    let an = BabyBearExt4::new(core::array::from_fn(|k| a_next[k].0[l]));
                    let p = p0 + l;
                    chunk[off + l] = (az - b_zeta) * inv_zeta[p] + (an - b_next) * inv_next[p];
                }
            }
        });
    out
}
