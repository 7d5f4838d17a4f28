//! Proof commitments C_p^t and state witnesses, generic over the hash.

mod hash;
mod ledger;
mod merkle;

pub use hash::{CommitmentHasher, DIGEST_ELEMS, Digest, Poseidon2Hasher, ZERO_DIGEST};
pub use ledger::{
    DigestExecutor, LedgerError, ProofCommitment, StateExecutor, StateLedger, StateWitness, Step,
    StepLeaf, WitnessError, verify_witness,
};
pub use merkle::{MerklePath, MerkleTree, tree_depth};
