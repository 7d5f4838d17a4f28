//! The kernels' field and G1 arithmetic (kernels/ff/mont.cuh, kernels/ec/xyzz.cuh)
//! against arkworks 0.6: the constants compiled in, every field operation on random and
//! special values, and every group operation including the cases the addition formulas
//! exclude (P + P, P + (−P), infinity). Through the emulator here; on a GPU as well, which
//! is what checks the PTX carry chains.

mod common;
#[path = "common/curves.rs"]
mod curves;

use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{AdditiveGroup, UniformRand, Zero};
use common::cuda_or_skip;
use curves::ark_rng;
use kiln::EmuBackend;
use kiln::msm::testing::{self as t, ArithTestOps};
use kiln::msm::{Bls12_381, Bn254, MsmCurve};
use kiln::{DeviceField, DeviceRepr};

fn words<F: DeviceField>(values: &[F]) -> Vec<u64> {
    let mut out = vec![0u64; values.len() * F::WORDS];
    for (v, w) in values.iter().zip(out.chunks_exact_mut(F::WORDS)) {
        v.write_words(w);
    }
    out
}

fn from_words<F: DeviceField>(w: &[u64]) -> Vec<F> {
    w.chunks_exact(F::WORDS)
        .map(|c| F::read_words(c).unwrap())
        .collect()
}

/// −p^{-1} mod 2^32 by Newton's iteration.
fn m0(p0: u64) -> u64 {
    let p = p0 as u32;
    let mut inv: u32 = 1;
    for _ in 0..5 {
        inv = inv.wrapping_mul(2u32.wrapping_sub(p.wrapping_mul(inv)));
    }
    inv.wrapping_neg() as u64
}

fn check_field<D: ArithTestOps, F: DeviceField>(dev: &D, field: u32, seed: u64) {
    let l = F::WORDS;
    // Constants: p, R mod p, R² mod p, M0, bits.
    let c = dev.ff_constants(field).unwrap();
    let p: Vec<u64> = F::MODULUS.as_ref().to_vec();
    assert_eq!(&c[..l], &p[..], "field {field}: p");
    let one = words(&[F::ONE]);
    assert_eq!(&c[l..2 * l], &one[..], "field {field}: R mod p");
    // R² mod p: the Montgomery words of the element whose value is R mod p.
    let one_bytes: Vec<u8> = one.iter().flat_map(|x| x.to_le_bytes()).collect();
    let r_mod_p = F::from_le_bytes_mod_order(&one_bytes);
    assert_eq!(
        &c[2 * l..3 * l],
        &words(&[r_mod_p])[..],
        "field {field}: R² mod p"
    );
    assert_eq!(c[3 * l], m0(p[0]), "field {field}: -p^-1 mod 2^32");
    assert_eq!(
        c[3 * l + 1],
        F::MODULUS_BIT_SIZE as u64,
        "field {field}: bits"
    );

    // Operations on random values and on 0, 1, −1, 2.
    let mut rng = ark_rng(seed);
    let mut a: Vec<F> = (0..200).map(|_| F::rand(&mut rng)).collect();
    let mut b: Vec<F> = (0..200).map(|_| F::rand(&mut rng)).collect();
    let special = [F::ZERO, F::ONE, -F::ONE, F::from(2u64)];
    for x in special {
        for y in special {
            a.push(x);
            b.push(y);
        }
    }
    let (wa, wb) = (words(&a), words(&b));
    let run = |op| from_words::<F>(&dev.ff_op(field, op, &wa, &wb).unwrap());
    let zip = |f: fn(F, F) -> F| a.iter().zip(&b).map(|(x, y)| f(*x, *y)).collect::<Vec<F>>();
    assert_eq!(run(t::FF_ADD), zip(|x, y| x + y), "field {field}: add");
    assert_eq!(run(t::FF_SUB), zip(|x, y| x - y), "field {field}: sub");
    assert_eq!(run(t::FF_MUL), zip(|x, y| x * y), "field {field}: mul");
    assert_eq!(run(t::FF_NEG), zip(|x, _| -x), "field {field}: neg");
    assert_eq!(run(t::FF_SQR), zip(|x, _| x.square()), "field {field}: sqr");
    // To the standard integer.
    let std = dev.ff_op(field, t::FF_TO_STANDARD, &wa, &wb).unwrap();
    let want: Vec<u64> = a
        .iter()
        .flat_map(|x| x.into_bigint().as_ref().to_vec())
        .collect();
    assert_eq!(std, want, "field {field}: to standard form");
    // From any integer of the limb width (reduced mod p), including ones above p.
    let mut ints: Vec<u64> = (0..200 * l).map(|_| u64::rand(&mut rng)).collect();
    ints.extend(p.iter().copied()); // p itself
    ints.extend(vec![u64::MAX; l]); // 2^(64l) − 1
    let got = from_words::<F>(&dev.ff_op(field, t::FF_FROM_STANDARD, &ints, &ints).unwrap());
    let want: Vec<F> = ints
        .chunks_exact(l)
        .map(|c| {
            let bytes: Vec<u8> = c.iter().flat_map(|x| x.to_le_bytes()).collect();
            F::from_le_bytes_mod_order(&bytes)
        })
        .collect();
    assert_eq!(got, want, "field {field}: from standard form (mod p)");
}

fn xyzz_words<P: MsmCurve>(points: &[Projective<P>]) -> Vec<u64> {
    let l = <P::BaseField as DeviceRepr>::WORDS;
    let mut out = vec![0u64; points.len() * 4 * l];
    for (p, w) in points.iter().zip(out.chunks_exact_mut(4 * l)) {
        t::projective_to_xyzz(p, w);
    }
    out
}

fn affine_words<P: MsmCurve>(points: &[Affine<P>]) -> Vec<u64> {
    let w = <Affine<P> as DeviceRepr>::WORDS;
    let mut out = vec![0u64; points.len() * w];
    for (p, o) in points.iter().zip(out.chunks_exact_mut(w)) {
        p.write_words(o);
    }
    out
}

fn from_xyzz<P: MsmCurve>(words: &[u64]) -> Vec<Projective<P>> {
    let l = <P::BaseField as DeviceRepr>::WORDS;
    words
        .chunks_exact(4 * l)
        .map(|w| t::xyzz_to_projective::<P>(w).unwrap())
        .collect()
}

fn check_curve<D: ArithTestOps, P: MsmCurve>(dev: &D, seed: u64) {
    let mut rng = ark_rng(seed);
    let g = Projective::<P>::generator();
    let mut a: Vec<Projective<P>> = (0..40).map(|_| Projective::<P>::rand(&mut rng)).collect();
    let mut b: Vec<Projective<P>> = (0..40).map(|_| Projective::<P>::rand(&mut rng)).collect();
    // The excluded cases: P + P, P + (−P), infinity on either side or both.
    let p = Projective::<P>::rand(&mut rng);
    let specials = [
        (p, p),
        (p, -p),
        (Projective::zero(), p),
        (p, Projective::zero()),
        (Projective::zero(), Projective::zero()),
        (g, g.double()),
        (p.into_affine().into_group(), p), // Z = 1 against Z ≠ 1
    ];
    for (x, y) in specials {
        a.push(x);
        b.push(y);
    }
    let wa = xyzz_words(&a);
    let name = P::NAME;

    let sum = from_xyzz::<P>(&dev.ec_op::<P>(t::EC_ADD, &wa, &xyzz_words(&b)).unwrap());
    let want: Vec<_> = a.iter().zip(&b).map(|(x, y)| *x + y).collect();
    assert_eq!(sum, want, "{name}: XYZZ + XYZZ");

    let b_aff: Vec<Affine<P>> = b.iter().map(|x| x.into_affine()).collect();
    let mixed = from_xyzz::<P>(
        &dev.ec_op::<P>(t::EC_ADD_AFFINE, &wa, &affine_words(&b_aff))
            .unwrap(),
    );
    assert_eq!(mixed, want, "{name}: XYZZ + affine");

    let dbl = from_xyzz::<P>(&dev.ec_op::<P>(t::EC_DBL, &wa, &wa).unwrap());
    let want: Vec<_> = a.iter().map(|x| x.double()).collect();
    assert_eq!(dbl, want, "{name}: doubling");
}

fn check_all<D: ArithTestOps>(dev: &D) {
    check_field::<_, ark_bn254::Fq>(dev, t::BN254_FQ, 1);
    check_field::<_, ark_bn254::Fr>(dev, t::BN254_FR, 2);
    check_field::<_, ark_bls12_381::Fq>(dev, t::BLS12_381_FQ, 3);
    check_field::<_, ark_bls12_381::Fr>(dev, t::BLS12_381_FR, 4);
    check_curve::<_, Bn254>(dev, 5);
    check_curve::<_, Bls12_381>(dev, 6);
}

#[test]
fn emulated_arithmetic_matches_arkworks() {
    check_all(&EmuBackend::new());
}

#[test]
fn cuda_arithmetic_matches_arkworks() {
    let Some(gpu) = cuda_or_skip("cuda_arithmetic_matches_arkworks") else {
        return;
    };
    check_all(&gpu);
}
