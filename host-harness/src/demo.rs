//! The demo: load a sample ledger, show the overview, process every partner in need of
//! action through `process-batch`, write the messages to an outbox, print a summary.
//!
//! The sample is a conformance case (`host-harness/data/sample-ledger.json`, embedded at
//! build time): the demo loads its company, policy, partners and items (not its steps)
//! and runs on the date of its last step. The case format has no letterhead, so the
//! company's language, email, phone and address come from a letterhead file
//! (`host-harness/data/sample-letterhead.json` for the sample, `--letterhead` otherwise).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

use crate::fixture::{self, Status, Trust};
use crate::ledger::MemLedger;
use crate::outbox::Outbox;
use crate::runtime::{Outcome, Runtime, error_kind, error_message};
use crate::wit::api::{BatchOutcome, CurrencyTotal, OverviewLine, SkipReason};
use crate::wit::types::Channel;

/// The sample ledger embedded at build time (empty when the file did not exist).
pub const SAMPLE: &str = include_str!("../data/sample-ledger.json");

/// The sample company's letterhead, embedded at build time.
pub const SAMPLE_LETTERHEAD: &str = include_str!("../data/sample-letterhead.json");

/// The company data the case format lacks: language and letterhead.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Letterhead {
    /// Language of reminders to partners without one.
    #[serde(default)]
    pub lang: Option<String>,
    /// Email address (also the sender of the demo's emails).
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Postal address.
    #[serde(default)]
    pub address: Option<fixture::Address>,
}

impl Letterhead {
    /// Reads a letterhead from JSON text.
    pub fn parse(text: &str) -> anyhow::Result<Letterhead> {
        Ok(serde_json::from_str(text)?)
    }

    /// Puts the letterhead on the ledger's company.
    pub fn apply(&self, ledger: &mut MemLedger) {
        let mut company = ledger.company().clone();
        company.lang = self.lang.clone();
        company.email = self.email.clone();
        company.phone = self.phone.clone();
        company.address = self.address.as_ref().map(fixture::Address::to_wit);
        ledger.set_company(company);
    }
}

/// What the demo runs on.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// The date to run on (default: the sample's last step date).
    pub today: Option<String>,
    /// The folder receiving the messages.
    pub outbox: PathBuf,
    /// A case file to use instead of the embedded sample.
    pub data: Option<PathBuf>,
    /// A letterhead file (language, email, phone, address of the company); the
    /// embedded sample has its own.
    pub letterhead: Option<PathBuf>,
}

/// What the demo did.
#[derive(Debug, Clone)]
pub struct DemoReport {
    /// The date it ran on.
    pub today: String,
    /// The batch result.
    pub batch: BatchOutcome,
    /// Files written to the outbox.
    pub files: Vec<PathBuf>,
    /// Messages delivered, per channel name.
    pub per_channel: BTreeMap<&'static str, usize>,
    /// Messages delivered, per language.
    pub per_lang: BTreeMap<String, usize>,
    /// Tasks created.
    pub tasks: usize,
}

/// Unwraps an export's result, turning a refusal into an error.
fn expect<T>(what: &str, outcome: Outcome<T>) -> anyhow::Result<T> {
    match outcome? {
        Ok(value) => Ok(value),
        Err(e) => bail!("{what} refused: {}: {}", error_kind(&e), error_message(&e)),
    }
}

/// Runs the demo on `rt`, printing to `out`.
pub fn run(rt: &Runtime, options: &DemoOptions, out: &mut dyn Write) -> anyhow::Result<DemoReport> {
    let (source, text) = match &options.data {
        Some(path) => (
            path.display().to_string(),
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        ),
        None => ("the embedded sample ledger".to_string(), SAMPLE.to_string()),
    };
    let case = fixture::parse_case(&text).with_context(|| format!("reading {source}"))?;
    let today = match (&options.today, case.last_date()) {
        (Some(today), _) => today.clone(),
        (None, Some(last)) => last.to_string(),
        (None, None) => bail!("{source} has no steps to take a date from; pass --today DATE"),
    };
    let mut ledger = case.ledger();
    let letterhead = match (&options.letterhead, &options.data) {
        (Some(path), _) => Some(
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        ),
        (None, None) => Some(SAMPLE_LETTERHEAD.to_string()),
        (None, Some(_)) => None,
    };
    if let Some(text) = letterhead {
        Letterhead::parse(&text)
            .context("reading the letterhead")?
            .apply(&mut ledger);
    }
    let summary = expect("check", rt.check(&mut ledger))?;
    writeln!(
        out,
        "{} ({}): {} partners, {} open items, {} levels; today is {today}\n",
        case.company.name, source, summary.partners, summary.items, summary.levels
    )?;

    let lines = expect("overview", rt.overview(&mut ledger, &today))?;
    writeln!(
        out,
        "Overview before the run:\n{}\n",
        overview_table(&lines)
    )?;

    let in_need: Vec<String> = lines
        .iter()
        .filter(|l| l.status == crate::wit::types::Status::InNeedOfAction)
        .map(|l| l.partner.clone())
        .collect();
    let mark = ledger.mark();
    let batch = expect(
        "process-batch",
        rt.process_batch(&mut ledger, &today, &in_need),
    )?;

    let mut outbox = Outbox::create(&options.outbox)
        .with_context(|| format!("creating the outbox {}", options.outbox.display()))?;
    let report = write_outbox(&mut outbox, &ledger, mark, today.clone(), batch)?;

    let after = expect("overview", rt.overview(&mut ledger, &today))?;
    writeln!(out, "Overview after the run:\n{}\n", overview_table(&after))?;
    print_summary(out, &report, outbox.dir())?;
    Ok(report)
}

/// Writes what the run delivered into the outbox.
fn write_outbox(
    outbox: &mut Outbox,
    ledger: &MemLedger,
    mark: crate::ledger::Mark,
    today: String,
    batch: BatchOutcome,
) -> anyhow::Result<DemoReport> {
    let mut files = Vec::new();
    let mut per_channel = BTreeMap::new();
    let mut per_lang = BTreeMap::new();
    for message in ledger.sent_since(mark) {
        files.push(outbox.write_message(ledger.company(), message)?);
        *per_channel
            .entry(channel_name(message.channel))
            .or_insert(0) += 1;
        *per_lang.entry(message.lang.clone()).or_insert(0) += 1;
    }
    let tasks = ledger.tasks_since(mark);
    files.extend(outbox.write_tasks(tasks)?);
    Ok(DemoReport {
        today,
        batch,
        files,
        per_channel,
        per_lang,
        tasks: tasks.len(),
    })
}

/// The channel's name as case files write it.
fn channel_name(channel: Channel) -> &'static str {
    fixture::Channel::name_of(channel)
}

/// Prints processed / skipped / failed partners, messages per channel and the outbox.
fn print_summary(out: &mut dyn Write, report: &DemoReport, dir: &Path) -> anyhow::Result<()> {
    let batch = &report.batch;
    writeln!(out, "Run of {}:", report.today)?;
    writeln!(out, "  processed: {}", batch.processed.len())?;
    for p in &batch.processed {
        writeln!(out, "    {}: {}", p.partner, p.note)?;
    }
    writeln!(out, "  skipped:   {}", batch.skipped.len())?;
    for s in &batch.skipped {
        let reason = match s.reason {
            SkipReason::NothingToDo => "nothing to do",
            SkipReason::MissingContact => "missing contact",
        };
        writeln!(out, "    {}: {reason}: {}", s.partner, s.message)?;
    }
    writeln!(out, "  failed:    {}", batch.failed.len())?;
    for f in &batch.failed {
        writeln!(
            out,
            "    {}: {}: {}",
            f.partner,
            error_kind(&f.error),
            error_message(&f.error)
        )?;
    }
    let total: usize = report.per_channel.values().sum();
    let channels: Vec<String> = report
        .per_channel
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    writeln!(
        out,
        "  messages:  {total} ({})",
        if channels.is_empty() {
            "none".into()
        } else {
            channels.join(", ")
        }
    )?;
    let langs: Vec<String> = report
        .per_lang
        .iter()
        .map(|(lang, n)| format!("{lang} {n}"))
        .collect();
    writeln!(
        out,
        "  languages: {}",
        if langs.is_empty() {
            "none".into()
        } else {
            langs.join(", ")
        }
    )?;
    writeln!(out, "  tasks:     {}", report.tasks)?;
    writeln!(
        out,
        "  outbox:    {} ({} files)",
        dir.display(),
        report.files.len()
    )?;
    Ok(())
}

/// The overview as a table.
pub fn overview_table(lines: &[OverviewLine]) -> Table {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED).set_header([
        "Partner",
        "Name",
        "Status",
        "Level",
        "Next reminder",
        "Trust",
        "Due",
        "Overdue",
    ]);
    for line in lines {
        table.add_row([
            line.partner.clone(),
            line.name.clone(),
            Status::name_of(line.status).replace('_', " "),
            line.level.clone().unwrap_or_else(|| "-".into()),
            line.next_reminder.clone().unwrap_or_else(|| "-".into()),
            Trust::name_of(line.trust).to_string(),
            amounts(&line.totals, |t| &t.due),
            amounts(&line.totals, |t| &t.overdue),
        ]);
    }
    table
}

/// One `CUR amount` line per currency.
fn amounts(totals: &[CurrencyTotal], pick: impl Fn(&CurrencyTotal) -> &String) -> String {
    let lines: Vec<String> = totals
        .iter()
        .map(|t| format!("{} {}", t.currency, pick(t)))
        .collect();
    if lines.is_empty() {
        "-".into()
    } else {
        lines.join("\n")
    }
}
