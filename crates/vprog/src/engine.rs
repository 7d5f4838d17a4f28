//! The engine: applies operations in sequence order, grows the DAG, and computes the scope
//! and execution mass of every transaction for every vProg that must execute it.

use crate::dag::Dag;
use crate::error::{OpError, ValidationError};
use crate::ids::{Time, TxIndex, VProgId, VertexId};
use crate::knowledge::Knowledge;
use crate::model::{Model, Operation, Transaction, Witness};

/// Where a transaction's witnesses come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WitnessPolicy {
    /// Use the witnesses the transaction declares.
    #[default]
    Declared,
    /// Validate the declared witnesses, then replace them by the planner's choice: the
    /// witnesses, among all that the proofs submitted so far can back, that minimise every
    /// executor's scope (see [`Engine::plan_witnesses`]).
    Planned,
}

/// One vProg's execution of a transaction: what it had to re-execute first, and the cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Execution {
    /// The executing vProg v.
    pub vprog: VProgId,
    /// scope(x, v): transactions to execute before x, in sequence order.
    pub scope: Vec<TxIndex>,
    /// EM_v(x) = Σ_{y ∈ scope} Σ_i PG_i(y)·GS(i) + Σ_i PG_i(x)·GS(i), saturating at
    /// `u64::MAX`.
    pub mass: u64,
}

/// What applying a transaction did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxOutcome {
    /// The transaction's index in the DAG.
    pub index: TxIndex,
    /// Its time.
    pub time: Time,
    /// One execution per vProg owning an account of w(x), in increasing vProg id.
    pub executions: Vec<Execution>,
    /// The witnesses in force: the declared ones, or the planner's.
    pub witnesses: Vec<Witness>,
}

/// What applying an operation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    Tx(TxOutcome),
    Proof { vprog: VProgId, time: Time },
}

/// Reusable traversal state. Sets are arrays of stamps: an entry belongs to the current
/// set iff it equals the current stamp, so "clearing" a set is bumping a counter and a
/// scope costs O(scope), never O(history).
#[derive(Clone, Debug, Default)]
struct Scratch {
    stamp: u32,
    vertex_visit: Vec<u32>,
    vertex_witness: Vec<u32>,
    tx_visit: Vec<u32>,
    account_read: Vec<u32>,
    account_write: Vec<u32>,
    vprog_mark: Vec<u32>,
    stack: Vec<VertexId>,
    inputs: Vec<VertexId>,
    witnesses: Vec<VertexId>,
    executors: Vec<VProgId>,
}

impl Scratch {
    fn new(accounts: usize, vprogs: usize) -> Self {
        Self {
            account_read: vec![0; accounts],
            account_write: vec![0; accounts],
            vprog_mark: vec![0; vprogs],
            ..Self::default()
        }
    }

    /// A fresh stamp. After 2^32 − 1 of them every array is zeroed once, so stale entries
    /// can never alias a new stamp.
    fn next(&mut self) -> u32 {
        if self.stamp == u32::MAX {
            for a in [
                &mut self.vertex_visit,
                &mut self.vertex_witness,
                &mut self.tx_visit,
                &mut self.account_read,
                &mut self.account_write,
                &mut self.vprog_mark,
            ] {
                a.fill(0);
            }
            self.stamp = 0;
        }
        self.stamp += 1;
        self.stamp
    }

    fn fit(&mut self, vertices: usize, txs: usize) {
        if self.vertex_visit.len() < vertices {
            self.vertex_visit.resize(vertices, 0);
            self.vertex_witness.resize(vertices, 0);
        }
        if self.tx_visit.len() < txs {
            self.tx_visit.resize(txs, 0);
        }
    }
}

/// A transaction that passed validation.
struct Checked {
    time: Time,
    scaled_gas: u64,
}

/// The vProg engine. Apply operations in sequence order with [`Engine::apply`]; each
/// transaction comes back with the scope and execution mass of every vProg that must
/// execute it, and those vProgs' stored states are updated.
///
/// Mathematical description: for a vProg p and a transaction x_t, the anchors A(p, x_t)
/// are the genesis vertices, the vertices of p's own accounts, the vertices p has computed
/// while executing earlier transactions and their scopes, and the vertices witnessed by
/// π(x_t). The scope is the set of creators of the vertices reachable backwards from
/// R(x_t) without passing through an anchor.
#[derive(Clone, Debug)]
pub struct Engine {
    model: Model,
    dag: Dag,
    knowledge: Knowledge,
    now: Time,
    policy: WitnessPolicy,
    scratch: Scratch,
}

impl Engine {
    /// An engine at genesis, using declared witnesses.
    pub fn new(model: Model) -> Self {
        let (n_accounts, n_vprogs) = (model.accounts().len(), model.vprogs().len());
        Self {
            dag: Dag::new(n_accounts, n_vprogs),
            knowledge: Knowledge::new(n_vprogs),
            now: 0,
            policy: WitnessPolicy::Declared,
            scratch: Scratch::new(n_accounts, n_vprogs),
            model,
        }
    }

    /// Chooses where transactions' witnesses come from.
    pub fn with_witness_policy(mut self, policy: WitnessPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The witness policy in force.
    pub fn witness_policy(&self) -> WitnessPolicy {
        self.policy
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The DAG so far.
    pub fn dag(&self) -> &Dag {
        &self.dag
    }

    /// The time of the latest operation applied (0 at genesis). The next operation
    /// happens at `now() + 1`.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Number of (vProg, vertex) pairs stored because a vProg computed a foreign vertex.
    pub fn stored_foreign_states(&self) -> usize {
        self.knowledge.len()
    }

    /// Whether p holds the state of vertex `v` without any witness: genesis, p's own
    /// account, or computed by p earlier.
    ///
    /// # Panics
    /// If `v` is out of range.
    #[inline]
    pub fn has_computed(&self, p: VProgId, v: VertexId) -> bool {
        let vx = self.dag.vertex(v);
        vx.is_genesis() || self.model.owner(vx.account) == p || self.knowledge.contains(p, v)
    }

    /// Applies the next operation.
    pub fn apply(&mut self, op: &Operation) -> Result<Applied, OpError> {
        match op {
            Operation::Tx(tx) => self.apply_tx(tx).map(Applied::Tx),
            Operation::Proof(p) => self
                .submit_proof(*p)
                .map(|time| Applied::Proof { vprog: *p, time }),
        }
    }

    /// Applies a proof submission by `p`; returns its time.
    pub fn submit_proof(&mut self, p: VProgId) -> Result<Time, OpError> {
        if self.model.vprog(p).is_none() {
            return Err(self.op_error(ValidationError::UnknownVProg {
                field: "proof",
                vprog: p.0,
            }));
        }
        self.now += 1;
        self.dag.push_proof(p, self.now);
        Ok(self.now)
    }

    /// Applies a transaction: computes each executor's scope and mass, records what the
    /// executors now store, and adds the transaction's vertices to the DAG.
    pub fn apply_tx(&mut self, tx: &Transaction) -> Result<TxOutcome, OpError> {
        let checked = self.check(tx).map_err(|e| self.op_error(e))?;
        let planned = self.policy == WitnessPolicy::Planned;
        let ws = self.load_witnesses(tx, planned);
        let executors = std::mem::take(&mut self.scratch.executors);
        let mut executions = Vec::with_capacity(executors.len());
        for &p in &executors {
            let scope = self.traverse(p, ws, planned);
            let mass = self.mass(&scope, checked.scaled_gas);
            // p executed the scope: it now stores every state those transactions produced.
            for &y in &scope {
                for &o in self.dag.tx_outputs(y) {
                    if self.model.owner(self.dag.vertex(o).account) != p {
                        self.knowledge.insert(p, o);
                    }
                }
            }
            executions.push(Execution {
                vprog: p,
                scope,
                mass,
            });
        }
        let witnesses = if planned {
            let mut w: Vec<Witness> = (self.scratch.witnesses.iter())
                .map(|&v| {
                    let vx = self.dag.vertex(v);
                    Witness {
                        account: vx.account,
                        time: vx.time,
                    }
                })
                .collect();
            w.sort_unstable_by_key(|w| (w.time, w.account));
            w
        } else {
            tx.witnesses.clone()
        };
        let index = self.dag.push_tx(
            checked.time,
            &self.scratch.inputs,
            &tx.writes,
            checked.scaled_gas,
        );
        // ... and the states x itself produced, foreign ones included (multi-writer x).
        for &p in &executors {
            for &o in self.dag.tx_outputs(index) {
                if self.model.owner(self.dag.vertex(o).account) != p {
                    self.knowledge.insert(p, o);
                }
            }
        }
        self.scratch.executors = executors;
        self.now = checked.time;
        Ok(TxOutcome {
            index,
            time: checked.time,
            executions,
            witnesses,
        })
    }

    /// scope(x, p) and EM_p(x) for the transaction as if it were applied next, with its
    /// declared witnesses, for any vProg p (an executor or not). Changes nothing.
    pub fn scope(&mut self, p: VProgId, tx: &Transaction) -> Result<Execution, ValidationError> {
        if self.model.vprog(p).is_none() {
            return Err(ValidationError::UnknownVProg {
                field: "vprog",
                vprog: p.0,
            });
        }
        let checked = self.check(tx)?;
        let ws = self.load_witnesses(tx, false);
        let scope = self.traverse(p, ws, false);
        let mass = self.mass(&scope, checked.scaled_gas);
        Ok(Execution {
            vprog: p,
            scope,
            mass,
        })
    }

    /// The planner: the witnesses that minimise the scope of every executor of `tx` (as if
    /// applied next), sorted by (time, account).
    ///
    /// Scopes only shrink as anchors are added, so the minimum is reached by witnessing
    /// every vertex that some proof submitted so far can back: a vertex at time k of an
    /// account whose owner proved at a time after k. The planner returns the frontier of
    /// that set: the backed vertices the traversal from R(x) actually reaches, which is
    /// the fewest witnesses achieving the minimum for each executor.
    pub fn plan_witnesses(&mut self, tx: &Transaction) -> Result<Vec<Witness>, ValidationError> {
        self.check(tx)?;
        let ws = self.load_witnesses(tx, true);
        let executors = std::mem::take(&mut self.scratch.executors);
        for &p in &executors {
            self.traverse(p, ws, true);
        }
        self.scratch.executors = executors;
        let mut w: Vec<Witness> = (self.scratch.witnesses.iter())
            .map(|&v| {
                let vx = self.dag.vertex(v);
                Witness {
                    account: vx.account,
                    time: vx.time,
                }
            })
            .collect();
        w.sort_unstable_by_key(|w| (w.time, w.account));
        Ok(w)
    }

    fn op_error(&self, kind: ValidationError) -> OpError {
        OpError {
            index: self.now as usize,
            time: self.now + 1,
            kind,
        }
    }

    fn mass(&self, scope: &[TxIndex], own: u64) -> u64 {
        scope
            .iter()
            .fold(own, |m, &y| m.saturating_add(self.dag.tx_scaled_gas(y)))
    }

    /// Validates `tx` as the next operation; leaves R(x) in `scratch.inputs` and the
    /// executors (sorted) in `scratch.executors`.
    fn check(&mut self, tx: &Transaction) -> Result<Checked, ValidationError> {
        let time = self.now + 1;
        let n_accounts = self.model.accounts().len();
        let s = &mut self.scratch;
        let stamp = s.next();
        s.inputs.clear();
        for &a in &tx.reads {
            if a.index() >= n_accounts {
                return Err(ValidationError::UnknownAccount {
                    field: "reads",
                    account: a.0,
                });
            }
            if s.account_read[a.index()] == stamp {
                let account = self.model.account_name(a);
                return Err(ValidationError::DuplicateAccount {
                    field: "reads",
                    account,
                });
            }
            s.account_read[a.index()] = stamp;
            s.inputs.push(self.dag.latest(a));
        }
        s.executors.clear();
        for &a in &tx.writes {
            if a.index() >= n_accounts {
                return Err(ValidationError::UnknownAccount {
                    field: "writes",
                    account: a.0,
                });
            }
            if s.account_write[a.index()] == stamp {
                let account = self.model.account_name(a);
                return Err(ValidationError::DuplicateAccount {
                    field: "writes",
                    account,
                });
            }
            s.account_write[a.index()] = stamp;
            if s.account_read[a.index()] != stamp {
                let account = self.model.account_name(a);
                return Err(ValidationError::WriteOutsideReadSet { account });
            }
            let p = self.model.owner(a);
            if s.vprog_mark[p.index()] != stamp {
                s.vprog_mark[p.index()] = stamp;
                s.executors.push(p);
            }
        }
        s.executors.sort_unstable();
        for w in &tx.witnesses {
            let Some(account) = self.model.account(w.account) else {
                return Err(ValidationError::UnknownAccount {
                    field: "witnesses",
                    account: w.account.0,
                });
            };
            if w.time >= time {
                return Err(ValidationError::WitnessNotBefore {
                    account: account.name.clone(),
                    witness_time: w.time,
                    tx_time: time,
                });
            }
            let last_proof = self.dag.last_proof(account.owner);
            if last_proof.is_none_or(|s| s <= w.time) {
                return Err(ValidationError::WitnessNotBacked {
                    account: account.name.clone(),
                    witness_time: w.time,
                    owner: self.model.vprog_name(account.owner),
                    last_proof,
                });
            }
        }
        // Proof gas: a second stamp marks vProgs seen in `proof_gas`, the first the writers.
        let gas_stamp = s.next();
        let mut scaled_gas = 0u64;
        for &(p, gas) in &tx.proof_gas {
            let Some(vprog) = self.model.vprog(p) else {
                return Err(ValidationError::UnknownVProg {
                    field: "proof_gas",
                    vprog: p.0,
                });
            };
            let mark = s.vprog_mark[p.index()];
            if mark == gas_stamp {
                return Err(ValidationError::DuplicateVProg {
                    vprog: vprog.name.clone(),
                });
            }
            if mark != stamp {
                return Err(ValidationError::ProofGasForNonWriter {
                    vprog: vprog.name.clone(),
                });
            }
            s.vprog_mark[p.index()] = gas_stamp;
            scaled_gas = gas
                .checked_mul(vprog.gas_scale)
                .and_then(|g| scaled_gas.checked_add(g))
                .ok_or(ValidationError::GasOverflow)?;
        }
        let max = u64::from(u32::MAX - 1);
        if (self.dag.num_vertices() + tx.writes.len()) as u64 > max {
            return Err(ValidationError::Capacity {
                what: "vertices",
                max,
            });
        }
        if self.dag.num_txs() as u64 >= max {
            return Err(ValidationError::Capacity {
                what: "transactions",
                max,
            });
        }
        Ok(Checked { time, scaled_gas })
    }

    /// Marks the declared witnesses of `tx` (already validated) with a fresh stamp and
    /// returns it. In planning mode the set starts empty and the traversal fills it.
    fn load_witnesses(&mut self, tx: &Transaction, planned: bool) -> u32 {
        self.scratch
            .fit(self.dag.num_vertices(), self.dag.num_txs());
        let ws = self.scratch.next();
        self.scratch.witnesses.clear();
        if !planned {
            for w in &tx.witnesses {
                let v = self.dag.at(w.account, w.time);
                self.scratch.vertex_witness[v.index()] = ws;
            }
        }
        ws
    }

    /// The backward traversal from R(x) (in `scratch.inputs`) for vProg p, halting at
    /// anchors: genesis, p's accounts, vertices p computed, and vertices stamped `ws`
    /// (witnessed). With `plan`, a vertex that a proof can back is witnessed on the spot:
    /// stamped `ws`, recorded in `scratch.witnesses`, and not expanded.
    ///
    /// Returns the scope in sequence order. Cost: O(scope · (inputs + outputs) + sort).
    fn traverse(&mut self, p: VProgId, ws: u32, plan: bool) -> Vec<TxIndex> {
        let dag = &self.dag;
        let model = &self.model;
        let knowledge = &self.knowledge;
        let s = &mut self.scratch;
        let visit = s.next();
        let is_anchor = |s: &Scratch, v: VertexId| {
            let vx = dag.vertex(v);
            vx.is_genesis()
                || s.vertex_witness[v.index()] == ws
                || model.owner(vx.account) == p
                || knowledge.contains(p, v)
        };
        let mut scope = Vec::new();
        s.stack.clear();
        for i in 0..s.inputs.len() {
            let v = s.inputs[i];
            if s.vertex_visit[v.index()] != visit {
                s.vertex_visit[v.index()] = visit;
                s.stack.push(v);
            }
        }
        while let Some(v) = s.stack.pop() {
            if is_anchor(s, v) {
                continue;
            }
            let vx = dag.vertex(v);
            if plan
                && dag
                    .last_proof(model.owner(vx.account))
                    .is_some_and(|t| t > vx.time)
            {
                s.vertex_witness[v.index()] = ws;
                s.witnesses.push(v);
                continue;
            }
            // Not genesis, so it has a creator.
            let Some(y) = vx.creator() else { continue };
            if s.tx_visit[y.index()] == visit {
                continue;
            }
            s.tx_visit[y.index()] = visit;
            scope.push(y);
            for &u in dag.tx_inputs(y) {
                if s.vertex_visit[u.index()] != visit {
                    s.vertex_visit[u.index()] = visit;
                    s.stack.push(u);
                }
            }
        }
        scope.sort_unstable();
        scope
    }
}
