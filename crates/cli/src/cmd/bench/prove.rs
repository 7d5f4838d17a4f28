//! `kiln bench prove`: STARK proving of an example AIR, prove and verify times and the
//! proof size. Trace generation is not timed, nor is opening the backend.
//!
//! `--peer plonky3` (merkle-paths on the CPU, in a build with the `plonky3-peer`
//! feature) proves the same workload with Plonky3's `p3-batch-stark` + `p3-lookup`
//! 0.9.0-rc.2 with the same parameters, alternating kiln and Plonky3 sample by sample in
//! this process, and prints one record per (prover, size).

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
    /// Also prove with another project's prover, alternating with kiln (merkle-paths on
    /// the CPU; needs a build with `--features plonky3-peer`).
    #[arg(long, value_enum)]
    peer: Option<Peer>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Peer {
    /// Plonky3's p3-batch-stark + p3-lookup 0.9.0-rc.2.
    Plonky3,
}

#[derive(Debug, Serialize)]
struct ProveRecord {
    op: &'static str,
    /// "kiln", or the peer's name.
    prover: &'static str,
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
    /// kiln's figures for its own proof (none for a peer's).
    conjectured_security_bits: Option<f64>,
    provable_security_bits: Option<f64>,
    samples: usize,
}

impl Row for ProveRecord {
    fn header() -> String {
        format!(
            "{:<8} {:>6} {:>12} {:>10} {:>12} {:>14}  air",
            "prover", "log_n", "prove ms", "verify ms", "proof bytes", "items/s"
        )
    }

    fn row(&self) -> String {
        format!(
            "{:<8} {:>6} {:>12.1} {:>10.1} {:>12} {:>14.0}  {}",
            self.prover,
            self.log_n,
            self.prove_ms,
            self.verify_ms,
            self.proof_bytes,
            self.items_per_sec,
            self.air,
        )
    }
}

pub(super) fn run_prove(a: ProveBenchArgs) -> Result<(), CliError> {
    let sizes = sizes(a.samples, &a.log_n)?;
    let config =
        StarkConfig::preset(&a.preset).ok_or_else(|| format!("unknown preset {:?}", a.preset))?;
    if a.peer.is_some() {
        // Refused before any output.
        check_peer_args(&a, &config)?;
    }
    let out = Table::new(a.json);
    if let Some(peer) = a.peer {
        return run_with_peer(peer, &a, &config, &sizes, &out);
    }
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
            prover: "kiln",
            backend: a.backend,
            device: backend.device_info().name,
            air: ex.describe(),
            preset: a.preset.clone(),
            log_n,
            prove_ms,
            verify_ms,
            proof_bytes: proof.size_bytes(),
            items_per_sec: ex.items() as f64 / (prove_ms * 1e-3),
            conjectured_security_bits: Some(sec.conjectured_bits),
            provable_security_bits: Some(sec.provable_bits),
            samples: a.samples,
        })?;
    }
    Ok(())
}

/// kiln and a peer on the same workload, sample by sample in turn.
#[cfg(feature = "plonky3-peer")]
fn run_with_peer(
    peer: Peer,
    a: &ProveBenchArgs,
    config: &StarkConfig,
    sizes: &[u32],
    out: &Table<ProveRecord>,
) -> Result<(), CliError> {
    use kiln_peer_plonky3 as p3;
    let Peer::Plonky3 = peer;
    let params = p3::PeerParams {
        log_blowup: config.log_blowup.into(),
        num_queries: config.num_queries.into(),
        query_pow_bits: config.query_pow_bits.into(),
        log_final_poly_len: config.log_final_poly_len.into(),
    };
    let backend = CpuBackend::new();
    for &log_n in sizes {
        let ex = ExampleAir::new(a.air, log_n)?;
        let witness = ex.generate(1)?;
        let inst = p3::merkle_paths_instance(log_n, 1, &params);
        let (mut kiln_ms, mut peer_ms) = (Vec::new(), Vec::new());
        let (mut proof, mut peer_proof) = (None, Vec::new());
        for _ in 0..a.samples {
            let (ms, p) = timed(|| ex.prove_on(&backend, config, &witness))?;
            kiln_ms.push(ms);
            proof = Some(p);
            let (ms, p) = timed(|| p3::try_prove(&inst).map_err(CliError::from))?;
            peer_ms.push(ms);
            peer_proof = p;
        }
        let proof = proof.expect("at least one sample");
        let verify_ms = median_of(a.samples, || {
            timed(|| ex.verify(config, &proof, &witness.public_values)).map(|(ms, ())| ms)
        })?;
        let peer_verify_ms = median_of(a.samples, || {
            timed(|| p3::verify(&inst, &peer_proof).map_err(CliError::from)).map(|(ms, ())| ms)
        })?;
        let sec = ex.security(&proof);
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (kiln_ms, peer_ms) = (median(kiln_ms), median(peer_ms));
        let record = |prover, device: String, prove_ms: f64, verify_ms, proof_bytes, secure| {
            let (conj, prov) = match secure {
                Some((c, p)) => (Some(c), Some(p)),
                None => (None, None),
            };
            ProveRecord {
                op: "prove",
                prover,
                backend: ProverChoice::Cpu,
                device,
                air: ex.describe(),
                preset: a.preset.clone(),
                log_n,
                prove_ms,
                verify_ms,
                proof_bytes,
                items_per_sec: ex.items() as f64 / (prove_ms * 1e-3),
                conjectured_security_bits: conj,
                provable_security_bits: prov,
                samples: a.samples,
            }
        };
        let device = kiln::Backend::device_info(&backend).name;
        out.emit(&record(
            "kiln",
            device.clone(),
            kiln_ms,
            verify_ms,
            proof.size_bytes(),
            Some((sec.conjectured_bits, sec.provable_bits)),
        ))?;
        out.emit(&record(
            "plonky3",
            format!("{device}; Plonky3 0.9.0-rc.2 as built"),
            peer_ms,
            peer_verify_ms,
            peer_proof.len(),
            None,
        ))?;
    }
    Ok(())
}

#[cfg(not(feature = "plonky3-peer"))]
fn run_with_peer(
    _peer: Peer,
    a: &ProveBenchArgs,
    config: &StarkConfig,
    _sizes: &[u32],
    _out: &Table<ProveRecord>,
) -> Result<(), CliError> {
    // Refuses: the build has no peer.
    check_peer_args(a, config)
}

/// The peer proves merkle-paths on the CPU, folding by 2, in a build that has it.
fn check_peer_args(a: &ProveBenchArgs, config: &StarkConfig) -> Result<(), CliError> {
    if cfg!(not(feature = "plonky3-peer")) {
        return Err("--peer plonky3 needs a build with the Plonky3 peer: \
                    cargo build --release -p kiln-cli --features plonky3-peer"
            .into());
    }
    if a.air != AirName::MerklePaths {
        return Err("--peer runs only with --air merkle-paths".into());
    }
    if a.backend != ProverChoice::Cpu {
        return Err("--peer runs only with --backend cpu (the peer is a CPU prover)".into());
    }
    if config.log_folding_arity != 1 {
        return Err(format!(
            "--peer: the Plonky3 peer folds by 2; preset {:?} folds by {}",
            a.preset,
            1u32 << config.log_folding_arity
        )
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: ProveBenchArgs,
    }

    fn check(line: &str) -> Result<(), String> {
        let cli = Cli::try_parse_from(line.split_whitespace()).map_err(|e| e.to_string())?;
        let config = StarkConfig::preset(&cli.args.preset).expect("a preset");
        check_peer_args(&cli.args, &config).map_err(|e| e.to_string())
    }

    #[test]
    fn the_peer_is_refused_where_it_cannot_run() {
        let ok = check("t --air merkle-paths --log-n 10 --peer plonky3");
        if cfg!(feature = "plonky3-peer") {
            ok.unwrap();
            let refused = [
                ("t --air fibonacci --peer plonky3", "--air merkle-paths"),
                (
                    "t --air merkle-paths --backend cuda --peer plonky3",
                    "--backend cpu",
                ),
                (
                    "t --air merkle-paths --preset compact --peer plonky3",
                    "folds by 8",
                ),
            ];
            for (line, why) in refused {
                let e = check(line).unwrap_err();
                assert!(e.contains(why), "{line}: {e}");
            }
        } else {
            assert!(ok.unwrap_err().contains("--features plonky3-peer"));
        }
        assert!(check("t --air merkle-paths --peer sp1").is_err());
    }
}
