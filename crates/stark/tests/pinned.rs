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
        "838779e48d3b4059bfc353a010807c7e1b92f0e94e498f045e3c86588edada77",
    ),
    (
        "fixed-columns",
        "standard",
        "f020124164e254a5da63def18009b294470c81a433981669411316b0a096d135",
    ),
    (
        "poseidon2",
        "standard",
        "e8bf8ed0d2c998f6cb364d2aa8d57200ecc822f215c01bb394eeb1fb6e357d43",
    ),
    (
        "fibonacci",
        "proven",
        "ad16e269faeaaa5acba07f04383216e999ce32b263946d8475875ef650a4f921",
    ),
    (
        "fixed-columns",
        "proven",
        "5339b56546f737cd7c17da58fb33e8a53db98d6d436a92d24b3409bc510a0a1e",
    ),
    (
        "poseidon2",
        "proven",
        "689b356dd747c419daf9a59e7e8cf8a3f7dca773a34da20e3e4980ea0b97362e",
    ),
    (
        "fibonacci",
        "plonky3-bench",
        "7ddc4503217fb4c32025980f3400ea9d97b05185ac00c3cd8fc37e3439dee4be",
    ),
    (
        "fixed-columns",
        "plonky3-bench",
        "a38250200a326c56e46ad62442bc5775d40f86bc7ce65c70a2f83db9a52333e8",
    ),
    (
        "poseidon2",
        "plonky3-bench",
        "fc67bb20f30af77f07673a0453fbd5c7857c892038f956894336d12ffdda1a91",
    ),
    (
        "fibonacci",
        "compact",
        "67265c173f361870932f07f3a1b47470766ca0801388673b059f782e51b77ccc",
    ),
    (
        "fixed-columns",
        "compact",
        "575d8ac9080e1ded75f59234c561062d276c5fab11ea75ff08c8ddfe1edf12e0",
    ),
    (
        "poseidon2",
        "compact",
        "a713a1e095673dcaadf21acecc47e8ac531c595a68eaf4477a566e39494517ba",
    ),
    (
        "fibonacci",
        "conservative",
        "90c6ea1beaea837fdd893e7f67cd160485f7c6b4244230d74e0bcd0595a78832",
    ),
    (
        "fixed-columns",
        "conservative",
        "972c2eabfca8e67bbd11ee63ef00bac9af782df3922e7b872a5f305b899d0e29",
    ),
    (
        "poseidon2",
        "conservative",
        "26ddaab15cf67f261a2c94cdf2a4daa0d454395928c25bf1d7d7c8cfeff045bb",
    ),
    (
        "fibonacci",
        "test",
        "b69b1975645c03d19f8b3597e116a34ca1cc6b1db8bf7c1dc79c80ef45fa99ad",
    ),
    (
        "fixed-columns",
        "test",
        "f27c572ab54e653a60e2093a1a5599d9cfd7bbe7b3eea4a856c983f550221ce5",
    ),
    (
        "poseidon2",
        "test",
        "86f7ddcf31df67b019fda17a2ca7c0743135277f59f2437196fca92f2f109c85",
    ),
    (
        "fibonacci",
        "arity4-final2-pow2",
        "241d9d56c3ab8841fc5397c4a8a7871a8f7a6c19079550afddebee9c564fdcb6",
    ),
    (
        "fixed-columns",
        "arity4-final2-pow2",
        "e48823de47a5751702e97cb7b70f75e459d66920b08210582f5d644185cddb3a",
    ),
    (
        "poseidon2",
        "arity4-final2-pow2",
        "848a3849ac41d109a9ec952fa267b4b9e72d1f7481ad367bd2481674e235447f",
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
