//! The stored binary form of pg_clv's small value types (RFM breaks, fitted models): a format
//! version byte, then fixed-width little-endian fields.

/// Why stored bytes cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Truncated,
    TrailingBytes,
    UnknownVersion(u8),
    Invalid(&'static str),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Truncated => write!(f, "value is truncated"),
            Self::TrailingBytes => write!(f, "value has trailing bytes"),
            Self::UnknownVersion(v) => write!(f, "format version {v} is not supported"),
            Self::Invalid(why) => write!(f, "{why}"),
        }
    }
}

/// A value stored in a column: its binary form starts with a format version byte, and a form
/// written by an earlier version must always decode to the same value
/// (`core/tests/stored_formats.rs` freezes the bytes).
pub trait StoredValue: Sized {
    fn encode(&self) -> Vec<u8>;
    fn decode(bytes: &[u8]) -> Result<Self, DecodeError>;
}

/// Builds a stored value field by field.
pub struct Writer(Vec<u8>);

impl Writer {
    pub fn new(version: u8) -> Self {
        Self(vec![version])
    }

    pub fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }

    pub fn i32(mut self, v: i32) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u64(mut self, v: u64) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn i128(mut self, v: i128) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn f64(mut self, v: f64) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn f64s(self, vs: &[f64]) -> Self {
        vs.iter().fold(self, |w, &v| w.f64(v))
    }

    /// An unsigned LEB128 varint: 1 byte below 128, at most 10.
    pub fn varint(mut self, mut v: u64) -> Self {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
        self
    }

    /// A UTF-8 string: its length as a varint, then its bytes.
    pub fn text(self, v: &str) -> Self {
        let mut w = self.varint(v.len() as u64);
        w.0.extend_from_slice(v.as_bytes());
        w
    }

    pub fn finish(self) -> Vec<u8> {
        self.0
    }
}

/// Reads a stored value field by field, checking the version first.
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8], version: u8) -> Result<Self, DecodeError> {
        match bytes.first() {
            None => Err(DecodeError::Truncated),
            Some(&v) if v != version => Err(DecodeError::UnknownVersion(v)),
            Some(_) => Ok(Self { bytes: &bytes[1..] }),
        }
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        if self.bytes.len() < N {
            return Err(DecodeError::Truncated);
        }
        let (head, rest) = self.bytes.split_at(N);
        self.bytes = rest;
        Ok(head.try_into().expect("N bytes"))
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take::<1>()?[0])
    }

    pub fn i32(&mut self) -> Result<i32, DecodeError> {
        Ok(i32::from_le_bytes(self.take()?))
    }

    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.take()?))
    }

    pub fn i128(&mut self) -> Result<i128, DecodeError> {
        Ok(i128::from_le_bytes(self.take()?))
    }

    pub fn f64(&mut self) -> Result<f64, DecodeError> {
        Ok(f64::from_le_bytes(self.take()?))
    }

    pub fn f64s(&mut self, n: usize) -> Result<Vec<f64>, DecodeError> {
        (0..n).map(|_| self.f64()).collect()
    }

    pub fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(DecodeError::Invalid("varint out of range"));
            }
            v |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(DecodeError::Invalid("varint out of range"))
    }

    /// A string [`Writer::text`] wrote.
    pub fn text(&mut self) -> Result<String, DecodeError> {
        let len = self.varint()?;
        if len > self.bytes.len() as u64 {
            return Err(DecodeError::Truncated);
        }
        let (head, rest) = self.bytes.split_at(len as usize);
        self.bytes = rest;
        String::from_utf8(head.to_vec()).map_err(|_| DecodeError::Invalid("invalid UTF-8"))
    }

    /// How many bytes are left: a bound on the count of what follows.
    pub fn remaining(&self) -> usize {
        self.bytes.len()
    }

    /// `N` values without allocating (models are decoded once per prediction).
    pub fn f64_array<const N: usize>(&mut self) -> Result<[f64; N], DecodeError> {
        let mut values = [0.0; N];
        for v in &mut values {
            *v = self.f64()?;
        }
        Ok(values)
    }

    /// Ends reading; the value must have no bytes left.
    pub fn finish(self) -> Result<(), DecodeError> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes)
        }
    }
}

/// Weighted rows of non-negative numbers in ascending lexicographic order (a fit's merged
/// observations), written compactly: a row writes a header byte, then its fields from the first
/// one that differs from the previous row (that one as an increase), then its weight. Whole
/// numbers below 2^53 are varints and anything else 8 bytes, so the rows of a fit on days
/// (`x`, `t_x`, `T` and a count) take 2–4 bytes each instead of 32. Exact: every value reads
/// back bit for bit. This is what a fit's partial state costs on the wire (parallel workers,
/// Citus shards).
pub mod sorted_rows {
    use super::{DecodeError, Reader, Writer};

    /// Rows have at most this many fields (the header has a bit per field).
    pub const MAX_FIELDS: usize = 3;
    const WEIGHT_ONE: u8 = 0;
    const WEIGHT_WHOLE: u8 = 1;
    const WEIGHT_RAW: u8 = 2;
    const LIMIT: f64 = (1u64 << 53) as f64;

    fn whole(v: f64) -> Option<u64> {
        ((0.0..LIMIT).contains(&v) && v.fract() == 0.0 && v.to_bits() != (-0.0f64).to_bits())
            .then_some(v as u64)
    }

    /// Writes `rows` (fields, weight); each row's fields must have the same length, at most
    /// [`MAX_FIELDS`].
    pub fn write<'a>(w: Writer, rows: impl ExactSizeIterator<Item = (&'a [f64], f64)>) -> Writer {
        let mut w = w.varint(rows.len() as u64);
        let mut previous = [0.0f64; MAX_FIELDS];
        for (fields, weight) in rows {
            assert!(fields.len() <= MAX_FIELDS);
            let first = (0..fields.len())
                .find(|&i| fields[i].to_bits() != previous[i].to_bits())
                .unwrap_or(fields.len());
            let mut header = first as u8;
            let mut payload = Vec::with_capacity(fields.len() + 1);
            for i in first..fields.len() {
                let base = if i == first { whole(previous[i]) } else { Some(0) };
                match (base, whole(fields[i])) {
                    (Some(base), Some(v)) if v >= base => {
                        header |= 1 << (2 + i);
                        payload.push(Err(v - base));
                    }
                    _ => payload.push(Ok(fields[i])),
                }
            }
            let weight_kind = match whole(weight) {
                Some(1) => WEIGHT_ONE,
                Some(_) => WEIGHT_WHOLE,
                None => WEIGHT_RAW,
            };
            w = w.u8(header | (weight_kind << 5));
            for value in payload {
                w = match value {
                    Err(varint) => w.varint(varint),
                    Ok(raw) => w.f64(raw),
                };
            }
            w = match weight_kind {
                WEIGHT_ONE => w,
                WEIGHT_WHOLE => w.varint(weight as u64),
                _ => w.f64(weight),
            };
            previous[..fields.len()].copy_from_slice(fields);
        }
        w
    }

    /// Reads rows of `width` fields that [`write`] wrote, handing each (fields, weight) to
    /// `each`. Fields are finite and non-negative, weights finite and positive; anything else is
    /// an error, so that bytes from outside cannot put NaN into a fit.
    pub fn read(
        r: &mut Reader,
        width: usize,
        mut each: impl FnMut(&[f64], f64) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        assert!(width <= MAX_FIELDS);
        let count = r.varint()?;
        // Every row takes a byte at least: a count beyond the bytes left is corrupt.
        if count > r.remaining() as u64 {
            return Err(DecodeError::Truncated);
        }
        let mut row = [0.0f64; MAX_FIELDS];
        for _ in 0..count {
            let header = r.u8()?;
            let first = usize::from(header & 3);
            if first > width || header & 0x80 != 0 {
                return Err(DecodeError::Invalid("invalid row header"));
            }
            for i in first..width {
                row[i] = if header & (1 << (2 + i)) != 0 {
                    let base = if i == first {
                        whole(row[i]).ok_or(DecodeError::Invalid("invalid row"))?
                    } else {
                        0
                    };
                    let v = base.checked_add(r.varint()?).filter(|&v| (v as f64) < LIMIT);
                    v.ok_or(DecodeError::Invalid("row value out of range"))? as f64
                } else {
                    r.f64()?
                };
                if !(row[i].is_finite() && row[i] >= 0.0) {
                    return Err(DecodeError::Invalid("row values must be finite and non-negative"));
                }
            }
            let weight = match (header >> 5) & 3 {
                WEIGHT_ONE => 1.0,
                WEIGHT_WHOLE => r.varint()? as f64,
                WEIGHT_RAW => r.f64()?,
                _ => return Err(DecodeError::Invalid("invalid row header")),
            };
            if !(weight.is_finite() && weight > 0.0) {
                return Err(DecodeError::Invalid("row weights must be finite and positive"));
            }
            each(&row[..width], weight)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let bytes = Writer::new(3).u8(7).i32(-5).u64(9).i128(-1 << 100).f64s(&[1.5, -2.0]).finish();
        let mut r = Reader::new(&bytes, 3).unwrap();
        assert_eq!((r.u8(), r.i32(), r.u64(), r.i128()), (Ok(7), Ok(-5), Ok(9), Ok(-1 << 100)));
        assert_eq!(r.f64s(2), Ok(vec![1.5, -2.0]));
        assert_eq!(
            Reader::new(&Writer::new(1).f64s(&[1.5, -2.0]).finish(), 1).unwrap().f64_array(),
            Ok([1.5, -2.0])
        );
        assert_eq!(r.finish(), Ok(()));
        assert_eq!(Reader::new(&bytes, 1).err(), Some(DecodeError::UnknownVersion(3)));
        let mut short = Reader::new(&bytes[..4], 3).unwrap();
        assert_eq!((short.u8(), short.i32()), (Ok(7), Err(DecodeError::Truncated)));
        let mut long = Reader::new(&bytes, 3).unwrap();
        long.u8().unwrap();
        assert_eq!(long.finish(), Err(DecodeError::TrailingBytes));
    }

    #[test]
    fn varints() {
        for v in [0, 1, 127, 128, 300, u64::MAX] {
            let bytes = Writer::new(1).varint(v).finish();
            let mut r = Reader::new(&bytes, 1).unwrap();
            assert_eq!(r.varint(), Ok(v));
            assert_eq!(r.finish(), Ok(()));
        }
        let too_long = [1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert!(Reader::new(&too_long, 1).unwrap().varint().is_err());
    }

    fn read_rows(bytes: &[u8], width: usize) -> Result<Vec<(Vec<f64>, f64)>, DecodeError> {
        let mut r = Reader::new(bytes, 1)?;
        let mut rows = Vec::new();
        sorted_rows::read(&mut r, width, |f, w| {
            rows.push((f.to_vec(), w));
            Ok(())
        })?;
        r.finish()?;
        Ok(rows)
    }

    #[test]
    fn sorted_rows_round_trip_bit_for_bit() {
        let rows: Vec<(Vec<f64>, f64)> = vec![
            (vec![0.0, 0.0, 365.0], 12.0),
            (vec![0.0, 0.0, 366.0], 1.0),
            (vec![2.0, 10.0, 400.0], 1.0),
            (vec![2.0, 10.0, 401.5], 0.25),
            (vec![2.0, 11.0 / 7.0, 3.0], 1.0),
            (vec![3.0, 1e300, 9007199254740993.0], 3.0),
            (vec![3.0, 1e300, 9007199254740993.0], 1.0),
        ];
        let bytes = sorted_rows::write(Writer::new(1), rows.iter().map(|(f, w)| (f.as_slice(), *w))).finish();
        let back = read_rows(&bytes, 3).unwrap();
        let bits = |rows: &[(Vec<f64>, f64)]| {
            rows.iter()
                .map(|(f, w)| (f.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), w.to_bits()))
                .collect::<Vec<_>>()
        };
        assert_eq!(bits(&back), bits(&rows));
    }

    #[test]
    fn sorted_rows_of_days_take_a_few_bytes() {
        // 1,000 customers' (x, t_x, T) in days, as a fit on a year of arrivals sees them.
        let mut rows: Vec<[f64; 3]> = (0..1000u32)
            .map(|i| [f64::from(i % 7), f64::from(i % 7 * 20 + i % 3), f64::from(365 + i % 365)])
            .collect();
        rows.sort_by(|a, b| a.partial_cmp(b).unwrap());
        rows.dedup();
        let bytes = sorted_rows::write(Writer::new(1), rows.iter().map(|f| (f.as_slice(), 1.0))).finish();
        assert!(bytes.len() < 3 * rows.len(), "{} bytes for {} rows", bytes.len(), rows.len());
        assert_eq!(read_rows(&bytes, 3).unwrap().len(), rows.len());
    }

    #[test]
    fn sorted_rows_refuse_what_write_never_writes() {
        let one_row = |header: u8, rest: &[u8]| [&[1u8, 1, header][..], rest].concat();
        // NaN and negative fields, zero and infinite weights, a header beyond the width.
        for bad in [
            one_row(0b0000_0010, &f64::NAN.to_le_bytes()),
            one_row(0b0000_0010, &(-1.0f64).to_le_bytes()),
            one_row(0b0010_0010 | 0x10, &[5, 0]),
            [one_row(0b0100_0010 | 0x10, &[5]), f64::INFINITY.to_le_bytes().to_vec()].concat(),
            vec![1, 200, 1],
        ] {
            assert!(read_rows(&bad, 3).is_err(), "{bad:?}");
        }
        // Header says the first 3 fields repeat, on rows of 2.
        assert!(read_rows(&one_row(0b0000_0011, &[]), 2).is_err());
        assert_eq!(
            read_rows(&one_row(0b0000_0010 | 0x10, &[5]), 3).unwrap(),
            vec![(vec![0.0, 0.0, 5.0], 1.0)]
        );
    }
}
