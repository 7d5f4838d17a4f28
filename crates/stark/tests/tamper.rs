//! Every part of a proof, tampered, is rejected with an error (never a panic); so are
//! random byte flips of the serialised proof, and proofs of traces that do not satisfy
//! the AIR.

use kiln_fibonacci::{FibonacciAir, fibonacci_result, generate_trace};
use kiln_field::{BabyBear, BabyBearExt4, ColMajorMatrix, Field};
use kiln_stark::{Proof, StarkConfig, prove, prove_unchecked, verify};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

const CONFIG: StarkConfig = StarkConfig {
    query_pow_bits: 6,
    num_queries: 12,
    ..StarkConfig::COMPACT
};

fn instance(log_n: u32) -> (ColMajorMatrix, Vec<BabyBear>) {
    let (a, b) = (BabyBear::new(3), BabyBear::new(5));
    (
        generate_trace(log_n, a, b),
        vec![a, b, fibonacci_result(log_n, a, b)],
    )
}

fn bump(x: &mut BabyBear) {
    *x += BabyBear::new(1);
}

fn bump_ext(x: &mut BabyBearExt4) {
    x.0[1] += BabyBear::new(1);
}

/// Every way of changing one value of the proof.
fn tamperings(proof: &Proof) -> Vec<(String, Proof)> {
    let mut out = Vec::new();
    let mut push = |name: String, f: &dyn Fn(&mut Proof)| {
        let mut p = proof.clone();
        f(&mut p);
        out.push((name, p));
    };
    push("version".into(), &|p| p.version += 1);
    push("log_n".into(), &|p| p.tables[0].log_n += 1);
    push("lookup total added".into(), &|p| {
        p.tables[0].lookup_sum = Some(BabyBearExt4::ZERO)
    });
    push("aux root added".into(), &|p| {
        p.aux_root = Some([BabyBear::ZERO; 8])
    });
    push("table added".into(), &|p| {
        p.tables.push(p.tables[0].clone())
    });
    push("table dropped".into(), &|p| {
        p.tables.pop();
    });
    for i in 0..8 {
        push(format!("main_root[{i}]"), &|p| bump(&mut p.main_root[i]));
        push(format!("quotient_root[{i}]"), &|p| {
            bump(&mut p.quotient_root[i])
        });
    }
    let o = &proof.tables[0].openings;
    for i in 0..o.trace_local.len() {
        push(format!("trace_local[{i}]"), &|p| {
            bump_ext(&mut p.tables[0].openings.trace_local[i])
        });
        push(format!("trace_next[{i}]"), &|p| {
            bump_ext(&mut p.tables[0].openings.trace_next[i])
        });
    }
    for i in 0..o.quotient.len() {
        push(format!("quotient[{i}]"), &|p| {
            bump_ext(&mut p.tables[0].openings.quotient[i])
        });
    }
    push("extra opening".into(), &|p| {
        p.tables[0].openings.trace_local.push(BabyBearExt4::ZERO)
    });
    push("extra aux opening".into(), &|p| {
        p.tables[0].openings.aux_local.push(BabyBearExt4::ZERO)
    });
    push("missing opening".into(), &|p| {
        p.tables[0].openings.quotient.pop();
    });
    for r in 0..proof.fri.layer_roots.len() {
        push(format!("layer_root[{r}]"), &|p| {
            bump(&mut p.fri.layer_roots[r][0])
        });
    }
    for c in 0..proof.fri.final_poly.len() {
        push(format!("final_poly[{c}]"), &|p| {
            bump_ext(&mut p.fri.final_poly[c])
        });
    }
    push("pow_witness".into(), &|p| bump(&mut p.fri.pow_witness));
    for (m, input) in proof.fri.input_openings.iter().enumerate() {
        for (matrix, rows) in input.rows.iter().enumerate() {
            for r in [0, rows.len() - 1] {
                for c in [0, rows[r].len() - 1] {
                    push(format!("input {m} matrix {matrix} row {r}[{c}]"), &|p| {
                        bump(&mut p.fri.input_openings[m].rows[matrix][r][c])
                    });
                }
            }
            push(format!("input {m} matrix {matrix} row dropped"), &|p| {
                p.fri.input_openings[m].rows[matrix].pop();
            });
        }
        for s in 0..input.siblings.len() {
            push(format!("input {m} sibling {s}"), &|p| {
                bump(&mut p.fri.input_openings[m].siblings[s][3])
            });
        }
        push(format!("input {m} sibling dropped"), &|p| {
            p.fri.input_openings[m].siblings.pop();
        });
        push(format!("input {m} sibling added"), &|p| {
            let first = p.fri.input_openings[m].siblings[0];
            p.fri.input_openings[m].siblings.push(first);
        });
    }
    push("input openings swapped".into(), &|p| {
        p.fri.input_openings.swap(0, 1);
    });
    push("input opening dropped".into(), &|p| {
        p.fri.input_openings.pop();
    });
    for (r, layer) in proof.fri.layer_openings.iter().enumerate() {
        for v in 0..layer.values.len() {
            push(format!("layer {r} value {v}"), &|p| {
                bump_ext(&mut p.fri.layer_openings[r].values[v])
            });
        }
        push(format!("layer {r} value dropped"), &|p| {
            p.fri.layer_openings[r].values.pop();
        });
        for s in 0..layer.siblings.len() {
            push(format!("layer {r} sibling {s}"), &|p| {
                bump(&mut p.fri.layer_openings[r].siblings[s][7])
            });
        }
        push(format!("layer {r} sibling added"), &|p| {
            p.fri.layer_openings[r].siblings.push(Default::default());
        });
    }
    push("layer opening dropped".into(), &|p| {
        p.fri.layer_openings.pop();
    });
    out
}

#[test]
fn every_tampered_part_is_rejected() {
    for log_n in [4u32, 7] {
        let (trace, pis) = instance(log_n);
        let proof = prove(&CONFIG, &FibonacciAir, &trace, &pis).unwrap();
        verify(&CONFIG, &FibonacciAir, &proof, &pis).unwrap();
        let cases = tamperings(&proof);
        assert!(cases.len() > 100, "{} cases", cases.len());
        for (name, bad) in cases {
            if bad == proof {
                continue;
            }
            let r = verify(&CONFIG, &FibonacciAir, &bad, &pis);
            assert!(r.is_err(), "log_n {log_n}: tampered {name} verified");
        }
    }
}

#[test]
fn without_grinding_the_witness_must_be_zero() {
    let (trace, pis) = instance(4);
    let config = StarkConfig::TEST;
    assert_eq!(config.query_pow_bits, 0);
    let mut proof = prove(&config, &FibonacciAir, &trace, &pis).unwrap();
    verify(&config, &FibonacciAir, &proof, &pis).unwrap();
    bump(&mut proof.fri.pow_witness);
    assert!(verify(&config, &FibonacciAir, &proof, &pis).is_err());
    // Past 24 bits a witness may not exist in the field: such a configuration is refused.
    let greedy = StarkConfig {
        query_pow_bits: 25,
        ..config
    };
    assert!(prove(&greedy, &FibonacciAir, &trace, &pis).is_err());
}

#[test]
fn random_byte_flips_are_rejected_without_panics() {
    let (trace, pis) = instance(6);
    let proof = prove(&CONFIG, &FibonacciAir, &trace, &pis).unwrap();
    let bytes = proof.to_bytes();
    assert_eq!(Proof::from_bytes(&bytes).unwrap(), proof);
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(
        Proof::from_bytes(&longer).is_err(),
        "trailing bytes are accepted"
    );
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    for _ in 0..400 {
        let mut b = bytes.clone();
        let flips = rng.random_range(1..4);
        for _ in 0..flips {
            let i = rng.random_range(0..b.len());
            b[i] ^= 1 << rng.random_range(0..8);
        }
        if rng.random_range(0..8) == 0 {
            b.truncate(rng.random_range(0..b.len()));
        }
        if let Ok(p) = Proof::from_bytes(&b)
            && p != proof
        {
            assert!(
                verify(&CONFIG, &FibonacciAir, &p, &pis).is_err(),
                "a corrupted proof verified"
            );
        }
    }
}

#[test]
fn unsatisfying_traces_do_not_verify() {
    // A cheating prover skips the constraint check: a wrong cell anywhere in the trace,
    // or a wrong public result, must be caught by the out-of-domain check or FRI.
    let mut rng = ChaCha20Rng::seed_from_u64(10);
    for _ in 0..8 {
        let log_n = rng.random_range(2..7u32);
        let (trace, pis) = instance(log_n);
        let mut data = trace.into_data();
        let i = rng.random_range(0..data.len());
        bump(&mut data[i]);
        let bad = ColMajorMatrix::new(data, 2, 1 << log_n).unwrap();
        let proof = prove_unchecked(&CONFIG, &FibonacciAir, &bad, &pis).unwrap();
        assert!(
            verify(&CONFIG, &FibonacciAir, &proof, &pis).is_err(),
            "cell {i} of 2^{log_n} rows"
        );
    }
    let (trace, mut pis) = instance(5);
    bump(&mut pis[2]);
    let proof = prove_unchecked(&CONFIG, &FibonacciAir, &trace, &pis).unwrap();
    assert!(verify(&CONFIG, &FibonacciAir, &proof, &pis).is_err());
}
