//! What a runtime is allowed: per-call limits (memory, execution budget, resources) and
//! how instances are allocated (a pooling allocator sized explicitly, or on demand).
//! Defaults and how to change them: `docs/limits.md`.

use std::time::Duration;

use wasmtime::{Config, InstanceAllocationStrategy, PoolingAllocationConfig};

/// How long one call may run before it is stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    /// Wall-clock time, enforced by epoch interruption (a ticker thread advances the
    /// epoch every [`TICK`]). Costs almost nothing while the guest runs.
    Deadline(Duration),
    /// Units of fuel (about one per WebAssembly instruction): deterministic, the same
    /// call stops at the same point on every machine, but every instruction pays for
    /// the metering.
    Fuel(u64),
}

/// How often the epoch ticker advances the engine's clock: the resolution of a
/// [`Budget::Deadline`].
pub const TICK: Duration = Duration::from_millis(10);

/// Limits applied to every call (each call runs in a store of its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest linear memory one instance may grow to, in bytes.
    pub memory_bytes: usize,
    /// How long one call may run.
    pub budget: Budget,
    /// Most entries the store's resource table may hold (WASI handles the guest opens).
    pub resources: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 256 << 20,
            budget: Budget::Deadline(Duration::from_secs(60)),
            resources: 1_000,
        }
    }
}

/// The pooling allocator's size: how many instances may be live at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool {
    /// Component instances live at the same time (one per call in flight).
    pub instances: u32,
}

impl Default for Pool {
    fn default() -> Self {
        Pool { instances: 16 }
    }
}

/// Core instances, memories and tables one instance of the component may use: the
/// followup guest needs a handful; the pool reserves room for these per slot.
const CORE_INSTANCES_PER_COMPONENT: u32 = 20;
const MEMORIES_PER_COMPONENT: u32 = 2;
const TABLES_PER_COMPONENT: u32 = 8;
/// Guard pages after each linear memory (the default 32 MiB keeps bounds checks
/// elided; the reservation itself stays wasmtime's default, 4 GiB per memory).
const GUARD_BYTES: u64 = 32 << 20;

/// Everything a [`crate::Runtime`] is built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct RuntimeConfig {
    /// Per-call limits.
    pub limits: Limits,
    /// `Some`: the pooling allocator of that size (falls back to on-demand allocation
    /// when the machine cannot reserve its address space); `None`: on demand.
    pub pool: Option<Pool>,
}

impl RuntimeConfig {
    /// On-demand allocation with these limits.
    pub fn on_demand(limits: Limits) -> Self {
        RuntimeConfig { limits, pool: None }
    }

    /// The pooling allocator of `pool` with these limits.
    pub fn pooled(limits: Limits, pool: Pool) -> Self {
        RuntimeConfig {
            limits,
            pool: Some(pool),
        }
    }

    /// The wasmtime configuration: component model, the budget's mechanism, and the
    /// allocator (`pooled` selects the pool when the config has one).
    pub(crate) fn wasmtime(&self, pooled: bool) -> Config {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.memory_guard_size(GUARD_BYTES);
        // The component is stripped: a WebAssembly backtrace would only list unnamed
        // function indices in every stop's message.
        config.wasm_backtrace_max_frames(None);
        match self.limits.budget {
            Budget::Deadline(_) => config.epoch_interruption(true),
            Budget::Fuel(_) => config.consume_fuel(true),
        };
        if let (true, Some(pool)) = (pooled, self.pool) {
            config.allocation_strategy(InstanceAllocationStrategy::Pooling(self.pooling(pool)));
        }
        config
    }

    /// The pool's sizes: every count derived from `pool.instances`, every memory slot
    /// capped at the per-call memory limit.
    fn pooling(&self, pool: Pool) -> PoolingAllocationConfig {
        let instances = pool.instances.max(1);
        let mut pooling = PoolingAllocationConfig::new();
        pooling
            .total_component_instances(instances)
            .total_core_instances(instances * CORE_INSTANCES_PER_COMPONENT)
            .total_memories(instances * MEMORIES_PER_COMPONENT)
            .total_tables(instances * TABLES_PER_COMPONENT)
            .total_stacks(instances)
            .max_core_instances_per_component(CORE_INSTANCES_PER_COMPONENT)
            .max_memories_per_component(MEMORIES_PER_COMPONENT)
            .max_tables_per_component(TABLES_PER_COMPONENT)
            .max_memory_size(self.limits.memory_bytes.min(4 << 30))
            // Keep freed slots' pages mapped up to 1 MiB: the next tenant's call starts
            // without page faults for the guest's first allocations.
            .linear_memory_keep_resident(1 << 20)
            .table_keep_resident(64 << 10);
        pooling
    }

    /// Epoch ticks of a [`Budget::Deadline`] (at least one).
    pub(crate) fn deadline_ticks(&self) -> u64 {
        match self.limits.budget {
            Budget::Deadline(timeout) => {
                let ticks = timeout.as_nanos() / TICK.as_nanos();
                u64::try_from(ticks).unwrap_or(u64::MAX).max(1)
            }
            Budget::Fuel(_) => u64::MAX,
        }
    }
}

/// Which allocator a runtime ended up with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Allocation {
    /// The pooling allocator, of this size.
    Pooled(Pool),
    /// On demand, as configured.
    OnDemand,
    /// On demand because the pool could not be made (the reason).
    Fallback(String),
}

impl std::fmt::Display for Allocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Allocation::Pooled(pool) => {
                write!(f, "pooling allocator, {} instances", pool.instances)
            }
            Allocation::OnDemand => f.write_str("on-demand allocation"),
            Allocation::Fallback(why) => {
                write!(
                    f,
                    "on-demand allocation (the pool could not be made: {why})"
                )
            }
        }
    }
}
