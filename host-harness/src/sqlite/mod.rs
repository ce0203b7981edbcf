//! `SqliteLedger`: a tenant's ledger in a SQLite database file of its own.
//!
//! One database per tenant ([`schema`]: company, policy, partners, open items with their
//! follow-up state, chatter, tasks and an outbox; versioned migrations). It implements
//! the same imports as [`MemLedger`] and behaves as it does — the same pages and cursors,
//! the same traps for writes to unknown ids, the same refusal of `.invalid` email — with
//! two differences that come from storage:
//!
//! * **Transactions.** Each call is one transaction ([`TenantLedger`]): `begin` is
//!   `BEGIN IMMEDIATE`, and `end` commits a call that returned a value and rolls back
//!   one that was refused or trapped. The multi-tenant runner processes one partner per
//!   call, so all of one partner's processing — its outbox rows included — commits at
//!   once or not at all: a crash never leaves a reminder half recorded.
//! * **An outbox.** `messaging.send` does not deliver: it inserts the message into the
//!   outbox, keyed by its idempotency key (a repeat of a key is accepted and not stored
//!   twice). Delivery is a later step of its own ([`SqliteLedger::deliver`]). Since
//!   nothing has left the host while the call runs, a refusal can undo everything the
//!   call did, messages included; the in-memory ledger, which delivers at once, keeps
//!   the messages sent before a refusal instead.
//!
//! [`SqliteLedger::import`] loads a [`MemLedger`] (a conformance case, a CSV set, a
//! generated ledger); [`SqliteLedger::to_mem`] reads everything back into one, for
//! comparisons. Docs: `docs/sqlite.md`.

mod codec;
mod deliver;
pub mod run;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use rusqlite::{Connection, OptionalExtension as _, params};

use crate::ledger::{MAX_PAGE, MemLedger};
use crate::runtime::{Ending, TenantLedger};
use crate::wit::chatter::{self, Entry, Task};
use crate::wit::ledger::{self as ledger_wit, ItemPage, PartnerPage};
use crate::wit::messaging::{self, Message};
use crate::wit::types::{self, Attachment, Company, Level, OpenItem, Partner, Trust};
use codec::*;
pub use deliver::{Deliverer, Delivery, FolderDeliverer};

/// One row of the outbox: a message and whether it was delivered.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    /// The message as the engine sent it.
    pub message: Message,
    /// Delivery marked it delivered.
    pub delivered: bool,
}

/// A tenant's ledger in a SQLite database (see the module's documentation).
///
/// The default value holds no database: every import traps on it. It exists because a
/// store takes the ledger by value for the length of a call.
#[derive(Default)]
pub struct SqliteLedger {
    db: Option<Db>,
}

struct Db {
    conn: Connection,
    path: PathBuf,
    /// Test hook: the number of writes that succeed before every further one traps.
    fail_writes_after: Option<usize>,
}

impl std::fmt::Debug for SqliteLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.db {
            Some(db) => write!(f, "SqliteLedger({})", db.path.display()),
            None => f.write_str("SqliteLedger(none)"),
        }
    }
}

/// How long a call waits for another connection's write lock on the same database.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

impl SqliteLedger {
    /// Opens (creating it if needed) the database at `path` and brings its schema up to
    /// date. WAL journal, `synchronous = FULL`: a committed call survives a crash of the
    /// process and of the machine.
    pub fn open(path: &Path) -> anyhow::Result<SqliteLedger> {
        let mut conn =
            Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.set_prepared_statement_cache_capacity(64);
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        schema::migrate(&mut conn).with_context(|| format!("migrating {}", path.display()))?;
        Ok(SqliteLedger {
            db: Some(Db {
                conn,
                path: path.to_path_buf(),
                fail_writes_after: None,
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> Option<&Path> {
        self.db.as_ref().map(|db| db.path.as_path())
    }

    /// The open connection.
    fn conn(&self) -> anyhow::Result<&Connection> {
        match &self.db {
            Some(db) => Ok(&db.conn),
            None => bail!("no database is open"),
        }
    }

    /// The database's schema version (the number of migrations applied).
    pub fn schema_version(&self) -> anyhow::Result<u32> {
        Ok(schema::version(self.conn()?)?)
    }

    /// Whether the database holds no ledger yet (no company, partner or item).
    pub fn is_empty(&self) -> anyhow::Result<bool> {
        let conn = self.conn()?;
        let rows: i64 = conn.query_row(
            "SELECT (SELECT count(*) FROM company) + (SELECT count(*) FROM partners) \
             + (SELECT count(*) FROM items) + (SELECT count(*) FROM outbox)",
            [],
            |row| row.get(0),
        )?;
        Ok(rows == 0)
    }

    /// The tenant's company, if the database holds a ledger.
    pub fn company(&self) -> anyhow::Result<Option<Company>> {
        Ok(self
            .conn()?
            .query_row(
                &format!("SELECT {COMPANY_COLUMNS} FROM company WHERE singleton = 1"),
                [],
                company_of,
            )
            .optional()?)
    }

    /// Test hook: after `writes` more successful writes (ledger writes, chatter, tasks —
    /// not `send`, as with [`MemLedger::set_fail_writes`]) every write traps, as a store
    /// that cannot take writes must. `None` lifts it.
    pub fn fail_writes_after(&mut self, writes: Option<usize>) {
        if let Some(db) = &mut self.db {
            db.fail_writes_after = writes;
        }
    }

    /// Replaces the whole database content with `ledger` (company, policy, partners,
    /// items; its history is not imported), in one transaction: a failed import leaves
    /// the database as it was. A database that holds a ledger is refused unless
    /// `replace`.
    pub fn import(&mut self, ledger: &MemLedger, replace: bool) -> anyhow::Result<()> {
        if !replace && !self.is_empty()? {
            bail!("the database already holds a ledger (replace it with --replace)");
        }
        let db = self.db.as_mut().context("no database is open")?;
        let tx = db.conn.transaction()?;
        tx.execute_batch(
            "DELETE FROM outbox_attachments; DELETE FROM outbox; DELETE FROM tasks; \
             DELETE FROM chatter; DELETE FROM items; DELETE FROM partners; \
             DELETE FROM level_templates; DELETE FROM levels; DELETE FROM company;",
        )?;
        insert(
            &tx,
            &format!("INSERT INTO company (singleton, {COMPANY_COLUMNS})"),
            &[vec![1i64.into()], company_values(ledger.company())].concat(),
        )?;
        for (at, level) in ledger.levels().iter().enumerate() {
            insert(
                &tx,
                &format!("INSERT INTO levels ({LEVEL_COLUMNS})"),
                &level_values(at, level),
            )?;
            for (n, template) in level.templates.iter().enumerate() {
                insert(
                    &tx,
                    &format!("INSERT INTO level_templates ({TEMPLATE_COLUMNS})"),
                    &template_values(at, n, template),
                )?;
            }
        }
        let mut dups = Dups::default();
        for partner in ledger.partners() {
            insert(
                &tx,
                &format!("INSERT INTO partners ({PARTNER_COLUMNS})"),
                &partner_values(dups.next(&partner.id), partner),
            )?;
        }
        let mut dups = Dups::default();
        for item in ledger.items() {
            insert(
                &tx,
                &format!("INSERT INTO items ({ITEM_COLUMNS})"),
                &item_values(dups.next(&item.id), item),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Creates (or, with `replace`, overwrites) the database at `path` holding `ledger`.
    pub fn create(path: &Path, ledger: &MemLedger, replace: bool) -> anyhow::Result<SqliteLedger> {
        let mut db = SqliteLedger::open(path)?;
        db.import(ledger, replace)
            .with_context(|| format!("importing into {}", path.display()))?;
        Ok(db)
    }

    /// Everything the database holds, as an in-memory ledger: company, policy, partners,
    /// items, and as its history the outbox (in the order sent), the tasks and the
    /// chatter. For comparisons with a [`MemLedger`] that ran the same calls.
    pub fn to_mem(&self) -> anyhow::Result<MemLedger> {
        use crate::wit::chatter::Host as _;
        use crate::wit::messaging::Host as _;
        let conn = self.conn()?;
        let mut mem = MemLedger::new(read_company(conn)?, read_levels(conn)?);
        let mut stmt = conn.prepare(&format!(
            "SELECT {PARTNER_COLUMNS} FROM partners ORDER BY id, dup"
        ))?;
        for row in stmt.query_map([], partner_of)? {
            mem.insert_partner(row?.1);
        }
        let mut stmt = conn.prepare(&format!(
            "SELECT {ITEM_COLUMNS} FROM items ORDER BY id, dup"
        ))?;
        for row in stmt.query_map([], item_of)? {
            mem.insert_item(row?.1);
        }
        for row in self.outbox()? {
            // Bypasses the refusal check: these were accepted when sent.
            mem.send(row.message)?.ok();
        }
        for task in self.tasks()? {
            mem.schedule_task(task)?;
        }
        for entry in self.chatter()? {
            mem.log(entry)?;
        }
        Ok(mem)
    }

    /// Every outbox row, in the order sent.
    pub fn outbox(&self) -> anyhow::Result<Vec<OutboxRow>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare("SELECT seq FROM outbox ORDER BY seq")?;
        let seqs: Vec<i64> = stmt
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        seqs.into_iter()
            .map(|seq| read_message(conn, seq))
            .collect()
    }

    /// Every task, in the order scheduled.
    pub fn tasks(&self) -> anyhow::Result<Vec<Task>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(&format!("SELECT {TASK_COLUMNS} FROM tasks ORDER BY seq"))?;
        let tasks = stmt
            .query_map([], task_of)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(tasks)
    }

    /// Every chatter entry, in the order logged.
    pub fn chatter(&self) -> anyhow::Result<Vec<Entry>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(&format!(
            "SELECT {CHATTER_COLUMNS} FROM chatter ORDER BY seq"
        ))?;
        let entries = stmt
            .query_map([], entry_of)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(entries)
    }

    /// Counts the next write; traps once the test hook's allowance is used up.
    fn writable(&mut self, write: &str) -> wasmtime::Result<&Connection> {
        let Some(db) = &mut self.db else {
            return Err(wasmtime::Error::msg(format!(
                "{write}: no database is open"
            )));
        };
        match &mut db.fail_writes_after {
            Some(0) => Err(wasmtime::Error::msg(format!(
                "{write}: the ledger cannot store writes"
            ))),
            Some(left) => {
                *left -= 1;
                Ok(&db.conn)
            }
            None => Ok(&db.conn),
        }
    }

    /// The connection for a read, or a trap.
    fn readable(&self, read: &str) -> wasmtime::Result<&Connection> {
        match &self.db {
            Some(db) => Ok(&db.conn),
            None => Err(wasmtime::Error::msg(format!("{read}: no database is open"))),
        }
    }
}

/// Numbers repeated ids in key order (0 for the first), as [`MemLedger`] keeps them.
#[derive(Default)]
struct Dups {
    last: Option<String>,
    count: u32,
}

impl Dups {
    fn next(&mut self, id: &str) -> u32 {
        if self.last.as_deref() == Some(id) {
            self.count += 1;
        } else {
            self.last = Some(id.to_string());
            self.count = 0;
        }
        self.count
    }
}

/// Runs `INSERT … (columns)` with one `VALUES` row of `values`.
fn insert(conn: &Connection, into: &str, values: &[rusqlite::types::Value]) -> anyhow::Result<()> {
    let sql = format!("{into} VALUES ({})", placeholders(values.len()));
    conn.prepare_cached(&sql)?
        .execute(params(values).as_slice())?;
    Ok(())
}

fn read_company(conn: &Connection) -> anyhow::Result<Company> {
    conn.query_row(
        &format!("SELECT {COMPANY_COLUMNS} FROM company WHERE singleton = 1"),
        [],
        company_of,
    )
    .optional()?
    .context("the database holds no ledger (import one with `followup-host tenant import`)")
}

fn read_levels(conn: &Connection) -> anyhow::Result<Vec<Level>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LEVEL_COLUMNS} FROM levels ORDER BY position"
    ))?;
    let mut levels: Vec<(i64, Level)> = stmt
        .query_map([], level_of)?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TEMPLATE_COLUMNS} FROM level_templates ORDER BY level, position"
    ))?;
    for row in stmt.query_map([], template_of)? {
        let (level, template) = row?;
        if let Some((_, l)) = levels.iter_mut().find(|(at, _)| *at == level) {
            l.templates.push(template);
        }
    }
    Ok(levels.into_iter().map(|(_, l)| l).collect())
}

fn read_message(conn: &Connection, seq: i64) -> anyhow::Result<OutboxRow> {
    let (mut message, delivered) = conn
        .prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS}, delivered FROM outbox WHERE seq = ?1"
        ))?
        .query_row([seq], |row| Ok((message_of(row)?, row.get::<_, bool>(19)?)))?;
    let mut stmt = conn.prepare_cached(
        "SELECT name, mime_type, content FROM outbox_attachments WHERE message = ?1 \
         ORDER BY position",
    )?;
    message.attachments = stmt
        .query_map([seq], |row| {
            Ok(Attachment {
                name: row.get(0)?,
                mime_type: row.get(1)?,
                content: row.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(OutboxRow { message, delivered })
}

/// A paging cursor as [`MemLedger`] writes it: the id, plus `\0` and the counter of a
/// repeated id.
fn cursor_of(id: &str, dup: u32) -> String {
    if dup == 0 {
        id.to_string()
    } else {
        format!("{id}\u{0}{dup}")
    }
}

/// Reads a cursor written by [`cursor_of`].
fn cursor_key(cursor: &str) -> (String, i64) {
    match cursor.split_once('\u{0}') {
        Some((id, dup)) => (id.to_string(), dup.parse().unwrap_or(i64::from(u32::MAX))),
        None => (cursor.to_string(), 0),
    }
}

/// Up to `limit` rows (clamped as [`MemLedger`] does), and the cursor of the next page.
fn page<T>(
    conn: &Connection,
    sql: &str,
    args: &[&dyn rusqlite::ToSql],
    limit: u32,
    read: fn(&rusqlite::Row<'_>) -> rusqlite::Result<(u32, T)>,
    id: fn(&T) -> &str,
) -> wasmtime::Result<(Vec<T>, Option<String>)> {
    let limit = limit.clamp(1, MAX_PAGE) as usize;
    let mut stmt = conn.prepare_cached(sql).map_err(trap)?;
    let mut rows = stmt.query(args).map_err(trap)?;
    let mut out = Vec::new();
    let mut last = None;
    let mut more = false;
    while let Some(row) = rows.next().map_err(trap)? {
        if out.len() == limit {
            more = true;
            break;
        }
        let (dup, record) = read(row).map_err(trap)?;
        last = Some(cursor_of(id(&record), dup));
        out.push(record);
    }
    Ok((out, if more { last } else { None }))
}

/// A storage failure as a trap: the call is aborted and its transaction rolled back.
fn trap(error: impl Into<anyhow::Error>) -> wasmtime::Error {
    let error: anyhow::Error = error.into();
    wasmtime::Error::msg(format!("the tenant database failed: {error:#}"))
}

/// A write to a record the ledger does not have: traps, as [`MemLedger`] does.
fn unknown(what: &str, id: &str, write: &str) -> wasmtime::Error {
    wasmtime::Error::msg(format!("{write}: the ledger has no {what} {id:?}"))
}

impl TenantLedger for SqliteLedger {
    /// Nothing: the database's transaction holds what a rollback needs.
    type Undo = ();

    /// `BEGIN IMMEDIATE`: takes the write lock now, so the call never fails halfway for
    /// want of it.
    fn begin(&mut self) -> anyhow::Result<()> {
        self.conn()?.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    /// Commits a call that returned a value; rolls back one that was refused or
    /// trapped. The outbox makes the refusal case safe: the call's messages were only
    /// queued, never delivered, so undoing them undoes nothing a customer saw.
    fn end(&mut self, _: (), ending: Ending) -> anyhow::Result<()> {
        let conn = self.conn()?;
        if ending == Ending::Done {
            match conn.execute_batch("COMMIT") {
                Ok(()) => return Ok(()),
                // Not committed: undo it, so that the next call starts clean.
                Err(error) => {
                    let _ = rollback(conn);
                    return Err(error).context("committing the call");
                }
            }
        }
        rollback(conn).context("rolling the call back")
    }
}

/// Rolls back the open transaction, if SQLite has not already (it does by itself on
/// some I/O errors).
fn rollback(conn: &Connection) -> rusqlite::Result<()> {
    if conn.is_autocommit() {
        Ok(())
    } else {
        conn.execute_batch("ROLLBACK")
    }
}

impl types::Host for SqliteLedger {}

impl ledger_wit::Host for SqliteLedger {
    fn get_company(&mut self) -> wasmtime::Result<Company> {
        read_company(self.readable("get-company")?).map_err(trap)
    }

    fn get_levels(&mut self) -> wasmtime::Result<Vec<Level>> {
        read_levels(self.readable("get-levels")?).map_err(trap)
    }

    fn get_partner(&mut self, id: String) -> wasmtime::Result<Option<Partner>> {
        let conn = self.readable("get-partner")?;
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {PARTNER_COLUMNS} FROM partners WHERE id = ?1 AND dup = 0"
            ))
            .map_err(trap)?;
        let found = stmt.query_row([&id], partner_of).optional().map_err(trap)?;
        Ok(found.map(|(_, p)| p))
    }

    fn list_partners(
        &mut self,
        cursor: Option<String>,
        limit: u32,
    ) -> wasmtime::Result<PartnerPage> {
        let conn = self.readable("list-partners")?;
        let fetch = i64::from(limit.clamp(1, MAX_PAGE)) + 1;
        let (partners, next) = match cursor {
            None => page(
                conn,
                &format!("SELECT {PARTNER_COLUMNS} FROM partners ORDER BY id, dup LIMIT ?1"),
                &[&fetch],
                limit,
                partner_of,
                |p| &p.id,
            )?,
            Some(cursor) => {
                let (id, dup) = cursor_key(&cursor);
                page(
                    conn,
                    &format!(
                        "SELECT {PARTNER_COLUMNS} FROM partners WHERE (id, dup) > (?1, ?2) \
                         ORDER BY id, dup LIMIT ?3"
                    ),
                    &[&id, &dup, &fetch],
                    limit,
                    partner_of,
                    |p| &p.id,
                )?
            }
        };
        Ok(PartnerPage { partners, next })
    }

    fn get_item(&mut self, id: String) -> wasmtime::Result<Option<OpenItem>> {
        let conn = self.readable("get-item")?;
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {ITEM_COLUMNS} FROM items WHERE id = ?1 AND dup = 0"
            ))
            .map_err(trap)?;
        let found = stmt.query_row([&id], item_of).optional().map_err(trap)?;
        Ok(found.map(|(_, i)| i))
    }

    fn list_items(
        &mut self,
        partner: Option<String>,
        cursor: Option<String>,
        limit: u32,
    ) -> wasmtime::Result<ItemPage> {
        let conn = self.readable("list-items")?;
        let fetch = i64::from(limit.clamp(1, MAX_PAGE)) + 1;
        // Without a cursor, start before every key: ("", -1) sorts first.
        let (id, dup) = cursor
            .as_deref()
            .map(cursor_key)
            .unwrap_or((String::new(), -1));
        let (items, next) = match partner {
            None => page(
                conn,
                &format!(
                    "SELECT {ITEM_COLUMNS} FROM items WHERE (id, dup) > (?1, ?2) \
                     ORDER BY id, dup LIMIT ?3"
                ),
                &[&id, &dup, &fetch],
                limit,
                item_of,
                |i| &i.id,
            )?,
            Some(partner) => page(
                conn,
                &format!(
                    "SELECT {ITEM_COLUMNS} FROM items WHERE partner = ?4 AND (id, dup) > (?1, ?2) \
                     ORDER BY id, dup LIMIT ?3"
                ),
                &[&id, &dup, &fetch, &partner],
                limit,
                item_of,
                |i| &i.id,
            )?,
        };
        Ok(ItemPage { items, next })
    }

    fn set_item_level(&mut self, item: String, level: Option<String>) -> wasmtime::Result<()> {
        let conn = self.writable("set-item-level")?;
        let changed = conn
            .prepare_cached("UPDATE items SET level = ?2 WHERE id = ?1 AND dup = 0")
            .and_then(|mut s| s.execute(params![item, level]))
            .map_err(trap)?;
        if changed == 0 {
            return Err(unknown("item", &item, "set-item-level"));
        }
        Ok(())
    }

    fn set_next_reminder(&mut self, partner: String, date: Option<String>) -> wasmtime::Result<()> {
        let conn = self.writable("set-next-reminder")?;
        let changed = conn
            .prepare_cached("UPDATE partners SET next_reminder = ?2 WHERE id = ?1 AND dup = 0")
            .and_then(|mut s| s.execute(params![partner, date]))
            .map_err(trap)?;
        if changed == 0 {
            return Err(unknown("partner", &partner, "set-next-reminder"));
        }
        Ok(())
    }

    fn set_excluded(&mut self, item: String, excluded: bool) -> wasmtime::Result<()> {
        let conn = self.writable("set-excluded")?;
        let changed = conn
            .prepare_cached("UPDATE items SET excluded = ?2 WHERE id = ?1 AND dup = 0")
            .and_then(|mut s| s.execute(params![item, excluded]))
            .map_err(trap)?;
        if changed == 0 {
            return Err(unknown("item", &item, "set-excluded"));
        }
        Ok(())
    }

    fn set_trust(&mut self, partner: String, trust: Trust) -> wasmtime::Result<()> {
        let conn = self.writable("set-trust")?;
        let changed = conn
            .prepare_cached("UPDATE partners SET trust = ?2 WHERE id = ?1 AND dup = 0")
            .and_then(|mut s| s.execute(params![partner, trust_name(trust)]))
            .map_err(trap)?;
        if changed == 0 {
            return Err(unknown("partner", &partner, "set-trust"));
        }
        Ok(())
    }
}

impl messaging::Host for SqliteLedger {
    /// Queues the message in the outbox (delivery comes later). A repeat of a key is
    /// accepted and not stored twice; email to the reserved `.invalid` domain is refused
    /// as [`MemLedger`] refuses it.
    fn send(&mut self, message: Message) -> wasmtime::Result<Result<(), String>> {
        if let Some(reason) = MemLedger::refusal(&message) {
            return Ok(Err(reason));
        }
        let conn = self.readable("send")?;
        let values = message_values(&message);
        let sql = format!(
            "INSERT INTO outbox ({MESSAGE_COLUMNS}) VALUES ({}) ON CONFLICT (key) DO NOTHING",
            placeholders(values.len())
        );
        let inserted = conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.execute(params(&values).as_slice()))
            .map_err(trap)?;
        if inserted == 1 {
            let seq = conn.last_insert_rowid();
            let mut stmt = conn
                .prepare_cached(
                    "INSERT INTO outbox_attachments (message, position, name, mime_type, \
                     content) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(trap)?;
            for (at, a) in message.attachments.iter().enumerate() {
                stmt.execute(params![seq, at as i64, a.name, a.mime_type, a.content])
                    .map_err(trap)?;
            }
        }
        Ok(Ok(()))
    }
}

impl chatter::Host for SqliteLedger {
    fn log(&mut self, entry: Entry) -> wasmtime::Result<()> {
        let conn = self.writable("log")?;
        insert(
            conn,
            &format!("INSERT INTO chatter ({CHATTER_COLUMNS})"),
            &entry_values(&entry),
        )
        .map_err(trap)
    }

    fn schedule_task(&mut self, task: Task) -> wasmtime::Result<()> {
        let conn = self.writable("schedule-task")?;
        insert(
            conn,
            &format!("INSERT INTO tasks ({TASK_COLUMNS})"),
            &task_values(&task),
        )
        .map_err(trap)
    }
}
