use kiln_air::{Air, AirBuilder, BaseAir};

use crate::columns::{FibonacciCols, NUM_FIBONACCI_COLS};

/// Proves that the last row's `right` is the (n)-th term after (a, b); public values
/// (a, b, result).
#[derive(Debug, Clone, Copy, Default)]
pub struct FibonacciAir;

impl BaseAir for FibonacciAir {
    fn width(&self) -> usize {
        NUM_FIBONACCI_COLS
    }

    fn num_public_values(&self) -> usize {
        3
    }

    fn constraint_name(&self, index: usize) -> String {
        [
            "first row: left = a",
            "first row: right = b",
            "next.left = right",
            "next.right = left + right",
            "last row: right = result",
        ]
        .get(index)
        .map_or_else(|| format!("constraint #{index}"), |s| s.to_string())
    }
}

impl<AB: AirBuilder> Air<AB> for FibonacciAir {
    #[inline(always)]
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local = *FibonacciCols::from_row(main.local);
        let next = *FibonacciCols::from_row(main.next);
        let [a, b, result] = [0, 1, 2].map(|i| builder.public_values()[i]);

        let mut first = builder.when_first_row();
        first.assert_eq(local.left, a);
        first.assert_eq(local.right, b);

        let mut transition = builder.when_transition();
        transition.assert_eq(next.left, local.right);
        transition.assert_eq(next.right, local.left + local.right);

        builder.when_last_row().assert_eq(local.right, result);
    }
}
