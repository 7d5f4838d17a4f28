//! `kiln`: the command-line front end. The subcommands live under `cmd/`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

#[derive(Debug, Parser)]
#[command(
    name = "kiln",
    version,
    about = "GPU-first proving kernels and STARK prover over BabyBear"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Backends available, devices and their memory, CUDA architectures compiled in.
    Info(cmd::info::Args),
    /// Median times of kernel operations per backend (`--json` for JSON lines).
    Bench(cmd::bench::Args),
    /// Prove an example AIR and write the proof to a file.
    Prove(cmd::prove::ProveArgs),
    /// Verify a proof file: exit 0 if valid, non-zero with the reason otherwise.
    Verify(cmd::prove::VerifyArgs),
    /// vProg scopes and execution masses of a scenario file.
    Scope(cmd::scope::Args),
    /// Simulations (vProg phase transition).
    Simulate(cmd::simulate::Args),
}

fn main() -> ExitCode {
    // `RUST_LOG=kiln_stark=debug` prints each prover phase with its duration.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    // A KILN_SIMD the library would ignore (a typo, a level this CPU lacks) is an error here.
    if let Err(e) = kiln::field::SimdLevel::from_env() {
        eprintln!("error: {}: {e}", kiln::field::SimdLevel::ENV);
        return ExitCode::FAILURE;
    }
    let result = match cli.command {
        Command::Info(args) => cmd::info::run(args),
        Command::Bench(args) => cmd::bench::run(args),
        Command::Prove(args) => cmd::prove::prove(args),
        Command::Verify(args) => cmd::prove::verify(args),
        Command::Scope(args) => cmd::scope::run(args),
        Command::Simulate(args) => cmd::simulate::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
