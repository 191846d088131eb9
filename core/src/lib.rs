//! The mathematics of pg_clv, free of PostgreSQL types so that it is tested with plain
//! `cargo test` and reusable outside the database.

pub mod btyd;
pub mod calendar;
pub mod codec;
pub mod kpi;
pub mod lifecycle;
pub mod money;
pub mod optimize;
pub mod repurchase;
pub mod rfm;
pub mod simulate;
pub mod sorted;
pub mod special;
pub mod spend;
pub mod summary;
pub mod time;
pub mod value;
