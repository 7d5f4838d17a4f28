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
