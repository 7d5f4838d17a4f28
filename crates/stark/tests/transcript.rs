//! The transcript's order, spelt out here independently of the crate (which writes it once,
//! in `transcript.rs`, for prover and verifier): replaying a proof's messages in this
//! order with the public [`Challenger`] must reproduce the prover's challenges. The
//! proof-of-work witness must solve the puzzle at the replayed point, and the replayed
//! query indices must be those whose rows the proof opens. A prover that absorbed or
//! sampled anything in another order fails here (with probability 1 − 2^-pow_bits for the
//! witness, and over the 20 queries for the indices) even if its verifier agreed with it.

use kiln_fibonacci::{FibonacciAir, fibonacci_result, generate_trace};
use kiln_field::BabyBear;
use kiln_hash::{Dimensions, MerkleTreeMmcs};
use kiln_stark::{Challenger, Proof, StarkConfig, prove, verify};

/// Replays the transcript of `proof` (no preprocessed columns); returns whether the
/// witness solves the puzzle, and the query indices.
fn replay(proof: &Proof, width: usize, public_values: &[BabyBear]) -> (bool, Vec<usize>) {
    let c = &proof.config;
    let log_n = proof.tables[0].log_n;
    let mut ch = Challenger::new(b"kiln-stark-v3");
    ch.observe_digest(&kiln_stark::verifying_key(c, &[FibonacciAir]).digest);
    for v in [
        u64::from(c.log_blowup),
        u64::from(c.num_queries),
        u64::from(c.query_pow_bits),
        u64::from(c.log_folding_arity),
        u64::from(c.log_final_poly_len),
        1, // tables
        u64::from(log_n),
        kiln_air::quotient_degree(&FibonacciAir) as u64,
        width as u64,
        0, // preprocessed width
        0, // auxiliary width
        public_values.len() as u64,
    ] {
        ch.observe_u64(v);
    }
    ch.observe_slice(public_values);
    ch.observe_digest(&proof.main_root);
    let _gamma = ch.sample_ext();
    let _beta = ch.sample_ext();
    let _alpha = ch.sample_ext();
    ch.observe_digest(&proof.quotient_root);
    let _zeta = ch.sample_ext();
    let o = &proof.tables[0].openings;
    for v in o
        .trace_local
        .iter()
        .chain(&o.trace_next)
        .chain(&o.preprocessed_local)
        .chain(&o.preprocessed_next)
        .chain(&o.aux_local)
        .chain(&o.aux_next)
        .chain(&o.quotient)
    {
        ch.observe_ext(*v);
    }
    let _batching = ch.sample_ext();
    for root in &proof.fri.layer_roots {
        ch.observe_digest(root);
        let _beta = ch.sample_ext();
    }
    for c in &proof.fri.final_poly {
        ch.observe_ext(*c);
    }
    let pow_ok = ch.check_witness(u32::from(c.query_pow_bits), proof.fri.pow_witness);
    let log_big = u32::from(log_n) + u32::from(c.log_blowup);
    let indices = (0..c.num_queries)
        .map(|_| ch.sample_bits(log_big))
        .collect();
    (pow_ok, indices)
}

#[test]
fn replayed_transcript_matches_the_prover() {
    let config = StarkConfig {
        log_blowup: 2,
        log_folding_arity: 2,
        log_final_poly_len: 1,
        query_pow_bits: 8,
        ..StarkConfig::TEST
    };
    let (a, b) = (BabyBear::new(0), BabyBear::new(1));
    for log_n in [3u32, 6] {
        let trace = generate_trace(log_n, a, b);
        let pis = vec![a, b, fibonacci_result(log_n, a, b)];
        let proof = prove(&config, &FibonacciAir, &trace, &pis).unwrap();
        verify(&config, &FibonacciAir, &proof, &pis).unwrap();
        let width = proof.tables[0].openings.trace_local.len();
        let (pow_ok, indices) = replay(&proof, width, &pis);
        assert!(
            pow_ok,
            "log_n {log_n}: the witness fails at the replayed point"
        );
        let dims = Dimensions {
            width,
            height: 1 << (log_n + u32::from(config.log_blowup)),
        };
        let mmcs = MerkleTreeMmcs::new();
        // The main trace's opening verifies at the replayed indices.
        let main = &proof.fri.input_openings[0];
        mmcs.verify_multi(
            &proof.main_root,
            &[dims],
            &indices,
            &main.rows,
            &main.siblings,
        )
        .unwrap_or_else(|e| panic!("log_n {log_n}: {e}"));
    }
}
