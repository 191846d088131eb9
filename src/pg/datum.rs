//! How pg_clv's values cross the PostgreSQL boundary: varlena bytes read in place
//! ([`VarlenaBytes`]), [`pg_newtype`] for Rust newtypes over SQL values, and [`stored_type`]
//! for the extension's types whose values have a versioned binary codec.

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
        // SAFETY: the caller passes a non-null varlena datum, whose first byte is its header.
        let plain =
            unsafe { pgrx::varatt_is_4b_u(ptr) || (pgrx::varatt_is_1b(ptr) && !pgrx::varatt_is_1b_e(ptr)) };
        // SAFETY: as above; PostgreSQL detoasts into the current memory context (or returns
        // the pointer itself), which outlives the call.
        let detoasted = if plain { ptr } else { unsafe { pg_sys::pg_detoast_datum_packed(ptr) } };
        Self(NonNull::new(detoasted).expect("non-null varlena"))
    }

    /// Allocates a varlena of `len` payload bytes in the current memory context and lets
    /// `fill` write the payload.
    pub fn build(len: usize, fill: impl FnOnce(&mut [u8])) -> Self {
        let total = pg_sys::VARHDRSZ + len;
        if total > 0x3fff_ffff {
            crate::pg::errors::raise(
                crate::pg::errors::NUMERIC_VALUE_OUT_OF_RANGE,
                format!("value of {len} bytes exceeds PostgreSQL's 1 GB limit"),
            );
        }
        // SAFETY: palloc returns `total` writable bytes (or raises an ERROR); the header is set
        // before the payload slice, which covers exactly the bytes after it.
        unsafe {
            let ptr = pg_sys::palloc(total).cast::<pg_sys::varlena>();
            pgrx::set_varsize_4b(ptr, total as i32);
            let payload = std::slice::from_raw_parts_mut(ptr.cast::<u8>().add(pg_sys::VARHDRSZ), len);
            fill(payload);
            Self(NonNull::new_unchecked(ptr))
        }
    }

    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `self.0` is a detoasted varlena (from_datum or build) in a memory context
        // that lives for the current call at least, as `self` does; its header gives its length.
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

    /// The bytes of a binary `receive` call (the rest of the buffer), consumed.
    ///
    /// # Safety
    /// `buffer` must be the `internal` argument of a type's receive function.
    pub unsafe fn receive(buffer: &mut pgrx::datum::Internal) -> &[u8] {
        // SAFETY: the caller passes a receive function's argument, a StringInfo.
        let buffer = unsafe { buffer.get_mut::<pg_sys::StringInfoData>() }.expect("receive buffer");
        let start = buffer.cursor as usize;
        let len = (buffer.len - buffer.cursor) as usize;
        buffer.cursor = buffer.len;
        // SAFETY: `data[cursor..len]` is the unread part of the buffer, which PostgreSQL keeps
        // until the receive function returns.
        unsafe { std::slice::from_raw_parts(buffer.data.add(start).cast::<u8>(), len) }
    }
}

/// A Rust newtype for SQL values, with the pgrx trait impls an SQL function needs to take it as
/// an argument (and, for types the extension creates, return it). pgrx's own wrappers copy or
/// re-encode every value (its `PostgresType` derive goes through CBOR), which shows at one call
/// per row; these read varlena bytes in place. Three kinds:
///
/// - `pg_newtype!(varlena Name, "sql")`: the extension's own varlena type `clv.sql` (summaries,
///   breaks, models), a [`VarlenaBytes`] as argument and result;
/// - `pg_newtype!(varlena_arg Name, "sql")`: an existing varlena type (`numeric`, `jsonb`),
///   read in place as an argument only;
/// - `pg_newtype!(datum Name, "sql")`: the raw datum of a type the extension creates in SQL (an
///   enum, a composite), as argument and result; create it with
///   `extension_sql_file!(..., creates = [Type(Name)])`.
macro_rules! pg_newtype {
    ($(#[$doc:meta])* varlena $rust:ident, $sql:literal) => {
        $(#[$doc])*
        pub struct $rust(pub crate::pg::datum::VarlenaBytes);

        crate::pg::datum::pg_newtype!(@from_varlena $rust);
        crate::pg::datum::pg_newtype!(@argument $rust);
        crate::pg::datum::pg_newtype!(@sql_name $rust, $sql, ThisExtension,
            Ok(::pgrx::pgrx_sql_entity_graph::metadata::ReturnsRef::One(
                ::pgrx::pgrx_sql_entity_graph::metadata::SqlMappingRef::literal($sql))));
        crate::pg::datum::pg_newtype!(@result $rust, self => self.0.into_datum());

        impl ::pgrx::datum::IntoDatum for $rust {
            fn into_datum(self) -> Option<::pgrx::pg_sys::Datum> {
                Some(self.0.into_datum())
            }

            fn type_oid() -> ::pgrx::pg_sys::Oid {
                ::pgrx::wrappers::regtypein(concat!("clv.", $sql))
            }
        }

        // SAFETY: `unbox` reads the datum as a varlena, which a datum of this type is.
        unsafe impl ::pgrx::datum::UnboxDatum for $rust {
            type As<'src> = Self where Self: 'src;
            unsafe fn unbox<'src>(datum: ::pgrx::datum::Datum<'src>) -> Self::As<'src>
            where
                Self: 'src,
            {
                // SAFETY: a non-null datum of this varlena type.
                Self(unsafe { crate::pg::datum::VarlenaBytes::from_datum(datum.sans_lifetime()) })
            }
        }
    };
    ($(#[$doc:meta])* varlena_arg $rust:ident, $sql:literal) => {
        $(#[$doc])*
        pub struct $rust(pub crate::pg::datum::VarlenaBytes);

        crate::pg::datum::pg_newtype!(@from_varlena $rust);
        crate::pg::datum::pg_newtype!(@argument $rust);
        crate::pg::datum::pg_newtype!(@sql_name $rust, $sql, External,
            Err(::pgrx::pgrx_sql_entity_graph::metadata::ReturnsError::Datum));
    };
    ($(#[$doc:meta])* datum $rust:ident, $sql:literal) => {
        $(#[$doc])*
        pub struct $rust(pub ::pgrx::pg_sys::Datum);

        crate::pg::datum::pg_newtype!(@argument $rust);
        crate::pg::datum::pg_newtype!(@sql_name $rust, $sql, ThisExtension,
            Ok(::pgrx::pgrx_sql_entity_graph::metadata::ReturnsRef::One(
                ::pgrx::pgrx_sql_entity_graph::metadata::SqlMappingRef::literal($sql))));
        crate::pg::datum::pg_newtype!(@result $rust, self => self.0);

        impl ::pgrx::datum::FromDatum for $rust {
            unsafe fn from_polymorphic_datum(
                datum: ::pgrx::pg_sys::Datum,
                is_null: bool,
                _typoid: ::pgrx::pg_sys::Oid,
            ) -> Option<Self> {
                (!is_null).then_some(Self(datum))
            }
        }
    };
    // The pieces: FromDatum of a varlena newtype, ArgAbi through FromDatum (NULL never reaches
    // a STRICT function), SqlTranslatable with the SQL name, BoxRet of the raw datum.
    (@from_varlena $rust:ident) => {
        impl ::pgrx::datum::FromDatum for $rust {
            unsafe fn from_polymorphic_datum(
                datum: ::pgrx::pg_sys::Datum,
                is_null: bool,
                _typoid: ::pgrx::pg_sys::Oid,
            ) -> Option<Self> {
                // SAFETY: not NULL, so a varlena datum of this type.
                (!is_null).then(|| Self(unsafe { crate::pg::datum::VarlenaBytes::from_datum(datum) }))
            }
        }
    };
    (@argument $rust:ident) => {
        // SAFETY: the argument is read through FromDatum, which checks for NULL.
        unsafe impl<'fcx> ::pgrx::callconv::ArgAbi<'fcx> for $rust {
            unsafe fn unbox_arg_unchecked(arg: ::pgrx::callconv::Arg<'_, 'fcx>) -> Self {
                let index = arg.index();
                // SAFETY: pgrx passes an argument of this function, whose SQL type is $sql.
                unsafe { arg.unbox_arg_using_from_datum() }
                    .unwrap_or_else(|| panic!("argument {index} must not be null"))
            }
        }
    };
    (@sql_name $rust:ident, $sql:literal, $origin:ident, $returns:expr) => {
        // SAFETY: the SQL name is the type whose datums the newtype reads and returns.
        unsafe impl ::pgrx::pgrx_sql_entity_graph::metadata::SqlTranslatable for $rust {
            const TYPE_IDENT: &'static str = ::pgrx::pgrx_resolved_type!($rust);
            const TYPE_ORIGIN: ::pgrx::pgrx_sql_entity_graph::metadata::TypeOrigin =
                ::pgrx::pgrx_sql_entity_graph::metadata::TypeOrigin::$origin;
            const ARGUMENT_SQL: Result<
                ::pgrx::pgrx_sql_entity_graph::metadata::SqlMappingRef,
                ::pgrx::pgrx_sql_entity_graph::metadata::ArgumentError,
            > = Ok(::pgrx::pgrx_sql_entity_graph::metadata::SqlMappingRef::literal($sql));
            const RETURN_SQL: Result<
                ::pgrx::pgrx_sql_entity_graph::metadata::ReturnsRef,
                ::pgrx::pgrx_sql_entity_graph::metadata::ReturnsError,
            > = $returns;
        }
    };
    (@result $rust:ident, $self:ident => $datum:expr) => {
        // SAFETY: the returned datum is a value of the function's SQL result type.
        unsafe impl ::pgrx::callconv::BoxRet for $rust {
            unsafe fn box_into<'fcx>(
                $self,
                fcinfo: &mut ::pgrx::callconv::FcInfo<'fcx>,
            ) -> ::pgrx::datum::Datum<'fcx> {
                // SAFETY: a datum in the current memory context, not NULL.
                unsafe { fcinfo.return_raw_datum($datum) }
            }
        }
    };
}
pub(crate) use pg_newtype;

/// One of the extension's varlena types whose value `$value` is a
/// [`clv_core::codec::StoredValue`]: the newtype `$rust` (see [`pg_newtype`]) with `new` and `value`,
/// and the type's binary receive and send functions `$recv` and `$send`. The receive function
/// refuses bytes that do not decode, and values that `check` (`fn(&$value) -> Result<(),
/// String>`, by default none) refuses.
macro_rules! stored_type {
    ($(#[$doc:meta])* $rust:ident, $sql:literal, $value:ty, $recv:ident, $send:ident) => {
        crate::pg::datum::stored_type!(
            $(#[$doc])* $rust, $sql, $value, $recv, $send, check: |_: &$value| Ok::<(), String>(())
        );
    };
    ($(#[$doc:meta])* $rust:ident, $sql:literal, $value:ty, $recv:ident, $send:ident, check: $check:expr) => {
        crate::pg::datum::pg_newtype!($(#[$doc])* varlena $rust, $sql);

        impl $rust {
            pub fn new(value: &$value) -> Self {
                let bytes = clv_core::codec::StoredValue::encode(value);
                Self(crate::pg::datum::VarlenaBytes::build(bytes.len(), |out| out.copy_from_slice(&bytes)))
            }

            /// The stored value; ERROR (XX001) if the bytes are not one.
            pub fn value(&self) -> $value {
                <$value as clv_core::codec::StoredValue>::decode(self.0.bytes()).unwrap_or_else(|e| {
                    crate::pg::errors::raise(crate::pg::errors::DATA_CORRUPTED, format!(concat!("invalid ", $sql, ": {}"), e))
                })
            }

            /// [`Self::value`], decoded once per call site for as long as the same bytes come
            /// in: a scoring query passes one model with every customer.
            #[allow(dead_code)] // not every stored type is read once per row
            pub fn cached_value(&self, fcinfo: ::pgrx::pg_sys::FunctionCallInfo) -> $value {
                let bytes = self.0.bytes();
                crate::pg::call::with_call_site_state(fcinfo, || Option::<(Vec<u8>, $value)>::None, |cache| {
                    match cache {
                        Some((cached, value)) if cached.as_slice() == bytes => value.clone(),
                        _ => {
                            let value = self.value();
                            *cache = Some((bytes.to_vec(), value.clone()));
                            value
                        }
                    }
                })
            }
        }

        /// Binary input: the stored format itself, checked by decoding it.
        #[::pgrx::pg_extern(immutable, parallel_safe, strict)]
        fn $recv(mut buffer: ::pgrx::datum::Internal) -> $rust {
            // SAFETY: the argument of a receive function.
            let bytes = unsafe { crate::pg::datum::VarlenaBytes::receive(&mut buffer) };
            let value = <$value as clv_core::codec::StoredValue>::decode(bytes)
                .map_err(|e| e.to_string())
                .and_then(|value| ($check)(&value).map(|()| value))
                .unwrap_or_else(|why| {
                    crate::pg::errors::raise(
                        crate::pg::errors::INVALID_BINARY_REPRESENTATION,
                        format!(concat!("invalid ", $sql, ": {}"), why),
                    )
                });
            $rust::new(&value)
        }

        /// Binary output: the stored format (version byte first).
        #[::pgrx::pg_extern(immutable, parallel_safe, strict)]
        fn $send(value: $rust) -> Vec<u8> {
            value.0.bytes().to_vec()
        }
    };
}
pub(crate) use stored_type;

pg_newtype!(
    /// A jsonb argument, read in place: compared byte for byte to reuse what was parsed from
    /// it (RFM segment rules, covariate options).
    varlena_arg JsonbArg,
    "jsonb"
);

impl JsonbArg {
    /// The JSON text (jsonb's own output).
    pub fn text(&self) -> String {
        // SAFETY: jsonb_out of a non-null jsonb datum returns a cstring in the current context.
        unsafe {
            let cstr = pgrx::fcinfo::direct_function_call::<&std::ffi::CStr>(
                pg_sys::jsonb_out,
                &[Some(self.0.as_datum())],
            );
            cstr.expect("jsonb_out is strict").to_string_lossy().into_owned()
        }
    }
}
