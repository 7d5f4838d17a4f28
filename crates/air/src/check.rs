//! The debug checker: every constraint on every row, in the base field.

use std::collections::{BTreeMap, BTreeSet};

use kiln_field::{BabyBear, ColMajor, Field};
use rayon::prelude::*;
use thiserror::Error;

use crate::lookup::{Bus, Direction};
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
    #[error("the trace has {height} rows; a trace needs a power of two (1 is one)")]
    Height { height: usize },
    #[error("{got} public values given, the AIR takes {expected}")]
    PublicValues { expected: usize, got: usize },
    #[error("the preprocessed trace has {got} rows, the main trace {expected}")]
    PreprocessedHeight { expected: usize, got: usize },
    #[error("{} fails on row {}: it evaluates to {} (constraint #{})", .0.name, .0.row, .0.value, .0.index)]
    Unsatisfied(ConstraintFailure),
    #[error("{0}")]
    UnbalancedBus(Box<UnbalancedBus>),
    #[error("table {table} ({name}): {source}")]
    InTable {
        table: usize,
        name: String,
        #[source]
        source: Box<TraceError>,
    },
}

/// A (bus, tuple) sent and received unequally often over all tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnbalancedBus {
    /// The bus, as "bus ID (NAME)".
    pub bus: String,
    pub tuple: Vec<BabyBear>,
    /// Sends minus receives, counted in the field.
    pub net: BabyBear,
    /// The tables that send it ("NAME (table I)").
    pub senders: Vec<String>,
    /// The tables that receive it.
    pub receivers: Vec<String>,
}

/// A field element as a small signed number when it is one.
fn signed(v: BabyBear) -> String {
    let x = v.as_canonical_u32();
    let p = BabyBear::ORDER;
    if x > p / 2 {
        format!("-{}", p - x)
    } else {
        x.to_string()
    }
}

impl core::fmt::Display for UnbalancedBus {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let list = |v: &[String]| {
            if v.is_empty() {
                "no table".to_string()
            } else {
                v.join(", ")
            }
        };
        write!(
            f,
            "{} is unbalanced: the tuple {:?} is sent {} times more than it is received (sent by {}; received by {})",
            self.bus,
            self.tuple
                .iter()
                .map(|v| v.as_canonical_u32())
                .collect::<Vec<_>>(),
            signed(self.net),
            list(&self.senders),
            list(&self.receivers),
        )
    }
}

/// One interaction of one row, in the base field: bus, direction, tuple, multiplicity.
type RowInteraction = (Bus, Direction, Vec<BabyBear>, BabyBear);

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
    /// The interactions of the row, when recorded (bus checking).
    interactions: Option<Vec<RowInteraction>>,
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

    fn interact(
        &mut self,
        bus: Bus,
        direction: Direction,
        values: &[BabyBear],
        multiplicity: BabyBear,
    ) {
        if let Some(list) = &mut self.interactions {
            list.push((bus, direction, values.to_vec(), multiplicity));
        }
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
    if !n.is_power_of_two() {
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
                interactions: None,
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

/// Checks that every (bus, tuple) is sent as often as it is received over all rows of
/// all `tables` (counted in the field); the error names the first unbalanced tuple (by
/// bus id, then tuple), the tables that send it and those that receive it. Shapes are
/// checked by [`check_constraints`], which should run first.
pub fn check_buses<A>(
    tables: &[A],
    traces: &[ColMajor<'_>],
    public_values: &[&[BabyBear]],
) -> Result<(), TraceError>
where
    A: for<'a> Air<DebugBuilder<'a>>,
{
    type Key = (u32, Vec<u32>);
    #[derive(Default)]
    struct Tally {
        net: BabyBear,
        bus: Option<Bus>,
        senders: BTreeSet<usize>,
        receivers: BTreeSet<usize>,
    }
    let mut tally: BTreeMap<Key, Tally> = BTreeMap::new();
    for (t, ((air, trace), public)) in tables.iter().zip(traces).zip(public_values).enumerate() {
        let n = trace.height();
        let pre = air.preprocessed_trace();
        let pre_view = pre.as_ref().map(|p| p.view());
        let rows: Vec<Vec<RowInteraction>> = (0..n)
            .into_par_iter()
            .with_min_len(64)
            .map(|row| {
                let next = (row + 1) % n;
                let (local, next_row) = (trace.row_to_vec(row), trace.row_to_vec(next));
                let (p_local, p_next) = match &pre_view {
                    Some(p) if p.height() == n => (p.row_to_vec(row), p.row_to_vec(next)),
                    _ => (Vec::new(), Vec::new()),
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
                    public,
                    first: row == 0,
                    last: row == n - 1,
                    next_index: 0,
                    failure: None,
                    interactions: Some(Vec::new()),
                };
                air.eval(&mut b);
                b.interactions.unwrap_or_default()
            })
            .collect();
        for (bus, direction, tuple, m) in rows.into_iter().flatten() {
            if m.is_zero() {
                continue;
            }
            let key = (bus.id, tuple.iter().map(|v| v.as_canonical_u32()).collect());
            let entry = tally.entry(key).or_default();
            entry.bus.get_or_insert(bus);
            match direction {
                Direction::Send => {
                    entry.net += m;
                    entry.senders.insert(t);
                }
                Direction::Receive => {
                    entry.net -= m;
                    entry.receivers.insert(t);
                }
            }
        }
    }
    let name = |t: &usize| format!("{} (table {t})", tables[*t].name());
    match tally.into_iter().find(|(_, v)| !v.net.is_zero()) {
        None => Ok(()),
        Some(((_, tuple), v)) => Err(TraceError::UnbalancedBus(Box::new(UnbalancedBus {
            bus: v.bus.map(|b| b.to_string()).unwrap_or_default(),
            tuple: tuple.into_iter().map(BabyBear::new).collect(),
            net: v.net,
            senders: v.senders.iter().map(name).collect(),
            receivers: v.receivers.iter().map(name).collect(),
        }))),
    }
}
