//! The phase-transition experiment: sweep the epoch length F, measure the largest
//! connected component of each epoch's account graph and the scopes and execution masses
//! the engine computes, and compare with the random-graph prediction.
//!
//! Mathematical description. An epoch has F transactions; a fraction π_k of them has
//! read-set size k (here π_K = q, π_{K_local} = 1 − q) and links its k accounts. Seen from
//! one account, the hyperedges of size k containing it are Poisson with mean
//! λ_k = F·π_k·k / N, and each leads to k − 1 further accounts, so component exploration
//! is a branching process with mean offspring
//!
//!   c(F) = (F / N) · Σ_k π_k · k · (k − 1).
//!
//! A giant component appears at c = 1, that is at F* = N / Σ_k π_k·k·(k − 1); its
//! fraction β solves β = 1 − exp(−Σ_k λ_k (1 − (1 − β)^{k−1})), which for k = 2 only is
//! the Erdős–Rényi equation β = 1 − e^{−cβ}. Below c = 1 the largest component has
//! O(log N) accounts, about (ln N − 2.5 ln ln N) / (c − 1 − ln c).
//!
//! Scopes follow time, not the static graph: a scope walks backwards from the states a
//! transaction reads, through the transactions that wrote them, and stops at the epoch
//! start (everything before the last proof can be witnessed). Going back in time, one
//! account's history meets a writer at rate 1/N per transaction, and each writer reads
//! B = Σ_k π_k (k − 1) further accounts, so the expected number of transactions behind
//! one account at epoch position s is m(s) = (e^{B·s/N} − 1) / B. A cross-vProg
//! transaction reads K − 1 foreign accounts at a uniform position in the epoch, so the
//! mean scope per execution is about
//!
//!   q·(K − 1)/B · ((e^u − 1)/u − 1),   u = B·F/N,
//!
//! ignoring overlaps and what the executor already stores: it grows smoothly (like e^u)
//! with F, with no threshold, and is capped by the largest component.

use std::io::Write;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::workload::{SimError, Workload, WorkloadConfig};
use crate::engine::{Applied, Engine, WitnessPolicy};
use crate::model::Operation;

/// Parameters of the sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct PhaseConfig {
    /// The workload; its `epoch` is overridden by each swept F.
    pub workload: WorkloadConfig,
    /// Smallest F.
    pub f_min: usize,
    /// Largest F.
    pub f_max: usize,
    /// Number of F values, spaced geometrically.
    pub f_steps: usize,
    /// Epochs simulated per F.
    pub epochs: usize,
    /// Seed; each F gets its own stream derived from it.
    pub seed: u64,
}

impl Default for PhaseConfig {
    fn default() -> Self {
        Self {
            workload: WorkloadConfig::default(),
            f_min: 1_000,
            f_max: 100_000,
            f_steps: 21,
            epochs: 5,
            seed: 1,
        }
    }
}

/// Measurements and prediction at one F.
#[derive(Clone, Debug, PartialEq)]
pub struct PhasePoint {
    /// Epoch length.
    pub f: usize,
    /// c(F), the predicted branching factor (mean degree for read sets of 2).
    pub mean_degree: f64,
    /// β(F): predicted fraction of accounts in the giant component (0 below c = 1).
    pub predicted_giant_fraction: f64,
    /// Predicted largest component, in accounts: β·N above c = 1,
    /// (ln N − 2.5 ln ln N) / (c − 1 − ln c) below, both clipped at the critical-window
    /// scale N^{2/3} near c = 1.
    pub predicted_lcc: f64,
    /// Predicted mean scope per execution (the temporal branching estimate).
    pub predicted_scope_mean: f64,
    /// Predicted mean execution mass: mean PG·GS times (1 + predicted mean scope).
    pub predicted_mass_mean: f64,
    /// Largest component of the epoch's account graph, in accounts: mean over epochs.
    pub lcc_mean: f64,
    /// ... and maximum over epochs.
    pub lcc_max: usize,
    /// Transactions of the epoch inside its largest component: mean over epochs.
    pub lcc_txs_mean: f64,
    /// Scope size over all (transaction, executing vProg): mean.
    pub scope_mean: f64,
    /// ... and maximum.
    pub scope_max: usize,
    /// Execution mass over all executions: mean.
    pub mass_mean: f64,
    /// ... and maximum.
    pub mass_max: u64,
    /// Per (vProg, epoch), the transactions it executed for its scopes: mean.
    pub aggregate_mean: f64,
    /// ... and maximum.
    pub aggregate_max: usize,
    /// Transactions simulated.
    pub txs: u64,
}

impl PhaseConfig {
    /// Checks the sweep's ranges and the workload's.
    pub fn validate(&self) -> Result<(), SimError> {
        let bad = |name, value: usize, expected| SimError::Parameter {
            name,
            value: value.to_string(),
            expected,
        };
        if self.f_min == 0 {
            return Err(bad("f_min", self.f_min, "at least 1"));
        }
        if self.f_max < self.f_min {
            return Err(bad("f_max", self.f_max, "at least f_min"));
        }
        if self.f_steps == 0 {
            return Err(bad("f_steps", self.f_steps, "at least 1"));
        }
        if self.epochs == 0 {
            return Err(bad("epochs", self.epochs, "at least 1"));
        }
        WorkloadConfig {
            epoch: self.f_min,
            ..self.workload.clone()
        }
        .validate()
    }

    /// The swept F values: geometric from `f_min` to `f_max`, rounded, distinct.
    pub fn f_values(&self) -> Vec<usize> {
        let (lo, hi) = (self.f_min as f64, self.f_max as f64);
        let mut v: Vec<usize> = (0..self.f_steps)
            .map(|i| {
                let t = if self.f_steps == 1 {
                    0.0
                } else {
                    i as f64 / (self.f_steps - 1) as f64
                };
                (lo * (hi / lo).powf(t)).round() as usize
            })
            .collect();
        v.dedup();
        v
    }

    /// Transactions the whole sweep simulates (for a progress bar).
    pub fn total_txs(&self) -> u64 {
        self.f_values()
            .iter()
            .map(|&f| (f * self.epochs) as u64)
            .sum()
    }

    /// Σ_k π_k·k·(k − 1): the branching factor per unit of F / N.
    fn branching(&self) -> f64 {
        let w = &self.workload;
        let k = |k: usize| (k * (k - 1)) as f64;
        w.q * k(w.read_set) + (1.0 - w.q) * k(w.local_read_set)
    }

    /// c(F) = (F / N) · Σ_k π_k·k·(k − 1).
    pub fn mean_degree(&self, f: usize) -> f64 {
        f as f64 / self.workload.accounts as f64 * self.branching()
    }

    /// F* = N / Σ_k π_k·k·(k − 1), where c(F*) = 1 (infinite if no transaction links
    /// accounts).
    pub fn critical_f(&self) -> f64 {
        self.workload.accounts as f64 / self.branching()
    }

    /// β(F): the giant component's predicted fraction of the accounts.
    pub fn giant_fraction(&self, f: usize) -> f64 {
        if self.mean_degree(f) <= 1.0 {
            return 0.0;
        }
        let w = &self.workload;
        let n = w.accounts as f64;
        let sizes = [(w.read_set, w.q), (w.local_read_set, 1.0 - w.q)];
        // The fixed-point map is increasing and concave in β; iterating from 1 converges
        // down to the positive root.
        let mut beta = 1.0f64;
        for _ in 0..10_000 {
            let s: f64 = (sizes.iter())
                .map(|&(k, pi)| {
                    f as f64 * pi * k as f64 / n * (1.0 - (1.0 - beta).powi(k as i32 - 1))
                })
                .sum();
            let next = 1.0 - (-s).exp();
            if (next - beta).abs() < 1e-12 {
                return next;
            }
            beta = next;
        }
        beta
    }

    /// B = Σ_k π_k·(k − 1): accounts a transaction reads besides the one it writes.
    fn extra_reads(&self) -> f64 {
        let w = &self.workload;
        w.q * (w.read_set - 1) as f64 + (1.0 - w.q) * (w.local_read_set - 1) as f64
    }

    /// The temporal branching estimate of the mean scope per execution (module docs).
    pub fn predicted_scope_mean(&self, f: usize) -> f64 {
        let w = &self.workload;
        let b = self.extra_reads();
        let cross = w.q * (w.read_set - 1) as f64;
        if b == 0.0 || cross == 0.0 {
            return 0.0;
        }
        let u = b * f as f64 / w.accounts as f64;
        // (e^u − 1)/u − 1 without cancellation for small u.
        cross / b * (u.exp_m1() / u - 1.0)
    }

    /// Mean PG·GS of one transaction times (1 + the predicted mean scope).
    pub fn predicted_mass_mean(&self, f: usize) -> f64 {
        let w = &self.workload;
        let gs = (0..w.vprogs)
            .map(|i| super::workload::gas_scale(i) as f64)
            .sum::<f64>()
            / w.vprogs as f64;
        let pg = (1 + w.max_gas) as f64 / 2.0;
        pg * gs * (1.0 + self.predicted_scope_mean(f))
    }

    /// The predicted largest component in accounts (see [`PhasePoint::predicted_lcc`]).
    pub fn predicted_lcc(&self, f: usize) -> f64 {
        let n = self.workload.accounts as f64;
        let c = self.mean_degree(f);
        let window = n.powf(2.0 / 3.0);
        if c < 1.0 {
            let alpha = c - 1.0 - c.ln();
            ((n.ln() - 2.5 * n.ln().ln()) / alpha).clamp(1.0, window)
        } else {
            (self.giant_fraction(f) * n).max(window)
        }
    }
}

/// Union–find over accounts, reset per epoch by undoing only what the epoch touched.
struct Components {
    parent: Vec<u32>,
    size: Vec<u32>,
    touched: Vec<u32>,
}

impl Components {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
            touched: Vec::new(),
        }
    }

    fn find(&mut self, mut a: u32) -> u32 {
        while self.parent[a as usize] != a {
            let up = self.parent[self.parent[a as usize] as usize];
            self.parent[a as usize] = up;
            a = up;
        }
        a
    }

    fn union(&mut self, a: u32, b: u32) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
        self.touched.extend([a, b]);
    }

    fn largest(&self) -> (u32, u32) {
        (self.touched.iter())
            .map(|&a| (self.size[a as usize], a))
            .max()
            .map_or((1, u32::MAX), |(s, a)| (s, a))
    }

    fn reset(&mut self) {
        for &a in &self.touched {
            self.parent[a as usize] = a;
            self.size[a as usize] = 1;
        }
        self.touched.clear();
    }
}

/// Runs the sweep. `progress` is called with the number of transactions simulated since
/// the previous call. Deterministic for a given config.
pub fn run_phase(
    cfg: &PhaseConfig,
    progress: &mut dyn FnMut(u64),
) -> Result<Vec<PhasePoint>, SimError> {
    cfg.validate()?;
    let mut points = Vec::new();
    for (i, f) in cfg.f_values().into_iter().enumerate() {
        let seed = rand::Rng::next_u64(&mut ChaCha8Rng::seed_from_u64(
            cfg.seed ^ (i as u64).wrapping_mul(0x9e37_79b9),
        ));
        points.push(run_point(cfg, f, seed, progress)?);
    }
    Ok(points)
}

/// Simulates `cfg.epochs` epochs of length `f` with the planner choosing witnesses.
pub fn run_point(
    cfg: &PhaseConfig,
    f: usize,
    seed: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<PhasePoint, SimError> {
    let wcfg = WorkloadConfig {
        epoch: f,
        ..cfg.workload.clone()
    };
    let mut work = Workload::new(wcfg, seed)?;
    let n_vprogs = cfg.workload.vprogs;
    let mut engine = Engine::new(work.model().clone()).with_witness_policy(WitnessPolicy::Planned);
    let mut comps = Components::new(cfg.workload.accounts);
    let mut homes: Vec<u32> = Vec::with_capacity(f);
    let mut aggregate = vec![0usize; n_vprogs];
    let (mut lcc_sum, mut lcc_max, mut lcc_txs_sum) = (0.0, 0usize, 0.0);
    let (mut scope_sum, mut scope_max, mut mass_sum, mut mass_max, mut execs) =
        (0u64, 0usize, 0f64, 0u64, 0u64);
    let (mut agg_sum, mut agg_max) = (0u64, 0usize);
    let report_every = 4096;
    for _ in 0..cfg.epochs {
        for j in 0..f {
            let Operation::Tx(tx) = work.next_op() else {
                unreachable!("F transactions come before the proofs")
            };
            for w in tx.reads.windows(2) {
                comps.union(w[0].0, w[1].0);
            }
            homes.push(tx.reads[0].0);
            let Ok(Applied::Tx(out)) = engine.apply(&Operation::Tx(tx)) else {
                unreachable!("generated transactions are valid")
            };
            for e in &out.executions {
                scope_sum += e.scope.len() as u64;
                scope_max = scope_max.max(e.scope.len());
                mass_sum += e.mass as f64;
                mass_max = mass_max.max(e.mass);
                aggregate[e.vprog.index()] += e.scope.len();
                execs += 1;
            }
            if (j + 1) % report_every == 0 {
                progress(report_every as u64);
            }
        }
        progress((f % report_every) as u64);
        for _ in 0..n_vprogs {
            let op = work.next_op();
            engine.apply(&op).map_err(|e| SimError::Output {
                what: "proof".into(),
                message: e.to_string(),
            })?;
        }
        let (size, root) = comps.largest();
        lcc_sum += f64::from(size);
        lcc_max = lcc_max.max(size as usize);
        let in_lcc = homes.iter().filter(|&&a| comps.find(a) == root).count();
        lcc_txs_sum += in_lcc as f64;
        homes.clear();
        comps.reset();
        for a in &mut aggregate {
            agg_sum += *a as u64;
            agg_max = agg_max.max(*a);
            *a = 0;
        }
    }
    let epochs = cfg.epochs as f64;
    Ok(PhasePoint {
        f,
        mean_degree: cfg.mean_degree(f),
        predicted_giant_fraction: cfg.giant_fraction(f),
        predicted_lcc: cfg.predicted_lcc(f),
        predicted_scope_mean: cfg.predicted_scope_mean(f),
        predicted_mass_mean: cfg.predicted_mass_mean(f),
        lcc_mean: lcc_sum / epochs,
        lcc_max,
        lcc_txs_mean: lcc_txs_sum / epochs,
        scope_mean: scope_sum as f64 / execs.max(1) as f64,
        scope_max,
        mass_mean: mass_sum / execs.max(1) as f64,
        mass_max,
        aggregate_mean: agg_sum as f64 / (epochs * n_vprogs as f64),
        aggregate_max: agg_max,
        txs: (f * cfg.epochs) as u64,
    })
}

/// Writes the points as CSV, one row per F, with a header.
pub fn write_csv(points: &[PhasePoint], mut out: impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "f,mean_degree,predicted_giant_fraction,predicted_lcc,predicted_scope_mean,predicted_mass_mean,\
         lcc_mean,lcc_max,lcc_txs_mean,scope_mean,scope_max,mass_mean,mass_max,aggregate_mean,aggregate_max,txs"
    )?;
    for p in points {
        writeln!(
            out,
            "{},{:.6},{:.6},{:.3},{:.6},{:.6},{:.3},{},{:.3},{:.6},{},{:.6},{},{:.3},{},{}",
            p.f,
            p.mean_degree,
            p.predicted_giant_fraction,
            p.predicted_lcc,
            p.predicted_scope_mean,
            p.predicted_mass_mean,
            p.lcc_mean,
            p.lcc_max,
            p.lcc_txs_mean,
            p.scope_mean,
            p.scope_max,
            p.mass_mean,
            p.mass_max,
            p.aggregate_mean,
            p.aggregate_max,
            p.txs
        )?;
    }
    Ok(())
}
