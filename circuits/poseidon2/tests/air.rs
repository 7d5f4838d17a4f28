//! The Poseidon2 AIR through the symbolic builder and the debug checker.

use kiln_air::{
    TraceError, check_constraints, constraint_count, max_constraint_degree, quotient_degree,
    symbolic_constraints,
};
use kiln_field::{BabyBear, ColMajorMatrix};
use kiln_hash::{Permutation, Poseidon2W16};
use kiln_poseidon2_air::{
    CONSTRAINTS_PER_PERM, NUM_POSEIDON2_COLS, Poseidon2Air, Poseidon2Cols, WIDTH, generate_trace,
    trace_height, trace_outputs,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

fn random_inputs(count: usize, seed: u64) -> Vec<[BabyBear; WIDTH]> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    (0..count).map(|_| rng.random()).collect()
}

#[test]
fn symbolic_shape() {
    assert_eq!(CONSTRAINTS_PER_PERM, 282);
    assert_eq!(constraint_count(&Poseidon2Air::<1>), 282);
    assert_eq!(constraint_count(&Poseidon2Air::<4>), 4 * 282);
    assert_eq!(max_constraint_degree(&Poseidon2Air::<1>), 3);
    assert_eq!(max_constraint_degree(&Poseidon2Air::<4>), 3);
    assert_eq!(quotient_degree(&Poseidon2Air::<1>), 1);
    // Every constraint has degree exactly 3: each one involves an S-box.
    for c in symbolic_constraints(&Poseidon2Air::<2>) {
        assert_eq!(c.degree_multiple(), 3);
    }
}

/// Random inputs (and zero padding) satisfy every constraint; the output columns are the
/// permutation's outputs.
fn check_random<const K: usize>(count: usize, seed: u64) {
    let inputs = random_inputs(count, seed);
    let trace = generate_trace::<K>(&inputs);
    let n = trace_height(count, K);
    assert_eq!((trace.width(), trace.height()), (K * NUM_POSEIDON2_COLS, n));
    check_constraints(&Poseidon2Air::<K>, trace.view(), &[]).unwrap();

    let perm = Poseidon2W16::new();
    let outputs = trace_outputs::<K>(&trace);
    assert_eq!(outputs.len(), n * K);
    for (i, out) in outputs.iter().enumerate() {
        let input = inputs.get(i).copied().unwrap_or([BabyBear::new(0); WIDTH]);
        assert_eq!(
            *out,
            perm.permute(input),
            "permutation {i} of {count}, K = {K}"
        );
        // The same values through the column structs and the column indices.
        let row = trace.view().row_to_vec(i / K);
        let cols = &Poseidon2Cols::from_wide_row(&row)[i % K];
        assert_eq!(cols.inputs, input);
        assert_eq!(cols.outputs(), out);
        for e in 0..WIDTH {
            assert_eq!(row[Poseidon2Air::<K>::input_column(i % K, e)], input[e]);
            assert_eq!(row[Poseidon2Air::<K>::output_column(i % K, e)], out[e]);
        }
    }
}

#[test]
fn random_traces_satisfy_the_air() {
    check_random::<1>(64, 1);
    check_random::<1>(37, 2); // padded to 64 rows
    check_random::<1>(0, 3); // two rows of zero permutations
    check_random::<1>(600, 4); // spans several generation tasks
    check_random::<2>(50, 5);
    check_random::<3>(12, 6);
    check_random::<8>(8 * 64, 7);
}

/// Bumps `col` of `row` and returns the checker's failure.
fn tamper<const K: usize>(
    trace: &ColMajorMatrix,
    row: usize,
    col: usize,
) -> kiln_air::ConstraintFailure {
    let n = trace.height();
    let mut data = trace.data().to_vec();
    data[col * n + row] += BabyBear::new(1);
    let bad = ColMajorMatrix::new(data, trace.width(), n).unwrap();
    match check_constraints(&Poseidon2Air::<K>, bad.view(), &[]) {
        Err(TraceError::Unsatisfied(f)) => f,
        other => panic!("tampered cell ({row}, {col}) not caught: {other:?}"),
    }
}

#[test]
fn tampered_cells_are_caught_on_their_row() {
    let trace = generate_trace::<1>(&random_inputs(16, 9));
    // An input: M_E mixes it into every element, so the first S-box register fails.
    let f = tamper::<1>(&trace, 5, 3);
    assert_eq!((f.row, f.index), (5, 0));
    assert_eq!(f.name, "slot 0: initial full round 0: sbox[0] = x^3");
    // A post-state cell of initial full round 2: its own constraint, 2·32 + 16 + 7.
    let col = 16 + 2 * 32 + 16 + 7;
    let f = tamper::<1>(&trace, 11, col);
    assert_eq!((f.row, f.index), (11, 2 * 32 + 16 + 7));
    assert_eq!(f.name, "slot 0: initial full round 2: post[7] = M_E·x^7");
    // The register of partial round 5.
    let col = 16 + 4 * 32 + 2 * 5;
    let f = tamper::<1>(&trace, 0, col);
    assert_eq!((f.row, f.index), (0, 4 * 32 + 2 * 5));
    assert_eq!(f.name, "slot 0: partial round 5: sbox = x^3");
    // Its S-box output.
    let f = tamper::<1>(&trace, 15, col + 1);
    assert_eq!((f.row, f.index), (15, 4 * 32 + 2 * 5 + 1));
    assert_eq!(f.name, "slot 0: partial round 5: post_sbox = x^7");
    // An output cell (last row).
    let col = Poseidon2Air::<1>::output_column(0, 12);
    let f = tamper::<1>(&trace, 15, col);
    assert_eq!((f.row, f.index), (15, CONSTRAINTS_PER_PERM - 4));
    assert_eq!(f.name, "slot 0: terminal full round 3: post[12] = M_E·x^7");

    // Several permutations per row: a cell of slot 2 fails slot 2's constraint.
    let trace = generate_trace::<3>(&random_inputs(24, 10));
    let col = 2 * NUM_POSEIDON2_COLS + 16 + 4 * 32 + 2 * 12 + 1;
    let f = tamper::<3>(&trace, 6, col);
    assert_eq!(
        (f.row, f.index),
        (6, 2 * CONSTRAINTS_PER_PERM + 4 * 32 + 2 * 12 + 1)
    );
    assert_eq!(f.name, "slot 2: partial round 12: post_sbox = x^7");
}

/// Every column is constrained: bumping any single cell of a row is caught.
#[test]
fn every_column_is_constrained() {
    let trace = generate_trace::<1>(&random_inputs(4, 11));
    for col in 0..NUM_POSEIDON2_COLS {
        assert_eq!(tamper::<1>(&trace, 1, col).row, 1, "column {col}");
    }
}
