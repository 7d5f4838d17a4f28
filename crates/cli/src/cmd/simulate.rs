//! `kiln simulate phase`: the vProg phase-transition simulator. Sweeps the epoch length F
//! over random workloads, writes `phase.csv` and `phase.png` to the output folder.

use std::fs::File;
use std::io::{BufWriter, IsTerminal};
use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kiln_vprog::{PhaseConfig, WorkloadConfig, plot_phase, run_phase, write_csv};

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Sweep the epoch length F; measure the largest component of each epoch's account
    /// graph, scopes and execution masses; compare with the random-graph prediction.
    Phase(PhaseArgs),
}

#[derive(Debug, clap::Args)]
struct PhaseArgs {
    /// N: number of accounts.
    #[arg(long, default_value_t = 10_000)]
    accounts: usize,
    /// n: number of vProgs (accounts are owned round-robin).
    #[arg(long, default_value_t = 50)]
    vprogs: usize,
    /// q: probability that a transaction is cross-vProg.
    #[arg(long, default_value_t = 0.25)]
    q: f64,
    /// K: read-set size of a cross-vProg transaction (its home account + K − 1 foreign).
    #[arg(long, default_value_t = 2)]
    read_set: usize,
    /// Read-set size of a local transaction (accounts of its home vProg).
    #[arg(long, default_value_t = 1)]
    local_read_set: usize,
    /// Smallest epoch length F (transactions between proofs).
    #[arg(long, default_value_t = 1_000)]
    f_min: usize,
    /// Largest epoch length F.
    #[arg(long, default_value_t = 100_000)]
    f_max: usize,
    /// Number of F values, spaced geometrically.
    #[arg(long, default_value_t = 21)]
    f_steps: usize,
    /// Epochs simulated per F.
    #[arg(long, default_value_t = 5)]
    epochs: usize,
    /// Random seed (same seed and parameters, same CSV and plot).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output folder for phase.csv and phase.png (created if missing).
    #[arg(long, default_value = "phase-out")]
    out: PathBuf,
}

pub fn run(args: Args) -> Result<(), CliError> {
    match args.what {
        What::Phase(a) => phase(a),
    }
}

fn phase(a: PhaseArgs) -> Result<(), CliError> {
    let cfg = PhaseConfig {
        workload: WorkloadConfig {
            accounts: a.accounts,
            vprogs: a.vprogs,
            q: a.q,
            read_set: a.read_set,
            local_read_set: a.local_read_set,
            ..WorkloadConfig::default()
        },
        f_min: a.f_min,
        f_max: a.f_max,
        f_steps: a.f_steps,
        epochs: a.epochs,
        seed: a.seed,
    };
    cfg.validate()?;
    std::fs::create_dir_all(&a.out).map_err(|e| format!("{}: {e}", a.out.display()))?;
    let bar = ProgressBar::with_draw_target(
        Some(cfg.total_txs()),
        if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(ProgressStyle::with_template(
        "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} txs ({eta})",
    )?);
    let start = Instant::now();
    let points = run_phase(&cfg, &mut |n| bar.inc(n))?;
    bar.finish_and_clear();
    let csv = a.out.join("phase.csv");
    let file = File::create(&csv).map_err(|e| format!("{}: {e}", csv.display()))?;
    write_csv(&points, BufWriter::new(file)).map_err(|e| format!("{}: {e}", csv.display()))?;
    let png = a.out.join("phase.png");
    plot_phase(&cfg, &points, &png)?;
    eprintln!(
        "{} transactions in {:.1} s; predicted F* = {:.0} (seed's N/q = {:.0})",
        cfg.total_txs(),
        start.elapsed().as_secs_f64(),
        cfg.critical_f(),
        a.accounts as f64 / a.q
    );
    println!(
        "{:>8} {:>6} {:>9} {:>9} {:>10} {:>10} {:>9} {:>9} {:>10}",
        "F", "c", "LCC pred", "LCC", "scope pred", "scope", "scope max", "agg max", "mass"
    );
    for p in &points {
        println!(
            "{:>8} {:>6.2} {:>9.0} {:>9.0} {:>10.4} {:>10.4} {:>9} {:>9} {:>10.2}",
            p.f,
            p.mean_degree,
            p.predicted_lcc,
            p.lcc_mean,
            p.predicted_scope_mean,
            p.scope_mean,
            p.scope_max,
            p.aggregate_max,
            p.mass_mean
        );
    }
    println!("wrote {} and {}", csv.display(), png.display());
    Ok(())
}
