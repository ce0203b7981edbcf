//! The demo: load a sample ledger, show the overview, process every partner in need of
//! action through `process-batch`, write the messages to an outbox, print a summary.
//!
//! The sample is a conformance case (`host-harness/data/sample-ledger.json`, embedded at
//! build time): the demo loads its company, policy, partners and items (not its steps)
//! and runs on the date of its last step. The case format has no letterhead, so the
//! company's language, email, phone and address come from a letterhead file
//! (`host-harness/data/sample-letterhead.json` for the sample, `--letterhead` otherwise).
//!
//! The demo runs on SQLite, as a production host would: it imports the ledger into a
//! tenant database ([`SqliteLedger`]; `--db`, else a temporary file removed afterwards),
//! runs the calls on it, and delivers the outbox into the outbox folder.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

use crate::fixture::{self, Status, Trust};
use crate::ledger::MemLedger;
use crate::runtime::{Runtime, error_kind, error_message, settle};
use crate::sqlite::{Deliverer, FolderDeliverer, SqliteLedger};
use crate::wit::api::{BatchOutcome, CurrencyTotal, OverviewLine, SkipReason};
use crate::wit::chatter::Task;
use crate::wit::messaging::Message;
use crate::wit::types::{Channel, Company};

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
    /// The tenant database the demo imports the ledger into and runs on; none: a
    /// temporary file, removed afterwards.
    pub db: Option<PathBuf>,
    /// Replace what `db` holds (else a database that holds a ledger is refused).
    pub replace: bool,
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
    let temporary = match &options.db {
        Some(_) => None,
        None => Some(TempDb::new()),
    };
    let db_path = options
        .db
        .clone()
        .or_else(|| temporary.as_ref().map(|t| t.path.clone()))
        .unwrap_or_default();
    let mut db = SqliteLedger::create(&db_path, &ledger, options.replace)?;
    let rt = rt.for_ledger::<SqliteLedger>()?;
    let result = run_on(
        &rt,
        &mut db,
        &case.company.name,
        &source,
        &today,
        options,
        out,
    );
    drop(db);
    drop(temporary);
    result
}

/// The demo's calls on the tenant database, then delivery into the outbox folder.
fn run_on(
    rt: &Runtime<SqliteLedger>,
    ledger: &mut SqliteLedger,
    name: &str,
    source: &str,
    today: &str,
    options: &DemoOptions,
    out: &mut dyn Write,
) -> anyhow::Result<DemoReport> {
    let summary = settle("check", rt.check(ledger))?;
    writeln!(
        out,
        "{name} ({source}): {} partners, {} open items, {} levels; today is {today}\n",
        summary.partners, summary.items, summary.levels
    )?;

    let lines = settle("overview", rt.overview(ledger, today))?;
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
    let batch = settle("process-batch", rt.process_batch(ledger, today, &in_need))?;

    let mut to = Counting {
        folder: FolderDeliverer::new(&options.outbox)?,
        per_channel: BTreeMap::new(),
        per_lang: BTreeMap::new(),
    };
    let delivery = ledger.deliver(&mut to)?;
    if let Some((key, why)) = delivery.failed.first() {
        bail!("delivering {key}: {why}");
    }
    let report = DemoReport {
        today: today.to_string(),
        batch,
        files: std::mem::take(&mut to.folder.files),
        per_channel: std::mem::take(&mut to.per_channel),
        per_lang: std::mem::take(&mut to.per_lang),
        tasks: delivery.tasks,
    };

    let after = settle("overview", rt.overview(ledger, today))?;
    writeln!(out, "Overview after the run:\n{}\n", overview_table(&after))?;
    print_summary(out, &report, to.folder.dir())?;
    Ok(report)
}

/// Delivers into the outbox folder and counts messages per channel and language.
struct Counting {
    folder: FolderDeliverer,
    per_channel: BTreeMap<&'static str, usize>,
    per_lang: BTreeMap<String, usize>,
}

impl Deliverer for Counting {
    fn message(&mut self, company: &Company, message: &Message) -> anyhow::Result<()> {
        self.folder.message(company, message)?;
        *self
            .per_channel
            .entry(channel_name(message.channel))
            .or_insert(0) += 1;
        *self.per_lang.entry(message.lang.clone()).or_insert(0) += 1;
        Ok(())
    }

    fn task(&mut self, task: &Task) -> anyhow::Result<()> {
        self.folder.task(task)
    }
}

/// A database file in the temporary folder, removed (with its WAL files) on drop.
struct TempDb {
    path: PathBuf,
}

impl TempDb {
    fn new() -> TempDb {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("followup-demo-{}-{n}.db", std::process::id()));
        let db = TempDb { path };
        db.remove();
        db
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut file = self.path.clone().into_os_string();
            file.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(file));
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
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
