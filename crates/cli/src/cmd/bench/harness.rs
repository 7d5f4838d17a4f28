//! What every `kiln bench` subcommand shares: the `--backend`, `--samples` and `--json`
//! flags, the backends they choose, the timing (one warm-up run, then the median of
//! `--samples` timed runs) and the output (a table row, or one JSON object per line).
//! A subcommand describes one configuration as a [`Measure`] and hands it to
//! [`Backends::run`].

use std::marker::PhantomData;

use kiln::{Backend, CpuBackend, CudaBackend, MerkleOps, MsmOps, NttOps, ScalarNttOps};
use serde::Serialize;

use super::CliError;

/// The flags of the kernel benchmarks after their own: which backends, how many samples,
/// table or JSON.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct RunArgs {
    /// Backends to run: cpu, cuda or all.
    #[arg(long, default_value = "all")]
    pub backend: BackendChoice,
    /// Timed repetitions per configuration (the median is reported).
    #[arg(long, default_value_t = 10)]
    pub samples: usize,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum BackendChoice {
    Cpu,
    Cuda,
    All,
}

/// `20`, or a range `16..=22` / `16..22`: the value parser of every `--log-n`.
pub(super) fn parse_range(s: &str) -> Result<Vec<u32>, String> {
    let bad = || format!("expected a number or a range like 16..=22, got {s:?}");
    if let Some((a, b)) = s.split_once("..") {
        let (b, inclusive) = match b.strip_prefix('=') {
            Some(b) => (b, true),
            None => (b, false),
        };
        let a: u32 = a.trim().parse().map_err(|_| bad())?;
        let b: u32 = b.trim().parse().map_err(|_| bad())?;
        let end = if inclusive { b + 1 } else { b };
        if a >= end {
            return Err(bad());
        }
        Ok((a..end).collect())
    } else {
        s.trim().parse().map(|v| vec![v]).map_err(|_| bad())
    }
}

/// Checks `samples` (at least one) and flattens the `--log-n` arguments into the sizes
/// to run, in order.
pub(super) fn sizes(samples: usize, log_n: &[Vec<u32>]) -> Result<Vec<u32>, CliError> {
    if samples == 0 {
        return Err("--samples must be at least 1".into());
    }
    Ok(log_n.iter().flatten().copied().collect())
}

/// Fails on the first size above `max`; `why` ends the message (`""` or a reason).
pub(super) fn at_most(sizes: &[u32], max: u32, why: &str) -> Result<(), CliError> {
    match sizes.iter().find(|&&s| s > max) {
        Some(&bad) => Err(format!("--log-n {bad} is too large: at most {max}{why}").into()),
        None => Ok(()),
    }
}

/// The median of `samples` runs of `f`, each returning its time in milliseconds.
pub(super) fn median_of<E>(
    samples: usize,
    mut f: impl FnMut() -> Result<f64, E>,
) -> Result<f64, E> {
    let mut t = Vec::with_capacity(samples);
    for _ in 0..samples {
        t.push(f()?);
    }
    t.sort_by(f64::total_cmp);
    Ok(t[t.len() / 2])
}

/// One warm-up run of `f` (module load, memory pools, twiddles), then [`median_of`].
pub(super) fn time_samples<E>(
    samples: usize,
    mut f: impl FnMut() -> Result<f64, E>,
) -> Result<f64, E> {
    f()?;
    median_of(samples, f)
}

/// [`time_samples`] of `f`'s work on `b`: device time on GPUs, wall time elsewhere.
pub(super) fn device_ms<B: Backend>(
    b: &B,
    samples: usize,
    mut f: impl FnMut() -> kiln::Result<()>,
) -> kiln::Result<f64> {
    time_samples(samples, || b.time_ms(&mut f))
}

/// [`time_samples`] of `f`'s wall time where `gpu`, none elsewhere: the figures with
/// transfers, `f` uploading the input (and downloading the output) itself.
pub(super) fn with_transfers(
    gpu: bool,
    samples: usize,
    mut f: impl FnMut() -> kiln::Result<()>,
) -> kiln::Result<Option<f64>> {
    if !gpu {
        return Ok(None);
    }
    time_samples(samples, || wall_ms(&mut f)).map(Some)
}

/// Wall time of `f` in milliseconds, and its result.
pub(super) fn timed<T, E>(f: impl FnOnce() -> Result<T, E>) -> Result<(f64, T), E> {
    let start = std::time::Instant::now();
    let v = f()?;
    Ok((start.elapsed().as_secs_f64() * 1e3, v))
}

/// Wall time of `f` in milliseconds.
pub(super) fn wall_ms<E>(f: impl FnOnce() -> Result<(), E>) -> Result<f64, E> {
    timed(f).map(|(ms, ())| ms)
}

/// `x` with `p` decimals, `-` for none: the optional columns of the tables.
pub(super) fn or_dash(x: Option<f64>, p: usize) -> String {
    x.map(|x| format!("{x:.p$}")).unwrap_or_else(|| "-".into())
}

/// Every kernel family the benchmarks time; each backend has them all.
pub(super) trait Kernels: NttOps + MerkleOps + MsmOps + ScalarNttOps {}
impl<B: NttOps + MerkleOps + MsmOps + ScalarNttOps> Kernels for B {}

/// One configuration of a benchmark: what to time on a backend.
pub(super) trait Measure {
    type Record: Row;
    /// A result the GPU must reproduce from the CPU when both run (`()` for none).
    type Output: PartialEq;

    /// The record of this configuration on `b` (`gpu`: the CUDA backend, which also
    /// reports the times with transfers), and its result.
    fn measure<B: Kernels>(
        &self,
        b: &B,
        gpu: bool,
    ) -> Result<(Self::Record, Self::Output), CliError>;

    /// The error when the GPU's result differs from the CPU's.
    fn mismatch(&self) -> String {
        "GPU and CPU results differ".into()
    }

    /// Records of other implementations on the same GPU, after the CUDA backend's.
    fn peers(&self, _gpu: &CudaBackend) -> Result<Vec<Self::Record>, CliError> {
        Ok(Vec::new())
    }
}

/// The backends `--backend` chose: the CPU and/or GPU 0. With `all`, a missing GPU is a
/// note on stderr, not an error.
pub(super) struct Backends {
    pub cpu: Option<CpuBackend>,
    pub gpu: Option<CudaBackend>,
}

impl Backends {
    pub fn new(choice: BackendChoice) -> Result<Self, CliError> {
        let cpu = matches!(choice, BackendChoice::Cpu | BackendChoice::All).then(CpuBackend::new);
        let gpu = match choice {
            BackendChoice::Cpu => None,
            BackendChoice::Cuda => Some(CudaBackend::new(0)?),
            BackendChoice::All => match CudaBackend::new(0) {
                Ok(g) => Some(g),
                Err(e) => {
                    eprintln!("note: skipping the CUDA backend: {e}");
                    None
                }
            },
        };
        Ok(Self { cpu, gpu })
    }

    /// Measures `m` on the CPU, then on the GPU (checking its result against the CPU's)
    /// and its peers, and prints the records.
    pub fn run<M: Measure>(&self, m: &M, out: &Table<M::Record>) -> Result<(), CliError> {
        let mut records = Vec::new();
        let mut cpu_out = None;
        if let Some(c) = &self.cpu {
            let (r, o) = m.measure(c, false)?;
            records.push(r);
            cpu_out = Some(o);
        }
        if let Some(g) = &self.gpu {
            let (r, o) = m.measure(g, true)?;
            if cpu_out.is_some_and(|c| c != o) {
                return Err(m.mismatch().into());
            }
            records.push(r);
            records.extend(m.peers(g)?);
        }
        records.iter().try_for_each(|r| out.emit(r))
    }
}

/// A measured configuration: a row of the table, or a JSON line under `--json`.
pub(super) trait Row: Serialize {
    /// The column titles.
    fn header() -> String;
    fn row(&self) -> String;
}

/// Where records go: a table (its header printed on creation) or JSON lines.
pub(super) struct Table<R> {
    json: bool,
    rows: PhantomData<fn(&R)>,
}

impl<R: Row> Table<R> {
    pub fn new(json: bool) -> Self {
        if !json {
            println!("{}", R::header());
        }
        Self {
            json,
            rows: PhantomData,
        }
    }

    pub fn emit(&self, r: &R) -> Result<(), CliError> {
        if self.json {
            println!("{}", serde_json::to_string(r)?);
        } else {
            println!("{}", r.row());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{median_of, parse_range};

    #[test]
    fn ranges() {
        assert_eq!(parse_range("20").unwrap(), vec![20]);
        assert_eq!(parse_range("16..=18").unwrap(), vec![16, 17, 18]);
        assert_eq!(parse_range("16..18").unwrap(), vec![16, 17]);
        assert!(parse_range("18..16").is_err());
        assert!(parse_range("x").is_err());
    }

    #[test]
    fn median_is_the_upper_middle() {
        let mut v = [3.0, 1.0, 2.0, 4.0].into_iter();
        assert_eq!(median_of::<()>(4, || Ok(v.next().unwrap())), Ok(3.0));
    }
}
