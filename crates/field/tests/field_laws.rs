//! Field axioms on random elements, for the base field and the extension.

use kiln_field::{BabyBear, BabyBearExt4, ExtensionField, Field, P, TwoAdicField, batch_inverse};
use proptest::prelude::*;

fn bb() -> impl Strategy<Value = BabyBear> {
    prop_oneof![
        (0..P).prop_map(BabyBear::new),
        // edges: 0, 1, p−1, p−2, 2^31−2^27 and neighbours
        prop::sample::select(vec![0, 1, 2, P - 1, P - 2, P >> 1, (P >> 1) + 1])
            .prop_map(BabyBear::new),
    ]
}

fn ext() -> impl Strategy<Value = BabyBearExt4> {
    [bb(), bb(), bb(), bb()].prop_map(BabyBearExt4::new)
}

#[allow(clippy::eq_op)] // `a - a` is the law under test
fn laws<F: Field>(a: F, b: F, c: F) -> Result<(), TestCaseError> {
    prop_assert_eq!(a + b, b + a);
    prop_assert_eq!(a * b, b * a);
    prop_assert_eq!((a + b) + c, a + (b + c));
    prop_assert_eq!((a * b) * c, a * (b * c));
    prop_assert_eq!(a * (b + c), a * b + a * c);
    prop_assert_eq!(a + F::ZERO, a);
    prop_assert_eq!(a * F::ONE, a);
    prop_assert_eq!(a * F::ZERO, F::ZERO);
    prop_assert_eq!(a - a, F::ZERO);
    prop_assert_eq!(a + (-a), F::ZERO);
    prop_assert_eq!(a - b, a + (-b));
    prop_assert_eq!(a.square(), a * a);
    prop_assert_eq!(a.double(), a + a);
    prop_assert_eq!(F::NEG_ONE + F::ONE, F::ZERO);
    prop_assert_eq!(a.exp_u64(5), a * a * a * a * a);
    prop_assert_eq!(a.exp_power_of_2(3), a.exp_u64(8));
    match a.try_inverse() {
        None => prop_assert!(a.is_zero()),
        Some(inv) => {
            prop_assert!(!a.is_zero());
            prop_assert_eq!(a * inv, F::ONE);
            prop_assert_eq!(b * a / a, b);
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn base_field_laws(a in bb(), b in bb(), c in bb()) {
        laws(a, b, c)?;
        prop_assert!(a.to_monty() < P);
        prop_assert_eq!(BabyBear::new(a.as_canonical_u32()), a);
        prop_assert_eq!(a.pow7(), a.exp_u64(7));
        // Fermat
        prop_assert_eq!(a.exp_u64(P as u64), a);
    }

    #[test]
    fn extension_field_laws(a in ext(), b in ext(), c in ext()) {
        laws(a, b, c)?;
        // the base field embeds as a subring
        let (x, y) = (a.0[0], b.0[0]);
        prop_assert_eq!(BabyBearExt4::from(x) * BabyBearExt4::from(y), BabyBearExt4::from(x * y));
        prop_assert_eq!(a * x, a * BabyBearExt4::from(x));
        prop_assert_eq!(a + x, a + BabyBearExt4::from(x));
        prop_assert_eq!(BabyBearExt4::from_base_slice(a.as_base_slice()), a);
        // Frobenius: a^p has the same norm; a^(p^4) = a
        prop_assert_eq!(a.exp_u64(P as u64).exp_u64(P as u64).exp_u64(P as u64).exp_u64(P as u64), a);
    }

    #[test]
    fn batch_inverse_matches_single(v in prop::collection::vec(bb(), 0..64)) {
        let inv = batch_inverse(&v);
        for (x, y) in v.iter().zip(&inv) {
            prop_assert_eq!(*y, x.try_inverse().unwrap_or(BabyBear::ZERO));
        }
    }

    #[test]
    fn serde_roundtrip(a in bb(), e in ext()) {
        let bytes = postcard::to_allocvec(&(a, e)).unwrap();
        let back: (BabyBear, BabyBearExt4) = postcard::from_bytes(&bytes).unwrap();
        prop_assert_eq!(back, (a, e));
    }
}

#[test]
fn x4_is_11() {
    let x = BabyBearExt4::new([
        BabyBear::ZERO,
        BabyBear::ONE,
        BabyBear::ZERO,
        BabyBear::ZERO,
    ]);
    assert_eq!(x.exp_u64(4), BabyBearExt4::from(BabyBear::new(11)));
}

#[test]
fn two_adic_generators_have_exact_order() {
    for log_n in 0..=BabyBear::TWO_ADICITY {
        let g = BabyBear::two_adic_generator(log_n);
        assert_eq!(
            g.exp_power_of_2(log_n),
            BabyBear::ONE,
            "order divides 2^{log_n}"
        );
        if log_n > 0 {
            assert_ne!(
                g.exp_power_of_2(log_n - 1),
                BabyBear::ONE,
                "order is exactly 2^{log_n}"
            );
        }
    }
    // 31 generates F_p^*: its (p−1)/q-th powers are not 1 for q ∈ {2, 3, 5}.
    for q in [2u64, 3, 5] {
        assert_ne!(
            BabyBear::GENERATOR.exp_u64((P as u64 - 1) / q),
            BabyBear::ONE
        );
    }
}

#[test]
fn zero_has_no_inverse_and_serde_rejects_noncanonical() {
    assert!(BabyBear::ZERO.try_inverse().is_none());
    assert!(BabyBearExt4::ZERO.try_inverse().is_none());
    // Binary formats: four little-endian bytes of the canonical value.
    let x = BabyBear::new(0x1234_5678);
    assert_eq!(
        postcard::to_allocvec(&x).unwrap(),
        0x1234_5678u32.to_le_bytes()
    );
    assert_eq!(
        postcard::from_bytes::<BabyBear>(&0x1234_5678u32.to_le_bytes()).unwrap(),
        x
    );
    assert!(postcard::from_bytes::<BabyBear>(&P.to_le_bytes()).is_err());
    assert!(postcard::from_bytes::<BabyBear>(&u32::MAX.to_le_bytes()).is_err());
    assert!(postcard::from_bytes::<BabyBear>(&[1, 2, 3]).is_err());
    assert_eq!(serde_json::to_string(&x).unwrap(), "305419896");
    let err = serde_json::from_str::<BabyBear>(&P.to_string()).unwrap_err();
    assert!(
        err.to_string().contains("not a canonical BabyBear element"),
        "{err}"
    );
    assert_eq!(BabyBear::from_canonical_checked(P), None);
    assert_eq!(BabyBear::from_monty_checked(u32::MAX), None);
}
