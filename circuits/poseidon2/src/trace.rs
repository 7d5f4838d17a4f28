use kiln_field::{BabyBear, ColMajorMatrix, Field, PACKED_WIDTH, PackedBabyBear};
use rayon::prelude::*;

use crate::air::Poseidon2Air;
use crate::columns::{NUM_POSEIDON2_COLS, Poseidon2Cols, WIDTH};
use crate::rounds::permutation_columns;

/// Rows per rayon task: enough to amortise the task, few enough that each task's slices
/// of the 298·k columns stay in cache while it writes them.
const TASK_ROWS: usize = 256;

/// Rows of a trace holding `num_perms` permutations, `perms_per_row` to a row: a power of
/// two, at least 2.
pub fn trace_height(num_perms: usize, perms_per_row: usize) -> usize {
    num_perms.div_ceil(perms_per_row).next_power_of_two().max(2)
}

/// The trace proving the permutations of `inputs`, `PERMS_PER_ROW` to a row: input `i` in
/// row `i / PERMS_PER_ROW`, slot `i % PERMS_PER_ROW`. Slots past the inputs (up to a
/// power-of-two height of at least 2 rows) hold the permutation of the zero state.
///
/// Runs on rayon; each task computes `PACKED_WIDTH` permutations at once with SIMD, one
/// lane per row, and stores every committed value straight into its column.
pub fn generate_trace<const PERMS_PER_ROW: usize>(inputs: &[[BabyBear; WIDTH]]) -> ColMajorMatrix {
    const { assert!(PERMS_PER_ROW > 0, "at least one permutation per row") };
    let n = trace_height(inputs.len(), PERMS_PER_ROW);
    let width = NUM_POSEIDON2_COLS * PERMS_PER_ROW;
    let mut data = vec![BabyBear::ZERO; width * n];

    // Each task owns rows [t·task_rows, (t+1)·task_rows) of every column.
    let task_rows = TASK_ROWS.min(n);
    let mut tasks: Vec<Vec<&mut [BabyBear]>> = (0..n / task_rows)
        .map(|_| Vec::with_capacity(width))
        .collect();
    for column in data.chunks_exact_mut(n) {
        for (task, part) in tasks.iter_mut().zip(column.chunks_exact_mut(task_rows)) {
            task.push(part);
        }
    }
    let input = |perm: usize, e: usize| inputs.get(perm).map_or(BabyBear::ZERO, |s| s[e]);

    tasks
        .into_par_iter()
        .enumerate()
        .for_each(|(t, mut columns)| {
            let row0 = t * task_rows;
            let mut cols = Box::<Poseidon2Cols<PackedBabyBear>>::default();
            for slot in 0..PERMS_PER_ROW {
                let slot_columns =
                    &mut columns[slot * NUM_POSEIDON2_COLS..(slot + 1) * NUM_POSEIDON2_COLS];
                for off in (0..task_rows).step_by(PACKED_WIDTH) {
                    let lanes = PACKED_WIDTH.min(task_rows - off);
                    let state: [PackedBabyBear; WIDTH] = core::array::from_fn(|e| {
                        PackedBabyBear(core::array::from_fn(|l| {
                            if l < lanes {
                                input((row0 + off + l) * PERMS_PER_ROW + slot, e)
                            } else {
                                BabyBear::ZERO
                            }
                        }))
                    });
                    permutation_columns(state, &mut cols);
                    for (column, v) in slot_columns.iter_mut().zip(cols.as_slice()) {
                        column[off..off + lanes].copy_from_slice(&v.0[..lanes]);
                    }
                }
            }
        });
    ColMajorMatrix::new(data, width, n).expect("width·n elements")
}

/// The outputs of every permutation of a trace made by [`generate_trace`], in input order
/// (padding slots included).
///
/// # Panics
/// If the trace's width is not `PERMS_PER_ROW · NUM_POSEIDON2_COLS`.
pub fn trace_outputs<const PERMS_PER_ROW: usize>(trace: &ColMajorMatrix) -> Vec<[BabyBear; WIDTH]> {
    assert_eq!(trace.width(), NUM_POSEIDON2_COLS * PERMS_PER_ROW);
    let n = trace.height();
    (0..n * PERMS_PER_ROW)
        .map(|i| {
            let (row, slot) = (i / PERMS_PER_ROW, i % PERMS_PER_ROW);
            core::array::from_fn(|e| {
                trace.data()[Poseidon2Air::<PERMS_PER_ROW>::output_column(slot, e) * n + row]
            })
        })
        .collect()
}
