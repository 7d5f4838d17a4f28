//! The phase-transition simulator: random workloads, the F sweep, and its plot.

mod phase;
mod plot;
mod text;
mod workload;

pub use phase::{PhaseConfig, PhasePoint, run_phase, run_point, write_csv};
pub use plot::plot_phase;
pub use workload::{SimError, Workload, WorkloadConfig};
