//! The runner catches every wrong expectation.
//!
//! For every passing case and every expectation leaf, make one semantic change that keeps
//! the file valid (another status, another level or null, a date ±1 day, an amount +1,
//! one element dropped or added, a flag flipped, another error kind...), run the runner
//! on it and require a FAIL that names the step, the partner (where the expectation is
//! about one) and the field.

use std::path::PathBuf;
use std::str::FromStr;

use chrono::{Days, NaiveDate};
use followup_host::conformance::{self, Failure};
use followup_host::{Runtime, fixture};
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// One mutated case and where its FAIL must point.
struct Mutation {
    what: String,
    case: Value,
    /// `Some(i)`: the FAIL names `steps[i]`; `None`: it names `load`.
    step: Option<usize>,
    partner: Option<String>,
    field: String,
}

/// Ids the mutations draw replacement values from.
struct Ids {
    levels: Vec<String>,
    partners: Vec<String>,
    items: Vec<String>,
    currency: String,
}

impl Ids {
    fn of(case: &Value) -> Ids {
        let ids = |list: &Value| -> Vec<String> {
            list.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x["id"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        Ids {
            levels: ids(&case["policy"]["levels"]),
            partners: ids(&case["partners"]),
            items: ids(&case["items"]),
            currency: case["company"]["currency"]
                .as_str()
                .unwrap_or("EUR")
                .to_string(),
        }
    }

    /// A value of `pool` not in `taken`, else `fallback`.
    fn other(pool: &[String], taken: &[&str], fallback: &str) -> String {
        pool.iter()
            .find(|x| !taken.contains(&x.as_str()))
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    }
}

/// The next value after `current` in `all` (cyclically).
fn next_of<'a>(all: &[&'a str], current: &str) -> &'a str {
    let i = all.iter().position(|x| *x == current).unwrap_or(0);
    all[(i + 1) % all.len()]
}

const STATUSES: &[&str] = &[
    "no_action_needed",
    "with_overdue_invoices",
    "in_need_of_action",
];
const TRUSTS: &[&str] = &["good", "normal", "bad"];
const CHANNELS: &[&str] = &["email", "sms", "print_letter", "send_letter"];
const KINDS: &[&str] = &[
    "invalid_policy",
    "invalid_data",
    "not_found",
    "missing_contact",
    "delivery_failed",
];

fn shift_date(date: &str, forward: bool) -> String {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("a valid date in the case");
    let d = if forward {
        d.checked_add_days(Days::new(1))
    } else {
        d.checked_sub_days(Days::new(1))
    };
    d.unwrap().format("%Y-%m-%d").to_string()
}

fn plus_one(amount: &str) -> String {
    (Decimal::from_str(amount).expect("a decimal in the case") + Decimal::ONE).to_string()
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Collects mutations of one case.
struct Mutator<'a> {
    case: &'a Value,
    ids: Ids,
    out: Vec<Mutation>,
}

impl Mutator<'_> {
    /// Adds a mutation of step `step` made by `change` on the case's `expect` object.
    fn step(
        &mut self,
        step: usize,
        partner: Option<&str>,
        field: &str,
        what: String,
        change: impl FnOnce(&mut Value),
    ) {
        let mut case = self.case.clone();
        let expect = case["steps"][step]
            .as_object_mut()
            .unwrap()
            .entry("expect")
            .or_insert_with(|| json!({}));
        change(expect);
        self.out.push(Mutation {
            what: format!("steps[{step}]: {what}"),
            case,
            step: Some(step),
            partner: partner.map(str::to_string),
            field: field.to_string(),
        });
    }

    fn all(mut self) -> Vec<Mutation> {
        if let Some(kind) = self.case["expect_load_error"].as_str() {
            let mut case = self.case.clone();
            let other = next_of(KINDS, kind);
            case["expect_load_error"] = json!(other);
            self.out.push(Mutation {
                what: format!("expect_load_error {kind} -> {other}"),
                case,
                step: None,
                partner: None,
                field: "error".into(),
            });
        }
        let steps = self.case["steps"].as_array().cloned().unwrap_or_default();
        for (i, step) in steps.iter().enumerate() {
            let expect = step.get("expect").cloned().unwrap_or_else(|| json!({}));
            self.step_mutations(i, step, &expect);
        }
        self.out
    }

    fn step_mutations(&mut self, i: usize, step: &Value, expect: &Value) {
        match expect["error"].as_str() {
            Some(kind) => {
                let other = next_of(KINDS, kind);
                self.step(i, None, "error", format!("error {kind} -> {other}"), |e| {
                    e["error"] = json!(other)
                });
            }
            None if step.get("do").is_some() => {
                self.step(i, None, "error", "add error not_found".into(), |e| {
                    e["error"] = json!("not_found")
                });
            }
            None => {}
        }
        if let Some(b) = expect["did_something"].as_bool() {
            self.step(i, None, "did_something", "flip did_something".into(), |e| {
                e["did_something"] = json!(!b)
            });
        }
        if let Some(sent) = expect["sent"].as_array() {
            self.entry_list(i, "sent", sent, json!({"channel": "email", "partner": self.ids.partners.first().cloned().unwrap_or("p".into())}));
            for (k, m) in sent.iter().enumerate() {
                let channel = m["channel"].as_str().unwrap();
                let other = next_of(CHANNELS, channel);
                self.step(
                    i,
                    None,
                    "sent",
                    format!("sent[{k}].channel -> {other}"),
                    |e| e["sent"][k]["channel"] = json!(other),
                );
                self.entry_fields(i, "sent", k, m, &["level", "to", "partner"]);
            }
        }
        if let Some(tasks) = expect["tasks"].as_array() {
            self.entry_list(
                i,
                "tasks",
                tasks,
                json!({"partner": self.ids.partners.first().cloned().unwrap_or("p".into())}),
            );
            for (k, t) in tasks.iter().enumerate() {
                self.entry_fields(
                    i,
                    "tasks",
                    k,
                    t,
                    &["level", "note_contains", "responsible", "partner"],
                );
            }
        }
        if let Some(chatter) = expect["chatter"].as_array() {
            let partner = self.ids.partners.first().cloned().unwrap_or("p".into());
            self.step(
                i,
                None,
                "chatter",
                "add a chatter entry never logged".into(),
                |e| {
                    e["chatter"]
                        .as_array_mut()
                        .unwrap()
                        .push(json!({"partner": partner, "contains": "«never logged»"}))
                },
            );
            for (k, c) in chatter.iter().enumerate() {
                self.entry_fields(i, "chatter", k, c, &["contains", "item", "partner"]);
            }
        }
        if let Some(batch) = expect["batch"].as_object() {
            for (key, list) in batch {
                let field = format!("batch.{key}");
                let ids = strs(list);
                if !ids.is_empty() {
                    self.step(i, None, &field, format!("drop {field}[0]"), |e| {
                        e["batch"][key].as_array_mut().unwrap().remove(0);
                    });
                }
                let extra = Ids::other(&self.ids.partners, &ids, "no-such-partner");
                self.step(i, None, &field, format!("add {extra} to {field}"), |e| {
                    e["batch"][key].as_array_mut().unwrap().push(json!(extra))
                });
            }
        }
        if let Some(partners) = expect["partners"].as_object() {
            for (p, want) in partners {
                self.partner_mutations(i, step, p, want);
            }
        }
        if let Some(list) = expect.get("in_need").filter(|v| v.is_array()) {
            let ids = strs(list);
            if !ids.is_empty() {
                self.step(i, None, "in_need", "drop the last in_need".into(), |e| {
                    e["in_need"].as_array_mut().unwrap().pop();
                });
            }
            if ids.len() >= 2 {
                self.step(
                    i,
                    None,
                    "in_need",
                    "swap in_need[0] and in_need[1]".into(),
                    |e| e["in_need"].as_array_mut().unwrap().swap(0, 1),
                );
            }
            let extra = Ids::other(&self.ids.partners, &ids, "no-such-partner");
            self.step(i, None, "in_need", format!("add {extra} to in_need"), |e| {
                e["in_need"].as_array_mut().unwrap().push(json!(extra))
            });
        }
    }

    /// Drops one element of an exact list, or adds one.
    fn entry_list(&mut self, i: usize, field: &str, list: &[Value], fresh: Value) {
        if !list.is_empty() {
            self.step(i, None, field, format!("drop {field}[0]"), |e| {
                e[field].as_array_mut().unwrap().remove(0);
            });
        }
        let extra = list.first().cloned().unwrap_or(fresh);
        self.step(i, None, field, format!("add {extra} to {field}"), |e| {
            e[field].as_array_mut().unwrap().push(extra)
        });
    }

    /// Changes each listed key present in element `k` of a list expectation.
    fn entry_fields(&mut self, i: usize, field: &str, k: usize, entry: &Value, keys: &[&str]) {
        for key in keys {
            let Some(value) = entry[*key].as_str() else {
                continue;
            };
            let new = match *key {
                "level" => Ids::other(&self.ids.levels, &[value], "no-such-level"),
                "partner" => "no-such-partner".to_string(),
                "item" => "NO-SUCH-ITEM".to_string(),
                _ => format!("«mutated {value}»"),
            };
            self.step(
                i,
                None,
                field,
                format!("{field}[{k}].{key} {value} -> {new}"),
                |e| e[field][k][*key] = json!(new),
            );
        }
    }

    fn partner_mutations(&mut self, i: usize, step: &Value, p: &str, want: &Value) {
        let on = step["on"].as_str().unwrap().to_string();
        fn pm<'v>(e: &'v mut Value, p: &str) -> &'v mut Value {
            &mut e["partners"][p]
        }
        if let Some(s) = want["status"].as_str() {
            let other = next_of(STATUSES, s);
            self.step(
                i,
                Some(p),
                "status",
                format!("{p}.status -> {other}"),
                |e| pm(e, p)["status"] = json!(other),
            );
        }
        if let Some(t) = want["trust"].as_str() {
            let other = next_of(TRUSTS, t);
            self.step(i, Some(p), "trust", format!("{p}.trust -> {other}"), |e| {
                pm(e, p)["trust"] = json!(other)
            });
        }
        for key in ["level"] {
            match want.get(key) {
                Some(Value::String(l)) => {
                    let other = Ids::other(&self.ids.levels, &[l], "no-such-level");
                    self.step(i, Some(p), key, format!("{p}.{key} -> {other}"), |e| {
                        pm(e, p)[key] = json!(other)
                    });
                    self.step(i, Some(p), key, format!("{p}.{key} -> null"), |e| {
                        pm(e, p)[key] = Value::Null
                    });
                }
                Some(Value::Null) => {
                    let other = self
                        .ids
                        .levels
                        .first()
                        .cloned()
                        .unwrap_or("no-such-level".into());
                    self.step(i, Some(p), key, format!("{p}.{key} null -> {other}"), |e| {
                        pm(e, p)[key] = json!(other)
                    });
                }
                _ => {}
            }
        }
        match want.get("next_reminder") {
            Some(Value::String(d)) => {
                for forward in [true, false] {
                    let new = shift_date(d, forward);
                    self.step(
                        i,
                        Some(p),
                        "next_reminder",
                        format!("{p}.next_reminder -> {new}"),
                        |e| pm(e, p)["next_reminder"] = json!(new),
                    );
                }
                self.step(
                    i,
                    Some(p),
                    "next_reminder",
                    format!("{p}.next_reminder -> null"),
                    |e| pm(e, p)["next_reminder"] = Value::Null,
                );
            }
            Some(Value::Null) => {
                self.step(
                    i,
                    Some(p),
                    "next_reminder",
                    format!("{p}.next_reminder null -> {on}"),
                    |e| pm(e, p)["next_reminder"] = json!(on),
                );
            }
            _ => {}
        }
        for key in ["total_due", "total_overdue"] {
            let Some(totals) = want[key].as_object() else {
                continue;
            };
            for (cur, amount) in totals {
                let new = plus_one(amount.as_str().unwrap());
                self.step(i, Some(p), key, format!("{p}.{key}.{cur} -> {new}"), |e| {
                    pm(e, p)[key][cur] = json!(new)
                });
            }
            let cur = if totals.contains_key(&self.ids.currency) {
                "XXX".to_string()
            } else {
                self.ids.currency.clone()
            };
            self.step(i, Some(p), key, format!("{p}.{key} add {cur} 1.00"), |e| {
                pm(e, p)[key][&cur] = json!("1.00")
            });
        }
        for key in ["late_items", "report_items"] {
            let Some(list) = want[key].as_array() else {
                continue;
            };
            let ids = strs(&want[key]);
            if !list.is_empty() {
                self.step(i, Some(p), key, format!("{p}.{key} drop [0]"), |e| {
                    pm(e, p)[key].as_array_mut().unwrap().remove(0);
                });
            }
            let extra = Ids::other(&self.ids.items, &ids, "NO-SUCH-ITEM");
            self.step(i, Some(p), key, format!("{p}.{key} add {extra}"), |e| {
                pm(e, p)[key].as_array_mut().unwrap().push(json!(extra))
            });
        }
        if let Some(levels) = want["item_levels"].as_object() {
            for (item, level) in levels {
                let field = format!("item_levels.{item}");
                match level.as_str() {
                    Some(l) => {
                        let other = Ids::other(&self.ids.levels, &[l], "no-such-level");
                        self.step(i, Some(p), &field, format!("{p}.{field} -> {other}"), |e| {
                            pm(e, p)["item_levels"][item] = json!(other)
                        });
                        self.step(i, Some(p), &field, format!("{p}.{field} -> null"), |e| {
                            pm(e, p)["item_levels"][item] = Value::Null
                        });
                    }
                    None => {
                        let other = self
                            .ids
                            .levels
                            .first()
                            .cloned()
                            .unwrap_or("no-such-level".into());
                        self.step(
                            i,
                            Some(p),
                            &field,
                            format!("{p}.{field} null -> {other}"),
                            |e| pm(e, p)["item_levels"][item] = json!(other),
                        );
                    }
                }
            }
        }
    }
}

/// Every case file the conformance test runs.
fn case_files() -> Vec<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let paths: Vec<PathBuf> = [
        manifest.join("../tests/conformance"),
        manifest.join("../../shared/conformance/cases"),
        manifest.join("data/sample-ledger.json"),
    ]
    .into_iter()
    .filter(|p| p.exists())
    .collect();
    conformance::collect_files(&paths).expect("case folders are readable")
}

#[test]
fn every_expectation_change_is_caught_and_located() {
    let rt = Runtime::shared().expect("the component loads");
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut skipped = Vec::new();
    for file in case_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.display().to_string();
        if conformance::run_text(rt, &name, &text).result.is_err() {
            skipped.push(name);
            continue;
        }
        let case: Value = serde_json::from_str(&text).unwrap();
        let mutations = Mutator {
            case: &case,
            ids: Ids::of(&case),
            out: Vec::new(),
        }
        .all();
        for m in mutations {
            checked += 1;
            let text = m.case.to_string();
            assert!(
                fixture::parse_case(&text).is_ok(),
                "{name}: {} made an invalid file",
                m.what
            );
            let result = conformance::run_text(rt, &name, &text);
            let line = result.to_string();
            let Err(Failure::Mismatch(mismatch)) = &result.result else {
                problems.push(format!("{name}: {}: not caught ({line})", m.what));
                continue;
            };
            let place = match m.step {
                Some(i) => format!("steps[{i}] ("),
                None => "load".to_string(),
            };
            let mut wrong = Vec::new();
            if !mismatch.place.to_string().starts_with(&place)
                || !line.contains(&format!(": {place}"))
            {
                wrong.push(format!("place {place}"));
            }
            let field_ok =
                mismatch.field == m.field || mismatch.field.starts_with(&format!("{}.", m.field));
            if !field_ok || !line.contains(&format!(", field {}", m.field)) {
                wrong.push(format!("field {}", m.field));
            }
            if let Some(p) = &m.partner
                && (mismatch.partner.as_deref() != Some(p)
                    || !line.contains(&format!(", partner {p}, ")))
            {
                wrong.push(format!("partner {p}"));
            }
            if !wrong.is_empty() {
                problems.push(format!(
                    "{name}: {}: expected {}, got: {line}",
                    m.what,
                    wrong.join(", ")
                ));
            }
        }
    }
    eprintln!(
        "{checked} mutations checked; cases skipped because they fail as written: {skipped:?}"
    );
    assert!(
        checked > 0,
        "no mutation was checked (cases skipped: {skipped:?})"
    );
    assert!(
        problems.is_empty(),
        "{} of {checked} mutations:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
