//! Order amounts (`float8` or `numeric`) to exact micro-units (see `clv_core::money`).

use crate::pg::datum::pg_newtype;
use crate::pg::errors::bad_amount;
use clv_core::money::{micros_from_base10000, micros_from_f64, AmountError};

pub fn float8_micros(amount: f64) -> i64 {
    micros_from_f64(amount).unwrap_or_else(|e| bad_amount(e))
}

pg_newtype!(
    /// A `numeric` amount, decoded from its stored digits without calling into PostgreSQL.
    varlena_arg NumericArg,
    "numeric"
);

// The layout of a stored numeric (NumericData in PostgreSQL's src/backend/utils/adt/numeric.c,
// unchanged since 9.1; the special values NaN/±Infinity since 14): a 16-bit header, then for
// the long form a 16-bit weight, then base-10000 digits as int16, all in native byte order.
const NUMERIC_SIGN_MASK: u16 = 0xC000;
const NUMERIC_NEG: u16 = 0x4000;
const NUMERIC_SHORT: u16 = 0x8000;
const NUMERIC_SPECIAL: u16 = 0xC000;
const NUMERIC_SHORT_SIGN_MASK: u16 = 0x2000;
const NUMERIC_SHORT_WEIGHT_SIGN_MASK: u16 = 0x0040;
const NUMERIC_SHORT_WEIGHT_MASK: u16 = 0x003F;

fn read_u16(bytes: &[u8], at: usize) -> u16 {
    u16::from_ne_bytes([bytes[at], bytes[at + 1]])
}

/// `round(amount * 1e6)` exactly, rounding half away from zero like `numeric`.
pub fn numeric_micros(amount: NumericArg) -> i64 {
    let bytes = amount.0.bytes();
    let header = read_u16(bytes, 0);
    let (negative, weight, digits_at) = match header & NUMERIC_SIGN_MASK {
        NUMERIC_SPECIAL => bad_amount(AmountError::NotFinite),
        NUMERIC_SHORT => {
            let magnitude = i32::from(header & NUMERIC_SHORT_WEIGHT_MASK);
            let weight =
                if header & NUMERIC_SHORT_WEIGHT_SIGN_MASK != 0 { magnitude - 64 } else { magnitude };
            (header & NUMERIC_SHORT_SIGN_MASK != 0, weight, 2)
        }
        sign => (sign == NUMERIC_NEG, i32::from(read_u16(bytes, 2) as i16), 4),
    };
    let digits = bytes[digits_at..].chunks_exact(2).map(|d| u16::from_ne_bytes([d[0], d[1]]));
    micros_from_base10000(negative, weight, digits).unwrap_or_else(|e| bad_amount(e))
}
