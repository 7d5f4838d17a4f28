//! Proves 2^k Poseidon2 permutations with kiln and with Plonky3 (p3-uni-stark 0.8) and
//! prints permutations proven per second, proof sizes and where the proof bytes go.
//!
//! ```text
//! cargo run --release -p kiln-poseidon2-air --example prove_poseidon2 -- [k] [perms_per_row] [reps] [kiln|p3|both]
//! RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR=target/native cargo run --release ...
//! RUST_LOG=debug cargo run ...   # per-phase span timings (kiln's and Plonky3's spans)
//! ```
//!
//! Defaults: k = 14, 8 permutations per row, 3 repetitions (the best is reported), both
//! provers.

#[path = "../benches/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::*;
use p3_matrix::dense::RowMajorMatrix;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

fn best(times: &[Duration]) -> Duration {
    times.iter().copied().min().unwrap_or_default()
}

fn report(who: &str, perms: usize, trace: Duration, prove: &[Duration], bytes: usize) {
    let b = best(prove);
    println!(
        "{who:>8}: trace {:>8.2} ms | prove best {:>8.2} ms (all: {}) | {:>9.0} perms/s | proof {} bytes",
        trace.as_secs_f64() * 1e3,
        b.as_secs_f64() * 1e3,
        prove
            .iter()
            .map(|d| format!("{:.1}", d.as_secs_f64() * 1e3))
            .collect::<Vec<_>>()
            .join(", "),
        perms as f64 / b.as_secs_f64(),
        bytes
    );
}

/// Bytes of `x` serialised with postcard.
fn bytes<T: serde::Serialize>(x: &T) -> usize {
    postcard::to_allocvec(x).map_or(0, |v| v.len())
}

/// Where a proof's bytes go (openings at the out-of-domain points; opened rows and Merkle
/// digests of the committed inputs; FRI values and digests).
fn breakdown(who: &str, openings: usize, parts: [usize; 4]) -> String {
    let [rows, row_digests, fri_values, fri_digests] = parts;
    format!(
        "{who:>8}: bytes: out-of-domain openings {openings} | input rows {rows} + digests \
         {row_digests} | FRI values {fri_values} + digests {fri_digests}"
    )
}

fn kiln_breakdown(proof: &kiln_stark::Proof) -> String {
    let f = &proof.fri;
    let sum = |it: &mut dyn Iterator<Item = usize>| it.sum();
    breakdown(
        "kiln",
        bytes(&proof.tables),
        [
            sum(&mut f.input_openings.iter().map(|o| bytes(&o.rows))),
            sum(&mut f.input_openings.iter().map(|o| bytes(&o.siblings))),
            sum(&mut f.layer_openings.iter().map(|o| bytes(&o.values))),
            sum(&mut f.layer_openings.iter().map(|o| bytes(&o.siblings))),
        ],
    )
}

fn p3_breakdown(proof: &P3Proof) -> String {
    let f = &proof.opening_proof;
    let sum = |it: &mut dyn Iterator<Item = usize>| it.sum();
    breakdown(
        "plonky3",
        bytes(&proof.opened_values),
        [
            sum(&mut f.input_openings.iter().map(|o| bytes(&o.opened_values))),
            sum(&mut f.input_openings.iter().map(|o| bytes(&o.opening_proof))),
            sum(&mut f
                .commit_phase_openings
                .iter()
                .map(|o| bytes(&o.sibling_values))),
            sum(&mut f
                .commit_phase_openings
                .iter()
                .map(|o| bytes(&o.opening_proof))),
        ],
    )
}

fn run<const K: usize>(log: u32, reps: usize, which: &str) {
    let perms = 1usize << log;
    let inputs = random_inputs(perms, u64::from(log));
    println!(
        "2^{log} = {perms} permutations, {K} per row ({} rows), {} threads",
        perms / K,
        rayon::current_num_threads()
    );
    if which != "p3" {
        let t = Instant::now();
        let trace = kiln_trace::<K>(&inputs);
        let trace_time = t.elapsed();
        let mut times = Vec::new();
        let mut proof = None;
        for _ in 0..reps {
            let t = Instant::now();
            proof = Some(kiln_prove::<K>(&trace));
            times.push(t.elapsed());
        }
        let proof = proof.expect("reps > 0");
        kiln_verify::<K>(&proof);
        report("kiln", perms, trace_time, &times, proof.size_bytes());
        println!("{}", kiln_breakdown(&proof));
    }
    if which != "kiln" {
        let config = p3_config();
        let t = Instant::now();
        let trace = p3_trace::<K>(&inputs);
        let trace_time = t.elapsed();
        let mut times = Vec::new();
        let mut proof = None;
        for _ in 0..reps {
            let mut v = Vec::with_capacity(2 * trace.values.len());
            v.extend_from_slice(&trace.values);
            let copy = RowMajorMatrix::new(v, trace.width);
            let t = Instant::now();
            proof = Some(p3_prove::<K>(&config, copy));
            times.push(t.elapsed());
        }
        let proof = proof.expect("reps > 0");
        p3_verify::<K>(&config, &proof);
        report("plonky3", perms, trace_time, &times, p3_proof_size(&proof));
        println!("{}", p3_breakdown(&proof));
    }
}

fn main() {
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::from_default_env())
            .with_span_events(FmtSpan::CLOSE)
            .with_target(false)
            .init();
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: usize| {
        args.get(i)
            .map_or(default, |s| s.parse().expect("a number"))
    };
    let log = arg(0, 14) as u32;
    let k = arg(1, 8);
    let reps = arg(2, 3).max(1);
    let which = args.get(3).map_or("both", String::as_str);
    match k {
        1 => run::<1>(log, reps, which),
        2 => run::<2>(log, reps, which),
        4 => run::<4>(log, reps, which),
        8 => run::<8>(log, reps, which),
        16 => run::<16>(log, reps, which),
        _ => panic!("perms_per_row must be 1, 2, 4, 8 or 16"),
    }
}
