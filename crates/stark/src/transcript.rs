//! The Fiat–Shamir transcript's order, written once for prover and verifier.
//!
//! Each phase is a type holding the [`Challenger`]; its methods absorb the phase's messages
//! and return the challenges sampled after them with the next phase, so neither side can
//! take the steps in another order. In order:
//!
//! 1. the domain-separation tag, the verifying key's digest, the configuration, and per
//!    table the instance's shape and public values ([`StarkTranscript::new`]);
//! 2. the preprocessed commitment (if any), the main commitment → γ and β, the lookup
//!    challenges;
//! 3. the auxiliary commitment (if any) and every table's lookup total → α, the
//!    constraint combination challenge;
//! 4. the quotient commitment → ζ, the out-of-domain point;
//! 5. every table's openings at ζ and ζω → the batching challenge of the FRI inputs;
//! 6. per FRI round, the layer's commitment → β, the folding challenge;
//! 7. the final polynomial's coefficients;
//! 8. the proof-of-work witness (absorbed only when grinding is on);
//! 9. the query indices.

use kiln_field::{BabyBear, BabyBearExt4};
use kiln_hash::Digest;

use crate::StarkConfig;
use crate::challenger::Challenger;
use crate::proof::Openings;

/// The transcript's domain-separation tag (carries the proof version).
const TRANSCRIPT_TAG: &[u8] = b"kiln-stark-v3";

/// One table's shape, absorbed before any commitment.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Instance<'a> {
    pub log_n: usize,
    pub log_chunks: usize,
    pub width: usize,
    pub preprocessed_width: usize,
    /// BabyBear^4 columns of the lookup (0 without interactions).
    pub aux_width: usize,
    pub public_values: &'a [BabyBear],
}

/// Phase 2: the instance is absorbed; the commitments to the trace come next.
#[derive(Debug)]
pub(crate) struct StarkTranscript(Challenger);

/// Phase 3: the auxiliary commitment and the lookup totals come next.
#[derive(Debug)]
pub(crate) struct AuxPhase(Challenger);

/// Phase 4: the quotient commitment comes next.
#[derive(Debug)]
pub(crate) struct QuotientPhase(Challenger);

/// Phase 5: the openings at ζ and ζω come next.
#[derive(Debug)]
pub(crate) struct OpeningPhase(Challenger);

/// Phases 6 and 7: the FRI layers' commitments, then the final polynomial.
#[derive(Debug)]
pub(crate) struct FriCommitPhase(Challenger);

/// Phase 8: the proof-of-work witness comes next.
#[derive(Debug)]
pub(crate) struct PowPhase(Challenger);

/// Phase 9: only the query indices are left.
#[derive(Debug)]
pub(crate) struct QueryPhase(Challenger);

impl StarkTranscript {
    /// A transcript with the tag, the verifying key's digest, the configuration and every
    /// table's instance absorbed.
    pub fn new(config: &StarkConfig, vk_digest: &Digest, tables: &[Instance<'_>]) -> Self {
        let mut ch = Challenger::new(TRANSCRIPT_TAG);
        ch.observe_digest(vk_digest);
        for v in [
            u64::from(config.log_blowup),
            u64::from(config.num_queries),
            u64::from(config.query_pow_bits),
            u64::from(config.log_folding_arity),
            u64::from(config.log_final_poly_len),
            tables.len() as u64,
        ] {
            ch.observe_u64(v);
        }
        for t in tables {
            for v in [
                t.log_n,
                t.log_chunks,
                t.width,
                t.preprocessed_width,
                t.aux_width,
                t.public_values.len(),
            ] {
                ch.observe_u64(v as u64);
            }
            ch.observe_slice(t.public_values);
        }
        Self(ch)
    }

    /// Absorbs the preprocessed commitment (if any), then the main one; samples the
    /// lookup challenges γ and β.
    pub fn observe_main(
        mut self,
        preprocessed_root: Option<&Digest>,
        main_root: &Digest,
    ) -> (AuxPhase, [BabyBearExt4; 2]) {
        if let Some(root) = preprocessed_root {
            self.0.observe_digest(root);
        }
        self.0.observe_digest(main_root);
        let gamma = self.0.sample_ext();
        let beta = self.0.sample_ext();
        (AuxPhase(self.0), [gamma, beta])
    }
}

impl AuxPhase {
    /// Absorbs the auxiliary commitment (if any) and the lookup totals; samples α.
    pub fn observe_aux(
        mut self,
        aux_root: Option<&Digest>,
        sums: &[BabyBearExt4],
    ) -> (QuotientPhase, BabyBearExt4) {
        if let Some(root) = aux_root {
            self.0.observe_digest(root);
        }
        for s in sums {
            self.0.observe_ext(*s);
        }
        let alpha = self.0.sample_ext();
        (QuotientPhase(self.0), alpha)
    }
}

impl QuotientPhase {
    /// Absorbs the quotient's commitment; samples ζ.
    pub fn observe_quotient(mut self, quotient_root: &Digest) -> (OpeningPhase, BabyBearExt4) {
        self.0.observe_digest(quotient_root);
        let zeta = self.0.sample_ext();
        (OpeningPhase(self.0), zeta)
    }
}

impl OpeningPhase {
    /// Absorbs every table's openings (trace at ζ, at ζω, preprocessed at ζ, at ζω,
    /// auxiliary at ζ, at ζω, quotient); samples the challenge that batches them into
    /// FRI's input.
    pub fn observe_openings<'a>(
        mut self,
        tables: impl IntoIterator<Item = &'a Openings>,
    ) -> (FriCommitPhase, BabyBearExt4) {
        for o in tables {
            for v in o
                .trace_local
                .iter()
                .chain(&o.trace_next)
                .chain(&o.preprocessed_local)
                .chain(&o.preprocessed_next)
                .chain(&o.aux_local)
                .chain(&o.aux_next)
                .chain(&o.quotient)
            {
                self.0.observe_ext(*v);
            }
        }
        let fri_alpha = self.0.sample_ext();
        (FriCommitPhase(self.0), fri_alpha)
    }
}

impl FriCommitPhase {
    /// Absorbs one FRI layer's commitment; samples its folding challenge β.
    pub fn observe_layer(&mut self, root: &Digest) -> BabyBearExt4 {
        self.0.observe_digest(root);
        self.0.sample_ext()
    }

    /// Absorbs the final polynomial's coefficients, ending the commit phase.
    pub fn observe_final_poly(mut self, coeffs: &[BabyBearExt4]) -> PowPhase {
        for c in coeffs {
            self.0.observe_ext(*c);
        }
        PowPhase(self.0)
    }
}

impl PowPhase {
    /// The prover: finds (and absorbs) a proof-of-work witness of `bits` bits.
    pub fn grind(mut self, bits: u32) -> (BabyBear, QueryPhase) {
        let witness = self.0.grind(bits);
        (witness, QueryPhase(self.0))
    }

    /// The verifier: absorbs `witness`; `None` if it does not solve the puzzle.
    pub fn check_witness(mut self, bits: u32, witness: BabyBear) -> Option<QueryPhase> {
        self.0
            .check_witness(bits, witness)
            .then_some(QueryPhase(self.0))
    }
}

impl QueryPhase {
    /// The `count` query indices into a domain of 2^log_size points, ending the transcript.
    pub fn sample_indices(mut self, count: usize, log_size: usize) -> Vec<usize> {
        (0..count)
            .map(|_| self.0.sample_bits(log_size as u32))
            .collect()
    }
}
