//! Order amounts (`float8` or `numeric`) to exact micro-units (see `clv_core::money`).

use crate::errors::bad_amount;
use clv_core::money::{micros_from_f64, AmountError, MICROS_PER_UNIT};
use pgrx::fcinfo::direct_function_call_as_datum;
use pgrx::pg_sys;
use pgrx::pgrx_sql_entity_graph::metadata::{
    ArgumentError, ReturnsError, ReturnsRef, SqlMappingRef, SqlTranslatable, TypeOrigin,
};

pub fn float8_micros(amount: f64) -> i64 {
    micros_from_f64(amount).unwrap_or_else(|e| bad_amount(e))
}

/// A `numeric` argument read in place (pgrx's `AnyNumeric` copies every value).
pub struct NumericArg(pg_sys::Datum);

impl pgrx::datum::FromDatum for NumericArg {
    unsafe fn from_polymorphic_datum(datum: pg_sys::Datum, is_null: bool, _: pg_sys::Oid) -> Option<Self> {
        (!is_null).then(|| Self(pg_sys::Datum::from(unsafe { pg_sys::pg_detoast_datum(datum.cast_mut_ptr()) })))
    }
}

unsafe impl<'fcx> pgrx::callconv::ArgAbi<'fcx> for NumericArg {
    unsafe fn unbox_arg_unchecked(arg: pgrx::callconv::Arg<'_, 'fcx>) -> Self {
        let index = arg.index();
        unsafe { arg.unbox_arg_using_from_datum() }.unwrap_or_else(|| panic!("argument {index} must not be null"))
    }
}

unsafe impl SqlTranslatable for NumericArg {
    const TYPE_IDENT: &'static str = pgrx::pgrx_resolved_type!(NumericArg);
    const TYPE_ORIGIN: TypeOrigin = TypeOrigin::External;
    const ARGUMENT_SQL: Result<SqlMappingRef, ArgumentError> = Ok(SqlMappingRef::literal("numeric"));
    const RETURN_SQL: Result<ReturnsRef, ReturnsError> = Err(ReturnsError::Datum);
}

/// `numeric` constants used per row, built once per backend in TopMemoryContext.
struct NumericConstants {
    micros_per_unit: pg_sys::Datum,
    max_micros: pg_sys::Datum,
    min_micros: pg_sys::Datum,
}

thread_local! {
    static CONSTANTS: NumericConstants = unsafe {
        pgrx::PgMemoryContexts::TopMemoryContext.switch_to(|_| NumericConstants {
            micros_per_unit: pg_sys::Datum::from(pg_sys::int64_to_numeric(MICROS_PER_UNIT)),
            max_micros: pg_sys::Datum::from(pg_sys::int64_to_numeric(i64::MAX)),
            min_micros: pg_sys::Datum::from(pg_sys::int64_to_numeric(i64::MIN)),
        })
    };
}

fn numeric_cmp(a: pg_sys::Datum, b: pg_sys::Datum) -> i32 {
    let order = unsafe { direct_function_call_as_datum(pg_sys::numeric_cmp, &[Some(a), Some(b)]) };
    order.expect("numeric_cmp is strict").value() as i32
}

/// `round(amount * 1e6)` in exact numeric arithmetic, rounding half away from zero.
pub fn numeric_micros(amount: NumericArg) -> i64 {
    let numeric = amount.0.cast_mut_ptr::<pg_sys::NumericData>();
    if unsafe { pg_sys::numeric_is_nan(numeric) || pg_sys::numeric_is_inf(numeric) } {
        bad_amount(AmountError::NotFinite);
    }
    CONSTANTS.with(|c| {
        let mut overflow = false;
        let scaled = unsafe { pg_sys::numeric_mul_opt_error(numeric, c.micros_per_unit.cast_mut_ptr(), &mut overflow) };
        let scaled = pg_sys::Datum::from(scaled);
        // numeric_int8 rounds; bound first so that overflow gets our message, not "bigint out of range".
        if overflow || numeric_cmp(scaled, c.max_micros) > 0 || numeric_cmp(scaled, c.min_micros) < 0 {
            bad_amount(AmountError::OutOfRange);
        }
        let micros = unsafe { direct_function_call_as_datum(pg_sys::numeric_int8, &[Some(scaled)]) };
        micros.expect("numeric_int8 is strict").value() as i64
    })
}
