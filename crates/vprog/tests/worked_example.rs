//! The worked example from the seed's discussion (p owns A; B and C are foreign):
//! the scope of x_t is empty, the scope of x_{t+1} is {x_{t-3}, x_{t-2}}.

use kiln_vprog::{
    Account, AccountId, Applied, Engine, Model, Operation, Transaction, TxIndex, VProg, VProgId,
    Witness,
};

const P: VProgId = VProgId(0);
const Q: VProgId = VProgId(1);
const A: AccountId = AccountId(0);
const B: AccountId = AccountId(1);
const C: AccountId = AccountId(2);

fn tx(reads: &[AccountId], writes: &[AccountId], witnesses: &[(AccountId, u64)]) -> Operation {
    Operation::Tx(Transaction {
        reads: reads.to_vec(),
        writes: writes.to_vec(),
        witnesses: witnesses
            .iter()
            .map(|&(account, time)| Witness { account, time })
            .collect(),
        proof_gas: vec![],
    })
}

#[test]
fn seed_worked_example() {
    let model = Model::new(
        vec![
            VProg {
                name: "p".into(),
                gas_scale: 1,
            },
            VProg {
                name: "q".into(),
                gas_scale: 1,
            },
        ],
        vec![
            Account {
                name: "A".into(),
                owner: P,
            },
            Account {
                name: "B".into(),
                owner: Q,
            },
            Account {
                name: "C".into(),
                owner: Q,
            },
        ],
    )
    .unwrap();
    // t = 6.
    let ops = [
        tx(&[A], &[A], &[]),          // t-5: A_{t-5}
        tx(&[B], &[B], &[]),          // t-4: B_{t-4}
        tx(&[B], &[B], &[]),          // t-3: reads B_{t-4}, writes B_{t-3}
        tx(&[B, C], &[B, C], &[]),    // t-2: reads B_{t-3}, writes B_{t-2}, C_{t-2}
        Operation::Proof(Q),          // t-1: q commits its steps up to t-1
        tx(&[B, A], &[A], &[(B, 4)]), // t: witness to B_{t-2}
        tx(&[C, A], &[A], &[(B, 2)]), // t+1: reads C_{t-2}, witness to B_{t-4}
    ];
    let mut engine = Engine::new(model);
    let mut outcomes = Vec::new();
    for op in &ops {
        outcomes.push(engine.apply(op).unwrap());
    }
    let Applied::Tx(at_t) = &outcomes[5] else {
        panic!()
    };
    assert_eq!(at_t.executions.len(), 1);
    assert_eq!(at_t.executions[0].vprog, P);
    assert!(at_t.executions[0].scope.is_empty());
    let Applied::Tx(at_t1) = &outcomes[6] else {
        panic!()
    };
    // Transactions are numbered without the proof: x_{t-3} is index 2, x_{t-2} index 3.
    assert_eq!(at_t1.executions[0].scope, vec![TxIndex(2), TxIndex(3)]);
}

#[test]
fn worked_example_sample_file() {
    let scenario =
        kiln_vprog::Scenario::from_json(include_str!("../samples/worked_example.json")).unwrap();
    let report = scenario.run(kiln_vprog::WitnessPolicy::Declared).unwrap();
    let rows: Vec<(&str, &str, Vec<&str>)> = (report.rows.iter())
        .map(|r| {
            (
                r.tx.as_str(),
                r.vprog.as_str(),
                r.scope.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(rows[4], ("x_t", "p", vec![]));
    assert_eq!(rows[5], ("x_t+1", "p", vec!["x_t-3", "x_t-2"]));
    // EM_p(x_{t+1}) = PG(x_{t-3}) + PG(x_{t-2}) + PG(x_{t+1}) = 2 + 3 + 1.
    assert_eq!(report.rows[5].mass, 6);
    print!("{}", report.to_table());
}
