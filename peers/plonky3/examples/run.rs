//! Proves the merkle-paths workload of 2^K paths with kiln's `standard` parameters and
//! prints the best of three proving times and the proof size.
//!
//! `RUSTFLAGS="-C target-cpu=native" cargo run --release --example run -- K`

use std::time::Instant;

use kiln_peer_plonky3::{PeerParams, merkle_paths_instance, prove, prover_setup, verify};

fn main() {
    let k: u32 = match std::env::args().nth(1).map(|a| a.parse()) {
        None => 10,
        Some(Ok(k)) if (1..=16).contains(&k) => k,
        Some(_) => {
            eprintln!("usage: run [K in 1..=16]");
            std::process::exit(2);
        }
    };
    let t = Instant::now();
    let inst = merkle_paths_instance(k, 1, &PeerParams::STANDARD);
    let [requests, paths, hashes] = inst.heights();
    println!(
        "merkle-paths K={k}: {} paths of depth 32; rows: requests {requests}, paths {paths}, \
         poseidon2 {hashes} (witness {:.0} ms)",
        1u64 << k,
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut best = f64::INFINITY;
    let mut proof = Vec::new();
    for run in 1..=3 {
        let t = Instant::now();
        proof = prove(&inst);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        println!("  prove #{run}: {ms:.1} ms");
        best = best.min(ms);
    }
    let t = Instant::now();
    prover_setup(&inst).expect("setup");
    let setup_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    verify(&inst, &proof).expect("the proof verifies");
    let verify_ms = t.elapsed().as_secs_f64() * 1e3;
    println!("prove ms (best of 3): {best:.1}");
    println!("  of which preprocessed commitment + lookup layout: {setup_ms:.1} ms");
    println!("proof bytes: {}", proof.len());
    println!("verify ms: {verify_ms:.1}");
}
