//! The tenant database's schema and its versioned migrations.
//!
//! The schema version is SQLite's `PRAGMA user_version`: the number of migrations
//! applied. [`migrate`] applies the missing ones, in order, each in a transaction of its
//! own together with the version bump, so a database is always at one version or the
//! next, never in between. A released migration is never edited: a change of the schema
//! is a new migration appended to [`MIGRATIONS`]. A database of a newer version than this
//! build knows is refused rather than guessed at.
//!
//! Conventions: money is `TEXT` holding the plain decimal the engine reads (never a
//! float; a `CHECK` keeps it text), dates are `TEXT` `YYYY-MM-DD`, enums are their
//! snake_case names, booleans `0`/`1`, lists of ids JSON arrays of strings. Records with
//! a repeated id are kept apart by `dup` (0 for the first), as the in-memory ledger
//! does, so that the engine's `check` can see and refuse them.

use anyhow::{Context as _, bail};
use rusqlite::Connection;

/// One migration: what it is for, and its SQL.
pub struct Migration {
    /// A short description (shown in errors).
    pub name: &'static str,
    /// The statements, run as one batch.
    pub sql: &'static str,
}

/// Every migration, in order; the database's `user_version` counts those applied.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "1: the ledger (company, policy, partners, open items) and its follow-up state",
        sql: r#"
CREATE TABLE company (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    id        TEXT NOT NULL,
    name      TEXT NOT NULL,
    currency  TEXT NOT NULL,
    lang      TEXT,
    email     TEXT,
    phone     TEXT,
    -- The letterhead's address: all four set, or all NULL.
    street    TEXT,
    city      TEXT,
    zip       TEXT,
    country   TEXT
);

-- The follow-up policy, in the order it was stored.
CREATE TABLE levels (
    position           INTEGER PRIMARY KEY,
    id                 TEXT NOT NULL,
    name               TEXT NOT NULL,
    delay_days         INTEGER NOT NULL,
    email              INTEGER NOT NULL,
    sms                INTEGER NOT NULL,
    print_letter       INTEGER NOT NULL,
    send_letter        INTEGER NOT NULL,
    -- The manual action: both set, or both NULL.
    action_note        TEXT,
    action_responsible TEXT,
    auto_execute       INTEGER NOT NULL,
    join_invoices      INTEGER NOT NULL,
    tone               TEXT CHECK (tone IN ('friendly', 'firm', 'final'))
);

CREATE TABLE level_templates (
    level         INTEGER NOT NULL REFERENCES levels (position) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    lang          TEXT NOT NULL,
    email_subject TEXT,
    email_body    TEXT,
    sms           TEXT,
    letter        TEXT,
    PRIMARY KEY (level, position)
);

CREATE TABLE partners (
    id            TEXT NOT NULL,
    dup           INTEGER NOT NULL DEFAULT 0,
    name          TEXT NOT NULL,
    lang          TEXT,
    email         TEXT,
    phone         TEXT,
    street        TEXT,
    city          TEXT,
    zip           TEXT,
    country       TEXT,
    -- The follow-up contact: fc_name NULL means none.
    fc_name       TEXT,
    fc_email      TEXT,
    fc_phone      TEXT,
    fc_street     TEXT,
    fc_city       TEXT,
    fc_zip        TEXT,
    fc_country    TEXT,
    reminders     TEXT NOT NULL CHECK (reminders IN ('automatic', 'manual')),
    -- Follow-up state, written by the engine.
    trust         TEXT NOT NULL CHECK (trust IN ('good', 'normal', 'bad')),
    next_reminder TEXT,
    PRIMARY KEY (id, dup)
) WITHOUT ROWID;

CREATE TABLE items (
    id           TEXT NOT NULL,
    dup          INTEGER NOT NULL DEFAULT 0,
    partner      TEXT NOT NULL,
    number       TEXT,
    invoice_date TEXT NOT NULL,
    due_date     TEXT,
    amount       TEXT NOT NULL CHECK (typeof(amount) = 'text'),
    residual     TEXT NOT NULL CHECK (typeof(residual) = 'text'),
    currency     TEXT,
    -- The item's own contact: c_name NULL means none.
    c_name       TEXT,
    c_email      TEXT,
    c_phone      TEXT,
    c_street     TEXT,
    c_city       TEXT,
    c_zip        TEXT,
    c_country    TEXT,
    -- Follow-up state, written by the engine.
    excluded     INTEGER NOT NULL,
    level        TEXT,
    PRIMARY KEY (id, dup)
) WITHOUT ROWID;

CREATE INDEX items_by_partner ON items (partner, id, dup);
"#,
    },
    Migration {
        name: "2: history (chatter, tasks) and the outbox of messages to deliver",
        sql: r#"
CREATE TABLE chatter (
    seq         INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('partner', 'item')),
    target      TEXT NOT NULL,
    date        TEXT NOT NULL,
    body        TEXT NOT NULL
);

CREATE TABLE tasks (
    seq         INTEGER PRIMARY KEY,
    key         TEXT NOT NULL,
    partner     TEXT NOT NULL,
    level       TEXT NOT NULL,
    date        TEXT NOT NULL,
    note        TEXT NOT NULL,
    responsible TEXT NOT NULL,
    items       TEXT NOT NULL,
    -- Handed to the people who do it (written to the outbox folder, say).
    delivered   INTEGER NOT NULL DEFAULT 0
);

-- Messages the engine sent, waiting for (or past) delivery. One row per idempotency key.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    channel      TEXT NOT NULL
                 CHECK (channel IN ('email', 'sms', 'print_letter', 'send_letter')),
    partner      TEXT NOT NULL,
    level        TEXT NOT NULL,
    date         TEXT NOT NULL,
    lang         TEXT NOT NULL,
    r_name       TEXT NOT NULL,
    r_email      TEXT,
    r_phone      TEXT,
    r_street     TEXT,
    r_city       TEXT,
    r_zip        TEXT,
    r_country    TEXT,
    to_address   TEXT NOT NULL,
    subject      TEXT NOT NULL,
    text         TEXT NOT NULL,
    html         TEXT,
    items        TEXT NOT NULL,
    attach       TEXT NOT NULL,
    delivered    INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX outbox_undelivered ON outbox (delivered, seq);

CREATE TABLE outbox_attachments (
    message   INTEGER NOT NULL REFERENCES outbox (seq) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    content   BLOB NOT NULL,
    PRIMARY KEY (message, position)
);
"#,
    },
];

/// The schema version this build writes: the number of migrations.
pub fn latest() -> u32 {
    MIGRATIONS.len() as u32
}

/// The database's schema version (`PRAGMA user_version`).
pub fn version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// Applies the migrations `conn` lacks, each in its own transaction; returns how many
/// were applied (0 on an up-to-date database).
pub fn migrate(conn: &mut Connection) -> anyhow::Result<usize> {
    let from = version(conn)?;
    if from > latest() {
        bail!(
            "the database is at schema version {from}; this followup-host knows versions up \
             to {}: use a newer followup-host",
            latest()
        );
    }
    for (at, migration) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated meanwhile: look again inside the lock.
        if version(&tx)? as usize > at {
            continue;
        }
        tx.execute_batch(migration.sql)
            .with_context(|| format!("migration {}", migration.name))?;
        tx.pragma_update(None, "user_version", at as u32 + 1)?;
        tx.commit()?;
    }
    Ok((latest() - from) as usize)
}
