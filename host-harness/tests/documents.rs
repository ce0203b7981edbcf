//! Wording and documents through the component: the policy's templates and the
//! company's language reach the engine, invalid templates are refused at load, the
//! component's PDFs are byte-identical to the native engine's, and the demo's outbox
//! holds real .eml files (parsed back) and PDF letters in the partners' languages.

use std::collections::BTreeSet;
use std::path::Path;

use followup_engine as e;
use followup_host::demo::{self, DemoOptions};
use followup_host::fixture::parse_case;
use followup_host::wit::api::ProcessRequest;
use followup_host::wit::messaging::Message;
use followup_host::wit::types::{self, Channel};
use followup_host::{MemLedger, Runtime};
use mail_parser::MimeHeaders;

const CASE: &str = r#"{
  "format": "followup-conformance/1", "name": "documents",
  "company": {"id": "main", "name": "Acme Supplies", "currency": "EUR"},
  "policy": {"levels": [
    {"id": "first", "name": "First reminder", "delay_days": 10, "email": true, "print_letter": true, "join_invoices": true},
    {"id": "second", "name": "Second reminder", "delay_days": 20, "email": true, "sms": true}
  ]},
  "partners": [
    {"id": "kunde", "name": "Kunde GmbH", "lang": "de", "email": "ap@kunde.test", "phone": "+49 30 1",
     "address": {"street": "Hauptstraße 1", "city": "Berlin", "zip": "10115", "country": "DE"}},
    {"id": "nolang", "name": "No Lang BV", "email": "ap@nolang.test",
     "address": {"street": "Kade 3", "city": "Utrecht", "zip": "3511 AA", "country": "NL"}}
  ],
  "items": [
    {"id": "R1", "partner": "kunde", "number": "RE-2022-001", "invoice_date": "2021-12-01",
     "due_date": "2022-01-01", "amount": "1234.56", "residual": "1234.56"},
    {"id": "R2", "partner": "kunde", "number": "RE-2022-002", "invoice_date": "2021-12-15",
     "due_date": "2022-01-05", "amount": "500.00", "residual": "250.00", "currency": "USD"},
    {"id": "N1", "partner": "nolang", "number": "F-9", "invoice_date": "2021-12-01",
     "due_date": "2022-01-01", "amount": "80.00", "residual": "80.00"}
  ]
}"#;

fn company() -> types::Company {
    types::Company {
        id: "main".into(),
        name: "Acme Supplies".into(),
        currency: "EUR".into(),
        lang: Some("nl".into()),
        email: Some("ar@acme.test".into()),
        phone: Some("+49 30 555".into()),
        address: Some(types::PostalAddress {
            street: "Industriestraße 42".into(),
            city: "Berlin".into(),
            zip: "10115".into(),
            country: "DE".into(),
        }),
    }
}

fn german() -> types::Template {
    types::Template {
        lang: "de".into(),
        email_subject: Some("{{ company.name }}: {{ level.name }} für {{ partner.id }}".into()),
        email_body: Some(
            "Guten Tag {{ recipient.name }},\n\n{{ statement }}\n\nZu zahlen: {{ total }}.".into(),
        ),
        sms: None,
        letter: None,
    }
}

/// The case's partners and items with a company letterhead and templates on level
/// `first`.
fn ledger(templates: Vec<types::Template>) -> MemLedger {
    let case = parse_case(CASE).unwrap();
    let mut levels: Vec<types::Level> = case.policy.levels.iter().map(|l| l.to_wit()).collect();
    levels[0].templates = templates;
    levels[1].tone = Some(types::Tone::Final);
    let mut ledger = MemLedger::new(company(), levels);
    for partner in &case.partners {
        ledger.insert_partner(partner.to_wit());
    }
    for item in &case.items {
        ledger.insert_item(item.to_wit());
    }
    ledger
}

fn request(partner: &str) -> ProcessRequest {
    ProcessRequest {
        partner: partner.into(),
        manual: false,
        channels: None,
        exclude: vec![],
    }
}

#[test]
fn the_policys_templates_and_the_companys_language_reach_the_engine() {
    let rt = Runtime::shared().unwrap();
    let mut ledger = ledger(vec![german()]);
    rt.check(&mut ledger).unwrap().unwrap();
    rt.process(&mut ledger, "2022-01-12", &request("kunde"))
        .unwrap()
        .unwrap();
    let sent = ledger.sent();
    assert_eq!(sent.len(), 2);
    let email = sent.iter().find(|m| m.channel == Channel::Email).unwrap();
    assert_eq!(email.lang, "de");
    assert_eq!(email.subject, "Acme Supplies: First reminder für kunde");
    assert!(
        email.text.starts_with("Guten Tag Kunde GmbH,"),
        "{}",
        email.text
    );
    assert!(
        email
            .text
            .contains("Zu zahlen: 1.234,56\u{a0}€ + 250,00\u{a0}$."),
        "{}",
        email.text
    );
    assert_eq!(email.attach, ["R1", "R2"]);
    assert_eq!(email.attachments.len(), 1);
    assert_eq!(email.attachments[0].name, "first-kunde-2022-01-12.pdf");
    let letter = sent
        .iter()
        .find(|m| m.channel == Channel::PrintLetter)
        .unwrap();
    assert!(
        letter.text.starts_with("Sehr geehrte Damen und Herren,"),
        "built-in German letter: {}",
        letter.text
    );
    assert!(letter.attachments[0].content.starts_with(b"%PDF-"));

    // A partner without a language gets the company's (Dutch), built in.
    rt.process(&mut ledger, "2022-01-12", &request("nolang"))
        .unwrap()
        .unwrap();
    let email = ledger.sent().last().unwrap();
    assert_eq!(email.lang, "nl");
    assert!(
        email.text.starts_with("Geachte heer, mevrouw,"),
        "{}",
        email.text
    );
}

#[test]
fn an_invalid_template_is_refused_through_the_component() {
    let rt = Runtime::shared().unwrap();
    let broken = types::Template {
        email_body: Some("Guten Tag,\n{% if late_count %}offen".into()),
        ..german()
    };
    let mut ledger = ledger(vec![broken]);
    let err = rt.check(&mut ledger).unwrap().unwrap_err();
    let types::Error::InvalidPolicy(message) = err else {
        panic!("{err:?}")
    };
    assert!(
        message.starts_with("level 'first', language 'de', template email_body: line 2, column"),
        "{message}"
    );
}

// ---- the same input through the native engine ----

/// The engine's ports over plain vectors, for running the engine natively.
struct Native {
    partners: Vec<e::PartnerRecord>,
    items: Vec<e::ItemRecord>,
    sent: Vec<e::Message>,
}

impl e::Ledger for Native {
    fn partner(&mut self, id: &str) -> Option<e::PartnerRecord> {
        self.partners.iter().find(|p| p.id == id).cloned()
    }
    fn partners(&mut self, _: Option<&str>, _: u32) -> e::Page<e::PartnerRecord> {
        e::Page {
            records: self.partners.clone(),
            next: None,
        }
    }
    fn item(&mut self, id: &str) -> Option<e::ItemRecord> {
        self.items.iter().find(|i| i.id == id).cloned()
    }
    fn items(&mut self, partner: Option<&str>, _: Option<&str>, _: u32) -> e::Page<e::ItemRecord> {
        e::Page {
            records: self
                .items
                .iter()
                .filter(|i| partner.is_none_or(|p| i.partner == p))
                .cloned()
                .collect(),
            next: None,
        }
    }
    fn set_item_level(&mut self, _: &str, _: Option<&str>) {}
    fn set_next_reminder(&mut self, _: &str, _: Option<e::NaiveDate>) {}
    fn set_excluded(&mut self, _: &str, _: bool) {}
    fn set_trust(&mut self, _: &str, _: e::Trust) {}
}

impl e::Messaging for Native {
    fn send(&mut self, message: &e::Message) -> Result<(), String> {
        self.sent.push(message.clone());
        Ok(())
    }
}

impl e::Chatter for Native {
    fn log(&mut self, _: &e::ChatterEntry) {}
    fn schedule_task(&mut self, _: &e::Task) {}
}

fn address(a: &types::PostalAddress) -> e::PostalAddress {
    e::PostalAddress {
        street: a.street.clone(),
        city: a.city.clone(),
        zip: a.zip.clone(),
        country: a.country.clone(),
    }
}

fn native_engine(ledger: &MemLedger) -> e::Engine {
    let c = ledger.company();
    let company = e::CompanyRecord {
        id: c.id.clone(),
        name: c.name.clone(),
        currency: c.currency.clone(),
        lang: c.lang.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        address: c.address.as_ref().map(address),
    };
    let levels = ledger
        .levels()
        .iter()
        .map(|l| e::Level {
            id: l.id.clone(),
            name: l.name.clone(),
            delay_days: l.delay_days,
            email: l.email,
            sms: l.sms,
            print_letter: l.print_letter,
            send_letter: l.send_letter,
            manual_action: None,
            auto_execute: l.auto_execute,
            join_invoices: l.join_invoices,
            tone: l.tone.map(|t| match t {
                types::Tone::Friendly => e::Tone::Friendly,
                types::Tone::Firm => e::Tone::Firm,
                types::Tone::Final => e::Tone::Final,
            }),
            templates: l
                .templates
                .iter()
                .map(|t| e::Template {
                    lang: t.lang.clone(),
                    email_subject: t.email_subject.clone(),
                    email_body: t.email_body.clone(),
                    sms: t.sms.clone(),
                    letter: t.letter.clone(),
                })
                .collect(),
        })
        .collect();
    e::Engine::new(&company, levels).unwrap()
}

fn native_host(ledger: &MemLedger) -> Native {
    Native {
        partners: ledger
            .partners()
            .map(|p| e::PartnerRecord {
                id: p.id.clone(),
                name: p.name.clone(),
                lang: p.lang.clone(),
                trust: e::Trust::Normal,
                email: p.email.clone(),
                phone: p.phone.clone(),
                address: p.address.as_ref().map(address),
                followup_contact: None,
                reminders: e::ReminderMode::Automatic,
                next_reminder: p.next_reminder.clone(),
            })
            .collect(),
        items: ledger
            .items()
            .map(|i| e::ItemRecord {
                id: i.id.clone(),
                partner: i.partner.clone(),
                number: i.number.clone(),
                invoice_date: i.invoice_date.clone(),
                due_date: i.due_date.clone(),
                amount: i.amount.clone(),
                residual: i.residual.clone(),
                currency: i.currency.clone(),
                excluded: i.excluded,
                level: i.level.clone(),
                contact: None,
            })
            .collect(),
        sent: Vec::new(),
    }
}

#[test]
fn the_components_documents_are_byte_identical_to_the_native_engines() {
    let rt = Runtime::shared().unwrap();
    for (today, templates) in [("2022-01-12", vec![german()]), ("2022-01-25", vec![])] {
        let mut ledger = ledger(templates);
        let engine = native_engine(&ledger);
        let mut native = native_host(&ledger);
        rt.process(&mut ledger, today, &request("kunde"))
            .unwrap()
            .unwrap();
        engine
            .process(&mut native, today, &e::ProcessRequest::automatic("kunde"))
            .unwrap();
        let component: &[Message] = ledger.sent();
        assert_eq!(component.len(), native.sent.len());
        assert!(!component.is_empty());
        for (c, n) in component.iter().zip(&native.sent) {
            assert_eq!(c.key, n.key);
            assert_eq!(c.subject, n.subject);
            assert_eq!(c.text, n.text);
            assert_eq!(c.html, n.html);
            assert_eq!(c.attachments.len(), n.attachments.len());
            for (ca, na) in c.attachments.iter().zip(&n.attachments) {
                assert_eq!(ca.name, na.name);
                assert!(
                    ca.content == na.content,
                    "{}: the component's PDF differs from the native engine's",
                    ca.name
                );
            }
        }
    }
}

// ---- the demo's outbox ----

fn files(dir: &Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

#[test]
fn the_demo_writes_emails_and_pdf_letters_in_the_partners_languages() {
    let rt = Runtime::shared().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let options = DemoOptions {
        today: None,
        outbox: dir.path().to_path_buf(),
        data: None,
        letterhead: None,
        db: None,
        replace: false,
    };
    let mut out = Vec::new();
    let report = demo::run(rt, &options, &mut out).unwrap();
    let printed = String::from_utf8(out).unwrap();
    assert!(printed.contains("languages:"), "{printed}");

    let emails = files(dir.path(), "eml");
    assert!(!emails.is_empty(), "{printed}");
    let mut languages = BTreeSet::new();
    for path in &emails {
        let raw = std::fs::read(path).unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(&raw)
            .unwrap_or_else(|| panic!("{} does not parse", path.display()));
        let text = parsed.body_text(0).unwrap();
        let html = parsed.body_html(0).unwrap();
        assert!(text.contains("INV/"), "{}: {text}", path.display());
        assert!(html.contains("<table"), "{}", path.display());
        assert_eq!(parsed.attachment_count(), 1, "{}", path.display());
        let pdf = parsed.attachment(0).unwrap();
        assert!(pdf.contents().starts_with(b"%PDF-"), "{}", path.display());
        assert!(
            pdf.attachment_name().is_some_and(|n| n.ends_with(".pdf")),
            "{}",
            path.display()
        );
        let lang = parsed
            .header_raw("Content-Language")
            .map(|v| v.trim().to_string())
            .unwrap();
        languages.insert(lang);
    }
    for lang in ["de", "en", "es", "fr", "nl"] {
        assert!(languages.contains(lang), "no {lang} email: {languages:?}");
    }
    let letters = files(dir.path(), "pdf");
    assert!(!letters.is_empty(), "no PDF letter:\n{printed}");
    for path in &letters {
        let bytes = std::fs::read(path).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{}", path.display());
    }
    assert!(
        languages.iter().all(|l| report.per_lang.contains_key(l)),
        "{:?} vs {languages:?}",
        report.per_lang
    );
}

#[test]
fn print_letter_through_the_component_reads_only_and_matches_the_reminder() {
    let rt = Runtime::shared().unwrap();
    let mut ledger = ledger(vec![german()]);
    let before = ledger.clone();
    let letter = rt
        .print_letter(&mut ledger, "2022-01-12", "kunde")
        .unwrap()
        .unwrap();
    assert_eq!(ledger.state(), before.state());
    assert!(ledger.sent().is_empty() && ledger.chatter().is_empty());
    assert_eq!(letter.level, "first");
    assert_eq!(letter.lang, "de");
    assert_eq!(letter.items, ["R1", "R2"]);
    assert!(letter.html.contains("<html lang=\"de\">"));

    let engine = native_engine(&ledger);
    let mut native = native_host(&ledger);
    let expected = engine
        .print_letter(&mut native, "2022-01-12", "kunde")
        .unwrap();
    assert_eq!(letter.text, expected.text);
    assert_eq!(letter.html, expected.html);
    assert!(letter.pdf.content == expected.pdf.content, "PDFs differ");

    rt.process(&mut ledger, "2022-01-12", &request("kunde"))
        .unwrap()
        .unwrap();
    let printed = ledger
        .sent()
        .iter()
        .find(|m| m.channel == Channel::PrintLetter)
        .unwrap();
    assert!(printed.attachments[0].content == letter.pdf.content);

    let err = rt
        .print_letter(&mut ledger, "2022-01-12", "nobody")
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, types::Error::NotFound(_)), "{err:?}");
}
