//! The multi-tenant run: every tenant's automatic run, tenants side by side on worker
//! threads, each call in a sandbox of its own.
//!
//! Per tenant: open its ledger, ask the component for the automatic run's plan
//! (`plan-auto`), then process each planned partner with a `process-batch` of one — one
//! call, and so one unit of work ([`TenantLedger::begin`]/[`TenantLedger::end`]: one
//! database transaction), per partner — and finally run the caller's `finish` step
//! (delivering the outbox). A tenant whose guest is stopped (budget, memory, trap) or
//! whose ledger is refused gets an error line; the other tenants carry on. Which
//! partners are processed, and how, is the engine's decision: the runner only counts.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::runtime::{Runtime, TenantLedger, error_kind, error_message, settle};
use crate::wit::api::{BatchOutcome, SkipReason};

/// What one tenant's run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TenantResult {
    /// The tenant's name.
    pub tenant: String,
    /// Partners the automatic run processed.
    pub processed: usize,
    /// Messages those partners were sent.
    pub messages: usize,
    /// Manual tasks created.
    pub tasks: usize,
    /// Partners skipped (nothing to do, missing contact).
    pub skipped: usize,
    /// Partners skipped for a missing contact (part of `skipped`).
    pub missing_contact: usize,
    /// Partners that failed, with the error.
    pub failed: Vec<(String, String)>,
    /// What `finish` reported (messages delivered from the outbox, say).
    pub finished: usize,
    /// Why the tenant's run stopped early, if it did.
    pub error: Option<String>,
    /// Wall-clock time of the tenant's run.
    pub elapsed: Duration,
}

impl TenantResult {
    /// Partner failures plus a stop of the whole tenant.
    pub fn errors(&self) -> usize {
        self.failed.len() + usize::from(self.error.is_some())
    }

    fn add(&mut self, batch: &BatchOutcome) {
        self.processed += batch.processed.len();
        self.messages += batch
            .processed
            .iter()
            .map(|p| p.messages.len())
            .sum::<usize>();
        self.tasks += batch.processed.iter().filter(|p| p.task.is_some()).count();
        self.skipped += batch.skipped.len();
        self.missing_contact += batch
            .skipped
            .iter()
            .filter(|s| s.reason == SkipReason::MissingContact)
            .count();
        self.failed.extend(batch.failed.iter().map(|f| {
            (
                f.partner.clone(),
                format!("{}: {}", error_kind(&f.error), error_message(&f.error)),
            )
        }));
    }
}

/// How to reach each tenant.
pub struct Tenants<'a, L: 'static> {
    /// The tenants' names, in the order they are started.
    pub names: Vec<String>,
    /// The runtime a tenant's calls run on (the same for all, in production).
    pub runtime: &'a (dyn Fn(&str) -> &'a Runtime<L> + Sync),
    /// Opens a tenant's ledger.
    pub open: &'a (dyn Fn(&str) -> anyhow::Result<L> + Sync),
    /// Runs after the tenant's partners are processed (delivery); returns a count.
    pub finish: &'a (dyn Fn(&str, &mut L) -> anyhow::Result<usize> + Sync),
}

/// Runs every tenant's automatic run on `today` with `jobs` worker threads; calls
/// `done` as each tenant finishes. Results come back in `names` order.
pub fn run<L: TenantLedger>(
    tenants: &Tenants<'_, L>,
    today: &str,
    jobs: usize,
    done: &(dyn Fn(&TenantResult) + Sync),
) -> Vec<TenantResult> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<TenantResult>>> = Mutex::new(vec![None; tenants.names.len()]);
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, tenants.names.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    let Some(name) = tenants.names.get(at) else {
                        break;
                    };
                    let result = run_one(tenants, name, today);
                    done(&result);
                    results.lock().unwrap_or_else(|e| e.into_inner())[at] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

/// One tenant's run; every failure ends up in the result.
fn run_one<L: TenantLedger>(tenants: &Tenants<'_, L>, name: &str, today: &str) -> TenantResult {
    let start = Instant::now();
    let mut result = TenantResult {
        tenant: name.to_string(),
        ..TenantResult::default()
    };
    if let Err(error) = process_tenant(tenants, name, today, &mut result) {
        result.error = Some(format!("{error:#}"));
    }
    result.elapsed = start.elapsed();
    result
}

fn process_tenant<L: TenantLedger>(
    tenants: &Tenants<'_, L>,
    name: &str,
    today: &str,
    result: &mut TenantResult,
) -> anyhow::Result<()> {
    let runtime = (tenants.runtime)(name);
    let mut ledger = (tenants.open)(name)?;
    let plan = settle("plan-auto", runtime.plan_auto(&mut ledger, today))?;
    for partner in plan {
        let batch = runtime.process_batch(&mut ledger, today, std::slice::from_ref(&partner));
        result.add(&settle("process-batch", batch)?);
    }
    result.finished = (tenants.finish)(name, &mut ledger)?;
    Ok(())
}
