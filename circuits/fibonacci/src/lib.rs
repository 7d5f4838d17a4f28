//! The Fibonacci AIR (see README.md for its constraints).

mod air;
mod columns;
mod trace;

pub use air::FibonacciAir;
pub use columns::{FibonacciCols, NUM_FIBONACCI_COLS};
pub use trace::{fibonacci_result, generate_trace};
