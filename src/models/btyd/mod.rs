//! Buy-Till-You-Die purchase models in SQL: the fit aggregates ([`fit`]) and the predictions
//! ([`predict`]) over `clv.btyd_model` ([`BtydModel`], declared in `src/models/mod.rs`).

mod diagnostics;
pub(crate) mod fit;
pub(crate) mod predict;

pub use crate::models::BtydModel;
