//! The commands around tenant databases: import a ledger into one, run every tenant of
//! a folder ([`crate::tenants::run`], then delivery), and the summary table.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use comfy_table::{CellAlignment, Table, presets::UTF8_FULL_CONDENSED};

use super::{FolderDeliverer, SqliteLedger};
use crate::ledger::MemLedger;
use crate::runtime::{Allocation, Runtime};
use crate::tenants::{self, TenantResult, Tenants};
use crate::wit::types::Company;
use crate::{csvset, fixture};

/// Reads a ledger to import: a conformance-format case file (`.json`; its steps are
/// ignored) or a CSV-set folder (docs/csv.md), whose `company.csv` may be left out when
/// `company` (the tenant's present company) is given.
pub fn read_ledger(file: &Path, company: Option<Company>) -> anyhow::Result<MemLedger> {
    if file.is_dir() {
        return csvset::read(file, company)
            .with_context(|| format!("reading the CSV set {}", file.display()));
    }
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let case = fixture::parse_case(&text).with_context(|| format!("reading {}", file.display()))?;
    Ok(case.ledger())
}

/// `tenant import`: loads `file` into the database `db` (created if needed). A database
/// that already holds a ledger is refused unless `replace`; a CSV set without
/// `company.csv` keeps the tenant's company.
pub fn import(db: &Path, file: &Path, replace: bool) -> anyhow::Result<MemLedger> {
    // Read before creating anything: a file that does not load leaves no database.
    let company = match db.exists() {
        true => SqliteLedger::open(db)?.company()?,
        false => None,
    };
    let ledger = read_ledger(file, company)?;
    SqliteLedger::open(db)?
        .import(&ledger, replace)
        .with_context(|| format!("importing into {}", db.display()))?;
    Ok(ledger)
}

/// The tenant databases of `dir`: every `*.db`, by name; a tenant is named after its
/// file (without `.db`).
pub fn tenant_files(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "db") {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            found.push((name, path));
        }
    }
    if found.is_empty() {
        bail!("{} holds no tenant database (*.db)", dir.display());
    }
    found.sort();
    Ok(found)
}

/// What `run` is asked to do.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The folder of tenant databases.
    pub tenants: PathBuf,
    /// The date of the automatic run.
    pub today: String,
    /// Worker threads (tenants run side by side); at most [`effective_jobs`].
    pub jobs: usize,
    /// Where each tenant's messages are delivered (`DIR/<tenant>/`); without it they stay
    /// queued in each database's outbox.
    pub outbox: Option<PathBuf>,
}

/// The worker threads a run uses: `jobs`, but no more than the runtime's pool has
/// instances (each worker holds one instance during a call; more would be refused).
pub fn effective_jobs(runtime: &Runtime<SqliteLedger>, jobs: usize) -> usize {
    match runtime.allocation() {
        Allocation::Pooled(pool) => jobs.min(pool.instances as usize),
        _ => jobs,
    }
    .max(1)
}

/// Runs every tenant of `options.tenants` on `options.today`: the automatic run through
/// the component, one partner per transaction ([`tenants::run`]), then delivery of the
/// tenant's outbox. `done` is called as each tenant finishes.
pub fn run_dir(
    runtime: &Runtime<SqliteLedger>,
    options: &RunOptions,
    done: &(dyn Fn(&TenantResult) + Sync),
) -> anyhow::Result<Vec<TenantResult>> {
    let files = tenant_files(&options.tenants)?;
    let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    let path_of = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.clone())
            .context("unknown tenant")
    };
    let runtime_for = |_: &str| runtime;
    let open = |name: &str| SqliteLedger::open(&path_of(name)?);
    let finish = |name: &str, ledger: &mut SqliteLedger| -> anyhow::Result<usize> {
        let Some(outbox) = &options.outbox else {
            return Ok(0);
        };
        let mut to = FolderDeliverer::new(&outbox.join(name))?;
        let delivery = ledger.deliver(&mut to)?;
        if let Some((key, why)) = delivery.failed.first() {
            bail!(
                "{} of the outbox could not be delivered (first: {key}: {why})",
                delivery.failed.len()
            );
        }
        Ok(delivery.messages)
    };
    let tenants = Tenants {
        names,
        runtime: &runtime_for,
        open: &open,
        finish: &finish,
    };
    let jobs = effective_jobs(runtime, options.jobs);
    Ok(tenants::run(&tenants, &options.today, jobs, done))
}

/// The summary of a run: one row per tenant and a total.
pub fn summary_table(results: &[TenantResult]) -> Table {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED).set_header([
        "Tenant",
        "Processed",
        "Messages",
        "Skipped",
        "Errors",
        "Delivered",
        "Time",
    ]);
    let seconds = |d: Duration| format!("{:.2} s", d.as_secs_f64());
    let row = |name: String, rs: &[TenantResult]| {
        let sum = |count: fn(&TenantResult) -> usize| rs.iter().map(count).sum::<usize>();
        [
            name,
            sum(|r| r.processed).to_string(),
            sum(|r| r.messages).to_string(),
            sum(|r| r.skipped).to_string(),
            sum(TenantResult::errors).to_string(),
            sum(|r| r.finished).to_string(),
            seconds(rs.iter().map(|r| r.elapsed).sum()),
        ]
    };
    for r in results {
        table.add_row(row(r.tenant.clone(), std::slice::from_ref(r)));
    }
    let total = match results.len() {
        1 => "total (1 tenant)".to_string(),
        n => format!("total ({n} tenants)"),
    };
    table.add_row(row(total, results));
    for column in 1..7 {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

/// One partner's follow-up report: a heading and the table of its open items.
pub fn partner_report_text(report: &crate::wit::api::PartnerReport) -> String {
    use crate::fixture::{ReminderMode, Status, Trust};
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED).set_header([
        "Item",
        "Number",
        "Invoice date",
        "Due date",
        "Days late",
        "Amount",
        "Residual",
        "Level",
        "Excluded",
        "In need",
    ]);
    for item in &report.items {
        table.add_row([
            item.id.clone(),
            item.number.clone(),
            item.invoice_date.clone(),
            item.due_date.clone().unwrap_or_else(|| "-".into()),
            item.days_late.to_string(),
            format!("{} {}", item.currency, item.amount),
            format!("{} {}", item.currency, item.residual),
            item.level.clone().unwrap_or_else(|| "-".into()),
            if item.excluded { "yes" } else { "no" }.into(),
            if item.in_need { "yes" } else { "no" }.into(),
        ]);
    }
    let totals: Vec<String> = report
        .totals
        .iter()
        .map(|t| format!("{} {} due, {} overdue", t.currency, t.due, t.overdue))
        .collect();
    format!(
        "{} ({}): {}; level {}; next reminder {}; trust {}; reminders {}\n{table}\nTotals: {}\n",
        report.name,
        report.partner,
        Status::name_of(report.status).replace('_', " "),
        report.level.as_deref().unwrap_or("-"),
        report.next_reminder.as_deref().unwrap_or("-"),
        Trust::name_of(report.trust),
        ReminderMode::name_of(report.reminders),
        if totals.is_empty() {
            "none".to_string()
        } else {
            totals.join("; ")
        }
    )
}
