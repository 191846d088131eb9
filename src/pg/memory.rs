//! Allocation in PostgreSQL memory contexts for aggregate states.
//!
//! Aggregate states live in the aggregate's memory context, so that hash aggregation counts
//! them against `work_mem` (and spills when it must) and a reset frees them without any
//! destructor running. Collections inside a state use [`ContextAllocator`] for the same reason.

use allocator_api2::alloc::{AllocError, Allocator, Layout};
use pgrx::pg_sys;
use std::ptr::NonNull;

/// palloc's guaranteed alignment (MAXALIGN on every platform PostgreSQL supports).
const PALLOC_ALIGN: usize = 8;

/// An [`Allocator`] over one memory context. Memory is freed with the context; values in it
/// must not own memory elsewhere (no `std` collections).
#[derive(Clone, Copy)]
pub struct ContextAllocator(pg_sys::MemoryContext);

impl ContextAllocator {
    pub fn new(context: pg_sys::MemoryContext) -> Self {
        Self(context)
    }
}

// SAFETY: blocks come from palloc in one context, MAXALIGNed (larger alignments are refused),
// and stay valid until freed here or until the context is reset, which the types that use
// this allocator never outlive (aggregate states in their aggregate's context).
unsafe impl Allocator for ContextAllocator {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        if layout.align() > PALLOC_ALIGN {
            return Err(AllocError);
        }
        // palloc raises an ERROR (a Rust panic through pgrx's FFI guard) when out of memory.
        // SAFETY: the context is live while the state that holds this allocator is.
        let ptr = unsafe { pg_sys::MemoryContextAlloc(self.0, layout.size().max(1)) };
        NonNull::new(ptr.cast::<u8>())
            .map(|p| NonNull::slice_from_raw_parts(p, layout.size()))
            .ok_or(AllocError)
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, _layout: Layout) {
        // SAFETY: Allocator's contract: `ptr` was allocated by this allocator (palloc).
        unsafe { pg_sys::pfree(ptr.as_ptr().cast()) }
    }

    unsafe fn grow(&self, ptr: NonNull<u8>, _old: Layout, new: Layout) -> Result<NonNull<[u8]>, AllocError> {
        if new.align() > PALLOC_ALIGN {
            return Err(AllocError);
        }
        // repalloc keeps the chunk in the context it was allocated in.
        // SAFETY: Allocator's contract: `ptr` is a live block of this allocator.
        let grown = unsafe { pg_sys::repalloc(ptr.as_ptr().cast(), new.size().max(1)) };
        NonNull::new(grown.cast::<u8>())
            .map(|p| NonNull::slice_from_raw_parts(p, new.size()))
            .ok_or(AllocError)
    }
}

/// A vector in a memory context.
pub type ContextVec<T> = allocator_api2::vec::Vec<T, ContextAllocator>;

/// An empty [`ContextVec`] in `alloc`. Element types that palloc cannot align are refused at
/// compile time: a failed allocation inside a collection would abort the backend.
pub fn context_vec<T>(alloc: ContextAllocator) -> ContextVec<T> {
    const { assert!(std::mem::align_of::<T>() <= PALLOC_ALIGN, "palloc cannot align this type") };
    ContextVec::new_in(alloc)
}

/// Moves `value` into a new chunk of `context` and returns it. The value is never dropped: it
/// must own nothing outside `context` (use [`ContextVec`] for its collections).
pub fn leak_into<T>(context: pg_sys::MemoryContext, value: T) -> NonNull<T> {
    const { assert!(std::mem::align_of::<T>() <= PALLOC_ALIGN, "palloc cannot align this type") };
    let layout = Layout::new::<T>();
    let chunk = ContextAllocator(context).allocate(layout).expect("aligned palloc").cast::<T>();
    // SAFETY: a fresh chunk of `T`'s size and alignment (checked at compile time above).
    unsafe { chunk.as_ptr().write(value) };
    chunk
}

/// The aggregate memory context of the current call; ERRORs when not called as an aggregate.
pub fn aggregate_context(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::MemoryContext {
    let mut context = std::ptr::null_mut();
    // SAFETY: fcinfo is the current call's; PostgreSQL only reads it.
    let is_aggregate = unsafe { pg_sys::AggCheckCallContext(fcinfo, &mut context) };
    if is_aggregate == 0 {
        crate::pg::errors::raise(
            pgrx::PgSqlErrorCode::ERRCODE_FEATURE_NOT_SUPPORTED,
            "aggregate support function called outside an aggregate",
        );
    }
    context
}
