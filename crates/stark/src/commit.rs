//! The commitment to a matrix's low-degree extension, as the verifier recomputes it for
//! the preprocessed columns (the prover commits on its backend; both give one root).

use kiln::{CpuBackend, NttOps, Order};
use kiln_field::BabyBear;
use kiln_hash::{ColMajorMatrix, Digest, MerkleTreeMmcs};

/// The root of the LDE (shift `shift`, blowup 2^log_blowup, bit-reversed) of `width`
/// columns of 2^log_n values.
pub(crate) fn lde_root(
    values: &[BabyBear],
    width: usize,
    log_n: usize,
    log_blowup: usize,
    shift: BabyBear,
) -> Result<Digest, String> {
    let lde = CpuBackend::new()
        .coset_lde_batch(
            &values.to_vec(),
            log_n as u32,
            log_blowup as u32,
            shift,
            Order::BitReversed,
        )
        .map_err(|e| e.to_string())?;
    let matrix =
        ColMajorMatrix::new(lde, width, 1 << (log_n + log_blowup)).map_err(|e| e.to_string())?;
    let (root, _) = MerkleTreeMmcs::new()
        .commit(vec![matrix])
        .map_err(|e| e.to_string())?;
    Ok(root)
}
