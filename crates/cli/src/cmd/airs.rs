//! The example AIRs the command line can prove.

use kiln::{CpuBackend, CudaBackend};
use kiln_fibonacci::{FibonacciAir, fibonacci_result, generate_trace};
use kiln_field::{BabyBear, ColMajorMatrix, P};
use kiln_poseidon2_air::{Poseidon2Air, generate_trace as generate_poseidon2};
use kiln_stark::{Proof, ProveError, ProverBackend, StarkConfig, VerifyError, prove_with, verify};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

use super::CliError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
pub enum AirName {
    /// Fibonacci: 2 columns, the smallest example.
    Fibonacci,
    /// Poseidon2 width-16 permutations, 8 per row (2384 columns, degree 3).
    Poseidon2,
}

/// Permutations per row of the Poseidon2 example (as Plonky3's benchmark layout packs
/// several per row to keep the trace wide).
pub const POSEIDON2_PERMS_PER_ROW: usize = 8;
type Poseidon2Example = Poseidon2Air<POSEIDON2_PERMS_PER_ROW>;

/// Where the prover runs. Both give the same proof bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProverChoice {
    /// rayon on this machine's cores.
    Cpu,
    /// The CUDA kernels on GPU 0 (an error naming the reason where there is none).
    Cuda,
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
            AirName::Poseidon2 => format!(
                "Poseidon2 ({} permutations, {POSEIDON2_PERMS_PER_ROW} per row)",
                self.items()
            ),
        }
    }

    /// Items the workload proves (rows for Fibonacci, permutations for Poseidon2).
    pub fn items(&self) -> u64 {
        match self.name {
            AirName::Fibonacci => 1 << self.log_n,
            AirName::Poseidon2 => (POSEIDON2_PERMS_PER_ROW as u64) << self.log_n,
        }
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
            AirName::Poseidon2 => {
                let mut rng = ChaCha20Rng::seed_from_u64(seed);
                let inputs: Vec<[BabyBear; 16]> = (0..self.items())
                    .map(|_| core::array::from_fn(|_| BabyBear::new(rng.random_range(0..P))))
                    .collect();
                Ok((
                    generate_poseidon2::<POSEIDON2_PERMS_PER_ROW>(&inputs),
                    Vec::new(),
                ))
            }
        }
    }

    pub fn prove(
        &self,
        backend: ProverChoice,
        config: &StarkConfig,
        trace: &ColMajorMatrix,
        pis: &[BabyBear],
    ) -> Result<Proof, ProveError> {
        match backend {
            ProverChoice::Cpu => self.prove_on(&CpuBackend::new(), config, trace, pis),
            ProverChoice::Cuda => self.prove_on(&CudaBackend::new(0)?, config, trace, pis),
        }
    }

    /// Proves on a backend already opened (the benchmark opens it once for every sample).
    pub fn prove_on<B: ProverBackend>(
        &self,
        backend: &B,
        config: &StarkConfig,
        trace: &ColMajorMatrix,
        pis: &[BabyBear],
    ) -> Result<Proof, ProveError> {
        match self.name {
            AirName::Fibonacci => prove_with(backend, config, &FibonacciAir, trace, pis),
            AirName::Poseidon2 => {
                prove_with(backend, config, &Poseidon2Example::default(), trace, pis)
            }
        }
    }

    pub fn verify(
        &self,
        config: &StarkConfig,
        proof: &Proof,
        pis: &[BabyBear],
    ) -> Result<(), VerifyError> {
        let log_n = proof.log_n().map_or(0, u32::from);
        if log_n != self.log_n {
            return Err(VerifyError::Shape {
                what: "trace rows (log2) in the file header",
                expected: self.log_n as usize,
                got: log_n as usize,
            });
        }
        match self.name {
            AirName::Fibonacci => verify(config, &FibonacciAir, proof, pis),
            AirName::Poseidon2 => verify(config, &Poseidon2Example::default(), proof, pis),
        }
    }
}
