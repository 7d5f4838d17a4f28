use thiserror::Error;

/// Why a proof could not be made. The inputs are left as they were.
#[derive(Debug, Error)]
pub enum ProveError {
    #[error("the trace does not fit the AIR: {0}")]
    Trace(#[from] kiln_air::TraceError),
    #[error(
        "the AIR's constraints have degree {degree}, which needs log_blowup ≥ {needed}; the configuration has {got}"
    )]
    BlowupTooSmall {
        degree: usize,
        needed: usize,
        got: usize,
    },
    #[error(
        "the trace has 2^{log_n} rows; with blowup 2^{log_blowup} that exceeds BabyBear's 2^{max} domain",
        max = crate::TWO_ADICITY
    )]
    TooLarge { log_n: usize, log_blowup: usize },
    #[error("invalid configuration: {0}")]
    Config(#[from] VerifyError),
    #[error("kernel backend: {0}")]
    Backend(#[from] kiln::Error),
    #[error("commitment: {0}")]
    Commit(#[from] kiln_hash::CommitError),
    #[error("opening: {0}")]
    Open(#[from] kiln_hash::OpenError),
    #[error(
        "the proof fails the out-of-domain check although the debug checker accepts the trace (a prover or backend bug)"
    )]
    SelfCheck,
    #[error("a proof needs at least one table")]
    NoTables,
    #[error("table {table} has 2^{log_n} rows; its verifying key allows at most 2^{max}")]
    TooTall {
        table: usize,
        log_n: usize,
        max: usize,
    },
    #[error("{got} {what} given for {expected} tables")]
    TableCount {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    #[error(
        "the tables make {count} lookups (Σ height × interactions); LogUp counts in the field and needs fewer than p = 2013265921"
    )]
    TooManyLookups { count: u128 },
    #[error(
        "table {table}, row {row}: interaction #{interaction} has a zero LogUp denominator (a challenge collided with its fingerprint; probability about 2^-120)"
    )]
    LookupDenominator {
        table: usize,
        row: usize,
        interaction: usize,
    },
}

/// Why a proof was rejected. Every malformed or tampered proof yields one of these; the
/// verifier never panics.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum VerifyError {
    #[error("malformed proof: {reason}")]
    Malformed { reason: String },
    #[error("proof format version {got}, this verifier reads {expected}")]
    Version { expected: u32, got: u32 },
    #[error("invalid configuration: {reason}")]
    BadConfig { reason: String },
    #[error("the proof was made with another configuration")]
    ConfigMismatch,
    #[error("{what}: expected {expected}, got {got}")]
    Shape {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    #[error("{got} public values given, the AIR takes {expected}")]
    PublicValues { expected: usize, got: usize },
    #[error("the out-of-domain point fell in the trace domain")]
    OodPointInDomain,
    #[error(
        "the constraints do not vanish at the out-of-domain point: the quotient does not match"
    )]
    OodMismatch,
    #[error("the proof-of-work witness is invalid")]
    ProofOfWork,
    #[error("Merkle opening of {what} rejected: {source}")]
    Merkle {
        what: String,
        #[source]
        source: kiln_hash::VerifyError,
    },
    #[error("query {query}: FRI round {round} is inconsistent with the batched openings")]
    FriFold { query: usize, round: usize },
    #[error("query {query}: the final polynomial does not match the last FRI round")]
    FinalPoly { query: usize },
    #[error("the preprocessed commitment could not be computed: {reason}")]
    Preprocessed { reason: String },
    #[error(
        "table {table}: the proof claims 2^{log_n} rows; the verifying key allows at most 2^{max}"
    )]
    TooTall {
        table: usize,
        log_n: usize,
        max: usize,
    },
    #[error("the LogUp totals of the tables do not add up to zero: a bus is unbalanced")]
    LookupSum,
    #[error("table {table}: the lookup total is {}", if *.present { "present, but the table has no interactions" } else { "missing" })]
    LookupTotal { table: usize, present: bool },
    #[error("the instance makes {count} lookups (Σ height × interactions), at least p")]
    TooManyLookups { count: u128 },
}
