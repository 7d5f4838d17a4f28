//! LogUp buses: tables of one proof exchange tuples of field elements.
//!
//! A table *sends* a tuple on a [`Bus`] with a multiplicity, another *receives* it; the
//! proof shows that over all rows of all tables every (bus, tuple) is sent as often as it
//! is received, counted in the field. With challenges γ and β drawn after the main traces
//! are committed, the tuple v on bus b has the denominator
//!
//! d = γ − (b + β·v_0 + β²·v_1 + …),
//!
//! (the bus id is part of the fingerprint, so two buses never cancel each other) and the
//! balance is Σ_rows Σ_interactions ±m/d = 0 (+ for a send, − for a receive), which fails
//! for an unbalanced multiset except with probability about (total lookups)/|F^4|.
//!
//! Each table commits auxiliary columns in BabyBear^4: one per batch of interactions
//! ([`LookupPlan`]), holding Σ_{i∈batch} ±m_i/d_i on each row, and a running sum s with
//! s_0 = Σ_j a_j,0, s_{r+1} = s_r + Σ_j a_j,r+1 and s_{n−1} the table's total, which the
//! proof carries. The verifier checks that the totals of all tables add up to zero.
//!
//! # Rules that keep a bus sound
//! * A send's multiplicity must be constrained to {0, 1}, or to a count that is range
//!   checked: a free multiplicity p − 1 on a send is −1, and would cancel a forged request.
//! * Only a table whose every row is fully constrained by its own constraints (a
//!   range-check table, a table of Poseidon2 permutations) may receive with a free
//!   multiplicity: it serves any number of requests with one row.
//! * Padding rows have multiplicity 0.
//! * The total number of lookups Σ_tables height × interactions stays below p (the
//!   prover and the verifier refuse more): past p, a count can wrap to zero.

use core::ops::{Add, Mul, Sub};

use kiln_field::{BabyBear, Field};

use crate::SymbolicExpression;

/// A bus: the id is bound into every fingerprint, the name appears in error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Bus {
    pub id: u32,
    pub name: &'static str,
}

impl Bus {
    pub const fn new(id: u32, name: &'static str) -> Self {
        Self { id, name }
    }
}

impl core::fmt::Display for Bus {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "bus {} ({})", self.id, self.name)
    }
}

/// Whether a table sends or receives a tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    Send,
    Receive,
}

impl Direction {
    /// +1 for a send, −1 for a receive: the sign of the term m/d in the balance.
    pub fn sign(self) -> BabyBear {
        match self {
            Self::Send => BabyBear::ONE,
            Self::Receive => -BabyBear::ONE,
        }
    }
}

/// An interaction as recorded by the symbolic builder.
#[derive(Clone, Debug)]
pub struct SymbolicInteraction {
    pub bus: Bus,
    pub direction: Direction,
    pub values: Vec<SymbolicExpression>,
    pub multiplicity: SymbolicExpression,
}

impl SymbolicInteraction {
    /// The degree (multiple of n) of the denominator γ − fingerprint.
    pub fn denominator_degree(&self) -> usize {
        self.values
            .iter()
            .map(SymbolicExpression::degree_multiple)
            .max()
            .unwrap_or(0)
    }

    /// The degree of the multiplicity.
    pub fn multiplicity_degree(&self) -> usize {
        self.multiplicity.degree_multiple()
    }
}

/// How a table's interactions are grouped into auxiliary columns: column j holds
/// a_j = Σ_{i ∈ batches[j]} ±m_i/d_i, constrained by a_j·Π d_i = Σ ±m_i·Π_{k≠i} d_k,
/// whose degree is kept at or below the table's own constraint degree (at least 2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LookupPlan {
    /// Interaction indices per auxiliary column, in order.
    pub batches: Vec<Vec<usize>>,
    /// The largest degree of the lookup constraints (0 without interactions).
    pub degree: usize,
}

/// The degree of the constraint of one batch.
fn batch_degree(interactions: &[SymbolicInteraction], batch: &[usize]) -> usize {
    let dens: usize = batch
        .iter()
        .map(|&i| interactions[i].denominator_degree())
        .sum();
    let lhs = 1 + dens;
    let rhs = batch
        .iter()
        .map(|&i| {
            let x = &interactions[i];
            x.multiplicity_degree() + dens - x.denominator_degree()
        })
        .max()
        .unwrap_or(0);
    lhs.max(rhs)
}

impl LookupPlan {
    /// Groups `interactions` greedily, in order, into batches whose constraint degree
    /// stays ≤ max(`table_degree`, 2, the degree any single interaction needs).
    pub fn new(interactions: &[SymbolicInteraction], table_degree: usize) -> Self {
        if interactions.is_empty() {
            return Self::default();
        }
        let single = (0..interactions.len())
            .map(|i| batch_degree(interactions, &[i]))
            .max()
            .unwrap_or(0);
        let bound = table_degree.max(2).max(single);
        let mut batches: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        for i in 0..interactions.len() {
            current.push(i);
            if batch_degree(interactions, &current) > bound {
                current.pop();
                batches.push(core::mem::take(&mut current));
                current.push(i);
            }
        }
        batches.push(current);
        let degree = batches
            .iter()
            .map(|b| batch_degree(interactions, b))
            .max()
            .unwrap_or(0)
            // The running sum's first- and last-row constraints: selector × column.
            .max(2);
        Self { batches, degree }
    }

    /// Whether the table has no interactions.
    pub fn is_empty(&self) -> bool {
        self.batches.is_empty()
    }

    /// Auxiliary columns, in BabyBear^4: one per batch and the running sum (none without
    /// interactions).
    pub fn aux_width(&self) -> usize {
        if self.is_empty() {
            0
        } else {
            self.batches.len() + 1
        }
    }

    /// Constraints the lookup adds after the AIR's own: one per batch, then the running
    /// sum's first-row, transition and last-row constraints.
    pub fn num_constraints(&self) -> usize {
        if self.is_empty() {
            0
        } else {
            self.batches.len() + 3
        }
    }

    /// The lookup constraints, in order, from each interaction's denominator and signed
    /// multiplicity, the auxiliary columns at this row and the next, the selectors and the
    /// table's claimed total. Written once for every evaluator (`E` is an extension
    /// element or a vector of them).
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub fn constraints<E>(
        &self,
        denominators: &[E],
        multiplicities: &[E],
        aux_local: &[E],
        aux_next: &[E],
        selectors: [E; 3],
        total: E,
        mut emit: impl FnMut(E),
    ) where
        E: Clone + Add<Output = E> + Sub<Output = E> + Mul<Output = E>,
    {
        let [first, last, transition] = selectors;
        let k = self.batches.len();
        let times = |a: Option<E>, b: E| match a {
            None => b,
            Some(a) => a * b,
        };
        for (j, batch) in self.batches.iter().enumerate() {
            // a·Π d − Σ m_i·Π_{k≠i} d_k; prefix[p] = Π_{q<p} d_q (None: the empty product).
            let mut prefix: Vec<Option<E>> = Vec::with_capacity(batch.len() + 1);
            prefix.push(None);
            for (p, &i) in batch.iter().enumerate() {
                let next = times(prefix[p].clone(), denominators[i].clone());
                prefix.push(Some(next));
            }
            let mut rhs: Option<E> = None;
            let mut suffix: Option<E> = None;
            for (p, &i) in batch.iter().enumerate().rev() {
                let others = match (prefix[p].clone(), suffix.clone()) {
                    (None, None) => None,
                    (Some(a), None) | (None, Some(a)) => Some(a),
                    (Some(a), Some(b)) => Some(a * b),
                };
                let term = match others {
                    None => multiplicities[i].clone(),
                    Some(o) => multiplicities[i].clone() * o,
                };
                rhs = Some(match rhs {
                    None => term,
                    Some(r) => r + term,
                });
                suffix = Some(times(suffix, denominators[i].clone()));
            }
            let all = prefix.pop().flatten().expect("a batch is never empty");
            emit(aux_local[j].clone() * all - rhs.expect("a batch is never empty"));
        }
        let sum = |row: &[E]| {
            row[1..k]
                .iter()
                .fold(row[0].clone(), |acc, a| acc + a.clone())
        };
        let s_local = aux_local[k].clone();
        let s_next = aux_next[k].clone();
        emit(first * (s_local.clone() - sum(aux_local)));
        emit(transition * (s_next - s_local.clone() - sum(aux_next)));
        emit(last * (s_local - total));
    }
}
