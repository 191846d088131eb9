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
}
