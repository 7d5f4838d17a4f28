//! Proof commitments C_p^t and state witnesses, generic over the hash.

mod digest_tree;
mod hash;
mod ledger;

pub use digest_tree::{DigestTree, MerklePath, tree_depth};
pub use hash::{CommitmentHasher, DIGEST_ELEMS, Digest, Poseidon2Hasher, ZERO_DIGEST};
pub use ledger::{
    DigestExecutor, LedgerError, ProofCommitment, StateExecutor, StateLedger, StateWitness, Step,
    StepLeaf, WitnessError, verify_witness,
};
