//! Subcommands. Each module has `Args` (clap) and `run(Args) -> Result<(), CliError>`.

pub mod airs;
pub mod bench;
pub mod info;
pub mod prove;
pub mod scope;
pub mod simulate;

/// An error to print and exit non-zero with.
pub type CliError = Box<dyn std::error::Error + Send + Sync>;
