//! MSM conformance: the kernel emulator, the CPU backend and the CUDA backend against
//! ark-ec's `VariableBaseMSM`, for BN254 and BLS12-381 G1, on random inputs and on every
//! edge case (n = 0 and 1, zero scalars, r − 1, points at infinity, repeated points, P and
//! −P together, sizes that are not powers of two, mismatched lengths).
//!
//! The emulator runs each CUDA thread as a fiber on one core, so its sizes stay at or
//! below 2^10. The CUDA test covers 2^0..=2^20 (2^22 with `KILN_LARGE=1`) and skips, saying
//! why, without a GPU.

mod common;
#[path = "common/curves.rs"]
mod curves;

use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{AffineRepr, VariableBaseMSM};
use ark_ff::{AdditiveGroup, BigInt, BigInteger, Field, PrimeField, Zero};
use common::cuda_or_skip;
use curves::{ark_rng, random_points, random_scalars};
use kiln::msm::testing::ArithTestOps;
use kiln::msm::{Bls12_381, Bn254, MsmCurve};
use kiln::{Backend, CpuBackend, EmuBackend, Error, MsmOps};

fn ark_msm<P: MsmCurve>(bases: &[Affine<P>], scalars: &[P::ScalarField]) -> Projective<P> {
    Projective::<P>::msm(bases, scalars).unwrap()
}

/// The MSM of `dev` equals ark-ec's on random inputs of each size, with scalars in
/// Montgomery form and in standard form, and with bases uploaded once for both.
fn check_random<B: MsmOps, P: MsmCurve>(dev: &B, sizes: &[usize], seed: u64) {
    let mut rng = ark_rng(seed);
    for &n in sizes {
        let bases = random_points::<P>(&mut rng, n);
        let scalars = random_scalars::<P::ScalarField>(&mut rng, n);
        let want = ark_msm(&bases, &scalars);
        let b = dev.upload_bases(&bases).unwrap();
        let s = dev.upload_scalars(&scalars).unwrap();
        assert_eq!(
            dev.msm(&b, &s).unwrap(),
            want,
            "{} n = {n} (Montgomery scalars)",
            P::NAME
        );
        let ints: Vec<_> = scalars.iter().map(|s| s.into_bigint()).collect();
        let s = dev.upload_scalars(&ints).unwrap();
        assert_eq!(
            dev.msm(&b, &s).unwrap(),
            want,
            "{} n = {n} (standard-form scalars)",
            P::NAME
        );
    }
}

/// Every edge case of the issue, against ark-ec.
fn check_edge_cases<B: MsmOps, P: MsmCurve>(dev: &B, seed: u64) {
    let mut rng = ark_rng(seed);
    let name = P::NAME;
    // The MSM of `dev`, checked against ark-ec.
    let value = |bases: &[Affine<P>], scalars: &[P::ScalarField], what: &str| {
        let got = dev.msm_host(bases, scalars).unwrap();
        assert_eq!(got, ark_msm(bases, scalars), "{name}: {what}");
        got
    };
    let check = |bases: &[Affine<P>], scalars: &[P::ScalarField], what: &str| {
        let _ = value(bases, scalars, what);
    };
    let minus_one = -P::ScalarField::ONE; // r − 1

    // n = 0 and n = 1.
    assert!(value(&[], &[], "n = 0").is_zero());
    let p = random_points::<P>(&mut rng, 8);
    let s = random_scalars::<P::ScalarField>(&mut rng, 8);
    check(&p[..1], &s[..1], "n = 1");
    check(&p[..1], &[P::ScalarField::ONE], "n = 1, scalar 1");

    // Zero scalars: all, and some.
    assert!(value(&p, &[P::ScalarField::ZERO; 8], "all scalars zero").is_zero());
    let mut some_zero = s.clone();
    some_zero[1] = P::ScalarField::ZERO;
    some_zero[6] = P::ScalarField::ZERO;
    check(&p, &some_zero, "some scalars zero");

    // r − 1, alone (= −P) and among others; small scalars.
    let got = value(&p[..1], &[minus_one], "scalar r - 1");
    assert_eq!(got, -p[0].into_group(), "{name}: (r - 1)·P = -P");
    check(&p, &[minus_one; 8], "all scalars r - 1");
    let small: Vec<P::ScalarField> = (1..=8u64).map(P::ScalarField::from).collect();
    check(&p, &small, "scalars 1..=8");
    let mut mixed = s.clone();
    mixed[3] = minus_one;
    mixed[4] = P::ScalarField::ONE;
    check(&p, &mixed, "mixed with r - 1 and 1");

    // Points at infinity.
    let mut with_inf = p.clone();
    with_inf[0] = Affine::<P>::zero();
    with_inf[5] = Affine::<P>::zero();
    check(&with_inf, &s, "some bases at infinity");
    assert!(value(&[Affine::<P>::zero(); 4], &s[..4], "all bases at infinity").is_zero());

    // Repeated points: same base, same scalar (one bucket: doublings), and varied scalars.
    let same = vec![p[2]; 64];
    check(&same, &[s[0]; 64], "a point repeated with one scalar");
    let s64 = random_scalars::<P::ScalarField>(&mut rng, 64);
    check(&same, &s64, "a point repeated with random scalars");
    let mut two = vec![p[3]; 32];
    two.extend(vec![p[4]; 32]);
    check(&two, &s64, "two points repeated");

    // P and −P in one MSM: with equal scalars they cancel.
    let neg = -p[5];
    let got = value(&[p[5], neg], &[s[0], s[0]], "P and -P, equal scalars");
    assert!(got.is_zero(), "{name}: s·P + s·(-P) = 0");
    check(
        &[p[5], neg, p[6]],
        &[s[0], s[1], s[2]],
        "P and -P, other scalars",
    );
    let mut pairs = Vec::new();
    for q in &p {
        pairs.push(*q);
        pairs.push(-*q);
    }
    let dup: Vec<_> = s.iter().flat_map(|x| [*x, *x]).collect();
    assert!(
        value(&pairs, &dup, "eight P, -P pairs").is_zero(),
        "{name}: pairs cancel"
    );
    // P + P through the bucket path: the same point with the same scalar twice.
    check(&[p[6], p[6]], &[s[3], s[3]], "P twice, equal scalars");

    // Every scalar equal: each window's entries all land in one bucket (longest runs).
    let q = random_points::<P>(&mut rng, 300);
    check(&q, &[s[1]; 300], "300 points, one scalar");

    // Sizes that are not powers of two.
    for n in [3usize, 5, 7, 31, 100] {
        let q = random_points::<P>(&mut rng, n);
        let t = random_scalars::<P::ScalarField>(&mut rng, n);
        check(&q, &t, &format!("n = {n}"));
    }

    // Standard-form integers at and above r are taken mod r.
    let r = P::ScalarField::MODULUS;
    let mut r_plus_5 = r;
    r_plus_5.add_with_carry(&BigInt::from(5u64));
    let r: BigInt<4> = r;
    let ints = vec![r, r_plus_5, BigInt::new([u64::MAX; 4]), BigInt::from(7u64)];
    let want_scalars: Vec<P::ScalarField> = ints
        .iter()
        .map(|b| P::ScalarField::from_le_bytes_mod_order(&b.to_bytes_le()))
        .collect();
    assert_eq!(
        dev.msm_host(&p[..4], &ints).unwrap(),
        ark_msm(&p[..4], &want_scalars),
        "{name}: standard-form integers ≥ r"
    );

    // Bases uploaded once, used by several MSMs, and by a prefix.
    let bases = dev.upload_bases(&p).unwrap();
    for k in 0..3 {
        let t = random_scalars::<P::ScalarField>(&mut rng, 8);
        let ts = dev.upload_scalars(&t).unwrap();
        assert_eq!(
            dev.msm(&bases, &ts).unwrap(),
            ark_msm(&p, &t),
            "{name}: reuse {k}"
        );
    }
    let t = random_scalars::<P::ScalarField>(&mut rng, 5);
    let ts = dev.upload_scalars(&t).unwrap();
    assert_eq!(
        dev.msm_prefix(&bases, &ts).unwrap(),
        ark_msm(&p[..5], &t),
        "{name}: prefix of the bases"
    );

    // Mismatched lengths are errors, never panics.
    assert!(matches!(
        dev.msm(&bases, &ts),
        Err(Error::LengthMismatch {
            expected: 8,
            got: 5,
            ..
        })
    ));
    assert!(matches!(
        dev.msm_host(&p[..3], &s[..4]),
        Err(Error::LengthMismatch { .. })
    ));
    let long = dev
        .upload_scalars(&random_scalars::<P::ScalarField>(&mut rng, 9))
        .unwrap();
    assert!(matches!(
        dev.msm_prefix(&bases, &long),
        Err(Error::LengthMismatch { .. })
    ));
}

#[test]
fn cpu_msm_matches_arkworks() {
    let cpu = CpuBackend::new();
    check_random::<_, Bn254>(&cpu, &[0, 1, 2, 17, 1000], 1);
    check_random::<_, Bls12_381>(&cpu, &[0, 1, 2, 17, 1000], 2);
    check_edge_cases::<_, Bn254>(&cpu, 3);
    check_edge_cases::<_, Bls12_381>(&cpu, 4);
}

#[test]
fn emulated_msm_edge_cases_bn254() {
    check_edge_cases::<_, Bn254>(&EmuBackend::new(), 5);
}

#[test]
fn emulated_msm_edge_cases_bls12_381() {
    check_edge_cases::<_, Bls12_381>(&EmuBackend::new(), 6);
}

const EMU_SIZES: [usize; 8] = [1, 2, 3, 16, 33, 257, 1000, 1024];

#[test]
fn emulated_msm_matches_arkworks_bn254() {
    check_random::<_, Bn254>(&EmuBackend::new(), &EMU_SIZES, 7);
}

#[test]
fn emulated_msm_matches_arkworks_bls12_381() {
    check_random::<_, Bls12_381>(&EmuBackend::new(), &EMU_SIZES, 8);
}

/// Every window size on a small input: single and multi-level bucket reductions, windows
/// of 2 bits (128 windows) up to 14 bits (8192 buckets per window, mostly empty).
fn check_windows<B: ArithTestOps + MsmOps, P: MsmCurve>(dev: &B, n: usize, windows: &[u32]) {
    let mut rng = ark_rng(9);
    let bases = random_points::<P>(&mut rng, n);
    let scalars = random_scalars::<P::ScalarField>(&mut rng, n);
    let want = ark_msm(&bases, &scalars);
    let b = dev.upload_bases(&bases).unwrap();
    let s = dev.upload_scalars(&scalars).unwrap();
    for &c in windows {
        assert_eq!(
            dev.msm_with_window(&b, &s, c).unwrap(),
            want,
            "{}: n = {n}, window {c}",
            P::NAME
        );
    }
    assert!(matches!(
        dev.msm_with_window(&b, &s, 21),
        Err(Error::Kernel { .. })
    ));
}

#[test]
fn emulated_msm_every_window_size() {
    let emu = EmuBackend::new();
    let all: Vec<u32> = (2..=14).collect();
    check_windows::<_, Bn254>(&emu, 40, &all);
    check_windows::<_, Bls12_381>(&emu, 40, &[2, 5, 9, 13]);
}

#[test]
fn window_choice_grows_with_n() {
    let mut last = 0;
    for log_n in 0..=26 {
        let c = kiln::msm::window_bits::<Bn254>(1 << log_n);
        assert!((2..=20).contains(&c) && c >= last, "2^{log_n}: {c}");
        last = c;
    }
    assert_eq!(kiln::msm::window_bits::<Bn254>(1 << 20), 16);
}

fn large() -> bool {
    std::env::var("KILN_LARGE").is_ok_and(|v| v == "1")
}

#[test]
fn cuda_msm_matches_arkworks() {
    let Some(gpu) = cuda_or_skip("cuda_msm_matches_arkworks") else {
        return;
    };
    let max = if large() { 22 } else { 20 };
    let mut sizes: Vec<usize> = (0..=max).map(|l| 1usize << l).collect();
    sizes.extend([0, 3, 1000, 100_003]);
    check_random::<_, Bn254>(&gpu, &sizes, 10);
    check_random::<_, Bls12_381>(&gpu, &sizes, 11);
    check_edge_cases::<_, Bn254>(&gpu, 12);
    check_edge_cases::<_, Bls12_381>(&gpu, 13);
    check_windows::<_, Bn254>(&gpu, 5000, &(2..=20).collect::<Vec<_>>());
    check_windows::<_, Bls12_381>(&gpu, 5000, &(2..=20).collect::<Vec<_>>());
}

#[test]
fn cuda_msm_rejects_sizes_beyond_memory() {
    let Some(gpu) = cuda_or_skip("cuda_msm_rejects_sizes_beyond_memory") else {
        return;
    };
    // 2^23 points at infinity with zero scalars need over 1 GiB of scratch: occupy all but
    // 512 MiB of the device first, and the MSM must say so instead of failing inside.
    let n = 1usize << 23;
    let bases = gpu.upload_bases(&vec![Affine::<Bn254>::zero(); n]).unwrap();
    let scalars = gpu
        .upload_scalars(&vec![<Bn254 as ark_ec::CurveConfig>::ScalarField::ZERO; n])
        .unwrap();
    let (free, _) = gpu.memory().unwrap();
    let hog = gpu
        .alloc_zeroed::<u8>((free - (512 << 20)) as usize)
        .unwrap();
    let err = gpu.msm(&bases, &scalars).unwrap_err();
    assert!(matches!(err, Error::OutOfDeviceMemory { .. }), "{err}");
    assert!(err.to_string().contains("bytes of device memory"), "{err}");
    drop(hog);
    assert!(gpu.msm(&bases, &scalars).unwrap().is_zero());
}
