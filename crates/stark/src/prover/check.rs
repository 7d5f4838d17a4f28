//! A fast satisfiability check of the trace before proving: every constraint on
//! `PACKED_WIDTH` rows at once, folded with powers of a fixed extension element α.
//!
//! A row where some constraint is non-zero gives a non-zero fold except with probability
//! at most k/|F^4| (k constraints) over α; α is fixed here, so an adversarially built
//! trace could cancel, but the check only protects an honest caller from proving a bad
//! trace: a trace that slips through yields a proof that does not verify, never an unsound
//! one. When the fold is non-zero, [`kiln_air::check_constraints`] runs to name the row and
//! the constraint exactly.

use kiln_air::{Window, symbolic_constraints};
use kiln_field::{BabyBear, BabyBearExt4, ColMajor, Field, PACKED_WIDTH as W, PackedBabyBear};
use rayon::prelude::*;

use super::quotient::load;
use super::{ProverAir, ProverFolder};

/// Rows per rayon task.
const TASK: usize = 1 << 10;

/// Whether the fold of all constraints is zero on every row (see the module docs).
pub(super) fn fold_is_zero<A: ProverAir>(
    air: &A,
    trace: ColMajor<'_>,
    preprocessed: Option<ColMajor<'_>>,
    public_values: &[BabyBear],
) -> bool {
    let n = trace.height();
    let k = symbolic_constraints(air).len();
    let alpha = BabyBearExt4::new([
        BabyBear::new(0x1234_5677),
        BabyBear::new(0x0bad_cafe),
        BabyBear::new(0x3141_5926),
        BabyBear::new(0x2718_2818),
    ]);
    let mut alpha_powers = vec![[BabyBear::ZERO; 4]; k];
    let mut p = BabyBearExt4::ONE;
    for slot in &mut alpha_powers {
        *slot = p.0;
        p *= alpha;
    }
    let public: Vec<PackedBabyBear> = public_values
        .iter()
        .map(|&v| PackedBabyBear::broadcast(v))
        .collect();
    let main: Vec<&[BabyBear]> = trace.columns().collect();
    let pre: Vec<&[BabyBear]> = preprocessed.map_or_else(Vec::new, |p| p.columns().collect());
    (0..n.div_ceil(TASK)).into_par_iter().all(|task| {
        let mut local = vec![PackedBabyBear::ZERO; main.len()];
        let mut next = vec![PackedBabyBear::ZERO; main.len()];
        let mut p_local = vec![PackedBabyBear::ZERO; pre.len()];
        let mut p_next = vec![PackedBabyBear::ZERO; pre.len()];
        let end = ((task + 1) * TASK).min(n);
        (task * TASK..end).step_by(W).all(|r| {
            for (c, col) in main.iter().enumerate() {
                local[c] = load(col, r, n);
                next[c] = load(col, (r + 1) % n, n);
            }
            for (c, col) in pre.iter().enumerate() {
                p_local[c] = load(col, r, n);
                p_next[c] = load(col, (r + 1) % n, n);
            }
            let row = |l: usize| (r + l) % n;
            let indicator = |f: &dyn Fn(usize) -> bool| {
                PackedBabyBear(core::array::from_fn(|l| {
                    if f(row(l)) {
                        BabyBear::ONE
                    } else {
                        BabyBear::ZERO
                    }
                }))
            };
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
                is_first_row: indicator(&|i| i == 0),
                is_last_row: indicator(&|i| i == n - 1),
                is_transition: indicator(&|i| i != n - 1),
                alpha_powers: &alpha_powers,
                acc: [PackedBabyBear::ZERO; 4],
                index: 0,
            };
            air.eval(&mut folder);
            folder.acc.iter().all(|a| a.0.iter().all(|v| v.is_zero()))
        })
    })
}
