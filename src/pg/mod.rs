//! The PostgreSQL plumbing every SQL module shares: the checks of numeric arguments
//! ([`args`]), how values cross the boundary ([`datum`]),
//! memory contexts ([`memory`]), internal-state aggregates ([`aggregate`]), per-call-site
//! caches and composite rows ([`call`]), settings ([`settings`]), errors ([`errors`]), and the
//! conversion of dates and amounts ([`dates`], [`amounts`]).

pub mod aggregate;
pub mod amounts;
pub mod args;
pub mod call;
pub mod dates;
pub mod datum;
pub mod errors;
pub mod expanded;
pub mod memory;
pub mod settings;
