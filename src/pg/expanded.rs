//! Aggregate states with an SQL type of their own instead of `internal`, for aggregates that
//! Citus must push down to its workers: Citus runs such an aggregate on every shard and sends
//! the state to the coordinator as text through the type's output function, but gathers every
//! input row on the coordinator when the state is `internal` (docs/scaling.md).
//!
//! The state lives in a PostgreSQL expanded object (as `array_append`'s arrays do): the
//! transition function gets it back as a read-write pointer and changes it in place, so a row
//! costs what it costs with `internal`. PostgreSQL flattens the object, through
//! [`AggregateState::serialize`], only when it leaves the aggregate (a parallel worker's or a
//! shard's partial state); a flat state coming in is read back with
//! [`AggregateState::deserialize`].
//!
//! The state is lent to a closure ([`update`], [`read`]) rather than returned: it lives in a
//! memory context that PostgreSQL may reset once the call returns, so no reference to it may
//! outlive the call, and the closure's borrow says so in the type.

use crate::pg::aggregate::AggregateState;
use crate::pg::datum::VarlenaBytes;
use crate::pg::errors::{raise, INVALID_BINARY_REPRESENTATION};
use crate::pg::memory::{aggregate_context, leak_into, ContextAllocator};
use pgrx::pg_sys;
use std::any::TypeId;
use std::ffi::c_void;
use std::ptr::NonNull;

/// The expanded object: PostgreSQL's header first, then the state and how to flatten it.
#[repr(C)]
struct Expanded {
    header: pg_sys::ExpandedObjectHeader,
    state: NonNull<c_void>,
    state_type: TypeId,
    serialize: unsafe fn(NonNull<c_void>) -> Vec<u8>,
    /// The flat bytes between `get_flat_size` and `flatten_into` (in the object's context).
    flat: Option<NonNull<[u8]>>,
}

static METHODS: pg_sys::ExpandedObjectMethods =
    pg_sys::ExpandedObjectMethods { get_flat_size: Some(get_flat_size), flatten_into: Some(flatten_into) };

/// # Safety
/// `state` must point to a live `T` (an [`Expanded`] made by [`update`] for `T`).
unsafe fn serialize_state<T: AggregateState>(state: NonNull<c_void>) -> Vec<u8> {
    // SAFETY: the caller's promise; PostgreSQL flattens one object at a time, so nothing else
    // borrows the state meanwhile.
    unsafe { state.cast::<T>().as_mut() }.serialize()
}

#[pgrx::pg_guard]
unsafe extern "C-unwind" fn get_flat_size(header: *mut pg_sys::ExpandedObjectHeader) -> pg_sys::Size {
    // SAFETY: PostgreSQL calls the methods of METHODS only on objects whose header they are
    // in, and every such object is an `Expanded` (the header is its first field, repr(C)).
    let object = unsafe { &mut *header.cast::<Expanded>() };
    // SAFETY: `serialize` was made for the type `state` points to (see `update`).
    let bytes = unsafe { (object.serialize)(object.state) };
    let total = pg_sys::VARHDRSZ + bytes.len();
    if total > 0x3fff_ffff {
        raise(
            crate::pg::errors::PROGRAM_LIMIT_EXCEEDED,
            format!("aggregate state of {} bytes exceeds PostgreSQL's 1 GB limit", bytes.len()),
        );
    }
    if let Some(old) = object.flat.take() {
        // SAFETY: `flat` was allocated below, in the object's context, and nothing else holds it.
        unsafe { pg_sys::pfree(old.as_ptr().cast()) };
    }
    // SAFETY: the object's own context lives as long as the object.
    let flat =
        unsafe { pg_sys::MemoryContextAlloc(object.header.eoh_context, bytes.len().max(1)) }.cast::<u8>();
    // SAFETY: `flat` has room for `bytes.len()` bytes and does not overlap `bytes`.
    unsafe { flat.copy_from_nonoverlapping(bytes.as_ptr(), bytes.len()) };
    object.flat = NonNull::new(std::ptr::slice_from_raw_parts_mut(flat, bytes.len()));
    total
}

#[pgrx::pg_guard]
unsafe extern "C-unwind" fn flatten_into(
    header: *mut pg_sys::ExpandedObjectHeader,
    result: *mut c_void,
    allocated_size: pg_sys::Size,
) {
    // SAFETY: as in `get_flat_size`.
    let object = unsafe { &mut *header.cast::<Expanded>() };
    let flat = object.flat.take().expect("get_flat_size runs before flatten_into");
    let len = flat.len();
    assert_eq!(allocated_size, pg_sys::VARHDRSZ + len, "flat size changed");
    // SAFETY: PostgreSQL gives `result` the size get_flat_size returned (checked above): a
    // header and `len` bytes, which `flat` holds; `flat` is ours to free.
    unsafe {
        pgrx::set_varsize_4b(result.cast(), allocated_size as i32);
        result.cast::<u8>().add(pg_sys::VARHDRSZ).copy_from_nonoverlapping(flat.as_ptr().cast::<u8>(), len);
        pg_sys::pfree(flat.as_ptr().cast());
    }
}

/// Our expanded object behind `datum`, if it is one holding a `T`. The reference is valid for
/// the current call only; callers lend it to a closure, never return it.
fn ours<'call, T: AggregateState + 'static>(datum: pg_sys::Datum) -> Option<&'call mut Expanded> {
    let ptr = datum.cast_mut_ptr::<pg_sys::varlena>();
    // SAFETY: a non-null varlena datum of the state's type (flat or expanded); its first byte
    // says which.
    let expanded = unsafe {
        pgrx::varatt_is_1b_e(ptr)
            && matches!(
                u32::from(pgrx::vartag_external(ptr)),
                pg_sys::vartag_external::VARTAG_EXPANDED_RW | pg_sys::vartag_external::VARTAG_EXPANDED_RO
            )
    };
    if !expanded {
        return None;
    }
    // PostgreSQL's DatumGetEOHP, inlined: called through pgrx's FFI guard (a setjmp) it made
    // every row of a KPI aggregate 5% slower. An expanded datum is a 1-byte header, a tag, then
    // the header's address, unaligned.
    let offset = std::mem::offset_of!(pg_sys::varattrib_1b_e, va_data);
    // SAFETY: an expanded datum (checked above) holds a pointer to its object's header there.
    let header =
        unsafe { ptr.cast::<u8>().add(offset).cast::<*mut pg_sys::ExpandedObjectHeader>().read_unaligned() };
    // SAFETY: the methods pointer is checked before anything past the header is used: only
    // objects made by `update` have METHODS, and those are `Expanded`.
    let methods = unsafe { (*header).eoh_methods };
    if !std::ptr::eq(methods, &METHODS) {
        return None;
    }
    // SAFETY: as just checked, the header is the first field of an `Expanded`.
    let object = unsafe { &mut *header.cast::<Expanded>() };
    (object.state_type == TypeId::of::<T>()).then_some(object)
}

/// Reads a flat state, ERROR (22P03) if the bytes are not one.
fn read_flat<T: AggregateState>(datum: pg_sys::Datum, alloc: ContextAllocator) -> T {
    // SAFETY: a non-null varlena datum (flat: not ours).
    let bytes = unsafe { VarlenaBytes::from_datum(datum) };
    T::deserialize(bytes.bytes(), alloc)
        .unwrap_or_else(|e| raise(INVALID_BINARY_REPRESENTATION, format!("invalid aggregate state: {e}")))
}

/// Lends the state of a transition or combine call to `change` and returns the datum the call
/// returns: the state passed in (`None` for SQL NULL), made an expanded object in the
/// aggregate context when it is not one yet: `init` when NULL, read from its bytes when flat.
pub fn update<T: AggregateState + 'static>(
    datum: Option<pg_sys::Datum>,
    fcinfo: pg_sys::FunctionCallInfo,
    init: impl FnOnce(ContextAllocator) -> T,
    change: impl FnOnce(&mut T),
) -> pg_sys::Datum {
    if let Some(object) = datum.and_then(ours::<T>) {
        object.flat = None;
        // SAFETY: `ours` checked that `state` is a `T`; the object (and so the state) lives in
        // the aggregate context, at least until this call returns, and only this call uses it.
        change(unsafe { object.state.cast::<T>().as_mut() });
        return pg_sys::Datum::from(object.header.eoh_rw_ptr.as_mut_ptr());
    }
    // A context of its own under the aggregate's, as PostgreSQL requires of a transition
    // value it keeps without copying; freed when the aggregate resets or drops the state.
    // SAFETY: the aggregate context is live during the call; the sizes are PostgreSQL's own.
    let context = unsafe {
        pg_sys::AllocSetContextCreateInternal(
            aggregate_context(fcinfo),
            c"pg_clv aggregate state".as_ptr(),
            pg_sys::ALLOCSET_DEFAULT_MINSIZE as usize,
            pg_sys::ALLOCSET_DEFAULT_INITSIZE as usize,
            pg_sys::ALLOCSET_DEFAULT_MAXSIZE as usize,
        )
    };
    let alloc = ContextAllocator::new(context);
    let value = match datum {
        None => init(alloc),
        Some(flat) => read_flat::<T>(flat, alloc),
    };
    let state = leak_into(context, value);
    let object = leak_into(
        context,
        Expanded {
            // SAFETY: all-zero is a valid header (integers and null pointers), which
            // EOH_init_header fills in below.
            header: unsafe { std::mem::zeroed() },
            state: state.cast::<c_void>(),
            state_type: TypeId::of::<T>(),
            serialize: serialize_state::<T>,
            flat: None,
        },
    );
    // SAFETY: `object` was just written by leak_into and nothing else refers to it yet.
    let object = unsafe { &mut *object.as_ptr() };
    // SAFETY: the header is the first field of a repr(C) struct in `context`, which owns it.
    unsafe { pg_sys::EOH_init_header(&mut object.header, &METHODS, context) };
    // SAFETY: `state` was just written by leak_into; only this call refers to it.
    change(unsafe { &mut *state.as_ptr() });
    pg_sys::Datum::from(object.header.eoh_rw_ptr.as_mut_ptr())
}

/// Lends a state to read (a final function's, a combine function's second) to `look`: the
/// expanded object itself, or a flat state read into the current memory context.
pub fn read<T: AggregateState + 'static, R>(datum: pg_sys::Datum, look: impl FnOnce(&mut T) -> R) -> R {
    if let Some(object) = ours::<T>(datum) {
        object.flat = None;
        // SAFETY: as in `update`: a live `T` that only this call uses.
        return look(unsafe { object.state.cast::<T>().as_mut() });
    }
    // SAFETY: CurrentMemoryContext is always a valid context during a call.
    let context = unsafe { pg_sys::CurrentMemoryContext };
    let value = read_flat::<T>(datum, ContextAllocator::new(context));
    // SAFETY: just written by leak_into, in a context that outlives this call's use of it.
    look(unsafe { &mut *leak_into(context, value).as_ptr() })
}
