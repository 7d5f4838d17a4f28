//! The proof format: serde structures, written with postcard.

use kiln_field::{BabyBear, BabyBearExt4};
use kiln_hash::{Digest, MultiOpening};
use serde::{Deserialize, Serialize};

use crate::{StarkConfig, VerifyError};

/// Bumped whenever the format or the transcript changes.
pub const PROOF_VERSION: u32 = 4;

/// A STARK proof of one or more tables (AIRs) at once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proof {
    pub version: u32,
    pub config: StarkConfig,
    /// Per table, in the order of the AIR set.
    pub tables: Vec<TableProof>,
    /// The main traces' LDEs, all tables in one commitment of mixed heights.
    pub main_root: Digest,
    /// The auxiliary (LogUp) columns of the tables that have interactions.
    pub aux_root: Option<Digest>,
    /// The quotient chunks of every table.
    pub quotient_root: Digest,
    pub fri: FriProof,
}

/// What a proof says about one table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableProof {
    /// log2 of the table's height.
    pub log_n: u8,
    /// The LogUp total of the table (its running sum's last value), present exactly when
    /// the table has interactions; the totals of all tables add up to zero.
    pub lookup_sum: Option<BabyBearExt4>,
    pub openings: Openings,
}

/// Claimed evaluations at the out-of-domain point ζ (and ζ·ω for next rows).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Openings {
    pub trace_local: Vec<BabyBearExt4>,
    pub trace_next: Vec<BabyBearExt4>,
    pub preprocessed_local: Vec<BabyBearExt4>,
    pub preprocessed_next: Vec<BabyBearExt4>,
    /// The auxiliary columns' base-field columns (4 per BabyBear^4 column).
    pub aux_local: Vec<BabyBearExt4>,
    pub aux_next: Vec<BabyBearExt4>,
    /// The quotient chunks' base-field columns (4 per chunk: the coefficients of the
    /// extension element) at ζ.
    pub quotient: Vec<BabyBearExt4>,
}

/// The FRI proof of the batched openings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FriProof {
    /// One commitment per folding round.
    pub layer_roots: Vec<Digest>,
    /// The last layer's polynomial, coefficients lowest first.
    pub final_poly: Vec<BabyBearExt4>,
    /// The proof-of-work witness ground before query sampling.
    pub pow_witness: BabyBear,
    /// The committed inputs opened at every query index, one multi-opening per
    /// commitment: the preprocessed columns (if any table has some), the main traces,
    /// the auxiliary columns (if any table has interactions), the quotient chunks.
    pub input_openings: Vec<MultiOpening>,
    /// Per folding round, the groups of values folded together at the queries.
    pub layer_openings: Vec<LayerOpening>,
}

/// One FRI round's openings at every query: the distinct groups the queries fall in
/// (ascending), less the values the verifier computes itself from the previous round,
/// and the Merkle digests that authenticate them all (pruned, as in
/// [`kiln_hash::MultiOpening`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LayerOpening {
    /// Group by group, ascending position within the group, the values no query brings.
    pub values: Vec<BabyBearExt4>,
    pub siblings: Vec<Digest>,
}

impl Proof {
    /// The proof as bytes (postcard).
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("serialising to a Vec cannot fail")
    }

    /// Reads a proof; malformed bytes (trailing bytes included) are an error, never a
    /// panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let (proof, rest): (Self, &[u8]) =
            postcard::take_from_bytes(bytes).map_err(|e| VerifyError::Malformed {
                reason: e.to_string(),
            })?;
        if !rest.is_empty() {
            return Err(VerifyError::Malformed {
                reason: format!("{} bytes after the proof", rest.len()),
            });
        }
        if proof.version != PROOF_VERSION {
            return Err(VerifyError::Version {
                expected: PROOF_VERSION,
                got: proof.version,
            });
        }
        Ok(proof)
    }

    /// log2 of the first table's height (the trace length of a single-table proof).
    pub fn log_n(&self) -> Option<u8> {
        self.tables.first().map(|t| t.log_n)
    }

    /// Size of the serialised proof in bytes.
    pub fn size_bytes(&self) -> usize {
        self.to_bytes().len()
    }
}
