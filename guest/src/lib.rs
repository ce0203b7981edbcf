//! The followup engine as a WASM component (wasm32-wasip2).
//!
//! Translation only: the WIT imports become the engine's ports ([`host::WitHost`]), the
//! WIT records become engine records and back ([`convert`]), and each export calls the
//! one engine operation of the same name. No business rule lives here.

mod convert;
mod host;

wit_bindgen::generate!({ path: "../wit", world: "followup-engine" });

use convert::{batch, error, ovl, report, request, trust_in};
use exports::followup::engine::followup::{
    BatchOutcome, Guest, LedgerSummary, Letter, OverviewLine, PartnerReport, ProcessOutcome,
    ProcessRequest,
};
use followup::engine::types::{Error, Trust};
use followup_engine::Engine;
use host::WitHost;

struct Component;

/// The engine for this call: the company and policy as the host's ledger has them now.
fn engine() -> Result<Engine, Error> {
    let company = convert::company(followup::engine::ledger::get_company());
    let levels = followup::engine::ledger::get_levels()
        .into_iter()
        .map(convert::level)
        .collect();
    Engine::new(&company, levels).map_err(error)
}

impl Guest for Component {
    fn check() -> Result<LedgerSummary, Error> {
        let summary = engine()?.check(&mut WitHost).map_err(error)?;
        Ok(LedgerSummary {
            partners: convert::count(summary.partners),
            items: convert::count(summary.items),
            levels: convert::count(summary.levels),
        })
    }

    fn report(today: String, partner: String) -> Result<PartnerReport, Error> {
        let report_ = engine()?
            .report(&mut WitHost, &today, &partner)
            .map_err(error)?;
        Ok(report(report_))
    }

    fn overview(today: String) -> Result<Vec<OverviewLine>, Error> {
        let lines = engine()?.overview(&mut WitHost, &today).map_err(error)?;
        Ok(lines.into_iter().map(ovl).collect())
    }

    fn print_letter(today: String, partner: String) -> Result<Letter, Error> {
        let letter = engine()?
            .print_letter(&mut WitHost, &today, &partner)
            .map_err(error)?;
        Ok(convert::letter(letter))
    }

    fn process(today: String, req: ProcessRequest) -> Result<ProcessOutcome, Error> {
        let outcome = engine()?
            .process(&mut WitHost, &today, &request(req))
            .map_err(error)?;
        Ok(convert::outcome(outcome))
    }

    fn process_batch(today: String, partners: Vec<String>) -> Result<BatchOutcome, Error> {
        let outcome = engine()?
            .process_batch(&mut WitHost, &today, &partners)
            .map_err(error)?;
        Ok(batch(outcome))
    }

    fn run_auto(today: String) -> Result<BatchOutcome, Error> {
        let outcome = engine()?.run_auto(&mut WitHost, &today).map_err(error)?;
        Ok(batch(outcome))
    }

    fn plan_auto(today: String) -> Result<Vec<String>, Error> {
        engine()?.plan_auto(&mut WitHost, &today).map_err(error)
    }

    fn remind_later(today: String, partner: String, date: String) -> Result<(), Error> {
        engine()?
            .remind_later(&mut WitHost, &today, &partner, &date)
            .map_err(error)
    }

    fn set_excluded(today: String, item: String, excluded: bool) -> Result<(), Error> {
        engine()?
            .set_excluded(&mut WitHost, &today, &item, excluded)
            .map_err(error)
    }

    fn set_trust(today: String, partner: String, trust: Trust) -> Result<(), Error> {
        engine()?
            .set_trust(&mut WitHost, &today, &partner, trust_in(trust))
            .map_err(error)
    }
}

export!(Component);
