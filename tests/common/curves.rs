//! Helpers of the pairing-curve tests (MSM, scalar NTT, arithmetic): seeded arkworks
//! inputs. Included with `#[path]` by the tests that need it.
#![allow(dead_code)]

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::{CurveGroup, PrimeGroup};
use ark_ff::{PrimeField, UniformRand};
use ark_std::rand::SeedableRng;
use ark_std::rand::rngs::StdRng;

pub fn ark_rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// `n` random points: random starting points every 1024, each followed by a random-step
/// progression (additions are ~100 times cheaper than scalar multiplications, which
/// keeps 2^20 points affordable).
pub fn random_points<P: SWCurveConfig>(rng: &mut StdRng, n: usize) -> Vec<Affine<P>> {
    let mut out: Vec<Projective<P>> = Vec::with_capacity(n);
    let mut cur = Projective::<P>::rand(rng);
    let mut step = Projective::<P>::rand(rng);
    for i in 0..n {
        if i % 1024 == 0 && i > 0 {
            cur = Projective::<P>::generator() * P::ScalarField::rand(rng);
            step = Projective::<P>::rand(rng);
        }
        out.push(cur);
        cur += step;
    }
    Projective::normalize_batch(&out)
}

pub fn random_scalars<F: PrimeField>(rng: &mut StdRng, n: usize) -> Vec<F> {
    (0..n).map(|_| F::rand(rng)).collect()
}
