//! G1 MSM and scalar-field NTT of BN254 and BLS12-381: kiln beside arkworks on the same
//! machine and inputs.
//!
//! * `ark-ec`: `VariableBaseMSM::msm` (rayon); `kiln-cpu`: kiln's CPU backend (the same
//!   arkworks MSM behind kiln's API, including its conversion from device words);
//! * on a GPU: `kiln-cuda-kernel` (bases and scalars resident), `kiln-cuda-with-transfers`
//!   (scalars uploaded per call, bases resident as a reused SRS would be), and with
//!   `--features sppark-peer`, `sppark-0.1.16` (its preloaded bases, scalars from the host:
//!   the same work as kiln's with-transfers figure) on the same GPU.
//! * NTT: ark-poly's `Radix2EvaluationDomain::fft` beside kiln's CUDA kernels.
//!
//! Sizes 2^12, 2^16 and 2^18; `KILN_BENCH_LARGE=1` adds 2^20 and 2^22.
//! Run: `cargo bench --bench msm` (GPU peer: `NVCC=... cargo bench --bench msm --features sppark-peer`).

use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{CurveGroup, PrimeGroup, VariableBaseMSM};
use ark_ff::{UniformRand, Zero};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use ark_std::rand::SeedableRng;
use ark_std::rand::rngs::StdRng;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kiln::msm::{Bls12_381, Bn254, MsmCurve};
use kiln::scalar_ntt::NttField;
use kiln::{Backend, CpuBackend, CudaBackend, DeviceVec, MsmOps, ScalarNttOps};

fn sizes() -> Vec<u32> {
    let mut s = vec![12, 16, 18];
    if std::env::var("KILN_BENCH_LARGE").is_ok_and(|v| v == "1") {
        s.extend([20, 22]);
    }
    s
}

/// Random starts every 1024 points, random-step progressions in between (cheap to make).
fn points<P: MsmCurve>(rng: &mut StdRng, n: usize) -> Vec<Affine<P>> {
    let mut out = Vec::with_capacity(n);
    let mut cur = Projective::<P>::zero();
    let mut step = cur;
    for i in 0..n {
        if i % 1024 == 0 {
            cur = Projective::<P>::generator() * P::ScalarField::rand(rng);
            step = Projective::<P>::generator() * P::ScalarField::rand(rng);
        }
        out.push(cur);
        cur += step;
    }
    Projective::normalize_batch(&out)
}

fn bench_msm_curve<P: MsmCurve>(c: &mut Criterion, gpu: Option<&CudaBackend>) {
    let cpu = CpuBackend::new();
    let mut g = c.benchmark_group(format!("msm/{}", P::NAME));
    g.sample_size(10);
    for log_n in sizes() {
        let n = 1usize << log_n;
        let mut rng = StdRng::seed_from_u64(log_n as u64);
        let bases = points::<P>(&mut rng, n);
        let scalars: Vec<P::ScalarField> = (0..n).map(|_| P::ScalarField::rand(&mut rng)).collect();
        let id = format!("2^{log_n}");
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("ark-ec", &id), |b| {
            b.iter(|| Projective::<P>::msm(&bases, &scalars).unwrap())
        });
        let cb = cpu.upload_bases(&bases).unwrap();
        let cs = cpu.upload_scalars(&scalars).unwrap();
        g.bench_function(BenchmarkId::new("kiln-cpu", &id), |b| {
            b.iter(|| cpu.msm(&cb, &cs).unwrap())
        });
        if let Some(gpu) = gpu {
            let db = gpu.upload_bases(&bases).unwrap();
            let ds = gpu.upload_scalars(&scalars).unwrap();
            g.bench_function(BenchmarkId::new("kiln-cuda-kernel", &id), |b| {
                b.iter(|| gpu.msm(&db, &ds).unwrap())
            });
            g.bench_function(BenchmarkId::new("kiln-cuda-with-transfers", &id), |b| {
                b.iter(|| {
                    let s = gpu.upload_scalars(&scalars).unwrap();
                    gpu.msm(&db, &s).unwrap()
                })
            });
            #[cfg(feature = "sppark-peer")]
            {
                let mut peer = kiln::msm::sppark::SpparkMsm::<P>::new(&bases).unwrap();
                assert_eq!(
                    peer.msm(&scalars).unwrap(),
                    gpu.msm(&db, &ds).unwrap(),
                    "sppark differs from kiln"
                );
                g.bench_function(BenchmarkId::new("sppark-0.1.16", &id), |b| {
                    b.iter(|| peer.msm(&scalars).unwrap())
                });
            }
        }
    }
    g.finish();
}

fn bench_ntt_field<F: NttField>(c: &mut Criterion, name: &str, gpu: Option<&CudaBackend>) {
    let mut g = c.benchmark_group(format!("scalar_ntt/{name}"));
    g.sample_size(10);
    for log_n in sizes() {
        let n = 1usize << log_n;
        let mut rng = StdRng::seed_from_u64(100 + log_n as u64);
        let data: Vec<F> = (0..n).map(|_| F::rand(&mut rng)).collect();
        let domain = Radix2EvaluationDomain::<F>::new(n).unwrap();
        let id = format!("2^{log_n}");
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("ark-poly", &id), |b| {
            b.iter(|| domain.fft(&data))
        });
        if let Some(gpu) = gpu {
            let plan = gpu.ntt_plan(&domain).unwrap();
            let mut buf = DeviceVec::upload(gpu, &data).unwrap();
            g.bench_function(BenchmarkId::new("kiln-cuda-kernel", &id), |b| {
                b.iter(|| {
                    gpu.fft(&plan, &mut buf).unwrap();
                    gpu.synchronize().unwrap();
                })
            });
            g.bench_function(BenchmarkId::new("kiln-cuda-with-transfers", &id), |b| {
                b.iter(|| {
                    let mut v = DeviceVec::upload(gpu, &data).unwrap();
                    gpu.fft(&plan, &mut v).unwrap();
                    v.download(gpu).unwrap()
                })
            });
        }
    }
    g.finish();
}

fn gpu() -> Option<CudaBackend> {
    CudaBackend::new(0)
        .map_err(|e| eprintln!("msm bench: no CUDA figures: {e}"))
        .ok()
}

fn bench_msm(c: &mut Criterion) {
    let gpu = gpu();
    bench_msm_curve::<Bn254>(c, gpu.as_ref());
    bench_msm_curve::<Bls12_381>(c, gpu.as_ref());
}

fn bench_scalar_ntt(c: &mut Criterion) {
    let gpu = gpu();
    bench_ntt_field::<ark_bn254::Fr>(c, "bn254", gpu.as_ref());
    bench_ntt_field::<ark_bls12_381::Fr>(c, "bls12-381", gpu.as_ref());
}

criterion_group!(benches, bench_msm, bench_scalar_ntt);
criterion_main!(benches);
