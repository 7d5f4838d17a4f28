//! Shared by the integration tests: a seeded random workload generator and a naive
//! reference implementation of the scope, recomputed from the full history.

#![allow(dead_code)]

pub mod poseidon2;

use std::collections::HashSet;

use kiln_vprog::{
    Account, AccountId, Applied, Engine, Execution, Model, Operation, Transaction, TxIndex, VProg,
    VProgId, Witness,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A small random system and a valid operation sequence for it: every witness is backed
/// by a proof of the owner made after the witnessed time.
pub fn random_workload(seed: u64) -> (Model, Vec<Operation>) {
    random_workload_sized(seed, 4, 9, 60)
}

/// As [`random_workload`], with at most `max_vprogs` vProgs, `max_accounts` accounts and
/// `max_len` operations.
pub fn random_workload_sized(
    seed: u64,
    max_vprogs: usize,
    max_accounts: usize,
    max_len: usize,
) -> (Model, Vec<Operation>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n_vprogs = rng.random_range(1..=max_vprogs);
    let n_accounts = rng.random_range(1..=max_accounts);
    let vprogs = (0..n_vprogs)
        .map(|i| VProg {
            name: format!("p{i}"),
            gas_scale: rng.random_range(1..=5),
        })
        .collect();
    let accounts: Vec<Account> = (0..n_accounts)
        .map(|i| Account {
            name: format!("a{i}"),
            owner: VProgId(rng.random_range(0..n_vprogs as u32)),
        })
        .collect();
    let owners: Vec<VProgId> = accounts.iter().map(|a| a.owner).collect();
    let model = Model::new(vprogs, accounts).unwrap();
    let len = rng.random_range(1..=max_len);
    let p_proof = rng.random_range(0.0..0.4);
    let mut last_proof = vec![0u64; n_vprogs];
    let mut ops = Vec::with_capacity(len);
    for k in 0..len {
        let time = k as u64 + 1;
        if rng.random_bool(p_proof) {
            let p = rng.random_range(0..n_vprogs);
            last_proof[p] = time;
            ops.push(Operation::Proof(VProgId(p as u32)));
            continue;
        }
        let k_reads = rng.random_range(1..=n_accounts.min(4));
        let mut reads: Vec<AccountId> = Vec::new();
        while reads.len() < k_reads {
            let a = AccountId(rng.random_range(0..n_accounts as u32));
            if !reads.contains(&a) {
                reads.push(a);
            }
        }
        let writes: Vec<AccountId> = reads
            .iter()
            .copied()
            .filter(|_| rng.random_bool(0.6))
            .collect();
        let mut witnesses = Vec::new();
        for _ in 0..rng.random_range(0..4) {
            let a = AccountId(rng.random_range(0..n_accounts as u32));
            let s = last_proof[owners[a.index()].index()];
            if s > 0 {
                witnesses.push(Witness {
                    account: a,
                    time: rng.random_range(0..s),
                });
            }
        }
        let mut proof_gas = Vec::new();
        for &a in &writes {
            let p = owners[a.index()];
            if !proof_gas.iter().any(|&(q, _)| q == p) && rng.random_bool(0.8) {
                proof_gas.push((p, rng.random_range(0..10)));
            }
        }
        ops.push(Operation::Tx(Transaction {
            reads,
            writes,
            witnesses,
            proof_gas,
        }));
    }
    (model, ops)
}

/// (vProg, scope, mass) per execution, per transaction.
pub type Runs = Vec<Vec<(VProgId, Vec<TxIndex>, u64)>>;

/// Runs the engine over the sequence and collects every execution.
pub fn engine_runs(model: &Model, ops: &[Operation]) -> Runs {
    let mut engine = Engine::new(model.clone());
    let mut out = Vec::new();
    for op in ops {
        if let Applied::Tx(o) = engine.apply(op).unwrap() {
            out.push(
                o.executions
                    .into_iter()
                    .map(|e: Execution| (e.vprog, e.scope, e.mass))
                    .collect(),
            );
        }
    }
    out
}

struct RefVertex {
    account: usize,
    time: u64,
    creator: Option<usize>,
}

struct RefTx {
    inputs: Vec<usize>,
    outputs: Vec<usize>,
    gas: u64,
}

/// The reference: the scope as the definition states it, routable(R(x), A(p, x)),
/// computed by a fixpoint over every vertex and transaction of the whole history, with
/// linear scans instead of indexes.
pub fn reference_runs(model: &Model, ops: &[Operation]) -> Runs {
    let n = model.accounts().len();
    let owner = |a: usize| model.accounts()[a].owner;
    let mut vertices: Vec<RefVertex> = (0..n)
        .map(|a| RefVertex {
            account: a,
            time: 0,
            creator: None,
        })
        .collect();
    let mut txs: Vec<RefTx> = Vec::new();
    let mut known: HashSet<(VProgId, usize)> = HashSet::new();
    let mut out = Vec::new();
    let state_at = |vertices: &[RefVertex], a: usize, t: u64| -> usize {
        (0..vertices.len())
            .filter(|&v| vertices[v].account == a && vertices[v].time <= t)
            .max_by_key(|&v| vertices[v].time)
            .unwrap()
    };
    for (k, op) in ops.iter().enumerate() {
        let time = k as u64 + 1;
        let Operation::Tx(tx) = op else { continue };
        let inputs: Vec<usize> = tx
            .reads
            .iter()
            .map(|a| state_at(&vertices, a.index(), time - 1))
            .collect();
        let witnessed: HashSet<usize> = tx
            .witnesses
            .iter()
            .map(|w| state_at(&vertices, w.account.index(), w.time))
            .collect();
        let mut executors: Vec<VProgId> = tx.writes.iter().map(|a| owner(a.index())).collect();
        executors.sort();
        executors.dedup();
        let gas = tx
            .proof_gas
            .iter()
            .map(|&(p, g)| g * model.vprogs()[p.index()].gas_scale)
            .sum::<u64>();
        let mut runs = Vec::new();
        for &p in &executors {
            let anchor = |v: usize| {
                vertices[v].creator.is_none()
                    || owner(vertices[v].account) == p
                    || witnessed.contains(&v)
                    || known.contains(&(p, v))
            };
            let mut routable = vec![false; vertices.len()];
            loop {
                let mut changed = false;
                for v in 0..vertices.len() {
                    if routable[v] || anchor(v) {
                        continue;
                    }
                    let feeds = inputs.contains(&v)
                        || txs.iter().any(|y| {
                            y.inputs.contains(&v) && y.outputs.iter().any(|&o| routable[o])
                        });
                    if feeds {
                        routable[v] = true;
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
            }
            let mut scope: Vec<usize> = (0..vertices.len())
                .filter(|&v| routable[v])
                .filter_map(|v| vertices[v].creator)
                .collect();
            scope.sort();
            scope.dedup();
            let mass = gas + scope.iter().map(|&y| txs[y].gas).sum::<u64>();
            for &y in &scope {
                for &o in &txs[y].outputs {
                    if owner(vertices[o].account) != p {
                        known.insert((p, o));
                    }
                }
            }
            runs.push((
                p,
                scope.into_iter().map(|y| TxIndex(y as u32)).collect(),
                mass,
            ));
        }
        let x = txs.len();
        let outputs: Vec<usize> = tx
            .writes
            .iter()
            .map(|a| {
                vertices.push(RefVertex {
                    account: a.index(),
                    time,
                    creator: Some(x),
                });
                vertices.len() - 1
            })
            .collect();
        for &p in &executors {
            for &o in &outputs {
                if owner(vertices[o].account) != p {
                    known.insert((p, o));
                }
            }
        }
        txs.push(RefTx {
            inputs,
            outputs,
            gas,
        });
        out.push(runs);
    }
    out
}
