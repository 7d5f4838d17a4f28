//! `kiln bench prove`: STARK proving of an example AIR, prove and verify times and the
//! proof size. Trace generation is not timed, nor is opening the backend.

use kiln::{CpuBackend, CudaBackend};
use kiln_stark::{ProveError, ProverBackend, StarkConfig};
use serde::Serialize;

use super::super::airs::{AirName, ExampleAir, ProverChoice};
use super::CliError;
use super::harness::{Row, Table, median_of, parse_range, sizes, timed};

#[derive(Debug, Clone, clap::Args)]
pub(super) struct ProveBenchArgs {
    #[arg(long, value_enum, default_value = "fibonacci")]
    air: AirName,
    /// log2 of the trace rows; repeat or give a range.
    #[arg(long = "log-n", value_parser = parse_range, default_value = "16")]
    log_n: Vec<Vec<u32>>,
    #[arg(long, default_value = "standard")]
    preset: String,
    #[arg(long, default_value_t = 3)]
    samples: usize,
    /// Where the prover runs.
    #[arg(long, value_enum, default_value = "cpu")]
    backend: ProverChoice,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Serialize)]
struct ProveRecord {
    op: &'static str,
    backend: ProverChoice,
    /// The device (for the CPU: its model and SIMD level).
    device: String,
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
    provable_security_bits: f64,
    samples: usize,
}

impl Row for ProveRecord {
    fn header() -> String {
        format!(
            "{:<10} {:>6} {:>12} {:>10} {:>12} {:>14}",
            "air", "log_n", "prove ms", "verify ms", "proof bytes", "items/s"
        )
    }

    fn row(&self) -> String {
        format!(
            "{:<10} {:>6} {:>12.1} {:>10.1} {:>12} {:>14.0}",
            self.air,
            self.log_n,
            self.prove_ms,
            self.verify_ms,
            self.proof_bytes,
            self.items_per_sec
        )
    }
}

pub(super) fn run_prove(a: ProveBenchArgs) -> Result<(), CliError> {
    let sizes = sizes(a.samples, &a.log_n)?;
    let config =
        StarkConfig::preset(&a.preset).ok_or_else(|| format!("unknown preset {:?}", a.preset))?;
    let out = Table::new(a.json);
    match a.backend {
        ProverChoice::Cpu => run_on(&CpuBackend::new(), &a, &config, &sizes, &out),
        ProverChoice::Cuda => {
            // Through ProveError, for the same message as a failed `kiln prove`.
            let gpu = CudaBackend::new(0).map_err(ProveError::from)?;
            run_on(&gpu, &a, &config, &sizes, &out)
        }
    }
}

fn run_on<B: ProverBackend>(
    backend: &B,
    a: &ProveBenchArgs,
    config: &StarkConfig,
    sizes: &[u32],
    out: &Table<ProveRecord>,
) -> Result<(), CliError> {
    for &log_n in sizes {
        let ex = ExampleAir::new(a.air, log_n)?;
        let witness = ex.generate(1)?;
        let mut proof = None;
        // No warm-up run: each sample is a whole proof of a generated trace.
        let prove_ms = median_of(a.samples, || {
            let (ms, p) = timed(|| ex.prove_on(backend, config, &witness))?;
            proof = Some(p);
            Ok::<_, CliError>(ms)
        })?;
        let proof = proof.expect("at least one sample");
        let verify_ms = median_of(a.samples, || {
            timed(|| ex.verify(config, &proof, &witness.public_values)).map(|(ms, ())| ms)
        })?;
        let sec = ex.security(&proof);
        out.emit(&ProveRecord {
            op: "prove",
            backend: a.backend,
            device: backend.device_info().name,
            air: ex.describe(),
            preset: a.preset.clone(),
            log_n,
            prove_ms,
            verify_ms,
            proof_bytes: proof.size_bytes(),
            items_per_sec: ex.items() as f64 / (prove_ms * 1e-3),
            conjectured_security_bits: sec.conjectured_bits,
            provable_security_bits: sec.provable_bits,
            samples: a.samples,
        })?;
    }
    Ok(())
}
