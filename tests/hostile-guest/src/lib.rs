//! A hostile followup component, for the reference host's sandbox tests.
//!
//! It exports the same world as the real guest, but every export first misbehaves in the
//! way its tenant's company id names (read through `ledger.get-company`):
//! - `loop`: spins forever (stopped by the execution budget);
//! - `grow`: allocates and touches memory without bound (stopped by the memory limit);
//! - `trap`: panics (a trap);
//! - `flood`: calls the ledger imports in a tight loop, forever (stopped by the budget);
//! - `probe`: tries to reach the host: files, environment, arguments, network; it
//!   answers `invalid-data` with what it could reach (the sandbox should give nothing).
//!
//! Any other company id: each export answers `invalid-data` "hostile guest: idle".

wit_bindgen::generate!({ path: "../../wit", world: "followup-engine" });

use exports::followup::engine::followup::{
    BatchOutcome, Guest, LedgerSummary, Letter, OverviewLine, PartnerReport, ProcessOutcome,
    ProcessRequest,
};
use followup::engine::ledger;
use followup::engine::types::{Error, Trust};

struct Hostile;

/// Misbehaves as the company id says; returns only for `probe` and unknown ids.
fn misbehave() -> Error {
    let company = ledger::get_company();
    match company.id.as_str() {
        "loop" => {
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
        "grow" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1u8; 8 << 20]);
                std::hint::black_box(&hoard);
            }
        }
        "trap" => panic!("hostile guest: a deliberate trap"),
        "flood" => loop {
            let page = ledger::list_items(None, None, 1000);
            std::hint::black_box(&page);
            std::hint::black_box(ledger::get_company());
        },
        "probe" => Error::InvalidData(probe()),
        _ => Error::InvalidData("hostile guest: idle".into()),
    }
}

/// What the guest can reach of its host: every line should say "nothing".
fn probe() -> String {
    let mut found = Vec::new();
    for path in ["/", ".", "/etc/passwd", "/proc/self/environ", "/tmp"] {
        if std::fs::read_dir(path).is_ok() || std::fs::read(path).is_ok() {
            found.push(format!("file {path}"));
        }
    }
    if std::fs::write("escape.txt", b"x").is_ok() {
        found.push("wrote escape.txt".into());
    }
    if std::env::vars().next().is_some() {
        found.push("environment variables".into());
    }
    if std::env::args().next().is_some() {
        found.push("arguments".into());
    }
    if std::net::TcpStream::connect("127.0.0.1:80").is_ok() {
        found.push("tcp 127.0.0.1:80".into());
    }
    if std::net::UdpSocket::bind("127.0.0.1:0").is_ok() {
        found.push("udp socket".into());
    }
    if found.is_empty() {
        "probe: reached nothing".into()
    } else {
        format!("probe: reached {}", found.join(", "))
    }
}

impl Guest for Hostile {
    fn check() -> Result<LedgerSummary, Error> {
        Err(misbehave())
    }
    fn report(_: String, _: String) -> Result<PartnerReport, Error> {
        Err(misbehave())
    }
    fn overview(_: String) -> Result<Vec<OverviewLine>, Error> {
        Err(misbehave())
    }
    fn print_letter(_: String, _: String) -> Result<Letter, Error> {
        Err(misbehave())
    }
    fn process(_: String, _: ProcessRequest) -> Result<ProcessOutcome, Error> {
        Err(misbehave())
    }
    fn process_batch(_: String, _: Vec<String>) -> Result<BatchOutcome, Error> {
        Err(misbehave())
    }
    fn run_auto(_: String) -> Result<BatchOutcome, Error> {
        Err(misbehave())
    }
    fn plan_auto(_: String) -> Result<Vec<String>, Error> {
        Err(misbehave())
    }
    fn remind_later(_: String, _: String, _: String) -> Result<(), Error> {
        Err(misbehave())
    }
    fn set_excluded(_: String, _: String, _: bool) -> Result<(), Error> {
        Err(misbehave())
    }
    fn set_trust(_: String, _: String, _: Trust) -> Result<(), Error> {
        Err(misbehave())
    }
}

export!(Hostile);
