//! A real hash for the tests: Plonky3 0.8's Poseidon2 over BabyBear (width 16, the
//! default constants), as a padding-free sponge (rate 8, digest 8) and a truncated
//! permutation for 2-to-1 compression: the parameter set of kiln's commitments.
//! Dev-dependency only; the production hasher is `kiln_vprog::Poseidon2Hasher`, checked
//! against this one.

use kiln_field::BabyBear;
use kiln_vprog::{CommitmentHasher, Digest};
use p3_baby_bear::{BabyBear as P3, Poseidon2BabyBear, default_babybear_poseidon2_16};
use p3_field::PrimeField32;
use p3_symmetric::{
    CryptographicHasher, PaddingFreeSponge, PseudoCompressionFunction, TruncatedPermutation,
};

type Perm = Poseidon2BabyBear<16>;

#[derive(Clone)]
pub struct P3Poseidon2 {
    sponge: PaddingFreeSponge<Perm, 16, 8, 8>,
    compression: TruncatedPermutation<Perm, 2, 8, 16>,
}

impl P3Poseidon2 {
    pub fn new() -> Self {
        let perm = default_babybear_poseidon2_16();
        Self {
            sponge: PaddingFreeSponge::new(perm.clone()),
            compression: TruncatedPermutation::new(perm),
        }
    }
}

fn to_p3(x: BabyBear) -> P3 {
    P3::new(x.as_canonical_u32())
}

fn from_p3(d: [P3; 8]) -> Digest {
    d.map(|x| BabyBear::new(x.as_canonical_u32()))
}

impl CommitmentHasher for P3Poseidon2 {
    fn hash(&self, input: &[BabyBear]) -> Digest {
        from_p3(self.sponge.hash_iter(input.iter().map(|&x| to_p3(x))))
    }

    fn compress(&self, left: &Digest, right: &Digest) -> Digest {
        from_p3(
            self.compression
                .compress([left.map(to_p3), right.map(to_p3)]),
        )
    }
}
