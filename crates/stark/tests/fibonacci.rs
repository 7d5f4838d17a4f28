//! End to end on the Fibonacci AIR: proofs verify; tampering, wrong public values and
//! wrong configurations are rejected.

use kiln_fibonacci::{FibonacciAir, fibonacci_result, generate_trace};
use kiln_field::BabyBear;
use kiln_stark::{ProveError, StarkConfig, VerifyError, prove, verify};

fn instance(log_n: u32) -> (kiln_field::ColMajorMatrix, Vec<BabyBear>) {
    let (a, b) = (BabyBear::new(0), BabyBear::new(1));
    (
        generate_trace(log_n, a, b),
        vec![a, b, fibonacci_result(log_n, a, b)],
    )
}

#[test]
fn proofs_verify() {
    for log_n in [1u32, 2, 3, 5, 8, 11] {
        for config in [
            StarkConfig::TEST,
            StarkConfig::COMPACT,
            StarkConfig {
                query_pow_bits: 4,
                ..StarkConfig::TEST
            },
        ] {
            let (trace, pis) = instance(log_n);
            let proof = prove(&config, &FibonacciAir, &trace, &pis).unwrap();
            verify(&config, &FibonacciAir, &proof, &pis)
                .unwrap_or_else(|e| panic!("log_n {log_n} {config:?}: {e}"));
        }
    }
}

#[test]
fn wrong_public_values_are_rejected() {
    let (trace, pis) = instance(6);
    let proof = prove(&StarkConfig::TEST, &FibonacciAir, &trace, &pis).unwrap();
    let mut bad = pis.clone();
    bad[2] += BabyBear::new(1);
    assert!(verify(&StarkConfig::TEST, &FibonacciAir, &proof, &bad).is_err());
    assert!(matches!(
        verify(&StarkConfig::TEST, &FibonacciAir, &proof, &pis[..2]),
        Err(VerifyError::PublicValues {
            expected: 3,
            got: 2
        })
    ));
}

#[test]
fn unsatisfied_trace_is_an_error_naming_the_row() {
    let (trace, mut pis) = instance(4);
    pis[2] += BabyBear::new(1);
    let err = prove(&StarkConfig::TEST, &FibonacciAir, &trace, &pis).unwrap_err();
    assert!(matches!(err, ProveError::Trace(_)), "{err}");
    assert!(err.to_string().contains("row 15"), "{err}");
}

#[test]
fn config_mismatch_is_rejected() {
    let (trace, pis) = instance(5);
    let proof = prove(&StarkConfig::TEST, &FibonacciAir, &trace, &pis).unwrap();
    assert_eq!(
        verify(&StarkConfig::STANDARD, &FibonacciAir, &proof, &pis),
        Err(VerifyError::ConfigMismatch)
    );
}
