//! Column-major matrices: the layout kiln's NTT/LDE produces on CPU and GPU. The types
//! live in `kiln-field` (shared by the AIR, the STARK and the hash); re-exported here.

pub use kiln_field::matrix::{AsColMajor, ColMajor, ColMajorMatrix, Dimensions, MatrixError};
