//! The STARK prover's device kernels (quotient from a compiled constraint program,
//! quotient-domain gather) equal the CPU reference word for word, in the emulator and on
//! a GPU when present.

mod common;

use common::{cuda_or_skip, random_vec, rng};
use kiln::field::{BabyBear, BabyBearExt4, ColMajorMatrix, Field, TwoAdicField};
use kiln::{Backend, CpuBackend, EmuBackend, OpeningGroup, QuotientSpec, ReducedSpec, StarkOps};
use kiln_air::{Air, AirBuilder, BaseAir, ConstraintProgram};
use rand::RngExt;

/// Exercises every opcode: preprocessed columns, public values, all three selectors,
/// products, differences, negation and constants.
struct Mixed;

impl BaseAir for Mixed {
    fn width(&self) -> usize {
        3
    }
    fn preprocessed_trace(&self) -> Option<ColMajorMatrix> {
        // Only the width matters to the program; the test supplies the columns.
        Some(ColMajorMatrix::zeros(2, 2).unwrap())
    }
    fn num_public_values(&self) -> usize {
        2
    }
}

impl<AB: AirBuilder> Air<AB> for Mixed {
    #[inline(always)]
    fn eval(&self, b: &mut AB) {
        let (local, next) = (b.main().local.to_vec(), b.main().next.to_vec());
        let pre = b.preprocessed().local.to_vec();
        let pre_next = b.preprocessed().next.to_vec();
        let pis = b.public_values().to_vec();
        b.when_first_row().assert_eq(local[0], pis[0]);
        b.when_transition()
            .assert_eq(next[0], local[0] * local[1] + pre[0]);
        b.assert_bool(local[2]);
        b.when_last_row().assert_eq(local[1], pis[1] - pre_next[1]);
        let cube = local[1] * local[1] * local[1];
        b.assert_zero(-(cube.clone() * BabyBear::new(7)) + next[2] * pre[1] - cube);
        b.when(local[2]).assert_eq(next[1], BabyBear::new(5));
    }
}

fn check<B: StarkOps>(dev: &B, seed: u64) {
    let cpu = CpuBackend::new();
    let program = ConstraintProgram::compile(&Mixed);
    assert_eq!(program.constraints, 6);
    let mut rng = rng(seed);
    for (log_n, log_chunks) in [(1u32, 0u32), (2, 1), (3, 2), (5, 1), (6, 2), (4, 3)] {
        let log_blowup = log_chunks + 1;
        let big = 1usize << (log_n + log_blowup);
        let log_m = log_n + log_chunks;
        let lde = random_vec(&mut rng, 3 * big);
        let pre_lde = random_vec(&mut rng, 2 * big);
        let want_main = cpu.quotient_domain_columns(&lde, big, log_m, 3).unwrap();
        let want_pre = cpu
            .quotient_domain_columns(&pre_lde, big, log_m, 2)
            .unwrap();
        let main = dev
            .quotient_domain_columns(&dev.upload(&lde).unwrap(), big, log_m, 3)
            .unwrap();
        let pre = dev
            .quotient_domain_columns(&dev.upload(&pre_lde).unwrap(), big, log_m, 2)
            .unwrap();
        assert_eq!(
            dev.download(&main).unwrap(),
            want_main,
            "{}: quotient domain 2^{log_m}",
            dev.name()
        );
        assert_eq!(dev.download(&pre).unwrap(), want_pre);
        let pis = random_vec(&mut rng, 2);
        let alpha: BabyBearExt4 = rng.random();
        let spec = QuotientSpec {
            program: &program,
            public_values: &pis,
            alpha,
            log_n,
            log_chunks,
            shift: BabyBear::GENERATOR,
        };
        let want = cpu
            .evaluate_quotient(&spec, &want_main, Some(&want_pre))
            .unwrap();
        let got = dev
            .download(&dev.evaluate_quotient(&spec, &main, Some(&pre)).unwrap())
            .unwrap();
        assert_eq!(want.len(), 4 << (log_n + log_chunks));
        assert!(
            got == want,
            "{}: quotient log_n {log_n} chunks 2^{log_chunks} differs from the CPU",
            dev.name()
        );
    }
}

/// One matrix at ζ and at ζω, then another at ζ: the prover's batching shape.
fn shared_groups<T>(m: [&T; 2], widths: [usize; 2]) -> Vec<OpeningGroup<'_, T>> {
    [(0usize, false), (0, true), (1, false)]
        .into_iter()
        .map(|(i, at_next)| OpeningGroup {
            matrix: m[i],
            width: widths[i],
            at_next,
        })
        .collect()
}

/// Barycentric sums, batched openings, FRI folds and layer layouts equal the CPU's.
fn check_fri<B: StarkOps>(dev: &B, seed: u64) {
    let cpu = CpuBackend::new();
    let mut rng = rng(seed);
    for (height, width) in [(1usize, 3usize), (16, 1), (256, 5), (1000, 2)] {
        let cols = random_vec(&mut rng, height * width);
        let weights: Vec<BabyBearExt4> = (0..height).map(|_| rng.random()).collect();
        let want = cpu.columns_dot(&cols, height, &weights).unwrap();
        let naive: Vec<BabyBearExt4> = cols
            .chunks(height)
            .map(|c| c.iter().zip(&weights).map(|(&v, &w)| w * v).sum())
            .collect();
        assert_eq!(want, naive, "cpu dot against the naive sum");
        // Several weight vectors at once (1, 2 and 3: the CPU pairs them).
        let more: Vec<Vec<BabyBearExt4>> = (0..3)
            .map(|_| (0..height).map(|_| rng.random()).collect())
            .collect();
        for k in 1..=3 {
            let ws: Vec<&[BabyBearExt4]> = more[..k].iter().map(|w| &w[..]).collect();
            let got = dev
                .columns_dot_many(&dev.upload(&cols).unwrap(), height, 1..width, &ws)
                .unwrap();
            let each: Vec<Vec<BabyBearExt4>> = ws
                .iter()
                .map(|w| cpu.columns_dot_range(&cols, height, 1..width, w).unwrap())
                .collect();
            assert_eq!(got, each, "{}: {k} weight vectors at once", dev.name());
        }
        assert_eq!(
            dev.columns_dot(&dev.upload(&cols).unwrap(), height, &weights)
                .unwrap(),
            want,
            "{}: dot",
            dev.name()
        );
        let range = width / 2..width;
        assert_eq!(
            dev.columns_dot_range(&dev.upload(&cols).unwrap(), height, range.clone(), &weights)
                .unwrap(),
            want[range].to_vec(),
            "{}: dot over a column range",
            dev.name()
        );
        assert!(
            dev.columns_dot_range(&dev.upload(&cols).unwrap(), height, 0..width + 1, &weights)
                .is_err()
        );
    }
    for log_big in [1u32, 4, 9] {
        let big = 1usize << log_big;
        let widths = [3usize, 0, 5, 2];
        let mats: Vec<Vec<BabyBear>> = widths
            .iter()
            .map(|w| random_vec(&mut rng, w * big))
            .collect();
        let dmats: Vec<_> = mats.iter().map(|m| dev.upload(m).unwrap()).collect();
        let spec = ReducedSpec {
            powers: (0..widths.iter().sum::<usize>())
                .map(|_| rng.random())
                .collect(),
            zeta: rng.random(),
            zeta_next: rng.random(),
            b_zeta: rng.random(),
            b_next: rng.random(),
            log_big,
            shift: BabyBear::GENERATOR,
        };
        let at_next = [false, true, false, true];
        let cg: Vec<_> = (0..4)
            .map(|i| OpeningGroup {
                matrix: &mats[i],
                width: widths[i],
                at_next: at_next[i],
            })
            .collect();
        let dg: Vec<_> = (0..4)
            .map(|i| OpeningGroup {
                matrix: &dmats[i],
                width: widths[i],
                at_next: at_next[i],
            })
            .collect();
        let want = cpu.reduced_openings(&cg, &spec).unwrap();
        let got = dev
            .download(&dev.reduced_openings(&dg, &spec).unwrap())
            .unwrap();
        assert!(got == want, "{}: reduced openings 2^{log_big}", dev.name());

        // As the prover batches: one matrix at ζ then at ζω, powers α^0.. then α^w..
        // (the CPU reuses the first row sums for the second group).
        let alpha: BabyBearExt4 = rng.random();
        let w = widths[0];
        let mut powers = Vec::with_capacity(2 * w + widths[2]);
        let mut p = BabyBearExt4::ONE;
        for _ in 0..2 * w + widths[2] {
            powers.push(p);
            p *= alpha;
        }
        let spec = ReducedSpec { powers, ..spec };
        let want = cpu
            .reduced_openings(&shared_groups([&mats[0], &mats[2]], [w, widths[2]]), &spec)
            .unwrap();
        // The definition, without reuse: the same groups over distinct copies.
        let copy = mats[0].clone();
        let distinct = [
            OpeningGroup {
                matrix: &mats[0],
                width: w,
                at_next: false,
            },
            OpeningGroup {
                matrix: &copy,
                width: w,
                at_next: true,
            },
            OpeningGroup {
                matrix: &mats[2],
                width: widths[2],
                at_next: false,
            },
        ];
        assert_eq!(
            want,
            cpu.reduced_openings(&distinct, &spec).unwrap(),
            "CPU reuse"
        );
        let got = dev
            .download(
                &dev.reduced_openings(
                    &shared_groups([&dmats[0], &dmats[2]], [w, widths[2]]),
                    &spec,
                )
                .unwrap(),
            )
            .unwrap();
        assert!(
            got == want,
            "{}: reduced openings, shared matrix",
            dev.name()
        );
    }
    for (log_size, log_arity) in [(1u32, 1u32), (5, 1), (6, 2), (7, 3), (8, 4), (4, 4)] {
        let layer: Vec<BabyBearExt4> = (0..1usize << log_size).map(|_| rng.random()).collect();
        let (shift, beta): (BabyBear, BabyBearExt4) =
            (BabyBear::GENERATOR.exp_u64(3), rng.random());
        let want = cpu
            .fri_fold(&layer, log_size, log_arity, shift, beta)
            .unwrap();
        let d = dev.upload(&layer).unwrap();
        assert_eq!(
            dev.download(&dev.fri_fold(&d, log_size, log_arity, shift, beta).unwrap())
                .unwrap(),
            want,
            "{}: fold 2^{log_size} by 2^{log_arity}",
            dev.name()
        );
        let want = cpu.fri_layer_matrix(&layer, log_size, log_arity).unwrap();
        assert_eq!(
            dev.download(&dev.fri_layer_matrix(&d, log_size, log_arity).unwrap())
                .unwrap(),
            want
        );
    }
    // The scaled addition FRI rolls shorter inputs in with, against the naive sum.
    for n in [0usize, 1, 7, 1000] {
        let acc: Vec<BabyBearExt4> = (0..n).map(|_| rng.random()).collect();
        let x: Vec<BabyBearExt4> = (0..n).map(|_| rng.random()).collect();
        let coeff: BabyBearExt4 = rng.random();
        let want: Vec<BabyBearExt4> = acc.iter().zip(&x).map(|(&a, &b)| a + coeff * b).collect();
        let mut d = dev.upload(&acc).unwrap();
        dev.ext_add_scaled(&mut d, coeff, &dev.upload(&x).unwrap())
            .unwrap();
        assert_eq!(
            dev.download(&d).unwrap(),
            want,
            "{}: scaled addition of {n}",
            dev.name()
        );
    }
    let mut d = dev.upload(&[BabyBearExt4::ZERO; 3]).unwrap();
    assert!(
        dev.ext_add_scaled(
            &mut d,
            BabyBearExt4::ONE,
            &dev.upload(&[BabyBearExt4::ZERO; 2]).unwrap()
        )
        .is_err(),
        "{}: lengths differ",
        dev.name()
    );
}

#[test]
fn emulated_openings_and_fri_match_cpu() {
    check_fri(&EmuBackend::new(), 32);
}

#[test]
fn cuda_openings_and_fri_match_cpu() {
    let Some(gpu) = cuda_or_skip("cuda_openings_and_fri_match_cpu") else {
        return;
    };
    check_fri(&gpu, 33);
}

#[test]
fn folding_is_polynomial_folding() {
    // Fold the bit-reversed evaluations of f over s·⟨ω_N⟩ and compare with
    // f'(Y) = Σ_i β^i f_i(Y), evaluated directly from f's coefficients.
    use kiln_field::reverse_bits_len;
    let cpu = CpuBackend::new();
    let mut rng = rng(34);
    for log_arity in 1..=3u32 {
        let log_size = 6u32;
        let coeffs: Vec<BabyBearExt4> = (0..1 << (log_size - 1)).map(|_| rng.random()).collect();
        let shift = BabyBear::GENERATOR;
        let w = BabyBear::two_adic_generator(log_size as usize);
        let eval = |c: &[BabyBearExt4], x: BabyBearExt4| {
            c.iter().rev().fold(BabyBearExt4::ZERO, |a, &k| a * x + k)
        };
        let layer: Vec<BabyBearExt4> = (0..1usize << log_size)
            .map(|p| {
                eval(
                    &coeffs,
                    (shift * w.exp_u64(reverse_bits_len(p, log_size as usize) as u64)).into(),
                )
            })
            .collect();
        let beta: BabyBearExt4 = rng.random();
        let folded = cpu
            .fri_fold(&layer, log_size, log_arity, shift, beta)
            .unwrap();
        let k = 1usize << log_arity;
        let parts: Vec<Vec<BabyBearExt4>> = (0..k)
            .map(|i| coeffs.iter().skip(i).step_by(k).copied().collect())
            .collect();
        let log_next = log_size - log_arity;
        let (s2, w2) = (
            shift.exp_power_of_2(log_arity as usize),
            w.exp_power_of_2(log_arity as usize),
        );
        for (q, v) in folded.iter().enumerate() {
            let y: BabyBearExt4 =
                (s2 * w2.exp_u64(reverse_bits_len(q, log_next as usize) as u64)).into();
            let mut want = BabyBearExt4::ZERO;
            let mut bp = BabyBearExt4::ONE;
            for part in &parts {
                want += bp * eval(part, y);
                bp *= beta;
            }
            assert_eq!(*v, want, "arity 2^{log_arity}, position {q}");
        }
    }
}

#[test]
fn emulated_quotient_matches_cpu() {
    check(&EmuBackend::new(), 30);
}

#[test]
fn cuda_quotient_matches_cpu() {
    let Some(gpu) = cuda_or_skip("cuda_quotient_matches_cpu") else {
        return;
    };
    check(&gpu, 31);
}

#[test]
fn quotient_shape_errors() {
    let cpu = CpuBackend::new();
    let program = ConstraintProgram::compile(&Mixed);
    let spec = QuotientSpec {
        program: &program,
        public_values: &[BabyBear::ONE],
        alpha: BabyBearExt4::ONE,
        log_n: 2,
        log_chunks: 1,
        shift: BabyBear::GENERATOR,
    };
    let main = vec![BabyBear::ZERO; 3 * 8];
    let pre = vec![BabyBear::ZERO; 2 * 8];
    assert!(
        cpu.evaluate_quotient(&spec, &main, Some(&pre)).is_err(),
        "one public value for two"
    );
    let emu = EmuBackend::new();
    assert!(emu.evaluate_quotient(&spec, &main, Some(&pre)).is_err());
    assert!(
        cpu.quotient_domain_columns(&main, 8, 4, 3).is_err(),
        "domain larger than the LDE"
    );
}

/// The CPU takes any number of opening groups in one call (one set of the domain's
/// inverses), with the same result as the kernels' split into calls of at most
/// `MAX_OPENING_GROUPS` added up; the emulator refuses more than that.
#[test]
fn cpu_reduced_openings_take_any_number_of_groups() {
    let (cpu, emu) = (CpuBackend::new(), EmuBackend::new());
    assert_eq!(cpu.max_opening_groups(), usize::MAX);
    assert_eq!(emu.max_opening_groups(), kiln::MAX_OPENING_GROUPS);
    let mut rng = rng(40);
    let log_big = 6u32;
    let big = 1usize << log_big;
    let widths: Vec<usize> = (0..12).map(|i| 1 + i % 4).collect();
    let mats: Vec<Vec<BabyBear>> = widths
        .iter()
        .map(|w| random_vec(&mut rng, w * big))
        .collect();
    let groups: Vec<_> = mats
        .iter()
        .zip(&widths)
        .enumerate()
        .map(|(i, (m, &w))| OpeningGroup {
            matrix: m,
            width: w,
            at_next: i % 3 == 1,
        })
        .collect();
    let powers: Vec<BabyBearExt4> = (0..widths.iter().sum::<usize>())
        .map(|_| rng.random())
        .collect();
    let spec = ReducedSpec {
        powers: powers.clone(),
        zeta: rng.random(),
        zeta_next: rng.random(),
        b_zeta: rng.random(),
        b_next: rng.random(),
        log_big,
        shift: BabyBear::GENERATOR,
    };
    let whole = cpu.reduced_openings(&groups, &spec).unwrap();
    let k = kiln::MAX_OPENING_GROUPS;
    let split: usize = widths[..k].iter().sum();
    let first = ReducedSpec {
        powers: powers[..split].to_vec(),
        ..spec.clone()
    };
    let second = ReducedSpec {
        powers: powers[split..].to_vec(),
        b_zeta: BabyBearExt4::ZERO,
        b_next: BabyBearExt4::ZERO,
        ..spec.clone()
    };
    let (a, b) = (
        cpu.reduced_openings(&groups[..k], &first).unwrap(),
        cpu.reduced_openings(&groups[k..], &second).unwrap(),
    );
    let sum: Vec<BabyBearExt4> = a.iter().zip(&b).map(|(&x, &y)| x + y).collect();
    assert_eq!(whole, sum);
    let dmats: Vec<_> = mats.iter().map(|m| emu.upload(m).unwrap()).collect();
    let dgroups: Vec<_> = dmats
        .iter()
        .zip(&groups)
        .map(|(m, g)| OpeningGroup {
            matrix: m,
            width: g.width,
            at_next: g.at_next,
        })
        .collect();
    assert!(emu.reduced_openings(&dgroups, &spec).is_err());
    let got = emu
        .download(&emu.reduced_openings(&dgroups[..k], &first).unwrap())
        .unwrap();
    assert_eq!(got, a);
}
