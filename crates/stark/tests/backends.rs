//! The prover on every backend: CPU and kernel-emulator proofs are byte-identical and
//! verify; on a GPU (when present) the CUDA proof is byte-identical too. Covers an AIR
//! with preprocessed columns, public values and a degree-3 constraint, and several FRI
//! configurations.

use kiln::{CpuBackend, CudaBackend, EmuBackend};
mod fixed_air;

use fixed_air::FixedColumnsAir;
use kiln_fibonacci::{FibonacciAir, fibonacci_result, generate_trace};
use kiln_field::{BabyBear, ColMajorMatrix, Field};
use kiln_stark::{
    ProveError, ProverAir, ProverBackend, StarkConfig, VerifierAir, prove_unchecked_with,
    prove_with, verify,
};

const CONFIGS: [StarkConfig; 3] = [
    StarkConfig::TEST,
    StarkConfig::COMPACT,
    StarkConfig {
        log_blowup: 2,
        log_folding_arity: 2,
        log_final_poly_len: 1,
        query_pow_bits: 2,
        ..StarkConfig::TEST
    },
];

/// Proofs of `air` on `backend` equal the CPU's byte for byte, and verify.
fn check_same_proofs<B: ProverBackend, A: ProverAir + VerifierAir>(
    backend: &B,
    air: &A,
    trace: &ColMajorMatrix,
    pis: &[BabyBear],
) {
    let cpu = CpuBackend::new();
    for config in CONFIGS {
        let want = prove_with(&cpu, &config, air, trace, pis).unwrap();
        verify(&config, air, &want, pis).unwrap();
        let got = prove_with(backend, &config, air, trace, pis).unwrap();
        assert!(
            got.to_bytes() == want.to_bytes(),
            "{}: proof differs from the CPU's ({config:?})",
            kiln::Backend::name(backend)
        );
    }
}

fn fibonacci(log_n: u32) -> (ColMajorMatrix, Vec<BabyBear>) {
    let (a, b) = (BabyBear::new(0), BabyBear::new(1));
    (
        generate_trace(log_n, a, b),
        vec![a, b, fibonacci_result(log_n, a, b)],
    )
}

#[test]
fn fixed_columns_air_proves_and_verifies() {
    for log_n in [1u32, 3, 6] {
        let air = FixedColumnsAir { log_n };
        let (trace, pis) = air.trace();
        for config in CONFIGS {
            let proof = prove_with(&CpuBackend::new(), &config, &air, &trace, &pis).unwrap();
            verify(&config, &air, &proof, &pis).unwrap();
            let mut bad = pis.clone();
            bad[1] += BabyBear::ONE;
            assert!(verify(&config, &air, &proof, &bad).is_err());
        }
    }
}

#[test]
fn proofs_are_deterministic() {
    // Grinding included (query_pow_bits > 0 in COMPACT): the smallest witness is taken.
    let cpu = CpuBackend::new();
    let (trace, pis) = fibonacci(5);
    check_same_proofs(&cpu, &FibonacciAir, &trace, &pis);
    let air = FixedColumnsAir { log_n: 5 };
    let (trace, pis) = air.trace();
    check_same_proofs(&cpu, &air, &trace, &pis);
}

/// A trace broken on one row is an error naming that row on `backend` (the prover's
/// out-of-domain self-check fails, then the debug checker names the row).
fn check_broken_trace_is_named<B: ProverBackend>(backend: &B) {
    for config in CONFIGS {
        let air = FixedColumnsAir { log_n: 5 };
        let (mut trace, pis) = air.trace();
        trace.column_mut(0)[9] += BabyBear::ONE;
        let err = prove_with(backend, &config, &air, &trace, &pis).unwrap_err();
        assert!(matches!(err, ProveError::Trace(_)), "{err}");
        // x_9 changed: the transition from row 8 fails first.
        assert!(err.to_string().contains("row 8"), "{err}");
        // The unchecked prover makes a proof; it does not verify.
        let proof = prove_unchecked_with(backend, &config, &air, &trace, &pis).unwrap();
        assert!(verify(&config, &air, &proof, &pis).is_err());
    }
}

#[test]
fn broken_traces_are_named_on_every_backend() {
    check_broken_trace_is_named(&CpuBackend::new());
    check_broken_trace_is_named(&EmuBackend::new());
}

#[test]
fn emulated_proofs_equal_cpu_proofs() {
    let emu = EmuBackend::new();
    for log_n in [2u32, 5] {
        let (trace, pis) = fibonacci(log_n);
        check_same_proofs(&emu, &FibonacciAir, &trace, &pis);
        let air = FixedColumnsAir { log_n };
        let (trace, pis) = air.trace();
        check_same_proofs(&emu, &air, &trace, &pis);
    }
}

#[test]
fn cuda_proofs_equal_cpu_proofs() {
    let gpu = match CudaBackend::new(0) {
        Ok(gpu) => gpu,
        Err(e) if std::env::var("KILN_REQUIRE_GPU").is_ok_and(|v| v == "1") => {
            panic!("KILN_REQUIRE_GPU=1 but the CUDA backend is unavailable: {e}")
        }
        Err(e) => {
            eprintln!("cuda_proofs_equal_cpu_proofs: skipping: {e}");
            return;
        }
    };
    check_broken_trace_is_named(&gpu);
    for log_n in [2u32, 8, 14] {
        let (trace, pis) = fibonacci(log_n);
        check_same_proofs(&gpu, &FibonacciAir, &trace, &pis);
        let air = FixedColumnsAir { log_n };
        let (trace, pis) = air.trace();
        check_same_proofs(&gpu, &air, &trace, &pis);
    }
}
