//! The CUDA header `kernels/hash/poseidon2_constants.cuh`, generated from
//! [`crate::constants`] so that Rust and CUDA share one source of constants.

use core::fmt::Write;

use kiln_field::{BabyBear, P};

use crate::constants::{
    DiagEntry, HALF_FULL_ROUNDS, POSEIDON2_W16, POSEIDON2_W24, Poseidon2Constants,
};

/// Where the header lives, relative to the workspace root.
pub const CUDA_HEADER_PATH: &str = "kernels/hash/poseidon2_constants.cuh";

fn words(out: &mut String, indent: &str, xs: &[BabyBear]) {
    for chunk in xs.chunks(6) {
        out.push_str(indent);
        let line: Vec<String> = chunk
            .iter()
            .map(|x| format!("0x{:08x}u,", x.to_monty()))
            .collect();
        out.push_str(&line.join(" "));
        out.push('\n');
    }
}

fn diag_text(diag: &[DiagEntry]) -> String {
    let entries: Vec<String> = diag
        .iter()
        .map(|d| match d.log_denominator {
            0 => d.numerator.to_string(),
            k => format!("{}/2^{k}", d.numerator),
        })
        .collect();
    entries.join(", ")
}

fn width_section<const W: usize, const R: usize>(out: &mut String, c: &Poseidon2Constants<W, R>) {
    let p = format!("W{W}_");
    writeln!(out, "// ---- width {W}: {R} partial rounds ----").unwrap();
    writeln!(out, "constexpr int {p}WIDTH = {W};").unwrap();
    writeln!(out, "constexpr int {p}PARTIAL_ROUNDS = {R};").unwrap();
    writeln!(out).unwrap();
    for (name, rounds) in [("RC_INITIAL", &c.initial), ("RC_TERMINAL", &c.terminal)] {
        writeln!(
            out,
            "KILN_POSEIDON2_STORAGE uint32_t {p}{name}[HALF_FULL_ROUNDS][{W}] = {{"
        )
        .unwrap();
        for round in rounds {
            out.push_str("    {\n");
            words(out, "        ", round);
            out.push_str("    },\n");
        }
        out.push_str("};\n\n");
    }
    writeln!(
        out,
        "KILN_POSEIDON2_STORAGE uint32_t {p}RC_INTERNAL[{R}] = {{"
    )
    .unwrap();
    words(out, "    ", &c.internal);
    out.push_str("};\n\n");
    writeln!(out, "// V = [{}]", diag_text(&c.internal_diag)).unwrap();
    writeln!(
        out,
        "KILN_POSEIDON2_STORAGE uint32_t {p}INTERNAL_DIAG[{W}] = {{"
    )
    .unwrap();
    words(out, "    ", &c.internal_diag_values());
    out.push_str("};\n\n");
    // The same entries in structured form, as compile-time constants: kernels multiply by
    // them with additions and shifts.
    let ints = |f: &dyn Fn(&DiagEntry) -> i64| -> String {
        let v: Vec<String> = c.internal_diag.iter().map(|d| f(d).to_string()).collect();
        v.join(", ")
    };
    writeln!(
        out,
        "// V[i] = {p}DIAG_NUMERATOR[i] / 2^{p}DIAG_LOG_DENOMINATOR[i]."
    )
    .unwrap();
    writeln!(
        out,
        "constexpr int {p}DIAG_NUMERATOR[{W}] = {{{}}};",
        ints(&|d| d.numerator as i64)
    )
    .unwrap();
    writeln!(
        out,
        "constexpr int {p}DIAG_LOG_DENOMINATOR[{W}] = {{{}}};",
        ints(&|d| d.log_denominator as i64)
    )
    .unwrap();
    out.push('\n');
}

/// The text of `kernels/hash/poseidon2_constants.cuh`.
pub fn cuda_constants_header() -> String {
    let mut out = String::new();
    out.push_str(
        "\
// Poseidon2 over BabyBear (Plonky3 0.8's default_babybear_poseidon2_16/24): round
// constants and internal diagonals as Montgomery words (x·2^32 mod p), the bytes of a
// kiln/Plonky3 BabyBear.
//
// GENERATED from crates/hash/src/constants.rs by crates/hash/src/cuda_header.rs. Do not edit.
// `cargo test -p kiln-hash` fails while this file is stale;
// `KILN_BLESS=1 cargo test -p kiln-hash --test cuda_header` rewrites it.
//
// The permutation on a state s of width W (S-box x^7):
//
//   s = M_E s
//   for r in 0..HALF_FULL_ROUNDS:  s[i] = (s[i] + RC_INITIAL[r][i])^7 for all i;  s = M_E s
//   for r in 0..PARTIAL_ROUNDS:    s[0] = (s[0] + RC_INTERNAL[r])^7;               s = M_I s
//   for r in 0..HALF_FULL_ROUNDS:  s[i] = (s[i] + RC_TERMINAL[r][i])^7 for all i; s = M_E s
//
// M_E: apply M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]] to each block s[4j..4j+4],
//      then s[i] += t[i % 4] where t[k] = sum over blocks j of s[4j + k].
// M_I: sum = s[0] + ... + s[W-1];  s[i] = INTERNAL_DIAG[i] * s[i] + sum for all i.
//      Every diagonal entry is a small integer times a power of 1/2 (listed as V below),
//      so INTERNAL_DIAG[i] * s[i] can be computed with additions and shifts.
//
// Sponge (hashing rows): width 16, rate 8, overwrite mode, no padding; digest = s[0..8].
// Compression of two digests: s = (left || right); permute; digest = s[0..8].
//
// Generated layout is kept as written: clang-format must not reflow it.
// clang-format off
#pragma once

#include <cstdint>

// One copy per translation unit, in constant memory on the device.
#ifdef KILN_EMULATE
#define KILN_POSEIDON2_STORAGE static const
#else
#define KILN_POSEIDON2_STORAGE static __constant__
#endif

namespace kiln {
namespace poseidon2 {

",
    );
    writeln!(out, "constexpr uint32_t BABYBEAR_P = 0x{P:08x}u;").unwrap();
    writeln!(out, "constexpr int HALF_FULL_ROUNDS = {HALF_FULL_ROUNDS};").unwrap();
    writeln!(out, "constexpr int SBOX_DEGREE = 7;").unwrap();
    writeln!(out, "constexpr int RATE = 8;").unwrap();
    writeln!(out, "constexpr int DIGEST_ELEMS = 8;").unwrap();
    writeln!(out).unwrap();
    width_section(&mut out, &POSEIDON2_W16);
    width_section(&mut out, &POSEIDON2_W24);
    out.push_str("}  // namespace poseidon2\n}  // namespace kiln\n");
    out
}
