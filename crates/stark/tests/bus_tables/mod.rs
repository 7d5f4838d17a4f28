//! Test tables that talk over LogUp buses: a range table (a preprocessed column 0..2^bits,
//! received with a free multiplicity), senders with a boolean flag, a table sending two
//! values per row, one with many interactions, and Fibonacci (no interactions) beside
//! them. One enum, as a multi-table proof takes one AIR type.

#![allow(dead_code)]

use kiln_air::{Air, AirBuilder, BaseAir, Bus};
use kiln_fibonacci::FibonacciAir;
use kiln_field::{BabyBear, ColMajorMatrix};

pub const RANGE: Bus = Bus::new(1, "range");
pub const OTHER: Bus = Bus::new(2, "other");

#[derive(Clone, Copy, Debug)]
pub enum Table {
    /// Preprocessed column v = 0..2^bits; main column m: receives v on RANGE, m times.
    Range {
        bits: u32,
    },
    /// Columns (x, flag): flag boolean; sends x on `bus` when flag is 1.
    Sender {
        bus: Bus,
        check_flag: bool,
    },
    /// Columns (a, b, flag): sends a and b on RANGE when flag is 1.
    Pair,
    /// `k` columns x_i and a flag: sends each x_i on RANGE when flag is 1.
    Many {
        k: usize,
    },
    Fibonacci,
    /// Column x: receives x on `bus` once per row (for the bus-binding test).
    Receiver {
        bus: Bus,
    },
}

impl BaseAir for Table {
    fn width(&self) -> usize {
        match self {
            Self::Range { .. } => 1,
            Self::Sender { .. } => 2,
            Self::Pair => 3,
            Self::Many { k } => k + 1,
            Self::Fibonacci => BaseAir::width(&FibonacciAir),
            Self::Receiver { .. } => 1,
        }
    }

    fn preprocessed_trace(&self) -> Option<ColMajorMatrix> {
        match self {
            Self::Range { bits } => {
                let n = 1usize << bits;
                Some(ColMajorMatrix::new((0..n as u32).map(BabyBear::new).collect(), 1, n).unwrap())
            }
            _ => None,
        }
    }

    fn num_public_values(&self) -> usize {
        match self {
            Self::Fibonacci => FibonacciAir.num_public_values(),
            _ => 0,
        }
    }

    fn name(&self) -> String {
        match self {
            Self::Range { .. } => "range",
            Self::Sender { .. } => "sender",
            Self::Pair => "pair",
            Self::Many { .. } => "many",
            Self::Fibonacci => "fibonacci",
            Self::Receiver { .. } => "receiver",
        }
        .into()
    }
}

impl<AB: AirBuilder> Air<AB> for Table {
    #[inline(always)]
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let local = main.local.to_vec();
        match *self {
            Self::Range { .. } => {
                let v = b.preprocessed().local[0];
                b.receive(RANGE, &[v.into()], local[0]);
            }
            Self::Sender { bus, check_flag } => {
                if check_flag {
                    b.assert_bool(local[1]);
                }
                b.send(bus, &[local[0].into()], local[1]);
            }
            Self::Pair => {
                b.assert_bool(local[2]);
                b.send(RANGE, &[local[0].into()], local[2]);
                b.send(RANGE, &[local[1].into()], local[2]);
            }
            Self::Many { k } => {
                b.assert_bool(local[k]);
                for x in &local[..k] {
                    b.send(RANGE, &[(*x).into()], local[k]);
                }
            }
            Self::Fibonacci => FibonacciAir.eval(b),
            Self::Receiver { bus } => {
                b.receive(bus, &[local[0].into()], BabyBear::new(1));
            }
        }
    }
}

/// Column-major matrix from rows.
pub fn matrix(rows: &[Vec<u32>]) -> ColMajorMatrix {
    let (n, w) = (rows.len(), rows[0].len());
    let mut data = vec![BabyBear::new(0); n * w];
    for (r, row) in rows.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            data[c * n + r] = BabyBear::new(v);
        }
    }
    ColMajorMatrix::new(data, w, n).unwrap()
}

/// The range table's trace (multiplicities) for the values the other tables send.
pub fn range_trace(bits: u32, sent: &[u32]) -> ColMajorMatrix {
    let mut m = vec![0u32; 1 << bits];
    for &v in sent {
        m[v as usize] += 1;
    }
    matrix(&m.into_iter().map(|x| vec![x]).collect::<Vec<_>>())
}
