//! The records the host hands to the engine, as they cross the boundary: dates and
//! amounts still as text. [`crate::validate`] turns them into the checked model.
//! Field names follow the conformance format (`../shared/conformance/FORMAT.md`).

use serde::{Deserialize, Serialize};

/// How much the company trusts a partner to pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trust {
    /// Pays reliably.
    Good,
    /// The default.
    #[default]
    Normal,
    /// Pays late or not at all.
    Bad,
}

impl Trust {
    /// The trust level as the conformance format writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Trust::Good => "good",
            Trust::Normal => "normal",
            Trust::Bad => "bad",
        }
    }
}

/// Whether the automatic run may send a partner's reminders by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderMode {
    /// The automatic run may process the partner (the default).
    #[default]
    Automatic,
    /// Only a person processes the partner.
    Manual,
}

/// The ways a reminder reaches a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// An email with a text and an HTML body.
    Email,
    /// A short text message.
    Sms,
    /// A letter printed by the company.
    PrintLetter,
    /// A letter sent by post.
    SendLetter,
}

impl Channel {
    /// Every channel, in a fixed order.
    pub const ALL: [Channel; 4] = [
        Channel::Email,
        Channel::Sms,
        Channel::PrintLetter,
        Channel::SendLetter,
    ];

    /// The channel's name as the conformance format writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::PrintLetter => "print_letter",
            Channel::SendLetter => "send_letter",
        }
    }
}

/// A postal address, enough for a window envelope.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostalAddress {
    /// Street and number.
    #[serde(default)]
    pub street: String,
    /// Town or city.
    #[serde(default)]
    pub city: String,
    /// Postal code.
    #[serde(default)]
    pub zip: String,
    /// Country (code or name).
    #[serde(default)]
    pub country: String,
}

impl PostalAddress {
    /// The address on one line, empty parts left out.
    pub fn one_line(&self) -> String {
        let town = [self.zip.as_str(), self.city.as_str()]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        [self.street.as_str(), town.as_str(), self.country.as_str()]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Someone a reminder can be addressed to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Who to address.
    #[serde(default)]
    pub name: String,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number for SMS.
    #[serde(default)]
    pub phone: Option<String>,
    /// Postal address for letters.
    #[serde(default)]
    pub address: Option<PostalAddress>,
}

/// The ledger's owner.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyRecord {
    /// Company id.
    pub id: String,
    /// Name shown on reminders.
    pub name: String,
    /// Home currency (ISO 4217).
    pub currency: String,
    /// Language of reminders to partners without one of their own (`en` when absent).
    #[serde(default)]
    pub lang: Option<String>,
    /// Email address printed on letters and used as the reply address.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number printed on letters.
    #[serde(default)]
    pub phone: Option<String>,
    /// Postal address for the letterhead and the return line above the window.
    #[serde(default)]
    pub address: Option<PostalAddress>,
}

/// How insistent a level's built-in texts are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// A courteous reminder: "perhaps this escaped your attention".
    Friendly,
    /// A clear request to pay now.
    Firm,
    /// The last notice before further steps (collection, legal action).
    Final,
}

impl Tone {
    /// Every tone, mildest first.
    pub const ALL: [Tone; 3] = [Tone::Friendly, Tone::Firm, Tone::Final];

    /// The tone's name (`friendly`, `firm`, `final`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Friendly => "friendly",
            Tone::Firm => "firm",
            Tone::Final => "final",
        }
    }
}

/// A level's own wording in one language: minijinja templates, each optional (a missing
/// one falls back to the built-in text of the level's tone in that language).
/// See `docs/templates.md` for the variables.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Language tag (`de`, `fr-BE`, ...).
    pub lang: String,
    /// Subject of the email (and the subject line of the letter).
    #[serde(default)]
    pub email_subject: Option<String>,
    /// Text of the email; `{{ statement }}` places the table of items.
    #[serde(default)]
    pub email_body: Option<String>,
    /// The whole SMS.
    #[serde(default)]
    pub sms: Option<String>,
    /// Text of the letter; `{{ statement }}` places the table of items.
    #[serde(default)]
    pub letter: Option<String>,
}

/// A to-do for a person, created when a level asks for one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualAction {
    /// What the person should do.
    pub note: String,
    /// Who should do it.
    pub responsible: String,
}

/// One follow-up level (action) of the policy. Validated as a whole by
/// [`crate::Policy::new`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Level id.
    #[serde(default)]
    pub id: String,
    /// Name shown on reminders.
    #[serde(default)]
    pub name: String,
    /// Days after the due date (negative: before it).
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
    /// Create a task for a person.
    #[serde(default)]
    pub manual_action: Option<ManualAction>,
    /// The automatic run may execute this level.
    #[serde(default)]
    pub auto_execute: bool,
    /// Attach the covered invoices.
    #[serde(default)]
    pub join_invoices: bool,
    /// Tone of the built-in texts; none: by position (see [`crate::templates::tone_of`]).
    #[serde(default)]
    pub tone: Option<Tone>,
    /// The level's own wording, per language.
    #[serde(default)]
    pub templates: Vec<Template>,
}

impl Level {
    /// The channels this level sends on, in [`Channel::ALL`] order.
    pub fn channels(&self) -> Vec<Channel> {
        let on = [self.email, self.sms, self.print_letter, self.send_letter];
        Channel::ALL
            .into_iter()
            .zip(on)
            .filter_map(|(channel, on)| on.then_some(channel))
            .collect()
    }
}

/// A customer, as the ledger stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerRecord {
    /// Partner id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Language tag; none means the company's.
    #[serde(default)]
    pub lang: Option<String>,
    /// Trust level.
    #[serde(default)]
    pub trust: Trust,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Postal address.
    #[serde(default)]
    pub address: Option<PostalAddress>,
    /// Contact that overrides the partner's own for reminders.
    #[serde(default)]
    pub followup_contact: Option<Contact>,
    /// Reminder mode.
    #[serde(default)]
    pub reminders: ReminderMode,
    /// Next reminder date (`YYYY-MM-DD`).
    #[serde(default)]
    pub next_reminder: Option<String>,
}

/// An open receivable item, as the ledger stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemRecord {
    /// Item id.
    pub id: String,
    /// The partner who owes it.
    pub partner: String,
    /// Invoice number shown to the customer.
    #[serde(default)]
    pub number: Option<String>,
    /// Invoice date (`YYYY-MM-DD`).
    pub invoice_date: String,
    /// Due date (`YYYY-MM-DD`).
    #[serde(default)]
    pub due_date: Option<String>,
    /// Original amount (plain decimal).
    pub amount: String,
    /// Still unpaid (plain decimal).
    pub residual: String,
    /// ISO 4217; none means the company's.
    #[serde(default)]
    pub currency: Option<String>,
    /// "No follow-up".
    #[serde(default)]
    pub excluded: bool,
    /// Level reached (a level id).
    #[serde(default)]
    pub level: Option<String>,
    /// The item's own contact.
    #[serde(default)]
    pub contact: Option<Box<Contact>>,
}
