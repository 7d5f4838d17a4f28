//! `kiln bench msm` and `kiln bench scalar-ntt`: the pairing-curve kernels, BN254 or
//! BLS12-381, on the CPU backend (arkworks), the CUDA backend and, built with the
//! `sppark-peer` feature, sppark 0.1.16 on the same GPU.
//!
//! MSM rows: `median_ms` is the MSM with bases and scalars already on the device (CUDA
//! events; it includes the 1-point result download), `median_ms_with_transfers` adds the
//! upload of the scalars (bases stay resident, as a reused SRS does). sppark rows time its
//! call from host scalars with preloaded bases: the same work as kiln's with-transfers
//! figure, and reported in both fields.

use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{CurveGroup, PrimeGroup};
use ark_ff::UniformRand;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use ark_std::rand::SeedableRng;
use ark_std::rand::rngs::StdRng;
use kiln::msm::{Bls12_381, Bn254, MsmCurve};
use kiln::scalar_ntt::NttField;
use kiln::{CpuBackend, CudaBackend, DeviceVec, MsmOps, ScalarNttOps};
use rayon::prelude::*;
use serde::Serialize;

use super::{BackendChoice, CliError, median, parse_range};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Curve {
    Bn254,
    #[value(name = "bls12-381")]
    Bls12_381,
}

#[derive(Debug, Clone, clap::Args)]
pub(super) struct CurveArgs {
    /// The curve (G1 for the MSM, the scalar field for the NTT).
    #[arg(long, value_enum, default_value = "bn254")]
    curve: Curve,
    /// log2 of the number of points (MSM) or of the transform size; repeat or give a
    /// range (16..=20) to sweep.
    #[arg(long = "log-n", value_parser = parse_range, default_value = "16")]
    log_n: Vec<Vec<u32>>,
    /// Backends to run: cpu, cuda or all.
    #[arg(long, default_value = "all")]
    backend: BackendChoice,
    /// Timed repetitions per configuration (the median is reported).
    #[arg(long, default_value_t = 5)]
    samples: usize,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
}

/// One measured configuration: a JSON line of `--json`.
#[derive(Debug, Serialize)]
struct Record {
    op: &'static str,
    curve: &'static str,
    backend: String,
    device: String,
    log_n: u32,
    /// The MSM's window size in bits (kiln's kernels).
    #[serde(skip_serializing_if = "Option::is_none")]
    window_bits: Option<u32>,
    /// Median time of the operation alone (device time on GPUs).
    median_ms: f64,
    /// Points (MSM) or elements (NTT) per second, from `median_ms`.
    elements_per_sec: f64,
    /// Median including the host-to-device copy of the inputs (GPUs; see the module doc).
    #[serde(skip_serializing_if = "Option::is_none")]
    median_ms_with_transfers: Option<f64>,
    samples: usize,
}

fn time_samples(samples: usize, mut f: impl FnMut() -> kiln::Result<f64>) -> kiln::Result<f64> {
    f()?; // warm-up: module load, memory pools, twiddles
    let mut t = Vec::with_capacity(samples);
    for _ in 0..samples {
        t.push(f()?);
    }
    Ok(median(t))
}

fn wall_ms(f: impl FnOnce() -> kiln::Result<()>) -> kiln::Result<f64> {
    let start = std::time::Instant::now();
    f()?;
    Ok(start.elapsed().as_secs_f64() * 1e3)
}

/// `n` pseudo-random points: a random start every 4096 points followed by a random-step
/// progression (additions instead of scalar multiplications keep 2^22 points affordable).
fn points<P: MsmCurve>(n: usize, seed: u64) -> Vec<Affine<P>> {
    let proj: Vec<Projective<P>> = (0..n.div_ceil(4096))
        .into_par_iter()
        .flat_map_iter(|chunk| {
            let mut rng = StdRng::seed_from_u64(seed ^ (chunk as u64).wrapping_mul(0x9e37));
            let mut cur = Projective::<P>::generator() * P::ScalarField::rand(&mut rng);
            let step = Projective::<P>::generator() * P::ScalarField::rand(&mut rng);
            let len = 4096.min(n - chunk * 4096);
            (0..len).map(move |_| {
                let p = cur;
                cur += step;
                p
            })
        })
        .collect();
    Projective::normalize_batch(&proj)
}

fn scalars<F: UniformRand + Send>(n: usize, seed: u64) -> Vec<F> {
    (0..n.div_ceil(4096))
        .into_par_iter()
        .flat_map_iter(|chunk| {
            let mut rng = StdRng::seed_from_u64(seed ^ (chunk as u64).wrapping_mul(0x7f4a));
            let len = 4096.min(n - chunk * 4096);
            (0..len).map(move |_| F::rand(&mut rng)).collect::<Vec<_>>()
        })
        .collect()
}

fn msm_record<B: MsmOps, P: MsmCurve>(
    b: &B,
    log_n: u32,
    samples: usize,
    bases: &[Affine<P>],
    sc: &[P::ScalarField],
    gpu: bool,
) -> Result<Record, CliError> {
    let n = bases.len();
    let db = b.upload_bases(bases)?;
    let ds = b.upload_scalars(sc)?;
    let ms = time_samples(samples, || b.time_ms(&mut || b.msm(&db, &ds).map(drop)))?;
    let with = if gpu {
        Some(time_samples(samples, || {
            wall_ms(|| {
                let s = b.upload_scalars(sc)?;
                b.msm(&db, &s).map(drop)
            })
        })?)
    } else {
        None
    };
    Ok(Record {
        op: "msm",
        curve: P::NAME,
        backend: b.name(),
        device: b.device_info().name,
        log_n,
        window_bits: gpu.then(|| kiln::msm::window_bits::<P>(n)),
        median_ms: ms,
        elements_per_sec: n as f64 / (ms * 1e-3),
        median_ms_with_transfers: with,
        samples,
    })
}

#[cfg(feature = "sppark-peer")]
fn sppark_record<P: MsmCurve>(
    gpu: &CudaBackend,
    log_n: u32,
    samples: usize,
    bases: &[Affine<P>],
    sc: &[P::ScalarField],
    want: &Projective<P>,
) -> Result<Record, CliError> {
    use kiln::Backend;
    use kiln::msm::sppark::SpparkMsm;
    let mut peer = SpparkMsm::<P>::new(bases)?;
    if peer.msm(sc)? != *want {
        return Err(format!("sppark's {} MSM of 2^{log_n} differs from kiln's", P::NAME).into());
    }
    let ms = time_samples(samples, || wall_ms(|| peer.msm(sc).map(drop)))?;
    Ok(Record {
        op: "msm",
        curve: P::NAME,
        backend: "sppark-0.1.16".into(),
        device: gpu.device_info().name,
        log_n,
        window_bits: None,
        median_ms: ms,
        elements_per_sec: bases.len() as f64 / (ms * 1e-3),
        median_ms_with_transfers: Some(ms),
        samples,
    })
}

fn ntt_record<B: ScalarNttOps, F: NttField>(
    b: &B,
    curve: &'static str,
    log_n: u32,
    samples: usize,
    data: &[F],
    gpu: bool,
) -> Result<Record, CliError> {
    let domain = Radix2EvaluationDomain::<F>::new(data.len()).ok_or("domain too large")?;
    let plan = b.ntt_plan(&domain)?;
    let mut buf = DeviceVec::upload(b, data)?;
    // In place: each sample transforms the previous output, valid field elements too.
    let ms = time_samples(samples, || b.time_ms(&mut || b.fft(&plan, &mut buf)))?;
    let with = if gpu {
        Some(time_samples(samples, || {
            wall_ms(|| {
                let mut v = DeviceVec::upload(b, data)?;
                b.fft(&plan, &mut v)?;
                v.download(b).map(drop)
            })
        })?)
    } else {
        None
    };
    Ok(Record {
        op: "scalar_ntt",
        curve,
        backend: b.name(),
        device: b.device_info().name,
        log_n,
        window_bits: None,
        median_ms: ms,
        elements_per_sec: data.len() as f64 / (ms * 1e-3),
        median_ms_with_transfers: with,
        samples,
    })
}

fn print_header() {
    println!(
        "{:<10} {:<10} {:<14} {:>6} {:>5} {:>12} {:>14} {:>14}",
        "op", "curve", "backend", "log_n", "c", "median ms", "elem/s", "ms w/ xfer"
    );
}

fn print_row(r: &Record) {
    println!(
        "{:<10} {:<10} {:<14} {:>6} {:>5} {:>12.3} {:>14.3e} {:>14}",
        r.op,
        r.curve,
        r.backend,
        r.log_n,
        r.window_bits
            .map(|c| c.to_string())
            .unwrap_or_else(|| "-".into()),
        r.median_ms,
        r.elements_per_sec,
        r.median_ms_with_transfers
            .map(|x| format!("{x:.3}"))
            .unwrap_or_else(|| "-".into()),
    );
}

fn emit(r: &Record, json: bool) -> Result<(), CliError> {
    if json {
        println!("{}", serde_json::to_string(r)?);
    } else {
        print_row(r);
    }
    Ok(())
}

fn backends(choice: BackendChoice) -> Result<(Option<CpuBackend>, Option<CudaBackend>), CliError> {
    let cpu = matches!(choice, BackendChoice::Cpu | BackendChoice::All).then(CpuBackend::new);
    let gpu = match choice {
        BackendChoice::Cpu => None,
        BackendChoice::Cuda => Some(CudaBackend::new(0)?),
        BackendChoice::All => match CudaBackend::new(0) {
            Ok(g) => Some(g),
            Err(e) => {
                eprintln!("note: skipping the CUDA backend: {e}");
                None
            }
        },
    };
    Ok((cpu, gpu))
}

fn check_sizes(args: &CurveArgs, max: u32) -> Result<Vec<u32>, CliError> {
    if args.samples == 0 {
        return Err("--samples must be at least 1".into());
    }
    let sizes: Vec<u32> = args.log_n.iter().flatten().copied().collect();
    if let Some(&bad) = sizes.iter().find(|&&s| s > max) {
        return Err(format!("--log-n {bad} is too large: at most {max}").into());
    }
    Ok(sizes)
}

fn run_msm_curve<P: MsmCurve>(args: &CurveArgs) -> Result<(), CliError> {
    let sizes = check_sizes(args, 26)?;
    let (cpu, gpu) = backends(args.backend)?;
    if !args.json {
        print_header();
    }
    for &log_n in &sizes {
        let n = 1usize << log_n;
        let bases = points::<P>(n, 0x6b696c6e ^ log_n as u64);
        let sc = scalars::<P::ScalarField>(n, 0x6d736d ^ log_n as u64);
        if let Some(c) = &cpu {
            emit(
                &msm_record(c, log_n, args.samples, &bases, &sc, false)?,
                args.json,
            )?;
        }
        if let Some(g) = &gpu {
            let r = msm_record(g, log_n, args.samples, &bases, &sc, true)?;
            emit(&r, args.json)?;
            #[cfg(feature = "sppark-peer")]
            {
                let want = g.msm_host(&bases, &sc)?;
                emit(
                    &sppark_record(g, log_n, args.samples, &bases, &sc, &want)?,
                    args.json,
                )?;
            }
        }
    }
    Ok(())
}

fn run_ntt_curve<F: NttField>(args: &CurveArgs, curve: &'static str) -> Result<(), CliError> {
    let sizes = check_sizes(args, kiln::scalar_ntt::MAX_LOG_N)?;
    let (cpu, gpu) = backends(args.backend)?;
    if !args.json {
        print_header();
    }
    for &log_n in &sizes {
        let data = scalars::<F>(1 << log_n, 0x6e7474 ^ log_n as u64);
        if let Some(c) = &cpu {
            emit(
                &ntt_record(c, curve, log_n, args.samples, &data, false)?,
                args.json,
            )?;
        }
        if let Some(g) = &gpu {
            emit(
                &ntt_record(g, curve, log_n, args.samples, &data, true)?,
                args.json,
            )?;
        }
    }
    Ok(())
}

pub(super) fn run_msm(args: CurveArgs) -> Result<(), CliError> {
    match args.curve {
        Curve::Bn254 => run_msm_curve::<Bn254>(&args),
        Curve::Bls12_381 => run_msm_curve::<Bls12_381>(&args),
    }
}

pub(super) fn run_scalar_ntt(args: CurveArgs) -> Result<(), CliError> {
    match args.curve {
        Curve::Bn254 => run_ntt_curve::<ark_bn254::Fr>(&args, "bn254"),
        Curve::Bls12_381 => run_ntt_curve::<ark_bls12_381::Fr>(&args, "bls12-381"),
    }
}
