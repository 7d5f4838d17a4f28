//! The verifier on arbitrary bytes: it must return (Ok or an error), never panic, hang or
//! crash. Seeded with valid proofs (`fuzz/seed-corpus`, written by
//! `cargo run -p kiln-stark --example write_fuzz_seeds`), so mutations explore proofs that
//! parse.
#![no_main]

use kiln_fibonacci::{FibonacciAir, fibonacci_result};
use kiln_field::BabyBear;
use kiln_stark::{Proof, StarkConfig, verify};
use libfuzzer_sys::fuzz_target;

/// The configuration the seeds are made with (see the example).
const CONFIG: StarkConfig = StarkConfig { num_queries: 8, query_pow_bits: 2, ..StarkConfig::COMPACT };

fn public_values(log_n: u8) -> Vec<BabyBear> {
    let (a, b) = (BabyBear::new(0), BabyBear::new(1));
    vec![a, b, fibonacci_result(u32::from(log_n.clamp(1, 20)), a, b)]
}

fuzz_target!(|data: &[u8]| {
    if let Ok(proof) = Proof::from_bytes(data) {
        let pis = public_values(proof.log_n().unwrap_or(0));
        let _ = verify(&CONFIG, &FibonacciAir, &proof, &pis);
        // A proof that parsed must also re-encode.
        let _ = Proof::from_bytes(&proof.to_bytes());
        let _ = verify(&StarkConfig::TEST, &FibonacciAir, &proof, &pis);
    }
});
