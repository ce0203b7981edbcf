//! Strict parsing of the text forms that cross the boundary: dates, decimals, currencies.
//! Each returns `None` for anything that is not exactly of the documented form.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;

/// Parses `YYYY-MM-DD` (exactly four, two and two digits) into a date that exists.
pub fn date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = num(0..4)?;
    let month = num(5..7)?;
    let day = num(8..10)?;
    NaiveDate::from_ymd_opt(year as i32, month, day)
}

/// Parses a plain decimal: an optional `-`, digits, optionally `.` and digits.
/// No `+`, exponent, separators or spaces; at most 28 decimals and a value that fits
/// `rust_decimal` (96-bit mantissa). One pass over the bytes, no allocation.
pub fn decimal(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let mut mantissa: u128 = 0;
    let (mut whole, mut fraction, mut dot) = (0u32, 0u32, false);
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa
                    .checked_mul(10)?
                    .checked_add(u128::from(c - b'0'))?;
                if dot {
                    fraction += 1;
                } else {
                    whole += 1;
                }
            }
            b'.' if !dot => dot = true,
            _ => return None,
        }
    }
    if whole == 0 || (dot && fraction == 0) || mantissa >= 1 << 96 {
        return None;
    }
    let mut value =
        Decimal::try_from_i128_with_scale(i128::try_from(mantissa).ok()?, fraction).ok()?;
    value.set_sign_negative(negative);
    Some(value)
}

/// An ISO 4217 currency code: three capital ASCII letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses three capital letters (`EUR`); anything else is `None`.
    pub fn parse(text: &str) -> Option<Currency> {
        let b = text.as_bytes();
        (b.len() == 3 && b.iter().all(u8::is_ascii_uppercase)).then(|| Currency([b[0], b[1], b[2]]))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII capitals are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Currency::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "'{text}' is not an ISO 4217 code (three capital letters)"
            ))
        })
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist_and_be_exactly_formatted() {
        assert_eq!(date("2022-01-31"), NaiveDate::from_ymd_opt(2022, 1, 31));
        assert_eq!(date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in [
            "2022-02-30",
            "2023-02-29",
            "2022-13-01",
            "2022-00-10",
            "2022-1-5",
            "22-01-05",
            "2022/01/05",
            "2022-01-05T00:00",
            " 2022-01-05",
            "",
            "2022-01-+5",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
    }

    #[test]
    fn decimals_are_plain() {
        assert_eq!(decimal("12.50"), Some(Decimal::new(1250, 2)));
        assert_eq!(decimal("-3"), Some(Decimal::new(-3, 0)));
        assert_eq!(decimal("0.001"), Some(Decimal::new(1, 3)));
        assert_eq!(
            decimal("500.00").map(|d| d.to_string()).as_deref(),
            Some("500.00")
        );
        assert_eq!(
            decimal("-12.5").map(|d| d.to_string()).as_deref(),
            Some("-12.5")
        );
        assert_eq!(
            decimal("79228162514264337593543950335"),
            Some(Decimal::MAX),
            "the largest mantissa"
        );
        assert_eq!(
            decimal("1.0000000000000000000000000001"),
            Some(Decimal::new(1, 0) + Decimal::new(1, 28))
        );
        for bad in [
            "12,50",
            "1e3",
            "",
            "-",
            "+1",
            ".5",
            "5.",
            "1 000",
            "1_000",
            "NaN",
            "--1",
            "1.2.3",
            "99999999999999999999999999999999",
            "79228162514264337593543950336",
            "0.00000000000000000000000000001",
        ] {
            assert_eq!(decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn currencies_are_three_capitals() {
        assert_eq!(
            Currency::parse("EUR").map(|c| c.to_string()),
            Some("EUR".into())
        );
        for bad in ["eur", "EU", "EURO", "E1R", "", "ÉUR"] {
            assert_eq!(Currency::parse(bad), None, "{bad}");
        }
    }
}
