//! The debug checker: every constraint on every row, in the base field.

use kiln_field::{BabyBear, ColMajor, Field};
use rayon::prelude::*;
use thiserror::Error;

use crate::{Air, AirBuilder, Window};

/// The first constraint found false, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstraintFailure {
    /// The row at which it fails (its "next" row is `row + 1`, wrapping).
    pub row: usize,
    /// Its position in `eval` order.
    pub index: usize,
    /// The AIR's name for it ([`crate::BaseAir::constraint_name`]).
    pub name: String,
    /// The value it takes there (0 would satisfy it).
    pub value: BabyBear,
}

/// Why a trace does not satisfy an AIR.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum TraceError {
    #[error("the trace has {got} columns, the AIR {expected}")]
    Width { expected: usize, got: usize },
    #[error("the trace has {height} rows; a trace needs a power of two, at least 2")]
    Height { height: usize },
    #[error("{got} public values given, the AIR takes {expected}")]
    PublicValues { expected: usize, got: usize },
    #[error("the preprocessed trace has {got} rows, the main trace {expected}")]
    PreprocessedHeight { expected: usize, got: usize },
    #[error("{} fails on row {}: it evaluates to {} (constraint #{})", .0.name, .0.row, .0.value, .0.index)]
    Unsatisfied(ConstraintFailure),
}

/// Evaluates constraints on one row.
#[derive(Debug)]
pub struct DebugBuilder<'a> {
    main: Window<'a, BabyBear>,
    preprocessed: Window<'a, BabyBear>,
    public: &'a [BabyBear],
    first: bool,
    last: bool,
    next_index: usize,
    failure: Option<(usize, BabyBear)>,
}

impl AirBuilder for DebugBuilder<'_> {
    type Expr = BabyBear;
    type Var = BabyBear;

    fn main(&self) -> Window<'_, BabyBear> {
        self.main
    }

    fn preprocessed(&self) -> Window<'_, BabyBear> {
        self.preprocessed
    }

    fn public_values(&self) -> &[BabyBear] {
        self.public
    }

    fn is_first_row(&self) -> BabyBear {
        if self.first {
            BabyBear::ONE
        } else {
            BabyBear::ZERO
        }
    }

    fn is_last_row(&self) -> BabyBear {
        if self.last {
            BabyBear::ONE
        } else {
            BabyBear::ZERO
        }
    }

    fn is_transition(&self) -> BabyBear {
        if self.last {
            BabyBear::ZERO
        } else {
            BabyBear::ONE
        }
    }

    fn assert_zero<I: Into<BabyBear>>(&mut self, x: I) {
        let x = x.into();
        if !x.is_zero() && self.failure.is_none() {
            self.failure = Some((self.next_index, x));
        }
        self.next_index += 1;
    }
}

/// Checks every constraint of `air` on every row of `trace`; the error names the first
/// failing row and constraint.
pub fn check_constraints<A>(
    air: &A,
    trace: ColMajor<'_>,
    public_values: &[BabyBear],
) -> Result<(), TraceError>
where
    A: for<'a> Air<DebugBuilder<'a>>,
{
    if trace.width() != air.width() {
        return Err(TraceError::Width {
            expected: air.width(),
            got: trace.width(),
        });
    }
    let n = trace.height();
    if n < 2 || !n.is_power_of_two() {
        return Err(TraceError::Height { height: n });
    }
    if public_values.len() != air.num_public_values() {
        return Err(TraceError::PublicValues {
            expected: air.num_public_values(),
            got: public_values.len(),
        });
    }
    let pre = air.preprocessed_trace();
    if let Some(p) = &pre
        && p.height() != n
    {
        return Err(TraceError::PreprocessedHeight {
            expected: n,
            got: p.height(),
        });
    }
    let pre_view = pre.as_ref().map(|p| p.view());
    // Rows in parallel; the first failing row is reported, as a sequential scan would.
    let failure = (0..n)
        .into_par_iter()
        .with_min_len(64)
        .find_map_first(|row| {
            let next = (row + 1) % n;
            let (local, next_row) = (trace.row_to_vec(row), trace.row_to_vec(next));
            let (p_local, p_next) = match &pre_view {
                Some(p) => (p.row_to_vec(row), p.row_to_vec(next)),
                None => (Vec::new(), Vec::new()),
            };
            let mut b = DebugBuilder {
                main: Window {
                    local: &local,
                    next: &next_row,
                },
                preprocessed: Window {
                    local: &p_local,
                    next: &p_next,
                },
                public: public_values,
                first: row == 0,
                last: row == n - 1,
                next_index: 0,
                failure: None,
            };
            air.eval(&mut b);
            b.failure.map(|(index, value)| (row, index, value))
        });
    if let Some((row, index, value)) = failure {
        return Err(TraceError::Unsatisfied(ConstraintFailure {
            row,
            index,
            name: air.constraint_name(index),
            value,
        }));
    }
    Ok(())
}
