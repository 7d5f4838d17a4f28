//! The sponge of variable-length messages: `kiln_hash::PaddingFreeSponge`'s bytes (rate 8,
//! overwrite mode, digest = the first 8 state elements), one absorbed chunk per row, the
//! message read from the write-once memory, and a length-binding variant.
//!
//! The padding-free sponge lets messages of different lengths collide ([x] and [x, 0]
//! overwrite the state alike). The length-binding variant starts from a state whose last
//! capacity element is the length, so two lengths never share a first state.

use kiln_air::{Air, AirBuilder, BaseAir};
use kiln_field::{BabyBear, ColMajorMatrix, Field};
use kiln_hash::{Digest, Permutation, Poseidon2W16};

use crate::memory::{MemoryError, MemoryRequests};
use crate::poseidon2::{MODE_PERMUTE, Poseidon2Requests};
use crate::{MEMORY_BUS, POSEIDON2_BUS, SPONGE_BUS};

const RATE: usize = 8;
const WIDTH: usize = 16;

// Columns.
const IS_REAL: usize = 0;
const FIRST: usize = 1;
const LAST: usize = 2;
/// 1: the length-binding variant.
const BIND: usize = 3;
const BASE: usize = 4;
const LEN: usize = 5;
const OFFSET: usize = 6;
const CHUNK: usize = 7;
const VALID: usize = CHUNK + RATE;
const PREV: usize = VALID + RATE;
const OUT: usize = PREV + WIDTH;
const COLS: usize = OUT + WIDTH;

/// The sponge hash of `message`, natively; with `bind_length` the length-binding variant
/// (the initial state's last element is the length). Without it, the bytes of
/// `kiln_hash::PaddingFreeSponge`.
pub fn sponge_hash(message: &[BabyBear], bind_length: bool) -> Digest {
    let perm = Poseidon2W16::new();
    let mut state = [BabyBear::ZERO; WIDTH];
    if bind_length {
        state[WIDTH - 1] = BabyBear::from_u64(message.len() as u64);
    }
    for chunk in message.chunks(RATE) {
        state[..chunk.len()].copy_from_slice(chunk);
        state = perm.permute(state);
    }
    state[..8].try_into().expect("8 elements")
}

/// Hashes messages held in the write-once memory, one absorbed chunk per row, and
/// receives on [`SPONGE_BUS`] the request (bind, base, len, digest) of each message
/// (len ≥ 1 elements at addresses base..base + len). Each row reads its chunk from the
/// memory ([`MEMORY_BUS`]) and sends its permutation (mode 1, full state) to the Poseidon2
/// table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpongeTable;

impl BaseAir for SpongeTable {
    fn width(&self) -> usize {
        COLS
    }

    fn name(&self) -> String {
        "sponge".into()
    }
}

impl<AB: AirBuilder> Air<AB> for SpongeTable {
    #[inline(always)]
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let (l, nx) = (main.local.to_vec(), main.next.to_vec());
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let one = || AB::Expr::from(BabyBear::ONE);
        for c in [IS_REAL, FIRST, LAST, BIND] {
            b.assert_bool(l[c]);
        }
        b.assert_zero(e(l[LAST]) * (one() - l[IS_REAL]));
        b.assert_zero(e(l[FIRST]) * (one() - l[IS_REAL]));
        for j in 0..RATE {
            b.assert_bool(l[VALID + j]);
        }
        // A real row absorbs 1..=8 elements, a prefix of its chunk; all 8 unless last.
        b.assert_eq(l[VALID], l[IS_REAL]);
        for j in 0..RATE - 1 {
            b.assert_zero(e(l[VALID + j + 1]) * (one() - l[VALID + j]));
        }
        let cont = e(l[IS_REAL]) - l[LAST];
        b.assert_zero(cont.clone() * (one() - l[VALID + RATE - 1]));
        let absorbed = (1..RATE).fold(e(l[VALID]), |acc, j| acc + l[VALID + j]);
        b.when(l[LAST]).assert_eq(absorbed, e(l[LEN]) - l[OFFSET]);
        // The first row of a message: offset 0, the initial state.
        {
            let mut f = b.when(l[FIRST]);
            f.assert_zero(l[OFFSET]);
            for j in 0..WIDTH - 1 {
                f.assert_zero(l[PREV + j]);
            }
            f.assert_eq(l[PREV + WIDTH - 1], e(l[BIND]) * l[LEN]);
        }
        // A real row that is not the last: the next row continues the message.
        {
            let mut t = b.when(cont.clone());
            t.assert_zero(nx[FIRST]);
            t.assert_one(nx[IS_REAL]);
            for j in 0..WIDTH {
                t.assert_eq(nx[PREV + j], l[OUT + j]);
            }
            for c in [BIND, BASE, LEN] {
                t.assert_eq(nx[c], l[c]);
            }
            t.assert_eq(nx[OFFSET], e(l[OFFSET]) + BabyBear::new(RATE as u32));
        }
        // Otherwise a real next row starts a message.
        b.assert_zero(e(nx[IS_REAL]) * (e(nx[FIRST]) - (one() - cont)));

        // The permutation: the chunk's valid elements overwrite the state.
        let mut perm: Vec<AB::Expr> = Vec::with_capacity(1 + 2 * WIDTH);
        perm.push(BabyBear::new(MODE_PERMUTE).into());
        for j in 0..WIDTH {
            perm.push(if j < RATE {
                e(l[PREV + j]) + e(l[VALID + j]) * (e(l[CHUNK + j]) - l[PREV + j])
            } else {
                e(l[PREV + j])
            });
        }
        perm.extend((0..WIDTH).map(|j| e(l[OUT + j])));
        let reads: Vec<[AB::Expr; 2]> = (0..RATE)
            .map(|j| {
                [
                    e(l[BASE]) + l[OFFSET] + BabyBear::new(j as u32),
                    e(l[CHUNK + j]),
                ]
            })
            .collect();
        let mut request: Vec<AB::Expr> = vec![e(l[BIND]), e(l[BASE]), e(l[LEN])];
        request.extend((0..8).map(|j| e(l[OUT + j])));
        b.send(POSEIDON2_BUS, &perm, l[IS_REAL]);
        for (j, r) in reads.iter().enumerate() {
            b.send(MEMORY_BUS, r, l[VALID + j]);
        }
        b.receive(SPONGE_BUS, &request, l[LAST]);
    }
}

/// A message to hash: `len` elements from address `base` of the memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpongeRequest {
    pub base: u32,
    pub len: u32,
    pub bind_length: bool,
}

/// The sponge table's trace for `requests` (each with len ≥ 1), padded to a power of
/// two; reads are counted in `memory` and permutations in `hashes`. Returns the trace and
/// each request's digest.
pub fn sponge_trace(
    requests: &[SpongeRequest],
    memory: &mut MemoryRequests,
    hashes: &mut Poseidon2Requests,
) -> Result<(ColMajorMatrix, Vec<Digest>), MemoryError> {
    let mut rows: Vec<[BabyBear; COLS]> = Vec::new();
    let mut digests = Vec::with_capacity(requests.len());
    for r in requests {
        assert!(r.len >= 1, "a sponge request hashes at least one element");
        let mut state = [BabyBear::ZERO; WIDTH];
        if r.bind_length {
            state[WIDTH - 1] = BabyBear::new(r.len);
        }
        let chunks = r.len.div_ceil(RATE as u32);
        for c in 0..chunks {
            let offset = c * RATE as u32;
            let take = (r.len - offset).min(RATE as u32) as usize;
            let mut row = [BabyBear::ZERO; COLS];
            row[IS_REAL] = BabyBear::ONE;
            row[FIRST] = BabyBear::new(u32::from(c == 0));
            row[LAST] = BabyBear::new(u32::from(c + 1 == chunks));
            row[BIND] = BabyBear::new(u32::from(r.bind_length));
            row[BASE] = BabyBear::new(r.base);
            row[LEN] = BabyBear::new(r.len);
            row[OFFSET] = BabyBear::new(offset);
            row[PREV..PREV + WIDTH].copy_from_slice(&state);
            for j in 0..take {
                let v = memory.read(r.base + offset + j as u32)?;
                row[CHUNK + j] = v;
                row[VALID + j] = BabyBear::ONE;
                state[j] = v;
            }
            state = hashes.permute(state);
            row[OUT..OUT + WIDTH].copy_from_slice(&state);
            rows.push(row);
        }
        digests.push(state[..8].try_into().expect("8 elements"));
    }
    let n = rows.len().max(1).next_power_of_two();
    let mut data = vec![BabyBear::ZERO; COLS * n];
    for (r, row) in rows.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            data[c * n + r] = v;
        }
    }
    Ok((ColMajorMatrix::new(data, COLS, n).expect("shape"), digests))
}
