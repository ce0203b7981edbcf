//! # followup-engine
//!
//! The pure core of the followup payment follow-up (dunning) engine: every rule of
//! `SPEC.md` lives here, once. No I/O, no clock, no bindings: the host's data comes in
//! through the [`ports`] (implemented by the WASM guest and the C ABI), "today" is an
//! argument, and nothing is kept between calls.
//!
//! Start with [`Engine::new`] (company + policy), then call an operation with a value
//! implementing the ports.

#![warn(missing_docs)]

pub mod admin;
pub mod content;
pub mod document;
pub mod error;
pub mod keys;
pub mod load;
pub mod locale;
pub mod model;
pub mod parse;
pub mod ports;
pub mod process;
pub mod records;
pub mod report;
pub mod standing;
pub mod templates;
pub mod validate;

pub use admin::LedgerSummary;
pub use error::{Error, ErrorKind};
pub use locale::Locale;
pub use model::{Company, Policy};
pub use ports::{
    Attachment, Chatter, ChatterEntry, Host, Ledger, Message, Messaging, Page, Target, Task,
};
pub use process::{
    BatchOutcome, Failed, Letter, ProcessOutcome, ProcessRequest, SkipReason, Skipped,
};
pub use records::{
    Channel, CompanyRecord, Contact, ItemRecord, Level, ManualAction, PartnerRecord, PostalAddress,
    ReminderMode, Template, Tone, Trust,
};
pub use report::{CurrencyTotal, OverviewLine, PartnerReport, ReportItem};
pub use standing::Status;

pub use chrono::NaiveDate;

/// A checked company and policy, ready to run operations against a host's ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engine {
    company: Company,
    policy: Policy,
}

impl Engine {
    /// Checks the policy (`invalid_policy`: levels, and every template, which must parse,
    /// use known variables and render on sample data) and the company (`invalid_data`).
    pub fn new(company: &CompanyRecord, levels: Vec<Level>) -> Result<Engine, Error> {
        let policy = Policy::new(levels)?;
        let company = validate::company(company)?;
        Ok(Engine { company, policy })
    }

    /// The company.
    pub fn company(&self) -> &Company {
        &self.company
    }

    /// The policy, levels ordered by delay.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Reads and checks the whole ledger; writes nothing.
    pub fn check(&self, ledger: &mut impl Ledger) -> Result<LedgerSummary, Error> {
        admin::check(&self.company, &self.policy, ledger)
    }

    /// The follow-up report of one partner on `today`.
    pub fn report(
        &self,
        ledger: &mut impl Ledger,
        today: &str,
        partner: &str,
    ) -> Result<PartnerReport, Error> {
        let today = validate::argument_date("today", today)?;
        let account = load::account(ledger, &self.company, &self.policy, partner)?;
        Ok(report::report(&self.policy, &account, today))
    }

    /// Every partner with open items on `today`: in need of action first (oldest due
    /// date, then id), then the others by id.
    pub fn overview(
        &self,
        ledger: &mut impl Ledger,
        today: &str,
    ) -> Result<Vec<OverviewLine>, Error> {
        let today = validate::argument_date("today", today)?;
        let book = load::book(ledger, &self.company, &self.policy)?;
        let mut lines: Vec<OverviewLine> = book
            .accounts
            .iter()
            .filter_map(|account| report::overview_line(&self.policy, account, today))
            .collect();
        report::sort_overview(&mut lines);
        Ok(lines)
    }

    /// The follow-up letter of one partner on `today`, as "Print Letter" makes it from
    /// the report: the same text and PDF a `print_letter` reminder would carry. Reads
    /// only; nothing is sent, logged or written.
    pub fn print_letter(
        &self,
        ledger: &mut impl Ledger,
        today: &str,
        partner: &str,
    ) -> Result<Letter, Error> {
        let today = validate::argument_date("today", today)?;
        process::letter(&self.company, &self.policy, ledger, today, partner)
    }

    /// Executes the follow-up of one partner.
    pub fn process(
        &self,
        host: &mut impl Host,
        today: &str,
        request: &ProcessRequest,
    ) -> Result<ProcessOutcome, Error> {
        let today = validate::argument_date("today", today)?;
        process::process(&self.company, &self.policy, host, today, request)
    }

    /// Processes each listed partner; one partner's failure never stops the others.
    pub fn process_batch(
        &self,
        host: &mut impl Host,
        today: &str,
        partners: &[String],
    ) -> Result<BatchOutcome, Error> {
        let today = validate::argument_date("today", today)?;
        Ok(process::process_batch(
            &self.company,
            &self.policy,
            host,
            today,
            partners,
        ))
    }

    /// The partners [`Engine::run_auto`] would process on `today`, in its order. Reads
    /// only: a host that wants one transaction per partner processes each of them with
    /// [`Engine::process`] (not manual), which does what the automatic run does for it.
    pub fn plan_auto(&self, ledger: &mut impl Ledger, today: &str) -> Result<Vec<String>, Error> {
        let today = validate::argument_date("today", today)?;
        process::plan_auto(&self.company, &self.policy, ledger, today)
    }

    /// Processes every partner in need of action whose level runs by itself and whose
    /// reminders are automatic.
    pub fn run_auto(&self, host: &mut impl Host, today: &str) -> Result<BatchOutcome, Error> {
        let today = validate::argument_date("today", today)?;
        process::run_auto(&self.company, &self.policy, host, today)
    }

    /// Sets the partner's next reminder date (not before `today`).
    pub fn remind_later(
        &self,
        host: &mut impl Host,
        today: &str,
        partner: &str,
        date: &str,
    ) -> Result<(), Error> {
        let today = validate::argument_date("today", today)?;
        let date = validate::argument_date("date", date)?;
        admin::remind_later(host, today, partner, date)
    }

    /// Sets or clears an item's "No follow-up" flag.
    pub fn set_excluded(
        &self,
        host: &mut impl Host,
        today: &str,
        item: &str,
        excluded: bool,
    ) -> Result<(), Error> {
        let today = validate::argument_date("today", today)?;
        admin::set_excluded(&self.company, &self.policy, host, today, item, excluded)
    }

    /// Sets a partner's trust level.
    pub fn set_trust(
        &self,
        host: &mut impl Host,
        today: &str,
        partner: &str,
        trust: Trust,
    ) -> Result<(), Error> {
        let today = validate::argument_date("today", today)?;
        admin::set_trust(host, today, partner, trust)
    }
}

/// Formats a date as `YYYY-MM-DD`, the form dates cross the boundary in.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}
