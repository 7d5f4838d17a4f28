//! Which instruction set the CPU paths use.

use crate::error::BackendError;

/// The CPU code path for batched hashing: how many states are permuted at once.
///
/// All backends compute the same bytes; they differ only in speed. [`CpuBackend::detect`]
/// picks the widest one the running CPU supports, whatever flags the crate was built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CpuBackend {
    /// One state at a time, portable.
    Scalar,
    /// 8 states at once in AVX2 registers (x86_64).
    Avx2,
    /// 16 states at once in AVX-512 registers (x86_64, `avx512f` and `avx512bw`: every
    /// AVX-512 CPU but the Xeon Phi).
    Avx512,
}

impl CpuBackend {
    /// Every backend, narrowest first.
    pub const ALL: [CpuBackend; 3] = [Self::Scalar, Self::Avx2, Self::Avx512];

    /// The widest backend this CPU supports.
    pub fn detect() -> Self {
        if Self::Avx512.is_available() {
            Self::Avx512
        } else if Self::Avx2.is_available() {
            Self::Avx2
        } else {
            Self::Scalar
        }
    }

    /// Whether this CPU can run the backend (detected at run time, cached by `std`).
    pub fn is_available(self) -> bool {
        match self {
            Self::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Self::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Self::Avx512 => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512bw")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// `Ok(self)` if available, else [`BackendError::Unavailable`].
    pub fn check(self) -> Result<Self, BackendError> {
        if self.is_available() {
            Ok(self)
        } else {
            Err(BackendError::Unavailable { backend: self })
        }
    }

    /// States permuted at once.
    pub const fn lanes(self) -> usize {
        match self {
            Self::Scalar => 1,
            Self::Avx2 => 8,
            Self::Avx512 => 16,
        }
    }
}

impl Default for CpuBackend {
    fn default() -> Self {
        Self::detect()
    }
}
