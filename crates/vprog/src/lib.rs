#![doc = include_str!("../README.md")]

mod dag;
mod engine;
mod error;
mod ids;
mod knowledge;
mod model;

pub use dag::{Dag, Vertex};
pub use engine::{Applied, Engine, Execution, TxOutcome, WitnessPolicy};
pub use error::{OpError, ValidationError};
pub use ids::{AccountId, Time, TxIndex, VProgId, VertexId};
pub use model::{Account, Model, ModelError, Operation, Transaction, VProg, Witness};
