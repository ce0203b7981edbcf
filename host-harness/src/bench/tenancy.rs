//! What a tenant costs: instantiating the component in a fresh store (pooling allocator
//! and on demand), the memory a live instance holds, and how many small tenants' automatic
//! runs the multi-tenant runner completes per second.

use std::time::{Duration, Instant};

use anyhow::anyhow;

use crate::generate::{self, Spec};
use crate::ledger::MemLedger;
use crate::runtime::{Allocation, GUEST_WASM, Limits, Pool, Runtime, RuntimeConfig};
use crate::tenants::{self, Tenants};

/// Instantiations timed per allocator, after as many untimed ones (warm-up).
const INSTANTIATIONS: usize = 2_000;
/// Idle instances held at once to measure memory per live tenant.
const LIVE: usize = 200;

/// The per-tenant figures.
#[derive(Debug, Clone)]
pub struct Tenancy {
    /// Mean instantiation time with the pooling allocator (`None`: the pool could not
    /// be reserved and the runtime fell back to on-demand allocation).
    pub pooled: Option<Duration>,
    /// Mean instantiation time with on-demand allocation.
    pub on_demand: Duration,
    /// Resident memory per live instance after one `check` of a small ledger
    /// (on-demand allocation, so that every instance's pages are its own), in bytes.
    pub memory_per_tenant: Option<u64>,
    /// Tenants in the multi-tenant run.
    pub tenants: usize,
    /// Open items per tenant in that run.
    pub items_per_tenant: usize,
    /// Worker threads of that run.
    pub jobs: usize,
    /// Wall-clock time of that run.
    pub run: Duration,
    /// Partners those runs processed, over all tenants.
    pub processed: usize,
}

impl Tenancy {
    /// Tenants whose automatic run completed per second.
    pub fn tenants_per_second(&self) -> f64 {
        self.tenants as f64 / self.run.as_secs_f64()
    }
}

/// Current resident set size of this process (Linux `VmRSS`), if known.
fn current_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Measures instantiation, memory per live tenant and the multi-tenant run of
/// `tenants` ledgers of `items` open items each on `jobs` threads.
pub fn measure(tenants: usize, items: usize, jobs: usize) -> anyhow::Result<Tenancy> {
    let limits = Limits::default();
    // One slot per worker thread at least (each call in flight holds one).
    let pool = Pool {
        instances: u32::try_from(jobs)
            .unwrap_or(u32::MAX)
            .max(Pool::default().instances),
    };
    let pooled: Runtime = Runtime::with_config(GUEST_WASM, RuntimeConfig::pooled(limits, pool))?;
    let on_demand: Runtime = Runtime::new(GUEST_WASM, limits)?;

    let time = |rt: &Runtime| -> anyhow::Result<Duration> {
        rt.time_instantiation(INSTANTIATIONS)?;
        rt.time_instantiation(INSTANTIATIONS)
    };
    let on_demand_time = time(&on_demand)?;
    let pooled_time = match pooled.allocation() {
        Allocation::Pooled(_) => Some(time(&pooled)?),
        _ => None,
    };

    // Memory: hold LIVE instances that have each checked a small ledger and divide the
    // growth of the resident set. On demand, each instance maps fresh memory; pooled
    // slots may already be resident from the timing runs above and would hide the cost.
    let small = generate::generate(Spec::items(items)).ledger();
    let memory_per_tenant = {
        let before = current_rss();
        let held = (0..LIVE)
            .map(|_| on_demand.live_instance(small.clone()))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let after = current_rss();
        drop(held);
        match (before, after) {
            (Some(b), Some(a)) => Some(a.saturating_sub(b) / LIVE as u64),
            _ => None,
        }
    };

    // The multi-tenant run: small generated ledgers, one automatic run each.
    let ledgers: Vec<MemLedger> = (0..tenants)
        .map(|n| generate::tenant(&format!("t{n}"), 7_000 + n as u64, items))
        .collect();
    let names: Vec<String> = (0..tenants).map(|n| n.to_string()).collect();
    let runtime_for = |_: &str| &pooled;
    let open = |name: &str| -> anyhow::Result<MemLedger> {
        let n: usize = name.parse()?;
        Ok(ledgers[n].clone())
    };
    let finish = |_: &str, ledger: &mut MemLedger| Ok(ledger.sent().len());
    let spec = Tenants {
        names,
        runtime: &runtime_for,
        open: &open,
        finish: &finish,
    };
    let start = Instant::now();
    let results = tenants::run(&spec, generate::TODAY, jobs, &|_| {});
    let run = start.elapsed();
    if let Some(failed) = results.iter().find(|r| r.errors() > 0) {
        return Err(anyhow!(
            "tenant {} failed in the benchmark: {:?} {:?}",
            failed.tenant,
            failed.error,
            failed.failed
        ));
    }

    Ok(Tenancy {
        pooled: pooled_time,
        on_demand: on_demand_time,
        memory_per_tenant,
        tenants,
        items_per_tenant: items,
        jobs,
        run,
        processed: results.iter().map(|r| r.processed).sum(),
    })
}
