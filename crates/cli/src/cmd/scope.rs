//! `kiln scope FILE`: for each transaction of a vProg scenario file and each vProg that
//! must execute it, the scope (transaction ids in sequence order) and the execution mass.

use std::path::PathBuf;

use kiln_vprog::{Scenario, WitnessPolicy};

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (JSON; format in crates/vprog/README.md, samples in crates/vprog/samples/).
    file: PathBuf,
    /// Print one JSON document {"witness_policy", "executions": [one object per (tx, vProg)]}.
    #[arg(long)]
    json: bool,
    /// Replace each transaction's witnesses (after validating them) by the planner's: the
    /// ones, among those the proofs so far can back, that minimise every executor's scope.
    #[arg(long)]
    plan_witnesses: bool,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let scenario = Scenario::load(&args.file)?;
    let policy = if args.plan_witnesses {
        WitnessPolicy::Planned
    } else {
        WitnessPolicy::Declared
    };
    let report = scenario.run(policy)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.to_json())?);
    } else {
        print!("{}", report.to_table());
    }
    Ok(())
}
