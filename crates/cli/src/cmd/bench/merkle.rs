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
use kiln::merkle::{MatrixRef, MerkleOps};
use kiln::{CpuBackend, CudaBackend};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::Serialize;

use super::{BackendChoice, CliError, median, parse_range};

#[derive(Debug, Clone, clap::Args)]
pub(super) struct Poseidon2Args {
    /// State width: 16 or 24.
    #[arg(long, default_value_t = 16)]
    width: usize,
    /// log2 of the number of states; repeat or give a range (16..=22) to sweep.
    #[arg(long = "log-n", value_parser = parse_range, default_value = "20")]
    log_n: Vec<Vec<u32>>,
    /// Backends to run: cpu, cuda or all.
    #[arg(long, default_value = "all")]
    backend: BackendChoice,
    /// Timed repetitions per configuration (the median is reported).
    #[arg(long, default_value_t = 10)]
    samples: usize,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
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
    /// Backends to run: cpu, cuda or all.
    #[arg(long, default_value = "all")]
    backend: BackendChoice,
    /// Timed repetitions per configuration (the median is reported).
    #[arg(long, default_value_t = 10)]
    samples: usize,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
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

/// The permutation variant the CUDA launchers use (they read the same variable).
fn rounds_variant() -> &'static str {
    if std::env::var("KILN_POSEIDON2_UNROLL").is_ok_and(|v| v == "1") {
        "unrolled"
    } else {
        "rolled"
    }
}

fn wall_ms(f: impl FnOnce() -> kiln::Result<()>) -> kiln::Result<f64> {
    let start = std::time::Instant::now();
    f()?;
    Ok(start.elapsed().as_secs_f64() * 1e3)
}

/// The median of `samples` runs of `f`, after one warm-up run.
fn time_samples(samples: usize, mut f: impl FnMut() -> kiln::Result<f64>) -> kiln::Result<f64> {
    f()?;
    let mut t = Vec::with_capacity(samples);
    for _ in 0..samples {
        t.push(f()?);
    }
    Ok(median(t))
}

fn random(rng: &mut ChaCha20Rng, len: usize) -> Vec<BabyBear> {
    (0..len).map(|_| rng.random()).collect()
}

fn perm_record<B: MerkleOps>(
    b: &B,
    width: usize,
    log_n: u32,
    samples: usize,
    host: &[BabyBear],
    gpu: bool,
) -> Result<(PermRecord, Vec<BabyBear>), CliError> {
    let mut buf = b.upload(host)?;
    b.poseidon2_permute(&mut buf, width)?;
    let once = b.download(&buf)?;
    // In place: each sample permutes the previous output.
    let ms = time_samples(samples, || {
        b.time_ms(&mut || b.poseidon2_permute(&mut buf, width))
    })?;
    let with = if gpu {
        Some(time_samples(samples, || {
            wall_ms(|| {
                let mut s = b.upload(host)?;
                b.poseidon2_permute(&mut s, width)?;
                b.download(&s).map(drop)
            })
        })?)
    } else {
        None
    };
    let r = PermRecord {
        op: "poseidon2",
        backend: b.name(),
        device: b.device_info().name,
        rounds: gpu.then(rounds_variant),
        width,
        log_n,
        median_ms: ms,
        perms_per_sec: (1u64 << log_n) as f64 / (ms * 1e-3),
        median_ms_with_transfers: with,
        samples,
    };
    Ok((r, once))
}

pub(super) fn run_poseidon2(a: Poseidon2Args) -> Result<(), CliError> {
    if a.samples == 0 {
        return Err("--samples must be at least 1".into());
    }
    if a.width != 16 && a.width != 24 {
        return Err(format!("--width {}: only 16 and 24 are supported", a.width).into());
    }
    let sizes: Vec<u32> = a.log_n.iter().flatten().copied().collect();
    if let Some(&bad) = sizes.iter().find(|&&s| s > 28) {
        return Err(format!("--log-n {bad} is too large: at most 28").into());
    }
    let (cpu, gpu) = backends(a.backend)?;
    if !a.json {
        println!(
            "{:<9} {:<8} {:>5} {:>6} {:>12} {:>14} {:>14}",
            "op", "backend", "width", "log_n", "median ms", "perms/s", "ms w/ xfer"
        );
    }
    let mut rng = ChaCha20Rng::seed_from_u64(0x7032);
    for &log_n in &sizes {
        let host = random(&mut rng, a.width << log_n);
        let mut records = Vec::new();
        let mut cpu_out = None;
        if let Some(c) = &cpu {
            let (r, out) = perm_record(c, a.width, log_n, a.samples, &host, false)?;
            records.push(r);
            cpu_out = Some(out);
        }
        if let Some(g) = &gpu {
            let (r, out) = perm_record(g, a.width, log_n, a.samples, &host, true)?;
            if cpu_out.is_some_and(|c| c != out) {
                return Err(format!("GPU and CPU permutations of 2^{log_n} states differ").into());
            }
            records.push(r);
        }
        for r in &records {
            if a.json {
                println!("{}", serde_json::to_string(r)?);
            } else {
                println!(
                    "{:<9} {:<8} {:>5} {:>6} {:>12.3} {:>14.3e} {:>14}",
                    r.op,
                    r.backend,
                    r.width,
                    r.log_n,
                    r.median_ms,
                    r.perms_per_sec,
                    r.median_ms_with_transfers
                        .map(|x| format!("{x:.3}"))
                        .unwrap_or_else(|| "-".into()),
                );
            }
        }
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
}

fn merkle_record<B: MerkleOps>(
    b: &B,
    log_n: u32,
    a: &MerkleArgs,
    shapes: &Shapes,
    gpu: bool,
) -> Result<(MerkleRecord, kiln::merkle::Digest), CliError> {
    let bufs = shapes
        .mats
        .iter()
        .map(|m| b.upload(&m.2))
        .collect::<kiln::Result<Vec<_>>>()?;
    let refs: Vec<MatrixRef<'_, B>> = bufs
        .iter()
        .zip(&shapes.mats)
        .map(|(buf, m)| MatrixRef::new(buf, m.0, m.1))
        .collect();
    let tree = b.merkle_commit(&refs)?;
    let ms = time_samples(a.samples, || {
        b.time_ms(&mut || b.merkle_commit(&refs).map(drop))
    })?;
    let with = if gpu {
        Some(time_samples(a.samples, || {
            wall_ms(|| {
                let bufs = shapes
                    .mats
                    .iter()
                    .map(|m| b.upload(&m.2))
                    .collect::<kiln::Result<Vec<_>>>()?;
                let refs: Vec<MatrixRef<'_, B>> = bufs
                    .iter()
                    .zip(&shapes.mats)
                    .map(|(buf, m)| MatrixRef::new(buf, m.0, m.1))
                    .collect();
                b.merkle_commit(&refs).map(drop)
            })
        })?)
    } else {
        None
    };
    let height = 1usize << log_n;
    let indices: Vec<usize> = (0..a.queries)
        .map(|i| (i.wrapping_mul(0x9e37_79b9) ^ (i >> 3)) % height)
        .collect();
    let open_ms = time_samples(a.samples, || {
        wall_ms(|| b.merkle_open(&tree, &refs, &indices).map(drop))
    })?;
    let r = MerkleRecord {
        op: "merkle",
        backend: b.name(),
        device: b.device_info().name,
        rounds: gpu.then(rounds_variant),
        log_n,
        batch: a.batch,
        short_batch: a.short_batch,
        median_ms: ms,
        elements_per_sec: shapes.elements() as f64 / (ms * 1e-3),
        perms_per_sec: shapes.perms() as f64 / (ms * 1e-3),
        median_ms_with_transfers: with,
        queries: a.queries,
        open_ms,
        samples: a.samples,
    };
    Ok((r, tree.root()))
}

pub(super) fn run_merkle(a: MerkleArgs) -> Result<(), CliError> {
    if a.samples == 0 {
        return Err("--samples must be at least 1".into());
    }
    let sizes: Vec<u32> = a.log_n.iter().flatten().copied().collect();
    let max = kiln::merkle::MAX_LOG_HEIGHT as u32;
    if let Some(&bad) = sizes.iter().find(|&&s| s > max) {
        return Err(format!("--log-n {bad} is too large: at most {max}").into());
    }
    if a.short_batch > 0 && sizes.iter().any(|&s| s < 2) {
        return Err("--short-batch needs --log-n of at least 2".into());
    }
    let (cpu, gpu) = backends(a.backend)?;
    if !a.json {
        println!(
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
        );
    }
    let mut rng = ChaCha20Rng::seed_from_u64(0x6d6b);
    for &log_n in &sizes {
        let height = 1usize << log_n;
        let mut mats = vec![(a.batch, height, random(&mut rng, a.batch * height))];
        if a.short_batch > 0 {
            let h = height / 4;
            mats.push((a.short_batch, h, random(&mut rng, a.short_batch * h)));
        }
        let shapes = Shapes { mats };
        let mut records = Vec::new();
        let mut cpu_root = None;
        if let Some(c) = &cpu {
            let (r, root) = merkle_record(c, log_n, &a, &shapes, false)?;
            records.push(r);
            cpu_root = Some(root);
        }
        if let Some(g) = &gpu {
            let (r, root) = merkle_record(g, log_n, &a, &shapes, true)?;
            if cpu_root.is_some_and(|c| c != root) {
                return Err(format!("GPU and CPU Merkle roots of 2^{log_n} rows differ").into());
            }
            records.push(r);
        }
        for r in &records {
            if a.json {
                println!("{}", serde_json::to_string(r)?);
            } else {
                println!(
                    "{:<6} {:<8} {:>6} {:>6} {:>6} {:>12.3} {:>14.3e} {:>14.3e} {:>12} {:>10.3}",
                    r.op,
                    r.backend,
                    r.log_n,
                    r.batch,
                    r.short_batch,
                    r.median_ms,
                    r.elements_per_sec,
                    r.perms_per_sec,
                    r.median_ms_with_transfers
                        .map(|x| format!("{x:.3}"))
                        .unwrap_or_else(|| "-".into()),
                    r.open_ms,
                );
            }
        }
    }
    Ok(())
}
