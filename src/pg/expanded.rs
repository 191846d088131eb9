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

unsafe fn serialize_state<T: AggregateState>(state: NonNull<c_void>) -> Vec<u8> {
    unsafe { state.cast::<T>().as_mut() }.serialize()
}

#[pgrx::pg_guard]
unsafe extern "C-unwind" fn get_flat_size(header: *mut pg_sys::ExpandedObjectHeader) -> pg_sys::Size {
    let object = unsafe { &mut *header.cast::<Expanded>() };
    let bytes = unsafe { (object.serialize)(object.state) };
    let total = pg_sys::VARHDRSZ + bytes.len();
    if total > 0x3fff_ffff {
        raise(
            crate::pg::errors::PROGRAM_LIMIT_EXCEEDED,
            format!("aggregate state of {} bytes exceeds PostgreSQL's 1 GB limit", bytes.len()),
        );
    }
    if let Some(old) = object.flat.take() {
        unsafe { pg_sys::pfree(old.as_ptr().cast()) };
    }
    let flat =
        unsafe { pg_sys::MemoryContextAlloc(object.header.eoh_context, bytes.len().max(1)) }.cast::<u8>();
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
    let object = unsafe { &mut *header.cast::<Expanded>() };
    let flat = object.flat.take().expect("get_flat_size runs before flatten_into");
    let len = flat.len();
    assert_eq!(allocated_size, pg_sys::VARHDRSZ + len, "flat size changed");
    unsafe {
        pgrx::set_varsize_4b(result.cast(), allocated_size as i32);
        result.cast::<u8>().add(pg_sys::VARHDRSZ).copy_from_nonoverlapping(flat.as_ptr().cast::<u8>(), len);
        pg_sys::pfree(flat.as_ptr().cast());
    }
}

/// Our expanded object behind `datum`, if it is one holding a `T`.
fn ours<T: AggregateState + 'static>(datum: pg_sys::Datum) -> Option<&'static mut Expanded> {
    let ptr = datum.cast_mut_ptr::<pg_sys::varlena>();
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
    let header = unsafe { pg_sys::DatumGetEOHP(datum) };
    let object = unsafe { &mut *header.cast::<Expanded>() };
    (std::ptr::eq(object.header.eoh_methods, &METHODS) && object.state_type == TypeId::of::<T>())
        .then_some(object)
}

/// Reads a flat state, ERROR (22P03) if the bytes are not one.
fn read_flat<T: AggregateState>(datum: pg_sys::Datum, alloc: ContextAllocator) -> T {
    let bytes = unsafe { VarlenaBytes::from_datum(datum) };
    T::deserialize(bytes.bytes(), alloc)
        .unwrap_or_else(|e| raise(INVALID_BINARY_REPRESENTATION, format!("invalid aggregate state: {e}")))
}

/// The state of a transition or combine call, to change in place, and the datum the call
/// returns: the state passed in (`None` for SQL NULL), made an expanded object in the aggregate
/// context when it is not one yet: `init` when NULL, read from its bytes when flat.
pub fn state<T: AggregateState + 'static>(
    datum: Option<pg_sys::Datum>,
    fcinfo: pg_sys::FunctionCallInfo,
    init: impl FnOnce(ContextAllocator) -> T,
) -> (&'static mut T, pg_sys::Datum) {
    if let Some(object) = datum.and_then(ours::<T>) {
        object.flat = None;
        let rw = pg_sys::Datum::from(object.header.eoh_rw_ptr.as_mut_ptr());
        return (unsafe { object.state.cast::<T>().as_mut() }, rw);
    }
    // A context of its own under the aggregate's, as PostgreSQL requires of a transition
    // value it keeps without copying; freed when the aggregate resets or drops the state.
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
    let state = leak_into(context, value).cast::<c_void>();
    let object = leak_into(
        context,
        Expanded {
            header: unsafe { std::mem::zeroed() },
            state,
            state_type: TypeId::of::<T>(),
            serialize: serialize_state::<T>,
            flat: None,
        },
    );
    let object = unsafe { &mut *object.as_ptr() };
    unsafe { pg_sys::EOH_init_header(&mut object.header, &METHODS, context) };
    let rw = pg_sys::Datum::from(object.header.eoh_rw_ptr.as_mut_ptr());
    (unsafe { state.cast::<T>().as_mut() }, rw)
}

/// A state to read (a final function's, a combine function's second): the expanded object itself, or a flat state read into
/// the current memory context.
pub fn read_state<T: AggregateState + 'static>(datum: pg_sys::Datum) -> &'static mut T {
    if let Some(object) = ours::<T>(datum) {
        object.flat = None;
        return unsafe { object.state.cast::<T>().as_mut() };
    }
    let context = unsafe { pg_sys::CurrentMemoryContext };
    let value = read_flat::<T>(datum, ContextAllocator::new(context));
    unsafe { &mut *leak_into(context, value).as_ptr() }
}
