//! The quotient: the α-combination of all constraints divided by Z_H, on the quotient
//! domain g·⟨ω_M⟩ (M = n·2^chunks), split into chunks over the cosets D_i = g·ω_M^i·H.

use kiln::CpuBackend;
use kiln_air::{Air, SymbolicAirBuilder, Window};
use kiln_field::{
    BabyBear, BabyBearExt4, Field, PACKED_WIDTH as W, PackedBabyBear, batch_inverse, prefetch,
};
use rayon::prelude::*;

use super::{ProverConstraintFolder, QuotientInputs};
use crate::domain::{LDE_SHIFT, root};

/// Points per rayon task.
const TASK: usize = 1 << 10;

/// The first `m` positions of each column of `lde` (columns of `height`).
fn domain_columns(lde: &[BabyBear], height: usize, m: usize) -> Vec<&[BabyBear]> {
    lde.chunks_exact(height).map(|c| &c[..m]).collect()
}

/// Lanes `pos` of `col`: one contiguous load when they are consecutive.
#[inline]
fn load(col: &[BabyBear], pos: &[usize; W], contiguous: bool) -> PackedBabyBear {
    if contiguous {
        PackedBabyBear::from_slice(&col[pos[0]..])
    } else {
        PackedBabyBear(core::array::from_fn(|l| col[pos[l]]))
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
pub(super) fn quotient_chunks<
    A: Air<SymbolicAirBuilder> + for<'a> Air<ProverConstraintFolder<'a>>,
>(
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
    let w_inv = root(log_n).inverse();
    let inv_first =
        super::par_batch_inverse(&xs.iter().map(|&x| x - BabyBear::ONE).collect::<Vec<_>>());
    let inv_last = super::par_batch_inverse(&xs.iter().map(|&x| x - w_inv).collect::<Vec<_>>());
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
    let public: Vec<PackedBabyBear> = public_values
        .iter()
        .map(|&v| PackedBabyBear::broadcast(v))
        .collect();

    // The quotient at each position, 4 coefficients.
    let mut values = vec![[BabyBear::ZERO; 4]; m];
    values
        .par_chunks_mut(TASK)
        .enumerate()
        .for_each(|(task, out)| {
            let base = task * TASK;
            let mut local = vec![PackedBabyBear::ZERO; main.len()];
            let mut next = vec![PackedBabyBear::ZERO; main.len()];
            let mut p_local = vec![PackedBabyBear::ZERO; pre.len()];
            let mut p_next = vec![PackedBabyBear::ZERO; pre.len()];
            let lanes =
                |off: usize| -> [usize; W] { core::array::from_fn(|l| (base + off + l) % m) };
            let next_of = |pos: &[usize; W]| -> [usize; W] {
                core::array::from_fn(|l| rev((rev(pos[l]) + step) % m))
            };
            let mut pos = lanes(0);
            let mut nxt = next_of(&pos);
            for off in (0..out.len()).step_by(W) {
                // Lanes past M (M < W) repeat the domain; their values are not stored.
                let pos_run = m >= W;
                let nxt_run = m >= W && (1..W).all(|l| nxt[l] == nxt[0] + l);
                // Each block reads one or two cache lines from every column: far too many
                // streams for the hardware prefetcher, so fetch the next block's lines now.
                let pos_ahead = lanes(off + W);
                let nxt_ahead = next_of(&pos_ahead);
                for (c, col) in main.iter().enumerate() {
                    for i in [
                        pos_ahead[0],
                        pos_ahead[W - 1],
                        nxt_ahead[0],
                        nxt_ahead[W - 1],
                    ] {
                        prefetch(col, i);
                    }
                    local[c] = load(col, &pos, pos_run);
                    next[c] = load(col, &nxt, nxt_run);
                }
                for (c, col) in pre.iter().enumerate() {
                    p_local[c] = load(col, &pos, pos_run);
                    p_next[c] = load(col, &nxt, nxt_run);
                }
                let zv = load(&z_pos, &pos, pos_run);
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
                    is_first_row: zv * load(&inv_first, &pos, pos_run),
                    is_last_row: zv * load(&inv_last, &pos, pos_run),
                    is_transition: load(&xs, &pos, pos_run) - PackedBabyBear::broadcast(w_inv),
                    alpha_powers: &alpha_powers,
                    acc: [PackedBabyBear::ZERO; 4],
                    index: 0,
                };
                air.eval(&mut folder);
                let iz = load(&inv_z_pos, &pos, pos_run);
                let coeffs = folder.acc.map(|a| a * iz);
                for (l, slot) in out[off..].iter_mut().take(W).enumerate() {
                    *slot = core::array::from_fn(|c| coeffs[c].0[l]);
                }
                (pos, nxt) = (pos_ahead, nxt_ahead);
            }
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
