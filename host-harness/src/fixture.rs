//! Conformance case files (`followup-conformance/1`, see `shared/conformance/FORMAT.md`).
//!
//! Every struct refuses unknown keys, and a parse error says where it is
//! (`steps[3].expect.partners.bluebird: unknown field ...`). Dates and amounts stay
//! text: the engine, not the host, decides whether they are valid.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer};

use crate::ledger::MemLedger;
use crate::wit::types;

/// The only format this runner reads.
pub const FORMAT: &str = "followup-conformance/1";

/// A case file that cannot be read as a conformance case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError(pub String);

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CaseError {}

/// Reads `Option<Option<T>>` so that an absent key (`None`) differs from `null`
/// (`Some(None)`).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// One conformance case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Always [`FORMAT`].
    pub format: String,
    /// The case's name, printed by the runner.
    pub name: String,
    /// One sentence: what the case shows.
    #[serde(default)]
    pub about: String,
    /// The ledger's owner.
    pub company: Company,
    /// The follow-up policy.
    pub policy: Policy,
    /// The customers.
    #[serde(default)]
    pub partners: Vec<Partner>,
    /// The open items.
    #[serde(default)]
    pub items: Vec<Item>,
    /// Steps in time.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Loading must be refused with this kind (the case then has no steps).
    #[serde(default)]
    pub expect_load_error: Option<ErrorKind>,
}

/// The company.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    /// Company id.
    pub id: String,
    /// Company name.
    pub name: String,
    /// Home currency.
    pub currency: String,
}

/// The follow-up policy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The levels, in any order.
    #[serde(default)]
    pub levels: Vec<Level>,
}

/// One follow-up level. A missing id or name reads as empty (for `invalid_policy` cases).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Level id.
    #[serde(default)]
    pub id: String,
    /// Level name.
    #[serde(default)]
    pub name: String,
    /// Days after the due date.
    pub delay_days: i32,
    /// Send an email.
    #[serde(default)]
    pub email: bool,
    /// Send an SMS.
    #[serde(default)]
    pub sms: bool,
    /// Print a letter.
    #[serde(default)]
    pub print_letter: bool,
    /// Send a letter by post.
    #[serde(default)]
    pub send_letter: bool,
    /// Create a manual task.
    #[serde(default)]
    pub manual_action: Option<ManualAction>,
    /// Runs in the automatic run.
    #[serde(default)]
    pub auto_execute: bool,
    /// Attach the invoices.
    #[serde(default)]
    pub join_invoices: bool,
}

/// A level's manual task.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualAction {
    /// What to do.
    pub note: String,
    /// Who does it.
    pub responsible: String,
}

/// A postal address.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street and number.
    pub street: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub zip: String,
    /// Country.
    pub country: String,
}

/// A contact (follow-up contact of a partner, or an item's own contact).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Postal address.
    #[serde(default)]
    pub address: Option<Address>,
}

/// A customer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    /// Partner id.
    #[serde(default)]
    pub id: String,
    /// Partner name.
    #[serde(default)]
    pub name: String,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Postal address.
    #[serde(default)]
    pub address: Option<Address>,
    /// Language tag.
    #[serde(default)]
    pub lang: Option<String>,
    /// Trust level (default normal).
    #[serde(default)]
    pub trust: Trust,
    /// Reminder mode (default automatic).
    #[serde(default)]
    pub reminders: ReminderMode,
    /// Follow-up contact overriding the partner's own.
    #[serde(default)]
    pub followup_contact: Option<Contact>,
    /// Next reminder date.
    #[serde(default)]
    pub next_reminder: Option<String>,
}

/// An open item. `due_date` may be absent or null (an item without a due date).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Item id.
    #[serde(default)]
    pub id: String,
    /// Partner id.
    pub partner: String,
    /// Invoice number.
    #[serde(default)]
    pub number: Option<String>,
    /// Invoice date.
    pub invoice_date: String,
    /// Due date.
    #[serde(default)]
    pub due_date: Option<String>,
    /// Original amount (decimal text).
    pub amount: String,
    /// Unpaid residual (decimal text).
    pub residual: String,
    /// Currency (default: the company's).
    #[serde(default)]
    pub currency: Option<String>,
    /// "No follow-up".
    #[serde(default)]
    pub excluded: bool,
    /// Level reached.
    #[serde(default)]
    pub level: Option<String>,
    /// The item's own contact.
    #[serde(default)]
    pub contact: Option<Contact>,
}

/// One step in time: an optional action, then expectations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The step's date ("today").
    pub on: String,
    /// What the step does.
    #[serde(rename = "do", default)]
    pub action: Option<Action>,
    /// What must hold afterwards.
    #[serde(default)]
    pub expect: Expect,
}

/// A step's action (exactly one key).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// `process` one partner.
    Process(Process),
    /// `process-batch` a list of partners.
    ProcessBatch(ProcessBatch),
    /// `run-auto`.
    RunAuto(RunAuto),
    /// `remind-later`.
    RemindLater(RemindLater),
    /// `set-excluded`.
    SetExcluded(SetExcluded),
    /// `set-trust`.
    SetTrust(SetTrust),
    /// A change made by the host's own accounting.
    Ledger(LedgerChange),
}

impl Action {
    /// The action's key in the case file.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Process(_) => "process",
            Action::ProcessBatch(_) => "process_batch",
            Action::RunAuto(_) => "run_auto",
            Action::RemindLater(_) => "remind_later",
            Action::SetExcluded(_) => "set_excluded",
            Action::SetTrust(_) => "set_trust",
            Action::Ledger(_) => "ledger",
        }
    }
}

/// `process` arguments.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Process {
    /// Partner id.
    pub partner: String,
    /// Asked for by a person.
    #[serde(default)]
    pub manual: bool,
    /// Channels chosen by a person.
    #[serde(default)]
    pub channels: Option<Vec<Channel>>,
    /// Items left out of this reminder.
    #[serde(default)]
    pub exclude: Vec<String>,
}

impl Process {
    /// The WIT request.
    pub fn to_wit(&self) -> crate::wit::api::ProcessRequest {
        crate::wit::api::ProcessRequest {
            partner: self.partner.clone(),
            manual: self.manual,
            channels: self
                .channels
                .as_ref()
                .map(|c| c.iter().map(|c| c.to_wit()).collect()),
            exclude: self.exclude.clone(),
        }
    }
}

/// `process_batch` arguments.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessBatch {
    /// Partner ids.
    pub partners: Vec<String>,
}

/// `run_auto` arguments (none).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunAuto {}

/// `remind_later` arguments.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemindLater {
    /// Partner id.
    pub partner: String,
    /// Do not remind before this date.
    pub date: String,
}

/// `set_excluded` arguments.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetExcluded {
    /// Item id.
    pub item: String,
    /// The new flag.
    pub excluded: bool,
}

/// `set_trust` arguments.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetTrust {
    /// Partner id.
    pub partner: String,
    /// The new trust level.
    pub trust: Trust,
}

/// `ledger` arguments: the host's own accounting.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerChange {
    /// Payments, each lowering an item's residual.
    #[serde(default)]
    pub pay: Vec<Payment>,
    /// New open items.
    #[serde(default)]
    pub add_items: Vec<Item>,
}

/// One payment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// Item id.
    pub item: String,
    /// Amount paid (decimal text).
    pub amount: String,
}

/// What must hold after a step (every key optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Per partner, read from the `report` export.
    #[serde(default)]
    pub partners: BTreeMap<String, PartnerExpect>,
    /// The overview's partners in need of action, in order.
    #[serde(default)]
    pub in_need: Option<Vec<String>>,
    /// Whether `process` did something.
    #[serde(default)]
    pub did_something: Option<bool>,
    /// Exactly the messages this step sent.
    #[serde(default)]
    pub sent: Option<Vec<SentExpect>>,
    /// Exactly the tasks this step created.
    #[serde(default)]
    pub tasks: Option<Vec<TaskExpect>>,
    /// Chatter entries this step must have logged (others may exist).
    #[serde(default)]
    pub chatter: Option<Vec<ChatterExpect>>,
    /// The batch result, as sets of partner ids.
    #[serde(default)]
    pub batch: Option<BatchExpect>,
    /// The action must be refused with this kind and change nothing.
    #[serde(default)]
    pub error: Option<ErrorKind>,
}

/// Expectations on one partner's report.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerExpect {
    /// Status.
    #[serde(default)]
    pub status: Option<Status>,
    /// Level (`null`: none).
    #[serde(default, deserialize_with = "nullable")]
    pub level: Option<Option<String>>,
    /// Next reminder date (`null`: none).
    #[serde(default, deserialize_with = "nullable")]
    pub next_reminder: Option<Option<String>>,
    /// Trust level.
    #[serde(default)]
    pub trust: Option<Trust>,
    /// Due per currency (a missing currency is 0).
    #[serde(default)]
    pub total_due: Option<BTreeMap<String, String>>,
    /// Overdue per currency (a missing currency is 0).
    #[serde(default)]
    pub total_overdue: Option<BTreeMap<String, String>>,
    /// The late items, as a set.
    #[serde(default)]
    pub late_items: Option<Vec<String>>,
    /// Every reported item, as a set.
    #[serde(default)]
    pub report_items: Option<Vec<String>>,
    /// Item id -> level (`null`: none).
    #[serde(default)]
    pub item_levels: Option<BTreeMap<String, Option<String>>>,
}

/// One expected message.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentExpect {
    /// Channel.
    pub channel: Channel,
    /// Partner id.
    pub partner: String,
    /// Level id.
    #[serde(default)]
    pub level: Option<String>,
    /// The message's `to`.
    #[serde(default)]
    pub to: Option<String>,
}

/// One expected task.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskExpect {
    /// Partner id.
    pub partner: String,
    /// Level id.
    #[serde(default)]
    pub level: Option<String>,
    /// A substring of the note.
    #[serde(default)]
    pub note_contains: Option<String>,
    /// The responsible person.
    #[serde(default)]
    pub responsible: Option<String>,
}

/// One expected chatter entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatterExpect {
    /// Logged on this partner (or, with `item`, on an item of this partner).
    #[serde(default)]
    pub partner: Option<String>,
    /// Logged on this item.
    #[serde(default)]
    pub item: Option<String>,
    /// A substring of the entry's body.
    #[serde(default)]
    pub contains: Option<String>,
}

/// The expected batch result.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchExpect {
    /// Processed partners.
    #[serde(default)]
    pub processed: Option<Vec<String>>,
    /// Skipped partners.
    #[serde(default)]
    pub skipped: Option<Vec<String>>,
    /// Failed partners.
    #[serde(default)]
    pub failed: Option<Vec<String>>,
}

/// Defines a snake_case enum of the case format, its names and its WIT counterpart.
macro_rules! wit_enum {
    ($(#[$doc:meta])* $name:ident $([$($derive:ident),*])? => $wit:path { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize $($(, $derive)*)?)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used in case files.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The WIT value.
            pub fn to_wit(self) -> $wit {
                match self { $($name::$variant => <$wit>::$variant),+ }
            }

            /// The case-file name of a WIT value.
            pub fn name_of(value: $wit) -> &'static str {
                match value { $(<$wit>::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wit_enum!(
    /// A partner's status.
    Status => types::Status {
        /// Nothing to chase.
        NoActionNeeded = "no_action_needed",
        /// Overdue, but no reminder due.
        WithOverdueInvoices = "with_overdue_invoices",
        /// A reminder is due.
        InNeedOfAction = "in_need_of_action",
    }
);

wit_enum!(
    /// A partner's trust level.
    Trust [Default] => types::Trust {
        /// Good.
        Good = "good",
        /// Normal (the default).
        #[default]
        Normal = "normal",
        /// Bad.
        Bad = "bad",
    }
);

wit_enum!(
    /// Whether the automatic run may remind a partner.
    ReminderMode [Default] => types::ReminderMode {
        /// Automatic (the default).
        #[default]
        Automatic = "automatic",
        /// Manual.
        Manual = "manual",
    }
);

wit_enum!(
    /// A reminder channel.
    Channel => types::Channel {
        /// Email.
        Email = "email",
        /// SMS.
        Sms = "sms",
        /// Printed letter.
        PrintLetter = "print_letter",
        /// Letter sent by post.
        SendLetter = "send_letter",
    }
);

/// An error kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The levels are not a valid policy.
    InvalidPolicy,
    /// A record, date, amount or argument is not valid.
    InvalidData,
    /// No such partner or item.
    NotFound,
    /// A channel lacks its contact data.
    MissingContact,
    /// The host could not deliver a message.
    DeliveryFailed,
}

impl ErrorKind {
    /// Every kind.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::InvalidPolicy,
        ErrorKind::InvalidData,
        ErrorKind::NotFound,
        ErrorKind::MissingContact,
        ErrorKind::DeliveryFailed,
    ];

    /// The name used in case files.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidPolicy => "invalid_policy",
            ErrorKind::InvalidData => "invalid_data",
            ErrorKind::NotFound => "not_found",
            ErrorKind::MissingContact => "missing_contact",
            ErrorKind::DeliveryFailed => "delivery_failed",
        }
    }

    /// The kind of a WIT error.
    pub fn of(error: &types::Error) -> ErrorKind {
        match error {
            types::Error::InvalidPolicy(_) => ErrorKind::InvalidPolicy,
            types::Error::InvalidData(_) => ErrorKind::InvalidData,
            types::Error::NotFound(_) => ErrorKind::NotFound,
            types::Error::MissingContact(_) => ErrorKind::MissingContact,
            types::Error::DeliveryFailed(_) => ErrorKind::DeliveryFailed,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads a case from JSON text; the error says where the problem is.
pub fn parse_case(text: &str) -> Result<Case, CaseError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let case: Case = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            CaseError(inner.to_string())
        } else {
            CaseError(format!("at {path}: {inner}"))
        }
    })?;
    if case.format != FORMAT {
        return Err(CaseError(format!(
            "at format: expected {FORMAT:?}, got {:?}",
            case.format
        )));
    }
    if case.expect_load_error.is_some() && !case.steps.is_empty() {
        return Err(CaseError(
            "a case with expect_load_error has no steps".into(),
        ));
    }
    Ok(case)
}

impl Address {
    /// The WIT record.
    pub fn to_wit(&self) -> types::PostalAddress {
        types::PostalAddress {
            street: self.street.clone(),
            city: self.city.clone(),
            zip: self.zip.clone(),
            country: self.country.clone(),
        }
    }
}

impl Contact {
    /// The WIT record.
    pub fn to_wit(&self) -> types::Contact {
        types::Contact {
            name: self.name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            address: self.address.as_ref().map(Address::to_wit),
        }
    }
}

impl Level {
    /// The WIT record.
    pub fn to_wit(&self) -> types::Level {
        types::Level {
            id: self.id.clone(),
            name: self.name.clone(),
            delay_days: self.delay_days,
            email: self.email,
            sms: self.sms,
            print_letter: self.print_letter,
            send_letter: self.send_letter,
            manual_action: self.manual_action.as_ref().map(|m| types::ManualAction {
                note: m.note.clone(),
                responsible: m.responsible.clone(),
            }),
            auto_execute: self.auto_execute,
            join_invoices: self.join_invoices,
            // The case format has no wording: the engine's built-in texts are used.
            tone: None,
            templates: Vec::new(),
        }
    }
}

impl Partner {
    /// The WIT record.
    pub fn to_wit(&self) -> types::Partner {
        types::Partner {
            id: self.id.clone(),
            name: self.name.clone(),
            lang: self.lang.clone(),
            trust: self.trust.to_wit(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            address: self.address.as_ref().map(Address::to_wit),
            followup_contact: self.followup_contact.as_ref().map(Contact::to_wit),
            reminders: self.reminders.to_wit(),
            next_reminder: self.next_reminder.clone(),
        }
    }
}

impl Item {
    /// The WIT record. A missing currency stays missing: the engine reads it as the
    /// company's.
    pub fn to_wit(&self) -> types::OpenItem {
        types::OpenItem {
            id: self.id.clone(),
            partner: self.partner.clone(),
            number: self.number.clone(),
            invoice_date: self.invoice_date.clone(),
            due_date: self.due_date.clone(),
            amount: self.amount.clone(),
            residual: self.residual.clone(),
            currency: self.currency.clone(),
            excluded: self.excluded,
            level: self.level.clone(),
            contact: self.contact.as_ref().map(Contact::to_wit),
        }
    }
}

impl Case {
    /// The case's initial ledger (company, policy, partners, items), unvalidated.
    pub fn ledger(&self) -> MemLedger {
        // The case format has no language or letterhead for the company: the engine's
        // defaults apply (`en`, no address).
        let company = types::Company {
            id: self.company.id.clone(),
            name: self.company.name.clone(),
            currency: self.company.currency.clone(),
            lang: None,
            email: None,
            phone: None,
            address: None,
        };
        let levels = self.policy.levels.iter().map(Level::to_wit).collect();
        let mut ledger = MemLedger::new(company, levels);
        for partner in &self.partners {
            ledger.insert_partner(partner.to_wit());
        }
        for item in &self.items {
            ledger.insert_item(item.to_wit());
        }
        ledger
    }

    /// The date of the last step, if there is one.
    pub fn last_date(&self) -> Option<&str> {
        self.steps.last().map(|s| s.on.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
      "format": "followup-conformance/1", "name": "t",
      "company": {"id": "main", "name": "Acme", "currency": "EUR"},
      "policy": {"levels": [{"id": "a", "name": "A", "delay_days": 5, "email": true}]},
      "partners": [{"id": "p", "name": "P"}],
      "items": [{"id": "i", "partner": "p", "invoice_date": "2024-01-01",
                 "due_date": "2024-01-31", "amount": "1.00", "residual": "1.00"}],
      "steps": [{"on": "2024-02-10", "do": {"process": {"partner": "p"}},
                 "expect": {"partners": {"p": {"level": null, "next_reminder": "2024-03-01"}}}}]
    }"#;

    #[test]
    fn defaults_follow_the_format() {
        let case = parse_case(MINIMAL).unwrap();
        let ledger = case.ledger();
        let p = ledger.partner("p").unwrap();
        assert_eq!(p.trust, types::Trust::Normal);
        assert_eq!(p.reminders, types::ReminderMode::Automatic);
        assert_eq!(p.lang, None);
        // No currency: left to the engine, which reads it as the company's.
        assert_eq!(ledger.item("i").unwrap().currency, None);
        assert!(!ledger.levels()[0].sms);
        let expect = &case.steps[0].expect.partners["p"];
        assert_eq!(expect.level, Some(None));
        assert_eq!(expect.next_reminder, Some(Some("2024-03-01".into())));
        assert_eq!(expect.status, None);
    }

    #[test]
    fn unknown_keys_are_named_with_their_path() {
        let text = MINIMAL.replace("\"next_reminder\"", "\"next_remindr\"");
        let err = parse_case(&text).unwrap_err().0;
        assert!(err.contains("steps[0].expect.partners.p"), "{err}");
        assert!(err.contains("next_remindr"), "{err}");
    }

    #[test]
    fn an_action_has_exactly_one_key() {
        let text = MINIMAL.replace(
            r#"{"process": {"partner": "p"}}"#,
            r#"{"process": {"partner": "p"}, "run_auto": {}}"#,
        );
        assert!(parse_case(&text).is_err());
        let text = MINIMAL.replace(r#"{"process": {"partner": "p"}}"#, r#"{"proces": {}}"#);
        assert!(parse_case(&text).is_err());
    }

    #[test]
    fn wrong_format_is_refused() {
        let text = MINIMAL.replace("followup-conformance/1", "followup-conformance/2");
        assert!(parse_case(&text).unwrap_err().0.contains("format"));
    }
}
