//! Writes valid Fibonacci proofs into `fuzz/seed-corpus/verify_proof/`, the starting
//! corpus of the `verify_proof` fuzz target (same configuration as the target).

use kiln_fibonacci::{FibonacciAir, fibonacci_result, generate_trace};
use kiln_field::BabyBear;
use kiln_stark::{StarkConfig, prove};

const CONFIG: StarkConfig = StarkConfig {
    num_queries: 8,
    query_pow_bits: 2,
    ..StarkConfig::COMPACT
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/seed-corpus/verify_proof");
    std::fs::create_dir_all(&dir)?;
    for log_n in [2u32, 3, 5, 6] {
        let (a, b) = (BabyBear::new(0), BabyBear::new(1));
        let trace = generate_trace(log_n, a, b);
        let proof = prove(
            &CONFIG,
            &FibonacciAir,
            &trace,
            &[a, b, fibonacci_result(log_n, a, b)],
        )?;
        let path = dir.join(format!("fibonacci-{log_n}.bin"));
        std::fs::write(&path, proof.to_bytes())?;
        println!("{} ({} bytes)", path.display(), proof.size_bytes());
    }
    Ok(())
}
