//! The limb arithmetic against Rust's: u32 and u64 addition with carries and comparison,
//! on random and edge values, proven with the range table; wrong sums, wrong comparisons
//! and limbs past 16 bits are refused.

use kiln_air::{Air, AirBuilder, BaseAir};
use kiln_field::{BabyBear, ColMajorMatrix};
use kiln_gadgets::{
    RangeRequests, RangeTable16, add_limbs, add_witness, less_than_limbs, less_than_witness, limbs,
    range_check, table_set,
};
use kiln_stark::{StarkConfig, prove_tables, prove_tables_unchecked_with, verify_tables};
use proptest::prelude::*;

/// Per row: is_real, x[N], y[N], z[N] = x + y, c[N], d[N], lc[N] (x < y's witness), lt.
#[derive(Clone, Copy, Debug, Default)]
struct ArithTable<const N: usize>;

impl<const N: usize> ArithTable<N> {
    const WIDTH: usize = 2 + 6 * N;
}

impl<const N: usize> BaseAir for ArithTable<N> {
    fn width(&self) -> usize {
        Self::WIDTH
    }

    fn name(&self) -> String {
        format!("arith{}", 16 * N)
    }
}

impl<AB: AirBuilder, const N: usize> Air<AB> for ArithTable<N> {
    fn eval(&self, b: &mut AB) {
        let r = b.main().local.to_vec();
        let col = |k: usize| -> [AB::Var; N] { core::array::from_fn(|i| r[1 + k * N + i]) };
        let (x, y, z, c, d, lc) = (col(0), col(1), col(2), col(3), col(4), col(5));
        let lt = r[1 + 6 * N];
        let real: AB::Expr = r[0].into();
        b.assert_bool(r[0]);
        for v in x.iter().chain(&y) {
            range_check(b, (*v).into(), real.clone());
        }
        add_limbs(b, x, y, BabyBear::new(0).into(), z, c, real.clone());
        let is_lt = less_than_limbs(b, x, y, d, lc, real);
        b.assert_eq(lt, is_lt);
    }
}

table_set! {
    #[derive(Clone, Copy, Debug)]
    enum Tables {
        Range(RangeTable16),
        A32(ArithTable<2>),
        A64(ArithTable<4>),
    }
}

const CONFIG: StarkConfig = StarkConfig {
    num_queries: 8,
    ..StarkConfig::TEST
};

/// A row computed natively (Rust's wrapping add and <), with the gadget's witness.
fn row<const N: usize>(x: u64, y: u64, range: &mut RangeRequests) -> Vec<u32> {
    let mask = if N == 4 {
        u64::MAX
    } else {
        (1u64 << (16 * N)) - 1
    };
    let (x, y) = (x & mask, y & mask);
    let z = limbs::<N>(x.wrapping_add(y) & mask);
    let (wz, c) = add_witness::<N>(x, y, 0);
    assert_eq!(wz, z, "the witness helper agrees with Rust");
    let (d, lc, lt) = less_than_witness::<N>(x, y);
    assert_eq!(lt, x < y);
    let mut out = vec![1];
    for part in [limbs::<N>(x), limbs::<N>(y), z, c, d, lc] {
        out.extend(part);
    }
    out.push(u32::from(x < y));
    range.check_limbs(&limbs::<N>(x));
    range.check_limbs(&limbs::<N>(y));
    range.check_limbs(&z);
    range.check_limbs(&d);
    out
}

fn matrix(rows: &[Vec<u32>], width: usize) -> ColMajorMatrix {
    let n = rows.len().max(1).next_power_of_two();
    let mut data = vec![BabyBear::new(0); width * n];
    for (r, row) in rows.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            data[c * n + r] = BabyBear::new(v);
        }
    }
    ColMajorMatrix::new(data, width, n).unwrap()
}

/// Padding: the witness of 0 + 0 and 0 < 0 (every constraint holds), not real, so
/// nothing is range-checked.
fn padding<const N: usize>(rows: &mut Vec<Vec<u32>>) {
    let mut pad = row::<N>(0, 0, &mut RangeRequests::new());
    pad[0] = 0;
    while !rows.len().is_power_of_two() {
        rows.push(pad.clone());
    }
}

/// The tables, their traces, and the arithmetic tables' rows.
type Witness = (
    [Tables; 3],
    Vec<ColMajorMatrix>,
    Vec<Vec<u32>>,
    Vec<Vec<u32>>,
);

fn witness(pairs: &[(u64, u64)]) -> Witness {
    let mut range = RangeRequests::new();
    let mut r32: Vec<Vec<u32>> = pairs
        .iter()
        .map(|&(x, y)| row::<2>(x, y, &mut range))
        .collect();
    let mut r64: Vec<Vec<u32>> = pairs
        .iter()
        .map(|&(x, y)| row::<4>(x, y, &mut range))
        .collect();
    padding::<2>(&mut r32);
    padding::<4>(&mut r64);
    let tables = [
        Tables::Range(RangeTable16),
        Tables::A32(ArithTable::<2>),
        Tables::A64(ArithTable::<4>),
    ];
    let traces = vec![
        range.trace(),
        matrix(&r32, ArithTable::<2>::WIDTH),
        matrix(&r64, ArithTable::<4>::WIDTH),
    ];
    (tables, traces, r32, r64)
}

const NO_PUBLICS: [&[BabyBear]; 3] = [&[], &[], &[]];

fn proves(tables: &[Tables; 3], traces: &[ColMajorMatrix]) -> bool {
    match prove_tables(&CONFIG, tables, traces, &NO_PUBLICS) {
        Ok(proof) => {
            verify_tables(&CONFIG, tables, &proof, &NO_PUBLICS).unwrap();
            true
        }
        Err(e) => {
            eprintln!("refused: {e}");
            let proof = prove_tables_unchecked_with(
                &kiln::CpuBackend::new(),
                &CONFIG,
                tables,
                traces,
                &NO_PUBLICS,
            )
            .unwrap();
            assert!(verify_tables(&CONFIG, tables, &proof, &NO_PUBLICS).is_err());
            false
        }
    }
}

#[test]
fn edge_values_prove() {
    let m = u64::MAX;
    let pairs = [
        (0, 0),
        (m, 1),
        (1, m),
        (m, m),
        (u32::MAX as u64, 1),
        (5, 5),
        (0xffff, 0x1),
        (1 << 63, 1 << 63),
    ];
    let (tables, traces, ..) = witness(&pairs);
    assert!(proves(&tables, &traces));
}

#[test]
fn wrong_results_are_refused() {
    let pairs = [(7u64, 9u64), (100, 3)];
    let (tables, _, r32, r64) = witness(&pairs);
    let mut range = RangeRequests::new();
    // Recount the range checks for each mutated witness.
    let recount = |r32: &[Vec<u32>], r64: &[Vec<u32>], range: &mut RangeRequests| {
        *range = RangeRequests::new();
        for (row, n) in r32.iter().map(|r| (r, 2)).chain(r64.iter().map(|r| (r, 4))) {
            for k in [0, 1, 2, 4] {
                range.check_limbs(&row[1 + k * n..1 + (k + 1) * n]);
            }
        }
    };
    // A sum off by one.
    let mut bad = r64.clone();
    bad[0][1 + 2 * 4] += 1;
    recount(&r32, &bad, &mut range);
    let t = vec![range.trace(), matrix(&r32, 14), matrix(&bad, 26)];
    assert!(!proves(&tables, &t), "a wrong sum proved");
    // The comparison flipped.
    let mut bad = r32.clone();
    bad[1][13] ^= 1;
    recount(&bad, &r64, &mut range);
    let t = vec![range.trace(), matrix(&bad, 14), matrix(&r64, 26)];
    assert!(!proves(&tables, &t), "a wrong comparison proved");
    // A sum limb of 17 bits: 7 + 9 written as limb 16 + 2^16 with carry 0 would need
    // z_0 = 2^16 + 16; the range check catches it (the range table cannot count it).
    let mut bad = r32.clone();
    bad[0][1 + 2 * 2] += 1 << 16; // z_0
    bad[0][1 + 3 * 2] = 0; // carry 0
    let mut range = RangeRequests::new();
    for (row, n) in bad.iter().map(|r| (r, 2)).chain(r64.iter().map(|r| (r, 4))) {
        for k in [0, 1, 2, 4] {
            for &l in &row[1 + k * n..1 + (k + 1) * n] {
                if l < 1 << 16 {
                    range.check(l);
                }
            }
        }
    }
    let t = vec![range.trace(), matrix(&bad, 14), matrix(&r64, 26)];
    assert!(!proves(&tables, &t), "a 17-bit limb proved");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]
    #[test]
    fn random_values_match_rust(pairs in proptest::collection::vec((any::<u64>(), any::<u64>()), 1..6)) {
        let (tables, traces, ..) = witness(&pairs);
        prop_assert!(proves(&tables, &traces));
    }
}
