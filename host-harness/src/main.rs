//! `followup-host`: the reference wasmtime host's command line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use followup_host::bench::{self, BenchOptions};
use followup_host::conformance::{self, Driver};
use followup_host::demo::{self, DemoOptions};
use followup_host::runtime::{Budget, GUEST_WASM, Limits, Pool, RuntimeConfig, settle};
use followup_host::sqlite::{self, SqliteLedger, run::RunOptions};
use followup_host::{CapiDriver, Runtime};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Reference wasmtime host of the followup (payment follow-up) component.
#[derive(Debug, Parser)]
#[command(name = "followup-host", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run conformance cases through the WASM component or the C ABI.
    ///
    /// Prints `ok   NAME` or `FAIL NAME: <first mismatch>` per case and a count line;
    /// exits with 1 if any case failed.
    Conformance {
        /// Case files, or folders (every *.json inside, sorted).
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// The transport: the embedded WASM component, or the C ABI library
        /// (libfollowup, built by `cargo build -p followup-capi`).
        #[arg(long, value_enum, default_value_t = Via::Component)]
        via: Via,
        /// With `--via capi`: the library to load [default: $FOLLOWUP_CAPI_LIB, else
        /// libfollowup beside this executable].
        #[arg(long, value_name = "FILE")]
        capi_lib: Option<PathBuf>,
    },
    /// Run the demo on a sample ledger.
    ///
    /// Shows the overview, processes every partner in need of action with
    /// `process-batch`, writes each message into the outbox (emails as .eml with the PDF
    /// statement attached, letters as .pdf, SMS and tasks as .txt) and prints a summary.
    Demo {
        /// Date to run on, YYYY-MM-DD [default: the sample's last step date].
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        /// Folder receiving the messages.
        #[arg(long, value_name = "DIR", default_value = "outbox")]
        outbox: PathBuf,
        /// A conformance case file to use as the ledger instead of the embedded sample.
        #[arg(long, value_name = "FILE")]
        data: Option<PathBuf>,
        /// The company's language and letterhead (JSON: lang, email, phone, address)
        /// [default: the sample's, with the embedded sample].
        #[arg(long, value_name = "FILE")]
        letterhead: Option<PathBuf>,
        /// The tenant database (SQLite) the demo imports the ledger into and runs on
        /// [default: a temporary file, removed afterwards].
        #[arg(long, value_name = "FILE")]
        db: Option<PathBuf>,
        /// Replace what the --db database holds (else one holding a ledger is refused).
        #[arg(long, requires = "db")]
        replace: bool,
    },
    /// Manage tenant databases (one SQLite file per tenant; docs/sqlite.md).
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Run the automatic follow-up of every tenant database in a folder.
    ///
    /// Runs every `*.db` of DIR side by side, each tenant's calls in a sandboxed store of
    /// their own: the component plans the automatic run, then processes one partner per
    /// transaction; finally the tenant's outbox is delivered (with --outbox). Prints a
    /// summary table; exits with 1 if any tenant had an error. Safe to run again after a
    /// crash: committed partners are not processed twice and a message's idempotency key
    /// is never queued twice.
    Run {
        /// The folder of tenant databases (*.db; a tenant is named after its file).
        #[arg(long, value_name = "DIR")]
        tenants: PathBuf,
        /// The date of the run, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        today: String,
        /// Tenants run side by side, at most the runtime's pool of instances (`--pool`)
        /// [default: the number of CPUs].
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// The sandbox of every call (docs/limits.md).
        #[command(flatten)]
        sandbox: SandboxArgs,
        /// Deliver each tenant's messages and tasks into DIR/<tenant>/ (.eml, .pdf,
        /// .txt); without it they stay queued in the tenant's outbox.
        #[arg(long, value_name = "DIR")]
        outbox: Option<PathBuf>,
    },
    /// Print a tenant's overview, or one partner's follow-up report.
    Report {
        /// The tenant database.
        #[arg(value_name = "DB")]
        db: PathBuf,
        /// The date of the report, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        today: String,
        /// One partner's report instead of the overview.
        #[arg(long, value_name = "ID")]
        partner: Option<String>,
    },
    /// Measure the engine natively, through the component and through the C ABI.
    ///
    /// Generates seeded ledgers (10k, 100k and 1M open items by default), times the
    /// overview and the processing of partners in need of action on each path, and
    /// prints the figures and their ratios to native. Build with `--release`; method in
    /// docs/BENCHMARKS.md. With `--export DIR` it only writes the generated ledger as
    /// CSV (docs/csv.md).
    Bench {
        /// A small run (2k and 10k items) with the same table, for CI.
        #[arg(long)]
        quick: bool,
        /// Ledger sizes in open items, comma-separated [default: 10000,100000,1000000].
        #[arg(long, value_delimiter = ',', value_name = "N,N,...")]
        sizes: Option<Vec<usize>>,
        /// Timed repetitions of each overview; the best counts.
        #[arg(long, value_name = "N")]
        repeats: Option<usize>,
        /// Partners in need of action processed per measurement.
        #[arg(long, value_name = "N")]
        process: Option<usize>,
        /// Seed of the ledger generator.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// Write the generated ledger (the first size) as a CSV set into DIR and stop.
        #[arg(long, value_name = "DIR")]
        export: Option<PathBuf>,
    },
}

/// `tenant` subcommands.
#[derive(Debug, Subcommand)]
enum TenantCommand {
    /// Import a ledger into a tenant database (created if needed).
    ///
    /// FILE is a conformance-format case (.json: company, policy, partners, items; its
    /// steps are ignored) or a CSV-set folder (docs/csv.md). A database that already
    /// holds a ledger is refused unless --replace.
    Import {
        /// The tenant database (SQLite file).
        #[arg(value_name = "DB")]
        db: PathBuf,
        /// A case file (.json) or a CSV-set folder.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Replace what the database holds (its history and outbox included).
        #[arg(long)]
        replace: bool,
    },
}

/// The limits of each call's sandbox (docs/limits.md).
#[derive(Debug, Clone, clap::Args)]
struct SandboxArgs {
    /// Largest linear memory of one call, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    memory_mib: usize,
    /// Wall-clock budget of one call, in milliseconds (an epoch deadline).
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 60_000,
        conflicts_with = "fuel"
    )]
    timeout_ms: u64,
    /// A fuel budget per call (about one unit per WebAssembly instruction) instead of the
    /// wall-clock one: the same call stops at the same point on every machine.
    #[arg(long, value_name = "UNITS")]
    fuel: Option<u64>,
    /// Instances of the pooling allocator (one per call in flight); 0: allocate on
    /// demand.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pool: u32,
}

impl SandboxArgs {
    /// The runtime configuration these flags describe.
    fn config(&self) -> RuntimeConfig {
        let limits = Limits {
            memory_bytes: self.memory_mib.saturating_mul(1 << 20),
            budget: match self.fuel {
                Some(fuel) => Budget::Fuel(fuel),
                None => Budget::Deadline(std::time::Duration::from_millis(self.timeout_ms)),
            },
            ..Limits::default()
        };
        match self.pool {
            0 => RuntimeConfig::on_demand(limits),
            instances => RuntimeConfig::pooled(limits, Pool { instances }),
        }
    }
}

/// How the conformance runner reaches the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Via {
    /// The WASM component, through wasmtime.
    Component,
    /// The C ABI shared library, through its exported functions.
    Capi,
}

/// What a ledger holds, for the commands that write one: "N partners, N open items and
/// N levels".
fn contents(ledger: &followup_host::MemLedger) -> String {
    format!(
        "{} partners, {} open items and {} levels",
        ledger.partners().count(),
        ledger.items().count(),
        ledger.levels().len()
    )
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("followup-host: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match command {
        Command::Conformance {
            paths,
            via,
            capi_lib,
        } => {
            let capi;
            let driver: &dyn Driver = match via {
                Via::Component => Runtime::shared()?,
                Via::Capi => {
                    capi = match capi_lib {
                        Some(path) => CapiDriver::load(&path)?,
                        None => CapiDriver::load_default()?,
                    };
                    &capi
                }
            };
            let summary = conformance::run_paths(driver, &paths, &mut out)?;
            out.flush()?;
            Ok(if summary.failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Demo {
            today,
            outbox,
            data,
            letterhead,
            db,
            replace,
        } => {
            let options = DemoOptions {
                today,
                outbox,
                data,
                letterhead,
                db,
                replace,
            };
            demo::run(Runtime::shared()?, &options, &mut out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Tenant {
            command: TenantCommand::Import { db, file, replace },
        } => {
            let ledger = sqlite::run::import(&db, &file, replace)?;
            writeln!(out, "imported {} into {}", contents(&ledger), db.display())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Run {
            tenants,
            today,
            jobs,
            sandbox,
            outbox,
        } => {
            let options = RunOptions {
                tenants,
                today,
                jobs: jobs
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
                outbox,
            };
            let count = sqlite::run::tenant_files(&options.tenants)?.len();
            let runtime = Runtime::<SqliteLedger>::compile(GUEST_WASM, sandbox.config())?;
            let bar = indicatif::ProgressBar::new(count as u64).with_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} tenants {elapsed_precise} {msg}",
                )?,
            );
            let start = std::time::Instant::now();
            let results = sqlite::run::run_dir(&runtime, &options, &|result| {
                bar.set_message(result.tenant.clone());
                bar.inc(1);
            })?;
            bar.finish_and_clear();
            writeln!(out, "{}", sqlite::run::summary_table(&results))?;
            writeln!(
                out,
                "{} tenant{} in {:.2} s with {} jobs",
                results.len(),
                if results.len() == 1 { "" } else { "s" },
                start.elapsed().as_secs_f64(),
                sqlite::run::effective_jobs(&runtime, options.jobs)
            )?;
            writeln!(
                out,
                "sandbox: {}; {} MiB of memory and {} per call",
                runtime.allocation(),
                runtime.limits().memory_bytes >> 20,
                match runtime.limits().budget {
                    Budget::Deadline(timeout) => format!("{timeout:?}"),
                    Budget::Fuel(fuel) => format!("{fuel} units of fuel"),
                }
            )?;
            let mut errors = 0;
            for result in &results {
                for (partner, error) in &result.failed {
                    writeln!(out, "{}: partner {partner}: {error}", result.tenant)?;
                }
                if let Some(error) = &result.error {
                    writeln!(out, "{}: {error}", result.tenant)?;
                }
                errors += result.errors();
            }
            out.flush()?;
            Ok(if errors == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Report { db, today, partner } => {
            if !db.is_file() {
                anyhow::bail!("{}: no such database", db.display());
            }
            let runtime = Runtime::shared()?.for_ledger::<SqliteLedger>()?;
            let mut ledger = SqliteLedger::open(&db)?;
            match partner {
                Some(partner) => {
                    let report = settle("report", runtime.report(&mut ledger, &today, &partner))?;
                    write!(out, "{}", sqlite::run::partner_report_text(&report))?;
                }
                None => {
                    let lines = settle("overview", runtime.overview(&mut ledger, &today))?;
                    writeln!(out, "{}", demo::overview_table(&lines))?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            quick,
            sizes,
            repeats,
            process,
            seed,
            export,
        } => {
            let mut options = if quick {
                BenchOptions::quick()
            } else {
                BenchOptions::full()
            };
            options.sizes = sizes.unwrap_or(options.sizes);
            options.repeats = repeats.unwrap_or(options.repeats);
            options.process_partners = process.unwrap_or(options.process_partners);
            options.seed = seed.unwrap_or(options.seed);
            if let Some(dir) = export {
                let items = options.sizes[0];
                let ledger = bench::export(items, options.seed, &dir)?;
                writeln!(out, "wrote {} to {}", contents(&ledger), dir.display())?;
                return Ok(ExitCode::SUCCESS);
            }
            if cfg!(debug_assertions) {
                eprintln!("note: a debug build; figures are only meaningful with --release");
            }
            let report = bench::run(&options, &mut |line| eprintln!("{line}"))?;
            write!(out, "{report}")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
