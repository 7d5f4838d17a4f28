//! Every SIMD level of the CPU backend gives the bytes of the scalar level: the NTT in
//! every order, the coset LDE (the per-column and the packed many-column paths), the
//! columns' dot products and the batched openings. Levels the CPU lacks are skipped, saying
//! so. (Whole proofs: `crates/stark/tests/simd_levels.rs`.)

mod common;

use common::{random_vec, rng};
use kiln::field::{BabyBear, BabyBearExt4, Field, SimdLevel, TwoAdicField};
use kiln::{CpuBackend, NttOps, OpeningGroup, Order, ReducedSpec, StarkOps};
use rand::RngExt;

/// The backends of every level but scalar this CPU has (the others are reported skipped).
fn vector_levels() -> Vec<CpuBackend> {
    for level in SimdLevel::ALL.into_iter().filter(|l| !l.is_available()) {
        eprintln!("skipping the {level} level: not available on this CPU");
    }
    SimdLevel::available()
        .filter(|&l| l != SimdLevel::Scalar)
        .map(|l| CpuBackend::with_simd_level(l).expect("available"))
        .collect()
}

fn scalar() -> CpuBackend {
    CpuBackend::with_simd_level(SimdLevel::Scalar).expect("always available")
}

#[test]
fn ntt_is_the_same_at_every_level() {
    let mut rng = rng(40);
    let orders = [Order::Natural, Order::BitReversed];
    // Up to 2^22: stages above 20 take their twiddles from two small tables.
    for (log_n, batch) in [
        (0u32, 3usize),
        (1, 3),
        (2, 5),
        (3, 2),
        (4, 3),
        (5, 1),
        (7, 9),
        (8, 17),
        (9, 1),
        (12, 2),
        (13, 1),
        (16, 3),
        (22, 1),
    ] {
        let data = random_vec(&mut rng, batch << log_n);
        for inverse in [false, true] {
            for input in orders {
                for output in orders {
                    let mut want = data.clone();
                    scalar()
                        .ntt_batch(&mut want, log_n, inverse, input, output)
                        .unwrap();
                    for cpu in vector_levels() {
                        let mut got = data.clone();
                        cpu.ntt_batch(&mut got, log_n, inverse, input, output)
                            .unwrap();
                        assert!(
                            got == want,
                            "{}: log_n {log_n} batch {batch} inverse {inverse} {input:?} → {output:?}",
                            cpu.simd_level()
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn lde_is_the_same_at_every_level() {
    let mut rng = rng(41);
    let shift = BabyBear::GENERATOR.exp_u64(3);
    // Many short columns take the packed path (one column per lane) and the per-column
    // path for the rest; long columns the per-column path, in parallel within a column
    // when there are fewer columns than threads.
    for (log_n, batch, log_blowup) in [
        (0u32, 5usize, 1u32),
        (3, 37, 1),
        (6, 40, 2),
        (10, 19, 1),
        (14, 17, 1),
        (15, 1, 3),
        (18, 2, 1),
    ] {
        let data = random_vec(&mut rng, batch << log_n);
        for output in [Order::Natural, Order::BitReversed] {
            let want = scalar()
                .coset_lde_batch(&data, log_n, log_blowup, shift, output)
                .unwrap();
            for cpu in vector_levels() {
                let got = cpu
                    .coset_lde_batch(&data, log_n, log_blowup, shift, output)
                    .unwrap();
                assert!(
                    got == want,
                    "{}: log_n {log_n} batch {batch} blowup 2^{log_blowup} {output:?}",
                    cpu.simd_level()
                );
            }
        }
    }
}

fn random_ext(rng: &mut impl rand::Rng) -> BabyBearExt4 {
    BabyBearExt4::new(core::array::from_fn(|_| rng.random()))
}

#[test]
fn openings_are_the_same_at_every_level() {
    let mut rng = rng(42);
    // Dot products of columns with weights, heights not a multiple of any width too.
    for height in [1usize, 7, 16, 100, 1 << 12] {
        let width = 5;
        let cols = random_vec(&mut rng, width * height);
        let w1: Vec<BabyBearExt4> = (0..height).map(|_| random_ext(&mut rng)).collect();
        let w2: Vec<BabyBearExt4> = (0..height).map(|_| random_ext(&mut rng)).collect();
        let want = scalar()
            .columns_dot_many(&cols, height, 1..width, &[&w1, &w2])
            .unwrap();
        for cpu in vector_levels() {
            let got = cpu
                .columns_dot_many(&cols, height, 1..width, &[&w1, &w2])
                .unwrap();
            assert_eq!(got, want, "{}: height {height}", cpu.simd_level());
        }
    }
    // Batched openings over matrices at ζ and ζω, one group repeating an earlier matrix.
    for log_big in [0u32, 3, 4, 11] {
        let big = 1usize << log_big;
        let (a, b) = (random_vec(&mut rng, 3 * big), random_vec(&mut rng, 2 * big));
        let groups = [
            OpeningGroup {
                matrix: &a,
                width: 3,
                at_next: false,
            },
            OpeningGroup {
                matrix: &b,
                width: 2,
                at_next: false,
            },
            OpeningGroup {
                matrix: &a,
                width: 3,
                at_next: true,
            },
        ];
        let alpha = random_ext(&mut rng);
        let powers: Vec<BabyBearExt4> = (0..8u64).map(|k| alpha.exp_u64(k)).collect();
        let spec = ReducedSpec {
            powers,
            zeta: random_ext(&mut rng),
            zeta_next: random_ext(&mut rng),
            b_zeta: random_ext(&mut rng),
            b_next: random_ext(&mut rng),
            log_big,
            shift: BabyBear::GENERATOR,
        };
        let want = scalar().reduced_openings(&groups, &spec).unwrap();
        for cpu in vector_levels() {
            let got = cpu.reduced_openings(&groups, &spec).unwrap();
            assert_eq!(got, want, "{}: log_big {log_big}", cpu.simd_level());
        }
    }
}

#[test]
fn a_level_the_cpu_lacks_is_an_error() {
    for level in SimdLevel::ALL.into_iter().filter(|l| !l.is_available()) {
        let err = CpuBackend::with_simd_level(level).unwrap_err();
        assert!(err.to_string().contains(level.name()), "{err}");
    }
    assert_eq!(CpuBackend::new().simd_level(), SimdLevel::current());
}
