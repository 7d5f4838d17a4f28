//! PackedBabyBear equals the scalar operations lane by lane.

use kiln_field::{BabyBear, P, PACKED_WIDTH as W, PackedBabyBear};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

fn random_packed(rng: &mut ChaCha20Rng) -> PackedBabyBear {
    // Mix uniform lanes with edge values.
    let edges = [0, 1, 2, P - 1, P - 2, P >> 1, (P >> 1) + 1, 1 << 30];
    PackedBabyBear(core::array::from_fn(|_| {
        if rng.random_range(0..4) == 0 {
            BabyBear::new(edges[rng.random_range(0..edges.len())])
        } else {
            rng.random()
        }
    }))
}

#[test]
fn packed_ops_match_scalar() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    for _ in 0..20_000 {
        let (a, b) = (random_packed(&mut rng), random_packed(&mut rng));
        let (sum, diff, prod, neg, p7) = (a + b, a - b, a * b, -a, a.pow7());
        for i in 0..W {
            assert_eq!(sum.0[i], a.0[i] + b.0[i], "add lane {i}");
            assert_eq!(diff.0[i], a.0[i] - b.0[i], "sub lane {i}");
            assert_eq!(
                prod.0[i],
                a.0[i] * b.0[i],
                "mul lane {i}: {:?} * {:?}",
                a.0[i],
                b.0[i]
            );
            assert_eq!(neg.0[i], -a.0[i], "neg lane {i}");
            assert_eq!(p7.0[i], a.0[i].pow7(), "pow7 lane {i}");
            for x in [sum, diff, prod, neg] {
                assert!(x.0[i].to_monty() < P, "lane {i} not reduced");
            }
        }
    }
}

#[test]
fn transpose_is_a_transpose() {
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let tile: [PackedBabyBear; W] = core::array::from_fn(|_| random_packed(&mut rng));
    let mut t = tile;
    PackedBabyBear::transpose(&mut t);
    for (i, row) in t.iter().enumerate() {
        for (j, col) in tile.iter().enumerate() {
            assert_eq!(row.0[j], col.0[i], "({i}, {j})");
        }
    }
    PackedBabyBear::transpose(&mut t);
    assert_eq!(t, tile);
}
