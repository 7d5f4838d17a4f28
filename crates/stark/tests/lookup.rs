//! Multi-table proofs with LogUp buses: balanced and unbalanced buses, multiplicities 0
//! and p − 1, tables of height 1, tables without interactions beside tables with many, a
//! bus shared by three tables, the bus id in the fingerprint, the lookup-count bound, and
//! tampering (byte flips, swapped and dropped tables).

mod bus_tables;

use bus_tables::{OTHER, RANGE, Table, matrix, range_trace};
use kiln::{CpuBackend, EmuBackend};
use kiln_air::TraceError;
use kiln_fibonacci::{fibonacci_result, generate_trace};
use kiln_field::{BabyBear, ColMajorMatrix};
use kiln_stark::{
    Proof, ProveError, ProverBackend, StarkConfig, VerifyError, prove_tables,
    prove_tables_unchecked_with, prove_tables_with, verify_tables,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

const CONFIG: StarkConfig = StarkConfig {
    num_queries: 16,
    query_pow_bits: 2,
    ..StarkConfig::TEST
};

/// Five tables of heights 2^8, 2^5, 2^3, 2^4 and 2^0: the range table serves the sender,
/// the pair table and the one-row sender (a bus used by four tables); Fibonacci has no
/// interactions.
struct Instance {
    tables: Vec<Table>,
    traces: Vec<ColMajorMatrix>,
    publics: Vec<Vec<BabyBear>>,
}

impl Instance {
    fn publics(&self) -> Vec<&[BabyBear]> {
        self.publics.iter().map(Vec::as_slice).collect()
    }
}

fn instance(seed: u64) -> Instance {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let bits = 8;
    let mut sent = Vec::new();
    // Sender: 32 rows, flag 1 on most; rows with flag 0 carry values out of range
    // (multiplicity 0 sends nothing).
    let sender: Vec<Vec<u32>> = (0..32)
        .map(|_| {
            if rng.random_range(0..4) == 0 {
                vec![rng.random_range(1000..1_000_000), 0]
            } else {
                let v = rng.random_range(0..256);
                sent.push(v);
                vec![v, 1]
            }
        })
        .collect();
    let pair: Vec<Vec<u32>> = (0..8)
        .map(|_| {
            let (a, b) = (rng.random_range(0..256), rng.random_range(0..256));
            sent.extend([a, b]);
            vec![a, b, 1]
        })
        .collect();
    let single = vec![vec![255, 1]];
    sent.push(255);
    let (a, b) = (BabyBear::new(2), BabyBear::new(3));
    Instance {
        tables: vec![
            Table::Range { bits },
            Table::Sender {
                bus: RANGE,
                check_flag: true,
            },
            Table::Pair,
            Table::Fibonacci,
            Table::Sender {
                bus: RANGE,
                check_flag: true,
            },
        ],
        traces: vec![
            range_trace(bits, &sent),
            matrix(&sender),
            matrix(&pair),
            generate_trace(4, a, b),
            matrix(&single),
        ],
        publics: vec![
            vec![],
            vec![],
            vec![],
            vec![a, b, fibonacci_result(4, a, b)],
            vec![],
        ],
    }
}

fn prove_on<B: ProverBackend>(backend: &B, inst: &Instance) -> Result<Proof, ProveError> {
    prove_tables_with(
        backend,
        &CONFIG,
        &inst.tables,
        &inst.traces,
        &inst.publics(),
    )
}

#[test]
fn balanced_buses_prove_and_verify() {
    for seed in 0..3 {
        let inst = instance(seed);
        let proof = prove_tables(&CONFIG, &inst.tables, &inst.traces, &inst.publics()).unwrap();
        verify_tables(&CONFIG, &inst.tables, &proof, &inst.publics()).unwrap();
        let sums: Vec<_> = proof
            .tables
            .iter()
            .map(|t| t.lookup_sum.is_some())
            .collect();
        assert_eq!(sums, [true, true, true, false, true]);
        let bytes = proof.to_bytes();
        assert_eq!(Proof::from_bytes(&bytes).unwrap(), proof);
    }
}

#[test]
fn proofs_are_identical_on_cpu_and_emulator() {
    let inst = instance(7);
    let cpu = prove_on(&CpuBackend::new(), &inst).unwrap();
    let emu = prove_on(&EmuBackend::new(), &inst).unwrap();
    assert!(
        cpu.to_bytes() == emu.to_bytes(),
        "the emulator's proof differs"
    );
    for level in kiln_field::SimdLevel::available() {
        let p = prove_on(&CpuBackend::with_simd_level(level).unwrap(), &inst).unwrap();
        assert!(p.to_bytes() == cpu.to_bytes(), "{level} differs");
    }
}

#[test]
fn cuda_proofs_of_many_tables_equal_cpu_proofs() {
    let gpu = match kiln::CudaBackend::new(0) {
        Ok(gpu) => gpu,
        Err(e) if std::env::var("KILN_REQUIRE_GPU").is_ok_and(|v| v == "1") => {
            panic!("KILN_REQUIRE_GPU=1 but the CUDA backend is unavailable: {e}")
        }
        Err(e) => {
            eprintln!("cuda_proofs_of_many_tables_equal_cpu_proofs: skipping: {e}");
            return;
        }
    };
    let inst = instance(7);
    let cpu = prove_on(&CpuBackend::new(), &inst).unwrap();
    let cuda = prove_on(&gpu, &inst).unwrap();
    assert!(cpu.to_bytes() == cuda.to_bytes(), "the CUDA proof differs");
}

#[test]
fn an_unbalanced_bus_is_refused_and_named() {
    let mut inst = instance(1);
    // The sender's first row sends 300, which the range table does not serve.
    let mut rows: Vec<Vec<u32>> = (0..32)
        .map(|r| {
            let t = &inst.traces[1];
            vec![
                t.get(r, 0).unwrap().as_canonical_u32(),
                t.get(r, 1).unwrap().as_canonical_u32(),
            ]
        })
        .collect();
    rows[0] = vec![300, 1];
    inst.traces[1] = matrix(&rows);
    let err = prove_tables(&CONFIG, &inst.tables, &inst.traces, &inst.publics()).unwrap_err();
    let ProveError::Trace(TraceError::UnbalancedBus(u)) = &err else {
        panic!("expected an unbalanced bus, got {err}");
    };
    let msg = err.to_string();
    assert!(msg.contains("bus 1 (range)"), "{msg}");
    assert!(msg.contains("sender (table 1)"), "{msg}");
    // The first unbalanced tuple is reported: the range table's multiplicity for the
    // value that the first row no longer sends, or 300 itself.
    assert!(!u.tuple.is_empty());
    // A cheating prover's proof is rejected: the totals do not cancel.
    let proof = prove_tables_unchecked_with(
        &CpuBackend::new(),
        &CONFIG,
        &inst.tables,
        &inst.traces,
        &inst.publics(),
    )
    .unwrap();
    assert_eq!(
        verify_tables(&CONFIG, &inst.tables, &proof, &inst.publics()),
        Err(VerifyError::LookupSum)
    );
}

#[test]
fn a_forged_request_cannot_be_cancelled_with_multiplicity_p_minus_1() {
    // Two rows of the sender: row 0 sends 300 (out of range) with flag 1, row 1 sends 300
    // with flag p − 1 = −1. The bus balances, so only the flag's boolean constraint
    // stands between this witness and a proof that 300 is in range.
    let minus_one = BabyBear::ORDER - 1;
    let bits = 2;
    let sender = matrix(&[vec![300, 1], vec![300, minus_one]]);
    let range = range_trace(bits, &[]);
    let publics: Vec<&[BabyBear]> = vec![&[], &[]];
    for check_flag in [true, false] {
        let tables = [
            Table::Range { bits },
            Table::Sender {
                bus: RANGE,
                check_flag,
            },
        ];
        let traces = [range.clone(), sender.clone()];
        let r = prove_tables(&CONFIG, &tables, &traces, &publics);
        if check_flag {
            // Refused, naming the sender's boolean constraint on row 1.
            match r {
                Err(ProveError::Trace(TraceError::InTable {
                    table: 1, source, ..
                })) => {
                    assert!(
                        matches!(*source, TraceError::Unsatisfied(ref f) if f.row == 1),
                        "{source}"
                    );
                }
                other => panic!("expected the flag's constraint to fail, got {other:?}"),
            }
            let proof = prove_tables_unchecked_with(
                &CpuBackend::new(),
                &CONFIG,
                &tables,
                &traces,
                &publics,
            )
            .unwrap();
            assert!(verify_tables(&CONFIG, &tables, &proof, &publics).is_err());
        } else {
            // Without the constraint the forgery goes through: the rule in
            // `kiln_air::lookup` is what makes a send sound.
            let proof = r.expect("the bus balances");
            verify_tables(&CONFIG, &tables, &proof, &publics).unwrap();
        }
    }
}

#[test]
fn fingerprints_bind_the_bus_id() {
    // The same tuples sent on one bus and received on another do not cancel.
    let xs = matrix(&[vec![5, 1], vec![6, 1]]);
    let recv = matrix(&[vec![5], vec![6]]);
    let publics: Vec<&[BabyBear]> = vec![&[], &[]];
    let send_on = |bus| Table::Sender {
        bus,
        check_flag: true,
    };
    let ok = [send_on(OTHER), Table::Receiver { bus: OTHER }];
    let traces = [xs.clone(), recv.clone()];
    let proof = prove_tables(&CONFIG, &ok, &traces, &publics).unwrap();
    verify_tables(&CONFIG, &ok, &proof, &publics).unwrap();
    let crossed = [send_on(RANGE), Table::Receiver { bus: OTHER }];
    let err = prove_tables(&CONFIG, &crossed, &traces, &publics).unwrap_err();
    assert!(
        matches!(err, ProveError::Trace(TraceError::UnbalancedBus(_))),
        "{err}"
    );
    let proof =
        prove_tables_unchecked_with(&CpuBackend::new(), &CONFIG, &crossed, &traces, &publics)
            .unwrap();
    assert_eq!(
        verify_tables(&CONFIG, &crossed, &proof, &publics),
        Err(VerifyError::LookupSum)
    );
}

#[test]
fn many_interactions_are_batched_beside_a_table_without_any() {
    let k = 7;
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let rows: Vec<Vec<u32>> = (0..16)
        .map(|_| {
            let mut r: Vec<u32> = (0..k).map(|_| rng.random_range(0..16)).collect();
            r.push(1);
            r
        })
        .collect();
    let sent: Vec<u32> = rows.iter().flat_map(|r| r[..k].to_vec()).collect();
    let (a, b) = (BabyBear::new(1), BabyBear::new(1));
    let tables = [
        Table::Range { bits: 4 },
        Table::Many { k },
        Table::Fibonacci,
    ];
    let traces = [
        range_trace(4, &sent),
        matrix(&rows),
        generate_trace(5, a, b),
    ];
    let fib = [a, b, fibonacci_result(5, a, b)];
    let publics: Vec<&[BabyBear]> = vec![&[], &[], &fib];
    // The degree-2 boolean constraint allows one interaction per auxiliary column.
    let plan = kiln_air::SymbolicConstraints::of(&tables[1]).lookup;
    assert_eq!(plan.batches.len(), k);
    let proof = prove_tables(&CONFIG, &tables, &traces, &publics).unwrap();
    verify_tables(&CONFIG, &tables, &proof, &publics).unwrap();
    // Height-1 tables on both sides of a bus.
    let one = [
        Table::Range { bits: 0 },
        Table::Sender {
            bus: RANGE,
            check_flag: true,
        },
    ];
    let traces = [matrix(&[vec![1]]), matrix(&[vec![0, 1]])];
    let publics: Vec<&[BabyBear]> = vec![&[], &[]];
    let proof = prove_tables(&CONFIG, &one, &traces, &publics).unwrap();
    verify_tables(&CONFIG, &one, &proof, &publics).unwrap();
}

#[test]
fn the_verifier_bounds_the_number_of_lookups() {
    // 32 interactions × 2^26 rows ≥ p: rejected from the shapes alone.
    let k = 31;
    let rows: Vec<Vec<u32>> = (0..2)
        .map(|_| {
            let mut r = vec![0; k];
            r.push(1);
            r
        })
        .collect();
    let tables = [Table::Range { bits: 1 }, Table::Many { k }];
    let traces = [range_trace(1, &vec![0; 2 * k]), matrix(&rows)];
    let publics: Vec<&[BabyBear]> = vec![&[], &[]];
    let mut proof = prove_tables(&CONFIG, &tables, &traces, &publics).unwrap();
    verify_tables(&CONFIG, &tables, &proof, &publics).unwrap();
    proof.tables[1].log_n = 26;
    assert!(matches!(
        verify_tables(&CONFIG, &tables, &proof, &publics),
        Err(VerifyError::TooManyLookups { .. })
    ));
}

#[test]
fn tampered_multi_table_proofs_are_rejected_without_panics() {
    let inst = instance(11);
    let publics = inst.publics();
    let proof = prove_tables(&CONFIG, &inst.tables, &inst.traces, &publics).unwrap();
    let reject = |p: &Proof, what: &str| {
        assert!(
            verify_tables(&CONFIG, &inst.tables, p, &publics).is_err(),
            "{what} verified"
        );
    };
    let mut p = proof.clone();
    p.tables.swap(1, 2);
    reject(&p, "swapped tables");
    let mut p = proof.clone();
    let o = p.tables[1].openings.clone();
    p.tables[1].openings = p.tables[4].openings.clone();
    p.tables[4].openings = o;
    reject(&p, "swapped openings of two tables of one shape");
    let mut p = proof.clone();
    p.tables.pop();
    reject(&p, "a dropped table");
    let mut p = proof.clone();
    let s = p.tables[0].lookup_sum.unwrap();
    p.tables[0].lookup_sum = Some(p.tables[1].lookup_sum.unwrap());
    p.tables[1].lookup_sum = Some(s);
    reject(&p, "swapped lookup totals");
    let mut p = proof.clone();
    p.tables[3].lookup_sum = Some(Default::default());
    reject(&p, "a total on a table without interactions");
    // Fewer tables than the proof has.
    assert!(verify_tables(&CONFIG, &inst.tables[..4], &proof, &publics[..4]).is_err());

    let bytes = proof.to_bytes();
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    for _ in 0..300 {
        let mut b = bytes.clone();
        for _ in 0..rng.random_range(1..4) {
            let i = rng.random_range(0..b.len());
            b[i] ^= 1 << rng.random_range(0..8);
        }
        if let Ok(p) = Proof::from_bytes(&b)
            && p != proof
        {
            reject(&p, "a corrupted proof");
        }
    }
}

#[test]
fn the_verifying_key_binds_the_air_set_and_bounds_heights() {
    use kiln_air::{Air, AirBuilder, BaseAir};
    use kiln_stark::verifying_key;

    /// Two columns with next[0] = local[1] on transitions, and a height bound.
    #[derive(Clone, Copy, Debug)]
    struct Bounded(Option<usize>);
    impl BaseAir for Bounded {
        fn width(&self) -> usize {
            2
        }
        fn max_log_height(&self) -> Option<usize> {
            self.0
        }
    }
    impl<AB: AirBuilder> Air<AB> for Bounded {
        fn eval(&self, b: &mut AB) {
            let m = b.main();
            let (l, n) = (m.local.to_vec(), m.next.to_vec());
            b.when_transition().assert_eq(n[0], l[1]);
        }
    }
    let fib = Table::Fibonacci;
    let other = Table::Many { k: 1 };
    let c = CONFIG;
    assert_ne!(
        verifying_key(&c, &[fib]).digest,
        verifying_key(&c, &[other]).digest
    );
    assert_ne!(
        verifying_key(&c, &[fib]).digest,
        verifying_key(&StarkConfig::STANDARD, &[fib]).digest
    );
    // A bound on the height: refused by the prover, and by the verifier when a proof
    // claims more.
    let trace = matrix(&(0..16).map(|i| vec![i, i]).collect::<Vec<_>>());
    let publics: Vec<&[BabyBear]> = vec![&[]];
    let bounded = [Bounded(Some(3))];
    assert!(matches!(
        prove_tables(&CONFIG, &bounded, core::slice::from_ref(&trace), &publics),
        Err(ProveError::TooTall {
            log_n: 4,
            max: 3,
            ..
        })
    ));
    let free = [Bounded(None)];
    let trace = matrix(&(0..16).map(|_| vec![1, 1]).collect::<Vec<_>>());
    let proof = prove_tables(&CONFIG, &free, core::slice::from_ref(&trace), &publics).unwrap();
    verify_tables(&CONFIG, &free, &proof, &publics).unwrap();
    assert!(matches!(
        verify_tables(&CONFIG, &bounded, &proof, &publics),
        Err(VerifyError::TooTall {
            log_n: 4,
            max: 3,
            ..
        })
    ));
    assert_ne!(
        verifying_key(&c, &free).digest,
        verifying_key(&c, &bounded).digest
    );
}
