//! Merkle commitment time, kiln-hash beside Plonky3 0.8 on the same data.
//!
//! One matrix of 2^log_h rows × w columns of random BabyBear elements: column-major for
//! kiln (`MerkleTreeMmcs::commit` of a borrowed `ColMajor`), row-major for Plonky3
//! (`MerkleTreeMmcs<Packing, Packing, PaddingFreeSponge<_,16,8,8>,
//! TruncatedPermutation<_,2,8,16>, 2, 8>` of a borrowed `RowMajorMatrixView`), both
//! building every digest layer with rayon. Roots are checked equal before timing.
//!
//! Sizes: log_h ∈ {16, 18, 20} × w ∈ {8, 64, 256}; `KILN_BENCH_LARGE=1` adds log_h 22 and
//! 24 (pairs whose two copies of the data exceed `KILN_BENCH_MAX_GIB`, default 12, are
//! skipped).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kiln_field::BabyBear;
use kiln_hash::{ColMajor, MerkleTreeMmcs};
use p3_baby_bear::{BabyBear as P3, Poseidon2BabyBear, default_babybear_poseidon2_16};
use p3_commit::Mmcs;
use p3_field::{Field, PrimeField32};
use p3_matrix::dense::RowMajorMatrixView;
use p3_merkle_tree::MerkleTreeMmcs as P3MerkleTreeMmcs;
use p3_symmetric::{PaddingFreeSponge, TruncatedPermutation};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

type Perm = Poseidon2BabyBear<16>;
type Packing = <P3 as Field>::Packing;
type P3Mmcs = P3MerkleTreeMmcs<
    Packing,
    Packing,
    PaddingFreeSponge<Perm, 16, 8, 8>,
    TruncatedPermutation<Perm, 2, 8, 16>,
    2,
    8,
>;

fn sizes() -> Vec<(usize, usize)> {
    let large = std::env::var("KILN_BENCH_LARGE").is_ok_and(|v| v == "1");
    let max_gib: f64 = std::env::var("KILN_BENCH_MAX_GIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12.0);
    let logs: &[usize] = if large {
        &[16, 18, 20, 22, 24]
    } else {
        &[16, 18, 20]
    };
    let mut out = Vec::new();
    for &log_h in logs {
        for w in [8, 64, 256] {
            // Two copies (column-major and row-major) of 4-byte elements.
            let gib = 2.0 * 4.0 * (w << log_h) as f64 / (1u64 << 30) as f64;
            if gib <= max_gib {
                out.push((log_h, w));
            } else {
                eprintln!("skipping 2^{log_h} x {w}: {gib:.1} GiB > KILN_BENCH_MAX_GIB={max_gib}");
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let mmcs = MerkleTreeMmcs::new();
    let p3 = P3Mmcs::new(
        PaddingFreeSponge::new(default_babybear_poseidon2_16()),
        TruncatedPermutation::new(default_babybear_poseidon2_16()),
        0,
    );
    let mut group = c.benchmark_group("commit");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    for (log_h, w) in sizes() {
        let h = 1 << log_h;
        let data: Vec<BabyBear> = (0..h * w).map(|_| rng.random()).collect();
        let view = ColMajor::new(&data, w, h).unwrap();
        let rows: Vec<P3> = view
            .to_row_major()
            .into_iter()
            .map(|x| P3::new(x.as_canonical_u32()))
            .collect();

        let (root, _) = mmcs.commit(vec![view]).unwrap();
        let (p3_root, _) = p3.commit(vec![RowMajorMatrixView::new(&rows, w)]);
        let p3_root: Vec<u32> = p3_root[0].iter().map(|x| x.as_canonical_u32()).collect();
        let root: Vec<u32> = root.iter().map(|x| x.as_canonical_u32()).collect();
        assert_eq!(root, p3_root, "roots differ at 2^{log_h} x {w}");

        let id = format!("2^{log_h}x{w}");
        group.throughput(Throughput::Elements((h * w) as u64));
        group.bench_function(BenchmarkId::new("kiln", &id), |b| {
            b.iter(|| black_box(mmcs.commit(vec![view]).unwrap()))
        });
        group.bench_function(BenchmarkId::new("plonky3", &id), |b| {
            b.iter(|| black_box(p3.commit(vec![RowMajorMatrixView::new(&rows, w)])))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
