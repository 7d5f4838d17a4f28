//! The static part of the system (vProgs and the accounts they own) and the operations of
//! the sequence (transactions and proof submissions).

use thiserror::Error;

use crate::ids::{AccountId, Time, VProgId};

/// A verifiable program: a name and its gas scale GS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VProg {
    /// Human-readable name, used in reports and errors.
    pub name: String,
    /// GS(i): the integer factor by which this vProg's proof gas is multiplied in execution
    /// mass. Integers keep the mass exact and deterministic, as an L1 would need.
    pub gas_scale: u64,
}

/// An account and the one vProg that owns (alone may write) it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Human-readable name, used in reports and errors.
    pub name: String,
    /// The owning vProg.
    pub owner: VProgId,
}

/// When a [`Model`] is inconsistent.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ModelError {
    /// An account names a vProg index that does not exist.
    #[error(
        "account {account} ({name:?}) is owned by vProg index {owner}, but there are only {vprogs} vProgs"
    )]
    UnknownOwner {
        account: u32,
        name: String,
        owner: u32,
        vprogs: usize,
    },
    /// More accounts or vProgs than fit a 32-bit id.
    #[error("too many {what}: {got} (at most {max})")]
    TooMany {
        what: &'static str,
        got: usize,
        max: usize,
    },
}

/// vProgs and accounts: everything about the system that does not change over time.
#[derive(Clone, Debug)]
pub struct Model {
    vprogs: Vec<VProg>,
    accounts: Vec<Account>,
    /// Per vProg, its accounts in increasing id order.
    owned: Vec<Vec<AccountId>>,
    /// Per account, its owner: a dense copy of `accounts[a].owner` for the scope
    /// traversal's anchor test, which would otherwise stride over the names.
    owners: Vec<VProgId>,
    /// Per account, its position in its owner's `owned` list (its leaf in the owner's
    /// state tree).
    slot: Vec<u32>,
}

impl Model {
    /// Checks that every owner exists and indexes ownership.
    pub fn new(vprogs: Vec<VProg>, accounts: Vec<Account>) -> Result<Self, ModelError> {
        // Vertex ids start with one genesis vertex per account, so leave headroom.
        let max = u32::MAX as usize / 2;
        if vprogs.len() > max {
            return Err(ModelError::TooMany {
                what: "vProgs",
                got: vprogs.len(),
                max,
            });
        }
        if accounts.len() > max {
            return Err(ModelError::TooMany {
                what: "accounts",
                got: accounts.len(),
                max,
            });
        }
        let mut owned = vec![Vec::new(); vprogs.len()];
        let mut slot = Vec::with_capacity(accounts.len());
        for (i, a) in accounts.iter().enumerate() {
            let list = owned
                .get_mut(a.owner.index())
                .ok_or_else(|| ModelError::UnknownOwner {
                    account: i as u32,
                    name: a.name.clone(),
                    owner: a.owner.0,
                    vprogs: vprogs.len(),
                })?;
            slot.push(list.len() as u32);
            list.push(AccountId(i as u32));
        }
        let owners = accounts.iter().map(|a| a.owner).collect();
        Ok(Self {
            vprogs,
            accounts,
            owned,
            owners,
            slot,
        })
    }

    /// All vProgs, indexed by [`VProgId`].
    pub fn vprogs(&self) -> &[VProg] {
        &self.vprogs
    }

    /// All accounts, indexed by [`AccountId`].
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// The vProg, or `None` if the id is out of range.
    pub fn vprog(&self, id: VProgId) -> Option<&VProg> {
        self.vprogs.get(id.index())
    }

    /// The account, or `None` if the id is out of range.
    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.accounts.get(id.index())
    }

    /// The owner of an account.
    ///
    /// # Panics
    /// If the account id is out of range.
    #[inline]
    pub fn owner(&self, id: AccountId) -> VProgId {
        self.owners[id.index()]
    }

    /// S_p: the accounts of a vProg in increasing id order.
    ///
    /// # Panics
    /// If the vProg id is out of range.
    pub fn owned(&self, id: VProgId) -> &[AccountId] {
        &self.owned[id.index()]
    }

    /// The account's position among its owner's accounts (its leaf in the owner's state
    /// tree).
    ///
    /// # Panics
    /// If the account id is out of range.
    pub fn slot(&self, id: AccountId) -> usize {
        self.slot[id.index()] as usize
    }

    /// The name of an account, or `#<index>` for an unknown id (for error messages).
    pub fn account_name(&self, id: AccountId) -> String {
        self.account(id)
            .map_or_else(|| format!("#{}", id.0), |a| a.name.clone())
    }

    /// The name of a vProg, or `#<index>` for an unknown id (for error messages).
    pub fn vprog_name(&self, id: VProgId) -> String {
        self.vprog(id)
            .map_or_else(|| format!("#{}", id.0), |p| p.name.clone())
    }
}

/// A witness in π(x): a claim about the state of `account` at `time`, that is, of its
/// latest vertex at or before `time`. It must be backed by a proof submission of the
/// account's owner made after `time` (whose commitment covers that step).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Witness {
    pub account: AccountId,
    pub time: Time,
}

/// A transaction x: read set r(x), write set w(x) ⊆ r(x), witnesses π(x) and declared
/// proof gas PG_i(x) for the vProgs i it writes to (missing entries are 0).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transaction {
    pub reads: Vec<AccountId>,
    pub writes: Vec<AccountId>,
    pub witnesses: Vec<Witness>,
    pub proof_gas: Vec<(VProgId, u64)>,
}

/// One element of the global sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operation {
    /// A transaction x.
    Tx(Transaction),
    /// A proof submission z_p^i by the vProg: it commits C_p^t over the vProg's per-step
    /// state roots since its previous proof, which lets later transactions witness any of
    /// its accounts at any step before it.
    Proof(VProgId),
}
