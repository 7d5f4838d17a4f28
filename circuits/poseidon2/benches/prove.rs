//! Proving 2^k Poseidon2 permutations: kiln (`StarkConfig::PLONKY3_BENCH`) beside
//! Plonky3's p3-uni-stark 0.8 with p3-poseidon2-air, same permutation, same parameters
//! (see `common/mod.rs`). k = 10, 12, 14; `KILN_BENCH_LARGE=1` adds 16 and 18.
//!
//! Throughput is in permutations per second; proof sizes are printed before each size's
//! measurements. Compare build flags with `RUSTFLAGS="-C target-cpu=native"` (and a
//! separate `CARGO_TARGET_DIR`).

mod common;

use common::*;
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use p3_matrix::dense::RowMajorMatrix;

/// Permutations per trace row, for both provers (see the README for the choice).
const K: usize = 8;

fn log_sizes() -> Vec<u32> {
    let mut sizes = vec![10, 12, 14];
    if std::env::var("KILN_BENCH_LARGE").is_ok_and(|v| v == "1") {
        sizes.extend([16, 18]);
    }
    sizes
}

/// A fresh copy of a Plonky3 trace with the spare capacity its generator leaves for the
/// LDE (a plain `clone` would drop it).
fn p3_copy(t: &RowMajorMatrix<Val>) -> RowMajorMatrix<Val> {
    let mut v = Vec::with_capacity(2 * t.values.len());
    v.extend_from_slice(&t.values);
    RowMajorMatrix::new(v, t.width)
}

fn prove(c: &mut Criterion) {
    let mut g = c.benchmark_group("prove_poseidon2");
    g.sample_size(10);
    let config = p3_config();
    for log in log_sizes() {
        let inputs = random_inputs(1 << log, u64::from(log));
        g.throughput(Throughput::Elements(1 << log));

        let trace = kiln_trace::<K>(&inputs);
        let proof = kiln_prove::<K>(&trace);
        kiln_verify::<K>(&proof);
        let p3t = p3_trace::<K>(&inputs);
        let p3_proof = p3_prove::<K>(&config, p3_copy(&p3t));
        p3_verify::<K>(&config, &p3_proof);
        eprintln!(
            "2^{log} permutations, {K} per row: proof bytes kiln {}, plonky3 {}",
            proof.size_bytes(),
            p3_proof_size(&p3_proof)
        );

        g.bench_with_input(BenchmarkId::new("kiln", log), &trace, |b, t| {
            b.iter(|| kiln_prove::<K>(t))
        });
        g.bench_with_input(BenchmarkId::new("plonky3", log), &p3t, |b, t| {
            b.iter_batched(
                || p3_copy(t),
                |t| p3_prove::<K>(&config, t),
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();

    let mut g = c.benchmark_group("trace_poseidon2");
    g.sample_size(10);
    for log in log_sizes() {
        let inputs = random_inputs(1 << log, u64::from(log));
        g.throughput(Throughput::Elements(1 << log));
        g.bench_with_input(BenchmarkId::new("kiln", log), &inputs, |b, i| {
            b.iter(|| kiln_trace::<K>(i))
        });
        g.bench_with_input(BenchmarkId::new("plonky3", log), &inputs, |b, i| {
            b.iter(|| p3_trace::<K>(i))
        });
    }
    g.finish();
}

criterion_group!(benches, prove);
criterion_main!(benches);
