//! The stored models: Buy-Till-You-Die purchase models ([`btyd`]), the Gamma-Gamma spend
//! model ([`gamma_gamma`]), and customer lifetime value from the two ([`value`]).

pub mod btyd;
pub mod gamma_gamma;
pub mod value;
