//! A KZG commitment to an ark-poly polynomial through kiln's MSM, checked against
//! arkworks.
//!
//! With a toy structured reference string `[τ^i]·G` (τ known here, which a real setup must
//! never allow), the commitment to `p(X) = Σ c_i X^i` is `Σ c_i·[τ^i]G = p(τ)·G`. The
//! example commits twice:
//!
//! 1. coefficients from a random `DensePolynomial`: one MSM over a prefix of the SRS,
//!    which is uploaded once;
//! 2. the same polynomial given by its evaluations over a domain: an inverse NTT on the
//!    device turns them into coefficients, which feed the MSM without leaving the device.
//!
//! Both must equal arkworks' `VariableBaseMSM` and `p(τ)·G`.
//!
//! Runs on the GPU when there is one, else through the kernel emulator (smaller degree):
//! `cargo run --release --example kzg [-- LOG_DEGREE]`.

use std::time::Instant;

use ark_bls12_381::{Fr, G1Affine, G1Projective};
use ark_ec::{CurveGroup, PrimeGroup, ScalarMul, VariableBaseMSM};
use ark_ff::{Field, UniformRand};
use ark_poly::univariate::DensePolynomial;
use ark_poly::{DenseUVPolynomial, EvaluationDomain, Polynomial, Radix2EvaluationDomain};
use kiln::msm::Bls12_381;
use kiln::{Bases, CudaBackend, DeviceVec, EmuBackend, MsmOps, ScalarNttOps};

/// A toy SRS `[τ^i]·G`, i < len.
fn toy_srs(tau: Fr, len: usize) -> Vec<G1Affine> {
    let powers: Vec<Fr> = std::iter::successors(Some(Fr::ONE), |p| Some(*p * tau))
        .take(len)
        .collect();
    G1Projective::generator().batch_mul(&powers)
}

/// The commitment to the polynomial with evaluations `evals` over `domain`: coefficients
/// by an inverse NTT on the backend, then the MSM, both on the device.
fn commit_evaluations<B: MsmOps + ScalarNttOps>(
    backend: &B,
    srs: &Bases<B, Bls12_381>,
    domain: &Radix2EvaluationDomain<Fr>,
    evals: &[Fr],
) -> kiln::Result<G1Projective> {
    let plan = backend.ntt_plan(domain)?;
    let mut coeffs = DeviceVec::upload(backend, evals)?;
    backend.ifft(&plan, &mut coeffs)?;
    backend.msm_prefix(srs, &coeffs)
}

fn run<B: MsmOps + ScalarNttOps>(backend: &B, log_degree: u32) -> kiln::Result<()> {
    let mut rng = ark_std::test_rng();
    let n = 1usize << log_degree;
    let tau = Fr::rand(&mut rng);
    let t = Instant::now();
    let srs = toy_srs(tau, 2 * n);
    println!("SRS of {} points: {:.1?}", srs.len(), t.elapsed());
    let srs_dev = backend.upload_bases(&srs)?;

    // 1. Coefficient form: one MSM over the first deg + 1 bases.
    let poly = DensePolynomial::<Fr>::rand(n - 1, &mut rng);
    let t = Instant::now();
    let coeffs = backend.upload_scalars(&poly.coeffs)?;
    let ours = backend.msm_prefix(&srs_dev, &coeffs)?;
    println!("commit (MSM of {n} points): {:.1?}", t.elapsed());
    let t = Instant::now();
    let theirs = G1Projective::msm(&srs[..poly.coeffs.len()], &poly.coeffs).unwrap();
    println!("arkworks VariableBaseMSM:   {:.1?}", t.elapsed());
    assert_eq!(ours, theirs, "kiln MSM differs from arkworks");
    assert_eq!(
        ours,
        G1Projective::generator() * poly.evaluate(&tau),
        "commitment is not p(tau)·G"
    );

    // 2. Evaluation form: inverse NTT and MSM on the device.
    let domain = Radix2EvaluationDomain::<Fr>::new(n).unwrap();
    let evals = domain.fft(&poly.coeffs);
    let t = Instant::now();
    let from_evals = commit_evaluations(backend, &srs_dev, &domain, &evals)?;
    println!("commit from evaluations (iNTT + MSM): {:.1?}", t.elapsed());
    assert_eq!(from_evals, ours, "commitment from evaluations differs");

    println!(
        "ok: {} commitment to a degree-{} polynomial equals arkworks: {}",
        backend.name(),
        n - 1,
        ours.into_affine()
    );
    Ok(())
}

fn main() -> kiln::Result<()> {
    let arg: Option<u32> = std::env::args().nth(1).and_then(|a| a.parse().ok());
    match CudaBackend::new(0) {
        Ok(gpu) => run(&gpu, arg.unwrap_or(16)),
        Err(e) => {
            println!("no GPU ({e}): running the kernels in the emulator");
            run(&EmuBackend::new(), arg.unwrap_or(8))
        }
    }
}
