//! pg_clv: customer-retention analytics in PostgreSQL.
//!
//! This crate is the SQL layer; the mathematics lives in `clv-core` (`core/`). One module per
//! SQL concept ([`summary`], [`models`], [`segments`], [`kpi`], [`simulate`]), and the
//! PostgreSQL plumbing they share in [`pg`]. Every public object is in schema `clv` (see
//! `pg_clv.control`).

::pgrx::pg_module_magic!(name, version);

mod kpi;
mod models;
mod pg;
mod segments;
mod simulate;
mod summary;

#[pgrx::pg_guard]
pub extern "C-unwind" fn _PG_init() {
    pg::settings::define();
}

/// Required by `cargo pgrx test`.
#[cfg(test)]
pub mod pg_test {
    pub fn setup(_options: Vec<&str>) {}

    #[must_use]
    pub fn postgresql_conf_options() -> Vec<&'static str> {
        vec![]
    }
}

pgrx::extension_sql_file!("schema_comment.sql", name = "schema_comment", bootstrap,);
