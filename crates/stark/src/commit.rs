//! The commitment to matrices' low-degree extensions, as the verifier recomputes it for
//! the preprocessed columns (the prover commits on its backend; both give one root).

use kiln::{CpuBackend, NttOps, Order};
use kiln_field::{BabyBear, ColMajorMatrix};
use kiln_hash::{Digest, MerkleTreeMmcs};

/// The root of one commitment to the LDEs (shift `shift`, blowup 2^log_blowup,
/// bit-reversed) of `matrices`, each given with log2 of its height.
pub(crate) fn lde_root(
    matrices: &[(&ColMajorMatrix, usize)],
    log_blowup: usize,
    shift: BabyBear,
) -> Result<Digest, String> {
    let cpu = CpuBackend::new();
    let mut ldes = Vec::with_capacity(matrices.len());
    for (m, log_n) in matrices {
        let lde = cpu
            .coset_lde_batch(
                &m.data().to_vec(),
                *log_n as u32,
                log_blowup as u32,
                shift,
                Order::BitReversed,
            )
            .map_err(|e| e.to_string())?;
        ldes.push(
            ColMajorMatrix::new(lde, m.width(), 1 << (log_n + log_blowup))
                .map_err(|e| e.to_string())?,
        );
    }
    let (root, _) = MerkleTreeMmcs::new()
        .commit(ldes)
        .map_err(|e| e.to_string())?;
    Ok(root)
}
