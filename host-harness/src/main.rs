//! `followup-host`: the reference wasmtime host's command line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use followup_host::conformance::{self, Driver};
use followup_host::demo::{self, DemoOptions};
use followup_host::{CapiDriver, Runtime};

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
    }
}
