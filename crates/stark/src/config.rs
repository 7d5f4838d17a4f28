//! Parameters of the proof system and the security they give.

use serde::{Deserialize, Serialize};

use crate::VerifyError;

/// Parameters shared by prover and verifier. Part of the transcript: a proof made with one
/// configuration does not verify under another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StarkConfig {
    /// log2 of the LDE blowup (the inverse code rate). At least the AIR's
    /// log-quotient-degree.
    pub log_blowup: u8,
    /// FRI queries.
    pub num_queries: u16,
    /// Proof-of-work bits ground before query indices are sampled.
    pub query_pow_bits: u8,
    /// log2 of the FRI folding arity (1: fold by 2, 2: by 4, 3: by 8).
    pub log_folding_arity: u8,
    /// log2 of the length of the final FRI polynomial, sent in the clear.
    pub log_final_poly_len: u8,
}

/// The most proof-of-work bits a configuration may ask for (see [`StarkConfig::validate`]).
pub const MAX_POW_BITS: u8 = 24;

impl StarkConfig {
    /// ≥ 100 conjectured bits (random-words bound) at rate 1/2: 87 queries + 16 bits of
    /// grinding. Its provable figure is about 60 bits (Johnson regime): see
    /// [`crate::security`] and [`StarkConfig::PROVEN`].
    pub const STANDARD: Self = Self {
        log_blowup: 1,
        num_queries: 87,
        query_pow_bits: 16,
        log_folding_arity: 1,
        log_final_poly_len: 0,
    };

    /// Plonky3's benchmark setting: rate 1/2, 100 queries, no grinding, folding by 2.
    pub const PLONKY3_BENCH: Self = Self {
        log_blowup: 1,
        num_queries: 100,
        query_pow_bits: 0,
        log_folding_arity: 1,
        log_final_poly_len: 0,
    };

    /// Smaller proofs at rate 1/8: 29 queries + 16 bits (≥ 100 conjectured bits); folds
    /// by 8.
    pub const COMPACT: Self = Self {
        log_blowup: 3,
        num_queries: 29,
        query_pow_bits: 16,
        log_folding_arity: 3,
        log_final_poly_len: 2,
    };

    /// Rate 1/16, 54 queries + 20 bits: the most provable bits of the presets on small
    /// instances (128 are out of reach over BabyBear^4: the field caps them).
    pub const CONSERVATIVE: Self = Self {
        log_blowup: 4,
        num_queries: 54,
        query_pow_bits: 20,
        log_folding_arity: 2,
        log_final_poly_len: 2,
    };

    /// ≥ 100 provable bits (unique-decoding regime) where BabyBear^4 allows it: rate 1/8,
    /// 100 queries + 20 bits of grinding, folding by 2 (the smallest commit-round error).
    /// The field caps the provable figure on large instances: see [`crate::security`].
    pub const PROVEN: Self = Self {
        log_blowup: 3,
        num_queries: 100,
        query_pow_bits: 20,
        log_folding_arity: 1,
        log_final_poly_len: 2,
    };

    /// For tests only: fast and insecure (about 20 conjectured bits).
    pub const TEST: Self = Self {
        log_blowup: 1,
        num_queries: 20,
        query_pow_bits: 0,
        log_folding_arity: 1,
        log_final_poly_len: 0,
    };

    /// The named presets, for the command line.
    pub const PRESETS: [(&'static str, Self); 6] = [
        ("standard", Self::STANDARD),
        ("proven", Self::PROVEN),
        ("plonky3-bench", Self::PLONKY3_BENCH),
        ("compact", Self::COMPACT),
        ("conservative", Self::CONSERVATIVE),
        ("test", Self::TEST),
    ];

    /// The preset called `name`.
    pub fn preset(name: &str) -> Option<Self> {
        Self::PRESETS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
    }

    /// Checks that the parameters are usable (not that they are secure).
    pub fn validate(&self) -> Result<(), VerifyError> {
        let bad = |why: &str| {
            Err(VerifyError::BadConfig {
                reason: why.to_string(),
            })
        };
        if self.log_blowup == 0 || self.log_blowup > 6 {
            return bad("log_blowup must be 1..=6");
        }
        if self.num_queries == 0 || self.num_queries > 1000 {
            return bad("num_queries must be 1..=1000");
        }
        // The witness is one field element: p ≈ 2^31 candidates, of which about
        // 2^(31 − bits) solve the puzzle. At 24 bits that is ~120 (no solution with
        // probability e^-120); near 30 bits grinding would fail for some transcripts.
        if self.query_pow_bits > MAX_POW_BITS {
            return bad(&format!(
                "query_pow_bits must be at most {MAX_POW_BITS} (the witness is one field element)"
            ));
        }
        if self.log_folding_arity == 0
            || u32::from(self.log_folding_arity) > kiln::stark::MAX_LOG_ARITY
        {
            return bad(&format!(
                "log_folding_arity must be 1..={}",
                kiln::stark::MAX_LOG_ARITY
            ));
        }
        if self.log_final_poly_len > 10 {
            return bad("log_final_poly_len must be at most 10");
        }
        Ok(())
    }
}

impl Default for StarkConfig {
    fn default() -> Self {
        Self::STANDARD
    }
}
