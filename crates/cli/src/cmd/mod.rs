//! The subcommands: each module has its clap arguments and the functions that run them,
//! returning `Result<(), CliError>` (`prove` holds `kiln prove` and `kiln verify`; `airs`
//! holds the example AIRs they and `kiln bench prove` share).

pub mod airs;
pub mod bench;
pub mod info;
pub mod prove;
pub mod scope;
pub mod simulate;

/// An error to print and exit non-zero with.
pub type CliError = Box<dyn std::error::Error + Send + Sync>;
