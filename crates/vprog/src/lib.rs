#![doc = include_str!("../README.md")]

mod commit;
mod dag;
mod engine;
mod error;
mod ids;
mod input;
mod knowledge;
mod model;
mod sim;

pub use commit::{
    CommitmentHasher, DIGEST_ELEMS, Digest, DigestExecutor, DigestTree, LedgerError, MerklePath,
    Poseidon2Hasher, ProofCommitment, StateExecutor, StateLedger, StateWitness, Step, StepLeaf,
    WitnessError, ZERO_DIGEST, tree_depth, verify_witness,
};
pub use dag::{Dag, Vertex};
pub use engine::{Applied, Engine, Execution, TxOutcome, WitnessPolicy};
pub use error::{OpError, ValidationError};
pub use ids::{AccountId, Time, TxIndex, VProgId, VertexId};
pub use input::{InputError, Scenario, ScopeReport, ScopeRow};
pub use model::{Account, Model, ModelError, Operation, Transaction, VProg, Witness};
pub use sim::{
    PhaseConfig, PhasePoint, SimError, Workload, WorkloadConfig, plot_phase, run_phase, run_point,
    write_csv,
};
