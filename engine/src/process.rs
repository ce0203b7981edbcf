//! Executing a follow-up (SPEC.md, "Executing a follow-up"), batches and the automatic
//! run.

use crate::content::{self, Scene};
use crate::document;
use crate::error::{Error, ErrorKind};
use crate::keys;
use crate::load::{self, Account, Book};
use crate::model::{Company, Item, Partner, Policy};
use crate::ports::{ChatterEntry, Host, Ledger, Message, Target, Task};
use crate::records::{Channel, Contact, ReminderMode};
use crate::report;
use crate::standing::{self, Status, add_days};
use chrono::NaiveDate;

/// One reminder to run for a partner.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProcessRequest {
    /// Partner id.
    pub partner: String,
    /// Asked for by a person: runs whatever the status, if anything is chased.
    pub manual: bool,
    /// Channels a person chose; `None` means the level's own.
    pub channels: Option<Vec<Channel>>,
    /// Items left out of this reminder (they keep their level).
    pub exclude: Vec<String>,
}

impl ProcessRequest {
    /// The request a batch or the automatic run makes: the level's channels, no
    /// exclusions, only when in need of action.
    pub fn automatic(partner: &str) -> Self {
        ProcessRequest {
            partner: partner.to_string(),
            ..ProcessRequest::default()
        }
    }
}

/// What processing a partner did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProcessOutcome {
    /// Partner id.
    pub partner: String,
    /// Whether a reminder was executed.
    pub did_something: bool,
    /// Id of the level executed.
    pub level: Option<String>,
    /// Keys of the messages sent.
    pub messages: Vec<String>,
    /// Key of the task created.
    pub task: Option<String>,
    /// Ids of the covered items.
    pub items: Vec<String>,
    /// The partner's next reminder date afterwards.
    pub next_reminder: Option<NaiveDate>,
    /// What was done, or why nothing was.
    pub note: String,
}

/// Why a batch left a partner alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The partner needed no reminder.
    NothingToDo,
    /// A channel lacked its contact data.
    MissingContact,
}

/// A partner a batch left alone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Skipped {
    /// Partner id.
    pub partner: String,
    /// Why.
    pub reason: SkipReason,
    /// The explanation.
    pub message: String,
}

/// A partner a batch could not process.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Failed {
    /// Partner id.
    pub partner: String,
    /// The refusal.
    pub error: Error,
}

/// The result of a batch or an automatic run.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct BatchOutcome {
    /// Partners a reminder was executed for.
    pub processed: Vec<ProcessOutcome>,
    /// Partners left alone, with the reason.
    pub skipped: Vec<Skipped>,
    /// Partners that failed, with the error.
    pub failed: Vec<Failed>,
}

/// Days until the next reminder after executing the level at `index` (SPEC step 6):
/// to the next level; from the previous one for the last level; the level's own delay
/// when it is the only one; never less than one day.
pub fn reminder_interval(policy: &Policy, index: usize) -> i64 {
    let levels = policy.levels();
    let delay = |i: usize| i64::from(levels[i].delay_days);
    let days = if levels.len() == 1 {
        delay(index)
    } else if index + 1 < levels.len() {
        delay(index + 1) - delay(index)
    } else {
        delay(index) - delay(index - 1)
    };
    days.max(1)
}

/// Reads the partner's account and processes it.
pub fn process(
    company: &Company,
    policy: &Policy,
    host: &mut impl Host,
    today: NaiveDate,
    request: &ProcessRequest,
) -> Result<ProcessOutcome, Error> {
    let account = load::account(host, company, policy, &request.partner)?;
    process_account(company, policy, host, today, &account, request)
}

/// Processes each partner in turn; one partner's failure never stops the others.
pub fn process_batch(
    company: &Company,
    policy: &Policy,
    host: &mut impl Host,
    today: NaiveDate,
    partners: &[String],
) -> BatchOutcome {
    let mut outcome = BatchOutcome::default();
    for partner in partners {
        let result = process(
            company,
            policy,
            host,
            today,
            &ProcessRequest::automatic(partner),
        );
        record(&mut outcome, partner, result);
    }
    outcome
}

/// The partners the automatic run processes on `today`, in its order: those in need of
/// action whose level runs by itself (`auto_execute`) and whose reminders are
/// automatic, ordered as the overview orders partners in need. Reads only.
pub fn plan_auto(
    company: &Company,
    policy: &Policy,
    ledger: &mut impl Ledger,
    today: NaiveDate,
) -> Result<Vec<String>, Error> {
    let book = load::book(ledger, company, policy)?;
    Ok(auto_accounts(policy, &book, today)
        .into_iter()
        .map(|account| account.partner.id.clone())
        .collect())
}

/// Processes every partner [`plan_auto`] names, in that order; one partner's failure
/// never stops the others.
pub fn run_auto(
    company: &Company,
    policy: &Policy,
    host: &mut impl Host,
    today: NaiveDate,
) -> Result<BatchOutcome, Error> {
    let book = load::book(host, company, policy)?;
    let mut outcome = BatchOutcome::default();
    for account in auto_accounts(policy, &book, today) {
        let request = ProcessRequest::automatic(&account.partner.id);
        let result = process_account(company, policy, host, today, account, &request);
        record(&mut outcome, &account.partner.id, result);
    }
    Ok(outcome)
}

/// The accounts of the automatic run (see [`plan_auto`]), in its order.
fn auto_accounts<'a>(policy: &Policy, book: &'a Book, today: NaiveDate) -> Vec<&'a Account> {
    let mut candidates: Vec<(Option<NaiveDate>, &Account)> = book
        .accounts
        .iter()
        .filter(|account| account.partner.reminders == ReminderMode::Automatic)
        .filter_map(|account| {
            let standing = standing::assess(policy, &account.partner, &account.items, today);
            let auto = standing
                .level
                .is_some_and(|index| policy.level(index).auto_execute);
            (standing.status == Status::InNeedOfAction && auto)
                .then_some((standing.oldest_due, account))
        })
        .collect();
    candidates.sort_by(|(a_due, a), (b_due, b)| {
        report::need_order((*a_due, &a.partner.id), (*b_due, &b.partner.id))
    });
    candidates.into_iter().map(|(_, account)| account).collect()
}

fn record(outcome: &mut BatchOutcome, partner: &str, result: Result<ProcessOutcome, Error>) {
    match result {
        Ok(done) if done.did_something => outcome.processed.push(done),
        Ok(nothing) => outcome.skipped.push(Skipped {
            partner: partner.to_string(),
            reason: SkipReason::NothingToDo,
            message: nothing.note,
        }),
        Err(error) if error.kind == ErrorKind::MissingContact => outcome.skipped.push(Skipped {
            partner: partner.to_string(),
            reason: SkipReason::MissingContact,
            message: error.message,
        }),
        Err(error) => outcome.failed.push(Failed {
            partner: partner.to_string(),
            error,
        }),
    }
}

/// The recipient of one item: its own contact, else the partner's follow-up contact,
/// else the partner; with a label naming where it came from.
fn recipient<'a>(partner: &'a Partner, item: &'a Item) -> (&'a Contact, String) {
    if let Some(contact) = &item.contact {
        (contact, format!("the contact of item '{}'", item.id))
    } else if let Some(contact) = &partner.followup_contact {
        (contact, "the follow-up contact".to_string())
    } else {
        (&partner.own, "the partner".to_string())
    }
}

/// The address a channel needs on a contact: what it is called, and its value.
fn address_for(channel: Channel, contact: &Contact) -> (&'static str, Option<String>) {
    match channel {
        Channel::Email => ("an email address", contact.email.clone()),
        Channel::Sms => ("a phone number", contact.phone.clone()),
        Channel::PrintLetter | Channel::SendLetter => (
            "a postal address",
            contact.address.as_ref().map(|a| a.one_line()),
        ),
    }
}

/// Items that share a recipient.
struct Group<'a> {
    contact: &'a Contact,
    source: String,
    /// Whether this is the partner-level recipient (follow-up contact or partner).
    default: bool,
    items: Vec<&'a Item>,
}

fn group_by_recipient<'a>(partner: &'a Partner, covered: &[&'a Item]) -> Vec<Group<'a>> {
    let default_contact = partner.followup_contact.as_ref().unwrap_or(&partner.own);
    let mut groups: Vec<Group<'a>> = Vec::new();
    for item in covered {
        let (contact, source) = recipient(partner, item);
        match groups.iter_mut().find(|g| g.contact == contact) {
            Some(group) => group.items.push(item),
            None => groups.push(Group {
                contact,
                default: contact == default_contact,
                source,
                items: vec![item],
            }),
        }
    }
    groups.sort_by_key(|group| !group.default);
    groups
}

/// Processes one partner whose account is already read.
pub fn process_account(
    company: &Company,
    policy: &Policy,
    host: &mut impl Host,
    today: NaiveDate,
    account: &Account,
    request: &ProcessRequest,
) -> Result<ProcessOutcome, Error> {
    let partner = &account.partner;
    for id in &request.exclude {
        if !account.items.iter().any(|item| item.id == *id) {
            return Err(Error::not_found(format!(
                "item '{id}' (excluded from the reminder) is not an open item of partner '{}'",
                partner.id
            )));
        }
    }
    let standing = standing::assess(policy, partner, &account.items, today);
    let nothing = |note: String| ProcessOutcome {
        partner: partner.id.clone(),
        did_something: false,
        level: None,
        messages: Vec::new(),
        task: None,
        items: Vec::new(),
        next_reminder: partner.next_reminder,
        note,
    };
    if !standing.has_chased() {
        return Ok(nothing(format!(
            "Nothing to do for partner '{}': no item to chase.",
            partner.id
        )));
    }
    if !request.manual && standing.status != Status::InNeedOfAction {
        return Ok(nothing(format!(
            "Nothing to do for partner '{}': status is {}.",
            partner.id,
            standing.status.as_str()
        )));
    }
    let Some(level_index) = standing
        .level
        .or((!policy.levels().is_empty()).then_some(0))
    else {
        return Ok(nothing(format!(
            "Nothing to do for partner '{}': the policy has no levels.",
            partner.id
        )));
    };
    let level = policy.level(level_index);
    let covered: Vec<&Item> = account
        .items
        .iter()
        .zip(&standing.items)
        .filter(|(item, s)| s.chased && !request.exclude.contains(&item.id))
        .map(|(item, _)| item)
        .collect();
    if covered.is_empty() {
        return Ok(nothing(format!(
            "Nothing to do for partner '{}': every item to chase is excluded from this reminder.",
            partner.id
        )));
    }

    // Step 2: the channels and every recipient, before anything is sent.
    let mut channels: Vec<Channel> = request.channels.clone().unwrap_or_else(|| level.channels());
    let mut seen = Vec::new();
    channels.retain(|channel| {
        let fresh = !seen.contains(channel);
        seen.push(*channel);
        fresh
    });
    let groups = group_by_recipient(partner, &covered);
    let mut missing = Vec::new();
    for channel in &channels {
        for group in &groups {
            let (what, value) = address_for(*channel, group.contact);
            if value.is_none() {
                missing.push(format!(
                    "{} needs {what} and {} has none",
                    channel.as_str(),
                    group.source
                ));
            }
        }
    }
    if !missing.is_empty() {
        return Err(Error::new(
            ErrorKind::MissingContact,
            format!(
                "partner '{}' ({}): {}",
                partner.id,
                partner.name,
                missing.join("; ")
            ),
        ));
    }

    // Step 4: one message per channel (and recipient), then the task. The texts may
    // name the next reminder date (step 6), known already.
    let next = add_days(today, reminder_interval(policy, level_index));
    let mut messages = Vec::new();
    for channel in &channels {
        let base = keys::reminder(&company.id, &partner.id, &level.id, today, channel.as_str());
        for group in &groups {
            let (_, to) = address_for(*channel, group.contact);
            let scene = Scene {
                company,
                partner,
                level,
                recipient: group.contact,
                items: &group.items,
                today,
                next_reminder: Some(next),
            };
            let content = content::message(policy, level_index, *channel, &scene)?;
            let attach = if level.join_invoices && *channel != Channel::Sms {
                document::ordered(&group.items)
                    .iter()
                    .map(|item| item.id.clone())
                    .collect()
            } else {
                Vec::new()
            };
            messages.push(Message {
                key: if group.default {
                    base.clone()
                } else {
                    keys::with_item(&base, &group.items[0].id)
                },
                channel: *channel,
                partner: partner.id.clone(),
                level: level.id.clone(),
                date: today,
                lang: content.lang,
                recipient: group.contact.clone(),
                to: to.unwrap_or_default(),
                subject: content.subject,
                text: content.text,
                html: content.html,
                items: group.items.iter().map(|item| item.id.clone()).collect(),
                attach,
                attachments: content.attachments,
            });
        }
    }
    for message in &messages {
        host.send(message).map_err(|reason| {
            Error::new(
                ErrorKind::DeliveryFailed,
                format!(
                    "partner '{}': the {} to {} was not delivered: {reason}",
                    partner.id,
                    message.channel.as_str(),
                    message.to
                ),
            )
        })?;
    }
    let task = level.manual_action.as_ref().map(|action| Task {
        key: keys::reminder(&company.id, &partner.id, &level.id, today, "task"),
        partner: partner.id.clone(),
        level: level.id.clone(),
        date: today,
        note: action.note.clone(),
        responsible: action.responsible.clone(),
        items: covered.iter().map(|item| item.id.clone()).collect(),
    });
    if let Some(task) = &task {
        host.schedule_task(task);
    }

    // Step 5: chatter on the partner and on each covered invoice.
    let sent: Vec<(Channel, String)> = messages.iter().map(|m| (m.channel, m.to.clone())).collect();
    host.log(&ChatterEntry {
        target: Target::Partner(partner.id.clone()),
        date: today,
        body: content::partner_log(
            level,
            &sent,
            task.as_ref().map(|t| t.responsible.as_str()),
            &covered,
        ),
    });
    let item_body = content::item_log(level, &channels, today);
    for item in &covered {
        host.log(&ChatterEntry {
            target: Target::Item(item.id.clone()),
            date: today,
            body: item_body.clone(),
        });
    }

    // Step 6: the next reminder date.
    host.set_next_reminder(&partner.id, Some(next));
    host.log(&ChatterEntry {
        target: Target::Partner(partner.id.clone()),
        date: today,
        body: content::next_reminder_log(next),
    });

    // Step 7: each covered item reaches the highest level it qualifies for.
    let ceiling = i64::from(level.delay_days);
    for item in &covered {
        let Some(due) = item.due_date else { continue };
        let age = report::days_between(due, today);
        if let Some(reached) = policy.last_at_most(ceiling.min(age))
            && item.level != Some(reached)
        {
            host.set_item_level(&item.id, Some(&policy.level(reached).id));
        }
    }

    let how = if channels.is_empty() {
        "no message".to_string()
    } else {
        channels
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Ok(ProcessOutcome {
        partner: partner.id.clone(),
        did_something: true,
        level: Some(level.id.clone()),
        messages: messages.into_iter().map(|m| m.key).collect(),
        task: task.map(|t| t.key),
        items: covered.iter().map(|item| item.id.clone()).collect(),
        next_reminder: Some(next),
        note: format!(
            "Executed '{}' for partner '{}' ({how}); next reminder on {next}.",
            level.name, partner.id
        ),
    })
}

/// The follow-up letter of a partner as "Print Letter" makes it from the report: written
/// for the partner's level (the first level when it has none), addressed to the
/// follow-up contact or the partner, listing the items a reminder would cover (every
/// open item owed by the customer, excluded ones left out, when none is to be chased).
/// Nothing is sent, logged or written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Letter {
    /// Partner id.
    pub partner: String,
    /// Id of the level whose wording is used.
    pub level: String,
    /// Language tag of the text.
    pub lang: String,
    /// Subject line.
    pub subject: String,
    /// The letter as plain text.
    pub text: String,
    /// The letter as HTML.
    pub html: String,
    /// Ids of the items it shows.
    pub items: Vec<String>,
    /// The PDF letter.
    pub pdf: crate::ports::Attachment,
}

/// Makes the follow-up letter of one partner (see [`Letter`]).
pub fn letter(
    company: &Company,
    policy: &Policy,
    ledger: &mut impl crate::ports::Ledger,
    today: NaiveDate,
    partner_id: &str,
) -> Result<Letter, Error> {
    let account = load::account(ledger, company, policy, partner_id)?;
    let partner = &account.partner;
    let standing = standing::assess(policy, partner, &account.items, today);
    let Some(level_index) = standing
        .level
        .or((!policy.levels().is_empty()).then_some(0))
    else {
        return Err(Error::invalid_policy(format!(
            "partner '{}': the policy has no levels, so there is no letter to write",
            partner.id
        )));
    };
    let chased: Vec<&Item> = account
        .items
        .iter()
        .zip(&standing.items)
        .filter(|(_, s)| s.chased)
        .map(|(item, _)| item)
        .collect();
    let items: Vec<&Item> = if chased.is_empty() {
        account
            .items
            .iter()
            .filter(|item| !item.excluded && item.residual.is_sign_positive())
            .collect()
    } else {
        chased
    };
    if items.is_empty() {
        return Err(Error::not_found(format!(
            "partner '{}' has no open item owed to show in a letter",
            partner.id
        )));
    }
    let level = policy.level(level_index);
    let recipient = partner.followup_contact.as_ref().unwrap_or(&partner.own);
    let scene = Scene {
        company,
        partner,
        level,
        recipient,
        items: &items,
        today,
        next_reminder: Some(add_days(today, reminder_interval(policy, level_index))),
    };
    let mut content = content::letter(policy, level_index, &scene)?;
    let pdf = content.attachments.pop().ok_or_else(|| {
        Error::invalid_policy(format!("partner '{}': the letter has no PDF", partner.id))
    })?;
    Ok(Letter {
        partner: partner.id.clone(),
        level: level.id.clone(),
        lang: content.lang,
        subject: content.subject,
        text: content.text,
        html: content.html.unwrap_or_default(),
        items: document::ordered(&items)
            .iter()
            .map(|item| item.id.clone())
            .collect(),
        pdf,
    })
}
