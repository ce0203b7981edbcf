//! SPEC.md, "Executing a follow-up (process)": steps 1 to 7.

mod support;

use followup_engine::{Channel, Contact, ErrorKind, ProcessRequest, Target};
use support::*;

fn manual(partner: &str) -> ProcessRequest {
    ProcessRequest {
        manual: true,
        ..ProcessRequest::automatic(partner)
    }
}

#[test]
fn step1_nothing_happens_unless_in_need_or_asked_by_hand() {
    let engine = example_engine();
    let mut host = fake(
        vec![partner("p")],
        vec![item("A", "p", "2022-01-01", "10.00")],
    );
    let before = host.clone();
    let outcome = engine
        .process(&mut host, "2022-01-05", &ProcessRequest::automatic("p"))
        .unwrap();
    assert!(!outcome.did_something);
    assert!(
        outcome.note.contains("with_overdue_invoices"),
        "{}",
        outcome.note
    );
    assert_eq!(host.partners, before.partners);
    assert!(host.sent.is_empty() && host.chatter.is_empty());

    // By hand it runs whatever the status, at the partner's level.
    let outcome = engine
        .process(&mut host, "2022-01-05", &manual("p"))
        .unwrap();
    assert!(outcome.did_something);
    assert_eq!(outcome.level.as_deref(), Some("first"));
    assert_eq!(host.sent.len(), 1);
    // Step 7: at 4 days no level qualifies (first is 10): the item keeps its level.
    assert_eq!(host.items[0].level, None);
}

#[test]
fn step1_by_hand_still_needs_chased_items() {
    let engine = example_engine();
    let mut excluded = item("A", "p", "2022-01-01", "10.00");
    excluded.excluded = true;
    let mut host = fake(vec![partner("p")], vec![excluded]);
    let outcome = engine
        .process(&mut host, "2022-03-01", &manual("p"))
        .unwrap();
    assert!(!outcome.did_something);
    assert!(host.sent.is_empty());
}

#[test]
fn step2_chosen_channels_replace_the_levels_own() {
    let engine = example_engine();
    let mut host = fake(
        vec![partner("p")],
        vec![item("A", "p", "2022-01-01", "10.00")],
    );
    let request = ProcessRequest {
        channels: Some(vec![Channel::Sms, Channel::PrintLetter, Channel::Sms]),
        ..manual("p")
    };
    engine.process(&mut host, "2022-01-20", &request).unwrap();
    let channels: Vec<Channel> = host.sent.iter().map(|m| m.channel).collect();
    assert_eq!(channels, [Channel::Sms, Channel::PrintLetter]);
    assert_eq!(host.sent[0].to, "+44 20 7946 0000");
    assert_eq!(host.sent[1].to, "1 Harbour Road, BS1 4RN Bristol, GB");
}

#[test]
fn step2_recipient_is_item_contact_else_followup_contact_else_partner() {
    let engine = example_engine();
    let mut p = partner("p");
    p.followup_contact = Some(Contact {
        name: "Accounts payable".into(),
        email: Some("payables@p.test".into()),
        ..Contact::default()
    });
    let mut own = item("B", "p", "2022-01-01", "20.00");
    own.contact = Some(Box::new(Contact {
        name: "Site office".into(),
        email: Some("site@p.test".into()),
        ..Contact::default()
    }));
    let mut host = fake(vec![p], vec![item("A", "p", "2022-01-01", "10.00"), own]);
    engine
        .process(&mut host, "2022-01-20", &ProcessRequest::automatic("p"))
        .unwrap();
    let mut to: Vec<(&str, Vec<String>)> = host
        .sent
        .iter()
        .map(|m| (m.to.as_str(), m.items.clone()))
        .collect();
    to.sort();
    assert_eq!(
        to,
        [
            ("payables@p.test", vec!["A".to_string()]),
            ("site@p.test", vec!["B".to_string()]),
        ]
    );
    // Distinct recipients get distinct keys.
    assert_ne!(host.sent[0].key, host.sent[1].key);
}

#[test]
fn step2_a_missing_contact_sends_nothing_and_changes_nothing() {
    let engine = engine(vec![Level {
        sms: true,
        ..level("first", 10)
    }]);
    let mut p = partner("p");
    p.phone = None;
    let mut host = fake(vec![p], vec![item("A", "p", "2022-01-01", "10.00")]);
    let before = host.clone();
    let err = engine
        .process(&mut host, "2022-01-20", &ProcessRequest::automatic("p"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::MissingContact);
    assert!(
        err.message.contains("'p'") && err.message.contains("phone number"),
        "{err}"
    );
    assert_eq!(host.partners, before.partners);
    assert_eq!(host.items, before.items);
    assert!(host.sent.is_empty() && host.chatter.is_empty() && host.tasks.is_empty());
}

#[test]
fn step2_a_followup_contact_overrides_the_partner_entirely() {
    let engine = example_engine();
    let mut p = partner("p");
    p.followup_contact = Some(Contact {
        name: "Accounts payable".into(),
        phone: Some("+1 555 0100".into()),
        ..Contact::default()
    });
    let mut host = fake(vec![p], vec![item("A", "p", "2022-01-01", "10.00")]);
    let err = engine
        .process(&mut host, "2022-01-20", &ProcessRequest::automatic("p"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::MissingContact);
    assert!(err.message.contains("follow-up contact"), "{err}");
}

#[test]
fn step3_items_excluded_for_this_reminder_are_left_out_and_keep_their_level() {
    let engine = example_engine();
    let mut host = fake(
        vec![partner("p")],
        vec![
            item("A", "p", "2022-01-01", "10.00"),
            item("B", "p", "2022-01-01", "20.00"),
        ],
    );
    let request = ProcessRequest {
        exclude: vec!["B".into()],
        ..ProcessRequest::automatic("p")
    };
    let outcome = engine.process(&mut host, "2022-01-20", &request).unwrap();
    assert_eq!(outcome.items, ["A"]);
    assert_eq!(host.sent[0].items, ["A"]);
    assert_eq!(host.items[0].level.as_deref(), Some("first"));
    assert_eq!(host.items[1].level, None);
    assert!(
        !host
            .chatter
            .iter()
            .any(|e| e.target == Target::Item("B".into()))
    );

    let unknown = ProcessRequest {
        exclude: vec!["nope".into()],
        ..manual("p")
    };
    let err = engine
        .process(&mut host, "2022-01-20", &unknown)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
}

#[test]
fn step4_one_message_per_channel_listing_every_chased_item_with_a_stable_key() {
    let engine = engine(vec![Level {
        sms: true,
        send_letter: true,
        join_invoices: true,
        ..level("first", 10)
    }]);
    let mut host = fake(
        vec![partner("p")],
        vec![
            item("A", "p", "2022-01-01", "10.00"),
            item("B", "p", "2022-02-01", "20.00"),
        ],
    );
    engine
        .process(&mut host, "2022-01-20", &ProcessRequest::automatic("p"))
        .unwrap();
    assert_eq!(host.sent.len(), 3);
    for message in &host.sent {
        assert_eq!(message.items, ["A", "B"]);
        assert_eq!(
            message.key,
            format!(
                "followup/1/main/p/first/2022-01-20/{}",
                message.channel.as_str()
            )
        );
    }
    let email = &host.sent[0];
    assert!(
        email.text.contains("INV/A") && email.text.contains("Days late"),
        "{}",
        email.text
    );
    assert!(email.text.contains("€30.00"), "{}", email.text);
    assert!(
        email.subject.contains("Acme Supplies") && email.subject.contains("€30.00"),
        "{}",
        email.subject
    );
    // The HTML body escapes what it shows (minijinja escapes `/` too).
    assert!(email.html.as_deref().unwrap().contains(">INV&#x2f;B</td>"));
    assert_eq!(email.attach, ["A", "B"]);
    assert!(host.sent[1].attach.is_empty(), "an SMS attaches nothing");
    // The email carries the statement as a PDF, the letter is a PDF; an SMS has none.
    for message in [&host.sent[0], &host.sent[2]] {
        assert_eq!(message.attachments.len(), 1);
        let pdf = &message.attachments[0];
        assert_eq!(pdf.mime_type, "application/pdf");
        assert_eq!(pdf.name, "first-p-2022-01-20.pdf");
        assert!(pdf.content.starts_with(b"%PDF-"));
    }
    assert!(host.sent[1].attachments.is_empty());
}

#[test]
fn step4_html_bodies_escape_host_data() {
    let engine = example_engine();
    let mut p = partner("p");
    p.name = "<script>alert(1)</script> & Co".into();
    let mut host = fake(vec![p], vec![item("A", "p", "2022-01-01", "10.00")]);
    engine
        .process(&mut host, "2022-01-20", &ProcessRequest::automatic("p"))
        .unwrap();
    let html = host.sent[0].html.clone().unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(host.sent[0].text.contains("<script>alert(1)</script> & Co"));
}

#[test]
fn step4_the_levels_manual_task_is_created() {
    let engine = engine(vec![task_level("call", 10, "Call the customer")]);
    let mut host = fake(
        vec![partner("p")],
        vec![item("A", "p", "2022-01-01", "10.00")],
    );
    let outcome = engine
        .process(&mut host, "2022-01-20", &ProcessRequest::automatic("p"))
        .unwrap();
    assert_eq!(host.tasks.len(), 1);
    assert_eq!(host.tasks[0].note, "Call the customer");
    assert_eq!(host.tasks[0].responsible, "ar-team");
    assert_eq!(
        outcome.task.as_deref(),
        Some("followup/1/main/p/call/2022-01-20/task")
    );
}

#[test]
fn step5_chatter_on_the_partner_and_on_each_covered_invoice() {
    let engine = example_engine();
    let mut host = fake(
        vec![partner("p")],
        vec![
            item("A", "p", "2022-01-01", "10.00"),
            item("B", "p", "2022-01-05", "20.00"),
        ],
    );
    engine
        .process(&mut host, "2022-01-20", &ProcessRequest::automatic("p"))
        .unwrap();
    let on = |target: Target| host.chatter.iter().filter(|e| e.target == target).count();
    assert_eq!(on(Target::Item("A".into())), 1);
    assert_eq!(on(Target::Item("B".into())), 1);
    assert_eq!(
        on(Target::Partner("p".into())),
        2,
        "the reminder and the next date"
    );
    assert!(
        host.chatter
            .iter()
            .any(|e| e.body.contains("Next reminder on 2022-01-25"))
    );
}

#[test]
fn step6_next_reminder_intervals() {
    let cases = [
        // (levels, executed level's index, expected days)
        (vec![level("a", 10), level("b", 15), level("c", 30)], 0, 5),
        (vec![level("a", 10), level("b", 15), level("c", 30)], 2, 15),
        (vec![level("only", 12)], 0, 12),
        (vec![level("only", 0)], 0, 1),
        (vec![level("only", -3)], 0, 1),
    ];
    for (levels, index, days) in cases {
        let engine = engine(levels);
        assert_eq!(
            followup_engine::process::reminder_interval(engine.policy(), index),
            days
        );
    }
}

#[test]
fn step7_items_reach_the_highest_level_they_qualify_for() {
    let engine = example_engine();
    let mut old = item("OLD", "p", "2021-11-01", "10.00");
    old.level = Some("second".into()); // partner level becomes final (30)
    let young = item("YOUNG", "p", "2022-01-08", "10.00"); // 12 days: qualifies for first
    let fresh = item("FRESH", "p", "2022-01-15", "10.00"); // 5 days: none qualifies
    let mut host = fake(vec![partner("p")], vec![old, young, fresh]);
    let outcome = engine
        .process(&mut host, "2022-01-20", &ProcessRequest::automatic("p"))
        .unwrap();
    assert_eq!(outcome.level.as_deref(), Some("final"));
    let levels: Vec<Option<&str>> = host.items.iter().map(|i| i.level.as_deref()).collect();
    assert_eq!(levels, [Some("final"), Some("first"), None]);
}

#[test]
fn a_failed_delivery_does_not_advance_the_partner() {
    let engine = example_engine();
    let mut host = fake(
        vec![partner("p")],
        vec![item("A", "p", "2022-01-01", "10.00")],
    );
    host.undeliverable.push("ap@p.test".into());
    let err = engine
        .process(&mut host, "2022-01-20", &ProcessRequest::automatic("p"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::DeliveryFailed);
    assert!(err.message.contains("ap@p.test"), "{err}");
    assert_eq!(host.partners[0].next_reminder, None);
    assert_eq!(host.items[0].level, None);
    assert!(host.chatter.is_empty() && host.tasks.is_empty());
}

use followup_engine::Level;
