//! Segments in SQL: repurchase cycle, lifecycle stages, RFM breaks, scores and segments.

mod lifecycle;
mod repurchase;
pub(crate) mod rfm;
