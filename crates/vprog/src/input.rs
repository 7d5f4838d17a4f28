//! The JSON scenario file: vProgs, accounts and operations in sequence order, and the
//! scope report computed from it. The format is documented in the crate README.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value, json};
use thiserror::Error;

use crate::engine::{Applied, Engine, WitnessPolicy};
use crate::error::ValidationError;
use crate::ids::{AccountId, Time, VProgId};
use crate::model::{Account, Model, Operation, Transaction, VProg, Witness};

/// Why a scenario file cannot be used. Every variant names where the problem is.
#[derive(Debug, Error)]
pub enum InputError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// A field is missing, has the wrong type, or names something that does not exist.
    #[error("{location}: field `{field}`: {problem}")]
    Field {
        location: String,
        field: String,
        problem: String,
    },
    /// An operation is well-formed but invalid in sequence (write outside the read set,
    /// unbacked witness, ...).
    #[error("{location}: {source}")]
    Invalid {
        location: String,
        #[source]
        source: ValidationError,
    },
}

/// A parsed scenario file.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Free text from the file's `description`.
    pub description: Option<String>,
    pub model: Model,
    /// The operations in sequence order; operation `k` happens at time `k + 1`.
    pub operations: Vec<Operation>,
    /// Per operation, the transaction's id (`None` for a proof submission).
    pub tx_ids: Vec<Option<String>>,
}

/// One row of the scope report: a transaction executed by one vProg.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeRow {
    /// 0-based position in `operations`.
    pub operation: usize,
    pub time: Time,
    pub tx: String,
    pub vprog: String,
    /// Transaction ids of the scope, in sequence order.
    pub scope: Vec<String>,
    /// EM_v(x).
    pub mass: u64,
    /// The witnesses in force (declared or planned), as (account, time).
    pub witnesses: Vec<(String, Time)>,
}

/// Scopes and masses of every (transaction, executing vProg), in sequence order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeReport {
    pub policy: WitnessPolicy,
    pub rows: Vec<ScopeRow>,
}

impl Scenario {
    /// Reads and parses a scenario file.
    pub fn load(path: &Path) -> Result<Self, InputError> {
        let text = std::fs::read_to_string(path).map_err(|source| InputError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&text)
    }

    /// Parses a scenario from JSON text. Names are resolved here; sequence rules (write
    /// set, witnesses) are checked by [`Scenario::run`].
    pub fn from_json(text: &str) -> Result<Self, InputError> {
        let root: Value = serde_json::from_str(text).map_err(|e| InputError::Syntax {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let top = Obj::new(&root, "file".into())?;
        top.only(&["description", "vprogs", "accounts", "operations"])?;
        let description = top.opt_str("description")?.map(str::to_owned);

        let mut vprog_ids: HashMap<String, VProgId> = HashMap::new();
        let mut vprogs = Vec::new();
        for (i, v) in top.array("vprogs")?.iter().enumerate() {
            let o = Obj::new(v, format!("vprogs[{i}]"))?;
            o.only(&["id", "gas_scale", "note"])?;
            let name = o.str("id")?;
            if vprog_ids
                .insert(name.to_owned(), VProgId(i as u32))
                .is_some()
            {
                return Err(o.err("id", format!("duplicate vProg id {name:?}")));
            }
            let gas_scale = o.opt_u64("gas_scale")?.unwrap_or(1);
            vprogs.push(VProg {
                name: name.to_owned(),
                gas_scale,
            });
        }

        let mut account_ids: HashMap<String, AccountId> = HashMap::new();
        let mut accounts = Vec::new();
        for (i, v) in top.array("accounts")?.iter().enumerate() {
            let o = Obj::new(v, format!("accounts[{i}]"))?;
            o.only(&["id", "owner", "note"])?;
            let name = o.str("id")?;
            if account_ids
                .insert(name.to_owned(), AccountId(i as u32))
                .is_some()
            {
                return Err(o.err("id", format!("duplicate account id {name:?}")));
            }
            let owner = o.str("owner")?;
            let owner = *vprog_ids
                .get(owner)
                .ok_or_else(|| o.err("owner", format!("unknown vProg {owner:?}")))?;
            accounts.push(Account {
                name: name.to_owned(),
                owner,
            });
        }
        let model = Model::new(vprogs, accounts).map_err(|e| InputError::Field {
            location: "file".into(),
            field: "accounts".into(),
            problem: e.to_string(),
        })?;

        let mut tx_times: HashMap<String, Time> = HashMap::new();
        let mut operations = Vec::new();
        let mut tx_ids = Vec::new();
        for (k, v) in top.array("operations")?.iter().enumerate() {
            let time = k as Time + 1;
            let o = Obj::new(v, format!("operations[{k}] (time {time})"))?;
            match (o.map.get("tx"), o.map.get("proof")) {
                (Some(_), Some(_)) => {
                    return Err(o.err(
                        "tx",
                        "an operation has either `tx` or `proof`, not both".into(),
                    ));
                }
                (None, None) => {
                    return Err(o.err(
                        "tx",
                        "missing: an operation needs `tx` (an id) or `proof` (a vProg)".into(),
                    ));
                }
                (None, Some(_)) => {
                    o.only(&["proof", "note"])?;
                    let name = o.str("proof")?;
                    let p = *vprog_ids
                        .get(name)
                        .ok_or_else(|| o.err("proof", format!("unknown vProg {name:?}")))?;
                    operations.push(Operation::Proof(p));
                    tx_ids.push(None);
                }
                (Some(_), None) => {
                    let id = o.str("tx")?;
                    let o = Obj {
                        location: tx_location(k, time, id),
                        ..o
                    };
                    o.only(&["tx", "reads", "writes", "witnesses", "proof_gas", "note"])?;
                    if tx_times.contains_key(id) {
                        return Err(o.err("tx", format!("duplicate transaction id {id:?}")));
                    }
                    let tx = parse_tx(&o, &account_ids, &vprog_ids, &tx_times)?;
                    tx_times.insert(id.to_owned(), time);
                    operations.push(Operation::Tx(tx));
                    tx_ids.push(Some(id.to_owned()));
                }
            }
        }
        Ok(Self {
            description,
            model,
            operations,
            tx_ids,
        })
    }

    /// Where operation `k` is, for error messages.
    pub fn location(&self, k: usize) -> String {
        let time = k as Time + 1;
        match (&self.tx_ids.get(k), self.operations.get(k)) {
            (Some(Some(id)), _) => tx_location(k, time, id),
            (_, Some(Operation::Proof(p))) => {
                format!(
                    "operations[{k}] (proof by {:?}, time {time})",
                    self.model.vprog_name(*p)
                )
            }
            _ => format!("operations[{k}] (time {time})"),
        }
    }

    /// Applies every operation and reports each executor's scope and execution mass.
    pub fn run(&self, policy: WitnessPolicy) -> Result<ScopeReport, InputError> {
        let mut engine = Engine::new(self.model.clone()).with_witness_policy(policy);
        // Transaction ids by transaction index, to name scope members.
        let mut by_index: Vec<&str> = Vec::new();
        let mut rows = Vec::new();
        for (k, op) in self.operations.iter().enumerate() {
            let applied = engine.apply(op).map_err(|e| InputError::Invalid {
                location: self.location(k),
                source: e.kind,
            })?;
            let Applied::Tx(out) = applied else { continue };
            let id = self.tx_ids[k].as_deref().unwrap_or("?");
            by_index.push(id);
            let witnesses: Vec<(String, Time)> = out
                .witnesses
                .iter()
                .map(|w| (self.model.account_name(w.account), w.time))
                .collect();
            for e in out.executions {
                rows.push(ScopeRow {
                    operation: k,
                    time: out.time,
                    tx: id.to_owned(),
                    vprog: self.model.vprog_name(e.vprog),
                    scope: e
                        .scope
                        .iter()
                        .map(|y| by_index[y.index()].to_owned())
                        .collect(),
                    mass: e.mass,
                    witnesses: witnesses.clone(),
                });
            }
        }
        Ok(ScopeReport { policy, rows })
    }
}

impl ScopeReport {
    /// The report as one JSON document (see the README for its fields).
    pub fn to_json(&self) -> Value {
        let rows: Vec<Value> = (self.rows.iter())
            .map(|r| {
                json!({
                    "operation": r.operation,
                    "time": r.time,
                    "tx": r.tx,
                    "vprog": r.vprog,
                    "scope": r.scope,
                    "scope_size": r.scope.len(),
                    "mass": r.mass,
                    "witnesses": r.witnesses.iter().map(|(a, t)| json!({"account": a, "time": t})).collect::<Vec<_>>(),
                })
            })
            .collect();
        let policy = match self.policy {
            WitnessPolicy::Declared => "declared",
            WitnessPolicy::Planned => "planned",
        };
        json!({ "witness_policy": policy, "executions": rows })
    }

    /// The report as an aligned text table, one line per (transaction, vProg).
    pub fn to_table(&self) -> String {
        let planned = self.policy == WitnessPolicy::Planned;
        let mut header = vec!["time", "tx", "vprog", "size", "mass", "scope"];
        if planned {
            header.push("planned witnesses");
        }
        let cells: Vec<Vec<String>> = (self.rows.iter())
            .map(|r| {
                let scope = if r.scope.is_empty() {
                    "-".to_owned()
                } else {
                    r.scope.join(", ")
                };
                let mut c = vec![
                    r.time.to_string(),
                    r.tx.clone(),
                    r.vprog.clone(),
                    r.scope.len().to_string(),
                    r.mass.to_string(),
                    scope,
                ];
                if planned {
                    let w: Vec<String> = r
                        .witnesses
                        .iter()
                        .map(|(a, t)| format!("{a}@{t}"))
                        .collect();
                    c.push(if w.is_empty() {
                        "-".into()
                    } else {
                        w.join(", ")
                    });
                }
                c
            })
            .collect();
        let mut width: Vec<usize> = header.iter().map(|h| h.len()).collect();
        for row in &cells {
            for (w, c) in width.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut out = String::new();
        let last = header.len() - 1;
        let line = |out: &mut String, row: &[&str]| {
            for (i, (c, w)) in row.iter().zip(&width).enumerate() {
                // Numbers right-aligned, text left-aligned; no padding after the last.
                let pad = w - c.chars().count();
                match i {
                    0 | 3 | 4 => write!(out, "{}{c}", " ".repeat(pad)),
                    _ if i == last => write!(out, "{c}"),
                    _ => write!(out, "{c}{}", " ".repeat(pad)),
                }
                .expect("writing to a String");
                if i != last {
                    out.push_str("  ");
                }
            }
            out.push('\n');
        };
        line(&mut out, &header);
        for row in &cells {
            line(
                &mut out,
                &row.iter().map(String::as_str).collect::<Vec<_>>(),
            );
        }
        out
    }
}

fn tx_location(k: usize, time: Time, id: &str) -> String {
    format!("operations[{k}] (tx {id:?}, time {time})")
}

fn parse_tx(
    o: &Obj<'_>,
    accounts: &HashMap<String, AccountId>,
    vprogs: &HashMap<String, VProgId>,
    tx_times: &HashMap<String, Time>,
) -> Result<Transaction, InputError> {
    let account_list = |field: &str| -> Result<Vec<AccountId>, InputError> {
        let Some(items) = o.opt_array(field)? else {
            return Ok(Vec::new());
        };
        (items.iter().enumerate())
            .map(|(i, v)| {
                let f = format!("{field}[{i}]");
                let name = v.as_str().ok_or_else(|| {
                    o.err(&f, format!("expected an account id (string), got {v}"))
                })?;
                accounts
                    .get(name)
                    .copied()
                    .ok_or_else(|| o.err(&f, format!("unknown account {name:?}")))
            })
            .collect()
    };
    if o.opt_array("reads")?.is_none() {
        return Err(o.err("reads", "missing".into()));
    }
    let reads = account_list("reads")?;
    let writes = account_list("writes")?;
    let mut witnesses = Vec::new();
    for (i, v) in o.opt_array("witnesses")?.unwrap_or(&[]).iter().enumerate() {
        let w = Obj::new(v, o.location.clone())
            .map_err(|_| o.err(&format!("witnesses[{i}]"), "expected an object".into()))?;
        let w = Obj {
            prefix: format!("witnesses[{i}]."),
            ..w
        };
        w.only(&["account", "time", "after", "note"])?;
        let name = w.str("account")?;
        let account = *accounts
            .get(name)
            .ok_or_else(|| w.err("account", format!("unknown account {name:?}")))?;
        let time = match (w.opt_u64("time")?, w.opt_str("after")?) {
            (Some(t), None) => t,
            (None, Some(tx)) => *tx_times
                .get(tx)
                .ok_or_else(|| w.err("after", format!("no earlier transaction has id {tx:?}")))?,
            _ => {
                return Err(w.err(
                    "time",
                    "give exactly one of `time` (a number) or `after` (a transaction id)".into(),
                ));
            }
        };
        witnesses.push(Witness { account, time });
    }
    let mut proof_gas = Vec::new();
    if let Some(v) = o.map.get("proof_gas") {
        let m = v
            .as_object()
            .ok_or_else(|| o.err("proof_gas", "expected an object {vProg id: gas}".into()))?;
        for (name, g) in m {
            let f = format!("proof_gas.{name}");
            let p = *vprogs
                .get(name)
                .ok_or_else(|| o.err(&f, format!("unknown vProg {name:?}")))?;
            let g = g
                .as_u64()
                .ok_or_else(|| o.err(&f, format!("expected a non-negative integer, got {g}")))?;
            proof_gas.push((p, g));
        }
    }
    Ok(Transaction {
        reads,
        writes,
        witnesses,
        proof_gas,
    })
}

/// A JSON object being parsed, with where it is for error messages.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    location: String,
    /// Prepended to field names (for nested objects such as `witnesses[2].`).
    prefix: String,
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, location: String) -> Result<Self, InputError> {
        match v.as_object() {
            Some(map) => Ok(Self {
                map,
                location,
                prefix: String::new(),
            }),
            None => Err(InputError::Field {
                location,
                field: "-".into(),
                problem: format!("expected an object, got {v}"),
            }),
        }
    }

    fn err(&self, field: &str, problem: String) -> InputError {
        InputError::Field {
            location: self.location.clone(),
            field: format!("{}{field}", self.prefix),
            problem,
        }
    }

    /// Rejects unknown keys, which are most likely typos.
    fn only(&self, allowed: &[&str]) -> Result<(), InputError> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(self.err(
                k,
                format!("unknown field (expected one of: {})", allowed.join(", ")),
            )),
            None => Ok(()),
        }
    }

    fn str(&self, field: &str) -> Result<&'a str, InputError> {
        self.opt_str(field)?
            .ok_or_else(|| self.err(field, "missing".into()))
    }

    fn opt_str(&self, field: &str) -> Result<Option<&'a str>, InputError> {
        match self.map.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.err(field, format!("expected a string, got {v}"))),
        }
    }

    fn opt_u64(&self, field: &str) -> Result<Option<u64>, InputError> {
        match self.map.get(field) {
            None => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                self.err(field, format!("expected a non-negative integer, got {v}"))
            }),
        }
    }

    fn array(&self, field: &str) -> Result<&'a [Value], InputError> {
        self.opt_array(field)?
            .ok_or_else(|| self.err(field, "missing".into()))
    }

    fn opt_array(&self, field: &str) -> Result<Option<&'a [Value]>, InputError> {
        match self.map.get(field) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(v) => Err(self.err(field, format!("expected an array, got {v}"))),
        }
    }
}
