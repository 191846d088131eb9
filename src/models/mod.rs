//! The stored models in SQL: purchase models (`clv.btyd_model`, [`btyd`]), the spend model
//! (`clv.spend_model`) with expected spend and customer value ([`spend`]), and the JSON text
//! form they share ([`text`]).

pub mod btyd;
pub mod spend;
pub mod text;
