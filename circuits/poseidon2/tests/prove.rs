//! Proofs of Poseidon2 traces with kiln-stark.

use kiln_field::{BabyBear, ColMajorMatrix};
use kiln_poseidon2_air::{Poseidon2Air, WIDTH, generate_trace};
use kiln_stark::{ProveError, StarkConfig, prove, prove_unchecked, verify};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

fn random_inputs(count: usize, seed: u64) -> Vec<[BabyBear; WIDTH]> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    (0..count).map(|_| rng.random()).collect()
}

fn round_trip<const K: usize>(count: usize, seed: u64) {
    let air = Poseidon2Air::<K>::new();
    let trace = generate_trace::<K>(&random_inputs(count, seed));
    let proof = prove(&StarkConfig::TEST, &air, &trace, &[]).unwrap();
    verify(&StarkConfig::TEST, &air, &proof, &[]).unwrap();
    // Through bytes.
    let proof = kiln_stark::Proof::from_bytes(&proof.to_bytes()).unwrap();
    verify(&StarkConfig::TEST, &air, &proof, &[]).unwrap();
    // A proof for one width does not verify for another.
    assert!(verify(&StarkConfig::TEST, &Poseidon2Air::<5>, &proof, &[]).is_err());
}

#[test]
fn proofs_verify() {
    round_trip::<1>(2, 1);
    round_trip::<1>(64, 2);
    round_trip::<2>(100, 3);
    round_trip::<4>(4 * 16, 4);
}

fn tampered(trace: &ColMajorMatrix, row: usize, col: usize) -> ColMajorMatrix {
    let n = trace.height();
    let mut data = trace.data().to_vec();
    data[col * n + row] += BabyBear::new(1);
    ColMajorMatrix::new(data, trace.width(), n).unwrap()
}

#[test]
fn bad_traces_are_refused_or_rejected() {
    let air = Poseidon2Air::<1>::new();
    let trace = generate_trace::<1>(&random_inputs(32, 5));
    let output = Poseidon2Air::<1>::output_column(0, 4);
    let bad = tampered(&trace, 9, output);
    // The prover names the row.
    let err = prove(&StarkConfig::TEST, &air, &bad, &[]).unwrap_err();
    assert!(matches!(err, ProveError::Trace(_)), "{err}");
    assert!(err.to_string().contains("row 9"), "{err}");
    // A proof made anyway does not verify.
    for (row, col) in [(9, output), (0, 0), (31, 16 + 4 * 32 + 3)] {
        let bad = tampered(&trace, row, col);
        let proof = prove_unchecked(&StarkConfig::TEST, &air, &bad, &[]).unwrap();
        assert!(
            verify(&StarkConfig::TEST, &air, &proof, &[]).is_err(),
            "cell ({row}, {col})"
        );
    }
}

#[test]
fn kernel_path_proof_equals_cpu_proof() {
    // The device path (constraint program interpreted by the quotient kernel, Merkle and
    // FRI kernels) through the kernel emulator: the same bytes as the CPU's packed path.
    let air = Poseidon2Air::<1>::new();
    let trace = generate_trace::<1>(&random_inputs(4, 6));
    let cpu = prove(&StarkConfig::TEST, &air, &trace, &[]).unwrap();
    let emu = kiln_stark::prove_with(
        &kiln::EmuBackend::new(),
        &StarkConfig::TEST,
        &air,
        &trace,
        &[],
    )
    .unwrap();
    assert!(emu.to_bytes() == cpu.to_bytes());
}
