//! Random workloads: N accounts owned round-robin by n vProgs; each transaction has a home
//! vProg and writes one of its accounts; with probability q it is cross-vProg and also
//! reads K − 1 accounts of other vProgs, otherwise it reads K_local − 1 more accounts of
//! its home vProg. Proof gas is uniform in 1..=max_gas; gas scales cycle through 1..=4.
//! Every F transactions, every vProg submits a proof.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

use crate::ids::{AccountId, VProgId};
use crate::model::{Account, Model, Operation, Transaction, VProg};

/// Parameters of a random workload.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadConfig {
    /// N: number of accounts.
    pub accounts: usize,
    /// n: number of vProgs.
    pub vprogs: usize,
    /// q: probability that a transaction is cross-vProg.
    pub q: f64,
    /// K: read-set size of a cross-vProg transaction (its home account and K − 1 foreign).
    pub read_set: usize,
    /// K_local: read-set size of a local transaction (all in its home vProg).
    pub local_read_set: usize,
    /// F: transactions per epoch; every vProg proves at the end of each epoch.
    pub epoch: usize,
    /// Proof gas PG is drawn uniformly from 1..=max_gas.
    pub max_gas: u64,
}

impl Default for WorkloadConfig {
    fn default() -> Self {
        Self {
            accounts: 10_000,
            vprogs: 50,
            q: 0.25,
            read_set: 2,
            local_read_set: 1,
            epoch: 20_000,
            max_gas: 10,
        }
    }
}

/// Why workload parameters are unusable.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SimError {
    /// A parameter is out of its range.
    #[error("`{name}` = {value}: {expected}")]
    Parameter {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    /// Writing the CSV or the plot failed.
    #[error("{what}: {message}")]
    Output { what: String, message: String },
}

fn bad(name: &'static str, value: impl ToString, expected: &'static str) -> SimError {
    SimError::Parameter {
        name,
        value: value.to_string(),
        expected,
    }
}

impl WorkloadConfig {
    /// Checks every parameter's range.
    pub fn validate(&self) -> Result<(), SimError> {
        if self.vprogs == 0 {
            return Err(bad("vprogs", self.vprogs, "at least 1"));
        }
        if self.accounts < self.vprogs || self.accounts > (u32::MAX / 2) as usize {
            return Err(bad(
                "accounts",
                self.accounts,
                "at least the number of vProgs, below 2^31",
            ));
        }
        if !(0.0..=1.0).contains(&self.q) {
            return Err(bad("q", self.q, "a probability in [0, 1]"));
        }
        if self.q > 0.0 && self.vprogs < 2 {
            return Err(bad("q", self.q, "0 when there is a single vProg"));
        }
        let per_vprog = self.accounts / self.vprogs;
        let foreign = self.accounts - self.accounts.div_ceil(self.vprogs);
        if self.read_set == 0 || (self.q > 0.0 && self.read_set - 1 > foreign) {
            return Err(bad(
                "read_set",
                self.read_set,
                "at least 1, and at most 1 + the accounts of other vProgs",
            ));
        }
        if self.local_read_set == 0 || self.local_read_set > per_vprog {
            return Err(bad(
                "local_read_set",
                self.local_read_set,
                "at least 1, at most the accounts per vProg",
            ));
        }
        if self.epoch == 0 {
            return Err(bad("epoch", self.epoch, "at least 1"));
        }
        if self.max_gas == 0 {
            return Err(bad("max_gas", self.max_gas, "at least 1"));
        }
        Ok(())
    }
}

/// GS of vProg i: 1, 2, 3, 4, 1, 2, ... (deterministic, so every F of a sweep prices
/// the same system).
pub(crate) fn gas_scale(i: usize) -> u64 {
    1 + (i % 4) as u64
}

/// A seeded generator of operations for a [`WorkloadConfig`].
#[derive(Clone, Debug)]
pub struct Workload {
    cfg: WorkloadConfig,
    rng: ChaCha8Rng,
    model: Model,
    /// Transactions emitted in the current epoch.
    in_epoch: usize,
    /// Proofs still to emit at the end of the current epoch.
    proofs_due: usize,
}

impl Workload {
    /// A generator; the same config and seed give the same operations.
    pub fn new(cfg: WorkloadConfig, seed: u64) -> Result<Self, SimError> {
        cfg.validate()?;
        let rng = ChaCha8Rng::seed_from_u64(seed);
        let vprogs = (0..cfg.vprogs)
            .map(|i| VProg {
                name: format!("p{i}"),
                gas_scale: gas_scale(i),
            })
            .collect();
        let accounts = (0..cfg.accounts)
            .map(|i| Account {
                name: format!("a{i}"),
                owner: VProgId((i % cfg.vprogs) as u32),
            })
            .collect();
        // Owners are in range and the sizes were validated.
        let model = Model::new(vprogs, accounts).expect("a validated workload is a valid model");
        Ok(Self {
            cfg,
            rng,
            model,
            in_epoch: 0,
            proofs_due: 0,
        })
    }

    /// The system the operations run on.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The configuration.
    pub fn config(&self) -> &WorkloadConfig {
        &self.cfg
    }

    /// The next operation: F transactions, then one proof per vProg, and again.
    pub fn next_op(&mut self) -> Operation {
        if self.proofs_due > 0 {
            self.proofs_due -= 1;
            return Operation::Proof(VProgId((self.cfg.vprogs - 1 - self.proofs_due) as u32));
        }
        let tx = self.next_tx();
        self.in_epoch += 1;
        if self.in_epoch == self.cfg.epoch {
            self.in_epoch = 0;
            self.proofs_due = self.cfg.vprogs;
        }
        Operation::Tx(tx)
    }

    /// A random transaction (without witnesses: the engine's planner chooses them).
    pub fn next_tx(&mut self) -> Transaction {
        let (n, n_acc) = (self.cfg.vprogs, self.cfg.accounts);
        let h = self.rng.random_range(0..n);
        // Accounts of vProg h are h, h + n, h + 2n, ...
        let own_count = (n_acc - h).div_ceil(n);
        let own = |j: usize| AccountId((h + j * n) as u32);
        let home = own(self.rng.random_range(0..own_count));
        let mut reads = vec![home];
        if self.rng.random_bool(self.cfg.q) {
            while reads.len() < self.cfg.read_set {
                let a = AccountId(self.rng.random_range(0..n_acc as u32));
                if a.index() % n != h && !reads.contains(&a) {
                    reads.push(a);
                }
            }
        } else {
            while reads.len() < self.cfg.local_read_set.min(own_count) {
                let a = own(self.rng.random_range(0..own_count));
                if !reads.contains(&a) {
                    reads.push(a);
                }
            }
        }
        let gas = self.rng.random_range(1..=self.cfg.max_gas);
        Transaction {
            reads,
            writes: vec![home],
            witnesses: Vec::new(),
            proof_gas: vec![(VProgId(h as u32), gas)],
        }
    }
}
