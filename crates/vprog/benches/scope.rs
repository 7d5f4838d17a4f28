//! Throughput of the engine: apply a whole random workload (every scope computed), for
//! several sizes, with the planner choosing witnesses and with the same witnesses
//! declared. `KILN_LARGE=1` adds 10^6 operations.

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kiln_vprog::{Applied, Engine, Operation, WitnessPolicy, Workload, WorkloadConfig};

fn workload(ops: usize) -> (Workload, Vec<Operation>, Vec<Operation>) {
    let cfg = WorkloadConfig {
        accounts: 100_000,
        vprogs: 100,
        q: 0.25,
        read_set: 3,
        local_read_set: 2,
        epoch: 10_000,
        max_gas: 10,
    };
    let mut work = Workload::new(cfg, 42).expect("valid parameters");
    let plain: Vec<Operation> = (0..ops).map(|_| work.next_op()).collect();
    // The planner's witnesses, written into the transactions.
    let mut engine = Engine::new(work.model().clone()).with_witness_policy(WitnessPolicy::Planned);
    let declared = (plain.iter())
        .map(|op| match (engine.apply(op).expect("valid"), op) {
            (Applied::Tx(out), Operation::Tx(tx)) => {
                let mut tx = tx.clone();
                tx.witnesses = out.witnesses;
                Operation::Tx(tx)
            }
            _ => op.clone(),
        })
        .collect();
    (work, plain, declared)
}

fn bench_engine(c: &mut Criterion) {
    let mut sizes = vec![10_000, 100_000];
    if std::env::var("KILN_LARGE").is_ok_and(|v| v == "1") {
        sizes.push(1_000_000);
    }
    let mut group = c.benchmark_group("engine_apply");
    group.sample_size(10);
    for &n in &sizes {
        let (work, plain, declared) = workload(n);
        group.throughput(Throughput::Elements(n as u64));
        for (name, policy, ops) in [
            ("planned", WitnessPolicy::Planned, &plain),
            ("declared", WitnessPolicy::Declared, &declared),
        ] {
            group.bench_with_input(BenchmarkId::new(name, n), ops, |b, ops| {
                b.iter_batched(
                    || Engine::new(work.model().clone()).with_witness_policy(policy),
                    |mut engine| {
                        let mut total = 0usize;
                        for op in ops.iter() {
                            if let Applied::Tx(out) = engine.apply(op).expect("valid") {
                                total +=
                                    out.executions.iter().map(|e| e.scope.len()).sum::<usize>();
                            }
                        }
                        total
                    },
                    BatchSize::LargeInput,
                )
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_engine);
criterion_main!(benches);
