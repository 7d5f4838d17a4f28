//! `StarkConfig::security` against p3-security 0.8 where both compute the same term.
//! p3-security counts the field in whole bits (124 for BabyBear^4), kiln in exact bits
//! (123.6): terms are compared after removing that offset.

use kiln_stark::security::field_bits;
use kiln_stark::{SecurityInstance, SecurityReport, StarkConfig};
use p3_security::fri::{
    FriRegime, commit_phase_error_ldr_m, commit_phase_error_udr, conjectured_error,
    query_phase_error,
};
use p3_security::proximity::alpha_udr;
use p3_security::shape::{InstanceShape, StarkAirParams};
use p3_security::{SecurityAssumption, air, deep, logup};

const P3_FIELD_BITS: usize = 124;

fn ours(r: &SecurityReport, name: &str) -> f64 {
    r.provable_terms
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no term {name} in {r:?}"))
        .bits
}

fn shape(log_n: usize, columns: usize) -> InstanceShape {
    InstanceShape {
        log_trace_length: log_n,
        modulus_bits: P3_FIELD_BITS,
        collision_resistance: 124,
        num_batched_functions: columns,
    }
}

fn regime(c: &StarkConfig) -> FriRegime {
    FriRegime {
        log_blowup: c.log_blowup.into(),
        num_queries: c.num_queries.into(),
        log_final_poly_len: c.log_final_poly_len.into(),
        max_log_arity: c.log_folding_arity.into(),
        commit_pow_bits: 0,
        query_pow_bits: c.query_pow_bits.into(),
    }
}

/// Whole-bit field (p3) → exact field (kiln).
fn shift(p3_bits: f64) -> f64 {
    p3_bits - P3_FIELD_BITS as f64 + field_bits()
}

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < 1e-6, "{what}: kiln {a}, p3-security {b}");
}

#[test]
fn unique_decoding_terms_match_p3_security() {
    let config = StarkConfig::PROVEN;
    let inst = SecurityInstance {
        log_n: 10,
        constraints: 40,
        max_degree: 3,
        quotient_chunks: 2,
        batched_columns: 30,
        lookups: 3 << 10,
        max_tuple_len: 5,
    };
    let r = config.security(&inst);
    assert_eq!(r.provable_regime, "unique decoding");
    let sh = shape(inst.log_n, inst.batched_columns);
    let air_params = StarkAirParams {
        num_constraints: inst.constraints,
        max_constraint_degree: inst.max_degree,
        num_quotient_chunks: inst.quotient_chunks,
        max_combo: 2,
    };
    close(
        ours(&r, "constraint combination"),
        shift(air::composition_error(inst.constraints, 1.0, P3_FIELD_BITS).bits()),
        "ALI",
    );
    close(
        ours(&r, "out-of-domain sampling"),
        shift(deep::deep_ali_error(&air_params, &sh, 1.0).bits()),
        "DEEP",
    );
    close(
        ours(&r, "FRI folding rounds"),
        shift(
            commit_phase_error_udr(&regime(&config), &sh)
                .unwrap()
                .bits(),
        ),
        "commit",
    );
    let alpha = alpha_udr(inst.log_n, config.log_blowup.into(), 2);
    close(
        ours(&r, "FRI queries"),
        query_phase_error(
            alpha,
            config.num_queries.into(),
            config.query_pow_bits.into(),
        )
        .bits(),
        "queries",
    );
    close(
        ours(&r, "batching the openings"),
        shift(SecurityAssumption::UniqueDecoding.prox_gaps_error(
            inst.log_n,
            config.log_blowup.into(),
            P3_FIELD_BITS,
            inst.batched_columns,
        )),
        "batching",
    );
    let lookup = logup::LogUpAir {
        num_interactions: 3,
        max_message_width: inst.max_tuple_len,
    };
    close(
        ours(&r, "LogUp"),
        shift(logup::fingerprint_error(&lookup, &sh).bits()),
        "LogUp",
    );
    // The conjectured queries (random words): η uses log₂|F|, whole bits in p3.
    let conj = conjectured_error(&regime(&config), &sh).bits();
    let mine = {
        let rho = 0.125f64;
        let eta = rho * (std::f64::consts::LOG2_E + 3.0) / field_bits();
        100.0 * -(rho + eta).log2() + 20.0
    };
    assert!((conj - mine).abs() < 0.05, "{conj} vs {mine}");
}

#[test]
fn johnson_terms_match_p3_security() {
    // A tall, narrow instance at rate 1/2 where the Johnson regime wins.
    let config = StarkConfig::STANDARD;
    let inst = SecurityInstance {
        log_n: 6,
        constraints: 4,
        max_degree: 2,
        quotient_chunks: 1,
        batched_columns: 2,
        lookups: 0,
        max_tuple_len: 0,
    };
    let r = config.security(&inst);
    let Some(m) = r.provable_regime.strip_prefix("Johnson, m = ") else {
        panic!("expected the Johnson regime: {r:?}");
    };
    let m: usize = m.parse().unwrap();
    let sh = shape(inst.log_n, inst.batched_columns);
    close(
        ours(&r, "FRI folding rounds"),
        shift(
            commit_phase_error_ldr_m(&regime(&config), &sh, m)
                .unwrap()
                .bits(),
        ),
        "commit (Johnson)",
    );
    close(
        ours(&r, "batching the openings"),
        shift(SecurityAssumption::prox_gaps_error_jb_at_m(
            inst.log_n,
            config.log_blowup.into(),
            P3_FIELD_BITS,
            inst.batched_columns,
            m,
        )),
        "batching (Johnson)",
    );
}
