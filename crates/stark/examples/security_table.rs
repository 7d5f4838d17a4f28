//! Prints the conjectured and provable bits of every preset on instances shaped like
//! kiln's workloads (a markdown table): `cargo run --release -p kiln-stark --example
//! security_table`.

use kiln_stark::{SecurityInstance, StarkConfig};

/// (name, log_n, batched columns, constraints, degree, chunks, lookups per row, tuple).
type Shape = (&'static str, usize, usize, usize, usize, usize, u128, usize);

fn main() {
    let shapes: [Shape; 6] = [
        ("Fibonacci 2^10", 10, 6, 5, 2, 1, 0, 0),
        ("Fibonacci 2^20", 20, 6, 5, 2, 1, 0, 0),
        ("Poseidon2 2^11 rows × 8 perms", 11, 4776, 2256, 3, 2, 0, 0),
        ("Poseidon2 2^17 rows × 8 perms", 17, 4776, 2256, 3, 2, 0, 0),
        ("merkle-paths 2^10 (2^15 rows)", 15, 1000, 320, 3, 2, 3, 33),
        ("merkle-paths 2^16 (2^21 rows)", 21, 1000, 320, 3, 2, 3, 33),
    ];
    println!("| instance | preset | conjectured bits (limit) | provable bits (regime; limit) |");
    println!("|---|---|---|---|");
    for (name, log_n, cols, constraints, degree, chunks, per_row, tuple) in shapes {
        let inst = SecurityInstance {
            log_n,
            constraints,
            max_degree: degree,
            quotient_chunks: chunks,
            batched_columns: cols,
            lookups: per_row << log_n,
            max_tuple_len: tuple,
        };
        for (preset, config) in StarkConfig::PRESETS {
            if preset == "test" {
                continue;
            }
            let r = config.security(&inst);
            println!(
                "| {name} | {preset} | {:.1} ({}) | {:.1} ({}; {}) |",
                r.conjectured_bits,
                r.conjectured_limit,
                r.provable_bits,
                r.provable_regime,
                r.provable_limit
            );
        }
    }
}
