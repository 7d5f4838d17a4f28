//! Proof bytes pinned: the SHA-256 of a proof of each example AIR under every preset (and a
//! configuration with grinding, folding by 4 and a non-constant final polynomial), on the CPU
//! and on the kernel emulator. A refactor that changes one byte of a proof fails here; a
//! deliberate change of the proof format rewrites the table (`KILN_PIN_PRINT=1` prints it).

use kiln::{CpuBackend, EmuBackend};
use kiln_fibonacci::{FibonacciAir, fibonacci_result, generate_trace};
use kiln_field::{BabyBear, SimdLevel};
use kiln_poseidon2_air::{Poseidon2Air, WIDTH};
use kiln_stark::{ProverAir, ProverBackend, StarkConfig, VerifierAir, prove_with, verify};
use sha2::{Digest, Sha256};

mod fixed_air;
use fixed_air::FixedColumnsAir;

/// Every named preset, then arity 4 with a final polynomial of degree < 2 and 2 bits of work.
fn configs() -> Vec<(&'static str, StarkConfig)> {
    let mut v: Vec<_> = StarkConfig::PRESETS.to_vec();
    v.push((
        "arity4-final2-pow2",
        StarkConfig {
            log_blowup: 2,
            log_folding_arity: 2,
            log_final_poly_len: 1,
            query_pow_bits: 2,
            ..StarkConfig::TEST
        },
    ));
    v
}

/// (air, config, sha256 of the proof bytes): proof format 3 (multi-table proofs, LogUp).
const PINNED: &[(&str, &str, &str)] = &[
    (
        "fibonacci",
        "standard",
        "fc2f550ff93f68216c719feabb53ce4cec3e84f791391871be54590190351a68",
    ),
    (
        "fixed-columns",
        "standard",
        "dc4fae409aed1ef40066da7000484dd0a02d0d559645ff2c7ff479e82b8b72d8",
    ),
    (
        "poseidon2",
        "standard",
        "ecf34e274a739f6e21c71f98d8d126352fc900be829eff91ad7b56fe6504160f",
    ),
    (
        "fibonacci",
        "proven",
        "70eafbf0c8a8d2d002f945661ed8ee9a5a057303d1bb06b35a73d56e0b7a53eb",
    ),
    (
        "fixed-columns",
        "proven",
        "7c30e9983d087106df23223c2ac5e345c9ca27b7a3fbb33696d9010af1679c8f",
    ),
    (
        "poseidon2",
        "proven",
        "5e7c0c4deae95d4c17fd35131cd1545c88ec4f75f9b11198205461f56210f103",
    ),
    (
        "fibonacci",
        "plonky3-bench",
        "d52e9dd7ecc06d9dd7ecbdbb194525a690c0ea7f7cab7cea2488d743058c9dba",
    ),
    (
        "fixed-columns",
        "plonky3-bench",
        "0b355a1d8fd9ea5614e17132ce5855da6058bb36a7a8484f5750f8e73b36c240",
    ),
    (
        "poseidon2",
        "plonky3-bench",
        "3ccea11be96a6feabccb8599f12c1749de16e18add324b36e4e1fa1a29bccee8",
    ),
    (
        "fibonacci",
        "compact",
        "eca1d669cb5fa9df6693ae3578b4a37c480701ec8d8e7df3bc878f7ad40c98ff",
    ),
    (
        "fixed-columns",
        "compact",
        "e33fcebbff5573534c8923e7d922e9211ab0e963090b5dddbdcbeaa5e90cc07c",
    ),
    (
        "poseidon2",
        "compact",
        "4fb1f9d908d33dcfedcb20fcc582ad9a5ae1fb2dbfbdddb6bf3e708a2c4fd160",
    ),
    (
        "fibonacci",
        "conservative",
        "466df3a131c6d7622c32fa2f64a41ca7ebcade07b001bf078ec0612a303dcc88",
    ),
    (
        "fixed-columns",
        "conservative",
        "87851a032a5c2600111c87c2e35fcf518498ed1c610ea68b83c2d0637a98594f",
    ),
    (
        "poseidon2",
        "conservative",
        "461ecc957b92f77df4faa24066d523e2bb3b958eec35900035d41213fa2011fb",
    ),
    (
        "fibonacci",
        "test",
        "dfec0771bcdf0922a3e579fe7bc36a13d414c612e719c651746aa781ddbdef44",
    ),
    (
        "fixed-columns",
        "test",
        "11cc916782bdcb755ee8597b737603db42aacfec0f1edb89913f53b0e0269102",
    ),
    (
        "poseidon2",
        "test",
        "2f2a6dde85a70ad8cb8fe1c82ba48bee3f6b9d130cd14ce07ffff23d44e1e013",
    ),
    (
        "fibonacci",
        "arity4-final2-pow2",
        "c331b9de7e992e39b3428e20e74af2926346f2622062dcc4781407aac50f9353",
    ),
    (
        "fixed-columns",
        "arity4-final2-pow2",
        "8aa789496db4a054f7c40ae0c8d9fde32375f58209109e88aa65ee88070083b5",
    ),
    (
        "poseidon2",
        "arity4-final2-pow2",
        "24646468e75be7a105d3d553b9f0ac806c87ffb448eb12719d48ba0246af8fca",
    ),
];

fn digest<B: ProverBackend, A: ProverAir + VerifierAir>(
    backend: &B,
    config: &StarkConfig,
    air: &A,
    trace: &kiln_field::ColMajorMatrix,
    pis: &[BabyBear],
) -> String {
    let proof = prove_with(backend, config, air, trace, pis).unwrap();
    verify(config, air, &proof, pis).unwrap();
    let hash = Sha256::digest(proof.to_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

fn all_digests<B: ProverBackend>(backend: &B) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let (a, b) = (BabyBear::new(0), BabyBear::new(1));
    let fib_trace = generate_trace(5, a, b);
    let fib_pis = vec![a, b, fibonacci_result(5, a, b)];
    let fixed = FixedColumnsAir { log_n: 5 };
    let (fixed_trace, fixed_pis) = fixed.trace();
    let inputs: Vec<[BabyBear; WIDTH]> = (0..8u32)
        .map(|i| core::array::from_fn(|j| BabyBear::new(i * 1000 + j as u32 * 7 + 1)))
        .collect();
    let p2 = Poseidon2Air::<1>::new();
    let p2_trace = kiln_poseidon2_air::generate_trace::<1>(&inputs);
    for (name, config) in configs() {
        let mut push = |air: &str, d: String| out.push((air.to_string(), name.to_string(), d));
        push(
            "fibonacci",
            digest(backend, &config, &FibonacciAir, &fib_trace, &fib_pis),
        );
        push(
            "fixed-columns",
            digest(backend, &config, &fixed, &fixed_trace, &fixed_pis),
        );
        push("poseidon2", digest(backend, &config, &p2, &p2_trace, &[]));
    }
    out
}

fn check<B: ProverBackend>(backend: &B) {
    let got = all_digests(backend);
    if std::env::var("KILN_PIN_PRINT").is_ok_and(|v| v == "1") {
        for (air, config, d) in &got {
            println!("    (\"{air}\", \"{config}\", \"{d}\"),");
        }
    }
    assert_eq!(got.len(), PINNED.len(), "pinned table out of date");
    for ((air, config, d), (pa, pc, pd)) in got.iter().zip(PINNED) {
        assert_eq!((air.as_str(), config.as_str()), (*pa, *pc));
        assert_eq!(
            d,
            pd,
            "{}: proof of {air} under {config} changed",
            kiln::Backend::name(backend)
        );
    }
}

#[test]
fn cpu_proofs_are_pinned_at_every_simd_level() {
    // The same bytes whichever vector instructions the CPU prover uses.
    for level in SimdLevel::available() {
        check(&CpuBackend::with_simd_level(level).unwrap());
    }
    for level in SimdLevel::ALL.into_iter().filter(|l| !l.is_available()) {
        eprintln!("skipping the {level} level: not available on this CPU");
    }
}

#[test]
fn emulator_proofs_are_pinned() {
    check(&EmuBackend::new());
}
