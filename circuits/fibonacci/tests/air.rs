//! The Fibonacci AIR through the symbolic builder and the debug checker.

use kiln_air::{
    TraceError, check_constraints, constraint_count, max_constraint_degree, quotient_degree,
};
use kiln_fibonacci::{FibonacciAir, fibonacci_result, generate_trace};
use kiln_field::{BabyBear, ColMajorMatrix};

fn pis(log_n: u32) -> Vec<BabyBear> {
    let (a, b) = (BabyBear::new(0), BabyBear::new(1));
    vec![a, b, fibonacci_result(log_n, a, b)]
}

#[test]
fn symbolic_shape() {
    assert_eq!(constraint_count(&FibonacciAir), 5);
    assert_eq!(max_constraint_degree(&FibonacciAir), 2);
    assert_eq!(quotient_degree(&FibonacciAir), 0);
}

#[test]
fn valid_trace_passes() {
    for log_n in 1..10 {
        let trace = generate_trace(log_n, BabyBear::new(0), BabyBear::new(1));
        check_constraints(&FibonacciAir, trace.view(), &pis(log_n)).unwrap();
    }
    // F_{2^5} for (0, 1): the 32nd term after F_1 = 1 is F_32 = 2178309.
    assert_eq!(
        fibonacci_result(5, BabyBear::new(0), BabyBear::new(1)),
        BabyBear::new(2_178_309)
    );
}

#[test]
fn checker_names_row_and_constraint() {
    let log_n = 4;
    let trace = generate_trace(log_n, BabyBear::new(0), BabyBear::new(1));
    let mut data = trace.into_data();
    // Break row 6's right cell: row 5's transition "next.right = left + right" is the
    // first constraint to fail (row 6 is row 5's next row).
    data[16 + 6] += BabyBear::new(1);
    let bad = ColMajorMatrix::new(data, 2, 16).unwrap();
    let err = check_constraints(&FibonacciAir, bad.view(), &pis(log_n)).unwrap_err();
    match err {
        TraceError::Unsatisfied(f) => {
            assert_eq!(f.row, 5);
            assert_eq!(f.index, 3);
            assert_eq!(f.name, "next.right = left + right");
            assert_eq!(f.value, BabyBear::new(1));
        }
        other => panic!("unexpected {other}"),
    }
    // Wrong public result: the last-row constraint.
    let trace = generate_trace(log_n, BabyBear::new(0), BabyBear::new(1));
    let mut p = pis(log_n);
    p[2] += BabyBear::new(1);
    let err = check_constraints(&FibonacciAir, trace.view(), &p).unwrap_err();
    assert!(
        matches!(err, TraceError::Unsatisfied(ref f) if f.row == 15 && f.index == 4),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("last row: right = result fails on row 15"),
        "{err}"
    );
}

#[test]
fn shape_errors() {
    let trace = generate_trace(3, BabyBear::new(0), BabyBear::new(1));
    assert_eq!(
        check_constraints(&FibonacciAir, trace.view(), &[BabyBear::new(0)]),
        Err(TraceError::PublicValues {
            expected: 3,
            got: 1
        })
    );
    let odd = ColMajorMatrix::new(vec![BabyBear::new(0); 6], 2, 3).unwrap();
    assert_eq!(
        check_constraints(&FibonacciAir, odd.view(), &pis(3)),
        Err(TraceError::Height { height: 3 })
    );
    let wide = ColMajorMatrix::new(vec![BabyBear::new(0); 24], 3, 8).unwrap();
    assert_eq!(
        check_constraints(&FibonacciAir, wide.view(), &pis(3)),
        Err(TraceError::Width {
            expected: 2,
            got: 3
        })
    );
}

#[test]
fn compiled_program_equals_the_debug_evaluation() {
    use kiln_air::ConstraintProgram;
    let program = ConstraintProgram::compile(&FibonacciAir);
    assert_eq!(program.constraints, 5);
    assert!(
        program.registers >= 2 && program.registers <= 8,
        "{} registers",
        program.registers
    );
    // On every row of a valid trace all constraints vanish; on a broken row the program
    // and the debug checker agree on which do not.
    let log_n = 3;
    let trace = generate_trace(log_n, BabyBear::new(0), BabyBear::new(1));
    let mut data = trace.into_data();
    data[8 + 4] += BabyBear::new(5);
    let bad = ColMajorMatrix::new(data, 2, 8).unwrap();
    let p = pis(log_n);
    for row in 0..8 {
        let (local, next) = (
            bad.view().row_to_vec(row),
            bad.view().row_to_vec((row + 1) % 8),
        );
        let one = |b: bool| {
            if b {
                BabyBear::new(1)
            } else {
                BabyBear::new(0)
            }
        };
        let sel = [one(row == 0), one(row == 7), one(row != 7)];
        let values = program.eval([&local, &next], [&[], &[]], &p, [&sel[0], &sel[1], &sel[2]]);
        let failing: Vec<usize> = values
            .iter()
            .enumerate()
            .filter(|(_, v)| **v != BabyBear::new(0))
            .map(|(i, _)| i)
            .collect();
        let debug = check_constraints(&FibonacciAir, bad.view(), &p);
        if row == 3 {
            assert_eq!(failing, vec![3], "row 3's transition to the broken row 4");
            assert!(
                matches!(debug, Err(TraceError::Unsatisfied(ref f)) if f.row == 3 && f.index == 3)
            );
        }
        if row == 4 {
            assert!(failing.contains(&2) && failing.contains(&3), "{failing:?}");
        }
    }
}
