//! `followup-host bench`: the same generated ledgers run through the native engine, the
//! component on wasmtime and the C ABI, measured in one run. Method and limits:
//! `docs/BENCHMARKS.md`.

pub mod native;
pub mod tenancy;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow};
use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};

use crate::capi_driver::CapiDriver;
use crate::conformance::Driver;
use crate::generate::{self, Spec};
use crate::ledger::MemLedger;
use crate::runtime::{Budget, Limits, Runtime, settle};

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Ledger sizes, in open items.
    pub sizes: Vec<usize>,
    /// Timed repetitions of each overview (the best one counts).
    pub repeats: usize,
    /// How many partners in need of action each processing measurement processes.
    pub process_partners: usize,
    /// Generator seed.
    pub seed: u64,
    /// Tenants in the multi-tenant measurement.
    pub tenants: usize,
    /// Open items per tenant in it.
    pub tenant_items: usize,
}

impl BenchOptions {
    /// The full benchmark: 10k, 100k and 1M items.
    pub fn full() -> Self {
        BenchOptions {
            sizes: vec![10_000, 100_000, 1_000_000],
            repeats: 3,
            process_partners: 1_000,
            seed: generate::SEED,
            tenants: 1_000,
            tenant_items: 50,
        }
    }

    /// A smoke run for CI: small sizes, same table.
    pub fn quick() -> Self {
        BenchOptions {
            sizes: vec![2_000, 10_000],
            repeats: 2,
            process_partners: 100,
            seed: generate::SEED,
            tenants: 100,
            tenant_items: 50,
        }
    }
}

/// The three ways to run the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// The engine as a Rust library.
    Native,
    /// The WASM component on wasmtime.
    Component,
    /// `libfollowup` through its C ABI.
    Capi,
}

impl Path {
    /// Every path, native first.
    pub const ALL: [Path; 3] = [Path::Native, Path::Component, Path::Capi];

    fn name(self) -> &'static str {
        match self {
            Path::Native => "native",
            Path::Component => "component",
            Path::Capi => "C ABI",
        }
    }
}

/// The figures of one ledger size.
#[derive(Debug, Clone)]
pub struct SizeResult {
    /// Open items.
    pub items: usize,
    /// Partners.
    pub partners: usize,
    /// Partners in need of action on the generated date.
    pub in_need: usize,
    /// Best overview time per path (in [`Path::ALL`] order).
    pub overview: [Duration; 3],
    /// Best time for the in-memory host alone to hand out every page the component's
    /// overview reads (WIT records built, no guest): the host's share of the
    /// component's time.
    pub host_pages: Duration,
    /// Time to process `processed` partners, per path.
    pub process: [Duration; 3],
    /// Partners processed per path measurement.
    pub processed: usize,
    /// Peak resident memory of the process after this size, in bytes.
    pub peak_rss: Option<u64>,
}

impl SizeResult {
    fn overview_rate(&self, path: usize) -> f64 {
        self.items as f64 / self.overview[path].as_secs_f64()
    }

    fn process_rate(&self, path: usize) -> f64 {
        self.processed as f64 / self.process[path].as_secs_f64()
    }
}

/// Peak resident set size of this process (Linux `VmHWM`), if known.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn best<T>(
    repeats: usize,
    mut run: impl FnMut() -> anyhow::Result<T>,
) -> anyhow::Result<(Duration, T)> {
    let mut best: Option<(Duration, T)> = None;
    for _ in 0..repeats.max(1) {
        let start = Instant::now();
        let value = run()?;
        let took = start.elapsed();
        if best.as_ref().is_none_or(|(b, _)| took < *b) {
            best = Some((took, value));
        }
    }
    best.ok_or_else(|| anyhow!("no run"))
}

/// Measures one size on every path.
pub fn measure(
    items: usize,
    options: &BenchOptions,
    rt: &Runtime,
    capi: &CapiDriver,
) -> anyhow::Result<SizeResult> {
    let generated = generate::generate(Spec {
        seed: options.seed,
        ..Spec::items(items)
    });
    let today = generated.today.clone();
    let ledger = generated.ledger();
    let (engine, native_host) = native::from_ledger(&ledger)?;

    // Overview.
    let (t_native, lines) = best(options.repeats, || {
        let mut host = native_host.clone();
        engine
            .overview(&mut host, &today)
            .map_err(|e| anyhow!("{e}"))
    })?;
    let drivers: [&dyn Driver; 2] = [rt, capi];
    let mut overview = [t_native, Duration::ZERO, Duration::ZERO];
    for (slot, driver) in drivers.iter().enumerate() {
        let (took, got) = best(options.repeats, || {
            let mut l = ledger.clone();
            settle("overview", driver.overview(&mut l, &today))
        })?;
        if got.len() != lines.len() {
            return Err(anyhow!(
                "{}: the overview has {} lines, natively {}",
                Path::ALL[slot + 1].name(),
                got.len(),
                lines.len()
            ));
        }
        overview[slot + 1] = took;
    }

    let (host_pages, _) = best(options.repeats, || host_pages(&ledger))?;

    // Processing: the first partners in need of action, in overview order.
    let need: Vec<String> = lines
        .iter()
        .filter(|l| l.status == followup_engine::Status::InNeedOfAction)
        .map(|l| l.partner.clone())
        .collect();
    let batch: Vec<String> = need
        .iter()
        .take(options.process_partners)
        .cloned()
        .collect();
    let mut process = [Duration::ZERO; 3];
    let mut native_done = 0;
    {
        let mut host = native_host.clone();
        let start = Instant::now();
        let outcome = engine
            .process_batch(&mut host, &today, &batch)
            .map_err(|e| anyhow!("{e}"))?;
        process[0] = start.elapsed();
        native_done = native_done.max(outcome.processed.len());
    }
    for (slot, driver) in drivers.iter().enumerate() {
        let mut l = ledger.clone();
        let start = Instant::now();
        let outcome = settle(
            "process-batch",
            driver.process_batch(&mut l, &today, &batch),
        )?;
        process[slot + 1] = start.elapsed();
        if outcome.processed.len() != native_done {
            return Err(anyhow!(
                "{}: processed {} partners, natively {native_done}",
                Path::ALL[slot + 1].name(),
                outcome.processed.len()
            ));
        }
    }

    Ok(SizeResult {
        items,
        partners: generated.partners.len(),
        in_need: need.len(),
        overview,
        host_pages,
        process,
        processed: batch.len(),
        peak_rss: peak_rss(),
    })
}

/// Reads every partner and item page of `ledger` as the component's overview does,
/// through the host's import functions but without a guest; returns the records read.
fn host_pages(ledger: &MemLedger) -> anyhow::Result<usize> {
    use crate::wit::ledger::Host as _;
    let mut ledger = ledger.clone();
    let mut records = 0;
    let mut cursor = None;
    loop {
        let page = ledger.list_partners(cursor, followup_engine::ports::PAGE_SIZE)?;
        records += page.partners.len();
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    loop {
        let page = ledger.list_items(None, cursor, followup_engine::ports::PAGE_SIZE)?;
        records += page.items.len();
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    Ok(records)
}

/// Runs every size and returns the printed report.
pub fn run(options: &BenchOptions, progress: &mut dyn FnMut(&str)) -> anyhow::Result<String> {
    // A 1M-item ledger is larger than the default per-call memory cap (256 MiB): the
    // benchmark gives each call 4 GiB and ten minutes.
    let rt = Runtime::new(
        crate::runtime::GUEST_WASM,
        Limits {
            memory_bytes: 4 << 30,
            budget: Budget::Deadline(Duration::from_secs(600)),
            ..Limits::default()
        },
    )?;
    let rt = &rt;
    let capi = CapiDriver::load_default().context("loading the C ABI library for the benchmark")?;
    let mut results = Vec::new();
    for &size in &options.sizes {
        progress(&format!("measuring {size} items..."));
        results.push(measure(size, options, rt, &capi)?);
    }
    progress(&format!(
        "measuring instantiation and {} tenants of {} items...",
        options.tenants, options.tenant_items
    ));
    let jobs = std::thread::available_parallelism().map_or(2, |n| n.get());
    let tenancy = tenancy::measure(options.tenants, options.tenant_items, jobs)?;
    let mut out = render(&results);
    out.push_str(&render_tenancy(&tenancy));
    Ok(out)
}

/// The per-tenant figures as a table (plain text).
pub fn render_tenancy(t: &tenancy::Tenancy) -> String {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(vec!["figure", "value"]);
    let us = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6);
    table.add_row(vec![
        "instantiation, pooling allocator".to_string(),
        t.pooled
            .map_or("unavailable (pool not reserved)".into(), us),
    ]);
    table.add_row(vec![
        "instantiation, on demand".to_string(),
        us(t.on_demand),
    ]);
    if let Some(pooled) = t.pooled {
        table.add_row(vec![
            "pooled / on demand".to_string(),
            format!("{:.2}", pooled.as_secs_f64() / t.on_demand.as_secs_f64()),
        ]);
    }
    table.add_row(vec![
        format!(
            "memory per live tenant (instance after a check of {} items)",
            t.items_per_tenant
        ),
        t.memory_per_tenant.map_or("unknown".into(), |b| {
            format!("{:.0} KiB", b as f64 / 1024.0)
        }),
    ]);
    table.add_row(vec![
        format!(
            "multi-tenant run: {} tenants × {} items, {} jobs",
            t.tenants, t.items_per_tenant, t.jobs
        ),
        format!(
            "{:.0} tenants/s ({:.2} s, {} partners processed)",
            t.tenants_per_second(),
            t.run.as_secs_f64(),
            t.processed
        ),
    ]);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nTenants (a fresh store per call; automatic runs on the in-memory host)\n{table}"
    );
    out
}

fn rate(n: f64) -> String {
    if n >= 1e6 {
        format!("{:.2} M/s", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} k/s", n / 1e3)
    } else {
        format!("{n:.0} /s")
    }
}

fn micros(d: Duration, n: usize) -> String {
    format!("{:.2} µs", d.as_secs_f64() * 1e6 / n.max(1) as f64)
}

/// The results as tables (plain text).
pub fn render(results: &[SizeResult]) -> String {
    let mut out = String::new();
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "items",
        "partners",
        "path",
        "overview",
        "items/s",
        "per item",
        "× native",
    ]);
    for r in results {
        for (slot, path) in Path::ALL.iter().enumerate() {
            let ratio = r.overview[slot].as_secs_f64() / r.overview[0].as_secs_f64();
            table.add_row(vec![
                Cell::new(r.items).set_alignment(CellAlignment::Right),
                Cell::new(r.partners).set_alignment(CellAlignment::Right),
                Cell::new(path.name()),
                Cell::new(format!("{:.1} ms", r.overview[slot].as_secs_f64() * 1e3))
                    .set_alignment(CellAlignment::Right),
                Cell::new(rate(r.overview_rate(slot))).set_alignment(CellAlignment::Right),
                Cell::new(micros(r.overview[slot], r.items)).set_alignment(CellAlignment::Right),
                Cell::new(format!("{ratio:.2}")).set_alignment(CellAlignment::Right),
            ]);
        }
    }
    let _ = writeln!(
        out,
        "Overview (every partner's status, level and totals)\n{table}\n"
    );

    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "items",
        "native",
        "component",
        "host pages (no guest)",
        "boundary + guest",
        "boundary + guest × native",
    ]);
    for r in results {
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
        let rest = r.overview[1].saturating_sub(r.host_pages);
        table.add_row(vec![
            Cell::new(r.items).set_alignment(CellAlignment::Right),
            Cell::new(ms(r.overview[0])).set_alignment(CellAlignment::Right),
            Cell::new(ms(r.overview[1])).set_alignment(CellAlignment::Right),
            Cell::new(ms(r.host_pages)).set_alignment(CellAlignment::Right),
            Cell::new(ms(rest)).set_alignment(CellAlignment::Right),
            Cell::new(format!(
                "{:.2}",
                rest.as_secs_f64() / r.overview[0].as_secs_f64()
            ))
            .set_alignment(CellAlignment::Right),
        ]);
    }
    let _ = writeln!(
        out,
        "Where the component's overview time goes (host pages: the in-memory host building \
         every page of WIT records, without a guest)\n{table}\n"
    );

    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "items",
        "in need",
        "path",
        "processed",
        "time",
        "partners/s",
        "per partner",
        "× native",
    ]);
    for r in results {
        for (slot, path) in Path::ALL.iter().enumerate() {
            let ratio = r.process[slot].as_secs_f64() / r.process[0].as_secs_f64();
            table.add_row(vec![
                Cell::new(r.items).set_alignment(CellAlignment::Right),
                Cell::new(r.in_need).set_alignment(CellAlignment::Right),
                Cell::new(path.name()),
                Cell::new(r.processed).set_alignment(CellAlignment::Right),
                Cell::new(format!("{:.1} ms", r.process[slot].as_secs_f64() * 1e3))
                    .set_alignment(CellAlignment::Right),
                Cell::new(rate(r.process_rate(slot))).set_alignment(CellAlignment::Right),
                Cell::new(micros(r.process[slot], r.processed)).set_alignment(CellAlignment::Right),
                Cell::new(format!("{ratio:.2}")).set_alignment(CellAlignment::Right),
            ]);
        }
    }
    let _ = writeln!(
        out,
        "Processing (process-batch over partners in need of action, in-memory host)\n{table}\n"
    );

    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(vec!["items", "peak memory (process)"]);
    for r in results {
        table.add_row(vec![
            Cell::new(r.items).set_alignment(CellAlignment::Right),
            Cell::new(r.peak_rss.map_or("unknown".into(), |b| {
                format!("{:.0} MiB", b as f64 / 1048576.0)
            }))
            .set_alignment(CellAlignment::Right),
        ]);
    }
    let _ = writeln!(out, "Peak memory\n{table}");
    out
}

/// Writes the generated ledger of `items` open items as a CSV set into `dir`.
pub fn export(items: usize, seed: u64, dir: &std::path::Path) -> anyhow::Result<MemLedger> {
    let ledger = generate::generate(Spec {
        seed,
        ..Spec::items(items)
    })
    .ledger();
    crate::csvset::write(&ledger, dir)?;
    Ok(ledger)
}
