//! Delivery: the outbox's undelivered messages (and tasks not yet handed over) go to a
//! [`Deliverer`], and are marked delivered by their idempotency key — in a transaction of
//! their own, after the calls that queued them committed.
//!
//! Delivery is at least once: a crash after the deliverer took a message and before the
//! mark committed delivers it again on the next run, under the same key, which is how a
//! receiver (or [`FolderDeliverer`], whose file is named after the key) drops the repeat.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::{SqliteLedger, read_company, read_message};
use crate::outbox::Outbox;
use crate::wit::chatter::Task;
use crate::wit::messaging::Message;
use crate::wit::types::Company;

/// Where delivered messages and tasks go.
pub trait Deliverer {
    /// Delivers one message of `company`; an error leaves it undelivered, for a later try.
    fn message(&mut self, company: &Company, message: &Message) -> anyhow::Result<()>;
    /// Hands one task over to the people who do it; an error leaves it for a later try.
    fn task(&mut self, task: &Task) -> anyhow::Result<()>;
}

/// What one delivery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Messages delivered and marked.
    pub messages: usize,
    /// Tasks handed over and marked.
    pub tasks: usize,
    /// Messages and tasks the deliverer refused (key, reason); they stay queued.
    pub failed: Vec<(String, String)>,
}

/// Writes each message and task into a folder with [`Outbox`] (emails as `.eml`,
/// letters as `.pdf`, SMS and tasks as `.txt`, named after the key).
#[derive(Debug)]
pub struct FolderDeliverer {
    outbox: Outbox,
    /// The files written, in order.
    pub files: Vec<PathBuf>,
}

impl FolderDeliverer {
    /// Delivers into `dir` (created if needed).
    pub fn new(dir: &Path) -> anyhow::Result<FolderDeliverer> {
        Ok(FolderDeliverer {
            outbox: Outbox::create(dir)
                .with_context(|| format!("creating the outbox {}", dir.display()))?,
            files: Vec::new(),
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        self.outbox.dir()
    }
}

impl Deliverer for FolderDeliverer {
    fn message(&mut self, company: &Company, message: &Message) -> anyhow::Result<()> {
        self.files
            .push(self.outbox.write_message(company, message)?);
        Ok(())
    }

    fn task(&mut self, task: &Task) -> anyhow::Result<()> {
        self.files
            .extend(self.outbox.write_tasks(std::slice::from_ref(task))?);
        Ok(())
    }
}

impl SqliteLedger {
    /// Delivers every undelivered message (in the order sent), then every task not yet
    /// handed over, to `to`, marking each delivered by its key; one transaction.
    pub fn deliver(&mut self, to: &mut dyn Deliverer) -> anyhow::Result<Delivery> {
        let db = self.db.as_mut().context("no database is open")?;
        let tx = db
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut delivery = Delivery::default();
        let company = read_company(&tx)?;
        let queued: Vec<i64> = tx
            .prepare("SELECT seq FROM outbox WHERE delivered = 0 ORDER BY seq")?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for seq in queued {
            let row = read_message(&tx, seq)?;
            match to.message(&company, &row.message) {
                Ok(()) => {
                    tx.execute(
                        "UPDATE outbox SET delivered = 1 WHERE key = ?1",
                        [&row.message.key],
                    )?;
                    delivery.messages += 1;
                }
                Err(e) => delivery.failed.push((row.message.key, format!("{e:#}"))),
            }
        }
        let tasks: Vec<(i64, Task)> = tx
            .prepare(&format!(
                "SELECT seq, {} FROM tasks WHERE delivered = 0 ORDER BY seq",
                super::codec::TASK_COLUMNS
            ))?
            .query_map([], |row| {
                Ok((row.get(0)?, super::codec::task_of_at(row, 1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (seq, task) in tasks {
            match to.task(&task) {
                Ok(()) => {
                    tx.execute("UPDATE tasks SET delivered = 1 WHERE seq = ?1", [seq])?;
                    delivery.tasks += 1;
                }
                Err(e) => delivery.failed.push((task.key, format!("{e:#}"))),
            }
        }
        tx.commit()?;
        Ok(delivery)
    }

    /// Messages still waiting for delivery.
    pub fn undelivered(&self) -> anyhow::Result<usize> {
        let n: i64 = self.conn()?.query_row(
            "SELECT count(*) FROM outbox WHERE delivered = 0",
            [],
            |row| row.get(0),
        )?;
        Ok(n as usize)
    }
}
