//! The demo's outbox: every delivered message as a file named after its idempotency key.
//!
//! Emails become `.eml` (RFC 5322, built with `mail-builder`: `multipart/mixed` holding
//! the text and HTML bodies as `multipart/alternative` and the engine's PDF statement as
//! an attachment), letters the engine's `.pdf`, SMS and tasks `.txt`. A repeat of the
//! same key overwrites the same file, which is how this host drops a repeated reminder.
//!
//! The invoices a `join-invoices` level asks to attach are named in the
//! `X-Followup-Attach` header: this reference host has no invoice documents to add.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use mail_builder::MessageBuilder;
use mail_builder::headers::HeaderType;
use mail_builder::headers::raw::Raw;
use mail_builder::headers::text::Text;

use crate::wit::chatter::Task;
use crate::wit::messaging::Message;
use crate::wit::types::{Channel, Company};

/// A folder receiving messages.
#[derive(Debug)]
pub struct Outbox {
    dir: PathBuf,
    /// File stem -> the key that owns it (two keys that sanitise alike get distinct files).
    stems: BTreeMap<String, String>,
}

/// A key made safe as a file name: ASCII letters, digits, `.`, `-` and `_` only.
pub fn sanitise(key: &str) -> String {
    let cleaned: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches('.');
    if trimmed.is_empty() {
        "message".to_string()
    } else {
        trimmed.to_string()
    }
}

impl Outbox {
    /// Opens (creating it if needed) the folder `dir`.
    pub fn create(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        Ok(Outbox {
            dir: dir.to_path_buf(),
            stems: BTreeMap::new(),
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file stem for `key`, distinct from other keys' stems.
    fn stem(&mut self, key: &str) -> String {
        let base = sanitise(key);
        let mut stem = base.clone();
        let mut n = 1;
        loop {
            match self.stems.get(&stem) {
                Some(owner) if owner == key => return stem,
                Some(_) => {
                    n += 1;
                    stem = format!("{base}-{n}");
                }
                None => {
                    self.stems.insert(stem.clone(), key.to_string());
                    return stem;
                }
            }
        }
    }

    /// Writes one message; returns the file written.
    pub fn write_message(&mut self, company: &Company, message: &Message) -> io::Result<PathBuf> {
        let stem = self.stem(&message.key);
        let pdf = message
            .attachments
            .iter()
            .find(|a| a.mime_type == "application/pdf");
        let (path, bytes) = match (message.channel, pdf) {
            (Channel::Email, _) => (
                self.dir.join(format!("{stem}.eml")),
                email(company, message, &stem)?,
            ),
            (Channel::PrintLetter | Channel::SendLetter, Some(pdf)) => {
                (self.dir.join(format!("{stem}.pdf")), pdf.content.clone())
            }
            _ => (
                self.dir.join(format!("{stem}.txt")),
                text_message(company, message).into_bytes(),
            ),
        };
        fs::write(&path, bytes)?;
        Ok(path)
    }

    /// Writes each task as a text file named after its key (a repeat overwrites it);
    /// returns the files written.
    pub fn write_tasks(&mut self, tasks: &[Task]) -> io::Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        for task in tasks {
            let path = self.dir.join(format!("{}.txt", sanitise(&task.key)));
            let text = format!(
                "Task for: {}\nDue: {}\nPartner: {}\nLevel: {}\nItems: {}\nKey: {}\n\n{}\n",
                task.responsible,
                task.date,
                task.partner,
                task.level,
                task.items.join(", "),
                task.key,
                task.note
            );
            fs::write(&path, text)?;
            written.push(path);
        }
        Ok(written)
    }
}

/// The sender address of a company: its own email, else one made from its id.
fn sender(company: &Company) -> String {
    match company.email.as_deref().map(str::trim) {
        Some(email) if !email.is_empty() => email.to_string(),
        _ => {
            let domain = sanitise(&company.id).to_ascii_lowercase().replace('_', "-");
            format!("followup@{domain}.example")
        }
    }
}

/// Seconds since 1970 at midnight UTC of a `YYYY-MM-DD` date, if it is one.
fn timestamp(date: &str) -> Option<i64> {
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
}

/// A header value: printable ASCII as is (only folded), anything else RFC 2047-encoded.
fn value(text: &str) -> HeaderType<'_> {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Raw::new(text).into()
    } else {
        Text::new(text).into()
    }
}

/// An email as RFC 5322 bytes: text and HTML alternatives, the engine's documents
/// attached.
fn email(company: &Company, m: &Message, stem: &str) -> io::Result<Vec<u8>> {
    let from = sender(company);
    let items = m.items.join(", ");
    let attach = m.attach.join(", ");
    let mut builder = MessageBuilder::new()
        .from((company.name.as_str(), from.as_str()))
        .to((m.recipient.name.as_str(), m.to.as_str()))
        .subject(m.subject.as_str())
        .message_id(format!("{stem}@followup.example"))
        .header("X-Idempotency-Key", value(&m.key))
        .header("X-Followup-Partner", value(&m.partner))
        .header("X-Followup-Level", value(&m.level))
        .header("Content-Language", value(&m.lang))
        .text_body(m.text.as_str());
    if let Some(ts) = timestamp(&m.date) {
        builder = builder.date(ts);
    }
    if !m.items.is_empty() {
        builder = builder.header("X-Followup-Items", value(&items));
    }
    if !m.attach.is_empty() {
        builder = builder.header("X-Followup-Attach", value(&attach));
    }
    if let Some(html) = &m.html {
        builder = builder.html_body(html.as_str());
    }
    for attachment in &m.attachments {
        builder = builder.attachment(
            attachment.mime_type.clone(),
            attachment.name.clone(),
            attachment.content.clone(),
        );
    }
    builder.write_to_vec()
}

/// An SMS or a letter as plain text: a few header lines, then the engine's text (which,
/// for a letter, already holds the address block).
fn text_message(company: &Company, m: &Message) -> String {
    let channel = crate::fixture::Channel::name_of(m.channel);
    let mut out = format!(
        "Channel: {channel}\nKey: {}\nDate: {}\nFrom: {}\nPartner: {}\nLevel: {}\nTo: {}\nItems: {}\n",
        m.key,
        m.date,
        company.name,
        m.partner,
        m.level,
        m.to,
        m.items.join(", ")
    );
    if !m.attach.is_empty() {
        out.push_str(&format!("Attach: {}\n", m.attach.join(", ")));
    }
    out.push('\n');
    out.push_str(&m.text);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wit::types::Attachment;
    use crate::wit::types::Contact;
    use mail_parser::MimeHeaders;

    #[test]
    fn keys_become_safe_distinct_names() {
        assert_eq!(
            sanitise("followup/1/main/blue bird/first/2022-01-11/email"),
            "followup_1_main_blue_bird_first_2022-01-11_email"
        );
        assert_eq!(sanitise("../.."), "_");
        let dir = tempfile::tempdir().unwrap();
        let mut outbox = Outbox::create(dir.path()).unwrap();
        assert_eq!(outbox.stem("a/b"), "a_b");
        assert_eq!(outbox.stem("a b"), "a_b-2");
        assert_eq!(outbox.stem("a/b"), "a_b");
    }

    fn company() -> Company {
        Company {
            id: "main".into(),
            name: "Acme".into(),
            currency: "EUR".into(),
            lang: None,
            email: None,
            phone: None,
            address: None,
        }
    }

    #[test]
    fn emails_carry_the_key_both_bodies_and_the_pdf() {
        let company = company();
        let m = Message {
            key: "followup/1/main/p/l/2022-01-11/email".into(),
            channel: Channel::Email,
            partner: "p".into(),
            level: "l".into(),
            date: "2022-01-11".into(),
            lang: "en".into(),
            recipient: Contact {
                name: "P Ltd".into(),
                email: Some("ap@p.test".into()),
                phone: None,
                address: None,
            },
            to: "ap@p.test".into(),
            subject: "Reminder".into(),
            text: "Please pay.".into(),
            html: Some("<p>Please pay.</p>".into()),
            items: vec!["INV-1".into()],
            attach: vec!["INV-1".into()],
            attachments: vec![Attachment {
                name: "first-p-2022-01-11.pdf".into(),
                mime_type: "application/pdf".into(),
                content: b"%PDF-1.7 statement".to_vec(),
            }],
        };
        let dir = tempfile::tempdir().unwrap();
        let mut outbox = Outbox::create(dir.path()).unwrap();
        let path = outbox.write_message(&company, &m).unwrap();
        assert!(path.extension().is_some_and(|e| e == "eml"));
        let raw = fs::read(&path).unwrap();
        let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
        assert_eq!(parsed.subject(), Some("Reminder"));
        assert_eq!(parsed.body_text(0).as_deref(), Some("Please pay."));
        assert_eq!(parsed.body_html(0).as_deref(), Some("<p>Please pay.</p>"));
        assert_eq!(parsed.attachment_count(), 1);
        let pdf = parsed.attachment(0).unwrap();
        assert_eq!(pdf.attachment_name(), Some("first-p-2022-01-11.pdf"));
        assert_eq!(pdf.contents(), b"%PDF-1.7 statement");
        let eml = String::from_utf8(raw).unwrap();
        assert!(
            eml.contains("X-Idempotency-Key: followup/1/main/p/l/2022-01-11/email"),
            "{eml}"
        );
        assert!(eml.contains("multipart/alternative"), "{eml}");
        assert!(eml.contains("multipart/mixed"), "{eml}");
        assert!(eml.contains("X-Followup-Attach: INV-1"), "{eml}");
        assert!(
            eml.contains("From: \"Acme\" <followup@main.example>"),
            "{eml}"
        );
        assert!(eml.contains("Tue, 11 Jan 2022"), "{eml}");
    }
}

#[cfg(test)]
mod letter_tests {
    use super::*;
    use crate::wit::types::Attachment;
    use crate::wit::types::{Contact, PostalAddress};

    #[test]
    fn letters_are_written_as_their_pdf() {
        let company = Company {
            id: "main".into(),
            name: "Acme".into(),
            currency: "EUR".into(),
            lang: Some("de".into()),
            email: Some("ar@acme.test".into()),
            phone: None,
            address: None,
        };
        let address = PostalAddress {
            street: "1 Road".into(),
            city: "Town".into(),
            zip: "1".into(),
            country: "GB".into(),
        };
        let m = Message {
            key: "followup/1/main/p/l/2022-01-11/print_letter".into(),
            channel: Channel::PrintLetter,
            partner: "p".into(),
            level: "l".into(),
            date: "2022-01-11".into(),
            lang: "en".into(),
            recipient: Contact {
                name: "P Ltd".into(),
                email: None,
                phone: None,
                address: Some(address),
            },
            to: "1 Road, 1 Town, GB".into(),
            subject: "Reminder".into(),
            text: "Please pay.".into(),
            html: None,
            items: vec!["INV-1".into()],
            attach: vec![],
            attachments: vec![Attachment {
                name: "l-p-2022-01-11.pdf".into(),
                mime_type: "application/pdf".into(),
                content: b"%PDF-1.7 letter".to_vec(),
            }],
        };
        let dir = tempfile::tempdir().unwrap();
        let mut outbox = Outbox::create(dir.path()).unwrap();
        let path = outbox.write_message(&company, &m).unwrap();
        assert!(path.extension().is_some_and(|e| e == "pdf"), "{path:?}");
        assert_eq!(fs::read(path).unwrap(), b"%PDF-1.7 letter");
        assert_eq!(sender(&company), "ar@acme.test");
    }
}
