//! The quotient: the α-combination of all constraints divided by Z_H, on the quotient
//! domain g·⟨ω_M⟩ (M = n·2^chunks), split into chunks over the cosets D_i = g·ω_M^i·H.

use kiln::CpuBackend;
use kiln_air::{Air, Window};
use kiln_field::{
    BabyBear, BabyBearExt4, Field, MAX_PACKED_WIDTH, PackedField, Simd, batch_inverse, prefetch,
};
use rayon::prelude::*;

use super::ext::PackedExt;
use super::folder::LookupFolder;
use super::{ProverConstraintFolder, QuotientInputs};
use crate::domain::{LDE_SHIFT, root};

/// Points per rayon task.
const TASK: usize = 1 << 10;

/// The first `m` positions of each column of `lde` (columns of `height`).
fn domain_columns(lde: &[BabyBear], height: usize, m: usize) -> Vec<&[BabyBear]> {
    lde.chunks_exact(height).map(|c| &c[..m]).collect()
}

/// Lanes `pos` of `col`: one contiguous load when they are consecutive.
#[inline(always)]
fn load<P: PackedField>(simd: Simd<P>, col: &[BabyBear], pos: &[usize], contiguous: bool) -> P {
    if contiguous {
        simd.load(&col[pos[0]..])
    } else {
        simd.from_fn(|l| col[pos[l]])
    }
}

/// The quotient, evaluated straight from the committed LDEs.
///
/// The first M positions of a bit-reversed LDE column over g·⟨ω_N⟩ are the quotient domain
/// g·⟨ω_M⟩ in bit-reversed order (rev_N(p) = rev_M(p)·N/M for p < M), so the evaluation
/// runs in that order: W consecutive positions are one vector load per column, with no
/// copy. The next row of position p is rev_M(rev_M(p) + M/n): for a block of W positions
/// inside one coset of size n ≥ W it is again W consecutive positions except in one block
/// per coset, where it is a lane permutation (a gather).
///
/// `P` is the vector type of the backend's SIMD level: each rayon task enters the level
/// and evaluates the AIR on `P::WIDTH` points at a time.
pub(super) fn quotient_chunks<P: PackedField, A: for<'a> Air<ProverConstraintFolder<'a, P>>>(
    simd: Simd<P>,
    air: &A,
    q: &QuotientInputs<'_, CpuBackend>,
) -> Vec<BabyBear> {
    let (log_n, log_chunks, alpha, public_values) =
        (q.log_n, q.log_chunks, q.alpha, q.public_values);
    let n = 1usize << log_n;
    let log_m = log_n + log_chunks;
    let m = 1usize << log_m;
    let step = 1usize << log_chunks; // ω_n = ω_M^step: the next row is `step` points on
    let rev = |p: usize| kiln_field::reverse_bits_len(p, log_m);
    let main = domain_columns(q.trace_lde, q.lde_height, m);
    let pre = q
        .preprocessed_lde
        .map(|(t, _)| domain_columns(t, q.lde_height, m))
        .unwrap_or_default();
    let aux = q
        .aux_lde
        .map(|(t, _)| domain_columns(t, q.lde_height, m))
        .unwrap_or_default();
    let plan = &q.symbolic.lookup;
    let lookup = q.lookup.filter(|_| !plan.is_empty());
    let beta_powers: Vec<[BabyBear; 4]> = lookup
        .map(|l| l.challenges.beta_powers.iter().map(|b| b.0).collect())
        .unwrap_or_default();

    // Per position p (bit-reversed order): the point x = g·ω_M^{rev(p)} and the
    // selectors' denominators.
    let w_m = root(log_m);
    let mut natural = Vec::with_capacity(m);
    let mut x = LDE_SHIFT;
    for _ in 0..m {
        natural.push(x);
        x *= w_m;
    }
    let xs: Vec<BabyBear> = (0..m).map(|p| natural[rev(p)]).collect();
    // The Lagrange selectors of the first and last rows are Z_H(x)/(n·(x − 1)) and
    // ω^{-1}·Z_H(x)/(n·(x − ω^{-1})): 1 on their row, 0 on the others.
    let w_inv = root(log_n).inverse();
    let n_f = BabyBear::new(n as u32);
    let inv_first = super::par_batch_inverse(
        &xs.iter()
            .map(|&x| n_f * (x - BabyBear::ONE))
            .collect::<Vec<_>>(),
    );
    let inv_last: Vec<BabyBear> =
        super::par_batch_inverse(&xs.iter().map(|&x| n_f * (x - w_inv)).collect::<Vec<_>>())
            .into_iter()
            .map(|v| v * w_inv)
            .collect();
    // Z_H(x_j) = g^n·ω_M^{jn} − 1 depends on j mod step only.
    let g_n = LDE_SHIFT.exp_power_of_2(log_n);
    let w_step = root(log_chunks);
    let z: Vec<BabyBear> = (0..step)
        .map(|i| g_n * w_step.exp_u64(i as u64) - BabyBear::ONE)
        .collect();
    let inv_z = batch_inverse(&z);
    let z_pos: Vec<BabyBear> = (0..m).map(|p| z[rev(p) % step]).collect();
    let inv_z_pos: Vec<BabyBear> = (0..m).map(|p| inv_z[rev(p) % step]).collect();

    // α^{k−1−i} for constraint i, split into base coefficients.
    let k = q.symbolic.len();
    let mut alpha_powers = vec![[BabyBear::ZERO; 4]; k];
    let mut p = BabyBearExt4::ONE;
    for slot in alpha_powers.iter_mut().rev() {
        *slot = p.0;
        p *= alpha;
    }
    let public: Vec<P> = public_values.iter().map(|&v| simd.splat(v)).collect();
    let w = P::WIDTH;

    // The quotient at each position, 4 coefficients.
    let mut values = vec![[BabyBear::ZERO; 4]; m];
    values
        .par_chunks_mut(TASK)
        .enumerate()
        .for_each(|(task, out)| {
            simd.enter(
                #[inline(always)]
                || {
                    let base = task * TASK;
                    let mut local = vec![simd.zero(); main.len()];
                    let mut next = vec![simd.zero(); main.len()];
                    let mut p_local = vec![simd.zero(); pre.len()];
                    let mut p_next = vec![simd.zero(); pre.len()];
                    let mut a_local = vec![simd.zero(); aux.len()];
                    let mut a_next = vec![simd.zero(); aux.len()];
                    let mut ext_local = vec![PackedExt([simd.zero(); 4]); aux.len() / 4];
                    let mut ext_next = vec![PackedExt([simd.zero(); 4]); aux.len() / 4];
                    let mut dens = Vec::with_capacity(q.symbolic.interactions.len());
                    let mut mults = Vec::with_capacity(q.symbolic.interactions.len());
                    // Lane positions: the first W entries of each array are used.
                    let lanes = |off: usize| -> [usize; MAX_PACKED_WIDTH] {
                        core::array::from_fn(|l| (base + off + l) % m)
                    };
                    let next_of = |pos: &[usize; MAX_PACKED_WIDTH]| -> [usize; MAX_PACKED_WIDTH] {
                        core::array::from_fn(|l| rev((rev(pos[l]) + step) % m))
                    };
                    let mut pos = lanes(0);
                    let mut nxt = next_of(&pos);
                    for off in (0..out.len()).step_by(w) {
                        // Lanes past M (M < W) repeat the domain; their values are not stored.
                        let pos_run = m >= w;
                        let nxt_run = m >= w && (1..w).all(|l| nxt[l] == nxt[0] + l);
                        // Each block reads one or two cache lines from every column: far too many
                        // streams for the hardware prefetcher, so fetch the next block's lines now.
                        let pos_ahead = lanes(off + w);
                        let nxt_ahead = next_of(&pos_ahead);
                        for (c, col) in main.iter().enumerate() {
                            for i in [
                                pos_ahead[0],
                                pos_ahead[w - 1],
                                nxt_ahead[0],
                                nxt_ahead[w - 1],
                            ] {
                                prefetch(col, i);
                            }
                            local[c] = load(simd, col, &pos, pos_run);
                            next[c] = load(simd, col, &nxt, nxt_run);
                        }
                        for (c, col) in pre.iter().enumerate() {
                            p_local[c] = load(simd, col, &pos, pos_run);
                            p_next[c] = load(simd, col, &nxt, nxt_run);
                        }
                        for (c, col) in aux.iter().enumerate() {
                            a_local[c] = load(simd, col, &pos, pos_run);
                            a_next[c] = load(simd, col, &nxt, nxt_run);
                        }
                        for j in 0..ext_local.len() {
                            ext_local[j] = PackedExt(core::array::from_fn(|k| a_local[4 * j + k]));
                            ext_next[j] = PackedExt(core::array::from_fn(|k| a_next[4 * j + k]));
                        }
                        dens.clear();
                        mults.clear();
                        let zv = load(simd, &z_pos, &pos, pos_run);
                        let mut folder = ProverConstraintFolder {
                            main: Window {
                                local: &local,
                                next: &next,
                            },
                            preprocessed: Window {
                                local: &p_local,
                                next: &p_next,
                            },
                            public: &public,
                            is_first_row: zv * load(simd, &inv_first, &pos, pos_run),
                            is_last_row: zv * load(simd, &inv_last, &pos, pos_run),
                            is_transition: load(simd, &xs, &pos, pos_run) - w_inv,
                            alpha_powers: &alpha_powers,
                            acc: [simd.zero(); 4],
                            index: 0,
                            lookup: lookup.map(|l| LookupFolder {
                                simd,
                                plan,
                                gamma: PackedExt::splat(simd, l.challenges.gamma),
                                beta_powers: &beta_powers,
                                aux_local: &ext_local,
                                aux_next: &ext_next,
                                total: PackedExt::splat(simd, l.total),
                                dens: &mut dens,
                                mults: &mut mults,
                            }),
                        };
                        air.eval(&mut folder);
                        folder.finish();
                        let iz = load(simd, &inv_z_pos, &pos, pos_run);
                        let mut coeffs = folder.acc;
                        for c in &mut coeffs {
                            *c *= iz;
                        }
                        for (l, slot) in out[off..].iter_mut().take(w).enumerate() {
                            *slot = core::array::from_fn(|c| coeffs[c].as_slice()[l]);
                        }
                        (pos, nxt) = (pos_ahead, nxt_ahead);
                    }
                },
            )
        });

    // Chunk i: points j ≡ i (mod step), position j / step; 4 columns per chunk.
    let mut cols = vec![BabyBear::ZERO; 4 * step * n];
    for (p, v) in values.iter().enumerate() {
        let j = rev(p);
        let (i, t) = (j % step, j / step);
        for (c, &x) in v.iter().enumerate() {
            cols[(4 * i + c) * n + t] = x;
        }
    }
    cols
}
