//! What reminders say and show: built-in texts in five languages and three tones, the
//! policy's own templates with language fallback, refusals of bad templates, and the
//! follow-up report as HTML and PDF (deterministic, readable by `pdftotext`).

mod support;

use followup_engine::{
    Channel, CompanyRecord, Engine, ErrorKind, Level, Message, PostalAddress, ProcessRequest,
    Template, Tone,
};
use support::*;

const LANGS: [&str; 5] = ["en", "fr", "de", "es", "nl"];

fn letterhead() -> CompanyRecord {
    CompanyRecord {
        lang: Some("en".into()),
        email: Some("credit@acme.test".into()),
        phone: Some("+49 30 1234567".into()),
        address: Some(PostalAddress {
            street: "Hauptstraße 5".into(),
            city: "Berlin".into(),
            zip: "10115".into(),
            country: "DE".into(),
        }),
        ..company()
    }
}

fn every_channel(id: &str, delay: i32) -> Level {
    Level {
        sms: true,
        print_letter: true,
        ..level(id, delay)
    }
}

/// A partner speaking `lang` with an address, owing 1234.56 (late) and 99.00 (not yet
/// due) on 2022-02-01.
fn host_for(lang: Option<&str>) -> support::Fake {
    let mut p = partner("p");
    p.lang = lang.map(str::to_string);
    p.name = "Müller & Söhne GmbH".into();
    p.address = Some(PostalAddress {
        street: "Rue de l'Église 12".into(),
        city: "Lyon".into(),
        zip: "69002".into(),
        country: "FR".into(),
    });
    fake(
        vec![p],
        vec![
            item("A", "p", "2022-01-01", "1234.56"),
            item("B", "p", "2022-03-01", "99.00"),
        ],
    )
}

fn run(engine: &Engine, lang: Option<&str>) -> Vec<Message> {
    let mut host = host_for(lang);
    let request = ProcessRequest {
        manual: true,
        ..ProcessRequest::automatic("p")
    };
    engine.process(&mut host, "2022-02-01", &request).unwrap();
    host.sent
}

fn by_channel(sent: &[Message], channel: Channel) -> &Message {
    sent.iter().find(|m| m.channel == channel).unwrap()
}

#[test]
fn every_built_in_language_and_tone_renders() {
    let money = [
        ("en", "€1,234.56"),
        ("fr", "1\u{a0}234,56\u{a0}€"),
        ("de", "1.234,56\u{a0}€"),
        ("es", "1234,56\u{a0}€"),
        ("nl", "€\u{a0}1.234,56"),
    ];
    let dates = [
        ("en", "1 Jan 2022"),
        ("fr", "01/01/2022"),
        ("de", "01.01.2022"),
        ("es", "01/01/2022"),
        ("nl", "01-01-2022"),
    ];
    for tone in Tone::ALL {
        let engine = Engine::new(
            &letterhead(),
            vec![Level {
                tone: Some(tone),
                ..every_channel("only", 10)
            }],
        )
        .unwrap();
        for lang in LANGS {
            let sent = run(&engine, Some(lang));
            assert_eq!(sent.len(), 3, "{lang} {tone:?}");
            let (_, amount) = money.iter().find(|(l, _)| *l == lang).unwrap();
            let (_, date) = dates.iter().find(|(l, _)| *l == lang).unwrap();
            for message in &sent {
                let what = format!("{lang} {tone:?} {:?}", message.channel);
                assert_eq!(message.lang, lang, "{what}");
                assert!(!message.subject.trim().is_empty(), "{what}");
                assert!(
                    !message.text.contains('\u{2063}'),
                    "{what}: {}",
                    message.text
                );
                if message.channel != Channel::Sms {
                    assert!(message.text.contains("INV/A"), "{what}: {}", message.text);
                    assert!(message.text.contains(amount), "{what}: {}", message.text);
                    assert!(message.text.contains(date), "{what}: {}", message.text);
                    assert!(message.text.contains("INV/B"), "{what}: {}", message.text);
                    assert!(
                        message.text.contains("Acme Supplies"),
                        "{what}: {}",
                        message.text
                    );
                }
            }
            let email = by_channel(&sent, Channel::Email);
            let html = email.html.as_deref().unwrap();
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{html}");
            assert!(html.contains("#c0141c"), "late due dates are red: {html}");
        }
    }
}

#[test]
fn built_in_tones_follow_the_levels_position() {
    let engine = Engine::new(
        &letterhead(),
        vec![level("a", 10), level("b", 20), level("c", 30)],
    )
    .unwrap();
    let subjects: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|id| {
            let mut host = host_for(Some("en"));
            host.items[0].level = Some((*id).to_string());
            let request = ProcessRequest {
                manual: true,
                ..ProcessRequest::automatic("p")
            };
            engine.process(&mut host, "2022-03-15", &request).unwrap();
            host.sent[0].subject.clone()
        })
        .collect();
    assert!(subjects[0].contains("overdue payment"), "{subjects:?}");
    assert!(subjects[1].contains("final notice"), "{subjects:?}");
    let first = Engine::new(&letterhead(), vec![level("a", 10), level("b", 20)]).unwrap();
    let sent = run(&first, Some("en"));
    assert!(sent[0].subject.contains("payment reminder"), "{sent:?}");
}

#[test]
fn the_policys_templates_win_in_the_partners_language_then_the_companys() {
    let german = Template {
        lang: "de".into(),
        email_subject: Some("Mahnung {{ level.name }} für {{ partner.name }}".into()),
        email_body: Some(
            "Hallo {{ recipient.name }},\n\n{{ statement }}\n\nSumme: {{ total }} bis {{ next_reminder }}.".into(),
        ),
        sms: None,
        letter: None,
    };
    let company = CompanyRecord {
        lang: Some("de".into()),
        ..letterhead()
    };
    let engine = Engine::new(
        &company,
        vec![Level {
            templates: vec![german],
            ..every_channel("first", 10)
        }],
    )
    .unwrap();

    // A German partner gets the policy's email and the built-in German SMS and letter.
    let sent = run(&engine, Some("de-AT"));
    let email = by_channel(&sent, Channel::Email);
    assert_eq!(email.lang, "de");
    assert_eq!(email.subject, "Mahnung Level first für Müller & Söhne GmbH");
    assert!(
        email.text.starts_with("Hallo Müller & Söhne GmbH,"),
        "{}",
        email.text
    );
    assert!(
        email
            .text
            .contains("Summe: 1.333,56\u{a0}€ bis 11. Februar 2022."),
        "{}",
        email.text
    );
    let sms = by_channel(&sent, Channel::Sms);
    assert!(sms.text.contains("Rechnungen"), "{}", sms.text);
    let letter = by_channel(&sent, Channel::PrintLetter);
    assert!(
        letter.text.starts_with("Sehr geehrte Damen und Herren,"),
        "{}",
        letter.text
    );

    // A French partner gets French built-in texts; a partner without a language or with
    // one that is not built in gets the company's (German).
    let sent = run(&engine, Some("fr"));
    assert_eq!(by_channel(&sent, Channel::Email).lang, "fr");
    assert!(
        by_channel(&sent, Channel::Email)
            .text
            .starts_with("Madame, Monsieur,")
    );
    for lang in [None, Some("sv")] {
        let sent = run(&engine, lang);
        let email = by_channel(&sent, Channel::Email);
        assert_eq!(email.lang, "de", "{lang:?}");
        assert!(email.subject.starts_with("Mahnung"), "{lang:?}");
    }

    // Without a company language, English.
    let engine = Engine::new(&letterhead(), vec![level("first", 10)]).unwrap();
    let email = &run(&engine, Some("pt"))[0];
    assert_eq!(email.lang, "en");
    assert!(email.text.starts_with("Dear "), "{}", email.text);
}

#[test]
fn an_invalid_template_is_refused_at_load_naming_level_language_line_and_column() {
    let bad = |letter: &str| Level {
        templates: vec![Template {
            lang: "fr".into(),
            letter: Some(letter.into()),
            ..Template::default()
        }],
        ..level("relance", 10)
    };
    let err = Engine::new(
        &letterhead(),
        vec![
            level("a", 5),
            bad("Madame,\n\n{% for x in items %}{{ x.number }"),
        ],
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidPolicy);
    assert!(
        err.message
            .starts_with("level 'relance', language 'fr', template letter: line 3, column "),
        "{err}"
    );
    let err = Engine::new(&letterhead(), vec![bad("Bonjour {{ client.name }}")]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidPolicy);
    assert!(
        err.message
            .contains("line 1, column 12: unknown variable 'client'"),
        "{err}"
    );
}

#[test]
fn documents_are_byte_identical_for_identical_input() {
    let engine = Engine::new(&letterhead(), vec![every_channel("first", 10)]).unwrap();
    let first = run(&engine, Some("de"));
    let second = run(&engine, Some("de"));
    assert_eq!(first, second);
    let letter = by_channel(&first, Channel::PrintLetter);
    let pdf = &letter.attachments[0].content;
    assert!(pdf.starts_with(b"%PDF-1.7"), "{:?}", &pdf[..20]);
    assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
    let text = String::from_utf8_lossy(pdf);
    assert!(
        !text.contains("CreationDate") && !text.contains("/ID"),
        "no clock, no random id"
    );
}

#[test]
fn the_attachment_serializes_its_bytes_as_base64() {
    let attachment = followup_engine::Attachment {
        name: "x.pdf".into(),
        mime_type: "application/pdf".into(),
        content: b"%PDF-".to_vec(),
    };
    let json = serde_json::to_string(&attachment).unwrap();
    assert_eq!(
        json,
        r#"{"name":"x.pdf","mime_type":"application/pdf","content":"JVBERi0="}"#
    );
    let back: followup_engine::Attachment = serde_json::from_str(&json).unwrap();
    assert_eq!(back, attachment);
}

#[test]
fn pdftotext_reads_the_invoices_totals_and_address_from_the_letter() {
    let engine = Engine::new(&letterhead(), vec![every_channel("first", 10)]).unwrap();
    let sent = run(&engine, Some("fr"));
    let letter = by_channel(&sent, Channel::PrintLetter);
    let dir = std::env::temp_dir().join(format!("followup-pdftotext-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join("letter.pdf");
    std::fs::write(&pdf, &letter.attachments[0].content).unwrap();
    let output = match std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf)
        .arg("-")
        .output()
    {
        Ok(output) => output,
        Err(err) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "skipped: pdftotext is not installed ({err}); .ci/run installs poppler-utils"
            );
            return;
        }
        Err(err) => panic!("pdftotext (poppler-utils) is needed in CI: {err}"),
    };
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout)
        .unwrap()
        .replace('\u{a0}', " ");
    for needle in [
        "INV/A",
        "INV/B",
        "1 234,56 €",
        "1 333,56 €",
        "Müller & Söhne GmbH",
        "Rue de l'Église 12",
        "69002 Lyon",
        "Acme Supplies",
        "Hauptstraße 5",
        "Madame, Monsieur,",
        "Page 1 sur 1",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    // KEEP_LETTER=1 keeps the PDF for a look (`pdftoppm -png`).
    if std::env::var_os("KEEP_LETTER").is_none() {
        std::fs::remove_dir_all(&dir).ok();
    } else {
        eprintln!("kept {}", pdf.display());
    }
}

#[test]
fn print_letter_from_the_report_is_the_reminders_letter_and_changes_nothing() {
    let engine = Engine::new(&letterhead(), vec![every_channel("first", 10)]).unwrap();
    let mut host = host_for(Some("es"));
    let before = host.clone();
    let letter = engine.print_letter(&mut host, "2022-02-01", "p").unwrap();
    assert!(host.sent.is_empty() && host.chatter.is_empty() && host.tasks.is_empty());
    assert_eq!(host.items, before.items);
    assert_eq!(host.partners, before.partners);
    assert_eq!(letter.level, "first");
    assert_eq!(letter.lang, "es");
    assert_eq!(letter.items, ["A", "B"]);
    assert!(
        letter.html.contains("<html lang=\"es\">"),
        "{}",
        letter.html
    );
    assert!(
        letter.text.starts_with("Estimados señores:"),
        "{}",
        letter.text
    );

    let sent = run(&engine, Some("es"));
    let printed = by_channel(&sent, Channel::PrintLetter);
    assert_eq!(letter.subject, printed.subject);
    assert_eq!(letter.text, printed.text);
    assert_eq!(letter.pdf, printed.attachments[0]);

    let err = engine
        .print_letter(&mut host, "2022-02-01", "nobody")
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    let no_levels = Engine::new(&letterhead(), vec![]).unwrap();
    let err = no_levels
        .print_letter(&mut host, "2022-02-01", "p")
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidPolicy);
}
