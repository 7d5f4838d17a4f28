//! `kiln prove` and `kiln verify`: proofs of the example AIRs, in files.
//!
//! A proof file is a postcard-encoded [`ProofFile`]: a magic tag, the AIR's name, its
//! parameters, the public values and the proof. The verifier takes its configuration
//! from the command line (a preset name), never from the file.

use std::path::PathBuf;
use std::time::Instant;

use kiln_field::BabyBear;
use kiln_stark::{Proof, StarkConfig};
use serde::{Deserialize, Serialize};

use super::CliError;
use super::airs::ExampleAir;

const MAGIC: &str = "kiln-proof-file-v2";

#[derive(Debug, Serialize, Deserialize)]
struct ProofFile {
    magic: String,
    air: ExampleAir,
    /// One list per table.
    public_values: Vec<Vec<BabyBear>>,
    proof: Proof,
}

#[derive(Debug, clap::Args)]
pub struct ProveArgs {
    /// The AIR to prove.
    #[arg(long, value_enum, default_value = "fibonacci")]
    air: super::airs::AirName,
    /// log2 of the trace rows.
    #[arg(long = "log-n", default_value_t = 16)]
    log_n: u32,
    /// Parameter preset (see `kiln verify --help`).
    #[arg(long, default_value = "standard")]
    preset: String,
    /// Where to write the proof.
    #[arg(long, short)]
    out: PathBuf,
    /// Seed of the example's inputs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where the prover runs (the proof is the same either way).
    #[arg(long, value_enum, default_value = "cpu")]
    backend: super::airs::ProverChoice,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The proof file.
    file: PathBuf,
    /// Parameter preset the proof must use: standard, proven, plonky3-bench, compact,
    /// conservative or test.
    #[arg(long, default_value = "standard")]
    preset: String,
}

fn preset(name: &str) -> Result<StarkConfig, CliError> {
    StarkConfig::preset(name).ok_or_else(|| {
        let names: Vec<&str> = StarkConfig::PRESETS.iter().map(|(n, _)| *n).collect();
        format!("unknown preset {name:?}; presets: {}", names.join(", ")).into()
    })
}

/// The security of one proof, in words.
fn describe(s: &kiln_stark::SecurityReport) -> String {
    format!(
        "{:.1} bits conjectured (random-words conjecture; limited by {}), {:.1} bits provable ({}; limited by {})",
        s.conjectured_bits,
        s.conjectured_limit,
        s.provable_bits,
        s.provable_regime,
        s.provable_limit
    )
}

pub fn prove(args: ProveArgs) -> Result<(), CliError> {
    let config = preset(&args.preset)?;
    let example = ExampleAir::new(args.air, args.log_n)?;
    let start = Instant::now();
    let witness = example.generate(args.seed)?;
    let generated = start.elapsed();
    let proof = example.prove(args.backend, &config, &witness)?;
    let public_values = witness.public_values;
    let proved = start.elapsed() - generated;
    let file = ProofFile {
        magic: MAGIC.into(),
        air: example,
        public_values,
        proof,
    };
    let bytes = postcard::to_allocvec(&file)?;
    std::fs::write(&args.out, &bytes)
        .map_err(|e| format!("writing {}: {e}", args.out.display()))?;
    println!(
        "proved {} with 2^{} rows in {:.3} s (trace {:.3} s); {} bytes written to {}",
        example.describe(),
        args.log_n,
        proved.as_secs_f64(),
        generated.as_secs_f64(),
        bytes.len(),
        args.out.display()
    );
    println!(
        "preset {}: {}",
        args.preset,
        describe(&example.security(&file.proof))
    );
    Ok(())
}

pub fn verify(args: VerifyArgs) -> Result<(), CliError> {
    let config = preset(&args.preset)?;
    let bytes =
        std::fs::read(&args.file).map_err(|e| format!("reading {}: {e}", args.file.display()))?;
    let file: ProofFile = postcard::from_bytes(&bytes)
        .map_err(|e| format!("{} is not a kiln proof file: {e}", args.file.display()))?;
    if file.magic != MAGIC {
        return Err(format!(
            "{} is not a kiln proof file (bad magic)",
            args.file.display()
        )
        .into());
    }
    let start = Instant::now();
    file.air
        .verify(&config, &file.proof, &file.public_values)
        .map_err(|e| format!("proof rejected: {e}"))?;
    println!(
        "valid: {} with 2^{} rows, verified in {:.1} ms; preset {}: {}",
        file.air.describe(),
        file.proof.log_n().unwrap_or(0),
        start.elapsed().as_secs_f64() * 1e3,
        args.preset,
        describe(&file.air.security(&file.proof))
    );
    Ok(())
}
