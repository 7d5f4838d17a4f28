//! [`MerkleOps`] on every [`KernelDevice`] (CUDA and the emulator): the launchers of
//! `kernels/api/merkle.cu`.

use kiln_field::BabyBear;

use super::{
    BackendTree, BatchOpening, DIGEST_ELEMS, Digest, MAX_LOG_HEIGHT, MatrixRef, MerkleOps,
    check_commit, check_open, check_permute,
};
use crate::backend::kernel::{KernelDevice, to_u32};
use crate::ffi::KilnMatrix;
use crate::{Error, Result};

impl<D: KernelDevice> MerkleOps for D {
    fn poseidon2_permute(&self, states: &mut Self::Buffer<BabyBear>, width: usize) -> Result<()> {
        let len = self.buffer_len(states);
        check_permute(len, width)?;
        if len == 0 {
            return Ok(());
        }
        let ptr = self.raw_mut(states).cast::<u32>();
        self.call_kernel("poseidon2_permute", |k, stream| {
            // SAFETY: `ptr` addresses len = count·width elements of a live buffer; the
            // launcher enqueues on our stream.
            unsafe { (k.poseidon2_permute)(ptr, (len / width) as u64, width as u32, stream) }
        })
    }

    fn merkle_commit(&self, matrices: &[MatrixRef<'_, Self>]) -> Result<BackendTree<Self>> {
        let dims = check_commit(self, matrices)?;
        let (descs, log_max) = kernel_matrices(self, matrices)?;
        // Every layer (2^(K+1) − 1 digests) and the launcher's descriptor scratch.
        let digests = (2u64 << log_max) - 1;
        let scratch = (descs.len() * size_of::<KilnMatrix>()) as u64 + 16;
        self.ensure_free(
            "merkle_commit",
            digests * (DIGEST_ELEMS * 4) as u64 + scratch,
        )?;
        // Every word of every layer is written by the kernels.
        let mut layers = (0..=log_max)
            .map(|l| self.alloc_uninit::<BabyBear>(DIGEST_ELEMS << (log_max - l)))
            .collect::<Result<Vec<_>>>()?;
        let ptrs: Vec<*mut u32> = layers
            .iter_mut()
            .map(|l| self.raw_mut(l).cast::<u32>())
            .collect();
        self.call_kernel("merkle_commit", |k, stream| {
            // SAFETY: `descs` describe live buffers of width·height elements each (checked by
            // check_commit); `ptrs` are the K+1 layer buffers of 8·2^(K−l) words; both host
            // arrays outlive the call, which copies what the kernels need.
            unsafe { (k.merkle_commit)(descs.as_ptr(), descs.len() as u32, ptrs.as_ptr(), stream) }
        })?;
        let words = self.download(&layers[log_max])?;
        let root: Digest = words.try_into().expect("the root layer holds 8 words");
        Ok(BackendTree { layers, dims, root })
    }

    fn merkle_open(
        &self,
        tree: &BackendTree<Self>,
        matrices: &[MatrixRef<'_, Self>],
        indices: &[usize],
    ) -> Result<Vec<BatchOpening>> {
        check_open(self, tree, matrices, indices)?;
        if indices.is_empty() {
            return Ok(Vec::new());
        }
        let (descs, log_max) = kernel_matrices(self, matrices)?;
        let queries = to_u32(indices.len(), "query count")?;
        // In range of a tree of at most 2^30 leaves (check_open).
        let idx: Vec<u32> = indices.iter().map(|&i| i as u32).collect();
        let row_words: usize = matrices.iter().map(|m| m.width).sum();
        let record = row_words + DIGEST_ELEMS * log_max;
        to_u32(record, "opening record length")?;
        let out_len = record * indices.len();
        let scratch = (descs.len() * size_of::<KilnMatrix>()
            + (descs.len() + 1 + indices.len()) * 4) as u64
            + (log_max * 8) as u64
            + 64;
        self.ensure_free("merkle_open", out_len as u64 * 4 + scratch)?;
        let mut out = self.alloc_uninit::<BabyBear>(out_len)?;
        let ptrs: Vec<*const u32> = tree.layers[..log_max]
            .iter()
            .map(|l| self.raw(l).cast::<u32>())
            .collect();
        let dst = self.raw_mut(&mut out).cast::<u32>();
        self.call_kernel("merkle_open", |k, stream| {
            // SAFETY: `descs` describe the committed matrices (shapes checked against the
            // tree), `ptrs` the tree's K layers below the root, `idx` in-range indices, `dst`
            // queries·record words; the host arrays outlive the call.
            unsafe {
                (k.merkle_open)(
                    descs.as_ptr(),
                    descs.len() as u32,
                    ptrs.as_ptr(),
                    idx.as_ptr(),
                    queries,
                    dst,
                    stream,
                )
            }
        })?;
        let words = self.download(&out)?;
        Ok(words
            .chunks_exact(record)
            .map(|rec| {
                let mut at = 0;
                let opened_rows = matrices
                    .iter()
                    .map(|m| {
                        let row = rec[at..at + m.width].to_vec();
                        at += m.width;
                        row
                    })
                    .collect();
                let siblings = rec[at..]
                    .chunks_exact(DIGEST_ELEMS)
                    .map(|d| d.try_into().expect("8 words"))
                    .collect();
                BatchOpening {
                    opened_rows,
                    siblings,
                }
            })
            .collect())
    }
}

/// The kernels' descriptors of `matrices`, after the checks the launchers rely on: at
/// most 2^32 matrices, widths and heights within the kernels' limits. Returns them with
/// log2 of the tallest height.
fn kernel_matrices<D: KernelDevice>(
    dev: &D,
    matrices: &[MatrixRef<'_, D>],
) -> Result<(Vec<KilnMatrix>, usize)> {
    to_u32(matrices.len(), "matrix count")?;
    let log_max = matrices
        .iter()
        .map(|m| m.height.trailing_zeros() as usize)
        .max()
        .unwrap_or(0);
    if log_max > MAX_LOG_HEIGHT {
        return Err(Error::InvalidArgument(format!(
            "matrix height 2^{log_max} exceeds the kernels' limit of 2^{MAX_LOG_HEIGHT} rows"
        )));
    }
    let mut width_of_height = [0u64; MAX_LOG_HEIGHT + 1];
    let descs = matrices
        .iter()
        .map(|m| {
            let log_height = m.height.trailing_zeros();
            width_of_height[log_height as usize] += m.width as u64;
            Ok(KilnMatrix {
                data: dev.raw(m.data).cast::<u32>(),
                width: to_u32(m.width, "matrix width")?,
                log_height,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if let Some(w) = width_of_height.iter().find(|&&w| w > u32::MAX as u64) {
        return Err(Error::InvalidArgument(format!(
            "matrices of one height have {w} columns in all, more than 2^32 - 1"
        )));
    }
    Ok((descs, log_max))
}
