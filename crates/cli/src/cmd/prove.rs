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

/// v3: proof format 4 inside (shared query openings).
const MAGIC: &str = "kiln-proof-file-v3";

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

/// A proof file's contents: the magic first (another version's file is named as such),
/// then the whole file, with nothing after it.
fn read_proof_file(bytes: &[u8]) -> Result<ProofFile, String> {
    let magic = postcard::take_from_bytes::<String>(bytes)
        .map(|(m, _)| m)
        .unwrap_or_default();
    if magic != MAGIC {
        return Err(if magic.starts_with("kiln-proof-file-") {
            format!("written by another version of kiln ({magic}; this one reads {MAGIC})")
        } else {
            "not a kiln proof file (bad magic)".into()
        });
    }
    let (file, rest) = postcard::take_from_bytes::<ProofFile>(bytes)
        .map_err(|e| format!("a corrupt kiln proof file: {e}"))?;
    if !rest.is_empty() {
        return Err(format!(
            "a corrupt kiln proof file: {} bytes after the proof",
            rest.len()
        ));
    }
    Ok(file)
}

pub fn verify(args: VerifyArgs) -> Result<(), CliError> {
    let config = preset(&args.preset)?;
    let bytes =
        std::fs::read(&args.file).map_err(|e| format!("reading {}: {e}", args.file.display()))?;
    let file = read_proof_file(&bytes).map_err(|e| format!("{}: {e}", args.file.display()))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::airs::AirName;

    #[test]
    fn proof_files_are_read_whole_and_checked() {
        let air = ExampleAir::new(AirName::Fibonacci, 3).unwrap();
        let config = StarkConfig::TEST;
        let witness = air.generate(1).unwrap();
        let proof = air
            .prove(super::super::airs::ProverChoice::Cpu, &config, &witness)
            .unwrap();
        let file = ProofFile {
            magic: MAGIC.into(),
            air,
            public_values: witness.public_values.clone(),
            proof,
        };
        let bytes = postcard::to_allocvec(&file).unwrap();
        let read = read_proof_file(&bytes).unwrap();
        air.verify(&config, &read.proof, &read.public_values)
            .unwrap();

        let mut longer = bytes.clone();
        longer.push(0);
        assert!(
            read_proof_file(&longer)
                .unwrap_err()
                .contains("1 bytes after")
        );
        assert!(
            read_proof_file(&bytes[..bytes.len() - 1])
                .unwrap_err()
                .contains("corrupt")
        );
        let old = postcard::to_allocvec(&ProofFile {
            magic: "kiln-proof-file-v2".into(),
            ..file
        })
        .unwrap();
        assert!(
            read_proof_file(&old)
                .unwrap_err()
                .contains("another version")
        );
        assert!(read_proof_file(b"hello").unwrap_err().contains("bad magic"));
        assert!(read_proof_file(&[]).unwrap_err().contains("bad magic"));
    }
}
