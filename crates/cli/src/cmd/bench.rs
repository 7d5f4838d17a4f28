//! `kiln bench`: median times of kernel operations on each backend, as a table or as JSON
//! lines. GPU figures come twice: device time of the operation alone (CUDA events), and
//! wall time including the upload of the input and the download of the output.
//! `msm` and `scalar-ntt` (pairing curves) live in [`curve`], `poseidon2` and `merkle` in
//! [`merkle`].

mod curve;
mod merkle;

use kiln::field::{BabyBear, TwoAdicField};
use kiln::{CpuBackend, CudaBackend, NttOps, Order};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::Serialize;

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    op: Op,
}

#[derive(Debug, clap::Subcommand)]
enum Op {
    /// Batched forward NTT, natural to bit-reversed order, in place.
    Ntt(Common),
    /// Batched coset LDE, natural-order evaluations to bit-reversed evaluations.
    Lde(LdeArgs),
    /// STARK proving of an example AIR (CPU): prove and verify times, proof size.
    Prove(ProveBenchArgs),
    /// G1 multi-scalar multiplication (BN254 or BLS12-381), bases resident on the device.
    Msm(curve::CurveArgs),
    /// Forward NTT over the scalar field of BN254 or BLS12-381, natural order.
    ScalarNtt(curve::CurveArgs),
    /// Batched Poseidon2 permutations (width 16 or 24), in place.
    Poseidon2(merkle::Poseidon2Args),
    /// Merkle commitment of column-major matrices (digest layers kept on the backend),
    /// and openings.
    Merkle(merkle::MerkleArgs),
}

#[derive(Debug, Clone, clap::Args)]
struct ProveBenchArgs {
    #[arg(long, value_enum, default_value = "fibonacci")]
    air: super::airs::AirName,
    /// log2 of the trace rows; repeat or give a range.
    #[arg(long = "log-n", value_parser = parse_range, default_value = "16")]
    log_n: Vec<Vec<u32>>,
    #[arg(long, default_value = "standard")]
    preset: String,
    #[arg(long, default_value_t = 3)]
    samples: usize,
    /// Where the prover runs.
    #[arg(long, value_enum, default_value = "cpu")]
    backend: super::airs::ProverChoice,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Serialize)]
struct ProveRecord {
    op: &'static str,
    backend: super::airs::ProverChoice,
    air: String,
    preset: String,
    log_n: u32,
    /// Median proving time (trace generation excluded).
    prove_ms: f64,
    verify_ms: f64,
    proof_bytes: usize,
    /// Rows (or permutations, for the Poseidon2 AIR) proven per second.
    items_per_sec: f64,
    conjectured_security_bits: f64,
    conservative_security_bits: f64,
    samples: usize,
}

fn bench_prove(a: ProveBenchArgs) -> Result<(), CliError> {
    if a.samples == 0 {
        return Err("--samples must be at least 1".into());
    }
    let config = kiln_stark::StarkConfig::preset(&a.preset)
        .ok_or_else(|| format!("unknown preset {:?}", a.preset))?;
    if !a.json {
        println!(
            "{:<10} {:>6} {:>12} {:>10} {:>12} {:>14}",
            "air", "log_n", "prove ms", "verify ms", "proof bytes", "items/s"
        );
    }
    for &log_n in a.log_n.iter().flatten() {
        let ex = super::airs::ExampleAir::new(a.air, log_n)?;
        let (trace, pis) = ex.generate(1)?;
        let (mut pt, mut vt) = (Vec::new(), Vec::new());
        let mut size = 0;
        for _ in 0..a.samples {
            let t = std::time::Instant::now();
            let proof = ex.prove(a.backend, &config, &trace, &pis)?;
            pt.push(t.elapsed().as_secs_f64() * 1e3);
            let t = std::time::Instant::now();
            ex.verify(&config, &proof, &pis)?;
            vt.push(t.elapsed().as_secs_f64() * 1e3);
            size = proof.size_bytes();
        }
        let sec = config.security();
        let r = ProveRecord {
            backend: a.backend,
            op: "prove",
            air: ex.describe(),
            preset: a.preset.clone(),
            log_n,
            prove_ms: median(pt),
            verify_ms: median(vt),
            proof_bytes: size,
            items_per_sec: 0.0,
            conjectured_security_bits: sec.conjectured_bits,
            conservative_security_bits: sec.conservative_bits,
            samples: a.samples,
        };
        let r = ProveRecord {
            items_per_sec: ex.items() as f64 / (r.prove_ms * 1e-3),
            ..r
        };
        if a.json {
            println!("{}", serde_json::to_string(&r)?);
        } else {
            println!(
                "{:<10} {:>6} {:>12.1} {:>10.1} {:>12} {:>14.0}",
                r.air, r.log_n, r.prove_ms, r.verify_ms, r.proof_bytes, r.items_per_sec
            );
        }
    }
    Ok(())
}

#[derive(Debug, Clone, clap::Args)]
struct Common {
    /// log2 of the column length; repeat or give a range (16..=22) to sweep.
    #[arg(long = "log-n", value_parser = parse_range, default_value = "16")]
    log_n: Vec<Vec<u32>>,
    /// Number of columns.
    #[arg(long, default_value_t = 8)]
    batch: usize,
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
struct LdeArgs {
    #[command(flatten)]
    common: Common,
    /// log2 of the blowup factor (1..=4).
    #[arg(long = "log-blowup", default_value_t = 1, value_parser = clap::value_parser!(u32).range(0..=4))]
    log_blowup: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum BackendChoice {
    Cpu,
    Cuda,
    All,
}

/// `20`, or a range `16..=22` / `16..22`.
fn parse_range(s: &str) -> Result<Vec<u32>, String> {
    let bad = || format!("expected a number or a range like 16..=22, got {s:?}");
    if let Some((a, b)) = s.split_once("..") {
        let (b, inclusive) = match b.strip_prefix('=') {
            Some(b) => (b, true),
            None => (b, false),
        };
        let a: u32 = a.trim().parse().map_err(|_| bad())?;
        let b: u32 = b.trim().parse().map_err(|_| bad())?;
        let end = if inclusive { b + 1 } else { b };
        if a >= end {
            return Err(bad());
        }
        Ok((a..end).collect())
    } else {
        s.trim().parse().map(|v| vec![v]).map_err(|_| bad())
    }
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

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

struct Config {
    op: &'static str,
    log_n: u32,
    batch: usize,
    log_blowup: Option<u32>,
    samples: usize,
}

impl Config {
    fn in_len(&self) -> usize {
        self.batch << self.log_n
    }
    fn out_len(&self) -> usize {
        self.in_len() << self.log_blowup.unwrap_or(0)
    }
}

fn run_op<B: NttOps>(
    b: &B,
    cfg: &Config,
    input: &B::Buffer<BabyBear>,
) -> kiln::Result<Option<B::Buffer<BabyBear>>> {
    match cfg.log_blowup {
        None => {
            // The NTT is in place: the buffer holds the previous sample's output, still
            // valid field elements, so timings are unaffected.
            unreachable!("NTT runs through run_ntt")
        }
        Some(k) => b
            .coset_lde_batch(input, cfg.log_n, k, BabyBear::GENERATOR, Order::BitReversed)
            .map(Some),
    }
}

fn measure<B: NttOps>(
    b: &B,
    cfg: &Config,
    host: &[BabyBear],
    with_transfers: bool,
) -> Result<(f64, Option<f64>), CliError> {
    let mut buf = b.upload(host)?;
    let op = |buf: &mut B::Buffer<BabyBear>| -> kiln::Result<()> {
        match cfg.log_blowup {
            None => b.ntt_batch(buf, cfg.log_n, false, Order::Natural, Order::BitReversed),
            Some(_) => run_op(b, cfg, buf).map(drop),
        }
    };
    op(&mut buf)?; // warm-up: twiddle upload, module load, allocator pools
    let mut times = Vec::with_capacity(cfg.samples);
    for _ in 0..cfg.samples {
        times.push(b.time_ms(&mut || op(&mut buf))?);
    }
    let with = if with_transfers {
        let mut t = Vec::with_capacity(cfg.samples);
        for _ in 0..cfg.samples {
            let start = std::time::Instant::now();
            let mut buf = b.upload(host)?;
            let out = match cfg.log_blowup {
                None => {
                    b.ntt_batch(
                        &mut buf,
                        cfg.log_n,
                        false,
                        Order::Natural,
                        Order::BitReversed,
                    )?;
                    b.download(&buf)?
                }
                Some(_) => b.download(&run_op(b, cfg, &buf)?.expect("LDE output"))?,
            };
            t.push(start.elapsed().as_secs_f64() * 1e3);
            drop(out);
        }
        Some(median(t))
    } else {
        None
    };
    Ok((median(times), with))
}

fn record<B: NttOps>(
    b: &B,
    cfg: &Config,
    host: &[BabyBear],
    copy_gbps: Option<f64>,
) -> Result<Record, CliError> {
    let is_gpu = copy_gbps.is_some();
    let (ms, with) = measure(b, cfg, host, is_gpu)?;
    let bytes = 4.0 * (cfg.in_len() + cfg.out_len()) as f64;
    let effective_gbps = bytes / (ms * 1e-3) / 1e9;
    Ok(Record {
        op: cfg.op,
        backend: b.name(),
        device: b.device_info().name,
        log_n: cfg.log_n,
        batch: cfg.batch,
        log_blowup: cfg.log_blowup,
        median_ms: ms,
        elements_per_sec: cfg.out_len() as f64 / (ms * 1e-3),
        effective_gbps,
        median_ms_with_transfers: with,
        copy_bandwidth_ratio: copy_gbps.map(|c| effective_gbps / c),
        samples: cfg.samples,
    })
}

fn print_header() {
    println!(
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
    );
}

fn print_row(r: &Record) {
    let opt =
        |v: Option<f64>, p: usize| v.map(|x| format!("{x:.p$}")).unwrap_or_else(|| "-".into());
    println!(
        "{:<4} {:<8} {:>6} {:>6} {:>5} {:>12.3} {:>14.3e} {:>9.1} {:>14} {:>7}",
        r.op,
        r.backend,
        r.log_n,
        r.batch,
        r.log_blowup
            .map(|b| b.to_string())
            .unwrap_or_else(|| "-".into()),
        r.median_ms,
        r.elements_per_sec,
        r.effective_gbps,
        opt(r.median_ms_with_transfers, 3),
        opt(r.copy_bandwidth_ratio, 2),
    );
}

pub fn run(args: Args) -> Result<(), CliError> {
    let (op, common, log_blowup) = match args.op {
        Op::Ntt(c) => ("ntt", c, None),
        Op::Lde(l) => ("lde", l.common, Some(l.log_blowup)),
        Op::Prove(p) => return bench_prove(p),
        Op::Msm(c) => return curve::run_msm(c),
        Op::ScalarNtt(c) => return curve::run_scalar_ntt(c),
        Op::Poseidon2(a) => return merkle::run_poseidon2(a),
        Op::Merkle(a) => return merkle::run_merkle(a),
    };
    if common.samples == 0 {
        return Err("--samples must be at least 1".into());
    }
    let sizes: Vec<u32> = common.log_n.iter().flatten().copied().collect();
    let max = kiln::ntt::MAX_LOG_N - log_blowup.unwrap_or(0);
    if let Some(&bad) = sizes.iter().find(|&&s| s > max) {
        return Err(format!("--log-n {bad} is too large: at most {max} with this blowup").into());
    }
    let cpu =
        matches!(common.backend, BackendChoice::Cpu | BackendChoice::All).then(CpuBackend::new);
    let gpu = match common.backend {
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
    let copy_gbps = match &gpu {
        Some(g) => Some(g.copy_bandwidth_gbps(1 << 30, 10)?),
        None => None,
    };
    if let (Some(c), false) = (copy_gbps, common.json) {
        println!("device-to-device copy bandwidth: {c:.0} GB/s (read + write)");
    }
    if !common.json {
        print_header();
    }
    let mut rng = ChaCha20Rng::seed_from_u64(0x6b696c6e);
    for &log_n in &sizes {
        let cfg = Config {
            op,
            log_n,
            batch: common.batch,
            log_blowup,
            samples: common.samples,
        };
        let host: Vec<BabyBear> = (0..cfg.in_len()).map(|_| rng.random()).collect();
        let mut records = Vec::new();
        if let Some(c) = &cpu {
            records.push(record(c, &cfg, &host, None)?);
        }
        if let Some(g) = &gpu {
            records.push(record(g, &cfg, &host, copy_gbps)?);
        }
        for r in &records {
            if common.json {
                println!("{}", serde_json::to_string(r)?);
            } else {
                print_row(r);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("20").unwrap(), vec![20]);
        assert_eq!(parse_range("16..=18").unwrap(), vec![16, 17, 18]);
        assert_eq!(parse_range("16..18").unwrap(), vec![16, 17]);
        assert!(parse_range("18..16").is_err());
        assert!(parse_range("x").is_err());
    }
}
