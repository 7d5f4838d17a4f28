//! The example AIRs the command line can prove.

use kiln::{CpuBackend, CudaBackend};
use kiln_fibonacci::{FibonacciAir, fibonacci_result, generate_trace};
use kiln_field::{BabyBear, ColMajorMatrix, P};
use kiln_gadgets::{
    MerklePath, MerklePathTable, MerkleRequests, Poseidon2Requests, Poseidon2Table,
    merkle_root_of_path, table_set,
};
use kiln_poseidon2_air::{Poseidon2Air, generate_trace as generate_poseidon2};
use kiln_stark::{
    Proof, ProveError, ProverBackend, SecurityReport, StarkConfig, VerifyError, prove_tables_with,
    prove_with, security_of_proof, verify, verify_tables,
};
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
    /// 2^log_n Merkle paths of depth 32 verified: three tables (requests, one path level
    /// per row, one Poseidon2 compression per row) tied by LogUp buses.
    MerklePaths,
}

/// Depth of the trees of the merkle-paths workload.
pub const MERKLE_DEPTH: usize = 32;

table_set! {
    /// The tables of the merkle-paths workload.
    #[derive(Debug, Clone, Copy)]
    pub enum MerkleWorkload {
        Requests(MerkleRequests),
        Paths(MerklePathTable),
        Hash(Poseidon2Table),
    }
}

/// An example's witness: one trace and one list of public values per table.
#[derive(Debug, Clone)]
pub struct Witness {
    pub traces: Vec<ColMajorMatrix>,
    pub public_values: Vec<Vec<BabyBear>>,
}

impl Witness {
    fn one(trace: ColMajorMatrix, public_values: Vec<BabyBear>) -> Self {
        Self {
            traces: vec![trace],
            public_values: vec![public_values],
        }
    }

    fn publics(&self) -> Vec<&[BabyBear]> {
        self.public_values.iter().map(Vec::as_slice).collect()
    }
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
        // 2^log_n paths of 32 levels: 2^(log_n + 5) rows in the path and Poseidon2 tables.
        let max = if name == AirName::MerklePaths { 18 } else { 26 };
        if !(1..=max).contains(&log_n) {
            return Err(format!("--log-n must be 1..={max} for {name:?}, got {log_n}").into());
        }
        Ok(Self { name, log_n })
    }

    /// The merkle-paths workload's tables.
    fn merkle_tables(&self) -> [MerkleWorkload; 3] {
        [
            MerkleWorkload::Requests(MerkleRequests),
            MerkleWorkload::Paths(MerklePathTable::for_paths(MERKLE_DEPTH, 1 << self.log_n)),
            MerkleWorkload::Hash(Poseidon2Table),
        ]
    }

    pub fn describe(&self) -> String {
        match self.name {
            AirName::Fibonacci => "Fibonacci".into(),
            AirName::Poseidon2 => format!(
                "Poseidon2 ({} permutations, {POSEIDON2_PERMS_PER_ROW} per row)",
                self.items()
            ),
            AirName::MerklePaths => format!(
                "Merkle paths ({} paths of depth {MERKLE_DEPTH}; 3 tables)",
                self.items()
            ),
        }
    }

    /// Items the workload proves (rows for Fibonacci, permutations for Poseidon2, paths
    /// for merkle-paths).
    pub fn items(&self) -> u64 {
        match self.name {
            AirName::Fibonacci | AirName::MerklePaths => 1 << self.log_n,
            AirName::Poseidon2 => (POSEIDON2_PERMS_PER_ROW as u64) << self.log_n,
        }
    }

    pub fn generate(&self, seed: u64) -> Result<Witness, CliError> {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let mut element = move || BabyBear::new(rng.random_range(0..P));
        match self.name {
            AirName::Fibonacci => {
                let (a, b) = (BabyBear::new(seed as u32), BabyBear::new(1));
                Ok(Witness::one(
                    generate_trace(self.log_n, a, b),
                    vec![a, b, fibonacci_result(self.log_n, a, b)],
                ))
            }
            AirName::Poseidon2 => {
                let inputs: Vec<[BabyBear; 16]> = (0..self.items())
                    .map(|_| core::array::from_fn(|_| element()))
                    .collect();
                Ok(Witness::one(
                    generate_poseidon2::<POSEIDON2_PERMS_PER_ROW>(&inputs),
                    Vec::new(),
                ))
            }
            AirName::MerklePaths => {
                let paths: Vec<MerklePath> = (0..self.items())
                    .map(|_| MerklePath {
                        leaf: core::array::from_fn(|_| element()),
                        // Below p: the canonical indices of a depth-32 tree.
                        index: element().as_canonical_u32(),
                        siblings: (0..MERKLE_DEPTH)
                            .map(|_| core::array::from_fn(|_| element()))
                            .collect(),
                    })
                    .collect();
                let claims: Vec<_> = paths
                    .iter()
                    .map(|p| (p.index, p.leaf, merkle_root_of_path(p)))
                    .collect();
                let [_, MerkleWorkload::Paths(table), _] = self.merkle_tables() else {
                    unreachable!("the path table is the second")
                };
                let mut hashes = Poseidon2Requests::new();
                let path_trace = table.trace(&paths, &mut hashes);
                Ok(Witness {
                    traces: vec![MerkleRequests::trace(&claims), path_trace, hashes.trace()],
                    public_values: vec![Vec::new(); 3],
                })
            }
        }
    }

    pub fn prove(
        &self,
        backend: ProverChoice,
        config: &StarkConfig,
        witness: &Witness,
    ) -> Result<Proof, ProveError> {
        match backend {
            ProverChoice::Cpu => self.prove_on(&CpuBackend::new(), config, witness),
            ProverChoice::Cuda => self.prove_on(&CudaBackend::new(0)?, config, witness),
        }
    }

    /// Proves on a backend already opened (the benchmark opens it once for every sample).
    pub fn prove_on<B: ProverBackend>(
        &self,
        backend: &B,
        config: &StarkConfig,
        witness: &Witness,
    ) -> Result<Proof, ProveError> {
        let (trace, pis) = (&witness.traces[0], &witness.public_values[0]);
        match self.name {
            AirName::Fibonacci => prove_with(backend, config, &FibonacciAir, trace, pis),
            AirName::Poseidon2 => {
                prove_with(backend, config, &Poseidon2Example::default(), trace, pis)
            }
            AirName::MerklePaths => prove_tables_with(
                backend,
                config,
                &self.merkle_tables(),
                &witness.traces,
                &witness.publics(),
            ),
        }
    }

    /// The conjectured and provable security of `proof` (an instance of this example).
    pub fn security(&self, proof: &Proof) -> SecurityReport {
        match self.name {
            AirName::Fibonacci => security_of_proof(&[FibonacciAir], proof),
            AirName::Poseidon2 => security_of_proof(&[Poseidon2Example::default()], proof),
            AirName::MerklePaths => security_of_proof(&self.merkle_tables(), proof),
        }
    }

    /// Verifies `proof` of this example with `public_values` (one list per table).
    pub fn verify(
        &self,
        config: &StarkConfig,
        proof: &Proof,
        public_values: &[Vec<BabyBear>],
    ) -> Result<(), VerifyError> {
        let publics: Vec<&[BabyBear]> = public_values.iter().map(Vec::as_slice).collect();
        if self.name == AirName::MerklePaths {
            return verify_tables(config, &self.merkle_tables(), proof, &publics);
        }
        let log_n = proof.log_n().map_or(0, u32::from);
        if log_n != self.log_n {
            return Err(VerifyError::Shape {
                what: "trace rows (log2) in the file header",
                expected: self.log_n as usize,
                got: log_n as usize,
            });
        }
        let [pis] = publics.as_slice() else {
            return Err(VerifyError::Shape {
                what: "public value lists",
                expected: 1,
                got: publics.len(),
            });
        };
        match self.name {
            AirName::Fibonacci => verify(config, &FibonacciAir, proof, pis),
            AirName::Poseidon2 => verify(config, &Poseidon2Example::default(), proof, pis),
            AirName::MerklePaths => unreachable!("handled above"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_proves_and_verifies() {
        let config = StarkConfig::TEST;
        for (name, log_n) in [
            (AirName::Fibonacci, 4),
            (AirName::Poseidon2, 2),
            (AirName::MerklePaths, 2),
        ] {
            let ex = ExampleAir::new(name, log_n).unwrap();
            let witness = ex.generate(3).unwrap();
            let proof = ex.prove(ProverChoice::Cpu, &config, &witness).unwrap();
            ex.verify(&config, &proof, &witness.public_values)
                .unwrap_or_else(|e| panic!("{name:?}: {e}"));
            // Another size's tables reject it.
            let other = ExampleAir::new(name, log_n + 1).unwrap();
            assert!(
                other
                    .verify(&config, &proof, &witness.public_values)
                    .is_err(),
                "{name:?}"
            );
        }
        assert!(ExampleAir::new(AirName::MerklePaths, 19).is_err());
    }
}
