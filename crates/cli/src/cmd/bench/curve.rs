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
use kiln::DeviceVec;
use kiln::msm::{Bls12_381, Bn254, MsmCurve};
use kiln::scalar_ntt::NttField;
use rayon::prelude::*;
use serde::Serialize;

use super::CliError;
use super::harness::{
    Backends, Kernels, Measure, Row, RunArgs, Table, at_most, device_ms, or_dash, parse_range,
    sizes, with_transfers,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Curve {
    Bn254,
    #[value(name = "bls12-381")]
    Bls12_381,
}

#[derive(Debug, Clone, clap::Args)]
#[command(mut_arg("samples", |a| a.default_value("5")))]
pub(super) struct CurveArgs {
    /// The curve (G1 for the MSM, the scalar field for the NTT).
    #[arg(long, value_enum, default_value = "bn254")]
    curve: Curve,
    /// log2 of the number of points (MSM) or of the transform size; repeat or give a
    /// range (16..=20) to sweep.
    #[arg(long = "log-n", value_parser = parse_range, default_value = "16")]
    log_n: Vec<Vec<u32>>,
    // `--samples` defaults to 5 here (the `mut_arg` above).
    #[command(flatten)]
    run: RunArgs,
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

impl Row for Record {
    fn header() -> String {
        format!(
            "{:<10} {:<10} {:<14} {:>6} {:>5} {:>12} {:>14} {:>14}",
            "op", "curve", "backend", "log_n", "c", "median ms", "elem/s", "ms w/ xfer"
        )
    }

    fn row(&self) -> String {
        format!(
            "{:<10} {:<10} {:<14} {:>6} {:>5} {:>12.3} {:>14.3e} {:>14}",
            self.op,
            self.curve,
            self.backend,
            self.log_n,
            self.window_bits
                .map(|c| c.to_string())
                .unwrap_or_else(|| "-".into()),
            self.median_ms,
            self.elements_per_sec,
            or_dash(self.median_ms_with_transfers, 3),
        )
    }
}

/// One MSM size: `bases` and scalars `sc`.
struct Msm<'a, P: MsmCurve> {
    log_n: u32,
    samples: usize,
    bases: &'a [Affine<P>],
    sc: &'a [P::ScalarField],
}

impl<P: MsmCurve> Measure for Msm<'_, P> {
    type Record = Record;
    type Output = ();

    fn measure<B: Kernels>(&self, b: &B, gpu: bool) -> Result<(Record, ()), CliError> {
        let n = self.bases.len();
        let db = b.upload_bases(self.bases)?;
        let ds = b.upload_scalars(self.sc)?;
        let ms = device_ms(b, self.samples, || b.msm(&db, &ds).map(drop))?;
        let with = with_transfers(gpu, self.samples, || {
            let s = b.upload_scalars(self.sc)?;
            b.msm(&db, &s).map(drop)
        })?;
        let r = Record {
            op: "msm",
            curve: P::NAME,
            backend: b.name(),
            device: b.device_info().name,
            log_n: self.log_n,
            window_bits: gpu.then(|| kiln::msm::window_bits::<P>(n)),
            median_ms: ms,
            elements_per_sec: n as f64 / (ms * 1e-3),
            median_ms_with_transfers: with,
            samples: self.samples,
        };
        Ok((r, ()))
    }

    /// sppark 0.1.16 from host scalars with preloaded bases, checked against kiln's MSM.
    #[cfg(feature = "sppark-peer")]
    fn peers(&self, gpu: &kiln::CudaBackend) -> Result<Vec<Record>, CliError> {
        use super::harness::{time_samples, wall_ms};
        use kiln::msm::sppark::SpparkMsm;
        use kiln::{Backend, MsmOps};
        let want = gpu.msm_host(self.bases, self.sc)?;
        let mut peer = SpparkMsm::<P>::new(self.bases)?;
        if peer.msm(self.sc)? != want {
            let log_n = self.log_n;
            return Err(
                format!("sppark's {} MSM of 2^{log_n} differs from kiln's", P::NAME).into(),
            );
        }
        let ms = time_samples(self.samples, || wall_ms(|| peer.msm(self.sc).map(drop)))?;
        Ok(vec![Record {
            op: "msm",
            curve: P::NAME,
            backend: "sppark-0.1.16".into(),
            device: gpu.device_info().name,
            log_n: self.log_n,
            window_bits: None,
            median_ms: ms,
            elements_per_sec: self.bases.len() as f64 / (ms * 1e-3),
            median_ms_with_transfers: Some(ms),
            samples: self.samples,
        }])
    }
}

/// One scalar-field NTT size: the transform of `data`.
struct ScalarNtt<'a, F> {
    curve: &'static str,
    log_n: u32,
    samples: usize,
    data: &'a [F],
}

impl<F: NttField> Measure for ScalarNtt<'_, F> {
    type Record = Record;
    type Output = ();

    fn measure<B: Kernels>(&self, b: &B, gpu: bool) -> Result<(Record, ()), CliError> {
        let domain = Radix2EvaluationDomain::<F>::new(self.data.len()).ok_or("domain too large")?;
        let plan = b.ntt_plan(&domain)?;
        let mut buf = DeviceVec::upload(b, self.data)?;
        // In place: each sample transforms the previous output, valid field elements too.
        let ms = device_ms(b, self.samples, || b.fft(&plan, &mut buf))?;
        let with = with_transfers(gpu, self.samples, || {
            let mut v = DeviceVec::upload(b, self.data)?;
            b.fft(&plan, &mut v)?;
            v.download(b).map(drop)
        })?;
        let r = Record {
            op: "scalar_ntt",
            curve: self.curve,
            backend: b.name(),
            device: b.device_info().name,
            log_n: self.log_n,
            window_bits: None,
            median_ms: ms,
            elements_per_sec: self.data.len() as f64 / (ms * 1e-3),
            median_ms_with_transfers: with,
            samples: self.samples,
        };
        Ok((r, ()))
    }
}

/// The sizes to run (at most `max`), the backends and the table.
fn start(args: &CurveArgs, max: u32) -> Result<(Vec<u32>, Backends, Table<Record>), CliError> {
    let sizes = sizes(args.run.samples, &args.log_n)?;
    at_most(&sizes, max, "")?;
    let backends = Backends::new(args.run.backend)?;
    Ok((sizes, backends, Table::new(args.run.json)))
}

fn run_msm_curve<P: MsmCurve>(args: &CurveArgs) -> Result<(), CliError> {
    let (sizes, backends, out) = start(args, 26)?;
    for &log_n in &sizes {
        let n = 1usize << log_n;
        let bases = points::<P>(n, 0x6b696c6e ^ log_n as u64);
        let sc = scalars::<P::ScalarField>(n, 0x6d736d ^ log_n as u64);
        let m = Msm {
            log_n,
            samples: args.run.samples,
            bases: &bases,
            sc: &sc,
        };
        backends.run(&m, &out)?;
    }
    Ok(())
}

fn run_ntt_curve<F: NttField>(args: &CurveArgs, curve: &'static str) -> Result<(), CliError> {
    let (sizes, backends, out) = start(args, kiln::scalar_ntt::MAX_LOG_N)?;
    for &log_n in &sizes {
        let data = scalars::<F>(1 << log_n, 0x6e7474 ^ log_n as u64);
        let t = ScalarNtt {
            curve,
            log_n,
            samples: args.run.samples,
            data: &data,
        };
        backends.run(&t, &out)?;
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
