use super::CliError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let _ = args.json;
    println!("kiln {}", env!("CARGO_PKG_VERSION"));
    Ok(())
}
