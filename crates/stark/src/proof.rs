//! The proof format: serde structures, written with postcard.

use kiln_field::{BabyBear, BabyBearExt4};
use kiln_hash::{BatchOpening, Digest};
use serde::{Deserialize, Serialize};

use crate::{StarkConfig, VerifyError};

/// Bumped whenever the format or the transcript changes.
pub const PROOF_VERSION: u32 = 2;

/// A STARK proof.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proof {
    pub version: u32,
    pub config: StarkConfig,
    /// log2 of the trace length.
    pub log_n: u8,
    /// log2 of the number of quotient chunks.
    pub log_quotient_chunks: u8,
    pub trace_root: Digest,
    pub quotient_root: Digest,
    pub openings: Openings,
    pub fri: FriProof,
}

/// Claimed evaluations at the out-of-domain point ζ (and ζ·ω for next rows).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Openings {
    pub trace_local: Vec<BabyBearExt4>,
    pub trace_next: Vec<BabyBearExt4>,
    pub preprocessed_local: Vec<BabyBearExt4>,
    pub preprocessed_next: Vec<BabyBearExt4>,
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
    pub queries: Vec<QueryProof>,
}

/// Everything opened for one query.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueryProof {
    /// The committed input matrices' rows at the query index: trace, quotient, then the
    /// preprocessed columns if any, each with its Merkle path.
    pub inputs: Vec<BatchOpening>,
    /// Per folding round, the group of values folded together, with its Merkle path.
    pub layers: Vec<BatchOpening>,
}

impl Proof {
    /// The proof as bytes (postcard).
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("serialising to a Vec cannot fail")
    }

    /// Reads a proof; malformed bytes are an error, never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let proof: Self = postcard::from_bytes(bytes).map_err(|e| VerifyError::Malformed {
            reason: e.to_string(),
        })?;
        if proof.version != PROOF_VERSION {
            return Err(VerifyError::Version {
                expected: PROOF_VERSION,
                got: proof.version,
            });
        }
        Ok(proof)
    }

    /// Size of the serialised proof in bytes.
    pub fn size_bytes(&self) -> usize {
        self.to_bytes().len()
    }
}
