//! AIRs (algebraic intermediate representations) for kiln's STARK.
//!
//! An AIR is written once, as [`Air::eval`] against an [`AirBuilder`], and evaluated by
//! several builders:
//! * [`SymbolicAirBuilder`]: constraints as expressions, for degrees, counts and the GPU's
//!   constraint programs;
//! * the prover's and the verifier's folders (in `kiln-stark`);
//! * [`check_constraints`]: a debug checker that evaluates every constraint on every row of
//!   a trace and names the first that fails.
//!
//! A trace is a [`ColMajorMatrix`](kiln_field::ColMajorMatrix): one column per trace
//! column, one row per step. Constraints see the current row and the next one (the last
//! row's next row is the first: the trace domain is cyclic).

mod builder;
mod check;
pub mod lookup;
mod program;
mod symbolic;

pub use builder::{Air, AirBuilder, BaseAir, FilteredAirBuilder, Window};
pub use check::{
    ConstraintFailure, DebugBuilder, TraceError, UnbalancedBus, check_buses, check_constraints,
};
pub use kiln_field::Algebra;
pub use lookup::{Bus, Direction, LookupPlan, SymbolicInteraction};
pub use program::{ConstraintProgram, opcode};
pub use symbolic::{
    Entry, SymbolicAirBuilder, SymbolicConstraints, SymbolicExpression, SymbolicVariable,
    constraint_count, max_constraint_degree, quotient_degree, symbolic_constraints,
};
