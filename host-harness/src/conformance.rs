//! The conformance runner: replays case files through a [`Driver`] and checks every
//! expectation of `shared/conformance/FORMAT.md`.
//!
//! The runner owns the ledger (a [`MemLedger`]) and the host's own accounting (the
//! `ledger` action); everything else is asked of the engine through the driver. The
//! component driver ([`Runtime`]) is the first transport; a C ABI driver can implement
//! the same trait.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::fixture::{
    self, Action, BatchExpect, Case, ChatterExpect, ErrorKind, Expect, LedgerChange, PartnerExpect,
    SentExpect, Status, TaskExpect, Trust,
};
use crate::ledger::MemLedger;
use crate::runtime::{Outcome, Runtime, error_message};
use crate::wit::api::{
    BatchOutcome, LedgerSummary, Letter, OverviewLine, PartnerReport, ProcessOutcome,
    ProcessRequest,
};
use crate::wit::chatter::{Entry, Target, Task};
use crate::wit::messaging::Message;
use crate::wit::types;

/// A way to call the engine's operations on a ledger (the WASM component, a C ABI, ...).
pub trait Driver {
    /// `check`: validate the ledger.
    fn check(&self, ledger: &mut MemLedger) -> Outcome<LedgerSummary>;
    /// `report` of one partner on `today`.
    fn report(&self, ledger: &mut MemLedger, today: &str, partner: &str) -> Outcome<PartnerReport>;
    /// `overview` on `today`.
    fn overview(&self, ledger: &mut MemLedger, today: &str) -> Outcome<Vec<OverviewLine>>;
    /// `print-letter`: one partner's follow-up letter on `today` (reads only).
    fn print_letter(&self, ledger: &mut MemLedger, today: &str, partner: &str) -> Outcome<Letter>;
    /// `process` one partner.
    fn process(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        request: &ProcessRequest,
    ) -> Outcome<ProcessOutcome>;
    /// `process-batch`.
    fn process_batch(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partners: &[String],
    ) -> Outcome<BatchOutcome>;
    /// `run-auto`.
    fn run_auto(&self, ledger: &mut MemLedger, today: &str) -> Outcome<BatchOutcome>;
    /// `plan-auto`.
    fn plan_auto(&self, ledger: &mut MemLedger, today: &str) -> Outcome<Vec<String>>;
    /// `remind-later`.
    fn remind_later(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partner: &str,
        date: &str,
    ) -> Outcome<()>;
    /// `set-excluded`.
    fn set_excluded(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        item: &str,
        excluded: bool,
    ) -> Outcome<()>;
    /// `set-trust`.
    fn set_trust(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partner: &str,
        trust: types::Trust,
    ) -> Outcome<()>;
}

impl Driver for Runtime {
    fn check(&self, ledger: &mut MemLedger) -> Outcome<LedgerSummary> {
        Runtime::check(self, ledger)
    }
    fn report(&self, ledger: &mut MemLedger, today: &str, partner: &str) -> Outcome<PartnerReport> {
        Runtime::report(self, ledger, today, partner)
    }
    fn overview(&self, ledger: &mut MemLedger, today: &str) -> Outcome<Vec<OverviewLine>> {
        Runtime::overview(self, ledger, today)
    }
    fn print_letter(&self, ledger: &mut MemLedger, today: &str, partner: &str) -> Outcome<Letter> {
        Runtime::print_letter(self, ledger, today, partner)
    }
    fn process(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        request: &ProcessRequest,
    ) -> Outcome<ProcessOutcome> {
        Runtime::process(self, ledger, today, request)
    }
    fn process_batch(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partners: &[String],
    ) -> Outcome<BatchOutcome> {
        Runtime::process_batch(self, ledger, today, partners)
    }
    fn run_auto(&self, ledger: &mut MemLedger, today: &str) -> Outcome<BatchOutcome> {
        Runtime::run_auto(self, ledger, today)
    }
    fn plan_auto(&self, ledger: &mut MemLedger, today: &str) -> Outcome<Vec<String>> {
        Runtime::plan_auto(self, ledger, today)
    }
    fn remind_later(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partner: &str,
        date: &str,
    ) -> Outcome<()> {
        Runtime::remind_later(self, ledger, today, partner, date)
    }
    fn set_excluded(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        item: &str,
        excluded: bool,
    ) -> Outcome<()> {
        Runtime::set_excluded(self, ledger, today, item, excluded)
    }
    fn set_trust(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partner: &str,
        trust: types::Trust,
    ) -> Outcome<()> {
        Runtime::set_trust(self, ledger, today, partner, trust)
    }
}

/// Where in a case a mismatch was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Loading the case (the `check` export).
    Load,
    /// One step: its index and date.
    Step {
        /// Index in `steps`.
        index: usize,
        /// The step's `on` date.
        on: String,
    },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Load => f.write_str("load"),
            Place::Step { index, on } => write!(f, "steps[{index}] ({on})"),
        }
    }
}

/// The first mismatch of a failing case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Where.
    pub place: Place,
    /// The partner it is about, if any.
    pub partner: Option<String>,
    /// The expectation (e.g. `level`, `total_due.EUR`, `sent`).
    pub field: String,
    /// What the case expected.
    pub expected: String,
    /// What the engine gave.
    pub got: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.place)?;
        if let Some(partner) = &self.partner {
            write!(f, ", partner {partner}")?;
        }
        write!(
            f,
            ", field {}: expected {}, got {}",
            self.field, self.expected, self.got
        )
    }
}

/// Why a case failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The file could not be read or is not a valid case.
    Invalid(String),
    /// An expectation did not hold.
    Mismatch(Box<Mismatch>),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Invalid(why) => write!(f, "invalid case: {why}"),
            Failure::Mismatch(m) => m.fmt(f),
        }
    }
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case's name (the file name when the case could not be read).
    pub name: String,
    /// `Ok` when every expectation held.
    pub result: Result<(), Failure>,
}

impl fmt::Display for CaseResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.result {
            Ok(()) => write!(f, "ok   {}", self.name),
            Err(failure) => write!(f, "FAIL {}: {failure}", self.name),
        }
    }
}

/// Counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)
    }
}

/// Expands files and folders into case files: a folder gives every `*.json` inside it
/// (not recursive), sorted.
pub fn collect_files(paths: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut inside = Vec::new();
            for entry in std::fs::read_dir(path)? {
                let p = entry?.path();
                if p.is_file() && p.extension().is_some_and(|e| e == "json") {
                    inside.push(p);
                }
            }
            inside.sort();
            files.extend(inside);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no such file or folder: {}", path.display()),
            ));
        }
    }
    Ok(files)
}

/// Runs every case under `paths`, printing one line per case and the count line.
pub fn run_paths(
    driver: &dyn Driver,
    paths: &[PathBuf],
    out: &mut dyn Write,
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    for file in collect_files(paths)? {
        let result = run_file(driver, &file);
        writeln!(out, "{result}")?;
        if result.result.is_ok() {
            summary.passed += 1;
        } else {
            summary.failed += 1;
        }
    }
    writeln!(out, "{summary}")?;
    Ok(summary)
}

/// Runs one case file.
pub fn run_file(driver: &dyn Driver, path: &Path) -> CaseResult {
    let fallback = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    match std::fs::read_to_string(path) {
        Ok(text) => run_text(driver, &fallback, &text),
        Err(e) => CaseResult {
            name: fallback,
            result: Err(Failure::Invalid(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        },
    }
}

/// Runs one case given as JSON text; `fallback` names it if it cannot be parsed.
pub fn run_text(driver: &dyn Driver, fallback: &str, text: &str) -> CaseResult {
    match fixture::parse_case(text) {
        Ok(case) => CaseResult {
            name: case.name.clone(),
            result: run_case(driver, &case),
        },
        Err(e) => CaseResult {
            name: fallback.to_string(),
            result: Err(Failure::Invalid(e.0)),
        },
    }
}

/// Runs one parsed case: load, then every step; the first mismatch fails it.
pub fn run_case(driver: &dyn Driver, case: &Case) -> Result<(), Failure> {
    let mut ledger = case.ledger();
    let loaded = driver
        .check(&mut ledger)
        .map_err(|trap| mismatch(Place::Load, None, "check", "a result", trap_text(&trap)))?;
    match (case.expect_load_error, loaded) {
        (Some(kind), Err(e)) if ErrorKind::of(&e) == kind => return Ok(()),
        (Some(kind), Err(e)) => {
            return Err(mismatch(
                Place::Load,
                None,
                "error",
                kind.as_str(),
                error_text(&e),
            ));
        }
        (Some(kind), Ok(_)) => {
            return Err(mismatch(
                Place::Load,
                None,
                "error",
                kind.as_str(),
                "accepted",
            ));
        }
        (None, Err(e)) => {
            return Err(mismatch(
                Place::Load,
                None,
                "error",
                "no error",
                error_text(&e),
            ));
        }
        (None, Ok(_)) => {}
    }
    for (index, step) in case.steps.iter().enumerate() {
        let place = Place::Step {
            index,
            on: step.on.clone(),
        };
        let mut run = StepRun {
            driver,
            ledger: &mut ledger,
            place,
            on: &step.on,
        };
        run.run(step.action.as_ref(), &step.expect)
            .map_err(Failure::Mismatch)?;
    }
    Ok(())
}

/// Builds a [`Failure::Mismatch`].
fn mismatch(
    place: Place,
    partner: Option<&str>,
    field: &str,
    expected: impl Into<String>,
    got: impl Into<String>,
) -> Failure {
    Failure::Mismatch(Box::new(Mismatch {
        place,
        partner: partner.map(str::to_string),
        field: field.to_string(),
        expected: expected.into(),
        got: got.into(),
    }))
}

/// A trap, as a mismatch shows it.
fn trap_text(trap: &anyhow::Error) -> String {
    format!("a trap ({trap:#})")
}

/// A refusal, as a mismatch shows it.
fn error_text(error: &types::Error) -> String {
    format!(
        "{} ({:?})",
        ErrorKind::of(error).as_str(),
        error_message(error)
    )
}

/// What a step's action returned.
enum Done {
    /// No action.
    Nothing,
    /// `process` returned an outcome.
    Processed(ProcessOutcome),
    /// `process-batch` or `run-auto` returned an outcome.
    Batch(BatchOutcome),
    /// Another action succeeded.
    Applied,
    /// The action was refused (the ledger was left, or put back, as before).
    Refused(types::Error),
}

/// One step being checked.
struct StepRun<'a> {
    driver: &'a dyn Driver,
    ledger: &'a mut MemLedger,
    place: Place,
    on: &'a str,
}

/// One list of a batch expectation: field name, expected ids, the outcome's ids.
type BatchList<'a> = (&'a str, &'a Option<Vec<String>>, Vec<&'a str>);

/// A step's result so far: `Err` holds the first mismatch.
type Checked = Result<(), Box<Mismatch>>;

impl StepRun<'_> {
    fn fail(
        &self,
        partner: Option<&str>,
        field: &str,
        expected: impl Into<String>,
        got: impl Into<String>,
    ) -> Box<Mismatch> {
        Box::new(Mismatch {
            place: self.place.clone(),
            partner: partner.map(str::to_string),
            field: field.to_string(),
            expected: expected.into(),
            got: got.into(),
        })
    }

    /// A driver result: a trap is a mismatch on the call itself.
    fn call<T>(
        &self,
        what: &str,
        outcome: Outcome<T>,
    ) -> Result<Result<T, types::Error>, Box<Mismatch>> {
        outcome.map_err(|trap| self.fail(None, what, "a result", trap_text(&trap)))
    }

    fn run(&mut self, action: Option<&Action>, expect: &Expect) -> Checked {
        let before = self.ledger.clone();
        let mark = self.ledger.mark();
        let done = self.act(action)?;
        self.check_error(action, expect, &before, &done)?;
        let since = |l: &MemLedger| {
            (
                l.sent_since(mark).to_vec(),
                l.tasks_since(mark).to_vec(),
                l.chatter_since(mark).to_vec(),
            )
        };
        let (sent, tasks, chatter) = since(self.ledger);
        if let Some(want) = expect.did_something {
            self.check_did_something(want, action, &done)?;
        }
        if let Some(want) = &expect.batch {
            self.check_batch(want, action, &done)?;
        }
        if let Some(want) = &expect.sent {
            self.check_sent(want, &sent)?;
        }
        if let Some(want) = &expect.tasks {
            self.check_tasks(want, &tasks)?;
        }
        if let Some(want) = &expect.chatter {
            self.check_chatter(want, &chatter)?;
        }
        for (partner, want) in &expect.partners {
            self.check_partner(partner, want)?;
        }
        if let Some(want) = &expect.in_need {
            self.check_in_need(want)?;
        }
        Ok(())
    }

    /// Applies the step's action.
    fn act(&mut self, action: Option<&Action>) -> Result<Done, Box<Mismatch>> {
        let Some(action) = action else {
            return Ok(Done::Nothing);
        };
        let d = self.driver;
        let on = self.on;
        let ledger = &mut *self.ledger;
        let done: Outcome<Done> = match action {
            Action::Process(p) => d
                .process(ledger, on, &p.to_wit())
                .map(|r| r.map(Done::Processed)),
            Action::ProcessBatch(b) => d
                .process_batch(ledger, on, &b.partners)
                .map(|r| r.map(Done::Batch)),
            Action::RunAuto(_) => d.run_auto(ledger, on).map(|r| r.map(Done::Batch)),
            Action::RemindLater(r) => d
                .remind_later(ledger, on, &r.partner, &r.date)
                .map(|r| r.map(|()| Done::Applied)),
            Action::SetExcluded(s) => d
                .set_excluded(ledger, on, &s.item, s.excluded)
                .map(|r| r.map(|()| Done::Applied)),
            Action::SetTrust(s) => d
                .set_trust(ledger, on, &s.partner, s.trust.to_wit())
                .map(|r| r.map(|()| Done::Applied)),
            Action::Ledger(change) => {
                // The host's own accounting, then `check`; a refusal puts everything back.
                let snapshot = ledger.clone();
                let applied = match apply_ledger_change(ledger, change) {
                    Ok(()) => d.check(ledger).map(|r| r.map(|_| Done::Applied)),
                    Err(e) => Ok(Err(e)),
                };
                if !matches!(applied, Ok(Ok(_))) {
                    *ledger = snapshot;
                }
                applied
            }
        };
        let done = self.call(action.name(), done)?;
        Ok(done.unwrap_or_else(Done::Refused))
    }

    /// `error`: the expected refusal (same kind, nothing changed), or no refusal at all.
    fn check_error(
        &self,
        action: Option<&Action>,
        expect: &Expect,
        before: &MemLedger,
        done: &Done,
    ) -> Checked {
        let refused = match done {
            Done::Refused(e) => Some(e),
            _ => None,
        };
        let Some(kind) = expect.error else {
            return match refused {
                Some(e) => Err(self.fail(None, "error", "no error", error_text(e))),
                None => Ok(()),
            };
        };
        let Some(error) = refused else {
            let got = match action {
                Some(a) => format!("{} accepted", a.name()),
                None => "no action".to_string(),
            };
            return Err(self.fail(None, "error", kind.as_str(), got));
        };
        if ErrorKind::of(error) != kind {
            return Err(self.fail(None, "error", kind.as_str(), error_text(error)));
        }
        if let Some(change) = before.state().first_difference(self.ledger.state()) {
            return Err(self.fail(None, "error", format!("{kind} changing nothing"), change));
        }
        if kind != ErrorKind::DeliveryFailed {
            let mark = before.mark();
            let logged = [
                ("sent", self.ledger.sent_since(mark).len()),
                ("tasks", self.ledger.tasks_since(mark).len()),
                ("chatter", self.ledger.chatter_since(mark).len()),
            ];
            if let Some((field, n)) = logged.into_iter().find(|(_, n)| *n > 0) {
                return Err(self.fail(
                    None,
                    field,
                    format!("nothing recorded after {kind}"),
                    format!("{n} recorded"),
                ));
            }
        }
        Ok(())
    }

    /// `did_something`: from `process`; a refused `process` did nothing.
    fn check_did_something(&self, want: bool, action: Option<&Action>, done: &Done) -> Checked {
        let got = match (action, done) {
            (_, Done::Processed(o)) => o.did_something,
            (Some(Action::Process(_)), Done::Refused(_)) => false,
            (action, _) => {
                let got = action.map_or("no action", Action::name);
                return Err(self.fail(
                    None,
                    "did_something",
                    want.to_string(),
                    format!("no process outcome ({got})"),
                ));
            }
        };
        if got != want {
            let partner = match action {
                Some(Action::Process(p)) => Some(p.partner.as_str()),
                _ => None,
            };
            return Err(self.fail(partner, "did_something", want.to_string(), got.to_string()));
        }
        Ok(())
    }

    /// `batch`: processed / skipped / failed as sets of partner ids.
    fn check_batch(&self, want: &BatchExpect, action: Option<&Action>, done: &Done) -> Checked {
        let Done::Batch(outcome) = done else {
            let got = match done {
                Done::Refused(e) => error_text(e),
                _ => format!(
                    "no batch outcome ({})",
                    action.map_or("no action", Action::name)
                ),
            };
            return Err(self.fail(None, "batch", "a batch outcome", got));
        };
        let lists: [BatchList; 3] = [
            (
                "batch.processed",
                &want.processed,
                outcome
                    .processed
                    .iter()
                    .map(|p| p.partner.as_str())
                    .collect(),
            ),
            (
                "batch.skipped",
                &want.skipped,
                outcome.skipped.iter().map(|p| p.partner.as_str()).collect(),
            ),
            (
                "batch.failed",
                &want.failed,
                outcome.failed.iter().map(|p| p.partner.as_str()).collect(),
            ),
        ];
        for (field, want, got) in lists {
            let Some(want) = want else { continue };
            let want_set: BTreeSet<&str> = want.iter().map(String::as_str).collect();
            let got_set: BTreeSet<&str> = got.into_iter().collect();
            if want_set != got_set {
                let partner = want_set.symmetric_difference(&got_set).next().copied();
                return Err(self.fail(partner, field, json_list(&want_set), json_list(&got_set)));
            }
        }
        Ok(())
    }

    /// `sent`: exactly these messages, in any order.
    fn check_sent(&self, want: &[SentExpect], sent: &[Message]) -> Checked {
        let fits = |e: &SentExpect, m: &Message| {
            e.channel.to_wit() == m.channel
                && e.partner == m.partner
                && e.level.as_ref().is_none_or(|l| *l == m.level)
                && e.to.as_ref().is_none_or(|t| *t == m.to)
        };
        let show_want = |e: &SentExpect| {
            let mut v = json!({"channel": e.channel.as_str(), "partner": e.partner});
            if let Some(l) = &e.level {
                v["level"] = json!(l);
            }
            if let Some(t) = &e.to {
                v["to"] = json!(t);
            }
            v
        };
        let show_got = |m: &Message| json!({"channel": fixture::Channel::name_of(m.channel), "partner": m.partner, "level": m.level, "to": m.to});
        let got_all = || Value::Array(sent.iter().map(show_got).collect()).to_string();
        match match_all(want, sent, fits) {
            Unmatched::None => Ok(()),
            Unmatched::Expected(i) => Err(self.fail(
                Some(&want[i].partner),
                "sent",
                show_want(&want[i]).to_string(),
                got_all(),
            )),
            Unmatched::Actual(j) => Err(self.fail(
                Some(&sent[j].partner),
                "sent",
                Value::Array(want.iter().map(show_want).collect()).to_string(),
                format!("also {} (all: {})", show_got(&sent[j]), got_all()),
            )),
        }
    }

    /// `tasks`: exactly these tasks, in any order.
    fn check_tasks(&self, want: &[TaskExpect], tasks: &[Task]) -> Checked {
        let fits = |e: &TaskExpect, t: &Task| {
            e.partner == t.partner
                && e.level.as_ref().is_none_or(|l| *l == t.level)
                && e.note_contains
                    .as_ref()
                    .is_none_or(|n| t.note.contains(n.as_str()))
                && e.responsible.as_ref().is_none_or(|r| *r == t.responsible)
        };
        let show_want = |e: &TaskExpect| {
            let mut v = json!({"partner": e.partner});
            if let Some(l) = &e.level {
                v["level"] = json!(l);
            }
            if let Some(n) = &e.note_contains {
                v["note_contains"] = json!(n);
            }
            if let Some(r) = &e.responsible {
                v["responsible"] = json!(r);
            }
            v
        };
        let show_got = |t: &Task| json!({"partner": t.partner, "level": t.level, "note": t.note, "responsible": t.responsible});
        let got_all = || Value::Array(tasks.iter().map(show_got).collect()).to_string();
        match match_all(want, tasks, fits) {
            Unmatched::None => Ok(()),
            Unmatched::Expected(i) => Err(self.fail(
                Some(&want[i].partner),
                "tasks",
                show_want(&want[i]).to_string(),
                got_all(),
            )),
            Unmatched::Actual(j) => Err(self.fail(
                Some(&tasks[j].partner),
                "tasks",
                Value::Array(want.iter().map(show_want).collect()).to_string(),
                format!("also {} (all: {})", show_got(&tasks[j]), got_all()),
            )),
        }
    }

    /// `chatter`: each expected entry matches a distinct entry logged in this step.
    fn check_chatter(&self, want: &[ChatterExpect], logged: &[Entry]) -> Checked {
        let ledger = &*self.ledger;
        let fits = |e: &ChatterExpect, entry: &Entry| {
            let on_target = match (&e.item, &e.partner, &entry.target) {
                (Some(item), partner, Target::Item(id)) => {
                    item == id
                        && partner
                            .as_ref()
                            .is_none_or(|p| ledger.item(id).is_some_and(|i| i.partner == *p))
                }
                (Some(_), _, Target::Partner(_)) => false,
                (None, Some(partner), Target::Partner(id)) => partner == id,
                (None, Some(_), Target::Item(_)) => false,
                (None, None, _) => true,
            };
            on_target
                && e.contains
                    .as_ref()
                    .is_none_or(|c| entry.body.contains(c.as_str()))
        };
        let show_want = |e: &ChatterExpect| {
            let mut v = json!({});
            if let Some(p) = &e.partner {
                v["partner"] = json!(p);
            }
            if let Some(i) = &e.item {
                v["item"] = json!(i);
            }
            if let Some(c) = &e.contains {
                v["contains"] = json!(c);
            }
            v
        };
        let show_got = |e: &Entry| match &e.target {
            Target::Partner(p) => json!({"partner": p, "body": e.body}),
            Target::Item(i) => json!({"item": i, "body": e.body}),
        };
        match match_some(want, logged, fits) {
            None => Ok(()),
            Some(i) => Err(self.fail(
                want[i].partner.as_deref(),
                "chatter",
                show_want(&want[i]).to_string(),
                Value::Array(logged.iter().map(show_got).collect()).to_string(),
            )),
        }
    }

    /// `partners.ID`: read from the `report` export.
    fn check_partner(&mut self, partner: &str, want: &PartnerExpect) -> Checked {
        let outcome = self.driver.report(self.ledger, self.on, partner);
        let report = match self.call("report", outcome)? {
            Ok(report) => report,
            Err(e) => return Err(self.fail(Some(partner), "report", "a report", error_text(&e))),
        };
        let p = Some(partner);
        if let Some(status) = want.status {
            let got = Status::name_of(report.status);
            if status.as_str() != got {
                return Err(self.fail(p, "status", json_str(status.as_str()), json_str(got)));
            }
        }
        if let Some(level) = &want.level
            && *level != report.level
        {
            return Err(self.fail(p, "level", json_opt(level), json_opt(&report.level)));
        }
        if let Some(next) = &want.next_reminder
            && *next != report.next_reminder
        {
            return Err(self.fail(
                p,
                "next_reminder",
                json_opt(next),
                json_opt(&report.next_reminder),
            ));
        }
        if let Some(trust) = want.trust {
            let got = Trust::name_of(report.trust);
            if trust.as_str() != got {
                return Err(self.fail(p, "trust", json_str(trust.as_str()), json_str(got)));
            }
        }
        if let Some(due) = &want.total_due {
            let got = report
                .totals
                .iter()
                .map(|t| (t.currency.as_str(), t.due.as_str()));
            self.check_totals(partner, "total_due", due, got)?;
        }
        if let Some(overdue) = &want.total_overdue {
            let got = report
                .totals
                .iter()
                .map(|t| (t.currency.as_str(), t.overdue.as_str()));
            self.check_totals(partner, "total_overdue", overdue, got)?;
        }
        if let Some(late) = &want.late_items {
            let got = report
                .items
                .iter()
                .filter(|i| i.late)
                .map(|i| i.id.as_str());
            self.check_set(partner, "late_items", late, got)?;
        }
        if let Some(items) = &want.report_items {
            let got = report.items.iter().map(|i| i.id.as_str());
            self.check_set(partner, "report_items", items, got)?;
        }
        if let Some(levels) = &want.item_levels {
            for (item, level) in levels {
                let field = format!("item_levels.{item}");
                let Some(line) = report.items.iter().find(|i| i.id == *item) else {
                    return Err(self.fail(
                        p,
                        &field,
                        json_opt(level),
                        "no such item in the report",
                    ));
                };
                if *level != line.level {
                    return Err(self.fail(p, &field, json_opt(level), json_opt(&line.level)));
                }
            }
        }
        Ok(())
    }

    /// Totals per currency, compared as numbers; a missing currency is 0.
    fn check_totals<'a>(
        &self,
        partner: &str,
        field: &str,
        want: &BTreeMap<String, String>,
        got: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Checked {
        let p = Some(partner);
        let mut got_map: BTreeMap<&str, (Decimal, &str)> = BTreeMap::new();
        for (currency, text) in got {
            let field = format!("{field}.{currency}");
            let value = Decimal::from_str(text)
                .map_err(|_| self.fail(p, &field, "a decimal", json_str(text)))?;
            let entry = got_map.entry(currency).or_insert((Decimal::ZERO, text));
            entry.0 += value;
        }
        let currencies: BTreeSet<&str> = want
            .keys()
            .map(String::as_str)
            .chain(got_map.keys().copied())
            .collect();
        for currency in currencies {
            let field = format!("{field}.{currency}");
            let (want_value, want_text) = match want.get(currency) {
                Some(text) => {
                    let v = Decimal::from_str(text).map_err(|_| {
                        self.fail(
                            p,
                            &field,
                            format!("a decimal in the case, not {text:?}"),
                            "-",
                        )
                    })?;
                    (v, text.as_str())
                }
                None => (Decimal::ZERO, "0"),
            };
            let (got_value, got_text) = got_map
                .get(currency)
                .copied()
                .unwrap_or((Decimal::ZERO, "0"));
            if want_value != got_value {
                return Err(self.fail(p, &field, json_str(want_text), json_str(got_text)));
            }
        }
        Ok(())
    }

    /// Item ids compared as sets.
    fn check_set<'a>(
        &self,
        partner: &str,
        field: &str,
        want: &[String],
        got: impl Iterator<Item = &'a str>,
    ) -> Checked {
        let want: BTreeSet<&str> = want.iter().map(String::as_str).collect();
        let got: BTreeSet<&str> = got.collect();
        if want != got {
            return Err(self.fail(Some(partner), field, json_list(&want), json_list(&got)));
        }
        Ok(())
    }

    /// `in_need`: the overview's partners in need of action, in order.
    fn check_in_need(&mut self, want: &[String]) -> Checked {
        let outcome = self.driver.overview(self.ledger, self.on);
        let lines = match self.call("overview", outcome)? {
            Ok(lines) => lines,
            Err(e) => return Err(self.fail(None, "in_need", "an overview", error_text(&e))),
        };
        let got: Vec<&str> = lines
            .iter()
            .filter(|l| l.status == types::Status::InNeedOfAction)
            .map(|l| l.partner.as_str())
            .collect();
        if got != want {
            return Err(self.fail(None, "in_need", json_list(want), json_list(&got)));
        }
        Ok(())
    }
}

/// The host's own accounting: payments lower residuals (an item paid to 0 is removed),
/// new items are added. Refuses payments it cannot compute.
fn apply_ledger_change(ledger: &mut MemLedger, change: &LedgerChange) -> Result<(), types::Error> {
    for payment in &change.pay {
        let Some(item) = ledger.item(&payment.item) else {
            return Err(types::Error::NotFound(format!(
                "ledger.pay: no open item {:?}",
                payment.item
            )));
        };
        let residual = Decimal::from_str_exact(&item.residual).map_err(|_| {
            types::Error::InvalidData(format!(
                "ledger.pay: item {:?} has residual {:?}",
                payment.item, item.residual
            ))
        })?;
        let amount = Decimal::from_str_exact(&payment.amount).map_err(|_| {
            types::Error::InvalidData(format!(
                "ledger.pay: amount {:?} is not a decimal",
                payment.amount
            ))
        })?;
        let left = residual - amount;
        if left.is_zero() {
            ledger.remove_item(&payment.item);
        } else {
            ledger.update_item(&payment.item, |i| i.residual = left.to_string());
        }
    }
    for item in &change.add_items {
        ledger.insert_item(item.to_wit());
    }
    Ok(())
}

/// Which entry a matching left out.
#[derive(Debug, PartialEq, Eq)]
enum Unmatched {
    /// Every expected entry matched a distinct actual one and nothing is left over.
    None,
    /// This expected entry matches nothing left.
    Expected(usize),
    /// This actual entry was not expected.
    Actual(usize),
}

/// Exact multiset matching: a perfect pairing of `want` and `got` under `fits`.
fn match_all<E, A>(want: &[E], got: &[A], fits: impl Fn(&E, &A) -> bool) -> Unmatched {
    let pairs = max_matching(want, got, &fits);
    if let Some(i) = pairs.iter().position(Option::is_none) {
        return Unmatched::Expected(i);
    }
    let used: BTreeSet<usize> = pairs.iter().flatten().copied().collect();
    match (0..got.len()).find(|j| !used.contains(j)) {
        Some(j) => Unmatched::Actual(j),
        None => Unmatched::None,
    }
}

/// Inclusion: every expected entry pairs with a distinct actual one; returns the first
/// that cannot.
fn match_some<E, A>(want: &[E], got: &[A], fits: impl Fn(&E, &A) -> bool) -> Option<usize> {
    max_matching(want, got, &fits)
        .iter()
        .position(Option::is_none)
}

/// A maximum bipartite matching (Kuhn's algorithm): for each expected entry, the actual
/// entry it is paired with.
fn max_matching<E, A>(want: &[E], got: &[A], fits: &impl Fn(&E, &A) -> bool) -> Vec<Option<usize>> {
    fn augment<E, A>(
        i: usize,
        want: &[E],
        got: &[A],
        fits: &impl Fn(&E, &A) -> bool,
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for j in 0..got.len() {
            if seen[j] || !fits(&want[i], &got[j]) {
                continue;
            }
            seen[j] = true;
            if owner[j].is_none_or(|k| augment(k, want, got, fits, seen, owner)) {
                owner[j] = Some(i);
                return true;
            }
        }
        false
    }
    let mut owner: Vec<Option<usize>> = vec![None; got.len()];
    for i in 0..want.len() {
        let mut seen = vec![false; got.len()];
        augment(i, want, got, fits, &mut seen, &mut owner);
    }
    let mut pairs = vec![None; want.len()];
    for (j, i) in owner.iter().enumerate() {
        if let Some(i) = i {
            pairs[*i] = Some(j);
        }
    }
    pairs
}

/// A string as JSON.
fn json_str(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// An optional string as JSON (`null` when absent).
fn json_opt(s: &Option<String>) -> String {
    s.as_deref().map_or_else(|| "null".to_string(), json_str)
}

/// A list of strings as JSON.
fn json_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    Value::Array(
        items
            .into_iter()
            .map(|s| Value::String(s.as_ref().to_string()))
            .collect(),
    )
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_finds_a_pairing_greedy_would_miss() {
        // Expected: "any email" and "email to x"; actual: x, y. Greedy would give x to
        // the first and fail on the second.
        let want = [None, Some("x")];
        let got = ["x", "y"];
        let fits = |w: &Option<&str>, g: &&str| w.is_none_or(|w| w == *g);
        assert_eq!(match_all(&want, &got, fits), Unmatched::None);
        assert_eq!(match_all(&want[..1], &got, fits), Unmatched::Actual(1));
        assert_eq!(match_all(&[Some("z")], &got, fits), Unmatched::Expected(0));
        assert_eq!(match_some(&[Some("x"), Some("x")], &got, fits), Some(1));
    }

    #[test]
    fn mismatch_lines_follow_the_format() {
        let m = Mismatch {
            place: Place::Step {
                index: 3,
                on: "2022-01-11".into(),
            },
            partner: Some("bluebird".into()),
            field: "level".into(),
            expected: "\"second\"".into(),
            got: "\"first\"".into(),
        };
        let line = CaseResult {
            name: "esc".into(),
            result: Err(Failure::Mismatch(Box::new(m))),
        }
        .to_string();
        assert_eq!(
            line,
            "FAIL esc: steps[3] (2022-01-11), partner bluebird, field level: expected \"second\", got \"first\""
        );
    }

    #[test]
    fn payments_lower_residuals_and_remove_paid_items() {
        let case = fixture::parse_case(
            r#"{"format": "followup-conformance/1", "name": "t",
                "company": {"id": "m", "name": "M", "currency": "EUR"}, "policy": {"levels": []},
                "partners": [{"id": "p", "name": "P"}],
                "items": [{"id": "a", "partner": "p", "invoice_date": "2024-01-01", "due_date": "2024-01-01", "amount": "10.00", "residual": "10.00"}]}"#,
        )
        .unwrap();
        let mut ledger = case.ledger();
        let pay = |amount: &str| LedgerChange {
            pay: vec![fixture::Payment {
                item: "a".into(),
                amount: amount.into(),
            }],
            add_items: vec![],
        };
        apply_ledger_change(&mut ledger, &pay("2.5")).unwrap();
        assert_eq!(ledger.item("a").unwrap().residual, "7.50");
        assert!(matches!(
            apply_ledger_change(&mut ledger, &pay("1e3")),
            Err(types::Error::InvalidData(_))
        ));
        apply_ledger_change(&mut ledger, &pay("7.50")).unwrap();
        assert!(ledger.item("a").is_none());
        assert!(matches!(
            apply_ledger_change(&mut ledger, &pay("1")),
            Err(types::Error::NotFound(_))
        ));
    }
}
