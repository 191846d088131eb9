//! Function-call plumbing shared by the SQL modules: state kept per call site, and rows of
//! composite types (results and arguments).

use clv_core::optimize::FitOptions;
use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::pg_sys;
use pgrx::PgMemoryContexts;

/// State computed once per call site and kept in `flinfo->fn_extra` for the rest of the query,
/// in the function's memory context (dropped with it). Each Rust function must always use the
/// same `T` for its call sites.
pub fn call_site_state<'a, T>(fcinfo: pg_sys::FunctionCallInfo, init: impl FnOnce() -> T) -> &'a mut T {
    unsafe {
        let flinfo = (*fcinfo).flinfo;
        if (*flinfo).fn_extra.is_null() {
            let mut context = PgMemoryContexts::For((*flinfo).fn_mcxt);
            let state = context.switch_to(|_| init());
            (*flinfo).fn_extra = context.leak_and_drop_on_delete(state).cast();
        }
        &mut *(*flinfo).fn_extra.cast::<T>()
    }
}

/// The blessed row descriptor of the calling function's composite result, cached per call site.
struct ResultRow(pg_sys::TupleDesc);

/// Forms a row of the calling function's composite result type.
pub fn composite_result(fcinfo: pg_sys::FunctionCallInfo, values: &[pg_sys::Datum], nulls: &[bool]) -> pg_sys::Datum {
    let row = call_site_state(fcinfo, || unsafe {
        let mut tupdesc = std::ptr::null_mut();
        let kind = pg_sys::get_call_result_type(fcinfo, std::ptr::null_mut(), &mut tupdesc);
        assert_eq!(kind, pg_sys::TypeFuncClass::TYPEFUNC_COMPOSITE, "function must return a composite type");
        ResultRow(pg_sys::BlessTupleDesc(pg_sys::CreateTupleDescCopy(tupdesc)))
    });
    unsafe {
        assert_eq!((*row.0).natts as usize, values.len());
        let tuple = pg_sys::heap_form_tuple(row.0, values.as_ptr().cast_mut(), nulls.as_ptr().cast_mut());
        pg_sys::HeapTupleHeaderGetDatum((*tuple).t_data)
    }
}

/// Field `attno` (1-based) of a composite argument.
///
/// # Safety
/// `composite` must be a non-null datum of a composite type with at least `attno` fields.
pub unsafe fn composite_field(composite: pg_sys::Datum, attno: i16) -> Option<pg_sys::Datum> {
    unsafe {
        let header = pg_sys::pg_detoast_datum(composite.cast_mut_ptr()).cast::<pg_sys::HeapTupleHeaderData>();
        let mut is_null = false;
        let value = pg_sys::GetAttributeByNum(header, attno, &mut is_null);
        (!is_null).then_some(value)
    }
}

/// Lets a long computation honour query cancel and `statement_timeout` (ERRORs out if one is
/// pending); passed to the model fits, which call it before every likelihood evaluation.
pub fn check_for_interrupts() {
    pgrx::check_for_interrupts!();
}

/// `clv.fit_threads`: threads a model fit may use for its likelihood sums.
pub static FIT_THREADS: GucSetting<i32> = GucSetting::<i32>::new(2);

/// Registers the settings (from `_PG_init`).
pub fn define_settings() {
    GucRegistry::define_int_guc(
        c"clv.fit_threads",
        c"Threads a pg_clv model fit may use for its likelihood sums.",
        c"The sums over customer patterns are split across this many threads of the backend, which only compute (they touch no database state); 1 keeps a fit on one core. Each thread gets at least 50,000 patterns, so small fits use fewer.",
        &FIT_THREADS,
        1,
        64,
        GucContext::Userset,
        GucFlags::default(),
    );
}

/// How the model fits of this backend run: `clv.fit_threads`, and query cancels honoured
/// between likelihood evaluations.
pub fn fit_options() -> FitOptions<'static> {
    FitOptions { threads: FIT_THREADS.get() as usize, check_interrupts: &check_for_interrupts }
}
