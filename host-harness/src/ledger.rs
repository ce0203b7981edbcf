//! `MemLedger`: the in-memory ledger behind the component's imports.
//!
//! It stores the WIT records as given (no validation: that is the engine's `check`),
//! serves them in pages, applies the engine's few writes, delivers messages (refusing
//! the reserved `.invalid` email domain) and records every delivered message, task and
//! chatter entry in order. Collections sit behind `Arc`s, so a clone is a cheap
//! snapshot and the first write after it copies only the collection it touches.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::Arc;

use crate::runtime::{Ending, TenantLedger};
use crate::wit::chatter::{self, Entry, Task};
use crate::wit::ledger::{self as ledger_wit, ItemPage, PartnerPage};
use crate::wit::messaging::{self, Message};
use crate::wit::types::{self, Channel, Company, Level, OpenItem, Partner, Trust};

/// The largest page the ledger serves, whatever `limit` the guest asks for.
pub const MAX_PAGE: u32 = 1000;

/// A record's position: its id, and a counter that keeps records with a repeated id
/// apart (so the engine's `check` can see and refuse the repetition).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    id: String,
    dup: u32,
}

impl Key {
    /// The paging cursor of this record: its id (plus the counter for a repeated id).
    fn cursor(&self) -> String {
        if self.dup == 0 {
            self.id.clone()
        } else {
            format!("{}\u{0}{}", self.id, self.dup)
        }
    }

    /// Reads a cursor written by [`Key::cursor`].
    fn from_cursor(cursor: &str) -> Key {
        match cursor.split_once('\u{0}') {
            Some((id, dup)) => Key {
                id: id.to_string(),
                dup: dup.parse().unwrap_or(u32::MAX),
            },
            None => Key {
                id: cursor.to_string(),
                dup: 0,
            },
        }
    }

    /// The first key for `id`.
    fn first(id: &str) -> Key {
        Key {
            id: id.to_string(),
            dup: 0,
        }
    }
}

/// The stored data: company, policy, partners and open items (no history).
#[derive(Clone, Debug)]
pub struct LedgerState {
    company: Arc<Company>,
    levels: Arc<Vec<Level>>,
    partners: Arc<BTreeMap<Key, Partner>>,
    items: Arc<BTreeMap<Key, OpenItem>>,
    /// Partner id -> keys of its items (derived from `items`).
    by_partner: Arc<BTreeMap<String, BTreeSet<Key>>>,
}

impl PartialEq for LedgerState {
    fn eq(&self, other: &Self) -> bool {
        fn same<T: PartialEq>(a: &Arc<T>, b: &Arc<T>) -> bool {
            Arc::ptr_eq(a, b) || **a == **b
        }
        same(&self.company, &other.company)
            && same(&self.levels, &other.levels)
            && same(&self.partners, &other.partners)
            && same(&self.items, &other.items)
    }
}

impl LedgerState {
    /// Names the first record that differs between `self` and `other`, if any.
    pub fn first_difference(&self, other: &LedgerState) -> Option<String> {
        if self.company != other.company {
            return Some("the company changed".into());
        }
        if self.levels != other.levels {
            return Some("the policy changed".into());
        }
        if let Some(what) = first_diff(&self.partners, &other.partners, "partner") {
            return Some(what);
        }
        first_diff(&self.items, &other.items, "item")
    }
}

/// Describes the first key whose record differs between two maps.
fn first_diff<T: PartialEq + std::fmt::Debug>(
    a: &BTreeMap<Key, T>,
    b: &BTreeMap<Key, T>,
    what: &str,
) -> Option<String> {
    let keys: BTreeSet<&Key> = a.keys().chain(b.keys()).collect();
    keys.into_iter().find_map(|k| match (a.get(k), b.get(k)) {
        (Some(x), Some(y)) if x == y => None,
        (Some(x), Some(y)) => Some(format!("{what} {} changed: {x:?} -> {y:?}", k.id)),
        (Some(_), None) => Some(format!("{what} {} was removed", k.id)),
        (None, _) => Some(format!("{what} {} was added", k.id)),
    })
}

/// What the engine did through the imports: messages delivered, tasks, chatter.
#[derive(Clone, Debug, Default)]
struct Log {
    sent: Arc<Vec<Message>>,
    tasks: Arc<Vec<Task>>,
    chatter: Arc<Vec<Entry>>,
}

/// Positions in the ledger's history, to read what happened after them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    sent: usize,
    tasks: usize,
    chatter: usize,
}

/// An in-memory ledger implementing the `ledger`, `messaging` and `chatter` imports.
#[derive(Clone, Debug)]
pub struct MemLedger {
    state: LedgerState,
    log: Log,
    /// When set, every write import traps (a store that cannot take writes).
    fail_writes: bool,
}

impl Default for MemLedger {
    fn default() -> Self {
        MemLedger::new(
            Company {
                id: String::new(),
                name: String::new(),
                currency: String::new(),
                lang: None,
                email: None,
                phone: None,
                address: None,
            },
            Vec::new(),
        )
    }
}

impl MemLedger {
    /// An empty ledger of `company` with the follow-up policy `levels`.
    pub fn new(company: Company, levels: Vec<Level>) -> Self {
        MemLedger {
            state: LedgerState {
                company: Arc::new(company),
                levels: Arc::new(levels),
                partners: Arc::default(),
                items: Arc::default(),
                by_partner: Arc::default(),
            },
            log: Log::default(),
            fail_writes: false,
        }
    }

    /// Makes every write import (ledger writes, chatter, tasks) trap, as a host whose
    /// store cannot take writes must; reads and deliveries still work.
    pub fn set_fail_writes(&mut self, fail: bool) {
        self.fail_writes = fail;
    }

    /// Traps when writes are failing.
    fn writable(&self, write: &str) -> wasmtime::Result<()> {
        if self.fail_writes {
            Err(wasmtime::Error::msg(format!(
                "{write}: the ledger cannot store writes"
            )))
        } else {
            Ok(())
        }
    }

    /// The stored data, comparable with a snapshot's.
    pub fn state(&self) -> &LedgerState {
        &self.state
    }

    /// The company whose ledger this is.
    pub fn company(&self) -> &Company {
        &self.state.company
    }

    /// Replaces the company record (its language and letterhead, say).
    pub fn set_company(&mut self, company: Company) {
        self.state.company = Arc::new(company);
    }

    /// The follow-up levels, as stored.
    pub fn levels(&self) -> &[Level] {
        &self.state.levels
    }

    /// Adds a partner (a repeated id is kept beside the first one, for `check` to refuse).
    pub fn insert_partner(&mut self, partner: Partner) {
        let key = next_key(&self.state.partners, &partner.id);
        Arc::make_mut(&mut self.state.partners).insert(key, partner);
    }

    /// Adds an open item (a repeated id is kept beside the first one).
    pub fn insert_item(&mut self, item: OpenItem) {
        let key = next_key(&self.state.items, &item.id);
        Arc::make_mut(&mut self.state.by_partner)
            .entry(item.partner.clone())
            .or_default()
            .insert(key.clone());
        Arc::make_mut(&mut self.state.items).insert(key, item);
    }

    /// Removes an open item (the first with that id); returns it if it existed.
    pub fn remove_item(&mut self, id: &str) -> Option<OpenItem> {
        let key = Key::first(id);
        let item = Arc::make_mut(&mut self.state.items).remove(&key)?;
        let index = Arc::make_mut(&mut self.state.by_partner);
        if let Some(keys) = index.get_mut(&item.partner) {
            keys.remove(&key);
            if keys.is_empty() {
                index.remove(&item.partner);
            }
        }
        Some(item)
    }

    /// One partner by id.
    pub fn partner(&self, id: &str) -> Option<&Partner> {
        self.state.partners.get(&Key::first(id))
    }

    /// One open item by id.
    pub fn item(&self, id: &str) -> Option<&OpenItem> {
        self.state.items.get(&Key::first(id))
    }

    /// Every partner, by id.
    pub fn partners(&self) -> impl Iterator<Item = &Partner> {
        self.state.partners.values()
    }

    /// Every open item, by id.
    pub fn items(&self) -> impl Iterator<Item = &OpenItem> {
        self.state.items.values()
    }

    /// Changes one open item in place; false if there is no such item. The item's
    /// partner must not change.
    pub fn update_item(&mut self, id: &str, change: impl FnOnce(&mut OpenItem)) -> bool {
        let Some(item) = Arc::make_mut(&mut self.state.items).get_mut(&Key::first(id)) else {
            return false;
        };
        let partner = item.partner.clone();
        change(item);
        item.partner = partner;
        true
    }

    /// Changes one partner in place; false if there is no such partner. Its id must
    /// not change.
    pub fn update_partner(&mut self, id: &str, change: impl FnOnce(&mut Partner)) -> bool {
        let Some(partner) = Arc::make_mut(&mut self.state.partners).get_mut(&Key::first(id)) else {
            return false;
        };
        change(partner);
        partner.id = id.to_string();
        true
    }

    /// The current end of the history.
    pub fn mark(&self) -> Mark {
        Mark {
            sent: self.log.sent.len(),
            tasks: self.log.tasks.len(),
            chatter: self.log.chatter.len(),
        }
    }

    /// Every delivered message, in order.
    pub fn sent(&self) -> &[Message] {
        &self.log.sent
    }

    /// Every task scheduled, in order.
    pub fn tasks(&self) -> &[Task] {
        &self.log.tasks
    }

    /// Every chatter entry logged, in order.
    pub fn chatter(&self) -> &[Entry] {
        &self.log.chatter
    }

    /// The messages delivered since `mark`.
    pub fn sent_since(&self, mark: Mark) -> &[Message] {
        self.log.sent.get(mark.sent..).unwrap_or_default()
    }

    /// The tasks scheduled since `mark`.
    pub fn tasks_since(&self, mark: Mark) -> &[Task] {
        self.log.tasks.get(mark.tasks..).unwrap_or_default()
    }

    /// The chatter entries logged since `mark`.
    pub fn chatter_since(&self, mark: Mark) -> &[Entry] {
        self.log.chatter.get(mark.chatter..).unwrap_or_default()
    }

    /// Why the ledger would not deliver `message`, if it would not: the reference host
    /// refuses email to the reserved `.invalid` domain (RFC 2606).
    pub fn refusal(message: &Message) -> Option<String> {
        let to = message.to.trim().trim_end_matches('>').to_ascii_lowercase();
        (message.channel == Channel::Email && to.ends_with(".invalid")).then(|| {
            format!(
                "cannot deliver to {}: the .invalid domain is reserved (RFC 2606)",
                message.to
            )
        })
    }

    /// A write the ledger cannot store: traps the guest.
    fn unknown(what: &str, id: &str, write: &str) -> wasmtime::Error {
        wasmtime::Error::msg(format!("{write}: the ledger has no {what} {id:?}"))
    }
}

/// The key for one more record with `id`.
fn next_key<T>(map: &BTreeMap<Key, T>, id: &str) -> Key {
    let dup = map
        .range(Key::first(id)..)
        .take_while(|(k, _)| k.id == id)
        .map(|(k, _)| k.dup + 1)
        .last()
        .unwrap_or(0);
    Key {
        id: id.to_string(),
        dup,
    }
}

/// Up to `limit` records after `cursor`, and the cursor of the next page.
fn page<'a, T: Clone + 'a>(
    records: impl Iterator<Item = (&'a Key, &'a T)>,
    limit: u32,
) -> (Vec<T>, Option<String>) {
    let limit = limit.clamp(1, MAX_PAGE) as usize;
    let mut out = Vec::new();
    let mut last = None;
    let mut records = records.peekable();
    while out.len() < limit {
        let Some((key, record)) = records.next() else {
            break;
        };
        out.push(record.clone());
        last = Some(key);
    }
    let next = match (records.peek(), last) {
        (Some(_), Some(key)) => Some(key.cursor()),
        _ => None,
    };
    (out, next)
}

/// The range of keys after `cursor` (all keys when there is none).
fn after(cursor: Option<&str>) -> (Bound<Key>, Bound<Key>) {
    match cursor {
        Some(c) => (Bound::Excluded(Key::from_cursor(c)), Bound::Unbounded),
        None => (Bound::Unbounded, Bound::Unbounded),
    }
}

impl TenantLedger for MemLedger {
    /// The ledger before the call (a clone is cheap: collections are shared).
    type Undo = MemLedger;

    fn begin(&mut self) -> anyhow::Result<MemLedger> {
        Ok(self.clone())
    }

    /// A trapped call is undone; a refusal keeps what was delivered before it (the
    /// messages of a reminder whose later channel failed were really sent).
    fn end(&mut self, before: MemLedger, ending: Ending) -> anyhow::Result<()> {
        if ending == Ending::Trapped {
            *self = before;
        }
        Ok(())
    }
}

impl types::Host for MemLedger {}

impl ledger_wit::Host for MemLedger {
    fn get_company(&mut self) -> wasmtime::Result<Company> {
        Ok((*self.state.company).clone())
    }

    fn get_levels(&mut self) -> wasmtime::Result<Vec<Level>> {
        Ok((*self.state.levels).clone())
    }

    fn get_partner(&mut self, id: String) -> wasmtime::Result<Option<Partner>> {
        Ok(self.partner(&id).cloned())
    }

    fn list_partners(
        &mut self,
        cursor: Option<String>,
        limit: u32,
    ) -> wasmtime::Result<PartnerPage> {
        let (partners, next) = page(self.state.partners.range(after(cursor.as_deref())), limit);
        Ok(PartnerPage { partners, next })
    }

    fn get_item(&mut self, id: String) -> wasmtime::Result<Option<OpenItem>> {
        Ok(self.item(&id).cloned())
    }

    fn list_items(
        &mut self,
        partner: Option<String>,
        cursor: Option<String>,
        limit: u32,
    ) -> wasmtime::Result<ItemPage> {
        let range = after(cursor.as_deref());
        let (items, next) = match partner {
            None => page(self.state.items.range(range), limit),
            Some(partner) => match self.state.by_partner.get(&partner) {
                None => (Vec::new(), None),
                Some(keys) => {
                    let items = &self.state.items;
                    page(
                        keys.range(range)
                            .filter_map(|k| items.get(k).map(|i| (k, i))),
                        limit,
                    )
                }
            },
        };
        Ok(ItemPage { items, next })
    }

    fn set_item_level(&mut self, item: String, level: Option<String>) -> wasmtime::Result<()> {
        self.writable("set-item-level")?;
        if self.update_item(&item, |i| i.level = level) {
            Ok(())
        } else {
            Err(MemLedger::unknown("item", &item, "set-item-level"))
        }
    }

    fn set_next_reminder(&mut self, partner: String, date: Option<String>) -> wasmtime::Result<()> {
        self.writable("set-next-reminder")?;
        if self.update_partner(&partner, |p| p.next_reminder = date) {
            Ok(())
        } else {
            Err(MemLedger::unknown("partner", &partner, "set-next-reminder"))
        }
    }

    fn set_excluded(&mut self, item: String, excluded: bool) -> wasmtime::Result<()> {
        self.writable("set-excluded")?;
        if self.update_item(&item, |i| i.excluded = excluded) {
            Ok(())
        } else {
            Err(MemLedger::unknown("item", &item, "set-excluded"))
        }
    }

    fn set_trust(&mut self, partner: String, trust: Trust) -> wasmtime::Result<()> {
        self.writable("set-trust")?;
        if self.update_partner(&partner, |p| p.trust = trust) {
            Ok(())
        } else {
            Err(MemLedger::unknown("partner", &partner, "set-trust"))
        }
    }
}

impl messaging::Host for MemLedger {
    fn send(&mut self, message: Message) -> wasmtime::Result<Result<(), String>> {
        if let Some(reason) = MemLedger::refusal(&message) {
            return Ok(Err(reason));
        }
        Arc::make_mut(&mut self.log.sent).push(message);
        Ok(Ok(()))
    }
}

impl chatter::Host for MemLedger {
    fn log(&mut self, entry: Entry) -> wasmtime::Result<()> {
        self.writable("log")?;
        Arc::make_mut(&mut self.log.chatter).push(entry);
        Ok(())
    }

    fn schedule_task(&mut self, task: Task) -> wasmtime::Result<()> {
        self.writable("schedule-task")?;
        Arc::make_mut(&mut self.log.tasks).push(task);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wit::ledger::Host as _;
    use crate::wit::messaging::Host as _;
    use crate::wit::types::{Contact, ReminderMode};

    fn company() -> Company {
        Company {
            id: "main".into(),
            name: "Acme".into(),
            currency: "EUR".into(),
            lang: None,
            email: None,
            phone: None,
            address: None,
        }
    }

    fn partner(id: &str) -> Partner {
        Partner {
            id: id.into(),
            name: id.to_uppercase(),
            lang: None,
            trust: Trust::Normal,
            email: None,
            phone: None,
            address: None,
            followup_contact: None,
            reminders: ReminderMode::Automatic,
            next_reminder: None,
        }
    }

    fn item(id: &str, partner: &str) -> OpenItem {
        OpenItem {
            id: id.into(),
            partner: partner.into(),
            number: None,
            invoice_date: "2024-01-01".into(),
            due_date: Some("2024-01-31".into()),
            amount: "10.00".into(),
            residual: "10.00".into(),
            currency: None,
            excluded: false,
            level: None,
            contact: None,
        }
    }

    fn message(to: &str) -> Message {
        Message {
            key: "k".into(),
            channel: Channel::Email,
            partner: "p".into(),
            level: "l".into(),
            date: "2024-02-01".into(),
            lang: "en".into(),
            recipient: Contact {
                name: "P".into(),
                email: Some(to.into()),
                phone: None,
                address: None,
            },
            to: to.into(),
            subject: "s".into(),
            text: "t".into(),
            html: None,
            items: vec![],
            attach: vec![],
            attachments: vec![],
        }
    }

    fn ledger() -> MemLedger {
        let mut l = MemLedger::new(company(), vec![]);
        for p in ["a", "b", "c"] {
            l.insert_partner(partner(p));
        }
        for (i, p) in [
            ("i1", "a"),
            ("i2", "b"),
            ("i3", "a"),
            ("i4", "a"),
            ("i5", "c"),
        ] {
            l.insert_item(item(i, p));
        }
        l
    }

    #[test]
    fn pages_follow_the_cursor() {
        let mut l = ledger();
        let first = l.list_items(Some("a".into()), None, 2).unwrap();
        let ids: Vec<_> = first.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["i1", "i3"]);
        assert_eq!(first.next.as_deref(), Some("i3"));
        let second = l.list_items(Some("a".into()), first.next, 2).unwrap();
        let ids: Vec<_> = second.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["i4"]);
        assert_eq!(second.next, None);
        let all = l.list_partners(None, 10).unwrap();
        assert_eq!(all.partners.len(), 3);
        assert_eq!(all.next, None);
        assert!(
            l.list_items(Some("zz".into()), None, 5)
                .unwrap()
                .items
                .is_empty()
        );
    }

    #[test]
    fn repeated_ids_are_kept_and_paged() {
        let mut l = ledger();
        l.insert_item(item("i1", "b"));
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = l.list_items(None, cursor, 1).unwrap();
            seen.extend(page.items.into_iter().map(|i| i.id));
            cursor = page.next;
            if cursor.is_none() {
                break;
            }
        }
        assert_eq!(seen, ["i1", "i1", "i2", "i3", "i4", "i5"]);
    }

    #[test]
    fn snapshots_are_independent_and_comparable() {
        let mut l = ledger();
        let snapshot = l.clone();
        assert_eq!(l.state(), snapshot.state());
        l.set_item_level("i1".into(), Some("first".into())).unwrap();
        assert_ne!(l.state(), snapshot.state());
        assert!(snapshot.item("i1").unwrap().level.is_none());
        let diff = snapshot.state().first_difference(l.state()).unwrap();
        assert!(diff.contains("item i1"), "{diff}");
        assert!(l.set_item_level("nope".into(), None).is_err());
        assert!(l.remove_item("i2").is_some());
        assert!(
            l.list_items(Some("b".into()), None, 5)
                .unwrap()
                .items
                .is_empty()
        );
    }

    #[test]
    fn invalid_domain_is_refused_and_not_recorded() {
        let mut l = ledger();
        assert!(l.send(message("x@bad.invalid")).unwrap().is_err());
        assert!(l.sent().is_empty());
        let mark = l.mark();
        assert!(l.send(message("x@good.test")).unwrap().is_ok());
        assert_eq!(l.sent_since(mark).len(), 1);
    }
}
