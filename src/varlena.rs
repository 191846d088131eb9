//! Plumbing shared by pg_clv's own varlena types (`customer_summary`, the model types): their
//! bytes are a versioned format defined in `clv-core`, read in place without copying.

use pgrx::pg_sys;
use std::ptr::NonNull;

/// A detoasted varlena, valid for the current function call.
pub struct VarlenaBytes(NonNull<pg_sys::varlena>);

impl VarlenaBytes {
    /// Detoasts a datum, keeping a short (1-byte) header as is: the formats need no alignment.
    ///
    /// # Safety
    /// `datum` must be a non-null varlena datum.
    pub unsafe fn from_datum(datum: pg_sys::Datum) -> Self {
        let ptr = datum.cast_mut_ptr::<pg_sys::varlena>();
        // Inline, uncompressed values (the common case) are read where they are; only
        // compressed or out-of-line values pay for a call into PostgreSQL.
        let plain = unsafe {
            pgrx::varatt_is_4b_u(ptr) || (pgrx::varatt_is_1b(ptr) && !pgrx::varatt_is_1b_e(ptr))
        };
        let detoasted = if plain { ptr } else { unsafe { pg_sys::pg_detoast_datum_packed(ptr) } };
        Self(NonNull::new(detoasted).expect("non-null varlena"))
    }

    /// Allocates a varlena of `len` payload bytes in the current memory context and lets
    /// `fill` write the payload.
    pub fn build(len: usize, fill: impl FnOnce(&mut [u8])) -> Self {
        let total = pg_sys::VARHDRSZ + len;
        if total > 0x3fff_ffff {
            crate::errors::raise(
                crate::errors::NUMERIC_VALUE_OUT_OF_RANGE,
                format!("value of {len} bytes exceeds PostgreSQL's 1 GB limit"),
            );
        }
        unsafe {
            let ptr = pg_sys::palloc(total).cast::<pg_sys::varlena>();
            pgrx::set_varsize_4b(ptr, total as i32);
            let payload = std::slice::from_raw_parts_mut(ptr.cast::<u8>().add(pg_sys::VARHDRSZ), len);
            fill(payload);
            Self(NonNull::new_unchecked(ptr))
        }
    }

    pub fn bytes(&self) -> &[u8] {
        unsafe {
            let ptr = self.0.as_ptr();
            std::slice::from_raw_parts(pgrx::vardata_any(ptr).cast::<u8>(), pgrx::varsize_any_exhdr(ptr))
        }
    }

    pub fn into_datum(self) -> pg_sys::Datum {
        pg_sys::Datum::from(self.0.as_ptr())
    }

    /// The value as a datum, for passing to PostgreSQL functions.
    pub fn as_datum(&self) -> pg_sys::Datum {
        pg_sys::Datum::from(self.0.as_ptr())
    }
}

/// Declares `$rust` as the Rust side of the extension's SQL type `$sql`: a newtype over
/// [`VarlenaBytes`] usable as `#[pg_extern]` argument and result.
macro_rules! varlena_type {
    ($(#[$doc:meta])* $rust:ident, $sql:literal) => {
        $(#[$doc])*
        pub struct $rust(pub crate::varlena::VarlenaBytes);

        impl ::pgrx::datum::FromDatum for $rust {
            unsafe fn from_polymorphic_datum(
                datum: ::pgrx::pg_sys::Datum,
                is_null: bool,
                _typoid: ::pgrx::pg_sys::Oid,
            ) -> Option<Self> {
                (!is_null).then(|| Self(unsafe { crate::varlena::VarlenaBytes::from_datum(datum) }))
            }
        }

        impl ::pgrx::datum::IntoDatum for $rust {
            fn into_datum(self) -> Option<::pgrx::pg_sys::Datum> {
                Some(self.0.into_datum())
            }

            fn type_oid() -> ::pgrx::pg_sys::Oid {
                ::pgrx::wrappers::regtypein(concat!("clv.", $sql))
            }
        }

        unsafe impl ::pgrx::datum::UnboxDatum for $rust {
            type As<'src> = Self where Self: 'src;
            unsafe fn unbox<'src>(datum: ::pgrx::datum::Datum<'src>) -> Self::As<'src>
            where
                Self: 'src,
            {
                Self(unsafe { crate::varlena::VarlenaBytes::from_datum(datum.sans_lifetime()) })
            }
        }

        unsafe impl<'fcx> ::pgrx::callconv::ArgAbi<'fcx> for $rust {
            unsafe fn unbox_arg_unchecked(arg: ::pgrx::callconv::Arg<'_, 'fcx>) -> Self {
                let index = arg.index();
                unsafe { arg.unbox_arg_using_from_datum() }
                    .unwrap_or_else(|| panic!("argument {index} must not be null"))
            }
        }

        unsafe impl ::pgrx::callconv::BoxRet for $rust {
            unsafe fn box_into<'fcx>(
                self,
                fcinfo: &mut ::pgrx::callconv::FcInfo<'fcx>,
            ) -> ::pgrx::datum::Datum<'fcx> {
                unsafe { fcinfo.return_raw_datum(self.0.into_datum()) }
            }
        }

        unsafe impl ::pgrx::pgrx_sql_entity_graph::metadata::SqlTranslatable for $rust {
            const TYPE_IDENT: &'static str = ::pgrx::pgrx_resolved_type!($rust);
            const TYPE_ORIGIN: ::pgrx::pgrx_sql_entity_graph::metadata::TypeOrigin =
                ::pgrx::pgrx_sql_entity_graph::metadata::TypeOrigin::ThisExtension;
            const ARGUMENT_SQL: Result<
                ::pgrx::pgrx_sql_entity_graph::metadata::SqlMappingRef,
                ::pgrx::pgrx_sql_entity_graph::metadata::ArgumentError,
            > = Ok(::pgrx::pgrx_sql_entity_graph::metadata::SqlMappingRef::literal($sql));
            const RETURN_SQL: Result<
                ::pgrx::pgrx_sql_entity_graph::metadata::ReturnsRef,
                ::pgrx::pgrx_sql_entity_graph::metadata::ReturnsError,
            > = Ok(::pgrx::pgrx_sql_entity_graph::metadata::ReturnsRef::One(
                ::pgrx::pgrx_sql_entity_graph::metadata::SqlMappingRef::literal($sql),
            ));
        }
    };
}
pub(crate) use varlena_type;

/// Declares `$rust` as an argument of the existing SQL varlena type `$sql`, read in place
/// (pgrx's own wrappers copy or convert every value, which shows at one call per row).
macro_rules! varlena_arg {
    ($(#[$doc:meta])* $rust:ident, $sql:literal) => {
        $(#[$doc])*
        pub struct $rust(pub crate::varlena::VarlenaBytes);

        impl ::pgrx::datum::FromDatum for $rust {
            unsafe fn from_polymorphic_datum(
                datum: ::pgrx::pg_sys::Datum,
                is_null: bool,
                _typoid: ::pgrx::pg_sys::Oid,
            ) -> Option<Self> {
                (!is_null).then(|| Self(unsafe { crate::varlena::VarlenaBytes::from_datum(datum) }))
            }
        }

        unsafe impl<'fcx> ::pgrx::callconv::ArgAbi<'fcx> for $rust {
            unsafe fn unbox_arg_unchecked(arg: ::pgrx::callconv::Arg<'_, 'fcx>) -> Self {
                let index = arg.index();
                unsafe { arg.unbox_arg_using_from_datum() }
                    .unwrap_or_else(|| panic!("argument {index} must not be null"))
            }
        }

        unsafe impl ::pgrx::pgrx_sql_entity_graph::metadata::SqlTranslatable for $rust {
            const TYPE_IDENT: &'static str = ::pgrx::pgrx_resolved_type!($rust);
            const TYPE_ORIGIN: ::pgrx::pgrx_sql_entity_graph::metadata::TypeOrigin =
                ::pgrx::pgrx_sql_entity_graph::metadata::TypeOrigin::External;
            const ARGUMENT_SQL: Result<
                ::pgrx::pgrx_sql_entity_graph::metadata::SqlMappingRef,
                ::pgrx::pgrx_sql_entity_graph::metadata::ArgumentError,
            > = Ok(::pgrx::pgrx_sql_entity_graph::metadata::SqlMappingRef::literal($sql));
            const RETURN_SQL: Result<
                ::pgrx::pgrx_sql_entity_graph::metadata::ReturnsRef,
                ::pgrx::pgrx_sql_entity_graph::metadata::ReturnsError,
            > = Err(::pgrx::pgrx_sql_entity_graph::metadata::ReturnsError::Datum);
        }
    };
}
pub(crate) use varlena_arg;
