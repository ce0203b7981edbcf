//! The component runtime: compiled once per process, a fresh `Store` per call.
//!
//! [`Runtime`] holds the wasmtime `Engine`, the compiled `Component` and the
//! pre-instantiated world, built once. Each call moves the tenant's ledger (any
//! [`TenantLedger`]: the in-memory [`MemLedger`], a tenant's SQLite database) into a new
//! store — an empty WASI context, a capped resource table, a memory limit and an
//! execution budget ([`config`]) — instantiates, calls one export and takes the ledger
//! back. A call returns [`Outcome`]: the outer `Err` is a trap or a stop (the guest
//! misbehaved, or the host could not store a write), the inner `Err` is the engine's
//! domain error, as in Zed and Spin. The ledger decides what a trapped call leaves
//! ([`TenantLedger::end`]): the in-memory ledger is restored, a database rolls back.

pub mod config;
pub mod sandbox;

use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow};
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Engine, Store};

use crate::bindings::{FollowupEngine, FollowupEnginePre};
use crate::ledger::MemLedger;
use crate::wit::api::{
    BatchOutcome, Guest, LedgerSummary, Letter, OverviewLine, PartnerReport, ProcessOutcome,
    ProcessRequest,
};
use crate::wit::types::{self, Trust};
pub use config::{Allocation, Budget, Limits, Pool, RuntimeConfig, TICK};
pub use sandbox::{Ending, HostState, TenantLedger, describe_stop};

/// The guest component built by `build.rs` (or `FOLLOWUP_GUEST_WASM`).
pub const GUEST_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/followup_guest.wasm"));

/// The result of one export call: `Err` = trap or host failure; `Ok(Err)` = refusal.
pub type Outcome<T> = anyhow::Result<Result<T, types::Error>>;

/// The compiled component and the engine it was compiled for: shared by the runtimes
/// of every ledger type.
struct Compiled {
    engine: Engine,
    component: Component,
    config: RuntimeConfig,
    allocation: Allocation,
}

/// The compiled component and everything needed to run it on ledgers of type `L`;
/// build once per process.
pub struct Runtime<L: 'static = MemLedger> {
    compiled: Arc<Compiled>,
    pre: FollowupEnginePre<HostState<L>>,
    deadline_ticks: u64,
}

impl Runtime<MemLedger> {
    /// Compiles `wasm` (a component) with on-demand allocation and `limits`.
    pub fn new(wasm: &[u8], limits: Limits) -> anyhow::Result<Self> {
        Runtime::compile(wasm, RuntimeConfig::on_demand(limits))
    }

    /// Compiles `wasm` (a component) for `config` (see [`Runtime::compile`]).
    pub fn with_config(wasm: &[u8], config: RuntimeConfig) -> anyhow::Result<Self> {
        Runtime::compile(wasm, config)
    }

    /// The process-wide runtime of the embedded guest (default limits, a small pool),
    /// compiled on first use.
    pub fn shared() -> anyhow::Result<&'static Runtime> {
        static SHARED: OnceLock<Result<Runtime, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                let config = RuntimeConfig::pooled(Limits::default(), Pool::default());
                Runtime::with_config(GUEST_WASM, config).map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(|e| anyhow!("cannot load the followup component: {e}"))
    }
}

impl<L: TenantLedger> Runtime<L> {
    /// Compiles `wasm` (a component) for `config`, for ledgers of type `L`. A pool that
    /// the machine cannot reserve falls back to on-demand allocation
    /// ([`Runtime::allocation`] says so).
    pub fn compile(wasm: &[u8], config: RuntimeConfig) -> anyhow::Result<Self> {
        let (engine, allocation) = match config.pool {
            Some(pool) => match Engine::new(&config.wasmtime(true)) {
                Ok(engine) => (engine, Allocation::Pooled(pool)),
                Err(pool_error) => (
                    Engine::new(&config.wasmtime(false))?,
                    Allocation::Fallback(format!("{pool_error:#}")),
                ),
            },
            None => (Engine::new(&config.wasmtime(false))?, Allocation::OnDemand),
        };
        let component = Component::new(&engine, wasm)
            .map_err(anyhow::Error::from)
            .context("compiling the component")?;
        if matches!(config.limits.budget, Budget::Deadline(_)) {
            spawn_ticker(&engine);
        }
        let compiled = Arc::new(Compiled {
            engine,
            component,
            config,
            allocation,
        });
        Runtime::link(compiled)
    }

    /// The same compiled component, run on ledgers of another type.
    pub fn for_ledger<M: TenantLedger>(&self) -> anyhow::Result<Runtime<M>> {
        Runtime::link(self.compiled.clone())
    }

    /// Links WASI p2 and the ledger imports and pre-instantiates the world.
    fn link(compiled: Arc<Compiled>) -> anyhow::Result<Self> {
        let mut linker = Linker::<HostState<L>>::new(&compiled.engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        FollowupEngine::add_to_linker::<HostState<L>, HasSelf<L>>(&mut linker, |s| &mut s.ledger)?;
        let instance_pre = linker
            .instantiate_pre(&compiled.component)
            .map_err(anyhow::Error::from)
            .context("linking the component's imports")?;
        let pre = FollowupEnginePre::new(instance_pre)
            .map_err(anyhow::Error::from)
            .context("the component does not export the followup-engine world")?;
        Ok(Runtime {
            deadline_ticks: compiled.config.deadline_ticks(),
            compiled,
            pre,
        })
    }

    /// The limits every call runs with.
    pub fn limits(&self) -> &Limits {
        &self.compiled.config.limits
    }

    /// The allocator in effect.
    pub fn allocation(&self) -> &Allocation {
        &self.compiled.allocation
    }

    /// A fresh store for one call on `ledger`, limits and budget set, and the component
    /// instantiated in it. The store comes back even when the instance does not, so the
    /// caller always gets its ledger back.
    fn instantiate(&self, ledger: L) -> (Store<HostState<L>>, wasmtime::Result<FollowupEngine>) {
        let limits = self.limits();
        let mut store = Store::new(&self.compiled.engine, HostState::new(ledger, limits));
        store.limiter(|s| s.limiter());
        let budget = match limits.budget {
            Budget::Deadline(_) => {
                store.set_epoch_deadline(self.deadline_ticks);
                Ok(())
            }
            Budget::Fuel(fuel) => store.set_fuel(fuel),
        };
        let instance = budget.and_then(|()| self.pre.instantiate(&mut store));
        (store, instance)
    }

    /// Runs one export against `ledger` in a fresh store, inside the ledger's unit of
    /// work ([`TenantLedger::begin`] / [`TenantLedger::end`]). A stop (trap, budget,
    /// memory) is an `Err` saying which export and why.
    pub fn call<T>(
        &self,
        ledger: &mut L,
        export: &str,
        call: impl FnOnce(&Guest, &mut Store<HostState<L>>) -> wasmtime::Result<Result<T, types::Error>>,
    ) -> Outcome<T> {
        let undo = ledger.begin()?;
        let (mut store, instance) = self.instantiate(std::mem::take(ledger));
        let result = instance.and_then(|world| call(world.followup_engine_followup(), &mut store));
        *ledger = store.into_data().ledger;
        let ending = match &result {
            Ok(Ok(_)) => Ending::Done,
            Ok(Err(_)) => Ending::Refused,
            Err(_) => Ending::Trapped,
        };
        ledger.end(undo, ending)?;
        result.map_err(|stop| {
            let why = describe_stop(&stop, self.limits());
            anyhow::Error::from(stop).context(format!("`{export}` {why}"))
        })
    }

    /// Mean time to instantiate the component in a fresh store, over `count` stores
    /// (store creation included; no export is called).
    pub fn time_instantiation(&self, count: usize) -> anyhow::Result<Duration> {
        let count = count.max(1);
        let mut total = Duration::ZERO;
        for _ in 0..count {
            let start = Instant::now();
            let (store, instance) = self.instantiate(L::default());
            instance?;
            total += start.elapsed();
            drop(store);
        }
        Ok(total / u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// A store with the component instantiated in it, after one `check` of `ledger`:
    /// what a live tenant holds once it has worked (the benchmark holds many to
    /// measure memory). A refusal of the ledger is an error here.
    pub fn live_instance(&self, ledger: L) -> anyhow::Result<Store<HostState<L>>> {
        let (mut store, instance) = self.instantiate(ledger);
        instance?
            .followup_engine_followup()
            .call_check(&mut store)?
            .map_err(|e| anyhow!("`check` refused the ledger: {}", error_message(&e)))?;
        Ok(store)
    }

    /// `check`: validate the company, policy, partners and items.
    pub fn check(&self, ledger: &mut L) -> Outcome<LedgerSummary> {
        self.call(ledger, "check", |g, s| g.call_check(s))
    }

    /// `report`: one partner's follow-up report on `today`.
    pub fn report(&self, ledger: &mut L, today: &str, partner: &str) -> Outcome<PartnerReport> {
        self.call(ledger, "report", |g, s| {
            g.call_report(s, &today.to_owned(), partner)
        })
    }

    /// `overview`: every partner with open items on `today`.
    pub fn overview(&self, ledger: &mut L, today: &str) -> Outcome<Vec<OverviewLine>> {
        self.call(ledger, "overview", |g, s| {
            g.call_overview(s, &today.to_owned())
        })
    }

    /// `print-letter`: one partner's follow-up letter on `today` (reads only).
    pub fn print_letter(&self, ledger: &mut L, today: &str, partner: &str) -> Outcome<Letter> {
        self.call(ledger, "print-letter", |g, s| {
            g.call_print_letter(s, &today.to_owned(), partner)
        })
    }

    /// `process`: run one partner's follow-up.
    pub fn process(
        &self,
        ledger: &mut L,
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
        ledger: &mut L,
        today: &str,
        partners: &[String],
    ) -> Outcome<BatchOutcome> {
        self.call(ledger, "process-batch", |g, s| {
            g.call_process_batch(s, &today.to_owned(), partners)
        })
    }

    /// `run-auto`: the automatic run on `today`.
    pub fn run_auto(&self, ledger: &mut L, today: &str) -> Outcome<BatchOutcome> {
        self.call(ledger, "run-auto", |g, s| {
            g.call_run_auto(s, &today.to_owned())
        })
    }

    /// `plan-auto`: the partners `run-auto` would process on `today`, in its order.
    pub fn plan_auto(&self, ledger: &mut L, today: &str) -> Outcome<Vec<String>> {
        self.call(ledger, "plan-auto", |g, s| {
            g.call_plan_auto(s, &today.to_owned())
        })
    }

    /// `remind-later`: do not remind `partner` before `date`.
    pub fn remind_later(
        &self,
        ledger: &mut L,
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
        ledger: &mut L,
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
        ledger: &mut L,
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

/// Unwraps an export's [`Outcome`] for callers that treat a refusal as an error too:
/// a stop stays as it is; a refusal becomes "`export` refused: kind: message".
pub fn settle<T>(export: &str, outcome: Outcome<T>) -> anyhow::Result<T> {
    outcome?.map_err(|e| {
        anyhow!(
            "`{export}` refused: {}: {}",
            error_kind(&e),
            error_message(&e)
        )
    })
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
