//! The layout of a multi-table proof, written once for prover and verifier: which
//! committed matrices exist, and in which order the openings are batched into FRI's
//! inputs.

use kiln_field::BabyBearExt4;

use crate::proof::Openings;

/// A part of a table: one matrix in one of the proof's commitments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    Preprocessed,
    Main,
    Aux,
    Quotient,
}

/// One group of the batched opening: every column of a table's part, at ζ or at ζω.
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
