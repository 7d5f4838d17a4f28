use thiserror::Error;

/// Errors of the kernel library. Nothing here is a bug in the caller's program: each is a
/// condition to report (no GPU, too large, bad argument) and leaves inputs untouched.
#[derive(Debug, Error)]
pub enum Error {
    /// The CUDA backend cannot run on this machine.
    #[error("no GPU available: {reason}")]
    NoGpu { reason: String },

    /// This build of kiln has no CUDA kernels (nvcc was not found when it was compiled).
    #[error(
        "kiln was built without CUDA kernels: no nvcc was found at build time \
         (run scripts/install-nvcc and rebuild, or set NVCC/CUDA_HOME)"
    )]
    CudaNotCompiled,

    /// A CUDA driver call failed.
    #[error("CUDA driver error in {op}: {message}")]
    Driver { op: &'static str, message: String },

    /// A kernel launcher reported an error (CUDA runtime code, or kiln's own check).
    #[error("{op}: {message} (code {code})")]
    Kernel {
        op: &'static str,
        code: i32,
        message: String,
    },

    /// The device has too little free memory for the operation.
    #[error(
        "{op} needs {needed_bytes} bytes of device memory but only {free_bytes} of \
         {total_bytes} are free"
    )]
    OutOfDeviceMemory {
        op: &'static str,
        needed_bytes: u64,
        free_bytes: u64,
        total_bytes: u64,
    },

    /// A size is larger than the operation supports.
    #[error("{what} = 2^{log_size} exceeds the maximum 2^{max_log_size}")]
    TooLarge {
        what: &'static str,
        log_size: u32,
        max_log_size: u32,
    },

    /// A buffer has the wrong length for the shape it was given with.
    #[error("{what}: expected {expected} elements, got {got}")]
    LengthMismatch {
        what: &'static str,
        expected: usize,
        got: usize,
    },

    /// An argument is out of its range.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

pub type Result<T, E = Error> = core::result::Result<T, E>;
