//! Sandboxed multi-tenant execution: hostile guests are stopped, each with a clear
//! error of its own tenant, while well-behaved tenants in the same run finish with the
//! results they get alone; a guest reaches nothing of the host but its own ledger.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use followup_host::MemLedger;
use followup_host::generate;
use followup_host::runtime::{
    Allocation, Budget, GUEST_WASM, Limits, Pool, Runtime, RuntimeConfig,
};
use followup_host::tenants::{self, Tenants};
use followup_host::wit::types;

/// The hostile component (tests/hostile-guest), built by build.rs.
fn hostile_wasm() -> Vec<u8> {
    std::fs::read(env!("FOLLOWUP_HOSTILE_WASM")).expect("the hostile component was built")
}

/// Tight limits, so that the stops come quickly.
fn limits() -> Limits {
    Limits {
        memory_bytes: 64 << 20,
        budget: Budget::Deadline(Duration::from_millis(1500)),
        ..Limits::default()
    }
}

fn pooled(limits: Limits) -> RuntimeConfig {
    RuntimeConfig::pooled(limits, Pool { instances: 8 })
}

/// A small generated ledger of its own for tenant `n` (seeded by `n`).
fn tenant_ledger(n: u64) -> MemLedger {
    generate::tenant(&format!("good-{n:02}"), 1000 + n, 240)
}

/// A ledger whose company id tells the hostile component how to misbehave.
fn hostile_ledger(mode: &str) -> MemLedger {
    generate::tenant(mode, 1000, 240)
}

const HOSTILE: [&str; 4] = ["loop", "grow", "trap", "flood"];

#[test]
fn hostile_tenants_are_stopped_and_fifty_good_tenants_finish_with_their_own_results() {
    let good = Runtime::with_config(GUEST_WASM, pooled(limits())).unwrap();
    let bad = Runtime::with_config(&hostile_wasm(), pooled(limits())).unwrap();
    assert!(
        matches!(good.allocation(), Allocation::Pooled(_)),
        "{}",
        good.allocation()
    );

    let mut ledgers: BTreeMap<String, MemLedger> = BTreeMap::new();
    for n in 0..50 {
        ledgers.insert(format!("good-{n:02}"), tenant_ledger(n));
    }
    for mode in HOSTILE {
        ledgers.insert(mode.to_string(), hostile_ledger(mode));
    }
    // Hostile tenants first among the others, so they run while good ones do.
    let mut names: Vec<String> = HOSTILE.iter().map(|m| m.to_string()).collect();
    names.extend((0..50).map(|n| format!("good-{n:02}")));

    let finals: Mutex<BTreeMap<String, MemLedger>> = Mutex::new(BTreeMap::new());
    let runtime_for = |name: &str| {
        if name.starts_with("good") {
            &good
        } else {
            &bad
        }
    };
    let open = |name: &str| Ok(ledgers[name].clone());
    let finish = |name: &str, ledger: &mut MemLedger| {
        finals
            .lock()
            .unwrap()
            .insert(name.to_string(), ledger.clone());
        Ok(ledger.sent().len())
    };
    let tenants = Tenants {
        names,
        runtime: &runtime_for,
        open: &open,
        finish: &finish,
    };
    let results = tenants::run(&tenants, generate::TODAY, 2, &|_| {});
    assert_eq!(results.len(), 54);
    let by_name: BTreeMap<&str, &tenants::TenantResult> =
        results.iter().map(|r| (r.tenant.as_str(), r)).collect();

    for (mode, expected) in [
        ("loop", "time budget"),
        ("grow", "memory limit"),
        ("trap", "the guest trapped"),
        ("flood", "time budget"),
    ] {
        let result = by_name[mode];
        let error = result
            .error
            .as_deref()
            .unwrap_or_else(|| panic!("{mode} was not stopped"));
        assert!(error.contains(expected), "{mode}: {error}");
        assert!(
            error.contains("plan-auto"),
            "{mode}: the error names the call: {error}"
        );
        assert_eq!(result.processed, 0, "{mode}");
    }

    // Each good tenant gets exactly what its automatic run gives it alone.
    let alone = Runtime::shared().unwrap();
    let finals = finals.into_inner().unwrap();
    let mut processed = 0;
    for n in 0..50 {
        let name = format!("good-{n:02}");
        let result = by_name[name.as_str()];
        assert_eq!(result.error, None, "{name}");
        let mut reference = ledgers[&name].clone();
        let batch = alone
            .run_auto(&mut reference, generate::TODAY)
            .unwrap()
            .unwrap();
        assert_eq!(result.processed, batch.processed.len(), "{name}");
        assert_eq!(result.skipped, batch.skipped.len(), "{name}");
        assert_eq!(result.failed.len(), batch.failed.len(), "{name}");
        let got = &finals[&name];
        assert_eq!(
            got.state(),
            reference.state(),
            "{name}: the ledger afterwards"
        );
        let keys = |l: &MemLedger| l.sent().iter().map(|m| m.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(got), keys(&reference), "{name}: the messages");
        // Nothing of another tenant: every message is this company's, to its partners.
        for message in got.sent() {
            assert!(message.key.contains(&name), "{name}: {}", message.key);
            assert!(ledgers[&name].partner(&message.partner).is_some());
        }
        processed += result.processed;
    }
    assert!(
        processed > 50,
        "the good tenants had work to do: {processed} partners processed"
    );
}

#[test]
fn the_runtime_recovers_after_each_stop() {
    let bad = Runtime::with_config(&hostile_wasm(), pooled(limits())).unwrap();
    for mode in HOSTILE {
        let mut ledger = hostile_ledger(mode);
        let before = ledger.clone();
        let stop = bad.check(&mut ledger).unwrap_err();
        assert!(format!("{stop:#}").contains("`check`"), "{stop:#}");
        assert_eq!(
            ledger.state(),
            before.state(),
            "{mode}: a stop changes nothing"
        );
    }
    // The pool's slots came back: the next call instantiates and runs.
    let mut idle = hostile_ledger("idle");
    let refusal = bad.check(&mut idle).unwrap().unwrap_err();
    assert_eq!(
        refusal,
        types::Error::InvalidData("hostile guest: idle".into())
    );
}

#[test]
fn a_guest_reaches_no_file_environment_argument_or_network() {
    let bad = Runtime::with_config(&hostile_wasm(), pooled(limits())).unwrap();
    let mut ledger = hostile_ledger("probe");
    let answer = bad.check(&mut ledger).unwrap().unwrap_err();
    assert_eq!(
        answer,
        types::Error::InvalidData("probe: reached nothing".into())
    );
}

#[test]
fn a_fuel_budget_stops_a_loop_deterministically() {
    let fuel = Limits {
        budget: Budget::Fuel(50_000_000),
        ..limits()
    };
    let bad = Runtime::with_config(&hostile_wasm(), RuntimeConfig::on_demand(fuel)).unwrap();
    let stop = bad.check(&mut hostile_ledger("loop")).unwrap_err();
    assert!(
        format!("{stop:#}").contains("fuel budget of 50000000"),
        "{stop:#}"
    );
    // The real guest runs within the same budget.
    let good = Runtime::with_config(GUEST_WASM, RuntimeConfig::on_demand(fuel)).unwrap();
    let mut ledger = tenant_ledger(1);
    assert!(good.overview(&mut ledger, generate::TODAY).unwrap().is_ok());
}

#[test]
fn a_pool_too_large_to_reserve_falls_back_to_on_demand_allocation() {
    let huge = RuntimeConfig::pooled(limits(), Pool { instances: 1 << 24 });
    let rt = Runtime::with_config(GUEST_WASM, huge).unwrap();
    assert!(
        matches!(rt.allocation(), Allocation::Fallback(_)),
        "{}",
        rt.allocation()
    );
    let mut ledger = tenant_ledger(2);
    assert!(rt.overview(&mut ledger, generate::TODAY).unwrap().is_ok());
}
