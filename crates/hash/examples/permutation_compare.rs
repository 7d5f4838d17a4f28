//! Permutation throughput, kiln beside Plonky3, measured alternately in one process (best
//! of `reps` runs of 4096 states each): steadier than separate Criterion groups on a
//! shared machine.
//!
//! ```text
//! RUSTFLAGS="-C target-cpu=native" cargo run --release -p kiln-hash --example permutation_compare -- [reps]
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use kiln_field::BabyBear;
use kiln_hash::{BLOCK, Permutation, Poseidon2W16, Poseidon2W24};
use p3_baby_bear::{BabyBear as P3, default_babybear_poseidon2_16, default_babybear_poseidon2_24};
use p3_field::{Field, PackedValue};
use p3_symmetric::Permutation as _;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

type P3Packing = <P3 as Field>::Packing;

const STATES: usize = 4096;

fn time(f: &mut dyn FnMut()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

macro_rules! compare {
    ($width:literal, $ours:ty, $p3:expr, $reps:expr) => {{
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let mut ours: Vec<[BabyBear; $width]> = (0..STATES).map(|_| rng.random()).collect();
        let lanes = P3Packing::WIDTH;
        let mut theirs: Vec<[P3Packing; $width]> = (0..STATES / lanes)
            .map(|_| core::array::from_fn(|_| P3Packing::from_fn(|_| rng.random())))
            .collect();
        let mut blocks: Vec<[[BabyBear; BLOCK]; $width]> = (0..STATES / BLOCK)
            .map(|_| core::array::from_fn(|_| rng.random()))
            .collect();
        let perm = <$ours>::new();
        let p3 = $p3;
        let (mut best_ours, mut best_blocks, mut best_p3) = (Duration::MAX, Duration::MAX, Duration::MAX);
        for _ in 0..$reps {
            best_ours = best_ours.min(time(&mut || perm.permute_many(black_box(&mut ours))));
            best_blocks = best_blocks.min(time(&mut || {
                perm.permute_blocks(black_box(&mut blocks))
            }));
            best_p3 = best_p3.min(time(&mut || {
                for s in black_box(&mut theirs).iter_mut() {
                    p3.permute_mut(s);
                }
            }));
        }
        let ns = |d: Duration| d.as_secs_f64() * 1e9 / STATES as f64;
        println!(
            "width {:>2}: kiln {:>7.1} ns/perm ({:?}) | plonky3 {:>7.1} ns/perm ({lanes} lanes) | kiln/plonky3 {:.3}",
            $width,
            ns(best_ours),
            perm.simd_level(),
            ns(best_p3),
            ns(best_ours) / ns(best_p3)
        );
        println!(
            "width {:>2}: kiln {:>7.1} ns/perm (blocks)  | plonky3 {:>7.1} ns/perm (packed) | kiln/plonky3 {:.3}",
            $width,
            ns(best_blocks),
            ns(best_p3),
            ns(best_blocks) / ns(best_p3)
        );
    }};
}

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(30);
    compare!(16, Poseidon2W16, default_babybear_poseidon2_16(), reps);
    compare!(24, Poseidon2W24, default_babybear_poseidon2_24(), reps);
}
