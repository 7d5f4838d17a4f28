//! Constraints as expression trees: their degrees, their number, and the program the GPU
//! prover evaluates.

use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use std::sync::Arc;

use kiln_field::{BabyBear, Field};

use crate::lookup::{Bus, Direction, LookupPlan, SymbolicInteraction};
use crate::{Air, AirBuilder, Window};

/// Which value a variable names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entry {
    /// A main-trace cell; `offset` 0 is the current row, 1 the next.
    Main { offset: usize },
    /// A preprocessed cell.
    Preprocessed { offset: usize },
    /// A public value.
    Public,
}

/// A trace cell or public value: `entry` and column (or public value) `index`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SymbolicVariable {
    pub entry: Entry,
    pub index: usize,
}

impl SymbolicVariable {
    /// Degree as a multiple of the trace length: trace cells are polynomials of degree
    /// < n, public values constants.
    pub fn degree_multiple(&self) -> usize {
        match self.entry {
            Entry::Main { .. } | Entry::Preprocessed { .. } => 1,
            Entry::Public => 0,
        }
    }
}

/// A constraint expression. Sub-expressions are shared (`Arc`), so a tree built by an AIR
/// costs what its source does.
#[derive(Clone, Debug)]
pub enum SymbolicExpression {
    Variable(SymbolicVariable),
    /// The Lagrange selector of the first row: degree n − 1.
    IsFirstRow,
    /// The Lagrange selector of the last row: degree n − 1.
    IsLastRow,
    /// x − ω^{-1}: degree 1, which counts as 0 multiples of n.
    IsTransition,
    Constant(BabyBear),
    Add {
        x: Arc<Self>,
        y: Arc<Self>,
        degree_multiple: usize,
    },
    Sub {
        x: Arc<Self>,
        y: Arc<Self>,
        degree_multiple: usize,
    },
    Neg {
        x: Arc<Self>,
        degree_multiple: usize,
    },
    Mul {
        x: Arc<Self>,
        y: Arc<Self>,
        degree_multiple: usize,
    },
}

impl SymbolicExpression {
    /// Degree as a multiple of the trace length n (rounded as Plonky3 does: a product of
    /// k trace cells has degree k·(n − 1) < k·n).
    pub fn degree_multiple(&self) -> usize {
        match self {
            Self::Variable(v) => v.degree_multiple(),
            Self::IsFirstRow | Self::IsLastRow => 1,
            Self::IsTransition | Self::Constant(_) => 0,
            Self::Add {
                degree_multiple, ..
            }
            | Self::Sub {
                degree_multiple, ..
            }
            | Self::Neg {
                degree_multiple, ..
            }
            | Self::Mul {
                degree_multiple, ..
            } => *degree_multiple,
        }
    }

    /// Evaluates the expression, given the values of variables and selectors.
    pub fn eval<E: crate::Algebra>(
        &self,
        var: &impl Fn(SymbolicVariable) -> E,
        is_first_row: &E,
        is_last_row: &E,
        is_transition: &E,
    ) -> E {
        let rec = |e: &Self| e.eval(var, is_first_row, is_last_row, is_transition);
        match self {
            Self::Variable(v) => var(*v),
            Self::IsFirstRow => is_first_row.clone(),
            Self::IsLastRow => is_last_row.clone(),
            Self::IsTransition => is_transition.clone(),
            Self::Constant(c) => E::from(*c),
            Self::Add { x, y, .. } => rec(x) + rec(y),
            Self::Sub { x, y, .. } => rec(x) - rec(y),
            Self::Neg { x, .. } => -rec(x),
            Self::Mul { x, y, .. } => rec(x) * rec(y),
        }
    }

    fn constant(&self) -> Option<BabyBear> {
        match self {
            Self::Constant(c) => Some(*c),
            _ => None,
        }
    }
}

impl Default for SymbolicExpression {
    fn default() -> Self {
        Self::Constant(BabyBear::ZERO)
    }
}

impl From<BabyBear> for SymbolicExpression {
    fn from(c: BabyBear) -> Self {
        Self::Constant(c)
    }
}

impl From<SymbolicVariable> for SymbolicExpression {
    fn from(v: SymbolicVariable) -> Self {
        Self::Variable(v)
    }
}

impl Add for SymbolicExpression {
    type Output = Self;
    fn add(self, rhs: Self) -> Self {
        match (self.constant(), rhs.constant()) {
            (Some(a), Some(b)) => Self::Constant(a + b),
            (Some(a), _) if a.is_zero() => rhs,
            (_, Some(b)) if b.is_zero() => self,
            _ => {
                let degree_multiple = self.degree_multiple().max(rhs.degree_multiple());
                Self::Add {
                    x: Arc::new(self),
                    y: Arc::new(rhs),
                    degree_multiple,
                }
            }
        }
    }
}

impl Sub for SymbolicExpression {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        match (self.constant(), rhs.constant()) {
            (Some(a), Some(b)) => Self::Constant(a - b),
            (_, Some(b)) if b.is_zero() => self,
            _ => {
                let degree_multiple = self.degree_multiple().max(rhs.degree_multiple());
                Self::Sub {
                    x: Arc::new(self),
                    y: Arc::new(rhs),
                    degree_multiple,
                }
            }
        }
    }
}

impl Mul for SymbolicExpression {
    type Output = Self;
    fn mul(self, rhs: Self) -> Self {
        match (self.constant(), rhs.constant()) {
            (Some(a), Some(b)) => Self::Constant(a * b),
            (Some(a), _) | (_, Some(a)) if a.is_zero() => Self::Constant(BabyBear::ZERO),
            (Some(a), _) if a == BabyBear::ONE => rhs,
            (_, Some(b)) if b == BabyBear::ONE => self,
            _ => {
                let degree_multiple = self.degree_multiple() + rhs.degree_multiple();
                Self::Mul {
                    x: Arc::new(self),
                    y: Arc::new(rhs),
                    degree_multiple,
                }
            }
        }
    }
}

impl Neg for SymbolicExpression {
    type Output = Self;
    fn neg(self) -> Self {
        match self.constant() {
            Some(c) => Self::Constant(-c),
            None => {
                let degree_multiple = self.degree_multiple();
                Self::Neg {
                    x: Arc::new(self),
                    degree_multiple,
                }
            }
        }
    }
}

macro_rules! mixed_ops {
    ($lhs:ty, $rhs:ty) => {
        impl Add<$rhs> for $lhs {
            type Output = SymbolicExpression;
            fn add(self, rhs: $rhs) -> SymbolicExpression {
                SymbolicExpression::from(self) + SymbolicExpression::from(rhs)
            }
        }
        impl Sub<$rhs> for $lhs {
            type Output = SymbolicExpression;
            fn sub(self, rhs: $rhs) -> SymbolicExpression {
                SymbolicExpression::from(self) - SymbolicExpression::from(rhs)
            }
        }
        impl Mul<$rhs> for $lhs {
            type Output = SymbolicExpression;
            fn mul(self, rhs: $rhs) -> SymbolicExpression {
                SymbolicExpression::from(self) * SymbolicExpression::from(rhs)
            }
        }
    };
}

mixed_ops!(SymbolicExpression, BabyBear);
mixed_ops!(SymbolicExpression, SymbolicVariable);
mixed_ops!(SymbolicVariable, SymbolicVariable);
mixed_ops!(SymbolicVariable, SymbolicExpression);
mixed_ops!(SymbolicVariable, BabyBear);

impl AddAssign for SymbolicExpression {
    fn add_assign(&mut self, rhs: Self) {
        *self = core::mem::take(self) + rhs;
    }
}

impl SubAssign for SymbolicExpression {
    fn sub_assign(&mut self, rhs: Self) {
        *self = core::mem::take(self) - rhs;
    }
}

impl MulAssign for SymbolicExpression {
    fn mul_assign(&mut self, rhs: Self) {
        *self = core::mem::take(self) * rhs;
    }
}

impl crate::Algebra for SymbolicExpression {}

/// A builder that records constraints as [`SymbolicExpression`]s.
#[derive(Debug)]
pub struct SymbolicAirBuilder {
    main: [Vec<SymbolicVariable>; 2],
    preprocessed: [Vec<SymbolicVariable>; 2],
    public: Vec<SymbolicVariable>,
    constraints: Vec<SymbolicExpression>,
    interactions: Vec<SymbolicInteraction>,
}

impl SymbolicAirBuilder {
    pub fn new(width: usize, preprocessed_width: usize, num_public_values: usize) -> Self {
        let row = |make: fn(usize) -> Entry, w: usize| -> [Vec<SymbolicVariable>; 2] {
            core::array::from_fn(|offset| {
                (0..w)
                    .map(|index| SymbolicVariable {
                        entry: make(offset),
                        index,
                    })
                    .collect()
            })
        };
        Self {
            main: row(|offset| Entry::Main { offset }, width),
            preprocessed: row(|offset| Entry::Preprocessed { offset }, preprocessed_width),
            public: (0..num_public_values)
                .map(|index| SymbolicVariable {
                    entry: Entry::Public,
                    index,
                })
                .collect(),
            constraints: Vec::new(),
            interactions: Vec::new(),
        }
    }

    pub fn constraints(self) -> Vec<SymbolicExpression> {
        self.constraints
    }

    /// The constraints and the interactions, in `eval` order.
    pub fn into_parts(self) -> (Vec<SymbolicExpression>, Vec<SymbolicInteraction>) {
        (self.constraints, self.interactions)
    }
}

impl AirBuilder for SymbolicAirBuilder {
    type Expr = SymbolicExpression;
    type Var = SymbolicVariable;

    fn main(&self) -> Window<'_, SymbolicVariable> {
        Window {
            local: &self.main[0],
            next: &self.main[1],
        }
    }

    fn preprocessed(&self) -> Window<'_, SymbolicVariable> {
        Window {
            local: &self.preprocessed[0],
            next: &self.preprocessed[1],
        }
    }

    fn public_values(&self) -> &[SymbolicVariable] {
        &self.public
    }

    fn is_first_row(&self) -> SymbolicExpression {
        SymbolicExpression::IsFirstRow
    }

    fn is_last_row(&self) -> SymbolicExpression {
        SymbolicExpression::IsLastRow
    }

    fn is_transition(&self) -> SymbolicExpression {
        SymbolicExpression::IsTransition
    }

    fn assert_zero<I: Into<SymbolicExpression>>(&mut self, x: I) {
        self.constraints.push(x.into());
    }

    fn interact(
        &mut self,
        bus: Bus,
        direction: Direction,
        values: &[SymbolicExpression],
        multiplicity: SymbolicExpression,
    ) {
        self.interactions.push(SymbolicInteraction {
            bus,
            direction,
            values: values.to_vec(),
            multiplicity,
        });
    }
}

/// The AIR's constraints, in `eval` order.
pub fn symbolic_constraints<A: Air<SymbolicAirBuilder>>(air: &A) -> Vec<SymbolicExpression> {
    SymbolicConstraints::of(air).constraints
}

/// An AIR evaluated once symbolically: its constraints and the shape they read. Symbolic
/// evaluation of a wide AIR takes milliseconds; a prover computes this once per proof.
#[derive(Clone, Debug)]
pub struct SymbolicConstraints {
    /// The AIR's own constraints, in `eval` order.
    pub constraints: Vec<SymbolicExpression>,
    /// Its LogUp interactions, in `eval` order.
    pub interactions: Vec<SymbolicInteraction>,
    /// How the interactions are batched into auxiliary columns.
    pub lookup: LookupPlan,
    pub main_width: usize,
    pub preprocessed_width: usize,
    pub public_values: usize,
}

impl SymbolicConstraints {
    /// Evaluates `air` symbolically.
    pub fn of<A: Air<SymbolicAirBuilder>>(air: &A) -> Self {
        let pre = air.preprocessed_trace().map_or(0, |t| t.width());
        let mut b = SymbolicAirBuilder::new(air.width(), pre, air.num_public_values());
        air.eval(&mut b);
        let (constraints, interactions) = b.into_parts();
        let own_degree = constraints
            .iter()
            .map(SymbolicExpression::degree_multiple)
            .max()
            .unwrap_or(0);
        let lookup = LookupPlan::new(&interactions, own_degree);
        Self {
            constraints,
            interactions,
            lookup,
            main_width: air.width(),
            preprocessed_width: pre,
            public_values: air.num_public_values(),
        }
    }

    /// The main and preprocessed columns (each ascending) that the constraints or the
    /// interactions read at the next row. Only these are opened at ζω: a column never
    /// read there does not enter the out-of-domain check, so opening it would add bytes
    /// and nothing else.
    pub fn next_row_columns(&self) -> (Vec<usize>, Vec<usize>) {
        let mut seen = std::collections::HashSet::new();
        let (mut main, mut pre) = (
            vec![false; self.main_width],
            vec![false; self.preprocessed_width],
        );
        let mut stack: Vec<&SymbolicExpression> = self.constraints.iter().collect();
        for i in &self.interactions {
            stack.extend(&i.values);
            stack.push(&i.multiplicity);
        }
        while let Some(e) = stack.pop() {
            if !seen.insert(e as *const SymbolicExpression) {
                continue;
            }
            match e {
                SymbolicExpression::Variable(v) => {
                    let cols = match v.entry {
                        Entry::Main { offset: 1 } => &mut main,
                        Entry::Preprocessed { offset: 1 } => &mut pre,
                        _ => continue,
                    };
                    if let Some(b) = cols.get_mut(v.index) {
                        *b = true;
                    }
                }
                SymbolicExpression::Add { x, y, .. }
                | SymbolicExpression::Sub { x, y, .. }
                | SymbolicExpression::Mul { x, y, .. } => {
                    stack.push(x);
                    stack.push(y);
                }
                SymbolicExpression::Neg { x, .. } => stack.push(x),
                SymbolicExpression::IsFirstRow
                | SymbolicExpression::IsLastRow
                | SymbolicExpression::IsTransition
                | SymbolicExpression::Constant(_) => {}
            }
        }
        let ones = |v: Vec<bool>| {
            v.iter()
                .enumerate()
                .filter(|(_, b)| **b)
                .map(|(i, _)| i)
                .collect()
        };
        (ones(main), ones(pre))
    }

    /// The number of constraints: the AIR's own, then the lookup's
    /// ([`LookupPlan::num_constraints`]).
    pub fn len(&self) -> usize {
        self.constraints.len() + self.lookup.num_constraints()
    }

    /// Whether there are no constraints.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The largest degree, lookup constraints included, as a multiple of the trace length
    /// (at least 1).
    pub fn max_degree(&self) -> usize {
        self.constraints
            .iter()
            .map(SymbolicExpression::degree_multiple)
            .max()
            .unwrap_or(0)
            .max(self.lookup.degree)
            .max(1)
    }

    /// Auxiliary (BabyBear^4) columns of the lookup.
    pub fn aux_width(&self) -> usize {
        self.lookup.aux_width()
    }

    /// log2 of the number of quotient chunks (see [`quotient_degree`]).
    pub fn log_quotient_chunks(&self) -> usize {
        (self.max_degree().saturating_sub(1))
            .max(1)
            .next_power_of_two()
            .trailing_zeros() as usize
    }
}

/// The number of constraints.
pub fn constraint_count<A: Air<SymbolicAirBuilder>>(air: &A) -> usize {
    SymbolicConstraints::of(air).len()
}

/// The largest constraint degree, as a multiple of the trace length (at least 1).
pub fn max_constraint_degree<A: Air<SymbolicAirBuilder>>(air: &A) -> usize {
    SymbolicConstraints::of(air).max_degree()
}

/// log2 of the number of quotient chunks: the quotient of a degree-d constraint by the
/// vanishing polynomial has degree about (d − 1)·n, split into chunks of degree < n.
pub fn quotient_degree<A: Air<SymbolicAirBuilder>>(air: &A) -> usize {
    SymbolicConstraints::of(air).log_quotient_chunks()
}
