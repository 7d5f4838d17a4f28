//! A test AIR with preprocessed columns, public values and a degree-3 constraint.

use kiln_air::{Air, AirBuilder, BaseAir};
use kiln_field::{BabyBear, ColMajorMatrix, Field};

/// Main column x, preprocessed columns (k, c) with k_t = t and c_t = 3t + 1:
/// x_0 = pub[0]; x_{t+1} = x_t + k_t·k_t·c_t (degree 3); x_last = pub[1];
/// k_{t+1} = k_t + 1 on transitions (a constraint on preprocessed columns alone).
#[derive(Debug, Clone, Copy)]
pub struct FixedColumnsAir {
    pub log_n: u32,
}

impl FixedColumnsAir {
    pub fn trace(&self) -> (ColMajorMatrix, Vec<BabyBear>) {
        let n = 1usize << self.log_n;
        let mut x = BabyBear::new(7);
        let first = x;
        let mut col = Vec::with_capacity(n);
        for t in 0..n {
            col.push(x);
            let k = BabyBear::new(t as u32);
            let c = BabyBear::new(3 * t as u32 + 1);
            if t + 1 < n {
                x += k * k * c;
            }
        }
        let last = col[n - 1];
        (ColMajorMatrix::new(col, 1, n).unwrap(), vec![first, last])
    }
}

impl BaseAir for FixedColumnsAir {
    fn width(&self) -> usize {
        1
    }

    fn preprocessed_trace(&self) -> Option<ColMajorMatrix> {
        let n = 1usize << self.log_n;
        let mut data: Vec<BabyBear> = (0..n).map(|t| BabyBear::new(t as u32)).collect();
        data.extend((0..n).map(|t| BabyBear::new(3 * t as u32 + 1)));
        Some(ColMajorMatrix::new(data, 2, n).unwrap())
    }

    fn num_public_values(&self) -> usize {
        2
    }
}

impl<AB: AirBuilder> Air<AB> for FixedColumnsAir {
    #[inline(always)]
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let (x, x_next) = (main.local[0], main.next[0]);
        let pre = builder.preprocessed();
        let (k, c, k_next) = (pre.local[0], pre.local[1], pre.next[0]);
        let [first, last] = [0, 1].map(|i| builder.public_values()[i]);
        builder.when_first_row().assert_eq(x, first);
        let mut t = builder.when_transition();
        t.assert_eq(x_next, AB::Expr::from(x) + AB::Expr::from(k) * k * c);
        t.assert_eq(k_next, k + BabyBear::ONE);
        builder.when_last_row().assert_eq(x, last);
    }
}
