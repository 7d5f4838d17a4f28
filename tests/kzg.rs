//! A KZG commitment to an ark-poly polynomial through kiln's MSM (examples/kzg.rs as a
//! test): coefficient form by one MSM over a prefix of a reusable SRS, and evaluation form
//! by an inverse NTT and the MSM on the device; both against arkworks and p(τ)·G, for
//! BN254 and BLS12-381, on the emulator, the CPU backend and (when present) the GPU.

mod common;

use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{PrimeGroup, ScalarMul, VariableBaseMSM};
use ark_ff::{Field, UniformRand};
use ark_poly::univariate::DensePolynomial;
use ark_poly::{DenseUVPolynomial, EvaluationDomain, Polynomial, Radix2EvaluationDomain};
use common::cuda_or_skip;
use kiln::msm::{Bls12_381, Bn254, MsmCurve};
use kiln::scalar_ntt::NttField;
use kiln::{CpuBackend, DeviceVec, EmuBackend, MsmOps, ScalarNttOps};

fn kzg<B: MsmOps + ScalarNttOps, P: MsmCurve>(backend: &B, log_n: u32)
where
    P::ScalarField: NttField,
{
    let mut rng = ark_std::test_rng();
    let n = 1usize << log_n;
    let tau = P::ScalarField::rand(&mut rng);
    let powers: Vec<P::ScalarField> =
        std::iter::successors(Some(P::ScalarField::ONE), |p| Some(*p * tau))
            .take(2 * n)
            .collect();
    let srs: Vec<Affine<P>> = Projective::<P>::generator().batch_mul(&powers);
    let srs_dev = backend.upload_bases(&srs).unwrap();

    for degree in [0, 1, n / 2 + 3, n - 1] {
        let poly = DensePolynomial::<P::ScalarField>::rand(degree, &mut rng);
        let coeffs = backend.upload_scalars(&poly.coeffs).unwrap();
        let ours = backend.msm_prefix(&srs_dev, &coeffs).unwrap();
        let theirs = Projective::<P>::msm(&srs[..poly.coeffs.len()], &poly.coeffs).unwrap();
        assert_eq!(ours, theirs, "{} degree {degree}: vs arkworks", P::NAME);
        assert_eq!(
            ours,
            Projective::<P>::generator() * poly.evaluate(&tau),
            "{} degree {degree}: vs p(tau)·G",
            P::NAME
        );
    }

    // Evaluation form: iNTT then MSM, on the device.
    let poly = DensePolynomial::<P::ScalarField>::rand(n - 1, &mut rng);
    let domain = Radix2EvaluationDomain::<P::ScalarField>::new(n).unwrap();
    let evals = domain.fft(&poly.coeffs);
    let plan = backend.ntt_plan(&domain).unwrap();
    let mut data = DeviceVec::upload(backend, &evals).unwrap();
    backend.ifft(&plan, &mut data).unwrap();
    let from_evals = backend.msm_prefix(&srs_dev, &data).unwrap();
    assert_eq!(
        from_evals,
        Projective::<P>::generator() * poly.evaluate(&tau),
        "{}: commitment from evaluations",
        P::NAME
    );
}

#[test]
fn kzg_commitment_emulated() {
    let emu = EmuBackend::new();
    kzg::<_, Bn254>(&emu, 7);
    kzg::<_, Bls12_381>(&emu, 7);
}

#[test]
fn kzg_commitment_cpu() {
    let cpu = CpuBackend::new();
    kzg::<_, Bn254>(&cpu, 9);
    kzg::<_, Bls12_381>(&cpu, 9);
}

#[test]
fn kzg_commitment_cuda() {
    let Some(gpu) = cuda_or_skip("kzg_commitment_cuda") else {
        return;
    };
    kzg::<_, Bn254>(&gpu, 16);
    kzg::<_, Bls12_381>(&gpu, 16);
}
