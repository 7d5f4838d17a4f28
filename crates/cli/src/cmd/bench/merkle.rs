//! `kiln bench poseidon2` and `kiln bench merkle`: batched Poseidon2 permutations and
//! Merkle commitments of column-major matrices, on the CPU backend and the CUDA backend.
//!
//! `median_ms` is the operation on data already held by the backend (CUDA events on the
//! GPU; a commitment includes the 8-word root download). `median_ms_with_transfers` (GPU)
//! adds the upload of the input and, for permutations, the download of the states; a
//! commitment's digest layers stay on the device, as in the prover. When both backends
//! run, the GPU's root and permuted states are checked against the CPU's.
//!
//! GPU records name the kernel variant, `rounds`: `rolled` (the default) or `unrolled`
//! (`KILN_POSEIDON2_UNROLL=1` in the environment; see kernels/merkle/NOTES.md).

use kiln::field::BabyBear;
use kiln::merkle::{Digest, MatrixRef};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::Serialize;

use super::CliError;
use super::harness::{
    Backends, Kernels, Measure, Row, RunArgs, Table, at_most, device_ms, or_dash, parse_range,
    sizes, time_samples, wall_ms, with_transfers,
};

#[derive(Debug, Clone, clap::Args)]
pub(super) struct Poseidon2Args {
    /// State width: 16 or 24.
    #[arg(long, default_value_t = 16)]
    width: usize,
    /// log2 of the number of states; repeat or give a range (16..=22) to sweep.
    #[arg(long = "log-n", value_parser = parse_range, default_value = "20")]
    log_n: Vec<Vec<u32>>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Clone, clap::Args)]
pub(super) struct MerkleArgs {
    /// log2 of the rows of the tallest matrix; repeat or give a range (16..=22) to sweep.
    #[arg(long = "log-n", value_parser = parse_range, default_value = "20")]
    log_n: Vec<Vec<u32>>,
    /// Columns of the tallest matrix.
    #[arg(long, default_value_t = 8)]
    batch: usize,
    /// Columns of a second matrix of a quarter of the height (mixed heights), 0 for none.
    #[arg(long = "short-batch", default_value_t = 0)]
    short_batch: usize,
    /// Queries opened per timed opening.
    #[arg(long, default_value_t = 64)]
    queries: usize,
    #[command(flatten)]
    run: RunArgs,
}

/// One measured permutation configuration: a JSON line of `--json`.
#[derive(Debug, Serialize)]
struct PermRecord {
    op: &'static str,
    backend: String,
    device: String,
    /// The GPU kernels' round loops: `rolled` or `unrolled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    rounds: Option<&'static str>,
    width: usize,
    /// log2 of the number of states.
    log_n: u32,
    /// Median time of the permutations alone (device time on GPUs).
    median_ms: f64,
    perms_per_sec: f64,
    /// Median including the upload and download of the states (GPUs).
    #[serde(skip_serializing_if = "Option::is_none")]
    median_ms_with_transfers: Option<f64>,
    samples: usize,
}

/// One measured commitment configuration: a JSON line of `--json`.
#[derive(Debug, Serialize)]
struct MerkleRecord {
    op: &'static str,
    backend: String,
    device: String,
    /// The GPU kernels' round loops: `rolled` or `unrolled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    rounds: Option<&'static str>,
    /// log2 of the tallest height.
    log_n: u32,
    batch: usize,
    short_batch: usize,
    /// Median time of the commitment of resident matrices (device time on GPUs).
    median_ms: f64,
    /// Matrix elements committed per second.
    elements_per_sec: f64,
    /// Width-16 permutations per second (leaf sponges, compressions, injections).
    perms_per_sec: f64,
    /// Median including the upload of the matrices (GPUs).
    #[serde(skip_serializing_if = "Option::is_none")]
    median_ms_with_transfers: Option<f64>,
    queries: usize,
    /// Median time of opening `queries` indices, downloaded.
    open_ms: f64,
    samples: usize,
}

/// The permutation variant the CUDA launchers use (they read the same variable).
fn rounds_variant() -> &'static str {
    if std::env::var("KILN_POSEIDON2_UNROLL").is_ok_and(|v| v == "1") {
        "unrolled"
    } else {
        "rolled"
    }
}

fn random(rng: &mut ChaCha20Rng, len: usize) -> Vec<BabyBear> {
    (0..len).map(|_| rng.random()).collect()
}

impl Row for PermRecord {
    fn header() -> String {
        format!(
            "{:<9} {:<8} {:>5} {:>6} {:>12} {:>14} {:>14}",
            "op", "backend", "width", "log_n", "median ms", "perms/s", "ms w/ xfer"
        )
    }

    fn row(&self) -> String {
        format!(
            "{:<9} {:<8} {:>5} {:>6} {:>12.3} {:>14.3e} {:>14}",
            self.op,
            self.backend,
            self.width,
            self.log_n,
            self.median_ms,
            self.perms_per_sec,
            or_dash(self.median_ms_with_transfers, 3),
        )
    }
}

impl Row for MerkleRecord {
    fn header() -> String {
        format!(
            "{:<6} {:<8} {:>6} {:>6} {:>6} {:>12} {:>14} {:>14} {:>12} {:>10}",
            "op",
            "backend",
            "log_n",
            "batch",
            "short",
            "median ms",
            "elem/s",
            "perms/s",
            "ms w/ xfer",
            "open ms"
        )
    }

    fn row(&self) -> String {
        format!(
            "{:<6} {:<8} {:>6} {:>6} {:>6} {:>12.3} {:>14.3e} {:>14.3e} {:>12} {:>10.3}",
            self.op,
            self.backend,
            self.log_n,
            self.batch,
            self.short_batch,
            self.median_ms,
            self.elements_per_sec,
            self.perms_per_sec,
            or_dash(self.median_ms_with_transfers, 3),
            self.open_ms,
        )
    }
}

/// One permutation size: `host` holds the states.
struct Permute<'a> {
    width: usize,
    log_n: u32,
    samples: usize,
    host: &'a [BabyBear],
}

impl Measure for Permute<'_> {
    type Record = PermRecord;
    /// The states permuted once.
    type Output = Vec<BabyBear>;

    fn measure<B: Kernels>(
        &self,
        b: &B,
        gpu: bool,
    ) -> Result<(PermRecord, Vec<BabyBear>), CliError> {
        let (width, samples) = (self.width, self.samples);
        let mut buf = b.upload(self.host)?;
        b.poseidon2_permute(&mut buf, width)?;
        let once = b.download(&buf)?;
        // In place: each sample permutes the previous output.
        let ms = device_ms(b, samples, || b.poseidon2_permute(&mut buf, width))?;
        let with = with_transfers(gpu, samples, || {
            let mut s = b.upload(self.host)?;
            b.poseidon2_permute(&mut s, width)?;
            b.download(&s).map(drop)
        })?;
        let r = PermRecord {
            op: "poseidon2",
            backend: b.name(),
            device: b.device_info().name,
            rounds: gpu.then(rounds_variant),
            width,
            log_n: self.log_n,
            median_ms: ms,
            perms_per_sec: (1u64 << self.log_n) as f64 / (ms * 1e-3),
            median_ms_with_transfers: with,
            samples,
        };
        Ok((r, once))
    }

    fn mismatch(&self) -> String {
        let log_n = self.log_n;
        format!("GPU and CPU permutations of 2^{log_n} states differ")
    }
}

pub(super) fn run_poseidon2(a: Poseidon2Args) -> Result<(), CliError> {
    let sizes = sizes(a.run.samples, &a.log_n)?;
    if a.width != 16 && a.width != 24 {
        return Err(format!("--width {}: only 16 and 24 are supported", a.width).into());
    }
    at_most(&sizes, 28, "")?;
    let backends = Backends::new(a.run.backend)?;
    let out = Table::new(a.run.json);
    let mut rng = ChaCha20Rng::seed_from_u64(0x7032);
    for &log_n in &sizes {
        let host = random(&mut rng, a.width << log_n);
        let p = Permute {
            width: a.width,
            log_n,
            samples: a.run.samples,
            host: &host,
        };
        backends.run(&p, &out)?;
    }
    Ok(())
}

/// The matrices of one configuration: `(width, height)` and contents, tallest first.
struct Shapes {
    mats: Vec<(usize, usize, Vec<BabyBear>)>,
}

impl Shapes {
    fn elements(&self) -> usize {
        self.mats.iter().map(|m| m.2.len()).sum()
    }

    /// Width-16 permutations of the commitment: a sponge call per 8 elements of each row
    /// (an empty row none), a compression per inner node, one more per injected row.
    fn perms(&self) -> u64 {
        let log_max = self.mats[0].1.trailing_zeros();
        let mut heights: Vec<usize> = self.mats.iter().map(|m| m.1).collect();
        heights.dedup();
        let mut n = (1u64 << log_max) - 1;
        for &h in &heights {
            let width: usize = self.mats.iter().filter(|m| m.1 == h).map(|m| m.0).sum();
            n += h as u64 * width.div_ceil(8) as u64;
            if h != self.mats[0].1 {
                n += h as u64;
            }
        }
        n
    }

    /// The matrices on `b`.
    fn upload<B: Kernels>(&self, b: &B) -> kiln::Result<Vec<B::Buffer<BabyBear>>> {
        self.mats.iter().map(|m| b.upload(&m.2)).collect()
    }

    /// Views of `bufs`, uploaded by [`Self::upload`].
    fn refs<'b, B: Kernels>(&self, bufs: &'b [B::Buffer<BabyBear>]) -> Vec<MatrixRef<'b, B>> {
        bufs.iter()
            .zip(&self.mats)
            .map(|(buf, m)| MatrixRef::new(buf, m.0, m.1))
            .collect()
    }
}

/// One commitment configuration.
struct Commit<'a> {
    log_n: u32,
    args: &'a MerkleArgs,
    shapes: Shapes,
}

impl Measure for Commit<'_> {
    type Record = MerkleRecord;
    /// The root.
    type Output = Digest;

    fn measure<B: Kernels>(&self, b: &B, gpu: bool) -> Result<(MerkleRecord, Digest), CliError> {
        let (a, shapes) = (self.args, &self.shapes);
        let samples = a.run.samples;
        let bufs = shapes.upload(b)?;
        let refs = shapes.refs::<B>(&bufs);
        let tree = b.merkle_commit(&refs)?;
        let ms = device_ms(b, samples, || b.merkle_commit(&refs).map(drop))?;
        let with = with_transfers(gpu, samples, || {
            let bufs = shapes.upload(b)?;
            b.merkle_commit(&shapes.refs::<B>(&bufs)).map(drop)
        })?;
        let height = 1usize << self.log_n;
        let indices: Vec<usize> = (0..a.queries)
            .map(|i| (i.wrapping_mul(0x9e37_79b9) ^ (i >> 3)) % height)
            .collect();
        let open_ms = time_samples(samples, || {
            wall_ms(|| b.merkle_open(&tree, &refs, &indices).map(drop))
        })?;
        let r = MerkleRecord {
            op: "merkle",
            backend: b.name(),
            device: b.device_info().name,
            rounds: gpu.then(rounds_variant),
            log_n: self.log_n,
            batch: a.batch,
            short_batch: a.short_batch,
            median_ms: ms,
            elements_per_sec: shapes.elements() as f64 / (ms * 1e-3),
            perms_per_sec: shapes.perms() as f64 / (ms * 1e-3),
            median_ms_with_transfers: with,
            queries: a.queries,
            open_ms,
            samples,
        };
        Ok((r, tree.root()))
    }

    fn mismatch(&self) -> String {
        let log_n = self.log_n;
        format!("GPU and CPU Merkle roots of 2^{log_n} rows differ")
    }
}

pub(super) fn run_merkle(a: MerkleArgs) -> Result<(), CliError> {
    let sizes = sizes(a.run.samples, &a.log_n)?;
    at_most(&sizes, kiln::merkle::MAX_LOG_HEIGHT as u32, "")?;
    if a.short_batch > 0 && sizes.iter().any(|&s| s < 2) {
        return Err("--short-batch needs --log-n of at least 2".into());
    }
    let backends = Backends::new(a.run.backend)?;
    let out = Table::new(a.run.json);
    let mut rng = ChaCha20Rng::seed_from_u64(0x6d6b);
    for &log_n in &sizes {
        let height = 1usize << log_n;
        let mut mats = vec![(a.batch, height, random(&mut rng, a.batch * height))];
        if a.short_batch > 0 {
            let h = height / 4;
            mats.push((a.short_batch, h, random(&mut rng, a.short_batch * h)));
        }
        let c = Commit {
            log_n,
            args: &a,
            shapes: Shapes { mats },
        };
        backends.run(&c, &out)?;
    }
    Ok(())
}
