//! Rule-based segments of customers: repurchase cycles, lifecycle stages, RFM scores.

pub mod lifecycle;
pub mod repurchase;
pub mod rfm;
