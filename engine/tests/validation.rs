//! SPEC.md, "What is refused": every refusal has a kind and names the record and field.

mod support;

use followup_engine::{CompanyRecord, Engine, ErrorKind, Level};
use support::*;

fn check_fails(host: &mut Fake, needle: &str) {
    let err = example_engine().check(host).unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidData, "{err}");
    assert!(err.message.contains(needle), "'{needle}' not in: {err}");
}

#[test]
fn invalid_item_fields_are_refused_naming_item_and_field() {
    let base = || {
        fake(
            vec![partner("p")],
            vec![item("A", "p", "2022-01-01", "10.00")],
        )
    };
    type Edit = fn(&mut followup_engine::ItemRecord);
    let cases: Vec<(Edit, &str)> = vec![
        (
            |i| i.due_date = Some("2022-02-30".into()),
            "item 'A': field due_date '2022-02-30'",
        ),
        (
            |i| i.invoice_date = "2022-13-01".into(),
            "field invoice_date",
        ),
        (|i| i.amount = "12,50".into(), "field amount '12,50'"),
        (|i| i.amount = "1e3".into(), "field amount '1e3'"),
        (|i| i.residual = "".into(), "field residual ''"),
        (|i| i.residual = "10.01".into(), "larger than the amount"),
        (|i| i.residual = "-1.00".into(), "opposite sign"),
        (|i| i.currency = Some("eur".into()), "field currency 'eur'"),
        (|i| i.currency = Some("EURO".into()), "field currency"),
        (|i| i.id = "".into(), "field id is empty"),
        (|i| i.partner = "ghost".into(), "field partner 'ghost'"),
        (|i| i.level = Some("ninth".into()), "field level 'ninth'"),
    ];
    for (edit, needle) in cases {
        let mut host = base();
        edit(&mut host.items[0]);
        check_fails(&mut host, needle);
    }
}

#[test]
fn repeated_and_empty_ids_are_refused() {
    let mut host = fake(
        vec![partner("p")],
        vec![
            item("A", "p", "2022-01-01", "1.00"),
            item("A", "p", "2022-01-02", "2.00"),
        ],
    );
    check_fails(&mut host, "item 'A': field id is repeated");
    let mut host = fake(vec![partner("p"), partner("p")], vec![]);
    check_fails(&mut host, "partner 'p': field id is repeated");
    let mut nameless = partner("q");
    nameless.name = " ".into();
    let mut host = fake(vec![nameless], vec![]);
    check_fails(&mut host, "partner 'q': field name is empty");
    let mut host = fake(vec![partner("p")], vec![]);
    host.partners[0].next_reminder = Some("2022-02-30".into());
    check_fails(&mut host, "field next_reminder");
}

#[test]
fn processing_refuses_invalid_data_of_the_partner_and_changes_nothing() {
    let engine = example_engine();
    let mut host = fake(
        vec![partner("p")],
        vec![
            item("A", "p", "2022-01-01", "10.00"),
            item("B", "p", "2022-01-01", "1e3"),
        ],
    );
    let before = host.clone();
    let err = engine
        .process(
            &mut host,
            "2022-01-20",
            &followup_engine::ProcessRequest::automatic("p"),
        )
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidData);
    assert!(host.sent.is_empty() && host.chatter.is_empty());
    assert_eq!(host.items, before.items);
}

#[test]
fn the_company_and_the_policy_are_checked_first() {
    let bad_company = CompanyRecord {
        currency: "Euro".into(),
        ..company()
    };
    let err = Engine::new(&bad_company, vec![level("a", 1)]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidData);
    assert!(
        err.message.contains("company 'main': field currency"),
        "{err}"
    );

    let nameless = Level {
        name: String::new(),
        ..level("a", 1)
    };
    let err = Engine::new(&company(), vec![nameless]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidPolicy);
    assert!(
        err.message.contains("level 'a': field name is empty"),
        "{err}"
    );
}

#[test]
fn today_must_be_a_real_date() {
    let engine = example_engine();
    let mut host = fake(vec![partner("p")], vec![]);
    for bad in ["2022-02-30", "20220101", ""] {
        let err = engine.overview(&mut host, bad).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidData);
        assert!(err.message.contains("argument today"), "{err}");
    }
}
