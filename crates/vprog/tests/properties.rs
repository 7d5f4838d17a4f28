//! Property tests on seeded random workloads: the fast scope equals the naive reference;
//! a scope never crosses an anchor, every transaction in it is needed, and it suffices;
//! removing witnesses never shrinks a scope; the planner's witnesses give the least scope.

mod common;

use std::collections::HashSet;

use common::{engine_runs, random_workload, random_workload_sized, reference_runs};
use kiln_vprog::{
    Applied, Engine, Operation, Transaction, TxIndex, VProgId, VertexId, WitnessPolicy,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// Seeded and deterministic; `KILN_LARGE=1` runs 16 times more cases.
fn config(cases: u32) -> Config {
    let large = std::env::var("KILN_LARGE").is_ok_and(|v| v == "1");
    Config {
        cases: if large { cases * 16 } else { cases },
        rng_seed: RngSeed::Fixed(0x6b696c6e),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Anchors of p for `tx` as the next operation, from the engine's state before applying.
fn anchors(engine: &Engine, p: VProgId, tx: &Transaction) -> HashSet<VertexId> {
    let witnessed = tx
        .witnesses
        .iter()
        .map(|w| engine.dag().at(w.account, w.time));
    let computed = (0..engine.dag().num_vertices() as u32)
        .map(VertexId)
        .filter(|&v| engine.has_computed(p, v));
    witnessed.chain(computed).collect()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn fast_scope_equals_reference(seed in any::<u64>()) {
        let (model, ops) = random_workload(seed);
        prop_assert_eq!(engine_runs(&model, &ops), reference_runs(&model, &ops));
    }

    #[test]
    fn scope_never_crosses_an_anchor_is_needed_and_suffices(seed in any::<u64>()) {
        let (model, ops) = random_workload(seed);
        let mut engine = Engine::new(model);
        for op in &ops {
            let Operation::Tx(tx) = op else {
                engine.apply(op).unwrap();
                continue;
            };
            let executors: Vec<VProgId> = {
                let mut e: Vec<_> = tx.writes.iter().map(|&a| engine.model().owner(a)).collect();
                e.sort();
                e.dedup();
                e
            };
            let checks: Vec<_> = executors.iter().map(|&p| (p, anchors(&engine, p, tx))).collect();
            let inputs: Vec<VertexId> = tx.reads.iter().map(|&a| engine.dag().latest(a)).collect();
            let Applied::Tx(out) = engine.apply(op).unwrap() else { unreachable!() };
            let dag = engine.dag();
            for (exec, (p, anchor_set)) in out.executions.iter().zip(&checks) {
                prop_assert_eq!(exec.vprog, *p);
                let is_anchor = |v: VertexId| anchor_set.contains(&v);
                let scope: HashSet<TxIndex> = exec.scope.iter().copied().collect();
                // Every vertex the scope and x consume: R(x) and the scope's inputs.
                let consumed: HashSet<VertexId> = inputs
                    .iter()
                    .copied()
                    .chain(exec.scope.iter().flat_map(|&y| dag.tx_inputs(y).iter().copied()))
                    .collect();
                for &y in &exec.scope {
                    // Never crosses an anchor: y was reached through one of its outputs
                    // that is not an anchor and that x or the scope consumes.
                    let entry = dag.tx_outputs(y).iter().any(|&o| !is_anchor(o) && consumed.contains(&o));
                    prop_assert!(entry, "scope tx {:?} reached only through anchors", y);
                }
                // Needed: forward from R(x), the anchor-free vertices that reach R(x).
                let mut reaching: HashSet<VertexId> =
                    inputs.iter().copied().filter(|&v| !is_anchor(v)).collect();
                loop {
                    let before = reaching.len();
                    for y in 0..dag.num_txs() as u32 {
                        let y = TxIndex(y);
                        if y.0 as usize >= out.index.0 as usize {
                            break;
                        }
                        if dag.tx_outputs(y).iter().any(|o| reaching.contains(o)) {
                            for &u in dag.tx_inputs(y) {
                                if !is_anchor(u) {
                                    reaching.insert(u);
                                }
                            }
                        }
                    }
                    if reaching.len() == before {
                        break;
                    }
                }
                for &y in &exec.scope {
                    let needed = dag.tx_outputs(y).iter().any(|o| reaching.contains(o));
                    prop_assert!(needed, "scope tx {:?} does not reach R(x) anchor-free", y);
                }
                // Sufficient: everything consumed is an anchor or produced in the scope.
                for &v in &consumed {
                    let ok = is_anchor(v) || dag.vertex(v).creator().is_some_and(|c| scope.contains(&c));
                    prop_assert!(ok, "vertex {:?} is neither an anchor nor computed in the scope", v);
                }
            }
        }
    }

    #[test]
    fn removing_witnesses_never_shrinks_a_scope(seed in any::<u64>(), mask in any::<u64>()) {
        let (model, ops) = random_workload(seed);
        let n_vprogs = model.vprogs().len() as u32;
        let mut engine = Engine::new(model);
        for op in &ops {
            if let Operation::Tx(tx) = op {
                let mut fewer = tx.clone();
                let mut bit = 0;
                fewer.witnesses.retain(|_| {
                    bit += 1;
                    mask >> (bit % 64) & 1 == 1
                });
                for p in (0..n_vprogs).map(VProgId) {
                    let full: HashSet<TxIndex> = engine.scope(p, tx).unwrap().scope.into_iter().collect();
                    let less: HashSet<TxIndex> = engine.scope(p, &fewer).unwrap().scope.into_iter().collect();
                    prop_assert!(full.is_subset(&less));
                }
            }
            engine.apply(op).unwrap();
        }
    }

    #[test]
    fn planner_gives_the_least_scope(seed in any::<u64>()) {
        let (model, ops) = random_workload(seed);
        let mut engine = Engine::new(model);
        for op in &ops {
            if let Operation::Tx(tx) = op {
                let planned = engine.plan_witnesses(tx).unwrap();
                let mut with_plan = tx.clone();
                with_plan.witnesses = planned;
                // The least scope: every vertex that some proof backs, witnessed.
                let mut all = tx.clone();
                all.witnesses = (0..engine.dag().num_vertices() as u32)
                    .map(VertexId)
                    .map(|v| *engine.dag().vertex(v))
                    .filter(|vx| engine.dag().last_proof(engine.model().owner(vx.account)).is_some_and(|s| s > vx.time))
                    .map(|vx| kiln_vprog::Witness { account: vx.account, time: vx.time })
                    .collect();
                let executors: Vec<VProgId> = tx.writes.iter().map(|&a| engine.model().owner(a)).collect();
                for p in executors {
                    let declared = engine.scope(p, tx).unwrap();
                    let plan = engine.scope(p, &with_plan).unwrap();
                    let least = engine.scope(p, &all).unwrap();
                    prop_assert_eq!(&plan.scope, &least.scope);
                    let d: HashSet<_> = declared.scope.iter().collect();
                    prop_assert!(plan.scope.iter().all(|y| d.contains(y)));
                    prop_assert!(plan.mass <= declared.mass);
                }
            }
            engine.apply(op).unwrap();
        }
    }
}

/// The planner policy gives the same executions as declaring the planner's witnesses.
#[test]
fn planned_policy_matches_explicit_plan() {
    for seed in 0..200 {
        let (model, ops) = random_workload(seed);
        let mut planned = Engine::new(model.clone()).with_witness_policy(WitnessPolicy::Planned);
        let mut explicit = Engine::new(model);
        for op in &ops {
            let op2 = match op {
                Operation::Tx(tx) => {
                    let mut t = tx.clone();
                    t.witnesses = explicit.plan_witnesses(tx).unwrap();
                    Operation::Tx(t)
                }
                other => other.clone(),
            };
            assert_eq!(
                planned.apply(op).unwrap(),
                explicit.apply(&op2).unwrap(),
                "seed {seed}"
            );
        }
    }
}

/// Longer histories than the property tests: 40 workloads of up to 400 operations.
#[test]
fn fast_scope_equals_reference_on_longer_histories() {
    for seed in 0..40 {
        let (model, ops) = random_workload_sized(1_000 + seed, 6, 40, 400);
        assert_eq!(
            engine_runs(&model, &ops),
            reference_runs(&model, &ops),
            "seed {seed}"
        );
    }
}
