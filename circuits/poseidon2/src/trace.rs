use kiln_field::{BabyBear, ColMajorMatrix, Field, PackedField, Simd, SimdLevel, SimdOp};
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
/// Runs on rayon; each task computes as many permutations at once as the vectors of
/// [`SimdLevel::current`] have lanes, one lane per row, and stores every committed value
/// straight into its column.
pub fn generate_trace<const PERMS_PER_ROW: usize>(inputs: &[[BabyBear; WIDTH]]) -> ColMajorMatrix {
    generate_trace_at::<PERMS_PER_ROW>(SimdLevel::current(), inputs)
}

/// [`generate_trace`] at SIMD level `level` (the same trace at every level).
///
/// # Panics
/// If this CPU lacks `level`.
pub fn generate_trace_at<const PERMS_PER_ROW: usize>(
    level: SimdLevel,
    inputs: &[[BabyBear; WIDTH]],
) -> ColMajorMatrix {
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
    level.run(Tasks::<PERMS_PER_ROW> {
        tasks,
        task_rows,
        inputs,
    });
    ColMajorMatrix::new(data, width, n).expect("width·n elements")
}

/// The trace tasks: each owns `task_rows` rows of every column.
struct Tasks<'a, 'd, const PERMS_PER_ROW: usize> {
    tasks: Vec<Vec<&'d mut [BabyBear]>>,
    task_rows: usize,
    inputs: &'a [[BabyBear; WIDTH]],
}

impl<const PERMS_PER_ROW: usize> SimdOp for Tasks<'_, '_, PERMS_PER_ROW> {
    type Output = ();

    #[inline(always)]
    fn run<P: PackedField>(self, simd: Simd<P>) {
        let Tasks {
            tasks,
            task_rows,
            inputs,
        } = self;
        let input = |perm: usize, e: usize| inputs.get(perm).map_or(BabyBear::ZERO, |s| s[e]);
        tasks
            .into_par_iter()
            .enumerate()
            .for_each(|(t, mut columns)| {
                simd.enter(
                    #[inline(always)]
                    || {
                        let row0 = t * task_rows;
                        let mut cols = vec![simd.zero(); NUM_POSEIDON2_COLS];
                        let cols = Poseidon2Cols::from_row_mut(&mut cols);
                        for slot in 0..PERMS_PER_ROW {
                            let slot_columns = &mut columns
                                [slot * NUM_POSEIDON2_COLS..(slot + 1) * NUM_POSEIDON2_COLS];
                            for off in (0..task_rows).step_by(P::WIDTH) {
                                let lanes = P::WIDTH.min(task_rows - off);
                                let state: [P; WIDTH] = core::array::from_fn(|e| {
                                    simd.from_fn(|l| {
                                        if l < lanes {
                                            input((row0 + off + l) * PERMS_PER_ROW + slot, e)
                                        } else {
                                            BabyBear::ZERO
                                        }
                                    })
                                });
                                permutation_columns(state, cols);
                                for (column, v) in slot_columns.iter_mut().zip(cols.as_slice()) {
                                    column[off..off + lanes]
                                        .copy_from_slice(&v.as_slice()[..lanes]);
                                }
                            }
                        }
                    },
                )
            });
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_simd_level_makes_the_same_trace() {
        // 37 inputs: no level's lane count divides them.
        let inputs: Vec<[BabyBear; WIDTH]> = (0..37u32)
            .map(|i| core::array::from_fn(|j| BabyBear::new(i * 31 + j as u32)))
            .collect();
        let one = generate_trace_at::<1>(SimdLevel::Scalar, &inputs);
        let two = generate_trace_at::<2>(SimdLevel::Scalar, &inputs);
        for level in SimdLevel::available() {
            assert!(generate_trace_at::<1>(level, &inputs) == one, "{level}");
            assert!(generate_trace_at::<2>(level, &inputs) == two, "{level}");
        }
    }
}
