//! Agreement with p3-baby-bear 0.8 on random inputs: arithmetic, inverses, powers,
//! extension operations, two-adic generators and the Montgomery representation.

use kiln_field::{BabyBear, BabyBearExt4, ExtensionField, Field, TwoAdicField};
use p3_baby_bear::BabyBear as P3;
use p3_field::extension::BinomialExtensionField;
use p3_field::{
    BasedVectorSpace, Field as _, PrimeCharacteristicRing, PrimeField32, TwoAdicField as _,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

type P3Ext = BinomialExtensionField<P3, 4>;

fn to_p3(x: BabyBear) -> P3 {
    P3::new(x.as_canonical_u32())
}

fn to_p3_ext(x: BabyBearExt4) -> P3Ext {
    P3Ext::from_basis_coefficients_slice(&x.0.map(to_p3)).unwrap()
}

fn from_p3(x: P3) -> BabyBear {
    BabyBear::new(x.as_canonical_u32())
}

fn from_p3_ext(x: P3Ext) -> BabyBearExt4 {
    let c = x.as_basis_coefficients_slice();
    BabyBearExt4::from_base_slice(&c.iter().map(|&c| from_p3(c)).collect::<Vec<_>>())
}

fn p3_monty_word(x: P3) -> u32 {
    // SAFETY: `MontyField31` is `repr(transparent)` over its Montgomery word (p3-monty-31
    // 0.8, monty_31.rs), the same layout as a u32.
    unsafe { core::mem::transmute::<P3, u32>(x) }
}

#[test]
fn base_field_matches_plonky3() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    for _ in 0..10_000 {
        let (a, b): (BabyBear, BabyBear) = (rng.random(), rng.random());
        let (pa, pb) = (to_p3(a), to_p3(b));
        assert_eq!(a.to_monty(), p3_monty_word(pa), "Montgomery words differ");
        assert_eq!(from_p3(pa + pb), a + b);
        assert_eq!(from_p3(pa - pb), a - b);
        assert_eq!(from_p3(pa * pb), a * b);
        assert_eq!(from_p3(-pa), -a);
        assert_eq!(pa.try_inverse().map(from_p3), a.try_inverse());
        let e: u64 = rng.random();
        assert_eq!(from_p3(pa.exp_u64(e)), a.exp_u64(e));
    }
    assert_eq!(from_p3(P3::GENERATOR), BabyBear::GENERATOR);
    for log_n in 0..=27 {
        assert_eq!(
            from_p3(P3::two_adic_generator(log_n)),
            BabyBear::two_adic_generator(log_n)
        );
    }
}

#[test]
fn extension_matches_plonky3() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    for _ in 0..5_000 {
        let (a, b): (BabyBearExt4, BabyBearExt4) = (rng.random(), rng.random());
        let (pa, pb) = (to_p3_ext(a), to_p3_ext(b));
        assert_eq!(from_p3_ext(pa + pb), a + b);
        assert_eq!(from_p3_ext(pa - pb), a - b);
        assert_eq!(from_p3_ext(pa * pb), a * b);
        assert_eq!(from_p3_ext(pa.square()), a.square());
        assert_eq!(pa.try_inverse().map(from_p3_ext), a.try_inverse());
        let s: BabyBear = rng.random();
        assert_eq!(from_p3_ext(pa * to_p3(s)), a * s);
        let e: u64 = rng.random();
        assert_eq!(from_p3_ext(pa.exp_u64(e)), a.exp_u64(e));
    }
}

#[test]
fn memory_layout_matches_plonky3() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let ours: Vec<BabyBearExt4> = (0..64).map(|_| rng.random()).collect();
    let theirs: Vec<P3Ext> = ours.iter().map(|&x| to_p3_ext(x)).collect();
    let our_words: &[u32] = bytemuck::cast_slice(&ours);
    // SAFETY: BinomialExtensionField<BabyBear, 4> is `repr(transparent)` over `[BabyBear; 4]`
    // and BabyBear over u32 (p3-field 0.8), so the vector's memory is 4·len u32 words.
    let their_words: &[u32] =
        unsafe { core::slice::from_raw_parts(theirs.as_ptr().cast::<u32>(), theirs.len() * 4) };
    assert_eq!(our_words, their_words);
}
