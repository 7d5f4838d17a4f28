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

/// (air, config, sha256 of the proof bytes): proof format 4 (multi-openings: distinct rows,
/// pruned Merkle digests, FRI groups without the values the verifier computes; at ζω only
/// the columns read at the next row).
const PINNED: &[(&str, &str, &str)] = &[
    (
        "fibonacci",
        "standard",
        "9161097a5e63c8a243bc1ade5dc22fcf46bd39eb4b5661694ae20986b3ac4945",
    ),
    (
        "fixed-columns",
        "standard",
        "c61139fdde1bda5d56780c9b39cb57639341d4aa4e3d030bb44cb2d5e2697f30",
    ),
    (
        "poseidon2",
        "standard",
        "a9bd4b9f82d4e6b8702c9024269a0e58b97cefdb4e37dc25d0d826d088b54b43",
    ),
    (
        "fibonacci",
        "proven",
        "d4c2c6a3843b2cb24fe0fe6aedd4a0d0e33f587b188949f1c53a0db256ec2e65",
    ),
    (
        "fixed-columns",
        "proven",
        "98e0da4d89ef5c682efc34461c59a31ef2ffa30c87b5917ce75f708da6d6fcad",
    ),
    (
        "poseidon2",
        "proven",
        "9b76c9362ca9f466df586a85ab3e5c7b3611560d03035286b8519a554e15c703",
    ),
    (
        "fibonacci",
        "plonky3-bench",
        "2f37589462aca8dffb8486d5bb9dbbd3eeff510c5d87d3193a6f42dd1337e69a",
    ),
    (
        "fixed-columns",
        "plonky3-bench",
        "4581765b5323bd449f336f1fc6924200ad7731824c17a9ec3a8a47d92c9cb378",
    ),
    (
        "poseidon2",
        "plonky3-bench",
        "25796e247b1acc6fbeb3b223912cf837eef6e5f17fcf5a5b9b3fe151bdc37ddb",
    ),
    (
        "fibonacci",
        "compact",
        "1fa5791e7ed9fed4ff8e3d598e3243f897795d7107b4b6f15b91bb3d2318882f",
    ),
    (
        "fixed-columns",
        "compact",
        "e13b4994d8b7ed0b3b5aeb1aede8fe25c93238f964cdb9cfecef60ad4e0bc409",
    ),
    (
        "poseidon2",
        "compact",
        "f7773234e7bca0d9f6ba1eef3341588fa6e4304bc68fe1ebbc9c6b506e493b14",
    ),
    (
        "fibonacci",
        "conservative",
        "4501cdad05a0f226f68d9bfd1517124969711fbe85bc9815816c468616d0d7a1",
    ),
    (
        "fixed-columns",
        "conservative",
        "afce40ff014dffc16e886b8b9c0f1d4f4ba8fffc4fdeede4ce0456e573c4200e",
    ),
    (
        "poseidon2",
        "conservative",
        "612e0f22e90f9ec6b000cedf5d5f2fffde9c4a55d746461ff45e91f2e56cd6b7",
    ),
    (
        "fibonacci",
        "test",
        "cb48ca93cfa4e52c30592d2d9cbf5a825bf2569e57f8932c52b1a5259b346e81",
    ),
    (
        "fixed-columns",
        "test",
        "99bc400e1338814352669b9c9b6cfd4e30cde5613e7e3c03664071623c7d76d0",
    ),
    (
        "poseidon2",
        "test",
        "ccf84d4778d26975c434a63184a9b31462e6e45253d3da7d87f290219c212048",
    ),
    (
        "fibonacci",
        "arity4-final2-pow2",
        "bfdaddfaa1fd988379c4bda810505fe1b55db5e11871ff0d55b57cadd65c0967",
    ),
    (
        "fixed-columns",
        "arity4-final2-pow2",
        "0210047e89cdc50b0984f0b849f113ebbbfb0200aee06ac79924f610691663c2",
    ),
    (
        "poseidon2",
        "arity4-final2-pow2",
        "6aabdb8aba520e44ee3543b7f57971e774bbc15f8c122aaf15aa7dc4392aa071",
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
