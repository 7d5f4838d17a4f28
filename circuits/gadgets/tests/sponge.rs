//! The sponge gadget against `kiln_hash::PaddingFreeSponge` (and the native length-binding
//! variant): messages of lengths around the rate, read from the memory, prove with their
//! native digests; a wrong digest is refused; the padding-free collision [x] / [x, 0] is
//! shown, and the length-binding variant separates it.

use kiln_air::{Air, AirBuilder, BaseAir};
use kiln_field::{BabyBear, ColMajorMatrix};
use kiln_gadgets::{
    MEMORY_BUS, MemoryRequests, MemoryTable, Poseidon2Requests, Poseidon2Table, SPONGE_BUS,
    SpongeRequest, SpongeTable, sponge_hash, sponge_trace, table_set,
};
use kiln_hash::{Digest, PaddingFreeSponge, Poseidon2W16};
use kiln_stark::{StarkConfig, prove_tables, prove_tables_unchecked_with, verify_tables};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// Writes: is_real, addr, value (sends (addr, value) to the memory).
#[derive(Clone, Copy, Debug)]
struct Writes;
impl BaseAir for Writes {
    fn width(&self) -> usize {
        3
    }
}
impl<AB: AirBuilder> Air<AB> for Writes {
    fn eval(&self, b: &mut AB) {
        let l = b.main().local.to_vec();
        b.assert_bool(l[0]);
        b.send(MEMORY_BUS, &[l[1].into(), l[2].into()], l[0]);
    }
}

/// Hash requests: is_real, bind, base, len, digest[8].
#[derive(Clone, Copy, Debug)]
struct Requests;
impl BaseAir for Requests {
    fn width(&self) -> usize {
        12
    }
}
impl<AB: AirBuilder> Air<AB> for Requests {
    fn eval(&self, b: &mut AB) {
        let l = b.main().local.to_vec();
        b.assert_bool(l[0]);
        let values: Vec<AB::Expr> = l[1..12].iter().map(|&v| v.into()).collect();
        b.send(SPONGE_BUS, &values, l[0]);
    }
}

table_set! {
    #[derive(Clone, Copy, Debug)]
    enum Tables {
        Memory(MemoryTable),
        Writes(Writes),
        Sponge(SpongeTable),
        Hash(Poseidon2Table),
        Requests(Requests),
    }
}

const CONFIG: StarkConfig = StarkConfig {
    num_queries: 8,
    ..StarkConfig::TEST
};
const LOG_MEM: usize = 8;
const TABLES: [Tables; 5] = [
    Tables::Memory(MemoryTable { log_size: LOG_MEM }),
    Tables::Writes(Writes),
    Tables::Sponge(SpongeTable),
    Tables::Hash(Poseidon2Table),
    Tables::Requests(Requests),
];
const NO_PUBLICS: [&[BabyBear]; 5] = [&[], &[], &[], &[], &[]];

fn matrix(rows: &[Vec<BabyBear>], width: usize) -> ColMajorMatrix {
    let n = rows.len().max(1).next_power_of_two();
    let mut data = vec![BabyBear::new(0); width * n];
    for (r, row) in rows.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            data[c * n + r] = v;
        }
    }
    ColMajorMatrix::new(data, width, n).unwrap()
}

/// The witness for `messages` stored one after another in memory, each hashed in both
/// modes; `claim` may change the claimed digests.
fn witness(
    messages: &[Vec<BabyBear>],
    claim: impl Fn(usize, Digest) -> Digest,
) -> (Vec<ColMajorMatrix>, Vec<Digest>) {
    let mut memory = MemoryRequests::new(LOG_MEM);
    let mut writes = Vec::new();
    let mut requests = Vec::new();
    let mut base = 0u32;
    for m in messages {
        for (i, &v) in m.iter().enumerate() {
            memory.write(base + i as u32, v).unwrap();
            writes.push(vec![BabyBear::new(1), BabyBear::new(base + i as u32), v]);
        }
        for bind_length in [false, true] {
            requests.push(SpongeRequest {
                base,
                len: m.len() as u32,
                bind_length,
            });
        }
        base += m.len() as u32;
    }
    let mut hashes = Poseidon2Requests::new();
    let (sponge, digests) = sponge_trace(&requests, &mut memory, &mut hashes).unwrap();
    let req_rows: Vec<Vec<BabyBear>> = requests
        .iter()
        .zip(&digests)
        .enumerate()
        .map(|(i, (r, d))| {
            let mut row = vec![
                BabyBear::new(1),
                BabyBear::new(u32::from(r.bind_length)),
                BabyBear::new(r.base),
                BabyBear::new(r.len),
            ];
            row.extend(claim(i, *d));
            row
        })
        .collect();
    (
        vec![
            memory.trace(),
            matrix(&writes, 3),
            sponge,
            hashes.trace(),
            matrix(&req_rows, 12),
        ],
        digests,
    )
}

fn messages(seed: u64) -> Vec<Vec<BabyBear>> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    [1usize, 7, 8, 9, 16, 17]
        .iter()
        .map(|&len| {
            (0..len)
                .map(|_| BabyBear::new(rng.random_range(0..BabyBear::ORDER)))
                .collect()
        })
        .collect()
}

#[test]
fn digests_equal_the_native_sponge_and_prove() {
    let msgs = messages(1);
    let (traces, digests) = witness(&msgs, |_, d| d);
    let native = PaddingFreeSponge::new(Poseidon2W16::new());
    for (i, m) in msgs.iter().enumerate() {
        assert_eq!(
            digests[2 * i],
            native.hash_slice(m),
            "plain, length {}",
            m.len()
        );
        assert_eq!(digests[2 * i], sponge_hash(m, false));
        assert_eq!(digests[2 * i + 1], sponge_hash(m, true));
    }
    let proof = prove_tables(&CONFIG, &TABLES, &traces, &NO_PUBLICS).unwrap();
    verify_tables(&CONFIG, &TABLES, &proof, &NO_PUBLICS).unwrap();
}

#[test]
fn a_wrong_digest_is_refused() {
    let msgs = messages(2);
    let (traces, _) = witness(&msgs, |i, mut d| {
        if i == 5 {
            d[3] += BabyBear::new(1);
        }
        d
    });
    assert!(prove_tables(&CONFIG, &TABLES, &traces, &NO_PUBLICS).is_err());
    let proof = prove_tables_unchecked_with(
        &kiln::CpuBackend::new(),
        &CONFIG,
        &TABLES,
        &traces,
        &NO_PUBLICS,
    )
    .unwrap();
    assert!(verify_tables(&CONFIG, &TABLES, &proof, &NO_PUBLICS).is_err());
}

#[test]
fn the_length_binding_variant_separates_padding_collisions() {
    let x = BabyBear::new(42);
    let (one, two) = (vec![x], vec![x, BabyBear::new(0)]);
    assert_eq!(sponge_hash(&one, false), sponge_hash(&two, false));
    assert_ne!(sponge_hash(&one, true), sponge_hash(&two, true));
}
