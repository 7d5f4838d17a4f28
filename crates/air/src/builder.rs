use core::ops::{Add, Mul, Sub};

use kiln_field::{BabyBear, ColMajorMatrix};

use crate::Algebra;
use crate::lookup::{Bus, Direction};

/// The current row and the next row of a trace, as a constraint sees them.
#[derive(Debug, Clone, Copy)]
pub struct Window<'a, V> {
    pub local: &'a [V],
    pub next: &'a [V],
}

/// The shape of an AIR: its width, its preprocessed (fixed) columns, its public values.
pub trait BaseAir: Sync {
    /// Columns of the main trace.
    fn width(&self) -> usize;

    /// Fixed columns known to prover and verifier, committed once (in the verifying key).
    /// Their height must equal the main trace's.
    fn preprocessed_trace(&self) -> Option<ColMajorMatrix> {
        None
    }

    /// Public values the constraints may read.
    fn num_public_values(&self) -> usize {
        0
    }

    /// A short name for each constraint, in `eval` order, used by error messages. The
    /// default names them by number.
    fn constraint_name(&self, index: usize) -> String {
        format!("constraint #{index}")
    }

    /// log2 of the most rows a trace of this AIR may have, if it is bounded (a table whose
    /// index columns hold 16 bits, say). Part of the verifying key: the verifier refuses
    /// a proof claiming a taller table. `None`: as many as the field's domains allow.
    fn max_log_height(&self) -> Option<usize> {
        None
    }

    /// The table's name in error messages of a multi-table proof (an unbalanced bus names
    /// the tables that send and receive the tuple).
    fn name(&self) -> String {
        String::from("table")
    }
}

/// An AIR: `eval` states every constraint through the builder.
///
/// Write it for every `AB: AirBuilder`. The CPU prover evaluates it on the vectors of the
/// running CPU's SIMD level (`kiln_field::packed`), inside code compiled for that level:
/// mark `eval` and the helpers it calls `#[inline(always)]` so they are compiled there too.
/// Without it the proof is the same, and the quotient a few times slower (every vector
/// operation becomes a call).
pub trait Air<AB: AirBuilder>: BaseAir {
    fn eval(&self, builder: &mut AB);
}

/// What an AIR's `eval` talks to. Each builder picks what expressions are: symbolic
/// trees, field elements of one row, packed field elements of many points, or extension
/// elements at the out-of-domain point.
pub trait AirBuilder: Sized {
    /// Expressions: results of arithmetic on variables.
    type Expr: Algebra
        + From<Self::Var>
        + Add<Self::Var, Output = Self::Expr>
        + Sub<Self::Var, Output = Self::Expr>
        + Mul<Self::Var, Output = Self::Expr>;

    /// Variables: trace cells and public values.
    type Var: Copy
        + Send
        + Sync
        + Into<Self::Expr>
        + Add<Self::Var, Output = Self::Expr>
        + Sub<Self::Var, Output = Self::Expr>
        + Mul<Self::Var, Output = Self::Expr>
        + Add<Self::Expr, Output = Self::Expr>
        + Sub<Self::Expr, Output = Self::Expr>
        + Mul<Self::Expr, Output = Self::Expr>
        + Add<BabyBear, Output = Self::Expr>
        + Sub<BabyBear, Output = Self::Expr>
        + Mul<BabyBear, Output = Self::Expr>;

    /// The main trace's current and next rows.
    fn main(&self) -> Window<'_, Self::Var>;

    /// The preprocessed columns' current and next rows (empty without any).
    fn preprocessed(&self) -> Window<'_, Self::Var>;

    fn public_values(&self) -> &[Self::Var];

    /// 1 on the first row, 0 on the others.
    fn is_first_row(&self) -> Self::Expr;

    /// 1 on the last row, 0 on the others.
    fn is_last_row(&self) -> Self::Expr;

    /// 0 on the last row, non-zero on the others: multiplies constraints between a row
    /// and the next, which must not wrap around.
    fn is_transition(&self) -> Self::Expr;

    /// The constraint `x = 0` on every row.
    fn assert_zero<I: Into<Self::Expr>>(&mut self, x: I);

    /// A LogUp interaction on every row: `direction` the tuple `values` on `bus`,
    /// `multiplicity` times (see [`crate::lookup`] for the rules that keep it sound).
    /// Interactions are numbered in `eval` order, like constraints.
    fn interact(
        &mut self,
        bus: Bus,
        direction: Direction,
        values: &[Self::Expr],
        multiplicity: Self::Expr,
    );

    /// Sends `values` on `bus`, `multiplicity` times. A send's multiplicity must be
    /// constrained to {0, 1} (or to a range-checked count) by the AIR.
    #[inline(always)]
    fn send<M: Into<Self::Expr>>(&mut self, bus: Bus, values: &[Self::Expr], multiplicity: M) {
        self.interact(bus, Direction::Send, values, multiplicity.into());
    }

    /// Receives `values` from `bus`, `multiplicity` times. Only a table whose every row is
    /// fully constrained may receive with a free multiplicity.
    #[inline(always)]
    fn receive<M: Into<Self::Expr>>(&mut self, bus: Bus, values: &[Self::Expr], multiplicity: M) {
        self.interact(bus, Direction::Receive, values, multiplicity.into());
    }

    #[inline(always)]
    fn assert_eq<A: Into<Self::Expr>, B: Into<Self::Expr>>(&mut self, a: A, b: B) {
        self.assert_zero(a.into() - b.into());
    }

    #[inline(always)]
    fn assert_one<I: Into<Self::Expr>>(&mut self, x: I) {
        self.assert_zero(x.into() - BabyBear::new(1));
    }

    /// `x ∈ {0, 1}`.
    #[inline(always)]
    fn assert_bool<I: Into<Self::Expr>>(&mut self, x: I) {
        let x = x.into();
        self.assert_zero(x.clone() * (x - BabyBear::new(1)));
    }

    /// Constraints that hold where `condition` is 0 or they are 0: each is multiplied by it.
    #[inline(always)]
    fn when<I: Into<Self::Expr>>(&mut self, condition: I) -> FilteredAirBuilder<'_, Self> {
        FilteredAirBuilder {
            inner: self,
            condition: condition.into(),
        }
    }

    #[inline(always)]
    fn when_first_row(&mut self) -> FilteredAirBuilder<'_, Self> {
        let c = self.is_first_row();
        self.when(c)
    }

    #[inline(always)]
    fn when_last_row(&mut self) -> FilteredAirBuilder<'_, Self> {
        let c = self.is_last_row();
        self.when(c)
    }

    #[inline(always)]
    fn when_transition(&mut self) -> FilteredAirBuilder<'_, Self> {
        let c = self.is_transition();
        self.when(c)
    }
}

/// A builder whose constraints are multiplied by a condition.
#[derive(Debug)]
pub struct FilteredAirBuilder<'a, AB: AirBuilder> {
    inner: &'a mut AB,
    condition: AB::Expr,
}

impl<AB: AirBuilder> AirBuilder for FilteredAirBuilder<'_, AB> {
    type Expr = AB::Expr;
    type Var = AB::Var;

    #[inline(always)]
    fn main(&self) -> Window<'_, Self::Var> {
        self.inner.main()
    }

    #[inline(always)]
    fn preprocessed(&self) -> Window<'_, Self::Var> {
        self.inner.preprocessed()
    }

    #[inline(always)]
    fn public_values(&self) -> &[Self::Var] {
        self.inner.public_values()
    }

    #[inline(always)]
    fn is_first_row(&self) -> Self::Expr {
        self.inner.is_first_row()
    }

    #[inline(always)]
    fn is_last_row(&self) -> Self::Expr {
        self.inner.is_last_row()
    }

    #[inline(always)]
    fn is_transition(&self) -> Self::Expr {
        self.inner.is_transition()
    }

    #[inline(always)]
    fn assert_zero<I: Into<Self::Expr>>(&mut self, x: I) {
        self.inner.assert_zero(self.condition.clone() * x.into());
    }

    /// The interaction happens where the condition is 1: its multiplicity is multiplied
    /// by the condition.
    #[inline(always)]
    fn interact(
        &mut self,
        bus: Bus,
        direction: Direction,
        values: &[Self::Expr],
        multiplicity: Self::Expr,
    ) {
        self.inner.interact(
            bus,
            direction,
            values,
            self.condition.clone() * multiplicity,
        );
    }
}
