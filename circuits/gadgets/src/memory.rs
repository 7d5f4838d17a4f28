//! A write-once memory (a witness bus): cell `addr` holds one value for the whole proof,
//! and every table that reads or writes it sees that value.

use kiln_air::{Air, AirBuilder, BaseAir};
use kiln_field::{BabyBear, ColMajorMatrix, Field};

use crate::MEMORY_BUS;

/// The memory table: one row per address (a preprocessed column 0..2^log_size), the
/// cell's value and how many accesses it serves. It receives (addr, value) on
/// [`MEMORY_BUS`] with that multiplicity; every row is fixed by its address and every
/// address has one row, so a cell has one value, whichever table accesses it. An access
/// — a read, or the write that gives a cell its value — is a send of (addr, value) with
/// multiplicity 1 (or a boolean flag) by the accessing table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryTable {
    pub log_size: usize,
}

impl BaseAir for MemoryTable {
    /// Value, accesses.
    fn width(&self) -> usize {
        2
    }

    fn preprocessed_trace(&self) -> Option<ColMajorMatrix> {
        let n = 1usize << self.log_size;
        Some(ColMajorMatrix::new((0..n as u32).map(BabyBear::new).collect(), 1, n).expect("shape"))
    }

    fn max_log_height(&self) -> Option<usize> {
        Some(self.log_size)
    }

    fn name(&self) -> String {
        "memory".into()
    }
}

impl<AB: AirBuilder> Air<AB> for MemoryTable {
    #[inline(always)]
    fn eval(&self, b: &mut AB) {
        let addr = b.preprocessed().local[0];
        let l = b.main().local;
        let (value, accesses) = (l[0], l[1]);
        b.receive(MEMORY_BUS, &[addr.into(), value.into()], accesses);
    }
}

/// Why an access was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemoryError {
    /// The address is past the memory.
    OutOfRange { addr: u32, size: usize },
    /// The cell already holds another value.
    Conflict {
        addr: u32,
        held: BabyBear,
        written: BabyBear,
    },
    /// The cell was read before any write gave it a value.
    Unwritten { addr: u32 },
}

impl core::fmt::Display for MemoryError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::OutOfRange { addr, size } => {
                write!(f, "address {addr} is past the memory's {size} cells")
            }
            Self::Conflict {
                addr,
                held,
                written,
            } => write!(
                f,
                "cell {addr} holds {held} and is written again with {written} (write-once)"
            ),
            Self::Unwritten { addr } => write!(f, "cell {addr} is read before it is written"),
        }
    }
}

impl std::error::Error for MemoryError {}

/// The memory's contents and access counts as the other tables' traces are built;
/// [`MemoryRequests::trace`] is the memory table's trace.
#[derive(Clone, Debug)]
pub struct MemoryRequests {
    values: Vec<Option<BabyBear>>,
    accesses: Vec<u32>,
}

impl MemoryRequests {
    /// A memory of 2^log_size cells, all unwritten.
    pub fn new(log_size: usize) -> Self {
        Self {
            values: vec![None; 1 << log_size],
            accesses: vec![0; 1 << log_size],
        }
    }

    fn cell(&self, addr: u32) -> Result<usize, MemoryError> {
        let a = addr as usize;
        if a >= self.values.len() {
            return Err(MemoryError::OutOfRange {
                addr,
                size: self.values.len(),
            });
        }
        Ok(a)
    }

    /// Writes `value` to `addr` (one access); writing the value a cell holds is allowed,
    /// another value is an error.
    pub fn write(&mut self, addr: u32, value: BabyBear) -> Result<(), MemoryError> {
        let a = self.cell(addr)?;
        match self.values[a] {
            Some(held) if held != value => {
                return Err(MemoryError::Conflict {
                    addr,
                    held,
                    written: value,
                });
            }
            _ => self.values[a] = Some(value),
        }
        self.accesses[a] += 1;
        Ok(())
    }

    /// Reads `addr` (one access).
    pub fn read(&mut self, addr: u32) -> Result<BabyBear, MemoryError> {
        let a = self.cell(addr)?;
        let v = self.values[a].ok_or(MemoryError::Unwritten { addr })?;
        self.accesses[a] += 1;
        Ok(v)
    }

    /// The memory table's trace (unwritten cells hold 0 and serve no access).
    pub fn trace(&self) -> ColMajorMatrix {
        let n = self.values.len();
        let mut data: Vec<BabyBear> = self
            .values
            .iter()
            .map(|v| v.unwrap_or(BabyBear::ZERO))
            .collect();
        data.extend(self.accesses.iter().map(|&c| BabyBear::new(c)));
        ColMajorMatrix::new(data, 2, n).expect("shape")
    }
}
