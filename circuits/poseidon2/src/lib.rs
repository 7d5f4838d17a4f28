#![doc = include_str!("../README.md")]

mod air;
mod columns;
mod rounds;
mod trace;

pub use air::{CONSTRAINTS_PER_PERM, Poseidon2Air};
pub use columns::{
    FullRound, INPUT_OFFSET, NUM_POSEIDON2_COLS, OUTPUT_OFFSET, PartialRound, Poseidon2Cols, WIDTH,
};
pub use trace::{generate_trace, trace_height, trace_outputs};
