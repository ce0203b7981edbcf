//! SPEC.md, "Amounts" and "A partner's level and status on date T".

mod support;

use followup_engine::Status;
use support::*;

fn status_on(
    host: &mut Fake,
    engine: &followup_engine::Engine,
    today: &str,
) -> (Status, Option<String>) {
    let r = engine.report(host, today, "p").unwrap();
    (r.status, r.level)
}

#[test]
fn no_chased_items_means_no_action_and_no_level() {
    let engine = example_engine();
    let mut host = fake(vec![partner("p")], vec![]);
    assert_eq!(
        status_on(&mut host, &engine, "2022-03-01"),
        (Status::NoActionNeeded, None)
    );
}

#[test]
fn the_partner_level_is_the_largest_next_level_among_chased_items() {
    let engine = example_engine();
    let mut a = item("A", "p", "2022-01-01", "100.00");
    a.level = Some("first".into()); // cur 10 -> nxt 15
    let b = item("B", "p", "2022-01-20", "100.00"); // cur 9 -> nxt 10
    let mut host = fake(vec![partner("p")], vec![a, b]);
    let (_, level) = status_on(&mut host, &engine, "2022-01-05");
    assert_eq!(level.as_deref(), Some("second"));
    // An item at the last level keeps the last level as its next.
    host.items[0].level = Some("final".into());
    let (_, level) = status_on(&mut host, &engine, "2022-01-05");
    assert_eq!(level.as_deref(), Some("final"));
}

#[test]
fn an_item_without_level_is_in_need_once_due_plus_d1_is_reached() {
    let engine = example_engine();
    let mut host = fake(
        vec![partner("p")],
        vec![item("A", "p", "2022-01-01", "10.00")],
    );
    assert_eq!(
        status_on(&mut host, &engine, "2022-01-01").0,
        Status::NoActionNeeded
    );
    assert_eq!(
        status_on(&mut host, &engine, "2022-01-02").0,
        Status::WithOverdueInvoices
    );
    assert_eq!(
        status_on(&mut host, &engine, "2022-01-10").0,
        Status::WithOverdueInvoices
    );
    assert_eq!(
        status_on(&mut host, &engine, "2022-01-11").0,
        Status::InNeedOfAction
    );
}

#[test]
fn a_negative_delay_acts_before_the_due_date() {
    let engine = engine(vec![level("early", -5), level("late", 10)]);
    let mut host = fake(
        vec![partner("p")],
        vec![item("A", "p", "2022-01-20", "10.00")],
    );
    assert_eq!(
        status_on(&mut host, &engine, "2022-01-14").0,
        Status::NoActionNeeded
    );
    let (status, level) = status_on(&mut host, &engine, "2022-01-15");
    assert_eq!(status, Status::InNeedOfAction);
    assert_eq!(level.as_deref(), Some("early"));
}

#[test]
fn the_next_reminder_date_gates_need_but_not_overdue() {
    let engine = example_engine();
    let mut p = partner("p");
    p.next_reminder = Some("2022-01-20".into());
    let mut host = fake(vec![p], vec![item("A", "p", "2022-01-01", "10.00")]);
    assert_eq!(
        status_on(&mut host, &engine, "2022-01-19").0,
        Status::WithOverdueInvoices
    );
    assert_eq!(
        status_on(&mut host, &engine, "2022-01-20").0,
        Status::InNeedOfAction
    );
}

#[test]
fn excluded_unpaid_undated_and_credit_items_are_not_chased() {
    let engine = example_engine();
    let mut excluded = item("X", "p", "2022-01-01", "10.00");
    excluded.excluded = true;
    let mut undated = item("U", "p", "2022-01-01", "10.00");
    undated.due_date = None;
    let credit = item("C", "p", "2022-01-01", "-10.00");
    let mut host = fake(vec![partner("p")], vec![excluded, undated, credit]);
    let report = engine.report(&mut host, "2022-03-01", "p").unwrap();
    assert_eq!(report.status, Status::NoActionNeeded);
    assert_eq!(report.level, None);
    assert!(report.items.iter().all(|i| !i.chased));
    assert_eq!(report.items.len(), 3, "every open item is reported");
}

#[test]
fn credits_offset_debts_in_the_same_currency_only() {
    let engine = example_engine();
    let debt_eur = item("E", "p", "2022-01-01", "100.00");
    let credit_eur = item("CE", "p", "2022-01-01", "-100.00");
    let mut debt_usd = item("D", "p", "2022-01-01", "50.00");
    debt_usd.currency = Some("USD".into());
    let mut host = fake(vec![partner("p")], vec![debt_eur, credit_eur, debt_usd]);
    let report = engine.report(&mut host, "2022-03-01", "p").unwrap();
    let chased: Vec<&str> = report
        .items
        .iter()
        .filter(|i| i.chased)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(chased, ["D"]);
    assert_eq!(report.status, Status::InNeedOfAction);
    // Without the USD debt there is nothing to chase at all.
    host.items.retain(|i| i.id != "D");
    assert_eq!(
        status_on(&mut host, &engine, "2022-03-01").0,
        Status::NoActionNeeded
    );
}

#[test]
fn an_excluded_invoice_does_not_count_towards_the_balance() {
    // docs/semantics.md: the balance is taken over the items that are not excluded.
    let engine = example_engine();
    let mut disputed = item("X", "p", "2022-01-01", "100.00");
    disputed.excluded = true;
    let credit = item("C", "p", "2022-01-01", "-100.00");
    let small = item("S", "p", "2022-01-01", "50.00");
    let mut host = fake(vec![partner("p")], vec![disputed, credit, small]);
    assert_eq!(
        status_on(&mut host, &engine, "2022-03-01").0,
        Status::NoActionNeeded
    );
}

#[test]
fn report_totals_count_every_open_item_per_currency() {
    let engine = example_engine();
    let mut excluded = item("X", "p", "2022-01-01", "300.00");
    excluded.excluded = true;
    let mut future = item("F", "p", "2022-05-01", "80.50");
    future.amount = "100.00".into();
    let mut gbp = item("G", "p", "2022-01-01", "-20.00");
    gbp.currency = Some("GBP".into());
    let mut host = fake(vec![partner("p")], vec![excluded, future, gbp]);
    let report = engine.report(&mut host, "2022-03-01", "p").unwrap();
    let totals: Vec<(String, String, String)> = report
        .totals
        .iter()
        .map(|t| {
            (
                t.currency.to_string(),
                t.due.to_string(),
                t.overdue.to_string(),
            )
        })
        .collect();
    assert_eq!(
        totals,
        [
            (
                "EUR".to_string(),
                "380.50".to_string(),
                "300.00".to_string()
            ),
            (
                "GBP".to_string(),
                "-20.00".to_string(),
                "-20.00".to_string()
            ),
        ]
    );
    let late: Vec<&str> = report
        .items
        .iter()
        .filter(|i| i.late)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(late, ["G", "X"]);
}

#[test]
fn a_policy_without_levels_never_asks_for_action() {
    let engine = engine(vec![]);
    let mut host = fake(
        vec![partner("p")],
        vec![item("A", "p", "2022-01-01", "10.00")],
    );
    assert_eq!(
        status_on(&mut host, &engine, "2023-01-01"),
        (Status::WithOverdueInvoices, None)
    );
}
