//! Permutation throughput, kiln-hash beside Plonky3 0.8, widths 16 and 24.
//!
//! `kiln/<level>`: `permute_many` on 1024 states held as rows (every SIMD level this CPU
//! runs). `kiln/blocks`: `permute_blocks` on the same number of states held in blocks of
//! 16, the memory layout of Plonky3's AVX-512 packed states (the like-for-like
//! comparison with `plonky3/packed16`).
//! `plonky3/packed`: Plonky3's permutation on `[BabyBear::Packing; W]` (AVX2/AVX-512
//! when the build enables them, else scalar), 1024 states in all.
//! `plonky3/scalar`, `kiln/single`: one `[BabyBear; W]` at a time.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kiln_field::BabyBear;
use kiln_hash::{BLOCK, Permutation, Poseidon2W16, Poseidon2W24, SimdLevel};
use p3_baby_bear::{BabyBear as P3, default_babybear_poseidon2_16, default_babybear_poseidon2_24};
use p3_field::{Field, PackedValue};
use p3_symmetric::Permutation as _;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

type P3Packing = <P3 as Field>::Packing;

const STATES: usize = 1024;

macro_rules! bench_width {
    ($c:expr, $width:literal, $ours:ty, $p3:expr) => {{
        let mut group = $c.benchmark_group(concat!("poseidon2_w", $width));
        group.throughput(Throughput::Elements(STATES as u64));
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let states: Vec<[BabyBear; $width]> = (0..STATES).map(|_| rng.random()).collect();

        for level in SimdLevel::ALL.into_iter().filter(|b| b.is_available()) {
            let perm = <$ours>::with_simd_level(level).unwrap();
            let mut batch = states.clone();
            group.bench_function(format!("kiln/{level:?}"), |b| {
                b.iter(|| perm.permute_many(black_box(&mut batch)))
            });
        }
        let perm = <$ours>::new();
        let mut blocks: Vec<[[BabyBear; BLOCK]; $width]> = (0..STATES / BLOCK)
            .map(|_| core::array::from_fn(|_| rng.random()))
            .collect();
        group.bench_function("kiln/blocks", |b| {
            b.iter(|| perm.permute_blocks(black_box(&mut blocks)))
        });
        let mut batch = states.clone();
        group.bench_function("kiln/single", |b| {
            b.iter(|| {
                for s in black_box(&mut batch).iter_mut() {
                    perm.permute_mut(s);
                }
            })
        });

        let p3 = $p3;
        let lanes = P3Packing::WIDTH;
        let mut packed: Vec<[P3Packing; $width]> = (0..STATES / lanes)
            .map(|_| core::array::from_fn(|_| P3Packing::from_fn(|_| rng.random())))
            .collect();
        group.bench_function(format!("plonky3/packed{lanes}"), |b| {
            b.iter(|| {
                for s in black_box(&mut packed).iter_mut() {
                    p3.permute_mut(s);
                }
            })
        });
        let mut scalar: Vec<[P3; $width]> = (0..STATES).map(|_| rng.random()).collect();
        group.bench_function("plonky3/scalar", |b| {
            b.iter(|| {
                for s in black_box(&mut scalar).iter_mut() {
                    p3.permute_mut(s);
                }
            })
        });
        group.finish();
    }};
}

fn bench(c: &mut Criterion) {
    bench_width!(c, 16, Poseidon2W16, default_babybear_poseidon2_16());
    bench_width!(c, 24, Poseidon2W24, default_babybear_poseidon2_24());
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
