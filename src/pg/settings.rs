//! pg_clv's settings (GUCs), registered when the library loads.

use clv_core::math::optimize::FitOptions;
use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};

/// `clv.fit_threads`: threads a model fit may use for its likelihood sums (any role may set it).
pub static FIT_THREADS: GucSetting<i32> = GucSetting::<i32>::new(2);

/// `clv.max_fit_threads`: the server's cap on `clv.fit_threads` (superusers only), so that one
/// role cannot take every core of the database server.
pub static MAX_FIT_THREADS: GucSetting<i32> = GucSetting::<i32>::new(2);

/// Registers the settings (from `_PG_init`).
pub fn define() {
    GucRegistry::define_int_guc(
        c"clv.fit_threads",
        c"Threads a pg_clv model fit may use for its likelihood sums (at most clv.max_fit_threads).",
        c"The sums over customer patterns are split across this many threads of the backend, which only compute (they touch no database state); 1 keeps a fit on one core. Each thread gets at least 50,000 patterns, so small fits use fewer.",
        &FIT_THREADS,
        1,
        64,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"clv.max_fit_threads",
        c"The most threads any pg_clv model fit may use, whatever clv.fit_threads says.",
        c"Set by a superuser (postgresql.conf, ALTER SYSTEM, or ALTER ROLE ... SET by a superuser); roles can lower clv.fit_threads but not raise a fit above this cap.",
        &MAX_FIT_THREADS,
        1,
        64,
        GucContext::Suset,
        GucFlags::default(),
    );
}

/// Threads a fit uses now: `clv.fit_threads`, capped by `clv.max_fit_threads`.
pub fn fit_threads() -> usize {
    FIT_THREADS.get().min(MAX_FIT_THREADS.get()).max(1) as usize
}

/// How the model fits of this backend run: [`fit_threads`], and query cancels honoured
/// between likelihood evaluations.
pub fn fit_options() -> FitOptions<'static> {
    FitOptions { threads: fit_threads(), check_interrupts: &crate::pg::call::check_for_interrupts }
}

#[cfg(any(test, feature = "pg_test"))]
#[pgrx::pg_schema]
#[allow(clippy::unwrap_used)] // test code: a panic is a failed test
mod tests {
    use pgrx::prelude::*;

    /// A fit uses `clv.fit_threads` threads, never more than `clv.max_fit_threads`.
    #[pg_test]
    fn fit_threads_are_capped_by_the_server() {
        Spi::run("SET clv.max_fit_threads = 2").unwrap();
        Spi::run("SET clv.fit_threads = 8").unwrap();
        assert_eq!(super::fit_threads(), 2);
        Spi::run("SET clv.fit_threads = 1").unwrap();
        assert_eq!(super::fit_threads(), 1);
        Spi::run("SET clv.max_fit_threads = 4; SET clv.fit_threads = 3").unwrap();
        assert_eq!(super::fit_threads(), 3);
    }
}
