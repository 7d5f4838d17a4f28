//! The STARK prover's device kernels (quotient from a compiled constraint program,
//! quotient-domain gather) equal the CPU reference word for word, in the emulator and on
//! a GPU when present.

mod common;

use common::{cuda_or_skip, random_vec, rng};
use kiln::field::{BabyBear, BabyBearExt4, ColMajorMatrix, Field, TwoAdicField};
use kiln::{CpuBackend, EmuBackend, QuotientSpec, StarkOps};
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
