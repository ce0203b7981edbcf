//! The component runtime: compiled once per process, a fresh `Store` per call.
//!
//! [`Runtime`] holds the wasmtime `Engine`, the compiled `Component` and the
//! pre-instantiated world. Each call moves the tenant's [`MemLedger`] into a new store
//! (with an empty WASI context and a memory cap), instantiates, calls one export and
//! takes the ledger back. A call returns [`Outcome`]: the outer `Err` is a trap (or a
//! host failure), the inner `Err` is the engine's domain error, as in Zed and Spin.
//! A trapped call leaves the ledger as it was before the call.

use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::bindings::{FollowupEngine, FollowupEnginePre};
use crate::ledger::MemLedger;
use crate::wit::api::{
    BatchOutcome, Guest, LedgerSummary, Letter, OverviewLine, PartnerReport, ProcessOutcome,
    ProcessRequest,
};
use crate::wit::types::{self, Trust};

/// The guest component built by `build.rs` (or `FOLLOWUP_GUEST_WASM`).
pub const GUEST_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/followup_guest.wasm"));

/// The result of one export call: `Err` = trap or host failure; `Ok(Err)` = refusal.
pub type Outcome<T> = anyhow::Result<Result<T, types::Error>>;

/// How often the epoch ticker advances the engine's clock.
const TICK: Duration = Duration::from_millis(100);

/// Limits applied to every call.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest linear memory one instance may grow to, in bytes.
    pub memory_bytes: usize,
    /// Wall-clock time one call may run before it is interrupted (a trap).
    pub call_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 256 << 20,
            call_timeout: Duration::from_secs(60),
        }
    }
}

/// What a store holds during one call: the tenant's ledger and an empty WASI context.
pub struct HostState {
    ledger: MemLedger,
    wasi: WasiCtx,
    table: ResourceTable,
    limits: StoreLimits,
}

impl HostState {
    fn new(ledger: MemLedger, limits: &Limits) -> Self {
        HostState {
            ledger,
            // No files, environment, arguments, network or inherited stdio.
            wasi: WasiCtx::builder()
                .allow_tcp(false)
                .allow_udp(false)
                .allow_ip_name_lookup(false)
                .build(),
            table: ResourceTable::new(),
            limits: StoreLimitsBuilder::new()
                .memory_size(limits.memory_bytes)
                .instances(32)
                .memories(8)
                .tables(32)
                .trap_on_grow_failure(true)
                .build(),
        }
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// The compiled component and everything needed to run it; build once per process.
pub struct Runtime {
    engine: Engine,
    pre: FollowupEnginePre<HostState>,
    limits: Limits,
    deadline_ticks: u64,
}

impl Runtime {
    /// Compiles `wasm` (a component) and links WASI p2 and the ledger imports.
    pub fn new(wasm: &[u8], limits: Limits) -> anyhow::Result<Self> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.epoch_interruption(true);
        let engine = Engine::new(&config)?;
        let component = Component::new(&engine, wasm)
            .map_err(anyhow::Error::from)
            .context("compiling the component")?;
        let mut linker = Linker::<HostState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        FollowupEngine::add_to_linker::<HostState, HasSelf<MemLedger>>(&mut linker, |s| {
            &mut s.ledger
        })?;
        let instance_pre = linker
            .instantiate_pre(&component)
            .map_err(anyhow::Error::from)
            .context("linking the component's imports")?;
        let pre = FollowupEnginePre::new(instance_pre)
            .map_err(anyhow::Error::from)
            .context("the component does not export the followup-engine world")?;
        spawn_ticker(&engine);
        let ticks = limits.call_timeout.as_millis() / TICK.as_millis();
        Ok(Runtime {
            engine,
            pre,
            limits,
            deadline_ticks: u64::try_from(ticks).unwrap_or(u64::MAX).max(1),
        })
    }

    /// The process-wide runtime of the embedded guest, compiled on first use.
    pub fn shared() -> anyhow::Result<&'static Runtime> {
        static SHARED: OnceLock<Result<Runtime, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                Runtime::new(GUEST_WASM, Limits::default()).map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(|e| anyhow!("cannot load the followup component: {e}"))
    }

    /// Runs one export against `ledger` in a fresh store. On a trap the ledger is
    /// restored to its state before the call.
    pub fn call<T>(
        &self,
        ledger: &mut MemLedger,
        export: &str,
        call: impl FnOnce(&Guest, &mut Store<HostState>) -> wasmtime::Result<Result<T, types::Error>>,
    ) -> Outcome<T> {
        let before = ledger.clone();
        let mut store = Store::new(
            &self.engine,
            HostState::new(std::mem::take(ledger), &self.limits),
        );
        store.limiter(|s| &mut s.limits);
        store.set_epoch_deadline(self.deadline_ticks);
        let result = self
            .pre
            .instantiate(&mut store)
            .and_then(|world| call(world.followup_engine_followup(), &mut store));
        let state = store.into_data();
        match result {
            Ok(outcome) => {
                *ledger = state.ledger;
                Ok(outcome)
            }
            Err(trap) => {
                *ledger = before;
                Err(anyhow::Error::from(trap).context(format!("`{export}` trapped")))
            }
        }
    }

    /// `check`: validate the company, policy, partners and items.
    pub fn check(&self, ledger: &mut MemLedger) -> Outcome<LedgerSummary> {
        self.call(ledger, "check", |g, s| g.call_check(s))
    }

    /// `report`: one partner's follow-up report on `today`.
    pub fn report(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partner: &str,
    ) -> Outcome<PartnerReport> {
        self.call(ledger, "report", |g, s| {
            g.call_report(s, &today.to_owned(), partner)
        })
    }

    /// `overview`: every partner with open items on `today`.
    pub fn overview(&self, ledger: &mut MemLedger, today: &str) -> Outcome<Vec<OverviewLine>> {
        self.call(ledger, "overview", |g, s| {
            g.call_overview(s, &today.to_owned())
        })
    }

    /// `print-letter`: one partner's follow-up letter on `today` (reads only).
    pub fn print_letter(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partner: &str,
    ) -> Outcome<Letter> {
        self.call(ledger, "print-letter", |g, s| {
            g.call_print_letter(s, &today.to_owned(), partner)
        })
    }

    /// `process`: run one partner's follow-up.
    pub fn process(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        request: &ProcessRequest,
    ) -> Outcome<ProcessOutcome> {
        self.call(ledger, "process", |g, s| {
            g.call_process(s, &today.to_owned(), request)
        })
    }

    /// `process-batch`: process each listed partner.
    pub fn process_batch(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partners: &[String],
    ) -> Outcome<BatchOutcome> {
        self.call(ledger, "process-batch", |g, s| {
            g.call_process_batch(s, &today.to_owned(), partners)
        })
    }

    /// `run-auto`: the automatic run on `today`.
    pub fn run_auto(&self, ledger: &mut MemLedger, today: &str) -> Outcome<BatchOutcome> {
        self.call(ledger, "run-auto", |g, s| {
            g.call_run_auto(s, &today.to_owned())
        })
    }

    /// `remind-later`: do not remind `partner` before `date`.
    pub fn remind_later(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partner: &str,
        date: &str,
    ) -> Outcome<()> {
        self.call(ledger, "remind-later", |g, s| {
            g.call_remind_later(s, &today.to_owned(), partner, &date.to_owned())
        })
    }

    /// `set-excluded`: set or clear an item's "No follow-up" flag.
    pub fn set_excluded(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        item: &str,
        excluded: bool,
    ) -> Outcome<()> {
        self.call(ledger, "set-excluded", |g, s| {
            g.call_set_excluded(s, &today.to_owned(), item, excluded)
        })
    }

    /// `set-trust`: set a partner's trust level.
    pub fn set_trust(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partner: &str,
        trust: Trust,
    ) -> Outcome<()> {
        self.call(ledger, "set-trust", |g, s| {
            g.call_set_trust(s, &today.to_owned(), partner, trust)
        })
    }
}

/// Advances the engine's epoch every [`TICK`] until the engine is dropped, so a call
/// that runs too long is interrupted.
fn spawn_ticker(engine: &Engine) {
    let weak = engine.weak();
    thread::Builder::new()
        .name("followup-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                thread::sleep(TICK);
            }
        })
        .expect("spawn the epoch ticker");
}

/// The error kind of a refusal, as the WIT and the conformance format name it.
pub fn error_kind(error: &types::Error) -> &'static str {
    match error {
        types::Error::InvalidPolicy(_) => "invalid_policy",
        types::Error::InvalidData(_) => "invalid_data",
        types::Error::NotFound(_) => "not_found",
        types::Error::MissingContact(_) => "missing_contact",
        types::Error::DeliveryFailed(_) => "delivery_failed",
    }
}

/// The message of a refusal.
pub fn error_message(error: &types::Error) -> &str {
    match error {
        types::Error::InvalidPolicy(m)
        | types::Error::InvalidData(m)
        | types::Error::NotFound(m)
        | types::Error::MissingContact(m)
        | types::Error::DeliveryFailed(m) => m,
    }
}
