//! The quotient: the α-combination of all constraints divided by Z_H, on the quotient
//! domain g·⟨ω_M⟩ (M = n·2^chunks), split into chunks over the cosets D_i = g·ω_M^i·H.

use kiln::{CpuBackend, NttOps};
use kiln_air::{Air, SymbolicAirBuilder, Window};
use kiln_field::{BabyBear, BabyBearExt4, Field, PACKED_WIDTH as W, PackedBabyBear, batch_inverse};
use rayon::prelude::*;

use super::{ProverFolder, QuotientInputs};
use crate::domain::{LDE_SHIFT, root};

/// The first 2^log_m rows of each column of `lde` (columns of `lde_height`) in natural
/// order, one Vec per column.
fn quotient_domain_columns(
    lde: &[BabyBear],
    lde_height: usize,
    log_m: usize,
) -> Vec<Vec<BabyBear>> {
    let m = 1usize << log_m;
    let cpu = CpuBackend::new();
    lde.par_chunks(lde_height)
        .map(|col| {
            let mut v = col[..m].to_vec();
            cpu.bit_reverse_batch(&mut v, log_m as u32)
                .expect("length is 2^log_m");
            v
        })
        .collect()
}

/// Loads lanes `start..start+W` (indices mod `m`) of `col`.
#[inline]
pub(super) fn load(col: &[BabyBear], start: usize, m: usize) -> PackedBabyBear {
    if start + W <= m {
        PackedBabyBear::from_slice(&col[start..])
    } else {
        PackedBabyBear(core::array::from_fn(|l| col[(start + l) % m]))
    }
}

/// Points per rayon task.
const TASK: usize = 1 << 10;

pub(super) fn quotient_chunks<A: Air<SymbolicAirBuilder> + for<'a> Air<ProverFolder<'a>>>(
    air: &A,
    q: &QuotientInputs<'_, CpuBackend>,
) -> Vec<BabyBear> {
    let (log_n, log_chunks, alpha, public_values) =
        (q.log_n, q.log_chunks, q.alpha, q.public_values);
    let n = 1usize << log_n;
    let log_m = log_n + log_chunks;
    let m = 1usize << log_m;
    let step = 1usize << log_chunks; // ω_n = ω_M^step: the next row is `step` points on
    let _span = tracing::debug_span!("domain columns").entered();
    // The committed LDE's first M rows in bit-reversed order are the evaluations on the
    // quotient domain g·⟨ω_M⟩, also bit-reversed (rev_N(p) = rev_M(p)·N/M for p < M).
    // One allocation per column: small blocks come back from the allocator's free lists,
    // where one large block would be fresh pages (each page a fault) on every proof.
    let main = quotient_domain_columns(q.trace_lde, q.lde_height, log_m);
    let pre = q
        .preprocessed_lde
        .map(|(t, _)| quotient_domain_columns(t, q.lde_height, log_m))
        .unwrap_or_default();

    // Points x_j = g·ω_M^j and the selectors' denominators.
    let w_m = root(log_m);
    let mut xs = Vec::with_capacity(m);
    let mut x = LDE_SHIFT;
    for _ in 0..m {
        xs.push(x);
        x *= w_m;
    }
    let w_inv = root(log_n).inverse();
    let inv_first =
        crate::fri::par_batch_inverse(&xs.iter().map(|&x| x - BabyBear::ONE).collect::<Vec<_>>());
    let inv_last =
        crate::fri::par_batch_inverse(&xs.iter().map(|&x| x - w_inv).collect::<Vec<_>>());
    // Z_H(x_j) = g^n·ω_M^{jn} − 1 depends on j mod step only.
    let g_n = LDE_SHIFT.exp_power_of_2(log_n);
    let w_step = root(log_chunks);
    let z: Vec<BabyBear> = (0..step)
        .map(|i| g_n * w_step.exp_u64(i as u64) - BabyBear::ONE)
        .collect();
    let inv_z = batch_inverse(&z);
    let z_full: Vec<BabyBear> = (0..m).map(|j| z[j % step]).collect();
    let inv_z_full: Vec<BabyBear> = (0..m).map(|j| inv_z[j % step]).collect();

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

    drop(_span);
    let _span = tracing::debug_span!("evaluate").entered();
    // The quotient at each point in natural order, 4 coefficients.
    let mut q = vec![[BabyBear::ZERO; 4]; m];
    q.par_chunks_mut(TASK).enumerate().for_each(|(task, out)| {
        let base = task * TASK;
        let mut local = vec![PackedBabyBear::ZERO; main.len()];
        let mut next = vec![PackedBabyBear::ZERO; main.len()];
        let mut p_local = vec![PackedBabyBear::ZERO; pre.len()];
        let mut p_next = vec![PackedBabyBear::ZERO; pre.len()];
        for off in (0..out.len()).step_by(W) {
            let j = base + off;
            for (c, col) in main.iter().enumerate() {
                local[c] = load(col, j, m);
                next[c] = load(col, (j + step) % m, m);
            }
            for (c, col) in pre.iter().enumerate() {
                p_local[c] = load(col, j, m);
                p_next[c] = load(col, (j + step) % m, m);
            }
            let zv = load(&z_full, j, m);
            let mut folder = ProverFolder {
                main: Window {
                    local: &local,
                    next: &next,
                },
                preprocessed: Window {
                    local: &p_local,
                    next: &p_next,
                },
                public: &public,
                is_first_row: zv * load(&inv_first, j, m),
                is_last_row: zv * load(&inv_last, j, m),
                is_transition: load(&xs, j, m) - PackedBabyBear::broadcast(w_inv),
                alpha_powers: &alpha_powers,
                acc: [PackedBabyBear::ZERO; 4],
                index: 0,
            };
            air.eval(&mut folder);
            let iz = load(&inv_z_full, j, m);
            let coeffs = folder.acc.map(|a| a * iz);
            for (l, slot) in out[off..].iter_mut().take(W).enumerate() {
                *slot = core::array::from_fn(|c| coeffs[c].0[l]);
            }
        }
    });

    // Chunk i: points j ≡ i (mod step), position j / step; 4 columns per chunk.
    let mut cols = vec![BabyBear::ZERO; 4 * step * n];
    for (j, v) in q.iter().enumerate() {
        let (i, t) = (j % step, j / step);
        for (c, &x) in v.iter().enumerate() {
            cols[(4 * i + c) * n + t] = x;
        }
    }
    cols
}
