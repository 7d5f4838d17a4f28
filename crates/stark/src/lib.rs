//! kiln's STARK over BabyBear.
//!
//! The shape is Plonky3's uni-stark: commit to the trace's low-degree extension, sample
//! α, commit the quotient of the α-combined constraints by the vanishing polynomial (in
//! chunks), sample ζ, open everything at ζ (and at ζω the columns the constraints read
//! at the next row), and prove the openings with FRI (configurable folding arity, a final
//! polynomial in the clear, proof-of-work grinding before the queries). The queries'
//! openings are shared: each commitment's distinct rows once, with only the Merkle
//! digests the verifier cannot recompute ([`kiln_hash::MultiOpening`]), and each FRI
//! round's groups without the values the verifier computes itself. Fiat–Shamir runs through a Poseidon2 duplex sponge; commitments
//! are Poseidon2 Merkle trees ([`kiln_hash`]); extension field BabyBear^4.
//!
//! * [`prove_tables`] proves several AIRs ("tables") of different heights at once, tied
//!   together by LogUp buses ([`kiln_air::lookup`]); [`prove`] is its one-table case;
//! * [`prove`] proves, and refuses a trace that breaks a constraint (the verifier's
//!   out-of-domain check on its own openings; the debug checker then names the row);
//! * [`verify`] depends on nothing of the prover and answers every malformed or tampered
//!   proof with a [`VerifyError`];
//! * [`StarkConfig`] has named presets and reports their security.

mod batch;
mod challenger;
mod commit;
mod config;
mod domain;
mod error;
mod fri;
mod lookup;
mod proof;
mod prover;
pub mod security;
mod transcript;
mod verifier;
mod vk;

pub use challenger::Challenger;
pub use config::{MAX_POW_BITS, StarkConfig};
pub use error::{ProveError, VerifyError};
pub use proof::{FriProof, LayerOpening, Openings, PROOF_VERSION, Proof, TableProof};
pub use prover::{
    ProverAir, ProverBackend, ProverConstraintFolder, QuotientInputs, prove, prove_tables,
    prove_tables_unchecked_with, prove_tables_with, prove_unchecked, prove_unchecked_with,
    prove_with,
};
pub use security::{SecurityInstance, SecurityReport, SecurityTerm, security_of_proof};
/// log2 of the largest two-adic subgroup of BabyBear: every domain (the LDE's above all)
/// has at most 2^TWO_ADICITY points.
pub(crate) const TWO_ADICITY: usize =
    <kiln_field::BabyBear as kiln_field::TwoAdicField>::TWO_ADICITY;

pub use verifier::{VerifierAir, VerifierConstraintFolder, verify, verify_tables};
pub use vk::{TableKey, VerifyingKey, verifying_key};
