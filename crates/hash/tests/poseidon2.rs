//! The permutation: Plonky3 0.8's known-answer vectors, agreement with
//! `default_babybear_poseidon2_16/24` on random inputs, agreement with a naive
//! matrix-based implementation, and agreement of every SIMD level.

mod common;

use common::{from_p3_array, simd_levels, to_p3_array};
use kiln_field::{BabyBear, Field};
use kiln_hash::{
    BLOCK, POSEIDON2_W16, POSEIDON2_W24, Permutation, Poseidon2Constants, Poseidon2W16,
    Poseidon2W24, SimdLevel,
};
use p3_baby_bear::{
    BabyBearInternalLayerParameters, default_babybear_poseidon2_16, default_babybear_poseidon2_24,
};
use p3_monty_31::InternalLayerBaseParameters;
use p3_symmetric::Permutation as _;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// Known-answer vectors of p3-baby-bear 0.8.0 `src/poseidon2.rs`
/// (`test_default_babybear_poseidon2_width_16` and `_24`), canonical values.
const KAT16_IN: [u32; 16] = [
    894848333, 1437655012, 1200606629, 1690012884, 71131202, 1749206695, 1717947831, 120589055,
    19776022, 42382981, 1831865506, 724844064, 171220207, 1299207443, 227047920, 1783754913,
];
const KAT16_OUT: [u32; 16] = [
    516096821, 90309867, 1101817252, 1660784290, 360715097, 1789519026, 1788910906, 563338433,
    319524748, 1741414159, 1650859320, 894311162, 1121347488, 1692793758, 1052633829, 1344246938,
];
const KAT24_IN: [u32; 24] = [
    886409618, 1327899896, 1902407911, 591953491, 648428576, 1844789031, 1198336108, 355597330,
    1799586834, 59617783, 790334801, 1968791836, 559272107, 31054313, 1042221543, 474748436,
    135686258, 263665994, 1962340735, 1741539604, 2026927696, 449439011, 1131357108, 50869465,
];
const KAT24_OUT: [u32; 24] = [
    882297297, 1264077610, 512812497, 782602970, 867738552, 1251075457, 309180082, 340784773,
    524041877, 351272188, 404451680, 15001466, 322926653, 1773004150, 1718440818, 674682955,
    1154713225, 1719133502, 324232301, 1005243141, 443371079, 268735940, 770060019, 718377682,
];

/// Canonical values mod p (the KAT inputs include values ≥ p, reduced as Plonky3 does).
fn elems<const N: usize>(xs: [u32; N]) -> [BabyBear; N] {
    xs.map(BabyBear::new)
}

fn check_kat<const W: usize, P: Permutation<W>>(perm: P, input: [u32; W], output: [u32; W]) {
    assert_eq!(perm.permute(elems(input)), elems(output));
    // The same vector in every lane position of a batch, with a short last group.
    let mut many = vec![elems(input); 37];
    perm.permute_many(&mut many);
    assert!(many.iter().all(|s| *s == elems(output)));
}

#[test]
fn known_answers_from_plonky3() {
    for level in simd_levels() {
        check_kat(
            Poseidon2W16::with_simd_level(level).unwrap(),
            KAT16_IN,
            KAT16_OUT,
        );
        check_kat(
            Poseidon2W24::with_simd_level(level).unwrap(),
            KAT24_IN,
            KAT24_OUT,
        );
    }
}

#[test]
fn random_inputs_match_plonky3() {
    let mut rng = ChaCha20Rng::seed_from_u64(16);
    let p3_16 = default_babybear_poseidon2_16();
    let p3_24 = default_babybear_poseidon2_24();
    for level in simd_levels() {
        let ours16 = Poseidon2W16::with_simd_level(level).unwrap();
        let ours24 = Poseidon2W24::with_simd_level(level).unwrap();
        for n in [1, 2, 7, 8, 15, 16, 17, 33, 100] {
            let inputs16: Vec<[BabyBear; 16]> = (0..n).map(|_| rng.random()).collect();
            let mut batch16 = inputs16.clone();
            ours16.permute_many(&mut batch16);
            for (input, out) in inputs16.iter().zip(&batch16) {
                let expected = from_p3_array(p3_16.permute(to_p3_array(*input)));
                assert_eq!(*out, expected, "width 16, {level:?}, batch of {n}");
                assert_eq!(ours16.permute(*input), expected);
            }
            let inputs24: Vec<[BabyBear; 24]> = (0..n).map(|_| rng.random()).collect();
            let mut batch24 = inputs24.clone();
            ours24.permute_many(&mut batch24);
            for (input, out) in inputs24.iter().zip(&batch24) {
                let expected = from_p3_array(p3_24.permute(to_p3_array(*input)));
                assert_eq!(*out, expected, "width 24, {level:?}, batch of {n}");
                assert_eq!(ours24.permute(*input), expected);
            }
        }
    }
}

/// Inputs at the edges of the representation (0, 1, p − 1, small and large words), in
/// every lane, where reductions are most likely to go wrong.
#[test]
fn edge_values_agree_across_simd_levels() {
    check_edge_values::<16, Poseidon2W16>(Poseidon2W16::with_simd_level, |s| {
        from_p3_array(default_babybear_poseidon2_16().permute(to_p3_array(s)))
    });
    check_edge_values::<24, Poseidon2W24>(Poseidon2W24::with_simd_level, |s| {
        from_p3_array(default_babybear_poseidon2_24().permute(to_p3_array(s)))
    });
}

fn check_edge_values<const W: usize, P: Permutation<W>>(
    with_simd_level: fn(SimdLevel) -> Result<P, kiln_hash::SimdLevelError>,
    plonky3: impl Fn([BabyBear; W]) -> [BabyBear; W],
) {
    let edges = [
        0,
        1,
        2,
        kiln_field::P - 1,
        kiln_field::P - 2,
        1 << 30,
        (1 << 31) - 1,
    ];
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let states: Vec<[BabyBear; W]> = (0..64)
        .map(|_| core::array::from_fn(|_| BabyBear::new(edges[rng.random_range(0..edges.len())])))
        .collect();
    let scalar = with_simd_level(SimdLevel::Scalar).unwrap();
    let reference: Vec<_> = states.iter().map(|s| scalar.permute(*s)).collect();
    for level in simd_levels() {
        let perm = with_simd_level(level).unwrap();
        let mut batch = states.clone();
        perm.permute_many(&mut batch);
        assert_eq!(batch, reference, "width {W}, {level:?}");
        let singles: Vec<_> = states.iter().map(|s| perm.permute(*s)).collect();
        assert_eq!(singles, reference, "width {W}, {level:?}, one at a time");
    }
    for (s, r) in states.iter().zip(&reference) {
        assert_eq!(plonky3(*s), *r, "width {W}, Plonky3");
    }
    for level in simd_levels() {
        let perm = with_simd_level(level).unwrap();
        let mut blocks = to_blocks(&states);
        perm.permute_blocks(&mut blocks);
        assert_eq!(
            from_blocks(&blocks),
            reference,
            "width {W}, {level:?}, blocks"
        );
    }
}

/// `states` (a multiple of [`BLOCK`]) in the layout of [`Permutation::permute_blocks`].
fn to_blocks<const W: usize>(states: &[[BabyBear; W]]) -> Vec<[[BabyBear; BLOCK]; W]> {
    assert_eq!(states.len() % BLOCK, 0);
    states
        .chunks(BLOCK)
        .map(|group| core::array::from_fn(|j| core::array::from_fn(|l| group[l][j])))
        .collect()
}

/// The inverse of [`to_blocks`].
fn from_blocks<const W: usize>(blocks: &[[[BabyBear; BLOCK]; W]]) -> Vec<[BabyBear; W]> {
    blocks
        .iter()
        .flat_map(|block| (0..BLOCK).map(move |l| core::array::from_fn(|j| block[j][l])))
        .collect()
}

/// Random states in blocks, on every SIMD level, equal Plonky3's permutation state by state;
/// so does the trait's default `permute_blocks` (a loop over `permute_mut`).
#[test]
fn blocks_match_plonky3() {
    /// Only the required method: exercises the default batched methods.
    #[derive(Clone, Copy)]
    struct OneAtATime<P>(P);
    impl<const W: usize, P: Permutation<W>> Permutation<W> for OneAtATime<P> {
        fn permute_mut(&self, state: &mut [BabyBear; W]) {
            self.0.permute_mut(state);
        }
    }

    fn check<const W: usize, P: Permutation<W>>(
        perms: Vec<(String, P)>,
        plonky3: impl Fn([BabyBear; W]) -> [BabyBear; W],
    ) {
        let mut rng = ChaCha20Rng::seed_from_u64(24);
        for n_blocks in [0, 1, 3] {
            let states: Vec<[BabyBear; W]> = (0..n_blocks * BLOCK).map(|_| rng.random()).collect();
            let expected: Vec<_> = states.iter().map(|s| plonky3(*s)).collect();
            for (name, perm) in &perms {
                let mut blocks = to_blocks(&states);
                perm.permute_blocks(&mut blocks);
                assert_eq!(
                    from_blocks(&blocks),
                    expected,
                    "width {W}, {name}, {n_blocks} blocks"
                );
                let mut rows = states.clone();
                perm.permute_many(&mut rows);
                assert_eq!(rows, expected, "width {W}, {name}, rows");
            }
        }
    }

    let mut perms16: Vec<(String, Poseidon2W16)> = simd_levels()
        .into_iter()
        .map(|b| (format!("{b:?}"), Poseidon2W16::with_simd_level(b).unwrap()))
        .collect();
    perms16.push(("new()".into(), Poseidon2W16::new()));
    let p3_16 =
        |s: [BabyBear; 16]| from_p3_array(default_babybear_poseidon2_16().permute(to_p3_array(s)));
    check(perms16, p3_16);
    check(
        vec![("default methods".into(), OneAtATime(Poseidon2W16::new()))],
        p3_16,
    );
    let perms24: Vec<(String, Poseidon2W24)> = simd_levels()
        .into_iter()
        .map(|b| (format!("{b:?}"), Poseidon2W24::with_simd_level(b).unwrap()))
        .collect();
    let p3_24 =
        |s: [BabyBear; 24]| from_p3_array(default_babybear_poseidon2_24().permute(to_p3_array(s)));
    check(perms24, p3_24);
    check(
        vec![("default methods".into(), OneAtATime(Poseidon2W24::new()))],
        p3_24,
    );
}

/// The textbook permutation: explicit matrices, no shortcuts.
fn naive<const W: usize, const R: usize>(
    c: &Poseidon2Constants<W, R>,
    mut s: [BabyBear; W],
) -> [BabyBear; W] {
    const M4: [[u32; 4]; 4] = [[2, 3, 1, 1], [1, 2, 3, 1], [1, 1, 2, 3], [3, 1, 1, 2]];
    let m_e = |s: [BabyBear; W]| -> [BabyBear; W] {
        core::array::from_fn(|i| {
            (0..W)
                .map(|j| {
                    let m = BabyBear::new(M4[i % 4][j % 4]);
                    let factor = if i / 4 == j / 4 {
                        BabyBear::TWO
                    } else {
                        BabyBear::ONE
                    };
                    factor * m * s[j]
                })
                .sum()
        })
    };
    let diag = c.internal_diag_values();
    let m_i = |s: [BabyBear; W]| -> [BabyBear; W] {
        let sum: BabyBear = s.iter().copied().sum();
        core::array::from_fn(|i| diag[i] * s[i] + sum)
    };
    s = m_e(s);
    for rc in &c.initial {
        s = m_e(core::array::from_fn(|i| (s[i] + rc[i]).exp_u64(7)));
    }
    for &rc in &c.internal {
        s[0] = (s[0] + rc).exp_u64(7);
        s = m_i(s);
    }
    for rc in &c.terminal {
        s = m_e(core::array::from_fn(|i| (s[i] + rc[i]).exp_u64(7)));
    }
    s
}

#[test]
fn matches_naive_matrix_implementation() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let perm16 = Poseidon2W16::new();
    let perm24 = Poseidon2W24::new();
    for _ in 0..50 {
        let s16: [BabyBear; 16] = rng.random();
        assert_eq!(perm16.permute(s16), naive(&POSEIDON2_W16, s16));
        let s24: [BabyBear; 24] = rng.random();
        assert_eq!(perm24.permute(s24), naive(&POSEIDON2_W24, s24));
    }
}

/// Our diagonals are Plonky3's: column i of Plonky3's internal matrix is e_i + V[i]·e_i
/// plus the all-ones column.
#[test]
fn internal_diagonals_match_plonky3() {
    fn check<const W: usize>(ours: [BabyBear; W])
    where
        BabyBearInternalLayerParameters:
            InternalLayerBaseParameters<p3_baby_bear::BabyBearParameters, W>,
    {
        for i in 0..W {
            let mut e = [p3_baby_bear::BabyBear::new(0); W];
            e[i] = p3_baby_bear::BabyBear::new(1);
            BabyBearInternalLayerParameters::generic_internal_linear_layer(&mut e);
            let col = from_p3_array(e);
            for (j, &x) in col.iter().enumerate() {
                let expected = if i == j {
                    ours[i] + BabyBear::ONE
                } else {
                    BabyBear::ONE
                };
                assert_eq!(x, expected, "width {W}, entry ({j}, {i})");
            }
        }
    }
    check(POSEIDON2_W16.internal_diag_values());
    check(POSEIDON2_W24.internal_diag_values());
}

#[test]
fn constants_match_plonky3() {
    use p3_baby_bear::{
        BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL, BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL,
        BABYBEAR_POSEIDON2_RC_16_INTERNAL, BABYBEAR_POSEIDON2_RC_24_EXTERNAL_FINAL,
        BABYBEAR_POSEIDON2_RC_24_EXTERNAL_INITIAL, BABYBEAR_POSEIDON2_RC_24_INTERNAL,
    };
    assert_eq!(
        POSEIDON2_W16.initial,
        BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL.map(from_p3_array)
    );
    assert_eq!(
        POSEIDON2_W16.terminal,
        BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL.map(from_p3_array)
    );
    assert_eq!(
        POSEIDON2_W16.internal,
        from_p3_array(BABYBEAR_POSEIDON2_RC_16_INTERNAL)
    );
    assert_eq!(
        POSEIDON2_W24.initial,
        BABYBEAR_POSEIDON2_RC_24_EXTERNAL_INITIAL.map(from_p3_array)
    );
    assert_eq!(
        POSEIDON2_W24.terminal,
        BABYBEAR_POSEIDON2_RC_24_EXTERNAL_FINAL.map(from_p3_array)
    );
    assert_eq!(
        POSEIDON2_W24.internal,
        from_p3_array(BABYBEAR_POSEIDON2_RC_24_INTERNAL)
    );
}

#[test]
fn unavailable_simd_level_is_an_error() {
    for level in SimdLevel::ALL {
        assert_eq!(
            Poseidon2W16::with_simd_level(level).is_ok(),
            level.is_available()
        );
    }
    assert!(SimdLevel::detect().is_available());
}
