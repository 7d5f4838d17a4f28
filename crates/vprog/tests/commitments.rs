//! Proof commitments and state witnesses with a real hash (Plonky3's Poseidon2 over
//! BabyBear): every witness a transaction uses can be produced from the ledger and
//! verifies, and tampered or malformed witnesses are rejected with typed errors.

mod common;

use common::poseidon2::P3Poseidon2;
use common::random_workload;
use kiln_field::BabyBear;
use kiln_vprog::{
    Account, AccountId, Applied, CommitmentHasher, DigestExecutor, DigestTree, Engine, LedgerError,
    Model, Operation, ProofCommitment, StateLedger, StateWitness, Transaction, VProg, VProgId,
    Witness, WitnessError, WitnessPolicy, ZERO_DIGEST, verify_witness,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// Runs the sequence through engine and ledger; returns every (commitment, witness) the
/// transactions' witnesses map to, each checked against the ledger's state of the vertex.
fn run(
    model: Model,
    ops: &[Operation],
    policy: WitnessPolicy,
) -> (
    Engine,
    StateLedger<P3Poseidon2>,
    Vec<(ProofCommitment, StateWitness)>,
) {
    let mut ledger = StateLedger::new(P3Poseidon2::new(), DigestExecutor, &model);
    let mut engine = Engine::new(model).with_witness_policy(policy);
    let mut proven = Vec::new();
    for op in ops {
        let applied = engine.apply(op).unwrap();
        if let Applied::Tx(out) = &applied {
            for &w in &out.witnesses {
                let (c, wit) = ledger.witness(&engine, w).unwrap();
                let v = engine.dag().at(w.account, w.time);
                assert_eq!(&wit.state, ledger.state(v).unwrap());
                proven.push((c, wit));
            }
        }
        ledger.observe(&engine, &applied).unwrap();
    }
    (engine, ledger, proven)
}

#[test]
fn merkle_tree_paths_and_updates() {
    let h = P3Poseidon2::new();
    for n in [0usize, 1, 2, 3, 5, 8, 13] {
        let leaves: Vec<_> = (0..n).map(|i| h.hash(&[BabyBear::new(i as u32)])).collect();
        let mut tree = DigestTree::new(&h, leaves.clone());
        assert_eq!(tree.len(), n);
        for (i, leaf) in leaves.iter().enumerate() {
            let path = tree.open(i).unwrap();
            assert_eq!(path.root(&h, leaf), tree.root());
        }
        assert!(tree.open(n).is_none());
        if n > 0 {
            let new_leaf = h.hash(&[BabyBear::new(999)]);
            tree.set(&h, n - 1, new_leaf);
            let mut rebuilt = leaves;
            rebuilt[n - 1] = new_leaf;
            assert_eq!(tree.root(), DigestTree::new(&h, rebuilt).root());
        } else {
            assert_eq!(tree.root(), ZERO_DIGEST);
        }
    }
}

#[test]
fn worked_example_witnesses_verify() {
    let sample = include_str!("../samples/worked_example.json");
    let scenario = kiln_vprog::Scenario::from_json(sample).unwrap();
    let (engine, ledger, proven) = run(
        scenario.model.clone(),
        &scenario.operations,
        WitnessPolicy::Declared,
    );
    assert_eq!(proven.len(), 2);
    for (c, w) in &proven {
        verify_witness(ledger.hasher(), engine.model(), c, w).unwrap();
    }
    // q proved once, at time 5, over its steps at times 0, 2, 3 and 4.
    let q = VProgId(1);
    let cs = ledger.commitments(q);
    assert_eq!(cs.len(), 1);
    assert_eq!((cs[0].prev_time, cs[0].time, cs[0].num_steps), (0, 5, 4));
    // The account A of p was never committed.
    let a = Witness {
        account: AccountId(0),
        time: 1,
    };
    assert_eq!(
        ledger.witness(&engine, a).unwrap_err(),
        LedgerError::NotCommitted { vprog: 0, time: 1 }
    );
}

#[test]
fn witnesses_of_random_workloads_verify() {
    let mut n = 0;
    for seed in 0..150 {
        for policy in [WitnessPolicy::Declared, WitnessPolicy::Planned] {
            let (model, ops) = random_workload(seed);
            let (engine, ledger, proven) = run(model, &ops, policy);
            for (c, w) in &proven {
                verify_witness(ledger.hasher(), engine.model(), c, w).unwrap();
                n += 1;
            }
        }
    }
    assert!(n > 1000, "only {n} witnesses exercised");
}

/// A two-vProg system with a few epochs, to tamper with.
fn sample_witness() -> (Model, P3Poseidon2, ProofCommitment, StateWitness) {
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
        (0..5)
            .map(|i| Account {
                name: format!("a{i}"),
                owner: VProgId(i % 2),
            })
            .collect(),
    )
    .unwrap();
    let a = |i| AccountId(i);
    let tx = |r: &[u32], w: &[u32]| {
        Operation::Tx(Transaction {
            reads: r.iter().map(|&i| a(i)).collect(),
            writes: w.iter().map(|&i| a(i)).collect(),
            ..Transaction::default()
        })
    };
    let ops = [
        tx(&[0, 1], &[0]),
        tx(&[2], &[2]),
        Operation::Proof(VProgId(0)),
        tx(&[4, 1], &[4, 1]),
        tx(&[0], &[0]),
        tx(&[2, 0], &[2]),
        Operation::Proof(VProgId(0)),
    ];
    let (engine, ledger, _) = run(model.clone(), &ops, WitnessPolicy::Declared);
    let (c, w) = ledger
        .witness(
            &engine,
            Witness {
                account: a(2),
                time: 5,
            },
        )
        .unwrap();
    assert_eq!((c.prev_time, c.time), (3, 7));
    verify_witness(ledger.hasher(), &model, &c, &w).unwrap();
    (model, P3Poseidon2::new(), c, w)
}

#[test]
fn tampered_witnesses_are_rejected() {
    let (model, h, c, w) = sample_witness();
    let check = |c: &ProofCommitment, w: &StateWitness| verify_witness(&h, &model, c, w);
    let one = BabyBear::new(1);

    let mut t = w.clone();
    t.state[0] += one;
    assert_eq!(check(&c, &t), Err(WitnessError::StateRootMismatch));

    let mut t = w.clone();
    t.account_path.siblings[0][3] += one;
    assert_eq!(check(&c, &t), Err(WitnessError::StateRootMismatch));

    let mut t = w.clone();
    t.step.state_root[7] += one;
    assert_eq!(check(&c, &t), Err(WitnessError::StateRootMismatch));

    let mut t = w.clone();
    t.step_path.siblings[0][0] += one;
    assert_eq!(check(&c, &t), Err(WitnessError::CommitmentMismatch));

    // Claiming the state held longer than it did.
    let mut t = w.clone();
    t.step.until += 1;
    assert_eq!(check(&c, &t), Err(WitnessError::CommitmentMismatch));

    // A time outside the step.
    let mut t = w.clone();
    t.time = t.step.until;
    assert!(matches!(
        check(&c, &t),
        Err(WitnessError::TimeOutsideStep { .. })
    ));

    let mut t = w.clone();
    t.account = AccountId(4);
    assert_eq!(
        check(&c, &t),
        Err(WitnessError::LeafIndex {
            path: "account",
            expected: "2".into(),
            got: 1
        })
    );

    let mut t = w.clone();
    t.account = AccountId(1);
    assert_eq!(
        check(&c, &t),
        Err(WitnessError::WrongOwner {
            account: 1,
            owner: 1,
            committed: 0
        })
    );

    let mut t = w.clone();
    t.account = AccountId(77);
    assert_eq!(
        check(&c, &t),
        Err(WitnessError::UnknownAccount { account: 77 })
    );

    let mut t = w.clone();
    t.account_path.siblings.pop();
    assert!(matches!(
        check(&c, &t),
        Err(WitnessError::PathLength {
            path: "account",
            ..
        })
    ));

    let mut t = w.clone();
    t.step_path.siblings.push(ZERO_DIGEST);
    assert!(matches!(
        check(&c, &t),
        Err(WitnessError::PathLength { path: "step", .. })
    ));

    let mut t = w.clone();
    t.step_path.index = c.num_steps;
    assert!(matches!(
        check(&c, &t),
        Err(WitnessError::LeafIndex { path: "step", .. })
    ));

    let mut t = c;
    t.num_steps += 1;
    assert!(check(&t, &w).is_err());

    let mut t = c;
    t.prev_time = 0;
    assert_eq!(check(&t, &w), Err(WitnessError::CommitmentMismatch));
}

proptest! {
    #![proptest_config(Config { cases: 512, rng_seed: RngSeed::Fixed(7), failure_persistence: None, ..Config::default() })]

    /// Arbitrary corruption never panics and is never accepted.
    #[test]
    fn corrupted_witnesses_never_verify(
        which in 0usize..9,
        pos in any::<usize>(),
        delta in 1u32..BabyBear::ORDER,
        big in any::<u64>(),
    ) {
        let (model, h, c, mut w) = sample_witness();
        let d = BabyBear::new(delta);
        let mut c2 = c;
        match which {
            0 => w.state[pos % 8] += d,
            1 => { let n = w.account_path.siblings.len(); w.account_path.siblings[pos % n][pos % 8] += d }
            2 => { let n = w.step_path.siblings.len(); w.step_path.siblings[pos % n][pos % 8] += d }
            3 => w.step.state_root[pos % 8] += d,
            4 => w.account_path.index ^= big.max(1),
            5 => w.step_path.index ^= big.max(1),
            6 => w.step.from = w.step.from.wrapping_add(big.max(1)),
            7 => c2.root[pos % 8] += d,
            _ => w.account_path.siblings.extend(std::iter::repeat_n(ZERO_DIGEST, pos % 70 + 1)),
        }
        prop_assert!(verify_witness(&h, &model, &c2, &w).is_err());
    }
}

/// kiln's own Poseidon2 (the production hasher) equals the Plonky3 reference on every
/// message and compression the ledger makes, so commitments are the same either way.
#[test]
fn kiln_poseidon2_matches_plonky3_reference() {
    use kiln_vprog::{CommitmentHasher, Poseidon2Hasher};
    let (kiln, p3) = (Poseidon2Hasher::new(), P3Poseidon2::new());
    let mut x = BabyBear::new(7);
    for len in 0..40 {
        let msg: Vec<BabyBear> = (0..len)
            .map(|_| {
                x = x * x + BabyBear::new(3);
                x
            })
            .collect();
        assert_eq!(kiln.hash(&msg), p3.hash(&msg), "message of {len}");
        let (l, r) = (p3.hash(&msg), p3.hash(&[x]));
        assert_eq!(kiln.compress(&l, &r), p3.compress(&l, &r));
    }
    // Whole ledgers agree: state roots and proof commitments of every vProg.
    for seed in 0..6 {
        let (model, ops) = random_workload(seed);
        let mut a = StateLedger::new(Poseidon2Hasher::new(), DigestExecutor, &model);
        let mut b = StateLedger::new(P3Poseidon2::new(), DigestExecutor, &model);
        let mut engine = Engine::new(model.clone()).with_witness_policy(WitnessPolicy::Declared);
        for op in &ops {
            let applied = engine.apply(op).unwrap();
            a.observe(&engine, &applied).unwrap();
            b.observe(&engine, &applied).unwrap();
        }
        for p in (0..model.vprogs().len()).map(|i| VProgId(i as u32)) {
            assert_eq!(a.state_root(p), b.state_root(p), "seed {seed}");
            assert_eq!(a.commitments(p), b.commitments(p), "seed {seed}");
        }
    }
}
