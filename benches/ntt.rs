//! Batched NTT and coset LDE: kiln (CPU, and CUDA when present) beside Plonky3's
//! `Radix2DitParallel` (p3-dft 0.8) on the same machine, same inputs.
//!
//! Both sides produce bit-reversed output (Plonky3's evaluations are stored bit-reversed
//! behind a `BitReversedMatrixView`), and the LDE uses the same shift. Sizes 2^16..2^20 by
//! default; `KILN_BENCH_LARGE=1` adds 2^22. Columns: 8 and 64.
//!
//! Run: `cargo bench --bench ntt` (add `RUSTFLAGS="-C target-cpu=native"` to let both
//! sides use the CPU's SIMD extensions).

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kiln::field::{BabyBear, TwoAdicField};
use kiln::{Backend, CpuBackend, CudaBackend, NttOps, Order};
use p3_dft::{Radix2DitParallel, TwoAdicSubgroupDft};
use p3_matrix::dense::RowMajorMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

fn sizes() -> Vec<u32> {
    let mut s = vec![16, 18, 20];
    if std::env::var("KILN_BENCH_LARGE").is_ok_and(|v| v == "1") {
        s.push(22);
    }
    s
}

const BATCHES: [usize; 2] = [8, 64];
const LOG_BLOWUP: u32 = 1;

fn inputs(log_n: u32, batch: usize) -> (Vec<BabyBear>, RowMajorMatrix<p3_baby_bear::BabyBear>) {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let ours: Vec<BabyBear> = (0..batch << log_n).map(|_| rng.random()).collect();
    // The same values, row-major (Plonky3's layout). Both fields have the same
    // Montgomery words; convert through the canonical value to stay layout-agnostic.
    let n = 1usize << log_n;
    let mut rows = Vec::with_capacity(ours.len());
    for r in 0..n {
        for c in 0..batch {
            rows.push(p3_baby_bear::BabyBear::new(
                ours[c * n + r].as_canonical_u32(),
            ));
        }
    }
    (ours, RowMajorMatrix::new(rows, batch))
}

fn bench_ntt(c: &mut Criterion) {
    let cpu = CpuBackend::new();
    let gpu = CudaBackend::new(0)
        .map_err(|e| eprintln!("ntt bench: no CUDA figures: {e}"))
        .ok();
    let p3 = Radix2DitParallel::<p3_baby_bear::BabyBear>::default();
    let mut g = c.benchmark_group("ntt");
    g.sample_size(10);
    for log_n in sizes() {
        for batch in BATCHES {
            let (ours, theirs) = inputs(log_n, batch);
            let id = format!("2^{log_n}x{batch}");
            g.throughput(Throughput::Elements((batch << log_n) as u64));
            // Warm both twiddle caches outside the measurement.
            let _ = p3.dft_batch(theirs.clone());
            g.bench_function(BenchmarkId::new("kiln-cpu", &id), |b| {
                b.iter_batched_ref(
                    || ours.clone(),
                    |v| {
                        cpu.ntt_batch(v, log_n, false, Order::Natural, Order::BitReversed)
                            .unwrap()
                    },
                    BatchSize::LargeInput,
                )
            });
            g.bench_function(BenchmarkId::new("p3-radix2-dit-parallel", &id), |b| {
                b.iter_batched(
                    || theirs.clone(),
                    |m| p3.dft_batch(m),
                    BatchSize::LargeInput,
                )
            });
            if let Some(gpu) = &gpu {
                let mut buf = gpu.upload(&ours).unwrap();
                g.bench_function(BenchmarkId::new("kiln-cuda-kernel", &id), |b| {
                    b.iter(|| {
                        gpu.ntt_batch(&mut buf, log_n, false, Order::Natural, Order::BitReversed)
                            .unwrap();
                        gpu.synchronize().unwrap();
                    })
                });
                g.bench_function(BenchmarkId::new("kiln-cuda-with-transfers", &id), |b| {
                    b.iter(|| {
                        let mut buf = gpu.upload(&ours).unwrap();
                        gpu.ntt_batch(&mut buf, log_n, false, Order::Natural, Order::BitReversed)
                            .unwrap();
                        gpu.download(&buf).unwrap()
                    })
                });
            }
        }
    }
    g.finish();
}

fn bench_lde(c: &mut Criterion) {
    let cpu = CpuBackend::new();
    let gpu = CudaBackend::new(0).ok();
    let p3 = Radix2DitParallel::<p3_baby_bear::BabyBear>::default();
    let shift = BabyBear::GENERATOR;
    let p3_shift = p3_baby_bear::BabyBear::new(shift.as_canonical_u32());
    let mut g = c.benchmark_group("coset_lde");
    g.sample_size(10);
    // The sizes above, and a STARK trace's shape: few rows, many columns (the Poseidon2
    // AIR at 2^14 permutations is 2^11 rows × 2384 columns).
    let cases = sizes()
        .into_iter()
        .flat_map(|l| BATCHES.map(|b| (l, b)))
        .chain([(11, 2048)]);
    for (log_n, batch) in cases {
        {
            let (ours, theirs) = inputs(log_n, batch);
            let id = format!("2^{log_n}x{batch}/blowup{}", 1 << LOG_BLOWUP);
            g.throughput(Throughput::Elements((batch << (log_n + LOG_BLOWUP)) as u64));
            let _ = p3.coset_lde_batch(theirs.clone(), LOG_BLOWUP as usize, p3_shift);
            g.bench_function(BenchmarkId::new("kiln-cpu", &id), |b| {
                b.iter(|| {
                    cpu.coset_lde_batch(&ours, log_n, LOG_BLOWUP, shift, Order::BitReversed)
                        .unwrap()
                })
            });
            g.bench_function(BenchmarkId::new("p3-radix2-dit-parallel", &id), |b| {
                b.iter_batched(
                    || theirs.clone(),
                    |m| p3.coset_lde_batch(m, LOG_BLOWUP as usize, p3_shift),
                    BatchSize::LargeInput,
                )
            });
            if let Some(gpu) = &gpu {
                let input = gpu.upload(&ours).unwrap();
                g.bench_function(BenchmarkId::new("kiln-cuda-kernel", &id), |b| {
                    b.iter(|| {
                        let out = gpu
                            .coset_lde_batch(&input, log_n, LOG_BLOWUP, shift, Order::BitReversed)
                            .unwrap();
                        gpu.synchronize().unwrap();
                        out
                    })
                });
            }
        }
    }
    g.finish();
}

criterion_group!(benches, bench_ntt, bench_lde);
criterion_main!(benches);
