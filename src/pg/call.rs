//! Function-call plumbing shared by the SQL modules: state kept per call site, rows of
//! composite types (results and arguments), and interrupt checks.

use pgrx::pg_sys;
use pgrx::PgMemoryContexts;
use std::any::{Any, TypeId};

/// Values a function keeps for the rest of the query in `flinfo->fn_extra`: a decoded model, a
/// parsed rule set, a row descriptor. One slot per Rust type, so two uses in one function (the
/// two models of `customer_value`) never reinterpret each other's state. The cache lives in the
/// function's memory context and is dropped with it.
#[repr(C)]
struct CallSiteCache {
    /// First, so that a foreign `fn_extra` (say, a set-returning function's context) is
    /// recognised instead of being read as a cache.
    magic: u64,
    slots: Vec<(TypeId, Option<Box<dyn Any>>)>,
}

/// "clv_call" in ASCII.
const CACHE_MAGIC: u64 = 0x636c_765f_6361_6c6c;

/// Runs `f` on this call site's value of type `T`, created with `init` (in the function's
/// memory context) on first use. While `f` runs the value is taken out of its slot, so a nested
/// use of the same `T` gets a fresh value instead of a second mutable reference to this one.
pub fn with_call_site_state<T: 'static, R>(
    fcinfo: pg_sys::FunctionCallInfo,
    init: impl FnOnce() -> T,
    f: impl FnOnce(&mut T) -> R,
) -> R {
    // SAFETY: fcinfo and its flinfo are valid during the call; fn_extra is either NULL or the
    // CallSiteCache put there by this function (checked by its magic number before use), in
    // fn_mcxt, which lives as long as the call site.
    let (context, cache) = unsafe {
        let flinfo = (*fcinfo).flinfo;
        let mut context = PgMemoryContexts::For((*flinfo).fn_mcxt);
        if (*flinfo).fn_extra.is_null() {
            let cache = CallSiteCache { magic: CACHE_MAGIC, slots: Vec::new() };
            (*flinfo).fn_extra = context.leak_and_drop_on_delete(cache).cast();
        }
        let cache = &mut *(*flinfo).fn_extra.cast::<CallSiteCache>();
        if cache.magic != CACHE_MAGIC {
            crate::pg::errors::raise(
                pgrx::PgSqlErrorCode::ERRCODE_INTERNAL_ERROR,
                "pg_clv function's call-site cache is in use by something else",
            );
        }
        (context, cache)
    };
    let key = TypeId::of::<T>();
    let index = match cache.slots.iter().position(|(k, _)| *k == key) {
        Some(index) => index,
        None => {
            cache.slots.push((key, None));
            cache.slots.len() - 1
        }
    };
    let mut value = match cache.slots[index].1.take().map(|v| v.downcast::<T>()) {
        Some(Ok(value)) => value,
        _ => {
            let mut context = context;
            // SAFETY: fn_mcxt is live for the call site; `init` allocates there what it keeps.
            Box::new(unsafe { context.switch_to(|_| init()) })
        }
    };
    let result = f(&mut value);
    cache.slots[index].1 = Some(value);
    result
}

/// The blessed row descriptor of the calling function's composite result, cached per call site.
struct ResultRow(pg_sys::TupleDesc);

/// Forms a row of the calling function's composite result type.
pub fn composite_result(
    fcinfo: pg_sys::FunctionCallInfo,
    values: &[pg_sys::Datum],
    nulls: &[bool],
) -> pg_sys::Datum {
    // SAFETY: fcinfo is the call's; get_call_result_type fills tupdesc for a composite result
    // (asserted), copied and blessed in the call site's context by with_call_site_state.
    let init = || unsafe {
        let mut tupdesc = std::ptr::null_mut();
        let kind = pg_sys::get_call_result_type(fcinfo, std::ptr::null_mut(), &mut tupdesc);
        assert_eq!(kind, pg_sys::TypeFuncClass::TYPEFUNC_COMPOSITE, "function must return a composite type");
        ResultRow(pg_sys::BlessTupleDesc(pg_sys::CreateTupleDescCopy(tupdesc)))
    };
    // SAFETY: one value and one null flag per attribute (asserted); heap_form_tuple copies them.
    with_call_site_state(fcinfo, init, |row| unsafe {
        assert_eq!((*row.0).natts as usize, values.len());
        let tuple = pg_sys::heap_form_tuple(row.0, values.as_ptr().cast_mut(), nulls.as_ptr().cast_mut());
        pg_sys::HeapTupleHeaderGetDatum((*tuple).t_data)
    })
}

/// Field `attno` (1-based) of a composite argument.
///
/// # Safety
/// `composite` must be a non-null datum of a composite type with at least `attno` fields.
pub unsafe fn composite_field(composite: pg_sys::Datum, attno: i16) -> Option<pg_sys::Datum> {
    // SAFETY: the caller's promise; the detoasted tuple lives in the current context.
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
