//! Numerical building blocks with no knowledge of customers: special functions and quadrature,
//! maximum likelihood, and sorting with merged duplicates.

pub mod optimize;
pub mod sorted;
pub mod special;
