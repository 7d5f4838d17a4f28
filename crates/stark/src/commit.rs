//! Low-degree extension and commitment of column-major matrices, used by the prover for
//! every input and by the verifier to recompute the preprocessed commitment.

use kiln::{CpuBackend, NttOps, Order};
use kiln_field::{BabyBear, ColMajorMatrix};
use kiln_hash::{CommitError, Digest, MerkleTree, MerkleTreeMmcs};

/// A committed LDE: its columns over LDE_SHIFT·⟨ω_N⟩ in bit-reversed order, and its tree.
pub(crate) struct Committed {
    pub tree: MerkleTree<ColMajorMatrix>,
    pub root: Digest,
}

#[derive(Debug)]
pub(crate) enum LdeCommitError {
    Backend(kiln::Error),
    Commit(CommitError),
}

/// Extends `width` columns of 2^log_n values (column-major) by 2^log_blowup and commits
/// them. Columns come in `shifts.len()` equal groups; group s is extended with shift
/// `shifts[s]` (its values lie over a coset whose LDE lands on the common domain).
pub(crate) fn lde_commit(
    mmcs: &MerkleTreeMmcs,
    values: &[BabyBear],
    width: usize,
    log_n: usize,
    log_blowup: usize,
    shifts: &[BabyBear],
) -> Result<Committed, LdeCommitError> {
    let cpu = CpuBackend::new();
    let n = 1usize << log_n;
    let big = n << log_blowup;
    let per_shift = width / shifts.len();
    let mut lde = Vec::with_capacity(width * big);
    for (s, &shift) in shifts.iter().enumerate() {
        let cols = values[s * per_shift * n..(s + 1) * per_shift * n].to_vec();
        lde.extend(
            cpu.coset_lde_batch(
                &cols,
                log_n as u32,
                log_blowup as u32,
                shift,
                Order::BitReversed,
            )
            .map_err(LdeCommitError::Backend)?,
        );
    }
    let matrix = ColMajorMatrix::new(lde, width, big).expect("width · N elements");
    let (root, tree) = mmcs.commit(vec![matrix]).map_err(LdeCommitError::Commit)?;
    Ok(Committed { tree, root })
}
