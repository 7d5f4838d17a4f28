//! States, per-step state roots, proof commitments C_p^t and state witnesses.
//!
//! Layout (every message starts with a domain tag; integers are three 22-bit limbs):
//!
//! * account leaf = H(ACCOUNT_LEAF, account, state), in the owner's account order;
//! * state root of p = Merkle root over p's account leaves;
//! * step leaf = H(STEP_LEAF, from, until, state root): p's state root held during
//!   [from, until). An epoch of p is [previous proof time (or 0), proof time); its first
//!   step starts at the epoch start with the state p carried in, and a new step starts at
//!   every transaction writing one of p's accounts;
//! * C_p^t = compress(Merkle root over the epoch's step leaves,
//!   H(COMMITMENT, p, previous proof time, t, number of steps)).
//!
//! A witness for account a of p at time t' opens a's leaf in the state root of the step
//! holding t', and that step's leaf in the commitment of the proof whose epoch holds t'.

use kiln_field::BabyBear;
use thiserror::Error;

use super::digest_tree::{DigestTree, MerklePath, tree_depth};
use super::hash::{CommitmentHasher, Digest, push_u64, tag};
use crate::engine::{Applied, Engine};
use crate::ids::{AccountId, Time, VProgId, VertexId};
use crate::model::{Model, Witness};

/// One account's new state, as a [`StateExecutor`] sees it.
#[derive(Clone, Copy, Debug)]
pub struct Step<'a> {
    /// Time of the transaction.
    pub time: Time,
    /// The written account.
    pub account: AccountId,
    /// The states the transaction read, in read-set order.
    pub reads: &'a [(AccountId, Digest)],
}

/// Produces account states. The engine runs no real programs; an executor turns the DAG
/// into state digests so that roots, commitments and witnesses have content to bind.
pub trait StateExecutor {
    /// The state of an account at genesis.
    fn genesis<H: CommitmentHasher>(&self, hasher: &H, account: AccountId) -> Digest;

    /// The state of `step.account` after the transaction at `step.time`.
    fn execute<H: CommitmentHasher>(&self, hasher: &H, step: &Step<'_>) -> Digest;
}

/// The default executor: a state is the hash of what produced it,
/// H(STATE, time, account, number of reads, (account, state) per read), and a genesis
/// state is H(GENESIS, account). Deterministic, and every state depends on its whole
/// past, so a witness is only valid for the exact vertex it names.
#[derive(Clone, Copy, Debug, Default)]
pub struct DigestExecutor;

impl StateExecutor for DigestExecutor {
    fn genesis<H: CommitmentHasher>(&self, hasher: &H, account: AccountId) -> Digest {
        let mut m = vec![BabyBear::new(tag::GENESIS)];
        push_u64(&mut m, u64::from(account.0));
        hasher.hash(&m)
    }

    fn execute<H: CommitmentHasher>(&self, hasher: &H, step: &Step<'_>) -> Digest {
        let mut m = Vec::with_capacity(10 + 11 * step.reads.len());
        m.push(BabyBear::new(tag::STATE));
        push_u64(&mut m, step.time);
        push_u64(&mut m, u64::from(step.account.0));
        push_u64(&mut m, step.reads.len() as u64);
        for (a, s) in step.reads {
            push_u64(&mut m, u64::from(a.0));
            m.extend_from_slice(s);
        }
        hasher.hash(&m)
    }
}

/// A step leaf: p's state root during [from, until).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepLeaf {
    pub from: Time,
    pub until: Time,
    pub state_root: Digest,
}

/// The public part of a proof submission z_p^i: C_p^t and the metadata it binds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProofCommitment {
    pub vprog: VProgId,
    /// Start of the epoch: the previous proof's time, or 0.
    pub prev_time: Time,
    /// t: the proof's time; the epoch is [prev_time, t).
    pub time: Time,
    /// Number of step leaves.
    pub num_steps: u64,
    /// C_p^t.
    pub root: Digest,
}

/// A proof that `account` had `state` at `time`, against a [`ProofCommitment`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateWitness {
    pub account: AccountId,
    pub time: Time,
    pub state: Digest,
    /// Opens the account leaf in `step.state_root`.
    pub account_path: MerklePath,
    /// The step holding `time`.
    pub step: StepLeaf,
    /// Opens the step leaf in the commitment's step tree.
    pub step_path: MerklePath,
}

/// Why the ledger cannot do what was asked.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum LedgerError {
    /// The ledger must observe every operation the engine applied, in order.
    #[error("ledger out of sync with the engine: it holds {ledger} vertices, the engine {engine}")]
    OutOfSync { ledger: usize, engine: usize },
    /// No account with this id.
    #[error("unknown account #{account}")]
    UnknownAccount { account: u32 },
    /// No proof of the owner covers the time yet.
    #[error("no proof of vProg #{vprog} covers time {time} yet")]
    NotCommitted { vprog: u32, time: Time },
}

/// Why a witness is rejected. Verification never panics on malformed input.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum WitnessError {
    /// The witnessed account does not exist.
    #[error("unknown account #{account}")]
    UnknownAccount { account: u32 },
    /// The account is owned by another vProg than the commitment's.
    #[error(
        "account #{account} is owned by vProg #{owner}, the commitment is vProg #{committed}'s"
    )]
    WrongOwner {
        account: u32,
        owner: u32,
        committed: u32,
    },
    /// A path has the wrong number of siblings.
    #[error("{path} path has {got} siblings, expected {expected}")]
    PathLength {
        path: &'static str,
        expected: usize,
        got: usize,
    },
    /// A path's leaf index is not the one it must be, or is out of range.
    #[error("{path} path has leaf index {got}, expected {expected}")]
    LeafIndex {
        path: &'static str,
        expected: String,
        got: u64,
    },
    /// The step does not lie inside the epoch, or does not hold the witnessed time.
    #[error(
        "time {time} is not in step [{from}, {until}) inside epoch [{epoch_start}, {epoch_end})"
    )]
    TimeOutsideStep {
        time: Time,
        from: Time,
        until: Time,
        epoch_start: Time,
        epoch_end: Time,
    },
    /// The account path does not lead to the step's state root.
    #[error("account path does not lead to the step's state root")]
    StateRootMismatch,
    /// The step path does not lead to the commitment.
    #[error("step path does not lead to the commitment")]
    CommitmentMismatch,
}

struct ProofRecord {
    commitment: ProofCommitment,
    steps: Vec<StepLeaf>,
    tree: DigestTree,
}

/// The open epoch of one vProg: when it started and its steps so far.
struct Epoch {
    start: Time,
    /// (from, state root) per step; the first step starts at `start`.
    steps: Vec<(Time, Digest)>,
}

/// Follows an [`Engine`] and keeps the states behind it: one digest per vertex, each
/// vProg's current state tree, its steps since its last proof, and its proof commitments.
/// Generic over the hash and the state executor.
pub struct StateLedger<H, X = DigestExecutor> {
    hasher: H,
    executor: X,
    states: Vec<Digest>,
    trees: Vec<DigestTree>,
    epochs: Vec<Epoch>,
    proofs: Vec<Vec<ProofRecord>>,
    touched: Vec<VProgId>,
}

impl<H, X> core::fmt::Debug for StateLedger<H, X> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StateLedger")
            .field("vertices", &self.states.len())
            .field("vprogs", &self.trees.len())
            .finish_non_exhaustive()
    }
}

impl<H: CommitmentHasher, X: StateExecutor> StateLedger<H, X> {
    /// The ledger at genesis for `model` (the engine's model).
    pub fn new(hasher: H, executor: X, model: &Model) -> Self {
        let states: Vec<Digest> = (0..model.accounts().len())
            .map(|a| executor.genesis(&hasher, AccountId(a as u32)))
            .collect();
        let trees: Vec<DigestTree> = (0..model.vprogs().len())
            .map(|p| {
                let leaves = model.owned(VProgId(p as u32)).iter();
                let leaves = leaves
                    .map(|&a| account_leaf(&hasher, a, &states[a.index()]))
                    .collect();
                DigestTree::new(&hasher, leaves)
            })
            .collect();
        let epochs = trees
            .iter()
            .map(|t| Epoch {
                start: 0,
                steps: vec![(0, t.root())],
            })
            .collect();
        let proofs = trees.iter().map(|_| Vec::new()).collect();
        Self {
            hasher,
            executor,
            states,
            trees,
            epochs,
            proofs,
            touched: Vec::new(),
        }
    }

    /// The hasher.
    pub fn hasher(&self) -> &H {
        &self.hasher
    }

    /// Records the effect of an operation the engine just applied: new states, new steps,
    /// and for a proof submission, the commitment C_p^t.
    pub fn observe(&mut self, engine: &Engine, applied: &Applied) -> Result<(), LedgerError> {
        let (dag, model) = (engine.dag(), engine.model());
        match applied {
            Applied::Tx(out) => {
                let outputs = dag.tx_outputs(out.index);
                let first = outputs.first().map_or(dag.num_vertices(), |v| v.index());
                if self.states.len() != first || first + outputs.len() != dag.num_vertices() {
                    return Err(LedgerError::OutOfSync {
                        ledger: self.states.len(),
                        engine: first,
                    });
                }
                let reads: Vec<(AccountId, Digest)> = (dag.tx_inputs(out.index).iter())
                    .map(|&v| (dag.vertex(v).account, self.states[v.index()]))
                    .collect();
                self.touched.clear();
                for &o in outputs {
                    let account = dag.vertex(o).account;
                    let step = Step {
                        time: out.time,
                        account,
                        reads: &reads,
                    };
                    let state = self.executor.execute(&self.hasher, &step);
                    self.states.push(state);
                    let p = model.owner(account);
                    let leaf = account_leaf(&self.hasher, account, &state);
                    self.trees[p.index()].set(&self.hasher, model.slot(account), leaf);
                    if !self.touched.contains(&p) {
                        self.touched.push(p);
                    }
                }
                for &p in &self.touched {
                    self.epochs[p.index()]
                        .steps
                        .push((out.time, self.trees[p.index()].root()));
                }
            }
            Applied::Proof { vprog, time } => {
                if self.states.len() != dag.num_vertices() {
                    let engine = dag.num_vertices();
                    return Err(LedgerError::OutOfSync {
                        ledger: self.states.len(),
                        engine,
                    });
                }
                let root = self.trees[vprog.index()].root();
                let epoch = std::mem::replace(
                    &mut self.epochs[vprog.index()],
                    Epoch {
                        start: *time,
                        steps: vec![(*time, root)],
                    },
                );
                let steps: Vec<StepLeaf> = (0..epoch.steps.len())
                    .map(|i| StepLeaf {
                        from: epoch.steps[i].0,
                        until: epoch.steps.get(i + 1).map_or(*time, |s| s.0),
                        state_root: epoch.steps[i].1,
                    })
                    .collect();
                let leaves = steps.iter().map(|s| step_leaf(&self.hasher, s)).collect();
                let tree = DigestTree::new(&self.hasher, leaves);
                let mut commitment = ProofCommitment {
                    vprog: *vprog,
                    prev_time: epoch.start,
                    time: *time,
                    num_steps: steps.len() as u64,
                    root: tree.root(),
                };
                commitment.root = commit(&self.hasher, &commitment, &tree.root());
                self.proofs[vprog.index()].push(ProofRecord {
                    commitment,
                    steps,
                    tree,
                });
            }
        }
        Ok(())
    }

    /// The state digest of a vertex.
    pub fn state(&self, v: VertexId) -> Option<&Digest> {
        self.states.get(v.index())
    }

    /// A vProg's current state root.
    ///
    /// # Panics
    /// If the id is out of range.
    pub fn state_root(&self, p: VProgId) -> Digest {
        self.trees[p.index()].root()
    }

    /// The commitments of a vProg's proofs so far, oldest first.
    ///
    /// # Panics
    /// If the id is out of range.
    pub fn commitments(&self, p: VProgId) -> Vec<ProofCommitment> {
        self.proofs[p.index()]
            .iter()
            .map(|r| r.commitment)
            .collect()
    }

    /// A witness of the account's state at `w.time`, against the commitment of the proof
    /// whose epoch holds that time; returns both.
    pub fn witness(
        &self,
        engine: &Engine,
        w: Witness,
    ) -> Result<(ProofCommitment, StateWitness), LedgerError> {
        let (dag, model) = (engine.dag(), engine.model());
        let Some(account) = model.account(w.account) else {
            return Err(LedgerError::UnknownAccount {
                account: w.account.0,
            });
        };
        let p = account.owner;
        let records = &self.proofs[p.index()];
        let i = records.partition_point(|r| r.commitment.time <= w.time);
        let not_committed = LedgerError::NotCommitted {
            vprog: p.0,
            time: w.time,
        };
        let record = records.get(i).ok_or(not_committed)?;
        // Steps are consecutive from the epoch start, which is <= w.time.
        let j = record.steps.partition_point(|s| s.from <= w.time) - 1;
        let step = record.steps[j];
        // Rebuild p's state tree as it was during the step.
        let leaves = (model.owned(p).iter())
            .map(|&a| account_leaf(&self.hasher, a, &self.states[dag.at(a, step.from).index()]))
            .collect();
        let tree = DigestTree::new(&self.hasher, leaves);
        debug_assert_eq!(tree.root(), step.state_root);
        let slot = model.slot(w.account);
        let state = self.states[dag.at(w.account, w.time).index()];
        let account_path = tree.open(slot).expect("slot < number of owned accounts");
        let step_path = record.tree.open(j).expect("step index in range");
        let witness = StateWitness {
            account: w.account,
            time: w.time,
            state,
            account_path,
            step,
            step_path,
        };
        Ok((record.commitment, witness))
    }
}

/// Checks a witness against a commitment: the account belongs to the committing vProg,
/// the step holds the witnessed time and lies in the epoch, and both paths lead where
/// they must.
pub fn verify_witness<H: CommitmentHasher>(
    hasher: &H,
    model: &Model,
    commitment: &ProofCommitment,
    witness: &StateWitness,
) -> Result<(), WitnessError> {
    let account = witness.account;
    let owner = model
        .account(account)
        .ok_or(WitnessError::UnknownAccount { account: account.0 })?
        .owner;
    if owner != commitment.vprog {
        return Err(WitnessError::WrongOwner {
            account: account.0,
            owner: owner.0,
            committed: commitment.vprog.0,
        });
    }
    let n_accounts = model.owned(owner).len();
    check_path(
        "account",
        &witness.account_path,
        n_accounts,
        Some(model.slot(account)),
    )?;
    let n_steps = usize::try_from(commitment.num_steps).unwrap_or(usize::MAX);
    check_path("step", &witness.step_path, n_steps, None)?;
    let s = &witness.step;
    let inside = commitment.prev_time <= s.from
        && s.from <= witness.time
        && witness.time < s.until
        && s.until <= commitment.time;
    if !inside {
        return Err(WitnessError::TimeOutsideStep {
            time: witness.time,
            from: s.from,
            until: s.until,
            epoch_start: commitment.prev_time,
            epoch_end: commitment.time,
        });
    }
    let leaf = account_leaf(hasher, account, &witness.state);
    if witness.account_path.root(hasher, &leaf) != s.state_root {
        return Err(WitnessError::StateRootMismatch);
    }
    let steps_root = witness.step_path.root(hasher, &step_leaf(hasher, s));
    if commit(hasher, commitment, &steps_root) != commitment.root {
        return Err(WitnessError::CommitmentMismatch);
    }
    Ok(())
}

fn check_path(
    path: &'static str,
    p: &MerklePath,
    leaves: usize,
    expected_index: Option<usize>,
) -> Result<(), WitnessError> {
    let expected = tree_depth(leaves);
    if p.siblings.len() != expected {
        return Err(WitnessError::PathLength {
            path,
            expected,
            got: p.siblings.len(),
        });
    }
    match expected_index {
        Some(i) if p.index != i as u64 => Err(WitnessError::LeafIndex {
            path,
            expected: i.to_string(),
            got: p.index,
        }),
        None if p.index >= leaves as u64 => Err(WitnessError::LeafIndex {
            path,
            expected: format!("below {leaves}"),
            got: p.index,
        }),
        _ => Ok(()),
    }
}

fn account_leaf<H: CommitmentHasher>(hasher: &H, account: AccountId, state: &Digest) -> Digest {
    let mut m = vec![BabyBear::new(tag::ACCOUNT_LEAF)];
    push_u64(&mut m, u64::from(account.0));
    m.extend_from_slice(state);
    hasher.hash(&m)
}

fn step_leaf<H: CommitmentHasher>(hasher: &H, s: &StepLeaf) -> Digest {
    let mut m = vec![BabyBear::new(tag::STEP_LEAF)];
    push_u64(&mut m, s.from);
    push_u64(&mut m, s.until);
    m.extend_from_slice(&s.state_root);
    hasher.hash(&m)
}

/// C_p^t from the step tree's root and the commitment's metadata (its `root` is ignored).
fn commit<H: CommitmentHasher>(hasher: &H, c: &ProofCommitment, steps_root: &Digest) -> Digest {
    let mut m = vec![BabyBear::new(tag::COMMITMENT)];
    for x in [u64::from(c.vprog.0), c.prev_time, c.time, c.num_steps] {
        push_u64(&mut m, x);
    }
    hasher.compress(steps_root, &hasher.hash(&m))
}
