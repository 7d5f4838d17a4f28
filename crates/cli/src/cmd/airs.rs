//! The example AIRs the command line can prove.

use kiln_fibonacci::{FibonacciAir, fibonacci_result, generate_trace};
use kiln_field::{BabyBear, ColMajorMatrix};
use kiln_stark::{Proof, ProveError, StarkConfig, VerifyError, prove, verify};
use serde::{Deserialize, Serialize};

use super::CliError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
pub enum AirName {
    /// Fibonacci: 2 columns, the smallest example.
    Fibonacci,
}

/// An example instance: which AIR and how large.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ExampleAir {
    pub name: AirName,
    pub log_n: u32,
}

impl ExampleAir {
    pub fn new(name: AirName, log_n: u32) -> Result<Self, CliError> {
        if !(1..=26).contains(&log_n) {
            return Err(format!("--log-n must be 1..=26, got {log_n}").into());
        }
        Ok(Self { name, log_n })
    }

    pub fn describe(&self) -> String {
        match self.name {
            AirName::Fibonacci => "Fibonacci".into(),
        }
    }

    /// Items the workload proves (rows for Fibonacci).
    pub fn items(&self) -> u64 {
        1 << self.log_n
    }

    pub fn generate(&self, seed: u64) -> Result<(ColMajorMatrix, Vec<BabyBear>), CliError> {
        match self.name {
            AirName::Fibonacci => {
                let (a, b) = (BabyBear::new(seed as u32), BabyBear::new(1));
                Ok((
                    generate_trace(self.log_n, a, b),
                    vec![a, b, fibonacci_result(self.log_n, a, b)],
                ))
            }
        }
    }

    pub fn prove(
        &self,
        config: &StarkConfig,
        trace: &ColMajorMatrix,
        pis: &[BabyBear],
    ) -> Result<Proof, ProveError> {
        match self.name {
            AirName::Fibonacci => prove(config, &FibonacciAir, trace, pis),
        }
    }

    pub fn verify(
        &self,
        config: &StarkConfig,
        proof: &Proof,
        pis: &[BabyBear],
    ) -> Result<(), VerifyError> {
        if u32::from(proof.log_n) != self.log_n {
            return Err(VerifyError::Shape {
                what: "trace rows (log2) in the file header",
                expected: self.log_n as usize,
                got: proof.log_n.into(),
            });
        }
        match self.name {
            AirName::Fibonacci => verify(config, &FibonacciAir, proof, pis),
        }
    }
}
