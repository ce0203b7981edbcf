//! Idempotency keys: the same reminder (company, partner, level, date, channel) always
//! gets the same key, so a host can drop a repeat.

use chrono::NaiveDate;
use std::fmt::Write;

/// Version prefix of every key; bumped if the key's shape ever changes.
pub const PREFIX: &str = "followup/1";

/// The key of a reminder: `followup/1/<company>/<partner>/<level>/<date>/<channel>`,
/// each part percent-encoded.
pub fn reminder(
    company: &str,
    partner: &str,
    level: &str,
    date: NaiveDate,
    channel: &str,
) -> String {
    let mut key = String::from(PREFIX);
    for part in [company, partner, level, &date.to_string(), channel] {
        key.push('/');
        encode_into(&mut key, part);
    }
    key
}

/// A key for a message to an item's own contact: the reminder key and the first item id.
pub fn with_item(key: &str, item: &str) -> String {
    let mut key = key.to_string();
    key.push('/');
    encode_into(&mut key, item);
    key
}

fn encode_into(out: &mut String, part: &str) {
    for c in part.chars() {
        if c == '%' || c == '/' || c.is_control() {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{byte:02X}");
            }
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_unambiguous() {
        let day = NaiveDate::from_ymd_opt(2022, 1, 11).unwrap();
        assert_eq!(
            reminder("main", "bluebird", "first", day, "email"),
            "followup/1/main/bluebird/first/2022-01-11/email"
        );
        assert_eq!(
            reminder("a/b", "50%", "x", day, "sms"),
            "followup/1/a%2Fb/50%25/x/2022-01-11/sms"
        );
        assert_ne!(
            reminder("main", "p", "first", day, "email"),
            reminder("main", "p", "first", day, "sms")
        );
    }
}
