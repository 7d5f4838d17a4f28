//! The computation DAG G = (V, E): vertices are account states (a, t), hyperedges are
//! transactions from the vertices they read to the vertices they write.

use crate::ids::{AccountId, Time, TxIndex, VProgId, VertexId};

/// Marks "no creator" (genesis) in [`Vertex::creator`].
const GENESIS: u32 = u32::MAX;

/// A vertex (a, t): the state of `account` after the transaction at `time` wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vertex {
    pub account: AccountId,
    pub time: Time,
    creator: u32,
}

impl Vertex {
    /// The transaction that created this vertex, or `None` for a genesis vertex.
    #[inline]
    pub fn creator(&self) -> Option<TxIndex> {
        (self.creator != GENESIS).then_some(TxIndex(self.creator))
    }

    /// Whether this is a genesis vertex (a, 0).
    #[inline]
    pub fn is_genesis(&self) -> bool {
        self.creator == GENESIS
    }
}

/// One transaction's place in the DAG. Its inputs and outputs live in one shared array
/// (`io`), so a million transactions cost a few flat vectors, not a million allocations.
#[derive(Clone, Copy, Debug)]
struct TxRecord {
    time: Time,
    io_start: usize,
    inputs: u32,
    outputs: u32,
    /// Σ_i PG_i(x)·GS(i).
    scaled_gas: u64,
}

/// The DAG, grown one operation at a time. Lookups are O(1) except [`Dag::at`], which is a
/// binary search in one account's history.
#[derive(Clone, Debug)]
pub struct Dag {
    vertices: Vec<Vertex>,
    /// Per account, its vertices in time order (the first is genesis).
    history: Vec<Vec<VertexId>>,
    txs: Vec<TxRecord>,
    /// Inputs R(x) (in read-set order) then outputs (in write-set order) of every tx.
    io: Vec<VertexId>,
    /// Per vProg, the times of its proof submissions, increasing.
    proofs: Vec<Vec<Time>>,
}

impl Dag {
    /// The DAG at genesis: one vertex (a, 0) per account and no proofs.
    pub(crate) fn new(accounts: usize, vprogs: usize) -> Self {
        let vertices = (0..accounts)
            .map(|a| Vertex {
                account: AccountId(a as u32),
                time: 0,
                creator: GENESIS,
            })
            .collect();
        let history = (0..accounts).map(|a| vec![VertexId(a as u32)]).collect();
        Self {
            vertices,
            history,
            txs: Vec::new(),
            io: Vec::new(),
            proofs: vec![Vec::new(); vprogs],
        }
    }

    /// Number of vertices, genesis included.
    pub fn num_vertices(&self) -> usize {
        self.vertices.len()
    }

    /// Number of transactions applied.
    pub fn num_txs(&self) -> usize {
        self.txs.len()
    }

    /// A vertex.
    ///
    /// # Panics
    /// If the id is out of range.
    #[inline]
    pub fn vertex(&self, v: VertexId) -> &Vertex {
        &self.vertices[v.index()]
    }

    /// The vertices of an account in time order, genesis first.
    ///
    /// # Panics
    /// If the id is out of range.
    pub fn history(&self, a: AccountId) -> &[VertexId] {
        &self.history[a.index()]
    }

    /// The account's latest vertex so far.
    ///
    /// # Panics
    /// If the id is out of range.
    #[inline]
    pub fn latest(&self, a: AccountId) -> VertexId {
        // Every history starts with the genesis vertex, so it is never empty.
        *self.history[a.index()]
            .last()
            .expect("history holds genesis")
    }

    /// The account's state at `time`: its latest vertex at or before `time`.
    ///
    /// # Panics
    /// If the id is out of range.
    pub fn at(&self, a: AccountId, time: Time) -> VertexId {
        let h = &self.history[a.index()];
        // h[0] is genesis at time 0 <= time, so the partition point is at least 1.
        let n = h.partition_point(|v| self.vertices[v.index()].time <= time);
        h[n - 1]
    }

    /// The time of a transaction.
    #[inline]
    pub fn tx_time(&self, x: TxIndex) -> Time {
        self.txs[x.index()].time
    }

    /// R(x): the vertices the transaction read, in read-set order.
    #[inline]
    pub fn tx_inputs(&self, x: TxIndex) -> &[VertexId] {
        let r = &self.txs[x.index()];
        &self.io[r.io_start..r.io_start + r.inputs as usize]
    }

    /// The vertices the transaction created, in write-set order.
    #[inline]
    pub fn tx_outputs(&self, x: TxIndex) -> &[VertexId] {
        let r = &self.txs[x.index()];
        let s = r.io_start + r.inputs as usize;
        &self.io[s..s + r.outputs as usize]
    }

    /// Σ_i PG_i(x)·GS(i): the transaction's own term in every execution mass.
    #[inline]
    pub fn tx_scaled_gas(&self, x: TxIndex) -> u64 {
        self.txs[x.index()].scaled_gas
    }

    /// Times of the vProg's proof submissions, increasing.
    ///
    /// # Panics
    /// If the id is out of range.
    pub fn proofs(&self, p: VProgId) -> &[Time] {
        &self.proofs[p.index()]
    }

    /// Time of the vProg's latest proof submission.
    #[inline]
    pub fn last_proof(&self, p: VProgId) -> Option<Time> {
        self.proofs[p.index()].last().copied()
    }

    /// Appends a transaction at `time` reading `inputs` and writing `writes`; returns its
    /// index. The caller has validated everything and checked capacity.
    pub(crate) fn push_tx(
        &mut self,
        time: Time,
        inputs: &[VertexId],
        writes: &[AccountId],
        scaled_gas: u64,
    ) -> TxIndex {
        let x = TxIndex(self.txs.len() as u32);
        let io_start = self.io.len();
        self.io.extend_from_slice(inputs);
        for &a in writes {
            let v = VertexId(self.vertices.len() as u32);
            self.vertices.push(Vertex {
                account: a,
                time,
                creator: x.0,
            });
            self.history[a.index()].push(v);
            self.io.push(v);
        }
        self.txs.push(TxRecord {
            time,
            io_start,
            inputs: inputs.len() as u32,
            outputs: writes.len() as u32,
            scaled_gas,
        });
        x
    }

    /// Records a proof submission.
    pub(crate) fn push_proof(&mut self, p: VProgId, time: Time) {
        self.proofs[p.index()].push(time);
    }
}
