//! SPEC.md, "Worked example": levels 10, 15, 30; one invoice of 500 due 2022-01-01.

mod support;

use followup_engine::{ProcessRequest, Status};
use support::*;

#[test]
fn the_worked_example_table() {
    let engine = example_engine();
    let mut host = fake(
        vec![partner("p")],
        vec![item("I1", "p", "2022-01-01", "500.00")],
    );
    let run = |host: &mut Fake| {
        engine
            .process(host, "", &ProcessRequest::automatic("p"))
            .unwrap_err()
    };
    // "today" is validated before anything else.
    assert_eq!(run(&mut host).kind, followup_engine::ErrorKind::InvalidData);

    // (T, status, level before, did something, level after, next reminder)
    let table = [
        (
            "2022-01-10",
            Status::WithOverdueInvoices,
            "first",
            false,
            "first",
            None,
        ),
        (
            "2022-01-11",
            Status::InNeedOfAction,
            "first",
            true,
            "second",
            Some("2022-01-16"),
        ),
        (
            "2022-01-15",
            Status::WithOverdueInvoices,
            "second",
            false,
            "second",
            Some("2022-01-16"),
        ),
        (
            "2022-01-16",
            Status::InNeedOfAction,
            "second",
            true,
            "final",
            Some("2022-01-31"),
        ),
        (
            "2022-01-31",
            Status::InNeedOfAction,
            "final",
            true,
            "final",
            Some("2022-02-15"),
        ),
        (
            "2022-02-15",
            Status::WithOverdueInvoices,
            "final",
            false,
            "final",
            Some("2022-02-15"),
        ),
    ];
    for (today, status, level, acts, level_after, next) in table {
        let report = engine.report(&mut host, today, "p").unwrap();
        assert_eq!(report.status, status, "{today}");
        assert_eq!(report.level.as_deref(), Some(level), "{today}");
        let outcome = engine
            .process(&mut host, today, &ProcessRequest::automatic("p"))
            .unwrap();
        assert_eq!(outcome.did_something, acts, "{today}");
        let report = engine.report(&mut host, today, "p").unwrap();
        assert_eq!(report.level.as_deref(), Some(level_after), "{today}");
        assert_eq!(
            report.next_reminder.map(|d| d.to_string()).as_deref(),
            next,
            "{today}"
        );
    }
    // The item reached the last level and the last level went out once.
    assert_eq!(host.items[0].level.as_deref(), Some("final"));
    let levels: Vec<&str> = host.sent.iter().map(|m| m.level.as_str()).collect();
    assert_eq!(levels, ["first", "second", "final"]);
}
