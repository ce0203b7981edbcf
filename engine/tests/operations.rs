//! SPEC.md, "Other operations": report, overview, remind me later, exclude, trust,
//! batch and the automatic run.

mod support;

use followup_engine::{ErrorKind, Level, ReminderMode, SkipReason, Status, Target, Trust};
use support::*;

#[test]
fn the_report_lists_every_open_item_with_flags_in_due_order() {
    let engine = example_engine();
    let mut late = item("LATE", "p", "2022-01-01", "10.00");
    late.level = Some("first".into());
    let mut excluded = item("EXC", "p", "2021-12-01", "5.00");
    excluded.excluded = true;
    let mut paid = item("PAID", "p", "2021-12-01", "0.00");
    paid.amount = "50.00".into();
    let future = item("SOON", "p", "2022-02-01", "7.00");
    let mut host = fake(vec![partner("p")], vec![future, late, excluded, paid]);
    let report = engine.report(&mut host, "2022-01-20", "p").unwrap();
    let rows: Vec<(&str, bool, bool, Option<&str>)> = report
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.late, i.excluded, i.level.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            ("EXC", true, true, None),
            ("LATE", true, false, Some("first")),
            ("SOON", false, false, None),
        ],
        "a fully paid item is not open"
    );
    assert_eq!(report.trust, Trust::Normal);
    assert_eq!(report.items[1].days_late, 19);
}

#[test]
fn the_overview_puts_the_oldest_need_first_then_partner_id() {
    let engine = example_engine();
    let partners = vec![
        partner("a"),
        partner("b"),
        partner("c"),
        partner("d"),
        partner("e"),
    ];
    let items = vec![
        item("A1", "a", "2022-01-05", "1.00"),
        item("B1", "b", "2022-01-01", "1.00"),
        item("C1", "c", "2022-01-05", "1.00"),
        item("D1", "d", "2022-01-25", "1.00"), // overdue only
                                               // e has no open items: not listed
    ];
    let mut host = fake(partners, items);
    let lines = engine.overview(&mut host, "2022-01-30").unwrap();
    let order: Vec<(&str, Status)> = lines
        .iter()
        .map(|l| (l.partner.as_str(), l.status))
        .collect();
    assert_eq!(
        order,
        [
            ("b", Status::InNeedOfAction),
            ("a", Status::InNeedOfAction),
            ("c", Status::InNeedOfAction),
            ("d", Status::WithOverdueInvoices),
        ]
    );
}

#[test]
fn remind_later_sets_the_date_and_refuses_the_past() {
    let engine = example_engine();
    let mut host = fake(
        vec![partner("p")],
        vec![item("A", "p", "2022-01-01", "10.00")],
    );
    engine
        .remind_later(&mut host, "2022-01-20", "p", "2022-01-25")
        .unwrap();
    assert_eq!(
        host.partners[0].next_reminder.as_deref(),
        Some("2022-01-25")
    );
    assert_eq!(
        engine.report(&mut host, "2022-01-20", "p").unwrap().status,
        Status::WithOverdueInvoices
    );
    assert!(matches!(host.chatter[0].target, Target::Partner(_)));

    let before = host.clone();
    let err = engine
        .remind_later(&mut host, "2022-01-20", "p", "2022-01-19")
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidData);
    assert!(
        err.message.contains("'p'") && err.message.contains("next_reminder"),
        "{err}"
    );
    assert_eq!(host.partners, before.partners);
    // Today itself is allowed.
    engine
        .remind_later(&mut host, "2022-01-20", "p", "2022-01-20")
        .unwrap();
    for bad in ["2022-02-30", "tomorrow"] {
        let err = engine
            .remind_later(&mut host, "2022-01-20", "p", bad)
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidData);
    }
    let err = engine
        .remind_later(&mut host, "2022-01-20", "ghost", "2022-01-25")
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
}

#[test]
fn exclude_and_trust_change_the_ledger_and_name_unknown_records() {
    let engine = example_engine();
    let mut host = fake(
        vec![partner("p")],
        vec![item("A", "p", "2022-01-01", "10.00")],
    );
    engine
        .set_excluded(&mut host, "2022-01-20", "A", true)
        .unwrap();
    assert!(host.items[0].excluded);
    assert_eq!(
        engine.report(&mut host, "2022-01-20", "p").unwrap().status,
        Status::NoActionNeeded
    );
    engine
        .set_excluded(&mut host, "2022-01-20", "A", false)
        .unwrap();
    assert!(!host.items[0].excluded);
    engine
        .set_trust(&mut host, "2022-01-20", "p", Trust::Bad)
        .unwrap();
    assert_eq!(
        engine.report(&mut host, "2022-01-20", "p").unwrap().trust,
        Trust::Bad
    );

    let err = engine
        .set_excluded(&mut host, "2022-01-20", "nope", true)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert!(err.message.contains("'nope'"));
    let err = engine
        .set_trust(&mut host, "2022-01-20", "nope", Trust::Good)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    let err = engine.report(&mut host, "2022-01-20", "nope").unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
}

#[test]
fn a_batch_goes_on_past_failures_and_sorts_partners_into_three_lists() {
    let engine = example_engine();
    let mut nomail = partner("nomail");
    nomail.email = None;
    let mut bounce = partner("bounce");
    bounce.email = Some("ap@bounce.invalid".into());
    let mut host = fake(
        vec![partner("ok"), nomail, partner("calm"), bounce],
        vec![
            item("O", "ok", "2022-01-01", "1.00"),
            item("N", "nomail", "2022-01-01", "1.00"),
            item("C", "calm", "2022-01-19", "1.00"),
            item("B", "bounce", "2022-01-01", "1.00"),
        ],
    );
    host.undeliverable.push("ap@bounce.invalid".into());
    let ids: Vec<String> = ["nomail", "ghost", "ok", "calm", "bounce"]
        .map(String::from)
        .to_vec();
    let outcome = engine.process_batch(&mut host, "2022-01-20", &ids).unwrap();
    let processed: Vec<&str> = outcome
        .processed
        .iter()
        .map(|o| o.partner.as_str())
        .collect();
    let skipped: Vec<(&str, SkipReason)> = outcome
        .skipped
        .iter()
        .map(|s| (s.partner.as_str(), s.reason))
        .collect();
    let failed: Vec<(&str, ErrorKind)> = outcome
        .failed
        .iter()
        .map(|f| (f.partner.as_str(), f.error.kind))
        .collect();
    assert_eq!(processed, ["ok"]);
    assert_eq!(
        skipped,
        [
            ("nomail", SkipReason::MissingContact),
            ("calm", SkipReason::NothingToDo)
        ]
    );
    assert_eq!(
        failed,
        [
            ("ghost", ErrorKind::NotFound),
            ("bounce", ErrorKind::DeliveryFailed)
        ]
    );
}

#[test]
fn the_automatic_run_processes_only_auto_levels_of_automatic_partners() {
    let engine = engine(vec![
        Level {
            auto_execute: true,
            ..level("first", 10)
        },
        level("second", 20),
    ]);
    let mut handled = partner("handled");
    handled.reminders = ReminderMode::Manual;
    let mut host = fake(
        vec![partner("auto"), partner("late"), handled],
        vec![
            item("A", "auto", "2022-01-05", "1.00"),
            item("L", "late", "2021-12-01", "1.00"),
            item("H", "handled", "2022-01-01", "1.00"),
        ],
    );
    host.items[1].level = Some("first".into()); // late's level is second: not auto
    let outcome = engine.run_auto(&mut host, "2022-01-20").unwrap();
    let processed: Vec<&str> = outcome
        .processed
        .iter()
        .map(|o| o.partner.as_str())
        .collect();
    assert_eq!(processed, ["auto"]);
    assert!(outcome.skipped.is_empty() && outcome.failed.is_empty());
    assert_eq!(host.sent.len(), 1);
}

#[test]
fn the_plan_of_the_automatic_run_names_its_partners_in_order_and_reads_only() {
    let engine = engine(vec![
        Level {
            auto_execute: true,
            ..level("first", 10)
        },
        level("second", 20),
    ]);
    let mut handled = partner("handled");
    handled.reminders = ReminderMode::Manual;
    let partners = vec![
        partner("newer"),
        partner("older"),
        partner("late"),
        handled,
        partner("calm"),
    ];
    let items = vec![
        item("N", "newer", "2022-01-08", "1.00"),
        item("O", "older", "2022-01-02", "1.00"),
        item("L", "late", "2021-12-01", "1.00"),
        item("H", "handled", "2022-01-01", "1.00"),
        item("C", "calm", "2022-01-19", "1.00"),
    ];
    let mut host = fake(partners.clone(), items.clone());
    host.items[2].level = Some("first".into()); // late's level is second: not auto
    let before = host.clone();
    let plan = engine.plan_auto(&mut host, "2022-01-20").unwrap();
    // In need of action with an auto level, automatic reminders; oldest due date first.
    assert_eq!(plan, ["older", "newer"]);
    assert_eq!(host, before, "the plan writes nothing");

    // Processing the plan's partners one by one does what the automatic run does.
    let mut by_one = host.clone();
    for p in &plan {
        let request = followup_engine::ProcessRequest::automatic(p);
        assert!(
            engine
                .process(&mut by_one, "2022-01-20", &request)
                .unwrap()
                .did_something
        );
    }
    let mut at_once = host.clone();
    let outcome = engine.run_auto(&mut at_once, "2022-01-20").unwrap();
    let processed: Vec<&str> = outcome
        .processed
        .iter()
        .map(|o| o.partner.as_str())
        .collect();
    assert_eq!(processed, plan);
    assert_eq!(by_one, at_once);
    assert!(
        engine
            .plan_auto(&mut at_once, "2022-01-20")
            .unwrap()
            .is_empty()
    );
}
