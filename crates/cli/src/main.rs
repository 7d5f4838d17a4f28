//! `kiln`: the command-line front end. One module per subcommand under `cmd/`.

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
    /// vProg scopes and execution masses of a scenario file.
    Scope(cmd::scope::Args),
    /// Simulations (vProg phase transition).
    Simulate(cmd::simulate::Args),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Info(args) => cmd::info::run(args),
        Command::Bench(args) => cmd::bench::run(args),
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
