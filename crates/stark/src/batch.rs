//! The layout of a multi-table proof, written once for prover and verifier: which
//! committed matrices exist, and in which order the openings are batched into FRI's
//! inputs.

use kiln_field::{BabyBearExt4, Field};

use crate::proof::Openings;

/// A part of a table: one matrix in one of the proof's commitments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    Preprocessed,
    Main,
    Aux,
    Quotient,
}

/// One group of the batched opening: the columns of a table's part opened at ζ or at ζω
/// (at ζω only those the constraints read there, see [`NextColumns`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Group {
    pub table: usize,
    pub part: Part,
    pub at_next: bool,
}

/// What the layout needs to know of a table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TableShape {
    pub log_n: usize,
    pub has_preprocessed: bool,
    pub has_aux: bool,
}

/// The groups batched into FRI's input of each LDE height, tallest first: per height,
/// the tables of that height in order, each as main at ζ and ζω, auxiliary at ζ and ζω,
/// quotient at ζ, preprocessed at ζ and ζω (parts a table lacks are left out). The
/// batching challenge's powers run on across heights in this order.
pub(crate) fn opening_groups(tables: &[TableShape]) -> Vec<(usize, Vec<Group>)> {
    let mut log_ns: Vec<usize> = tables.iter().map(|t| t.log_n).collect();
    log_ns.sort_unstable_by(|a, b| b.cmp(a));
    log_ns.dedup();
    log_ns
        .into_iter()
        .map(|log_n| {
            let mut groups = Vec::new();
            for (table, t) in tables.iter().enumerate().filter(|(_, t)| t.log_n == log_n) {
                let mut push = |part, at_next| {
                    groups.push(Group {
                        table,
                        part,
                        at_next,
                    })
                };
                push(Part::Main, false);
                push(Part::Main, true);
                if t.has_aux {
                    push(Part::Aux, false);
                    push(Part::Aux, true);
                }
                push(Part::Quotient, false);
                if t.has_preprocessed {
                    push(Part::Preprocessed, false);
                    push(Part::Preprocessed, true);
                }
            }
            (log_n, groups)
        })
        .collect()
}

/// The claimed values of `group` in a table's openings.
pub(crate) fn group_values(o: &Openings, part: Part, at_next: bool) -> &[BabyBearExt4] {
    match (part, at_next) {
        (Part::Main, false) => &o.trace_local,
        (Part::Main, true) => &o.trace_next,
        (Part::Aux, false) => &o.aux_local,
        (Part::Aux, true) => &o.aux_next,
        (Part::Quotient, _) => &o.quotient,
        (Part::Preprocessed, false) => &o.preprocessed_local,
        (Part::Preprocessed, true) => &o.preprocessed_next,
    }
}

/// The columns of each table read at the next row (main, preprocessed; ascending), the
/// only ones opened at ζω ([`kiln_air::SymbolicConstraints::next_row_columns`]). The
/// auxiliary columns are opened there whole.
#[derive(Clone, Debug, Default)]
pub(crate) struct NextColumns {
    pub main: Vec<usize>,
    pub preprocessed: Vec<usize>,
}

impl NextColumns {
    pub fn of(symbolic: &kiln_air::SymbolicConstraints) -> Self {
        let (main, preprocessed) = symbolic.next_row_columns();
        Self { main, preprocessed }
    }

    /// The columns of `part` opened at ζω (`at_next`) or ζ: `None` for all of them.
    pub fn selection(&self, part: Part, at_next: bool) -> Option<&[usize]> {
        match (part, at_next) {
            (Part::Main, true) => Some(&self.main),
            (Part::Preprocessed, true) => Some(&self.preprocessed),
            _ => None,
        }
    }
}

/// The batching powers of one group, one per column of its matrix (`width` columns):
/// α^k for each column opened (`selected`, or all), 0 for the others. `power` runs on
/// over the opened columns; `b` gains Σ α^k·v over their claimed `values`.
pub(crate) fn group_powers(
    values: &[BabyBearExt4],
    selected: Option<&[usize]>,
    width: usize,
    alpha: BabyBearExt4,
    power: &mut BabyBearExt4,
    b: &mut BabyBearExt4,
) -> Vec<BabyBearExt4> {
    let mut powers = vec![BabyBearExt4::ZERO; width];
    let mut take = |c: usize, v: BabyBearExt4| {
        if let Some(p) = powers.get_mut(c) {
            *p = *power;
            *b += *power * v;
            *power *= alpha;
        }
    };
    match selected {
        None => values.iter().enumerate().for_each(|(c, &v)| take(c, v)),
        Some(cols) => cols.iter().zip(values).for_each(|(&c, &v)| take(c, v)),
    }
    powers
}

/// A full row of `width` values from those at the `selected` columns (0 elsewhere: the
/// constraints never read them).
pub(crate) fn expand(
    values: &[BabyBearExt4],
    selected: &[usize],
    width: usize,
) -> Vec<BabyBearExt4> {
    let mut row = vec![BabyBearExt4::ZERO; width];
    for (&c, &v) in selected.iter().zip(values) {
        if let Some(x) = row.get_mut(c) {
            *x = v;
        }
    }
    row
}

/// The commitments a query opens, in order, with the tables that have a matrix in each:
/// preprocessed (if any table has it), main, auxiliary (if any), quotient.
pub(crate) fn commitments(tables: &[TableShape]) -> Vec<(Part, Vec<usize>)> {
    let with = |f: fn(&TableShape) -> bool| -> Vec<usize> {
        (0..tables.len()).filter(|&t| f(&tables[t])).collect()
    };
    let all: Vec<usize> = (0..tables.len()).collect();
    let mut out = Vec::new();
    let pre = with(|t| t.has_preprocessed);
    if !pre.is_empty() {
        out.push((Part::Preprocessed, pre));
    }
    out.push((Part::Main, all.clone()));
    let aux = with(|t| t.has_aux);
    if !aux.is_empty() {
        out.push((Part::Aux, aux));
    }
    out.push((Part::Quotient, all));
    out
}
