//! Scalar-field NTT conformance: forward, inverse and coset transforms over the scalar
//! fields of BN254 and BLS12-381 on the emulator, the CPU backend and the CUDA backend,
//! against ark-poly 0.6's `Radix2EvaluationDomain` (`fft`, `ifft`, `get_coset`).
//!
//! Emulator sizes go to 2^12 (one pass of up to 2^9, then two and three passes); the CUDA
//! test covers 2^0..=2^20 (2^22 with `KILN_LARGE=1`).

mod common;
#[path = "common/curves.rs"]
mod curves;

use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use common::cuda_or_skip;
use curves::{ark_rng, random_scalars};
use kiln::scalar_ntt::NttField;
use kiln::{CpuBackend, DeviceVec, EmuBackend, Error, ScalarNttOps};

fn check<B: ScalarNttOps, F: NttField>(dev: &B, log_sizes: &[u32], seed: u64) {
    let mut rng = ark_rng(seed);
    for &log_n in log_sizes {
        let n = 1usize << log_n;
        let domain = Radix2EvaluationDomain::<F>::new(n).unwrap();
        let coset = domain.get_coset(F::GENERATOR).unwrap();
        let other_coset = domain.get_coset(F::from(7u64)).unwrap();
        let data: Vec<F> = random_scalars(&mut rng, n);
        for (d, what) in [
            (domain, "subgroup"),
            (coset, "coset g"),
            (other_coset, "coset 7"),
        ] {
            assert_eq!(
                dev.fft_host(&d, &data).unwrap(),
                d.fft(&data),
                "{}: fft 2^{log_n} {what}",
                dev.name()
            );
            assert_eq!(
                dev.ifft_host(&d, &data).unwrap(),
                d.ifft(&data),
                "{}: ifft 2^{log_n} {what}",
                dev.name()
            );
        }
        // One plan, many transforms; a round trip is the identity.
        let plan = dev.ntt_plan(&coset).unwrap();
        let mut buf = DeviceVec::upload(dev, &data).unwrap();
        dev.fft(&plan, &mut buf).unwrap();
        dev.ifft(&plan, &mut buf).unwrap();
        assert_eq!(buf.download(dev).unwrap(), data, "round trip 2^{log_n}");
    }
}

fn check_padding_and_errors<B: ScalarNttOps, F: NttField>(dev: &B) {
    let mut rng = ark_rng(40);
    // Fewer coefficients than the domain: zero-padded like ark-poly (a degree-aware path
    // there, the same values).
    let domain = Radix2EvaluationDomain::<F>::new(100).unwrap();
    assert_eq!(domain.size(), 128);
    for k in [1usize, 3, 50, 100, 128] {
        let coeffs: Vec<F> = random_scalars(&mut rng, k);
        assert_eq!(
            dev.fft_host(&domain, &coeffs).unwrap(),
            domain.fft(&coeffs),
            "{} coefficients",
            k
        );
    }
    // Too many values, or a buffer of the wrong size: errors.
    let long: Vec<F> = random_scalars(&mut rng, 129);
    assert!(matches!(
        dev.fft_host(&domain, &long),
        Err(Error::LengthMismatch { .. })
    ));
    let plan = dev.ntt_plan(&domain).unwrap();
    let mut short = DeviceVec::upload(dev, &long[..64]).unwrap();
    assert!(matches!(
        dev.fft(&plan, &mut short),
        Err(Error::LengthMismatch {
            expected: 128,
            got: 64,
            ..
        })
    ));
    assert!(matches!(
        dev.ifft(&plan, &mut short),
        Err(Error::LengthMismatch { .. })
    ));
    // Zero and one: the transform of a constant, of a delta.
    let d8 = Radix2EvaluationDomain::<F>::new(8).unwrap();
    assert_eq!(dev.fft_host(&d8, &[F::ONE]).unwrap(), vec![F::ONE; 8]);
    assert_eq!(dev.fft_host(&d8, &[F::ZERO; 8]).unwrap(), vec![F::ZERO; 8]);
    let w = F::get_root_of_unity(8).unwrap();
    let mut x = vec![F::ZERO; 8];
    x[1] = F::ONE;
    let powers: Vec<F> = (0..8u64).map(|i| w.pow([i])).collect();
    assert_eq!(dev.fft_host(&d8, &x).unwrap(), powers);
}

const EMU_LOGS: [u32; 9] = [0, 1, 2, 3, 5, 9, 10, 11, 12];

#[test]
fn cpu_matches_ark_poly() {
    let cpu = CpuBackend::new();
    check::<_, ark_bn254::Fr>(&cpu, &[0, 1, 4, 10], 1);
    check::<_, ark_bls12_381::Fr>(&cpu, &[0, 1, 4, 10], 2);
    check_padding_and_errors::<_, ark_bn254::Fr>(&cpu);
}

#[test]
fn emulated_ntt_matches_ark_poly_bn254() {
    let emu = EmuBackend::new();
    check::<_, ark_bn254::Fr>(&emu, &EMU_LOGS, 3);
    check_padding_and_errors::<_, ark_bn254::Fr>(&emu);
}

#[test]
fn emulated_ntt_matches_ark_poly_bls12_381() {
    let emu = EmuBackend::new();
    check::<_, ark_bls12_381::Fr>(&emu, &EMU_LOGS, 4);
    check_padding_and_errors::<_, ark_bls12_381::Fr>(&emu);
}

#[test]
fn emulated_ntt_three_passes() {
    // 2^17 = 9 + 4 + 4 bits: the lowest pass and two inner passes of 4 bits.
    check::<_, ark_bn254::Fr>(&EmuBackend::new(), &[17], 5);
}

#[test]
fn cuda_ntt_matches_ark_poly() {
    let Some(gpu) = cuda_or_skip("cuda_ntt_matches_ark_poly") else {
        return;
    };
    let max = if std::env::var("KILN_LARGE").is_ok_and(|v| v == "1") {
        22
    } else {
        20
    };
    let logs: Vec<u32> = (0..=max).collect();
    check::<_, ark_bn254::Fr>(&gpu, &logs, 6);
    check::<_, ark_bls12_381::Fr>(&gpu, &logs, 7);
    check_padding_and_errors::<_, ark_bn254::Fr>(&gpu);
    check_padding_and_errors::<_, ark_bls12_381::Fr>(&gpu);
}
