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

/// (air, config, sha256 of the proof bytes), produced before the stage-2 house refactor.
const PINNED: &[(&str, &str, &str)] = &[
    (
        "fibonacci",
        "standard",
        "8beb7f90bce0a545905bc302136cb82640d88c726ba5f984fad81a683f2169fa",
    ),
    (
        "fixed-columns",
        "standard",
        "4ab64cd1c7c5c30298de584dd24fdfd9a6ea959db5cd7ab233169dc97a773ab4",
    ),
    (
        "poseidon2",
        "standard",
        "5cbfc4400aefc45ac6130547e019751d6721ee33456573353431ce10369c6088",
    ),
    (
        "fibonacci",
        "plonky3-bench",
        "8392a1bf6d1e7bc365ae03cafec619d09ad409942cd90f670c42fe46eb7d2243",
    ),
    (
        "fixed-columns",
        "plonky3-bench",
        "b68b3ca5cde2ee65e51c776e48971ef521cc0c7dde44c8ebb6b157e4933858e8",
    ),
    (
        "poseidon2",
        "plonky3-bench",
        "f260d44b7d6f61d8b86a9d9b3dd39533ebd1324ffe420c0d759fb6d82b5bd00a",
    ),
    (
        "fibonacci",
        "compact",
        "17f0cd6b911b141a0a0aefd9c6a9fd5db179ddcd30b5c6229ff167deac6f7298",
    ),
    (
        "fixed-columns",
        "compact",
        "6cf87626efce5de72ef11c1b4cb4eeaf252ee66139f8b592cb905c8bc3f49167",
    ),
    (
        "poseidon2",
        "compact",
        "f974f92e2ec45c33e2455625cdb0bf6c0da68a4486a39720d0e36493650a70ec",
    ),
    (
        "fibonacci",
        "conservative",
        "2e157d0184c09c004ffaa948a1854a59ed39f4bce80de535968f000166579f94",
    ),
    (
        "fixed-columns",
        "conservative",
        "8a6261b82947dca88266e0aa3d566d68e1bffa47a819e5b401ab656a9abb3a55",
    ),
    (
        "poseidon2",
        "conservative",
        "499ccc6e17089c5ef2c78af68d027c1260cbf97adbdc90507d6f7f13666e9962",
    ),
    (
        "fibonacci",
        "test",
        "7e4cd1ce4a847af3cba6657c2600f0ea824011ae3a608eebc1b9f10bd5fe6ff7",
    ),
    (
        "fixed-columns",
        "test",
        "f10d70e06131d0a6f9e0a82121e08f05c38625b012330ad12820ed54ea831f2f",
    ),
    (
        "poseidon2",
        "test",
        "764a5a3be95c313ab610b09fef1d829582741e5cb8ebba791d16c6de1c1462f7",
    ),
    (
        "fibonacci",
        "arity4-final2-pow2",
        "dcce2de39658323ee5c3698e01df3cfed5d68c5225cc74e202f7158ecdf2ece4",
    ),
    (
        "fixed-columns",
        "arity4-final2-pow2",
        "ed89cef88596630de1339304c5316ecb3655e92345379f664e36b19a77c4cc6b",
    ),
    (
        "poseidon2",
        "arity4-final2-pow2",
        "c79a55b98d2b1cacd298592b5869d20d9a55f20428f1d97e76d36d8f595bdf7d",
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
