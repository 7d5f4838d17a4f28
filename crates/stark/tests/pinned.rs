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
        "2fcecb53201475eea23876bb656a6bb884a714a4f76872f32f8797882e80f82f",
    ),
    (
        "fixed-columns",
        "standard",
        "ca683ed562b9d94cd100558b9207c44827e97aac5348d29ca15b5072a72d7e0f",
    ),
    (
        "poseidon2",
        "standard",
        "ecf34e274a739f6e21c71f98d8d126352fc900be829eff91ad7b56fe6504160f",
    ),
    (
        "fibonacci",
        "proven",
        "57fb2bb9302afce45bc875ca112cd4b68a6601b3f1e5a94eb804c77f6f6eb11f",
    ),
    (
        "fixed-columns",
        "proven",
        "ebd07d61d41a37004e20bb41330acc2510542253c01a61ac4440446629ed212f",
    ),
    (
        "poseidon2",
        "proven",
        "5e7c0c4deae95d4c17fd35131cd1545c88ec4f75f9b11198205461f56210f103",
    ),
    (
        "fibonacci",
        "plonky3-bench",
        "056ae1a718cd89d6c6733abba0f8b00b35d3d7462731c6fbad4eb33c1c6d3639",
    ),
    (
        "fixed-columns",
        "plonky3-bench",
        "07bd8c6ff74283cb292b2375475a903c5617b86f2b206fd51a9c3b6441e8921d",
    ),
    (
        "poseidon2",
        "plonky3-bench",
        "3ccea11be96a6feabccb8599f12c1749de16e18add324b36e4e1fa1a29bccee8",
    ),
    (
        "fibonacci",
        "compact",
        "229cea1bfa50d59f1f94e4bae9c72e0c916c1fc1f4f687641098d1c7595abec4",
    ),
    (
        "fixed-columns",
        "compact",
        "5e31ae16c2d84d8ae6cf7f686f8a29a9f7e92ed4d4a32a5ad961b765172f6d05",
    ),
    (
        "poseidon2",
        "compact",
        "4fb1f9d908d33dcfedcb20fcc582ad9a5ae1fb2dbfbdddb6bf3e708a2c4fd160",
    ),
    (
        "fibonacci",
        "conservative",
        "c13515aee7697b0ac4c1e2fa6851012c3b8eee4b40c0528b40c58104b61ef945",
    ),
    (
        "fixed-columns",
        "conservative",
        "8b4d46296f6f5344c8a8b65696ffb81ed1274196cc49715a1543ba25d36cdc0c",
    ),
    (
        "poseidon2",
        "conservative",
        "461ecc957b92f77df4faa24066d523e2bb3b958eec35900035d41213fa2011fb",
    ),
    (
        "fibonacci",
        "test",
        "8c7ca4f68a3a30f3ffc6232f65c5c0b49a1c7ef7d2d66d152358d18db488010a",
    ),
    (
        "fixed-columns",
        "test",
        "71547bb90cfdeffcebfbb659b7d88a324bd0e3430c75560e04a9c75f36718418",
    ),
    (
        "poseidon2",
        "test",
        "2f2a6dde85a70ad8cb8fe1c82ba48bee3f6b9d130cd14ce07ffff23d44e1e013",
    ),
    (
        "fibonacci",
        "arity4-final2-pow2",
        "24fa993f59a4014b9085ceed9aff45e00413a371bfdb364f7b89b64be8370304",
    ),
    (
        "fixed-columns",
        "arity4-final2-pow2",
        "8bd9d896ffc9127e769456cfb4ea1b5ee53ce69b73e80d4d7d9a231866d5c879",
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
