//! The mathematics of pg_clv, free of PostgreSQL types so that it is tested with plain
//! `cargo test` and reusable outside the database.

pub mod codec;
pub mod lifecycle;
pub mod money;
pub mod repurchase;
pub mod rfm;
pub mod summary;
pub mod time;
