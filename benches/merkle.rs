//! Merkle commitments and Poseidon2 permutations through kiln's backends, beside Plonky3
//! 0.8 on the same machine and inputs.
//!
//! * `commit`: one matrix of 2^log_h rows × w columns. `plonky3`: `MerkleTreeMmcs` with
//!   `PaddingFreeSponge<_, 16, 8, 8>` and `TruncatedPermutation<_, 2, 8, 16>` over a
//!   row-major view (rayon, packed); `kiln-cpu`: `CpuBackend::merkle_commit` of the
//!   column-major matrix; on a GPU `kiln-cuda-kernel` (matrix resident, the 8-word root
//!   downloaded) and `kiln-cuda-with-transfers` (the matrix uploaded per call; the digest
//!   layers stay on the device). Roots are checked equal before timing.
//!   (`crates/hash/benches/commit.rs` compares kiln-hash and Plonky3 over more widths.)
//! * `poseidon2/w16`, `poseidon2/w24`: 2^log_n states permuted in place. `plonky3`: its
//!   packed permutation (`[Packing; W]`, rayon over chunks, states gathered into lanes and
//!   scattered back); `kiln-cpu`, `kiln-cuda-kernel`, `kiln-cuda-with-transfers` as above.
//!
//! Build with `RUSTFLAGS="-C target-cpu=native"` for a fair CPU comparison: without it
//! Plonky3 is scalar on x86_64 (its packing is chosen at compile time) while kiln picks
//! AVX2/AVX-512 at run time (see crates/hash/README.md).
//!
//! Sizes: commit log_h ∈ {16, 18, 20} × w ∈ {8, 64}, permutations 2^16 and 2^20;
//! `KILN_BENCH_LARGE=1` adds log_h 22 and 2^22 states.
//! Run: `cargo bench --bench merkle` (GPU figures only: `cargo bench --bench merkle cuda`).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kiln::field::BabyBear;
use kiln::merkle::{MatrixRef, MerkleOps};
use kiln::{Backend, CpuBackend, CudaBackend};
use p3_baby_bear::{
    BabyBear as P3, Poseidon2BabyBear, default_babybear_poseidon2_16, default_babybear_poseidon2_24,
};
use p3_commit::Mmcs;
use p3_field::{Field, PackedValue, PrimeField32};
use p3_matrix::dense::RowMajorMatrixView;
use p3_merkle_tree::MerkleTreeMmcs as P3MerkleTreeMmcs;
use p3_symmetric::{PaddingFreeSponge, Permutation, TruncatedPermutation};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;

type Perm16 = Poseidon2BabyBear<16>;
type Packing = <P3 as Field>::Packing;
type P3Mmcs = P3MerkleTreeMmcs<
    Packing,
    Packing,
    PaddingFreeSponge<Perm16, 16, 8, 8>,
    TruncatedPermutation<Perm16, 2, 8, 16>,
    2,
    8,
>;

fn large() -> bool {
    std::env::var("KILN_BENCH_LARGE").is_ok_and(|v| v == "1")
}

fn gpu() -> Option<CudaBackend> {
    CudaBackend::new(0)
        .map_err(|e| eprintln!("merkle bench: no CUDA figures: {e}"))
        .ok()
}

fn random(rng: &mut ChaCha20Rng, len: usize) -> Vec<BabyBear> {
    (0..len).map(|_| rng.random()).collect()
}

fn to_p3(v: &[BabyBear]) -> Vec<P3> {
    v.iter().map(|x| P3::new(x.as_canonical_u32())).collect()
}

/// Row-major copy of `w` columns of `h` values.
fn row_major(cols: &[BabyBear], w: usize, h: usize) -> Vec<P3> {
    let mut out = Vec::with_capacity(w * h);
    for r in 0..h {
        for c in 0..w {
            out.push(P3::new(cols[c * h + r].as_canonical_u32()));
        }
    }
    out
}

fn bench_commit(c: &mut Criterion, gpu: Option<&CudaBackend>) {
    let cpu = CpuBackend::new();
    let p3 = P3Mmcs::new(
        PaddingFreeSponge::new(default_babybear_poseidon2_16()),
        TruncatedPermutation::new(default_babybear_poseidon2_16()),
        0,
    );
    let mut g = c.benchmark_group("commit");
    g.sample_size(10);
    let logs: &[usize] = if large() {
        &[16, 18, 20, 22]
    } else {
        &[16, 18, 20]
    };
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    for &log_h in logs {
        for w in [8usize, 64] {
            let h = 1usize << log_h;
            let data = random(&mut rng, w * h);
            let rows = row_major(&data, w, h);
            let (p3_root, _) = p3.commit(vec![RowMajorMatrixView::new(&rows, w)]);
            let p3_root: Vec<u32> = p3_root[0].iter().map(|x| x.as_canonical_u32()).collect();
            let cpu_root = cpu
                .merkle_commit(&[MatrixRef::new(&data, w, h)])
                .unwrap()
                .root();
            let root_words: Vec<u32> = cpu_root.iter().map(|x| x.as_canonical_u32()).collect();
            assert_eq!(
                root_words, p3_root,
                "kiln-cpu and plonky3 differ at 2^{log_h} x {w}"
            );

            let id = format!("2^{log_h}x{w}");
            g.throughput(Throughput::Elements((w * h) as u64));
            g.bench_function(BenchmarkId::new("plonky3", &id), |b| {
                b.iter(|| black_box(p3.commit(vec![RowMajorMatrixView::new(&rows, w)])))
            });
            g.bench_function(BenchmarkId::new("kiln-cpu", &id), |b| {
                b.iter(|| black_box(cpu.merkle_commit(&[MatrixRef::new(&data, w, h)]).unwrap()))
            });
            if let Some(gpu) = gpu {
                let d = gpu.upload(&data).unwrap();
                let refs = [MatrixRef::new(&d, w, h)];
                assert_eq!(
                    gpu.merkle_commit(&refs).unwrap().root(),
                    cpu_root,
                    "kiln-cuda and kiln-cpu differ at 2^{log_h} x {w}"
                );
                g.bench_function(BenchmarkId::new("kiln-cuda-kernel", &id), |b| {
                    b.iter(|| black_box(gpu.merkle_commit(&refs).unwrap()))
                });
                g.bench_function(BenchmarkId::new("kiln-cuda-with-transfers", &id), |b| {
                    b.iter(|| {
                        let d = gpu.upload(&data).unwrap();
                        black_box(gpu.merkle_commit(&[MatrixRef::new(&d, w, h)]).unwrap())
                    })
                });
            }
        }
    }
    g.finish();
}

/// Plonky3's packed permutation over `states` (`W` words each), in place.
fn p3_permute<const W: usize, P>(perm: &P, states: &mut [[P3; W]])
where
    P: Permutation<[Packing; W]> + Permutation<[P3; W]> + Sync,
{
    let lanes = Packing::WIDTH;
    states.par_chunks_mut(1024).for_each(|chunk| {
        let mut groups = chunk.chunks_exact_mut(lanes);
        for group in &mut groups {
            let mut packed: [Packing; W] =
                core::array::from_fn(|j| Packing::from_fn(|l| group[l][j]));
            perm.permute_mut(&mut packed);
            for (j, p) in packed.iter().enumerate() {
                for (l, x) in p.as_slice().iter().enumerate() {
                    group[l][j] = *x;
                }
            }
        }
        for s in groups.into_remainder() {
            perm.permute_mut(s);
        }
    });
}

fn bench_permute_width<const W: usize, P>(c: &mut Criterion, perm: &P, gpu: Option<&CudaBackend>)
where
    P: Permutation<[Packing; W]> + Permutation<[P3; W]> + Sync,
{
    let cpu = CpuBackend::new();
    let mut g = c.benchmark_group(format!("poseidon2/w{W}"));
    g.sample_size(10);
    let logs: &[u32] = if large() { &[16, 20, 22] } else { &[16, 20] };
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    for &log_n in logs {
        let n = 1usize << log_n;
        let host = random(&mut rng, W * n);
        // Agreement first: Plonky3, kiln-cpu and (when present) kiln-cuda.
        let mut want = host.clone();
        cpu.poseidon2_permute(&mut want, W).unwrap();
        let mut p3_states: Vec<[P3; W]> = to_p3(&host)
            .chunks_exact(W)
            .map(|s| s.try_into().unwrap())
            .collect();
        p3_permute(perm, &mut p3_states);
        assert_eq!(
            p3_states.concat(),
            to_p3(&want),
            "kiln-cpu and plonky3 differ"
        );

        let id = format!("2^{log_n}");
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("plonky3", &id), |b| {
            b.iter(|| p3_permute(perm, &mut p3_states))
        });
        let mut buf = host.clone();
        g.bench_function(BenchmarkId::new("kiln-cpu", &id), |b| {
            b.iter(|| cpu.poseidon2_permute(&mut buf, W).unwrap())
        });
        if let Some(gpu) = gpu {
            let mut d = gpu.upload(&host).unwrap();
            gpu.poseidon2_permute(&mut d, W).unwrap();
            assert_eq!(
                gpu.download(&d).unwrap(),
                want,
                "kiln-cuda and kiln-cpu differ"
            );
            g.bench_function(BenchmarkId::new("kiln-cuda-kernel", &id), |b| {
                b.iter(|| {
                    gpu.poseidon2_permute(&mut d, W).unwrap();
                    gpu.synchronize().unwrap();
                })
            });
            g.bench_function(BenchmarkId::new("kiln-cuda-with-transfers", &id), |b| {
                b.iter(|| {
                    let mut s = gpu.upload(&host).unwrap();
                    gpu.poseidon2_permute(&mut s, W).unwrap();
                    gpu.download(&s).unwrap()
                })
            });
        }
    }
    g.finish();
}

fn bench_merkle(c: &mut Criterion) {
    let gpu = gpu();
    bench_commit(c, gpu.as_ref());
}

fn bench_permute(c: &mut Criterion) {
    let gpu = gpu();
    bench_permute_width::<16, _>(c, &default_babybear_poseidon2_16(), gpu.as_ref());
    bench_permute_width::<24, _>(c, &default_babybear_poseidon2_24(), gpu.as_ref());
}

criterion_group!(benches, bench_merkle, bench_permute);
criterion_main!(benches);
