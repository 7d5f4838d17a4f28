//! Every SIMD level's vectors equal the scalar operations lane by lane.

use kiln_field::{BabyBear, MAX_PACKED_WIDTH, P, PackedField, Simd, SimdLevel, SimdOp};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

fn random_packed<P: PackedField>(simd: Simd<P>, rng: &mut ChaCha20Rng) -> P {
    // Mix uniform lanes with edge values.
    let edges = [0, 1, 2, P - 1, P - 2, P >> 1, (P >> 1) + 1, 1 << 30];
    simd.from_fn(|_| {
        if rng.random_range(0..4) == 0 {
            BabyBear::new(edges[rng.random_range(0..edges.len())])
        } else {
            rng.random()
        }
    })
}

/// The lane-by-lane checks at one level.
struct Check;

impl SimdOp for Check {
    type Output = usize;

    fn run<P: PackedField>(self, simd: Simd<P>) -> usize {
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        for _ in 0..20_000 {
            let (a, b) = (random_packed(simd, &mut rng), random_packed(simd, &mut rng));
            let c: BabyBear = rng.random();
            let (sum, diff, prod, neg, p7) = (a + b, a - b, a * b, -a, a.pow7());
            let (a, b) = (a.as_slice(), b.as_slice());
            for i in 0..P::WIDTH {
                assert_eq!(sum.as_slice()[i], a[i] + b[i], "add lane {i}");
                assert_eq!(diff.as_slice()[i], a[i] - b[i], "sub lane {i}");
                assert_eq!(
                    prod.as_slice()[i],
                    a[i] * b[i],
                    "mul lane {i}: {:?} * {:?}",
                    a[i],
                    b[i]
                );
                assert_eq!(neg.as_slice()[i], -a[i], "neg lane {i}");
                assert_eq!(p7.as_slice()[i], a[i].pow7(), "pow7 lane {i}");
                for x in [sum, diff, prod, neg] {
                    assert!(x.as_slice()[i].to_monty() < P, "lane {i} not reduced");
                }
            }
            let (va, vb) = (simd.load(a), simd.load(b));
            assert_eq!((va * c).as_slice(), (va * simd.splat(c)).as_slice());
            assert_eq!((va + c).as_slice(), (va + simd.splat(c)).as_slice());
            assert_eq!((va - c).as_slice(), (va - simd.splat(c)).as_slice());
            let mut acc = va;
            acc += vb;
            acc -= vb;
            acc *= vb;
            assert_eq!(acc, va * vb);
            let mut out = [BabyBear::ZERO; MAX_PACKED_WIDTH];
            va.store(&mut out);
            assert_eq!(&out[..P::WIDTH], a);
        }
        // Transposition.
        let tile: Vec<P> = (0..P::WIDTH)
            .map(|_| random_packed(simd, &mut rng))
            .collect();
        let mut t = tile.clone();
        P::transpose(&mut t);
        for (i, row) in t.iter().enumerate() {
            for (j, col) in tile.iter().enumerate() {
                assert_eq!(row.as_slice()[j], col.as_slice()[i], "({i}, {j})");
            }
        }
        P::transpose(&mut t);
        assert_eq!(t, tile);
        P::WIDTH
    }
}

use kiln_field::Field;

#[test]
fn every_level_matches_the_field() {
    for level in SimdLevel::available() {
        let width = level.run(Check);
        assert_eq!(width, level.lanes(), "{level}");
        eprintln!("{level}: {width} lanes checked");
    }
    for level in SimdLevel::ALL.into_iter().filter(|l| !l.is_available()) {
        eprintln!("skipping the {level} level: not available on this CPU");
    }
}

#[test]
fn a_missing_level_is_an_error_not_a_crash() {
    for level in SimdLevel::ALL.into_iter().filter(|l| !l.is_available()) {
        assert!(level.check().is_err());
        let caught = std::panic::catch_unwind(|| level.run(Check));
        assert!(caught.is_err(), "{level} ran on a CPU without it");
    }
}

#[test]
fn the_current_level_is_the_forced_one() {
    // `KILN_SIMD=avx2 cargo test` must test AVX2, not silently the detected level.
    match SimdLevel::from_env() {
        Ok(Some(forced)) => assert_eq!(SimdLevel::current(), forced),
        Ok(None) => assert_eq!(SimdLevel::current(), SimdLevel::detect()),
        Err(e) => panic!("KILN_SIMD is set but unusable: {e}"),
    }
    assert!(SimdLevel::current().is_available());
}
