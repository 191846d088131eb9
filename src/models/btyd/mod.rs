//! Buy-Till-You-Die purchase models in SQL: the type `clv.btyd_model`, the fit aggregates
//! ([`fit`]) and the predictions ([`predict`]).

mod diagnostics;
mod fit;
pub(crate) mod predict;

use crate::models::stored_model;
use clv_core::models::btyd::Model;
use pgrx::prelude::*;

stored_model!(
    /// A `clv.btyd_model` value.
    BtydModel,
    "btyd_model",
    Model,
    io: btyd_model_in, btyd_model_out, btyd_model_recv, btyd_model_send,
    accessors: btyd_model_parameters, btyd_model_kind, btyd_model_converged, btyd_model_log_likelihood,
        btyd_fit_statistics,
);

extension_sql_file!("btyd_model_shell.sql", name = "btyd_model_shell", creates = [Type(BtydModel)]);

extension_sql_file!(
    "btyd_model_type.sql",
    name = "btyd_model_type",
    requires = ["btyd_model_shell", btyd_model_in, btyd_model_out, btyd_model_recv, btyd_model_send],
);

extension_sql_file!(
    "btyd_model_accessor_comments.sql",
    name = "btyd_model_accessor_comments",
    requires = [
        btyd_model_parameters,
        btyd_model_kind,
        btyd_model_converged,
        btyd_model_log_likelihood,
        btyd_fit_statistics
    ],
);
