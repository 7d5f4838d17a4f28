//! Why an operation is rejected. Every variant names the field of the operation at fault.

use thiserror::Error;

use crate::ids::Time;

/// Why an operation is invalid. The engine is left unchanged when it returns one.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ValidationError {
    /// An account id in `field` is not in the model.
    #[error("field `{field}`: unknown account #{account}")]
    UnknownAccount { field: &'static str, account: u32 },
    /// A vProg id in `field` is not in the model.
    #[error("field `{field}`: unknown vProg #{vprog}")]
    UnknownVProg { field: &'static str, vprog: u32 },
    /// An account appears twice in the read or write set.
    #[error("field `{field}`: account {account} is listed twice")]
    DuplicateAccount {
        field: &'static str,
        account: String,
    },
    /// A vProg appears twice in the proof gas.
    #[error("field `proof_gas`: vProg {vprog} is listed twice")]
    DuplicateVProg { vprog: String },
    /// w(x) ⊄ r(x): the DAG would depend on execution outcomes otherwise.
    #[error("field `writes`: account {account} is written but not in the read set")]
    WriteOutsideReadSet { account: String },
    /// A witness names a time at or after the transaction's own.
    #[error(
        "field `witnesses`: witness of account {account} at time {witness_time} is not before the transaction (time {tx_time})"
    )]
    WitnessNotBefore {
        account: String,
        witness_time: Time,
        tx_time: Time,
    },
    /// No proof submission of the account's owner commits the witnessed step yet.
    #[error(
        "field `witnesses`: witness of account {account} at time {witness_time} is not backed by a proof of its owner {owner} (latest proof: {})",
        last_proof.map_or_else(|| "none".to_string(), |t| format!("time {t}"))
    )]
    WitnessNotBacked {
        account: String,
        witness_time: Time,
        owner: String,
        last_proof: Option<Time>,
    },
    /// Proof gas is declared for a vProg the transaction does not write to.
    #[error("field `proof_gas`: vProg {vprog} owns no account in the write set")]
    ProofGasForNonWriter { vprog: String },
    /// PG_i(x)·GS(i) summed over i does not fit 64 bits.
    #[error("field `proof_gas`: scaled proof gas overflows 64 bits")]
    GasOverflow,
    /// The DAG would need more than 2^32 vertices or transactions.
    #[error("capacity exceeded: more than {max} {what}")]
    Capacity { what: &'static str, max: u64 },
}

/// A rejected operation: its position in the sequence (0-based) and why.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("operation {index} (time {time}): {kind}")]
pub struct OpError {
    /// 0-based position in the operation sequence.
    pub index: usize,
    /// The time the operation would have had (`index + 1`).
    pub time: Time,
    /// What is wrong.
    pub kind: ValidationError,
}
