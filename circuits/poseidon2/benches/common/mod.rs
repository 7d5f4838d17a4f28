//! What the benchmark and the example share: random inputs, kiln's prover and Plonky3's
//! (p3-uni-stark 0.8 with p3-poseidon2-air) on the same workload.
//!
//! Plonky3's configuration mirrors `StarkConfig::PLONKY3_BENCH`: BabyBear, degree-4
//! extension, Poseidon2 width-16 Merkle trees (sponge rate 8, 8-element digests, 2-to-1
//! truncated-permutation compression, no cap), FRI at rate 1/2 with 100 queries, no
//! proof of work anywhere, folding by 2, a constant final polynomial, and a Poseidon2
//! duplex challenger. Its AIR is `VectorizedPoseidon2Air` with one S-box register (degree
//! 3), the same permutation (default BabyBear constants) and the same column layout.

#![allow(dead_code)]

use kiln_field::BabyBear;
use kiln_poseidon2_air::{Poseidon2Air, WIDTH, generate_trace};
use kiln_stark::StarkConfig;
use p3_baby_bear::{
    BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL, BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL,
    BABYBEAR_POSEIDON2_RC_16_INTERNAL, GenericPoseidon2LinearLayersBabyBear, Poseidon2BabyBear,
    default_babybear_poseidon2_16,
};
use p3_challenger::DuplexChallenger;
use p3_commit::ExtensionMmcs;
use p3_field::extension::BinomialExtensionField;
use p3_field::{Field, PrimeCharacteristicRing};
use p3_fri::{FriParameters, TwoAdicFriPcs};
use p3_matrix::dense::RowMajorMatrix;
use p3_merkle_tree::MerkleTreeMmcs;
use p3_poseidon2_air::{RoundConstants, VectorizedPoseidon2Air, generate_vectorized_trace_rows};
use p3_symmetric::{PaddingFreeSponge, TruncatedPermutation};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// kiln's configuration for the comparison.
pub const KILN_CONFIG: StarkConfig = StarkConfig::PLONKY3_BENCH;

pub fn random_inputs(count: usize, seed: u64) -> Vec<[BabyBear; WIDTH]> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    (0..count).map(|_| rng.random()).collect()
}

/// kiln: trace of `inputs`, `K` permutations per row.
pub fn kiln_trace<const K: usize>(inputs: &[[BabyBear; WIDTH]]) -> kiln_field::ColMajorMatrix {
    generate_trace::<K>(inputs)
}

/// kiln: proves the trace; returns the proof's size in bytes.
pub fn kiln_prove<const K: usize>(trace: &kiln_field::ColMajorMatrix) -> kiln_stark::Proof {
    kiln_stark::prove(&KILN_CONFIG, &Poseidon2Air::<K>::new(), trace, &[]).expect("valid trace")
}

pub fn kiln_verify<const K: usize>(proof: &kiln_stark::Proof) {
    kiln_stark::verify(&KILN_CONFIG, &Poseidon2Air::<K>::new(), proof, &[]).expect("valid proof");
}

pub type Val = p3_baby_bear::BabyBear;
type Perm = Poseidon2BabyBear<16>;
type Hash = PaddingFreeSponge<Perm, 16, 8, 8>;
type Compress = TruncatedPermutation<Perm, 2, 8, 16>;
type ValMmcs =
    MerkleTreeMmcs<<Val as Field>::Packing, <Val as Field>::Packing, Hash, Compress, 2, 8>;
type Challenge = BinomialExtensionField<Val, 4>;
type ChallengeMmcs = ExtensionMmcs<Val, Challenge, ValMmcs>;
type Challenger = DuplexChallenger<Val, Perm, 16, 8>;
type Dft = p3_dft::Radix2DitParallel<Val>;
type Pcs = TwoAdicFriPcs<Val, Dft, ValMmcs, ChallengeMmcs>;
pub type P3Config = p3_uni_stark::StarkConfig<Pcs, Challenge, Challenger>;
pub type P3Air<const K: usize> =
    VectorizedPoseidon2Air<Val, GenericPoseidon2LinearLayersBabyBear, 16, 7, 1, 4, 13, K>;
pub type P3Proof = p3_uni_stark::Proof<P3Config>;

pub fn p3_config() -> P3Config {
    let perm = default_babybear_poseidon2_16();
    let val_mmcs = ValMmcs::new(Hash::new(perm.clone()), Compress::new(perm.clone()), 0);
    let fri = FriParameters {
        log_blowup: 1,
        log_final_poly_len: 0,
        max_log_arity: 1,
        num_queries: 100,
        batch_proof_of_work_bits: 0,
        commit_proof_of_work_bits: 0,
        query_proof_of_work_bits: 0,
        mmcs: ChallengeMmcs::new(val_mmcs.clone()),
    };
    let pcs = Pcs::new(Dft::default(), val_mmcs, fri);
    P3Config::new(pcs, Challenger::new(perm))
}

fn p3_constants() -> RoundConstants<Val, 16, 4, 13> {
    RoundConstants::new(
        BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL,
        BABYBEAR_POSEIDON2_RC_16_INTERNAL,
        BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL,
    )
}

pub fn p3_air<const K: usize>() -> P3Air<K> {
    VectorizedPoseidon2Air::new(p3_constants())
}

/// Plonky3: trace of `inputs` (a multiple of `K` times a power of two), `K` permutations
/// per row, with room for the LDE as Plonky3's own examples allocate it.
pub fn p3_trace<const K: usize>(inputs: &[[BabyBear; WIDTH]]) -> RowMajorMatrix<Val> {
    let inputs = inputs
        .iter()
        .map(|s| s.map(|x| Val::from_u32(x.as_canonical_u32())))
        .collect();
    generate_vectorized_trace_rows::<Val, GenericPoseidon2LinearLayersBabyBear, 16, 7, 1, 4, 13, K>(
        inputs,
        &p3_constants(),
        1,
    )
}

pub fn p3_prove<const K: usize>(config: &P3Config, trace: RowMajorMatrix<Val>) -> P3Proof {
    p3_uni_stark::prove(config, &p3_air::<K>(), trace, &[]).expect("valid trace")
}

pub fn p3_verify<const K: usize>(config: &P3Config, proof: &P3Proof) {
    p3_uni_stark::verify(config, &p3_air::<K>(), proof, &[]).expect("valid proof");
}

/// Size of a Plonky3 proof serialised with postcard (as kiln's `Proof::size_bytes`).
pub fn p3_proof_size(proof: &P3Proof) -> usize {
    postcard::to_allocvec(proof).expect("serialisable").len()
}
