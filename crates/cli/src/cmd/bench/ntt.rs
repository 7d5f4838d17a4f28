//! `kiln bench ntt` and `kiln bench lde`: the batched BabyBear NTT (natural to
//! bit-reversed order, in place) and coset LDE, with their effective bandwidth; on the GPU
//! also against the device's measured copy bandwidth.

use kiln::field::{BabyBear, TwoAdicField};
use kiln::{NttOps, Order};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::Serialize;

use super::CliError;
use super::harness::{
    Backends, Kernels, Measure, Row, RunArgs, Table, at_most, device_ms, or_dash, parse_range,
    sizes, with_transfers,
};

#[derive(Debug, Clone, clap::Args)]
pub(super) struct Common {
    /// log2 of the column length; repeat or give a range (16..=22) to sweep.
    #[arg(long = "log-n", value_parser = parse_range, default_value = "16")]
    log_n: Vec<Vec<u32>>,
    /// Number of columns.
    #[arg(long, default_value_t = 8)]
    batch: usize,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Clone, clap::Args)]
pub(super) struct LdeArgs {
    #[command(flatten)]
    common: Common,
    /// log2 of the blowup factor (1..=4).
    #[arg(long = "log-blowup", default_value_t = 1, value_parser = clap::value_parser!(u32).range(0..=4))]
    log_blowup: u32,
}

/// One measured configuration: a JSON line of `--json`.
#[derive(Debug, Serialize)]
struct Record {
    op: &'static str,
    backend: String,
    device: String,
    log_n: u32,
    batch: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_blowup: Option<u32>,
    /// Median time of the operation alone (device time on GPUs).
    median_ms: f64,
    /// Output elements per second, from `median_ms`.
    elements_per_sec: f64,
    /// Bytes read and written by an ideal single pass (input once, output once) per second.
    effective_gbps: f64,
    /// Median including the host-to-device upload and device-to-host download (GPUs).
    #[serde(skip_serializing_if = "Option::is_none")]
    median_ms_with_transfers: Option<f64>,
    /// `effective_gbps` over the device's measured copy bandwidth (GPUs).
    #[serde(skip_serializing_if = "Option::is_none")]
    copy_bandwidth_ratio: Option<f64>,
    samples: usize,
}

impl Row for Record {
    fn header() -> String {
        format!(
            "{:<4} {:<8} {:>6} {:>6} {:>5} {:>12} {:>14} {:>9} {:>14} {:>7}",
            "op",
            "backend",
            "log_n",
            "batch",
            "blow",
            "median ms",
            "elem/s",
            "GB/s",
            "ms w/ xfer",
            "÷copy"
        )
    }

    fn row(&self) -> String {
        format!(
            "{:<4} {:<8} {:>6} {:>6} {:>5} {:>12.3} {:>14.3e} {:>9.1} {:>14} {:>7}",
            self.op,
            self.backend,
            self.log_n,
            self.batch,
            self.log_blowup
                .map(|b| b.to_string())
                .unwrap_or_else(|| "-".into()),
            self.median_ms,
            self.elements_per_sec,
            self.effective_gbps,
            or_dash(self.median_ms_with_transfers, 3),
            or_dash(self.copy_bandwidth_ratio, 2),
        )
    }
}

/// One size: the NTT (`log_blowup` none) or the LDE of `host`.
struct Transform<'a> {
    log_n: u32,
    batch: usize,
    log_blowup: Option<u32>,
    samples: usize,
    host: &'a [BabyBear],
    /// The GPU's device-to-device copy bandwidth.
    copy_gbps: Option<f64>,
}

impl Transform<'_> {
    fn in_len(&self) -> usize {
        self.batch << self.log_n
    }

    fn out_len(&self) -> usize {
        self.in_len() << self.log_blowup.unwrap_or(0)
    }

    /// The operation on a resident buffer. The NTT is in place: each sample transforms
    /// the previous sample's output, still valid field elements, so timings are
    /// unaffected. The LDE returns a new buffer.
    fn apply<B: NttOps>(
        &self,
        b: &B,
        buf: &mut B::Buffer<BabyBear>,
    ) -> kiln::Result<Option<B::Buffer<BabyBear>>> {
        match self.log_blowup {
            None => b
                .ntt_batch(buf, self.log_n, false, Order::Natural, Order::BitReversed)
                .map(|()| None),
            Some(k) => b
                .coset_lde_batch(buf, self.log_n, k, BabyBear::GENERATOR, Order::BitReversed)
                .map(Some),
        }
    }
}

impl Measure for Transform<'_> {
    type Record = Record;
    type Output = ();

    fn measure<B: Kernels>(&self, b: &B, gpu: bool) -> Result<(Record, ()), CliError> {
        let mut buf = b.upload(self.host)?;
        let ms = device_ms(b, self.samples, || self.apply(b, &mut buf).map(drop))?;
        let with = with_transfers(gpu, self.samples, || {
            let mut buf = b.upload(self.host)?;
            let out = self.apply(b, &mut buf)?;
            b.download(out.as_ref().unwrap_or(&buf)).map(drop)
        })?;
        let bytes = 4.0 * (self.in_len() + self.out_len()) as f64;
        let effective_gbps = bytes / (ms * 1e-3) / 1e9;
        let copy_gbps = self.copy_gbps.filter(|_| gpu);
        let r = Record {
            op: if self.log_blowup.is_some() {
                "lde"
            } else {
                "ntt"
            },
            backend: b.name(),
            device: b.device_info().name,
            log_n: self.log_n,
            batch: self.batch,
            log_blowup: self.log_blowup,
            median_ms: ms,
            elements_per_sec: self.out_len() as f64 / (ms * 1e-3),
            effective_gbps,
            median_ms_with_transfers: with,
            copy_bandwidth_ratio: copy_gbps.map(|c| effective_gbps / c),
            samples: self.samples,
        };
        Ok((r, ()))
    }
}

pub(super) fn run_ntt(a: Common) -> Result<(), CliError> {
    run(a, None)
}

pub(super) fn run_lde(a: LdeArgs) -> Result<(), CliError> {
    run(a.common, Some(a.log_blowup))
}

fn run(a: Common, log_blowup: Option<u32>) -> Result<(), CliError> {
    let sizes = sizes(a.run.samples, &a.log_n)?;
    let max = kiln::ntt::MAX_LOG_N - log_blowup.unwrap_or(0);
    at_most(&sizes, max, " with this blowup")?;
    let backends = Backends::new(a.run.backend)?;
    let copy_gbps = match &backends.gpu {
        Some(g) => Some(g.copy_bandwidth_gbps(1 << 30, 10)?),
        None => None,
    };
    if let (Some(c), false) = (copy_gbps, a.run.json) {
        println!("device-to-device copy bandwidth: {c:.0} GB/s (read + write)");
    }
    let out = Table::new(a.run.json);
    let mut rng = ChaCha20Rng::seed_from_u64(0x6b696c6e);
    for &log_n in &sizes {
        let host: Vec<BabyBear> = (0..a.batch << log_n).map(|_| rng.random()).collect();
        let t = Transform {
            log_n,
            batch: a.batch,
            log_blowup,
            samples: a.run.samples,
            host: &host,
            copy_gbps,
        };
        backends.run(&t, &out)?;
    }
    Ok(())
}
