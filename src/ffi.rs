//! The C ABI of the kernel library (`kernels/include/kiln.h`), twice: the CUDA build
//! (`kiln_*`, when nvcc was found) and the host emulator build (`kiln_emu_*`, always).
//! Both are gathered into a [`KernelTable`] so backends share one launcher path.

use core::ffi::{CStr, c_char, c_void};

use crate::{Error, Result};

/// `kiln_status`: code 0 is success, `message` a static C string.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct KilnStatus {
    pub code: i32,
    pub message: *const c_char,
}

impl KilnStatus {
    pub(crate) fn into_result(self, op: &'static str) -> Result<()> {
        if self.code == 0 {
            return Ok(());
        }
        let message = if self.message.is_null() {
            "unknown error".to_string()
        } else {
            // SAFETY: the kernel library only returns pointers to static NUL-terminated
            // strings (string literals or cudaGetErrorString).
            unsafe { CStr::from_ptr(self.message) }
                .to_string_lossy()
                .into_owned()
        };
        Err(Error::Kernel {
            op,
            code: self.code,
            message,
        })
    }
}

macro_rules! kernel_api {
    ($( fn $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $ret:ty; )*) => {
        /// Entry points of one build of the kernel library.
        #[derive(Debug)]
        pub(crate) struct KernelTable {
            $( pub $name: unsafe extern "C" fn($($ty),*) -> $ret, )*
        }

        #[cfg(kiln_cuda)]
        mod cuda_sys {
            #[allow(unused_imports)]
            use super::*;
            unsafe extern "C" {
                $( #[link_name = concat!("kiln_", stringify!($name))]
                   pub fn $name($($arg: $ty),*) -> $ret; )*
            }
        }

        mod emu_sys {
            #[allow(unused_imports)]
            use super::*;
            unsafe extern "C" {
                $( #[link_name = concat!("kiln_emu_", stringify!($name))]
                   pub fn $name($($arg: $ty),*) -> $ret; )*
            }
        }

        /// Every entry point as (name, parameter types, return type), as declared here: the
        /// test below checks them against `kernels/include/kiln.h`.
        #[cfg(test)]
        const DECLARATIONS: &[(&str, &[&str], &str)] = &[
            $( (stringify!($name), &[$(stringify!($ty)),*], stringify!($ret)), )*
        ];

        #[cfg(kiln_cuda)]
        pub(crate) static CUDA: KernelTable = KernelTable { $( $name: cuda_sys::$name, )* };
        pub(crate) static EMU: KernelTable = KernelTable { $( $name: emu_sys::$name, )* };
    };
}

kernel_api! {
    fn ntt_twiddles_len() -> u32;
    fn ntt_batch(
        data: *mut u32, log_n: u32, batch: u32, inverse: u32, input_bitrev: u32,
        output_bitrev: u32, twiddles: *const u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn coset_lde_batch(
        input: *const u32, output: *mut u32, log_n: u32, batch: u32, log_blowup: u32,
        shift: u32, output_bitrev: u32, twiddles: *const u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn bit_reverse_batch(data: *mut u32, log_n: u32, batch: u32, stream: *mut c_void) -> KilnStatus;
    fn quotient_domain_columns(
        lde: *const u32, lde_height: u64, log_m: u32, width: u32, out: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn quotient_eval(
        program: *const u32, instructions: u32, registers: u32, main: *const u32, main_width: u32,
        pre: *const u32, preprocessed_width: u32, publics: *const u32, alpha_powers: *const u32,
        inv_z: *const u32, log_n: u32, log_chunks: u32, shift: u32, twiddles: *const u32,
        out: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn columns_dot(
        cols: *const u32, height: u64, width: u32, weights: *const u32, out: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn reduced_openings(
        matrices: *const *const u32, widths: *const u32, at_next: *const u32, groups: u32,
        powers: *const u32, log_big: u32, shift: u32, zeta4: *const u32, b4: *const u32,
        twiddles: *const u32, out: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn fri_fold(
        layer: *const u32, log_size: u32, log_arity: u32, shift_inv: u32, beta4: *const u32,
        twiddles: *const u32, out: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn fri_layer_matrix(layer: *const u32, log_size: u32, log_arity: u32, out: *mut u32, stream: *mut c_void) -> KilnStatus;
    fn ext_add_scaled(acc: *mut u32, coeff4: *const u32, x: *const u32, n: u64, stream: *mut c_void) -> KilnStatus;


    // Pairing curves: G1 MSM, scalar-field NTT, arithmetic test entry points.
    fn msm_window_bits(curve: u32, n: u64) -> u32;
    fn msm_scratch_bytes(curve: u32, n: u64, window_bits: u32, bytes: *mut u64) -> KilnStatus;
    fn msm(
        curve: u32, bases: *const u64, scalars: *const u64, n: u64, scalars_montgomery: u32,
        window_bits: u32, result: *mut u64, stream: *mut c_void,
    ) -> KilnStatus;
    fn fr_ntt(
        curve: u32, data: *mut u64, log_n: u32, inverse: u32, twiddles: *const u64,
        stream: *mut c_void,
    ) -> KilnStatus;
    fn fr_powers(
        curve: u32, out: *mut u64, count: u64, lo: *const u64, hi: *const u64, log_lo: u32,
        stream: *mut c_void,
    ) -> KilnStatus;
    fn fr_scale_powers(
        curve: u32, data: *mut u64, count: u64, lo: *const u64, hi: *const u64, log_lo: u32,
        stream: *mut c_void,
    ) -> KilnStatus;
    fn ff_constants(field: u32, out: *mut u64) -> KilnStatus;
    fn ff_test(
        field: u32, op: u32, a: *const u64, b: *const u64, out: *mut u64, n: u64,
        stream: *mut c_void,
    ) -> KilnStatus;
    fn ec_test(
        curve: u32, op: u32, a: *const u64, b: *const u64, out: *mut u64, n: u64,
        stream: *mut c_void,
    ) -> KilnStatus;

    // Poseidon2 and Merkle commitments.
    fn poseidon2_permute(states: *mut u32, count: u64, width: u32, stream: *mut c_void) -> KilnStatus;
    fn merkle_commit(
        matrices: *const KilnMatrix, count: u32, layers: *const *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
    fn merkle_open(
        matrices: *const KilnMatrix, count: u32, layers: *const *const u32, indices: *const u32,
        queries: u32, out: *mut u32, stream: *mut c_void,
    ) -> KilnStatus;
}

/// `kiln_matrix`: a column-major matrix in device memory (`width` columns of
/// `2^log_height` words). Arrays of it are host arrays.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct KilnMatrix {
    pub data: *const u32,
    pub width: u32,
    pub log_height: u32,
}

#[cfg(test)]
mod tests {
    //! The C header is the ABI's declaration for other languages; the table above is
    //! Rust's. These tests fail when the two disagree on a function, a parameter type,
    //! a struct field or a shared constant.

    use super::DECLARATIONS;

    const HEADER: &str = include_str!("../kernels/include/kiln.h");

    /// The header without comments and preprocessor lines, whitespace collapsed.
    fn code() -> String {
        let mut out = String::new();
        let mut rest = HEADER;
        while let Some(start) = rest.find("/*") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("*/").expect("unterminated comment");
            rest = &rest[start + end + 2..];
        }
        out.push_str(rest);
        out.lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .filter(|l| !l.trim_start().starts_with('#'))
            .flat_map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A C type as the Rust declaration spells it (`const T* const*` is `*const *const T`).
    fn rust_type(c: &str) -> String {
        let spaced = c.replace('*', " * ");
        let toks: Vec<&str> = spaced.split_whitespace().collect();
        let base = match *toks
            .iter()
            .find(|t| **t != "const" && **t != "*")
            .expect("a base type")
        {
            "uint32_t" => "u32",
            "uint64_t" => "u64",
            "int32_t" => "i32",
            "char" => "c_char",
            "void" => "c_void",
            "kiln_status" => "KilnStatus",
            "kiln_matrix" => "KilnMatrix",
            other => panic!("unknown C type {other} in kiln.h"),
        };
        let base_const = toks
            .iter()
            .take_while(|t| **t != "*")
            .any(|t| *t == "const");
        // Whether each pointer, innermost first, is itself const (followed by `const`).
        let const_ptr: Vec<bool> = toks
            .iter()
            .enumerate()
            .filter(|(_, t)| **t == "*")
            .map(|(k, _)| toks.get(k + 1) == Some(&"const"))
            .collect();
        // Each pointer is `*const` when what it points to is const; Rust writes the
        // outermost first.
        let mut out: Vec<&str> = (0..const_ptr.len())
            .map(|k| {
                let pointee_const = if k == 0 { base_const } else { const_ptr[k - 1] };
                if pointee_const { "*const" } else { "*mut" }
            })
            .collect();
        out.reverse();
        out.push(base);
        out.join(" ")
    }

    fn normalize(rust: &str) -> String {
        rust.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// (name without the `kiln_` prefix, parameter types, return type) of every function.
    fn header_functions() -> Vec<(String, Vec<String>, String)> {
        let code = code();
        let mut out = Vec::new();
        for stmt in code.split(';') {
            let stmt = stmt.trim();
            let Some(open) = stmt.find('(') else { continue };
            if stmt.contains('{') || stmt.contains('}') {
                continue;
            }
            let head: Vec<&str> = stmt[..open].split_whitespace().collect();
            let Some((name, ret)) = head.split_last() else {
                continue;
            };
            let Some(name) = name.strip_prefix("kiln_") else {
                continue;
            };
            let close = stmt.rfind(')').expect("closing parenthesis");
            let params: Vec<String> = stmt[open + 1..close]
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty() && *p != "void")
                .map(|p| {
                    // Drop the parameter name (the last word), keep the type.
                    let spaced = p.replace('*', " * ");
                    let mut words: Vec<&str> = spaced.split_whitespace().collect();
                    words.pop();
                    rust_type(&words.join(" "))
                })
                .collect();
            out.push((name.to_string(), params, rust_type(&ret.join(" "))));
        }
        out
    }

    #[test]
    fn rust_declarations_match_kiln_h() {
        let header = header_functions();
        assert!(header.len() > 10, "parsed too few functions from kiln.h");
        for (name, params, ret) in &header {
            let Some((_, rust_params, rust_ret)) = DECLARATIONS.iter().find(|d| d.0 == name) else {
                panic!("kiln.h declares kiln_{name}, which src/ffi.rs does not");
            };
            let rust_params: Vec<String> = rust_params.iter().map(|t| normalize(t)).collect();
            assert_eq!(&rust_params, params, "parameters of kiln_{name}");
            assert_eq!(&normalize(rust_ret), ret, "return type of kiln_{name}");
        }
        for (name, _, _) in DECLARATIONS {
            assert!(
                header.iter().any(|h| h.0 == *name),
                "src/ffi.rs declares kiln_{name}, which kiln.h does not"
            );
        }
    }

    /// The fields of `typedef struct NAME { ... } NAME;` as (C type, field name).
    fn struct_fields(name: &str) -> Vec<(String, String)> {
        let code = code();
        let start = code
            .find(&format!("typedef struct {name} {{"))
            .unwrap_or_else(|| panic!("kiln.h has no struct {name}"));
        let body = &code[start..];
        let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
        body.split(';')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(|f| {
                let spaced = f.replace('*', " * ");
                let mut words: Vec<&str> = spaced.split_whitespace().collect();
                let field = words.pop().unwrap().to_string();
                (rust_type(&words.join(" ")), field)
            })
            .collect()
    }

    #[test]
    fn rust_structs_match_kiln_h() {
        assert_eq!(
            struct_fields("kiln_status"),
            [("i32", "code"), ("*const c_char", "message")].map(|(t, f)| (t.into(), f.into()))
        );
        assert_eq!(
            struct_fields("kiln_matrix"),
            [
                ("*const u32", "data"),
                ("u32", "width"),
                ("u32", "log_height")
            ]
            .map(|(t, f)| (t.into(), f.into()))
        );
        assert_eq!(size_of::<super::KilnStatus>(), 16);
        assert_eq!(size_of::<super::KilnMatrix>(), 16);
    }

    /// The value of `#define NAME value` in kiln.h.
    fn define(name: &str) -> u64 {
        HEADER
            .lines()
            .filter_map(|l| l.trim().strip_prefix("#define "))
            .find_map(|l| {
                let mut w = l.split_whitespace();
                (w.next() == Some(name)).then(|| w.next().unwrap().parse().unwrap())
            })
            .unwrap_or_else(|| panic!("kiln.h does not define {name}"))
    }

    #[test]
    fn shared_constants_match_kiln_h() {
        use crate::msm::testing::*;
        assert_eq!(
            define("KILN_MERKLE_MAX_LOG_HEIGHT"),
            crate::merkle::MAX_LOG_HEIGHT as u64
        );
        assert_eq!(
            define("KILN_BABYBEAR_TWO_ADICITY"),
            <kiln_field::BabyBear as kiln_field::TwoAdicField>::TWO_ADICITY as u64
        );
        assert_eq!(
            define("KILN_FRI_MAX_LOG_ARITY"),
            u64::from(crate::stark::MAX_LOG_ARITY)
        );
        assert_eq!(
            define("KILN_CURVE_BN254"),
            u64::from(<crate::msm::Bn254 as crate::MsmCurve>::CURVE_ID)
        );
        assert_eq!(
            define("KILN_CURVE_BLS12_381"),
            u64::from(<crate::msm::Bls12_381 as crate::MsmCurve>::CURVE_ID)
        );
        for (name, value) in [
            ("KILN_FIELD_BN254_FQ", BN254_FQ),
            ("KILN_FIELD_BN254_FR", BN254_FR),
            ("KILN_FIELD_BLS12_381_FQ", BLS12_381_FQ),
            ("KILN_FIELD_BLS12_381_FR", BLS12_381_FR),
            ("KILN_FF_ADD", FF_ADD),
            ("KILN_FF_SUB", FF_SUB),
            ("KILN_FF_MUL", FF_MUL),
            ("KILN_FF_NEG", FF_NEG),
            ("KILN_FF_SQR", FF_SQR),
            ("KILN_FF_TO_STANDARD", FF_TO_STANDARD),
            ("KILN_FF_FROM_STANDARD", FF_FROM_STANDARD),
            ("KILN_EC_ADD", EC_ADD),
            ("KILN_EC_ADD_AFFINE", EC_ADD_AFFINE),
            ("KILN_EC_DBL", EC_DBL),
        ] {
            assert_eq!(define(name), u64::from(value), "{name}");
        }
    }
}
