//! Error types. Every public operation that can fail on its inputs returns one of these
//! (or, when a SIMD level is chosen, `kiln_field`'s `SimdLevelError`).

use thiserror::Error;

/// A Merkle tree could not be built.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum CommitError {
    /// The list of matrices is empty.
    #[error("no matrices to commit to")]
    NoMatrices,
    /// A matrix height is zero or not a power of two.
    #[error("matrix {matrix} has height {height}, which is not a power of two")]
    HeightNotPowerOfTwo { matrix: usize, height: usize },
    /// The number of leaf digests is zero or not a power of two.
    #[error("{got} leaf digests, which is not a power of two")]
    LeafCountNotPowerOfTwo { got: usize },
    /// Row digests to inject have a length that is not a power of two below the leaf
    /// count, or the same length as another list.
    #[error("{got} row digests cannot be injected into a tree of {max_height} leaves")]
    BadInjection { got: usize, max_height: usize },
    /// Digest layers handed in do not number `log_max_height + 1`.
    #[error("expected {expected} digest layers, got {got}")]
    WrongLayerCount { expected: usize, got: usize },
    /// A digest layer handed in has the wrong length.
    #[error("digest layer {layer} should hold {expected} digests, holds {got}")]
    WrongLayerLength {
        layer: usize,
        expected: usize,
        got: usize,
    },
}

/// An opening could not be produced.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum OpenError {
    /// The query index is not below the tallest matrix's height.
    #[error("index {index} is out of range for height {max_height}")]
    IndexOutOfBounds { index: usize, max_height: usize },
}

/// A batch opening does not verify. Verification returns this for any malformed or
/// tampered input; it never panics.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum VerifyError {
    /// The verifier was given no matrix dimensions.
    #[error("no matrix dimensions")]
    NoMatrices,
    /// The opening holds a different number of rows than there are matrices.
    #[error("expected {expected} opened rows, got {got}")]
    WrongBatchSize { expected: usize, got: usize },
    /// A claimed matrix height is zero or not a power of two.
    #[error("matrix {matrix} has height {height}, which is not a power of two")]
    HeightNotPowerOfTwo { matrix: usize, height: usize },
    /// An opened row's length differs from its matrix's width.
    #[error("row of matrix {matrix} should hold {expected} elements, holds {got}")]
    WrongWidth {
        matrix: usize,
        expected: usize,
        got: usize,
    },
    /// The query index is not below the tallest matrix's height.
    #[error("index {index} is out of range for height {max_height}")]
    IndexOutOfBounds { index: usize, max_height: usize },
    /// The number of sibling digests is not `log2` of the tallest height.
    #[error("expected {expected} sibling digests, got {got}")]
    WrongProofLength { expected: usize, got: usize },
    /// A multi-opening holds a different number of rows of a matrix than the query
    /// indices open.
    #[error("matrix {matrix}: expected {expected} distinct opened rows, got {got}")]
    WrongRowCount {
        matrix: usize,
        expected: usize,
        got: usize,
    },
    /// A multi-opening ran out of sibling digests.
    #[error("the opening holds too few sibling digests")]
    MissingSiblings,
    /// A multi-opening holds digests the verifier did not need.
    #[error("the opening holds {extra} sibling digests too many")]
    ExtraSiblings { extra: usize },
    /// The recomputed root differs from the commitment.
    #[error("the opening does not hash to the committed root")]
    RootMismatch,
}
