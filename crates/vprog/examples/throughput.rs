//! End-to-end throughput: generate a random workload of `KILN_OPS` operations (default
//! 10^6), then time the engine applying all of them with every scope computed, under
//! three witness regimes. Wall time, best of `KILN_REPEAT` runs (default 3; the
//! no-witness regime runs once). Run with
//! `cargo run --release -p kiln-vprog --example throughput`.

use std::time::Instant;

use kiln_vprog::{Applied, Engine, Operation, WitnessPolicy, Workload, WorkloadConfig};

fn main() {
    let ops: usize = std::env::var("KILN_OPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let cfg = WorkloadConfig {
        accounts: 100_000,
        vprogs: 100,
        q: 0.25,
        read_set: 3,
        local_read_set: 2,
        epoch: 10_000,
        max_gas: 10,
    };
    println!("workload: {cfg:?}, {ops} operations");
    let t = Instant::now();
    let mut work = Workload::new(cfg, 42).expect("valid parameters");
    let plain: Vec<Operation> = (0..ops).map(|_| work.next_op()).collect();
    println!("generated in {:.2} s", t.elapsed().as_secs_f64());

    let repeat: usize = std::env::var("KILN_REPEAT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
        .max(1);

    // 1. Planner: each transaction gets the witnesses that minimise its scopes.
    let mut declared = Vec::with_capacity(ops);
    let mut best = f64::INFINITY;
    let mut stats = (0, 0, 0);
    for _ in 0..repeat {
        let mut engine =
            Engine::new(work.model().clone()).with_witness_policy(WitnessPolicy::Planned);
        declared.clear();
        let t = Instant::now();
        stats = apply_all(&mut engine, &plain, Some(&mut declared));
        best = best.min(t.elapsed().as_secs_f64());
    }
    report("planned witnesses", best, ops, stats);

    // 2. The same witnesses, declared in the transactions.
    let mut best = f64::INFINITY;
    for _ in 0..repeat {
        let mut engine = Engine::new(work.model().clone());
        let t = Instant::now();
        stats = apply_all(&mut engine, &declared, None);
        best = best.min(t.elapsed().as_secs_f64());
    }
    report("declared witnesses", best, ops, stats);

    // 3. No witnesses: only what each vProg computed cuts its scopes.
    let mut engine = Engine::new(work.model().clone());
    let t = Instant::now();
    let stats = apply_all(&mut engine, &plain, None);
    report("no witnesses", t.elapsed().as_secs_f64(), ops, stats);
}

/// (executions, Σ scope sizes, max scope)
fn apply_all(
    engine: &mut Engine,
    ops: &[Operation],
    mut record: Option<&mut Vec<Operation>>,
) -> (u64, u64, usize) {
    let (mut execs, mut total, mut max) = (0u64, 0u64, 0usize);
    for op in ops {
        match engine.apply(op).expect("generated operations are valid") {
            Applied::Tx(out) => {
                for e in &out.executions {
                    execs += 1;
                    total += e.scope.len() as u64;
                    max = max.max(e.scope.len());
                }
                if let (Some(r), Operation::Tx(tx)) = (record.as_deref_mut(), op) {
                    let mut tx = tx.clone();
                    tx.witnesses = out.witnesses;
                    r.push(Operation::Tx(tx));
                }
            }
            Applied::Proof { .. } => {
                if let Some(r) = record.as_deref_mut() {
                    r.push(op.clone());
                }
            }
        }
    }
    (execs, total, max)
}

fn report(what: &str, secs: f64, ops: usize, (execs, total, max): (u64, u64, usize)) {
    println!(
        "{what:>20}: {ops} ops in {secs:.2} s ({:.2} M ops/s); {execs} scopes, total size {total}, mean {:.3}, max {max}",
        ops as f64 / secs / 1e6,
        total as f64 / execs.max(1) as f64,
    );
}
