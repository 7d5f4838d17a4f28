//! 16-bit range checks and limb arithmetic: the range table (a preprocessed column of
//! every value below 2^16, received with a free multiplicity), and constraint helpers for
//! u32 and u64 values held as 16-bit limbs (addition with carries, comparison), which send
//! their results' limbs to the range table.

use kiln_air::{Air, AirBuilder, BaseAir};
use kiln_field::{BabyBear, ColMajorMatrix, Field};

use crate::RANGE16_BUS;

/// Limbs are 16 bits.
pub const LIMB_BITS: u32 = 16;
const LIMB: u32 = 1 << LIMB_BITS;

/// Receives every value below 2^16 on [`RANGE16_BUS`] as often as its multiplicity
/// column says: one preprocessed column 0..2^16 and one main column (the counts). Every
/// row is fixed, so the multiplicity is free.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RangeTable16;

impl BaseAir for RangeTable16 {
    fn width(&self) -> usize {
        1
    }

    fn preprocessed_trace(&self) -> Option<ColMajorMatrix> {
        Some(
            ColMajorMatrix::new((0..LIMB).map(BabyBear::new).collect(), 1, LIMB as usize)
                .expect("shape"),
        )
    }

    fn name(&self) -> String {
        "range16".into()
    }
}

impl<AB: AirBuilder> Air<AB> for RangeTable16 {
    #[inline(always)]
    fn eval(&self, b: &mut AB) {
        let v = b.preprocessed().local[0];
        let m = b.main().local[0];
        b.receive(RANGE16_BUS, &[v.into()], m);
    }
}

/// The values other tables range-check, counted; [`RangeRequests::trace`] is the range
/// table's trace.
#[derive(Clone, Debug)]
pub struct RangeRequests {
    counts: Vec<u32>,
}

impl Default for RangeRequests {
    fn default() -> Self {
        Self {
            counts: vec![0; LIMB as usize],
        }
    }
}

impl RangeRequests {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one check of `v`.
    ///
    /// # Panics
    /// If `v` is not below 2^16 (no honest witness checks such a value).
    pub fn check(&mut self, v: u32) {
        assert!(v < LIMB, "{v} is not a 16-bit value");
        self.counts[v as usize] += 1;
    }

    /// Counts the checks of `x`'s 16-bit limbs (lowest first).
    pub fn check_limbs(&mut self, limbs: &[u32]) {
        for &l in limbs {
            self.check(l);
        }
    }

    /// The range table's trace.
    pub fn trace(&self) -> ColMajorMatrix {
        ColMajorMatrix::new(
            self.counts.iter().map(|&c| BabyBear::new(c)).collect(),
            1,
            LIMB as usize,
        )
        .expect("shape")
    }
}

/// The `N` 16-bit limbs of `x`, lowest first.
pub fn limbs<const N: usize>(x: u64) -> [u32; N] {
    core::array::from_fn(|i| ((x >> (16 * i)) & 0xffff) as u32)
}

/// Sends `value` to the range table (`multiplicity` times: 0 on padding rows).
#[inline(always)]
pub fn range_check<AB: AirBuilder>(b: &mut AB, value: AB::Expr, multiplicity: AB::Expr) {
    b.send(RANGE16_BUS, &[value], multiplicity);
}

/// `z = x + y + carry_in mod 2^(16N)` on 16-bit limbs with the carries `carry` (each
/// boolean; the last is the overflow): limb by limb, x_i + y_i + c_{i−1} = z_i + 2^16·c_i
/// with c_{−1} = `carry_in`. The limbs of `z` are range-checked (`multiplicity` times: the
/// row's real flag); those of `x` and `y` must be range-checked by whoever produced them.
#[inline(always)]
pub fn add_limbs<AB: AirBuilder, const N: usize>(
    b: &mut AB,
    x: [AB::Var; N],
    y: [AB::Var; N],
    carry_in: AB::Expr,
    z: [AB::Var; N],
    carry: [AB::Var; N],
    multiplicity: AB::Expr,
) {
    limb_sum(b, x, y, carry_in, z, carry);
    for zi in z {
        range_check(b, zi.into(), multiplicity.clone());
    }
}

/// The carry chain of [`add_limbs`], without range checks.
#[inline(always)]
fn limb_sum<AB: AirBuilder, const N: usize>(
    b: &mut AB,
    x: [AB::Var; N],
    y: [AB::Var; N],
    carry_in: AB::Expr,
    z: [AB::Var; N],
    carry: [AB::Var; N],
) {
    let base = BabyBear::new(LIMB);
    let mut c_prev = carry_in;
    for i in 0..N {
        b.assert_bool(carry[i]);
        let lhs = AB::Expr::from(x[i]) + y[i] + c_prev;
        let rhs = AB::Expr::from(z[i]) + AB::Expr::from(carry[i]) * base;
        b.assert_eq(lhs, rhs);
        c_prev = carry[i].into();
    }
}

/// `x < y` for values of N 16-bit limbs (both range-checked by their producer): with
/// `diff` = y − x − 1 mod 2^(16N) (range-checked here) and its carries,
/// x + diff + 1 = y + 2^(16N)·(1 − lt); `lt` is 1 − the last carry (returned as an
/// expression, boolean by the carry's constraint).
#[inline(always)]
pub fn less_than_limbs<AB: AirBuilder, const N: usize>(
    b: &mut AB,
    x: [AB::Var; N],
    y: [AB::Var; N],
    diff: [AB::Var; N],
    carry: [AB::Var; N],
    multiplicity: AB::Expr,
) -> AB::Expr {
    limb_sum(b, x, diff, BabyBear::ONE.into(), y, carry);
    for d in diff {
        range_check(b, d.into(), multiplicity.clone());
    }
    AB::Expr::from(BabyBear::ONE) - carry[N - 1]
}

/// The witness of [`add_limbs`]: z's limbs and the carries.
pub fn add_witness<const N: usize>(x: u64, y: u64, carry_in: u64) -> ([u32; N], [u32; N]) {
    let (xs, ys) = (limbs::<N>(x), limbs::<N>(y));
    let mut z = [0; N];
    let mut c = [0; N];
    let mut prev = carry_in as u32;
    for i in 0..N {
        let s = xs[i] + ys[i] + prev;
        z[i] = s & 0xffff;
        c[i] = s >> 16;
        prev = c[i];
    }
    (z, c)
}

/// The witness of [`less_than_limbs`]: diff's limbs, the carries, and x < y.
pub fn less_than_witness<const N: usize>(x: u64, y: u64) -> ([u32; N], [u32; N], bool) {
    let bits = 16 * N as u32;
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let diff = y.wrapping_sub(x).wrapping_sub(1) & mask;
    let (_, carry) = add_witness::<N>(x, diff, 1);
    (limbs::<N>(diff), carry, x < y)
}
