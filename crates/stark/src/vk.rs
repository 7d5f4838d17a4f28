//! The verifying key: what a proof is checked against, fixed before any proof exists — the
//! configuration and, per table, its shape, its constraints and interactions (as compiled
//! programs) and its largest height. The transcript absorbs its digest first, so a proof
//! made for one AIR set never verifies against another, and table heights, which come
//! from the proof, are bounded by the key.

use kiln_air::{ConstraintProgram, SymbolicConstraints};
use kiln_field::BabyBear;
use kiln_hash::{Digest, PaddingFreeSponge, Poseidon2W16};
use serde::{Deserialize, Serialize};

use crate::StarkConfig;

/// One table of a verifying key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableKey {
    pub width: usize,
    pub preprocessed_width: usize,
    /// BabyBear^4 columns of the lookup.
    pub aux_width: usize,
    pub public_values: usize,
    pub log_quotient_chunks: usize,
    /// log2 of the tallest trace allowed: the AIR's bound, and at most what BabyBear's
    /// two-adic domains allow at this configuration's blowup (log_height + log_blowup ≤ 27).
    pub max_log_height: usize,
    pub constraints: usize,
    pub interactions: usize,
}

/// The verifying key of an AIR set under a configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyingKey {
    pub config: StarkConfig,
    pub tables: Vec<TableKey>,
    /// Poseidon2 sponge digest of the configuration, the table keys and every table's
    /// constraint and interaction programs.
    pub digest: Digest,
}

/// A word as four field elements of 16 bits each, so every word hashes injectively.
fn push_word(out: &mut Vec<BabyBear>, w: u64) {
    for shift in [0, 16, 32, 48] {
        out.push(BabyBear::new(((w >> shift) & 0xffff) as u32));
    }
}

impl VerifyingKey {
    /// The key of the tables whose symbolic evaluations are `symbolic` (in order), with the
    /// AIRs' own height bounds `air_max_log_heights`.
    pub(crate) fn new(
        config: &StarkConfig,
        symbolic: &[&SymbolicConstraints],
        air_max_log_heights: &[Option<usize>],
    ) -> Self {
        let field_max = crate::TWO_ADICITY - usize::from(config.log_blowup);
        let mut words = Vec::new();
        for v in [
            config.log_blowup.into(),
            config.num_queries.into(),
            config.query_pow_bits.into(),
            config.log_folding_arity.into(),
            config.log_final_poly_len.into(),
            symbolic.len() as u64,
        ] {
            push_word(&mut words, v);
        }
        let mut tables = Vec::with_capacity(symbolic.len());
        for (s, bound) in symbolic.iter().zip(air_max_log_heights) {
            let key = TableKey {
                width: s.main_width,
                preprocessed_width: s.preprocessed_width,
                aux_width: s.aux_width(),
                public_values: s.public_values,
                log_quotient_chunks: s.log_quotient_chunks(),
                max_log_height: bound.map_or(field_max, |b| b.min(field_max)),
                constraints: s.len(),
                interactions: s.interactions.len(),
            };
            for v in [
                key.width,
                key.preprocessed_width,
                key.aux_width,
                key.public_values,
                key.log_quotient_chunks,
                key.max_log_height,
                key.constraints,
                key.interactions,
            ] {
                push_word(&mut words, v as u64);
            }
            let program = ConstraintProgram::from_symbolic(s);
            push_word(&mut words, program.code.len() as u64);
            for w in program.words() {
                push_word(&mut words, w.into());
            }
            // The interactions: bus, direction, arity, then their expressions compiled
            // like constraints (tuple values, then the multiplicity).
            for i in &s.interactions {
                push_word(&mut words, i.bus.id.into());
                push_word(
                    &mut words,
                    u64::from(i.direction == kiln_air::Direction::Send),
                );
                push_word(&mut words, i.values.len() as u64);
            }
            let interactions = ConstraintProgram::of_interactions(s);
            push_word(&mut words, interactions.code.len() as u64);
            for w in interactions.words() {
                push_word(&mut words, w.into());
            }
            tables.push(key);
        }
        let digest = PaddingFreeSponge::new(Poseidon2W16::new()).hash_slice(&words);
        Self {
            config: *config,
            tables,
            digest,
        }
    }
}

/// The verifying key of `tables` under `config`.
pub fn verifying_key<A: crate::VerifierAir>(config: &StarkConfig, tables: &[A]) -> VerifyingKey {
    let symbolic: Vec<SymbolicConstraints> = tables.iter().map(SymbolicConstraints::of).collect();
    let refs: Vec<&SymbolicConstraints> = symbolic.iter().collect();
    let bounds: Vec<Option<usize>> = tables.iter().map(|t| t.max_log_height()).collect();
    VerifyingKey::new(config, &refs, &bounds)
}
