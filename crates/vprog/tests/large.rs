//! Only with `KILN_LARGE=1`: 10^6 operations through the engine with the planner, every
//! scope computed (the README's figure comes from `examples/throughput.rs`).

use std::time::Instant;

use kiln_vprog::{Applied, Engine, WitnessPolicy, Workload, WorkloadConfig};

#[test]
fn million_operations() {
    if !std::env::var("KILN_LARGE").is_ok_and(|v| v == "1") {
        eprintln!("skipped: set KILN_LARGE=1");
        return;
    }
    let cfg = WorkloadConfig {
        accounts: 100_000,
        vprogs: 100,
        q: 0.25,
        read_set: 3,
        local_read_set: 2,
        epoch: 10_000,
        max_gas: 10,
    };
    let mut work = Workload::new(cfg, 42).unwrap();
    let mut engine = Engine::new(work.model().clone()).with_witness_policy(WitnessPolicy::Planned);
    let t = Instant::now();
    let mut scopes = 0u64;
    for _ in 0..1_000_000 {
        if let Applied::Tx(out) = engine.apply(&work.next_op()).unwrap() {
            scopes += out.executions.len() as u64;
        }
    }
    eprintln!(
        "10^6 operations, {scopes} scopes, in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    assert_eq!(engine.now(), 1_000_000);
}
