//! `followup-host`: the reference wasmtime host's command line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use followup_host::bench::{self, BenchOptions};
use followup_host::conformance::{self, Driver};
use followup_host::demo::{self, DemoOptions};
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

/// How the conformance runner reaches the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Via {
    /// The WASM component, through wasmtime.
    Component,
    /// The C ABI shared library, through its exported functions.
    Capi,
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
        } => {
            let options = DemoOptions {
                today,
                outbox,
                data,
                letterhead,
            };
            demo::run(Runtime::shared()?, &options, &mut out)?;
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
                writeln!(
                    out,
                    "wrote {} partners, {} items and {} levels to {}",
                    ledger.partners().count(),
                    ledger.items().count(),
                    ledger.levels().len(),
                    dir.display()
                )?;
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
