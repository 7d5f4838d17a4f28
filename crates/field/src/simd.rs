//! SIMD levels: which vector instruction set a CPU code path uses, chosen at run time.

use core::fmt;
use core::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The vector instruction set a CPU code path runs with: how many BabyBear elements one
/// instruction processes.
///
/// Every level computes the same values; they differ only in speed. [`SimdLevel::detect`]
/// picks the widest level the running CPU supports, whatever flags the crate was built
/// with; [`SimdLevel::current`] is the level kiln uses (the widest, or the one named by
/// the environment variable `KILN_SIMD`). Levels are ordered narrowest first. Their names
/// ([`fmt::Display`], [`FromStr`]) are `scalar`, `neon`, `avx2` and `avx512`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SimdLevel {
    /// One element at a time, portable.
    Scalar,
    /// 4 elements per NEON register (aarch64, `neon`).
    Neon,
    /// 8 elements per AVX2 register (x86_64: `avx2`, with the BMI1/2, FMA, LZCNT and
    /// POPCNT every AVX2 CPU has).
    Avx2,
    /// 16 elements per AVX-512 register (x86_64: `avx512f` and `avx512bw`, every AVX-512
    /// CPU but the Xeon Phi, with the features of [`SimdLevel::Avx2`]).
    Avx512,
}

impl SimdLevel {
    /// Every level, narrowest first.
    pub const ALL: [SimdLevel; 4] = [Self::Scalar, Self::Neon, Self::Avx2, Self::Avx512];

    /// The environment variable that overrides the detected level: `scalar`, `neon`,
    /// `avx2` or `avx512`.
    pub const ENV: &'static str = "KILN_SIMD";

    /// The widest level this CPU supports.
    pub fn detect() -> Self {
        Self::ALL
            .into_iter()
            .rev()
            .find(|level| level.is_available())
            .unwrap_or(Self::Scalar)
    }

    /// The level named by `KILN_SIMD`, checked available; `Ok(None)` when the variable is
    /// unset or empty.
    pub fn from_env() -> Result<Option<Self>, SimdLevelError> {
        match std::env::var(Self::ENV) {
            Ok(name) if !name.trim().is_empty() => {
                Some(name.trim().parse::<Self>()?.check()).transpose()
            }
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(SimdLevelError::UnknownName {
                name: "(not UTF-8)".into(),
            }),
        }
    }

    /// The level kiln's CPU code runs at, fixed for the process on first use: the one
    /// `KILN_SIMD` names, else [`SimdLevel::detect`]. A `KILN_SIMD` that names no level, or
    /// one this CPU lacks, is reported once on standard error and ignored (programs that
    /// want it to be an error check [`SimdLevel::from_env`] first, as the `kiln` CLI does).
    pub fn current() -> Self {
        static CURRENT: OnceLock<SimdLevel> = OnceLock::new();
        *CURRENT.get_or_init(|| match Self::from_env() {
            Ok(Some(level)) => level,
            Ok(None) => Self::detect(),
            Err(e) => {
                let level = Self::detect();
                eprintln!("kiln: ignoring {}: {e}; using {level}", Self::ENV);
                level
            }
        })
    }

    /// Every level this CPU supports, narrowest first.
    pub fn available() -> impl Iterator<Item = Self> {
        Self::ALL.into_iter().filter(|level| level.is_available())
    }

    /// The CPU features (names as in `#[target_feature(enable = "…")]`) the level needs;
    /// code compiled for the level enables exactly these.
    pub const fn target_features(self) -> &'static [&'static str] {
        match self {
            Self::Scalar => &[],
            Self::Neon => &["neon"],
            // The x86-64-v3 scalar extensions ride along: every AVX2 CPU has them.
            Self::Avx2 => &["avx2", "bmi1", "bmi2", "fma", "lzcnt", "popcnt"],
            Self::Avx512 => &[
                "avx512f", "avx512bw", "avx2", "bmi1", "bmi2", "fma", "lzcnt", "popcnt",
            ],
        }
    }

    /// Whether this CPU has every feature of [`SimdLevel::target_features`] (detected at
    /// run time, cached by `std`).
    pub fn is_available(self) -> bool {
        self.target_features()
            .iter()
            .all(|&feature| feature_detected(feature))
    }

    /// `Ok(self)` if available, else [`SimdLevelError::Unavailable`].
    pub fn check(self) -> Result<Self, SimdLevelError> {
        if self.is_available() {
            Ok(self)
        } else {
            Err(SimdLevelError::Unavailable { level: self })
        }
    }

    /// BabyBear elements (32-bit lanes) per vector: 1, 4, 8 or 16.
    pub const fn lanes(self) -> usize {
        match self {
            Self::Scalar => 1,
            Self::Neon => 4,
            Self::Avx2 => 8,
            Self::Avx512 => 16,
        }
    }

    /// The level's name: `scalar`, `neon`, `avx2` or `avx512`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Scalar => "scalar",
            Self::Neon => "neon",
            Self::Avx2 => "avx2",
            Self::Avx512 => "avx512",
        }
    }
}

/// Whether the running CPU has `feature`, one of the names in
/// [`SimdLevel::target_features`] (the detection macro takes only literals).
fn feature_detected(feature: &str) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        match feature {
            "avx2" => std::arch::is_x86_feature_detected!("avx2"),
            "bmi1" => std::arch::is_x86_feature_detected!("bmi1"),
            "bmi2" => std::arch::is_x86_feature_detected!("bmi2"),
            "fma" => std::arch::is_x86_feature_detected!("fma"),
            "lzcnt" => std::arch::is_x86_feature_detected!("lzcnt"),
            "popcnt" => std::arch::is_x86_feature_detected!("popcnt"),
            "avx512f" => std::arch::is_x86_feature_detected!("avx512f"),
            "avx512bw" => std::arch::is_x86_feature_detected!("avx512bw"),
            _ => false,
        }
    }
    #[cfg(target_arch = "aarch64")]
    {
        match feature {
            "neon" => std::arch::is_aarch64_feature_detected!("neon"),
            _ => false,
        }
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        let _ = feature;
        false
    }
}

impl Default for SimdLevel {
    /// [`SimdLevel::current`].
    fn default() -> Self {
        Self::current()
    }
}

impl fmt::Display for SimdLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SimdLevel {
    type Err = SimdLevelError;

    /// The level named `s` (see [`SimdLevel::name`]); availability is not checked.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|level| level.name() == s)
            .ok_or_else(|| SimdLevelError::UnknownName { name: s.to_owned() })
    }
}

/// A SIMD level could not be used.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum SimdLevelError {
    /// The CPU lacks a feature `level` needs.
    #[error("the {level} SIMD level is not available on this CPU")]
    Unavailable { level: SimdLevel },
    /// No level has this name.
    #[error("unknown SIMD level {name:?}: expected scalar, neon, avx2 or avx512")]
    UnknownName { name: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for level in SimdLevel::ALL {
            assert_eq!(level.to_string().parse::<SimdLevel>(), Ok(level));
        }
        assert_eq!(
            "AVX2".parse::<SimdLevel>(),
            Err(SimdLevelError::UnknownName {
                name: "AVX2".into()
            })
        );
    }

    #[test]
    fn detection_is_consistent() {
        assert!(SimdLevel::Scalar.is_available());
        let detected = SimdLevel::detect();
        assert!(detected.is_available());
        assert!(
            SimdLevel::ALL
                .iter()
                .all(|l| *l <= detected || !l.is_available())
        );
        for level in SimdLevel::ALL {
            assert_eq!(level.check().is_ok(), level.is_available());
        }
        assert!(SimdLevel::ALL.is_sorted());
    }
}
