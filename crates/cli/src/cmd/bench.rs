//! `kiln bench`: median times of kernel operations on each backend, as a table or as JSON
//! lines. GPU figures come twice: device time of the operation alone (CUDA events), and
//! wall time including the upload of the input and the download of the output.
//!
//! [`harness`] holds what the subcommands share (backends, timing, output); each other
//! module says what its subcommands measure: `ntt` and `lde` in [`ntt`], `msm` and
//! `scalar-ntt` (pairing curves) in [`curve`], `poseidon2` and `merkle` in [`merkle`],
//! `prove` in [`prove`].

mod curve;
mod harness;
mod merkle;
mod ntt;
mod prove;

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    op: Op,
}

#[derive(Debug, clap::Subcommand)]
enum Op {
    /// Batched forward NTT, natural to bit-reversed order, in place.
    Ntt(ntt::Common),
    /// Batched coset LDE, natural-order evaluations to bit-reversed evaluations.
    Lde(ntt::LdeArgs),
    /// STARK proving of an example AIR (CPU or CUDA): prove and verify times, proof size.
    Prove(prove::ProveBenchArgs),
    /// G1 multi-scalar multiplication (BN254 or BLS12-381), bases resident on the device.
    Msm(curve::CurveArgs),
    /// Forward NTT over the scalar field of BN254 or BLS12-381, natural order.
    ScalarNtt(curve::CurveArgs),
    /// Batched Poseidon2 permutations (width 16 or 24), in place.
    Poseidon2(merkle::Poseidon2Args),
    /// Merkle commitment of column-major matrices (digest layers kept on the backend),
    /// and openings.
    Merkle(merkle::MerkleArgs),
}

pub fn run(args: Args) -> Result<(), CliError> {
    match args.op {
        Op::Ntt(a) => ntt::run_ntt(a),
        Op::Lde(a) => ntt::run_lde(a),
        Op::Prove(a) => prove::run_prove(a),
        Op::Msm(a) => curve::run_msm(a),
        Op::ScalarNtt(a) => curve::run_scalar_ntt(a),
        Op::Poseidon2(a) => merkle::run_poseidon2(a),
        Op::Merkle(a) => merkle::run_merkle(a),
    }
}
