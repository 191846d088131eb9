//! Order amounts as exact fixed-point integers.
//!
//! Amounts are held in micro-units (1/1,000,000 of the currency unit) in an `i64`. Integer
//! addition is associative, so a customer summary built serially, by parallel workers or by
//! rolling up partial summaries is bit-for-bit the same value; summing `f64` would depend on
//! the order in which rows arrive. Six decimal places cover every ISO 4217 currency.

use std::fmt::Write;

/// Micro-units per currency unit.
pub const MICROS_PER_UNIT: i64 = 1_000_000;

/// Why an amount cannot be represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    /// NaN or ±infinity.
    NotFinite,
    /// Beyond ±9,223,372,036,854.775807 currency units.
    OutOfRange,
    /// Text that is not a decimal number.
    Malformed,
}

/// Converts an `f64` amount to micro-units, rounding half away from zero.
///
/// `round(x * 1e6)` recovers the exact decimal for amounts with at most six decimals below
/// 2^31 in magnitude; beyond that the error stays below one micro-unit.
pub fn micros_from_f64(amount: f64) -> Result<i64, AmountError> {
    if !amount.is_finite() {
        return Err(AmountError::NotFinite);
    }
    let scaled = (amount * MICROS_PER_UNIT as f64).round();
    // i64::MAX is not representable as f64; compare against 2^63 exactly.
    if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&scaled) {
        return Err(AmountError::OutOfRange);
    }
    Ok(scaled as i64)
}

/// Converts a decimal given as base-10000 digits, the representation of PostgreSQL's
/// `numeric` (value = Σ digitᵢ × 10000^(weight − i)), to micro-units exactly, rounding half
/// away from zero as `numeric`'s own rounding does.
pub fn micros_from_base10000(
    negative: bool,
    weight: i32,
    digits: impl IntoIterator<Item = u16>,
) -> Result<i64, AmountError> {
    let mut magnitude: i128 = 0;
    let mut round_up = false;
    for (i, digit) in digits.into_iter().enumerate() {
        let digit = i128::from(digit);
        // Power of ten of this digit, counted in micro-units: 6 for units, 2 for 1e-4, ...
        let exponent = 4 * (weight - i as i32) + 6;
        if exponent >= 0 {
            if digit != 0 {
                let scale = 10i128.checked_pow(exponent as u32).ok_or(AmountError::OutOfRange)?;
                magnitude = digit
                    .checked_mul(scale)
                    .and_then(|v| magnitude.checked_add(v))
                    .ok_or(AmountError::OutOfRange)?;
            }
        } else {
            // The digit covering 1e-5..1e-8: its hundreds are micro-units, its rest decides
            // the rounding. Digits further right cannot change a half-away-from-zero rounding.
            if exponent == -2 {
                magnitude += digit / 100;
                round_up = digit % 100 >= 50;
            }
            break;
        }
    }
    if round_up {
        magnitude += 1;
    }
    let micros = if negative { -magnitude } else { magnitude };
    i64::try_from(micros).map_err(|_| AmountError::OutOfRange)
}

/// Converts micro-units (or a sum of them) back to an `f64` amount: the double nearest to the
/// exact decimal while |micros| < 2^53 (both operands are exact and IEEE division rounds
/// correctly), within one ulp beyond.
pub fn micros_to_f64(micros: i128) -> f64 {
    micros as f64 / MICROS_PER_UNIT as f64
}

/// A sum of micro-units as two 64-bit halves: an `i128` that needs only 8-byte alignment, for
/// sums kept in PostgreSQL memory (palloc aligns to 8 bytes; Rust's `i128` wants 16).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MicrosSum {
    low: u64,
    high: i64,
}

impl From<i128> for MicrosSum {
    fn from(v: i128) -> Self {
        Self { low: v as u64, high: (v >> 64) as i64 }
    }
}

impl From<MicrosSum> for i128 {
    fn from(v: MicrosSum) -> Self {
        (i128::from(v.high) << 64) | i128::from(v.low)
    }
}

impl std::ops::AddAssign<i128> for MicrosSum {
    fn add_assign(&mut self, other: i128) {
        *self = (i128::from(*self) + other).into();
    }
}

/// Parses a plain decimal number (`-12.345`, `7`, `0.5`, optional exponent-free) into
/// micro-units exactly. More than six decimals are rounded half away from zero.
pub fn parse_micros(text: &str) -> Result<i64, AmountError> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !is_digits(whole) || !is_digits(fraction) {
        return Err(AmountError::Malformed);
    }
    let mut micros: i128 = 0;
    for b in whole.bytes() {
        micros = micros * 10 + i128::from(b - b'0');
        if micros > i128::from(i64::MAX) {
            return Err(AmountError::OutOfRange);
        }
    }
    let mut scale = MICROS_PER_UNIT as i128;
    micros *= scale;
    for b in fraction.bytes().take(6) {
        scale /= 10;
        micros += i128::from(b - b'0') * scale;
    }
    if fraction.as_bytes().get(6).is_some_and(|&b| b >= b'5') {
        micros += 1;
    }
    let micros = if negative { -micros } else { micros };
    i64::try_from(micros).map_err(|_| AmountError::OutOfRange)
}

/// Formats micro-units as the shortest exact decimal (`29.33`, `-5`, `0.000001`).
pub fn format_micros(micros: i128, out: &mut String) {
    let unit = MICROS_PER_UNIT as u128;
    let magnitude = micros.unsigned_abs();
    if micros < 0 {
        out.push('-');
    }
    write!(out, "{}", magnitude / unit).expect("writing to a String cannot fail");
    let fraction = magnitude % unit;
    if fraction != 0 {
        let digits = format!("{fraction:06}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micros_sum_holds_every_i128() {
        for v in [0, 1, -1, i128::MAX, i128::MIN, 1 << 64, -(1 << 64) - 1, 123_456_789_012_345_678_901_234] {
            assert_eq!(i128::from(MicrosSum::from(v)), v);
        }
        let mut sum = MicrosSum::from(u64::MAX as i128);
        sum += 1;
        assert_eq!(i128::from(sum), 1 << 64);
        assert_eq!(std::mem::align_of::<MicrosSum>(), 8);
    }

    #[test]
    fn two_decimal_amounts_are_exact() {
        assert_eq!(micros_from_f64(29.33), Ok(29_330_000));
        assert_eq!(micros_from_f64(-0.01), Ok(-10_000));
        assert_eq!(micros_from_f64(0.0), Ok(0));
        // 0.1 + 0.2 is not 0.3 in f64, but the micro-units are.
        assert_eq!(micros_from_f64(0.1 + 0.2), Ok(300_000));
        assert_eq!(micros_from_f64(2_147_483_647.999_999), Ok(2_147_483_647_999_999));
    }

    #[test]
    fn non_finite_and_huge_amounts_are_rejected() {
        assert_eq!(micros_from_f64(f64::NAN), Err(AmountError::NotFinite));
        assert_eq!(micros_from_f64(f64::INFINITY), Err(AmountError::NotFinite));
        assert_eq!(micros_from_f64(-f64::INFINITY), Err(AmountError::NotFinite));
        assert_eq!(micros_from_f64(1e13), Err(AmountError::OutOfRange));
        assert_eq!(micros_from_f64(-1e13), Err(AmountError::OutOfRange));
        assert!(micros_from_f64(9.2e12).is_ok());
    }

    #[test]
    fn parse_and_format_round_trip() {
        for text in ["29.33", "-5", "0.000001", "9223372036854.775807", "-9223372036854.775808", "0"] {
            let micros = parse_micros(text).unwrap();
            let mut back = String::new();
            format_micros(micros.into(), &mut back);
            assert_eq!(back, text);
        }
        assert_eq!(parse_micros("1.2345675"), Ok(1_234_568));
        assert_eq!(parse_micros("+.5"), Ok(500_000));
        assert_eq!(parse_micros("7."), Ok(7_000_000));
        assert_eq!(parse_micros("9223372036855"), Err(AmountError::OutOfRange));
        for bad in ["", ".", "1e3", "abc", "1.2.3", "--1", " 1"] {
            assert_eq!(parse_micros(bad), Err(AmountError::Malformed), "{bad:?}");
        }
    }

    #[test]
    fn base10000_digits_convert_exactly() {
        // 29.33 = 29 | 3300 at weight 0
        assert_eq!(micros_from_base10000(false, 0, [29, 3300]), Ok(29_330_000));
        // -123456789.5 = 1 | 2345 | 6789 | 5000 at weight 2
        assert_eq!(micros_from_base10000(true, 2, [1, 2345, 6789, 5000]), Ok(-123_456_789_500_000));
        // 0.00000051 = 0.0000 | 0051: 0.51 micro-units round up
        assert_eq!(micros_from_base10000(false, -2, [51]), Ok(1));
        assert_eq!(micros_from_base10000(false, -2, [49, 9999]), Ok(0));
        assert_eq!(micros_from_base10000(true, -2, [50]), Ok(-1));
        // 0.0000005 = 0.0000 | 0050 rounds away from zero, like numeric's round()
        assert_eq!(micros_from_base10000(false, -2, [50]), Ok(1));
        // 1.23456789 = 1 | 2345 | 6789
        assert_eq!(micros_from_base10000(false, 0, [1, 2345, 6789]), Ok(1_234_568));
        // 1e8 = 1 | 0000 | 0000 with trailing zero digits stripped
        assert_eq!(micros_from_base10000(false, 2, [1]), Ok(100_000_000_000_000));
        assert_eq!(micros_from_base10000(false, 0, []), Ok(0));
    }

    #[test]
    fn base10000_range_is_i64_micros() {
        // 9223372036854.775807 = 9 | 2233 | 7203 | 6854 | 7758 | 0700 at weight 3
        assert_eq!(micros_from_base10000(false, 3, [9, 2233, 7203, 6854, 7758, 700]), Ok(i64::MAX));
        assert_eq!(micros_from_base10000(true, 3, [9, 2233, 7203, 6854, 7758, 800]), Ok(i64::MIN));
        assert_eq!(
            micros_from_base10000(false, 3, [9, 2233, 7203, 6854, 7758, 800]),
            Err(AmountError::OutOfRange)
        );
        assert_eq!(micros_from_base10000(false, 40, [1]), Err(AmountError::OutOfRange));
    }

    #[test]
    fn to_f64_is_the_nearest_double_to_the_decimal() {
        for cents in (0..2_000_000i64).step_by(7).chain([154_828, 16_989, 10_575, 999_999_999_999]) {
            let text = format!("{}.{:02}", cents / 100, cents % 100);
            let micros = parse_micros(&text).unwrap();
            assert_eq!(micros_to_f64(micros.into()), text.parse::<f64>().unwrap(), "{text}");
        }
    }

    #[test]
    fn to_f64_is_exact_for_cents() {
        assert_eq!(micros_to_f64(29_330_000), 29.33);
        assert_eq!(micros_to_f64(-10_000), -0.01);
        assert_eq!(micros_to_f64(1_000_000 * 123_456_789 + 990_000), 123_456_789.99);
    }
}
