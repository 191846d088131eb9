//! The mathematics of pg_clv, free of PostgreSQL types so that it is tested with plain
//! `cargo test` and reusable outside the database.
//!
//! - [`summary`]: a customer's purchase days, the value every other module reads;
//! - [`models`]: BTYD purchase models, Gamma-Gamma spend, customer value;
//! - [`segments`]: repurchase cycle, lifecycle stages, RFM;
//! - [`kpi`]: retention KPIs over many customers; [`simulate`]: simulated customers;
//! - [`math`], [`time`], [`money`], [`codec`]: the building blocks.

pub mod codec;
pub mod kpi;
pub mod math;
pub mod models;
pub mod money;
pub mod segments;
pub mod simulate;
pub mod summary;
pub mod time;
