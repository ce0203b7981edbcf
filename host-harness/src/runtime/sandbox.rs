//! What one call's store holds: the tenant's ledger and nothing else of the host. An
//! empty WASI context (no files, environment, arguments, clocks beyond WASI's own,
//! network or inherited stdio), a capped resource table, and a limiter that stops the
//! guest at the memory limit with a message saying so.

use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::runtime::config::{Budget, Limits};
use crate::wit::{chatter, ledger, messaging, types};

/// How a call ended, for [`TenantLedger::end`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The export returned a value.
    Done,
    /// The export refused (a domain error): by the contract it changed nothing.
    Refused,
    /// The guest trapped or was stopped (budget, memory, a host write that failed).
    Trapped,
}

/// A tenant's ledger as a store holds it: the WIT imports, plus a unit of work around
/// each call (a snapshot, a database transaction). The store owns the ledger for the
/// call, so a guest reaches this tenant's data and no other's.
pub trait TenantLedger:
    types::Host + ledger::Host + messaging::Host + chatter::Host + Default + Send + 'static
{
    /// What [`TenantLedger::end`] needs to undo a call.
    type Undo: Send;
    /// Starts the call's unit of work.
    fn begin(&mut self) -> anyhow::Result<Self::Undo>;
    /// Ends it: keeps or undoes what the call changed, as this storage does for
    /// `ending`.
    fn end(&mut self, undo: Self::Undo, ending: Ending) -> anyhow::Result<()>;
}

/// What a store holds during one call.
pub struct HostState<L> {
    pub(crate) ledger: L,
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: Limiter,
}

impl<L> HostState<L> {
    /// The state of one call on `ledger` within `limits`.
    pub(crate) fn new(ledger: L, limits: &Limits) -> Self {
        let mut table = ResourceTable::new();
        table.set_max_capacity(limits.resources);
        HostState {
            ledger,
            wasi: WasiCtx::builder()
                .allow_tcp(false)
                .allow_udp(false)
                .allow_ip_name_lookup(false)
                .build(),
            table,
            limiter: Limiter {
                memory_bytes: limits.memory_bytes,
            },
        }
    }

    /// The limiter, for `Store::limiter`.
    pub(crate) fn limiter(&mut self) -> &mut dyn ResourceLimiter {
        &mut self.limiter
    }
}

impl<L: Send + 'static> WasiView for HostState<L> {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Instances, memories and tables one store may create: the followup component needs a
/// handful of each.
const MAX_INSTANCES: usize = 32;
const MAX_MEMORIES: usize = 8;
const MAX_TABLES: usize = 32;
/// Elements one table may grow to.
const MAX_TABLE_ELEMENTS: usize = 100_000;

/// Stops growth past the limits with an error that names the limit (a trap).
struct Limiter {
    memory_bytes: usize,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory_bytes {
            return Err(wasmtime::Error::msg(format!(
                "memory limit: the guest asked for {} of memory; the limit is {}",
                mib(desired),
                mib(self.memory_bytes)
            )));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > MAX_TABLE_ELEMENTS {
            return Err(wasmtime::Error::msg(format!(
                "table limit: the guest asked for {desired} table elements; the limit is \
                 {MAX_TABLE_ELEMENTS}"
            )));
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        MAX_INSTANCES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
}

/// One sentence on why a call was stopped: the budget, the memory limit, a guest
/// fault, or a host write that failed.
pub fn describe_stop(error: &wasmtime::Error, limits: &Limits) -> String {
    match error.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::Interrupt) => match limits.budget {
            Budget::Deadline(timeout) => {
                format!("stopped: the call ran past its time budget of {timeout:?}")
            }
            Budget::Fuel(_) => "stopped: interrupted".to_string(),
        },
        Some(wasmtime::Trap::OutOfFuel) => match limits.budget {
            Budget::Fuel(fuel) => format!("stopped: the call used up its fuel budget of {fuel}"),
            Budget::Deadline(_) => "stopped: out of fuel".to_string(),
        },
        Some(trap) => format!("the guest trapped: {trap}"),
        None => format!("{error:#}"),
    }
}
