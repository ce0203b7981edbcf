//! The SQLite tenant ledger: migrations, import and read-back, the same answers as the
//! in-memory ledger (pages, cursors, traps, whole runs through the component), one
//! transaction per call (a trapped or refused call leaves the database unchanged), the
//! outbox (a key stored once) and delivery, and tenants that see only their own data.

use std::collections::BTreeSet;
use std::path::PathBuf;

use followup_host::generate::{self, Spec};
use followup_host::runtime::Runtime;
use followup_host::sqlite::{Deliverer, Delivery, FolderDeliverer, SqliteLedger, schema};
use followup_host::tenants::{self, Tenants};
use followup_host::wit::api::ProcessRequest;
use followup_host::wit::chatter::{Host as _, Task};
use followup_host::wit::ledger::Host as _;
use followup_host::wit::messaging::{Host as _, Message};
use followup_host::wit::types::{
    self, Channel, Company, Contact, Level, OpenItem, Partner, PostalAddress, ReminderMode,
    Template, Tone, Trust,
};
use followup_host::{MemLedger, fixture};

fn runtimes() -> (&'static Runtime, Runtime<SqliteLedger>) {
    let mem = Runtime::shared().unwrap();
    (mem, mem.for_ledger::<SqliteLedger>().unwrap())
}

fn generated(seed: u64, items: usize) -> MemLedger {
    generate::generate(Spec {
        seed,
        ..Spec::items(items)
    })
    .ledger()
}

/// Asserts two ledgers hold the same data and the same history.
fn assert_same(got: &MemLedger, want: &MemLedger, what: &str) {
    assert!(
        got.state() == want.state(),
        "{what}: {}",
        want.state()
            .first_difference(got.state())
            .unwrap_or_default()
    );
    let keys = |l: &MemLedger| l.sent().iter().map(|m| m.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(got), keys(want), "{what}: messages");
    assert!(got.sent() == want.sent(), "{what}: message contents");
    assert_eq!(got.tasks(), want.tasks(), "{what}: tasks");
    assert_eq!(got.chatter(), want.chatter(), "{what}: chatter");
}

fn address(street: &str) -> PostalAddress {
    PostalAddress {
        street: street.into(),
        city: "Town".into(),
        zip: "12345".into(),
        country: "DE".into(),
    }
}

/// A small ledger using every field: templates, tones, manual actions, contacts,
/// addresses, repeated ids, an item of an unknown partner.
fn rich() -> MemLedger {
    let level = |id: &str, delay: i32| Level {
        id: id.into(),
        name: id.to_uppercase(),
        delay_days: delay,
        email: true,
        sms: false,
        print_letter: true,
        send_letter: false,
        manual_action: None,
        auto_execute: true,
        join_invoices: false,
        tone: None,
        templates: Vec::new(),
    };
    let first = Level {
        templates: vec![Template {
            lang: "de".into(),
            email_subject: Some("Erinnerung".into()),
            email_body: None,
            sms: Some("Bitte zahlen".into()),
            letter: None,
        }],
        tone: Some(Tone::Friendly),
        ..level("first", 5)
    };
    let last = Level {
        manual_action: Some(types::ManualAction {
            note: "Call them".into(),
            responsible: "ar@acme.test".into(),
        }),
        tone: Some(Tone::Final),
        join_invoices: true,
        ..level("last", 30)
    };
    let company = Company {
        id: "acme".into(),
        name: "Acme GmbH".into(),
        currency: "EUR".into(),
        lang: Some("de".into()),
        email: Some("ar@acme.test".into()),
        phone: Some("+49 1".into()),
        address: Some(address("Hauptstr. 1")),
    };
    let mut ledger = MemLedger::new(company, vec![first, last]);
    let partner = |id: &str| Partner {
        id: id.into(),
        name: format!("{id} Ltd"),
        lang: None,
        trust: Trust::Normal,
        email: Some(format!("ap@{id}.test")),
        phone: None,
        address: Some(address("1 Road")),
        followup_contact: None,
        reminders: ReminderMode::Automatic,
        next_reminder: None,
    };
    ledger.insert_partner(partner("alpha"));
    ledger.insert_partner(Partner {
        lang: Some("fr".into()),
        trust: Trust::Bad,
        followup_contact: Some(Contact {
            name: "Chef".into(),
            email: Some("chef@beta.test".into()),
            phone: Some("+33 2".into()),
            address: None,
        }),
        reminders: ReminderMode::Manual,
        next_reminder: Some("2024-03-01".into()),
        ..partner("beta")
    });
    ledger.insert_partner(partner("beta")); // a repeated id, for `check` to refuse
    let item = |id: &str, partner: &str| OpenItem {
        id: id.into(),
        partner: partner.into(),
        number: Some(format!("INV/{id}")),
        invoice_date: "2024-01-01".into(),
        due_date: Some("2024-01-31".into()),
        amount: "1234.50".into(),
        residual: "1000.05".into(),
        currency: None,
        excluded: false,
        level: None,
        contact: None,
    };
    ledger.insert_item(item("i1", "alpha"));
    ledger.insert_item(OpenItem {
        excluded: true,
        level: Some("first".into()),
        currency: Some("USD".into()),
        due_date: None,
        number: None,
        contact: Some(Contact {
            name: "Billing".into(),
            email: None,
            phone: None,
            address: Some(address("2 Lane")),
        }),
        ..item("i2", "beta")
    });
    ledger.insert_item(item("i2", "alpha")); // repeated
    ledger.insert_item(item("i3", "nobody"));
    ledger
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn migrations_run_on_a_fresh_database_and_are_idempotent_on_reopen() {
    let dir = temp();
    let path = dir.path().join("t.db");
    let db = SqliteLedger::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), schema::latest());
    assert_eq!(schema::latest() as usize, schema::MIGRATIONS.len());
    assert!(db.is_empty().unwrap());
    drop(db);
    let mut db = SqliteLedger::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), schema::latest());
    db.import(&rich(), false).unwrap();
    drop(db);
    // Reopening migrates nothing and keeps the data.
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(schema::migrate(&mut conn).unwrap(), 0);
    drop(conn);
    let db = SqliteLedger::open(&path).unwrap();
    assert_same(&db.to_mem().unwrap(), &rich(), "after reopening");

    // A database at version 1 gets the rest.
    let old = dir.path().join("old.db");
    let conn = rusqlite::Connection::open(&old).unwrap();
    conn.execute_batch(schema::MIGRATIONS[0].sql).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    drop(conn);
    let db = SqliteLedger::open(&old).unwrap();
    assert_eq!(db.schema_version().unwrap(), schema::latest());
    assert!(db.outbox().unwrap().is_empty());

    // One from the future is refused.
    let future = dir.path().join("future.db");
    let conn = rusqlite::Connection::open(&future).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let error = format!("{:#}", SqliteLedger::open(&future).unwrap_err());
    assert!(error.contains("schema version 99"), "{error}");
}

#[test]
fn import_reads_back_exactly_and_refuses_to_overwrite_without_replace() {
    let dir = temp();
    let path = dir.path().join("t.db");
    let mut db = SqliteLedger::create(&path, &rich(), false).unwrap();
    assert_same(&db.to_mem().unwrap(), &rich(), "rich");

    let generated = generated(7, 300);
    let error = db.import(&generated, false).unwrap_err();
    assert!(format!("{error}").contains("--replace"), "{error}");
    assert_same(&db.to_mem().unwrap(), &rich(), "after a refused import");
    db.import(&generated, true).unwrap();
    assert_same(&db.to_mem().unwrap(), &generated, "generated");

    let sample = fixture::parse_case(followup_host::demo::SAMPLE)
        .unwrap()
        .ledger();
    db.import(&sample, true).unwrap();
    assert_same(&db.to_mem().unwrap(), &sample, "sample");

    // Money is stored as text, never as a float.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let kinds: BTreeSet<String> = conn
        .prepare("SELECT DISTINCT typeof(amount) || typeof(residual) FROM items")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(kinds, BTreeSet::from(["texttext".to_string()]));
}

#[test]
fn pages_cursors_reads_and_unknown_ids_behave_as_in_memory() {
    let dir = temp();
    for (name, mem) in [("rich", rich()), ("generated", generated(3, 120))] {
        let mut mem = mem;
        let mut db =
            SqliteLedger::create(&dir.path().join(format!("{name}.db")), &mem, false).unwrap();
        assert_eq!(db.get_company().unwrap(), mem.get_company().unwrap());
        assert_eq!(db.get_levels().unwrap(), mem.get_levels().unwrap());
        for limit in [0, 1, 2, 3, 7, 1000, 5000] {
            let mut cursor = None;
            loop {
                let a = db.list_partners(cursor.clone(), limit).unwrap();
                let b = mem.list_partners(cursor.clone(), limit).unwrap();
                assert_eq!(a, b, "{name}: partners after {cursor:?}, limit {limit}");
                cursor = a.next;
                if cursor.is_none() {
                    break;
                }
            }
            let partners: Vec<Option<String>> = std::iter::once(None)
                .chain(mem.partners().map(|p| Some(p.id.clone())))
                .chain([Some("nobody".to_string()), Some("unknown".to_string())])
                .collect();
            for partner in partners {
                let mut cursor = None;
                loop {
                    let a = db
                        .list_items(partner.clone(), cursor.clone(), limit)
                        .unwrap();
                    let b = mem
                        .list_items(partner.clone(), cursor.clone(), limit)
                        .unwrap();
                    assert_eq!(a, b, "{name}: items of {partner:?} after {cursor:?}");
                    cursor = a.next;
                    if cursor.is_none() {
                        break;
                    }
                }
            }
        }
        // Cursors that no page wrote.
        for cursor in ["", "zzz", "beta\u{0}1", "beta\u{0}x", "i2\u{0}0"] {
            assert_eq!(
                db.list_partners(Some(cursor.into()), 2).unwrap(),
                mem.list_partners(Some(cursor.into()), 2).unwrap(),
                "{name}: cursor {cursor:?}"
            );
            assert_eq!(
                db.list_items(None, Some(cursor.into()), 2).unwrap(),
                mem.list_items(None, Some(cursor.into()), 2).unwrap(),
                "{name}: cursor {cursor:?}"
            );
        }
        for id in ["alpha", "beta", "nobody", ""] {
            assert_eq!(
                db.get_partner(id.into()).unwrap(),
                mem.get_partner(id.into()).unwrap()
            );
        }
        for id in ["i1", "i2", "i3", "none"] {
            assert_eq!(
                db.get_item(id.into()).unwrap(),
                mem.get_item(id.into()).unwrap()
            );
        }
        // Writes to unknown ids trap with the same message.
        let pairs = [
            (
                db.set_item_level("none".into(), None).unwrap_err(),
                mem.set_item_level("none".into(), None).unwrap_err(),
            ),
            (
                db.set_next_reminder("none".into(), None).unwrap_err(),
                mem.set_next_reminder("none".into(), None).unwrap_err(),
            ),
            (
                db.set_excluded("none".into(), true).unwrap_err(),
                mem.set_excluded("none".into(), true).unwrap_err(),
            ),
            (
                db.set_trust("none".into(), Trust::Good).unwrap_err(),
                mem.set_trust("none".into(), Trust::Good).unwrap_err(),
            ),
        ];
        for (a, b) in pairs {
            assert_eq!(a.to_string(), b.to_string());
        }
    }
}

#[test]
fn runs_through_the_component_give_what_the_in_memory_ledger_gives() {
    let (mem_rt, sql_rt) = runtimes();
    let dir = temp();
    let mut mem = generated(11, 400);
    let mut db = SqliteLedger::create(&dir.path().join("t.db"), &mem, false).unwrap();
    let today = generate::TODAY;
    assert_eq!(
        sql_rt.check(&mut db).unwrap(),
        mem_rt.check(&mut mem).unwrap()
    );
    assert_eq!(
        sql_rt.overview(&mut db, today).unwrap(),
        mem_rt.overview(&mut mem, today).unwrap()
    );
    let plan = sql_rt.plan_auto(&mut db, today).unwrap().unwrap();
    assert_eq!(plan, mem_rt.plan_auto(&mut mem, today).unwrap().unwrap());
    assert!(!plan.is_empty());
    for partner in &plan {
        let one = std::slice::from_ref(partner);
        assert_eq!(
            sql_rt.process_batch(&mut db, today, one).unwrap(),
            mem_rt.process_batch(&mut mem, today, one).unwrap(),
            "{partner}"
        );
    }
    let some = plan[0].clone();
    assert_eq!(
        sql_rt.report(&mut db, today, &some).unwrap(),
        mem_rt.report(&mut mem, today, &some).unwrap()
    );
    assert_eq!(
        sql_rt.set_trust(&mut db, today, &some, Trust::Bad).unwrap(),
        mem_rt
            .set_trust(&mut mem, today, &some, Trust::Bad)
            .unwrap()
    );
    assert_eq!(
        sql_rt
            .remind_later(&mut db, today, &some, "2025-09-01")
            .unwrap(),
        mem_rt
            .remind_later(&mut mem, today, &some, "2025-09-01")
            .unwrap()
    );
    let item = mem.items().next().unwrap().id.clone();
    assert_eq!(
        sql_rt.set_excluded(&mut db, today, &item, true).unwrap(),
        mem_rt.set_excluded(&mut mem, today, &item, true).unwrap()
    );
    // A month later, the automatic run in one call.
    let later = "2025-07-31";
    assert_eq!(
        sql_rt.run_auto(&mut db, later).unwrap(),
        mem_rt.run_auto(&mut mem, later).unwrap()
    );
    assert_same(&db.to_mem().unwrap(), &mem, "after the runs");
    assert!(db.outbox().unwrap().iter().all(|row| !row.delivered));
}

#[test]
fn conformance_ledgers_load_and_run_alike() {
    let (mem_rt, sql_rt) = runtimes();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![root.join("../tests/conformance")];
    let shared = root.join("../../shared/conformance/cases");
    if shared.is_dir() {
        paths.push(shared);
    }
    let files = followup_host::conformance::collect_files(&paths).unwrap();
    assert!(files.len() > 10, "{files:?}");
    let dir = temp();
    for (n, file) in files.iter().enumerate() {
        let case = fixture::parse_case(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mut mem = case.ledger();
        let mut db =
            SqliteLedger::create(&dir.path().join(format!("{n}.db")), &mem, false).unwrap();
        let name = file.display();
        assert_eq!(
            sql_rt.check(&mut db).unwrap(),
            mem_rt.check(&mut mem).unwrap(),
            "{name}"
        );
        let Some(today) = case.last_date() else {
            continue;
        };
        assert_eq!(
            sql_rt.overview(&mut db, today).unwrap(),
            mem_rt.overview(&mut mem, today).unwrap(),
            "{name}"
        );
        let a = sql_rt.run_auto(&mut db, today).unwrap();
        let b = mem_rt.run_auto(&mut mem, today).unwrap();
        assert_eq!(a, b, "{name}");
        if a.is_ok() {
            assert_same(
                &db.to_mem().unwrap(),
                &once_per_key(&mem),
                &name.to_string(),
            );
        }
    }
}

/// `mem` with each message key sent once (the outbox stores a repeat once).
fn once_per_key(mem: &MemLedger) -> MemLedger {
    let mut out = MemLedger::new(mem.company().clone(), mem.levels().to_vec());
    for p in mem.partners() {
        out.insert_partner(p.clone());
    }
    for i in mem.items() {
        out.insert_item(i.clone());
    }
    let mut seen = BTreeSet::new();
    for m in mem.sent() {
        if seen.insert(m.key.clone()) {
            out.send(m.clone()).unwrap().unwrap();
        }
    }
    for t in mem.tasks() {
        out.schedule_task(t.clone()).unwrap();
    }
    for e in mem.chatter() {
        out.log(e.clone()).unwrap();
    }
    out
}

#[test]
fn a_trapped_call_leaves_the_database_unchanged() {
    let (_, sql_rt) = runtimes();
    let dir = temp();
    let mem = generated(5, 200);
    let mut db = SqliteLedger::create(&dir.path().join("t.db"), &mem, false).unwrap();
    let today = generate::TODAY;
    let plan = sql_rt.plan_auto(&mut db, today).unwrap().unwrap();
    let before = db.to_mem().unwrap();
    let one = std::slice::from_ref(&plan[0]);
    for allowed in [0, 1, 2, 4] {
        db.fail_writes_after(Some(allowed));
        let stop = sql_rt.process_batch(&mut db, today, one).unwrap_err();
        assert!(
            format!("{stop:#}").contains("cannot store writes"),
            "{stop:#}"
        );
        db.fail_writes_after(None);
        assert_same(&db.to_mem().unwrap(), &before, &format!("after {allowed}"));
        assert!(db.outbox().unwrap().is_empty(), "no message was queued");
    }
    // The same call then goes through.
    let batch = sql_rt.process_batch(&mut db, today, one).unwrap().unwrap();
    assert_eq!(batch.processed.len(), 1);
    assert!(!db.outbox().unwrap().is_empty());
}

#[test]
fn a_refused_call_leaves_the_database_unchanged_even_after_a_message_was_queued() {
    let (mem_rt, sql_rt) = runtimes();
    let mut mem = rich();
    mem.remove_item("i3");
    // One partner whose email cannot be delivered, but whose letter can.
    mem.update_partner("alpha", |p| p.email = Some("ap@alpha.invalid".into()));
    let dir = temp();
    let mut db = SqliteLedger::create(&dir.path().join("t.db"), &mem, false).unwrap();
    let before = db.to_mem().unwrap();
    let request = ProcessRequest {
        partner: "alpha".into(),
        manual: true,
        channels: Some(vec![Channel::PrintLetter, Channel::Email]),
        exclude: Vec::new(),
    };
    let a = sql_rt.process(&mut db, "2024-03-01", &request).unwrap();
    let b = mem_rt.process(&mut mem, "2024-03-01", &request).unwrap();
    assert_eq!(a, b);
    assert!(matches!(a, Err(types::Error::DeliveryFailed(_))), "{a:?}");
    // The in-memory ledger delivered the letter before the email failed; the database
    // had only queued it, and the refusal rolled it back with everything else.
    assert_eq!(mem.sent().len(), 1);
    assert_same(&db.to_mem().unwrap(), &before, "after the refusal");
    assert!(db.outbox().unwrap().is_empty());
}

fn message(key: &str) -> Message {
    Message {
        key: key.into(),
        channel: Channel::Email,
        partner: "alpha".into(),
        level: "first".into(),
        date: "2024-03-01".into(),
        lang: "en".into(),
        recipient: Contact {
            name: "A".into(),
            email: Some("ap@alpha.test".into()),
            phone: None,
            address: Some(address("1 Road")),
        },
        to: "ap@alpha.test".into(),
        subject: "Reminder".into(),
        text: "Please pay.".into(),
        html: Some("<p>Please pay.</p>".into()),
        items: vec!["i1".into()],
        attach: vec!["i1".into()],
        attachments: vec![types::Attachment {
            name: "s.pdf".into(),
            mime_type: "application/pdf".into(),
            content: b"%PDF-1.7 \x00\xff".to_vec(),
        }],
    }
}

/// Counts what it is given; refuses keys containing `fail`.
#[derive(Default)]
struct Recorder {
    messages: Vec<String>,
    tasks: Vec<String>,
}

impl Deliverer for Recorder {
    fn message(&mut self, _: &Company, message: &Message) -> anyhow::Result<()> {
        if message.key.contains("fail") {
            anyhow::bail!("cannot");
        }
        self.messages.push(message.key.clone());
        Ok(())
    }
    fn task(&mut self, task: &Task) -> anyhow::Result<()> {
        self.tasks.push(task.key.clone());
        Ok(())
    }
}

#[test]
fn the_outbox_stores_a_key_once_and_delivery_marks_it_delivered() {
    let dir = temp();
    let mut db = SqliteLedger::create(&dir.path().join("t.db"), &rich(), false).unwrap();
    assert_eq!(db.send(message("k1")).unwrap(), Ok(()));
    let mut changed = message("k1");
    changed.subject = "Another".into();
    assert_eq!(db.send(changed).unwrap(), Ok(()), "a repeat is accepted");
    assert_eq!(db.send(message("k2-fail")).unwrap(), Ok(()));
    let mut invalid = message("k3");
    invalid.to = "x@y.invalid".into();
    assert!(db.send(invalid).unwrap().is_err());
    let rows = db.outbox().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].message, message("k1"), "stored once, as first sent");
    db.schedule_task(Task {
        key: "t1".into(),
        partner: "alpha".into(),
        level: "last".into(),
        date: "2024-03-01".into(),
        note: "Call".into(),
        responsible: "me".into(),
        items: vec!["i1".into(), "i2".into()],
    })
    .unwrap();

    let mut to = Recorder::default();
    let delivery = db.deliver(&mut to).unwrap();
    assert_eq!(delivery.messages, 1);
    assert_eq!(delivery.tasks, 1);
    assert_eq!(delivery.failed.len(), 1);
    assert_eq!(to.messages, ["k1"]);
    assert_eq!(to.tasks, ["t1"]);
    assert_eq!(db.undelivered().unwrap(), 1);
    let flags: Vec<bool> = db.outbox().unwrap().iter().map(|r| r.delivered).collect();
    assert_eq!(flags, [true, false]);
    // Again: only what is still queued.
    let mut again = Recorder::default();
    let delivery = db.deliver(&mut again).unwrap();
    assert_eq!(
        delivery,
        Delivery {
            messages: 0,
            tasks: 0,
            failed: vec![("k2-fail".into(), "cannot".into())]
        }
    );

    let mut folder = FolderDeliverer::new(&dir.path().join("out")).unwrap();
    db.send(message("k4")).unwrap().unwrap();
    db.deliver(&mut folder).unwrap();
    let names: Vec<_> = folder
        .files
        .iter()
        .map(|f| f.file_name().unwrap())
        .collect();
    assert_eq!(
        names,
        ["k2-fail.eml", "k4.eml"],
        "what was still queued, in order"
    );
    assert_eq!(db.undelivered().unwrap(), 0);
}

#[test]
fn each_tenant_sees_only_its_own_database() {
    let (_, sql_rt) = runtimes();
    let dir = temp();
    let mut originals = Vec::new();
    for (n, name) in ["north", "south"].into_iter().enumerate() {
        let mut mem = generated(100 + n as u64, 150);
        let mut company = mem.company().clone();
        company.id = name.into();
        mem.set_company(company);
        SqliteLedger::create(&dir.path().join(format!("{name}.db")), &mem, false).unwrap();
        originals.push((name, mem));
    }
    let path = |name: &str| dir.path().join(format!("{name}.db"));
    let runtime_for = |_: &str| &sql_rt;
    let open = |name: &str| SqliteLedger::open(&path(name));
    let finish = |_: &str, db: &mut SqliteLedger| Ok(db.outbox()?.len());
    let tenants = Tenants {
        names: vec!["north".into(), "south".into()],
        runtime: &runtime_for,
        open: &open,
        finish: &finish,
    };
    let results = tenants::run(&tenants, generate::TODAY, 2, &|_| {});
    let (mem_rt, _) = runtimes();
    for (result, (name, mem)) in results.iter().zip(&originals) {
        assert_eq!(result.error, None, "{name}");
        assert!(result.processed > 0, "{name}");
        let db = SqliteLedger::open(&path(name)).unwrap();
        let got = db.to_mem().unwrap();
        // Exactly what this tenant's ledger gives alone.
        let mut alone = mem.clone();
        let plan = mem_rt
            .plan_auto(&mut alone, generate::TODAY)
            .unwrap()
            .unwrap();
        for partner in plan {
            mem_rt
                .process_batch(&mut alone, generate::TODAY, &[partner])
                .unwrap()
                .unwrap();
        }
        assert_same(&got, &alone, name);
        assert_eq!(result.finished, got.sent().len());
        for message in got.sent() {
            assert!(
                message.key.contains(&format!("/{name}/")),
                "{}",
                message.key
            );
            assert!(mem.partner(&message.partner).is_some());
        }
    }
}

#[test]
fn the_demo_on_sqlite_writes_what_the_in_memory_demo_wrote() {
    use followup_host::demo::{self, DemoOptions, Letterhead};
    use followup_host::outbox::Outbox;
    let rt = Runtime::shared().unwrap();
    let dir = temp();
    let db = dir.path().join("demo.db");
    let options = DemoOptions {
        today: None,
        outbox: dir.path().join("sqlite"),
        data: None,
        letterhead: None,
        db: Some(db.clone()),
        replace: false,
    };
    let report = demo::run(rt, &options, &mut Vec::new()).unwrap();
    // Run again on the same database: refused without --replace.
    let again = demo::run(rt, &options, &mut Vec::new()).unwrap_err();
    assert!(format!("{again:#}").contains("--replace"), "{again:#}");

    // What the in-memory demo did: process the partners in need, then write every
    // message delivered and every task into the outbox.
    let case = fixture::parse_case(demo::SAMPLE).unwrap();
    let mut mem = case.ledger();
    Letterhead::parse(demo::SAMPLE_LETTERHEAD)
        .unwrap()
        .apply(&mut mem);
    let today = case.last_date().unwrap();
    let in_need: Vec<String> = rt
        .overview(&mut mem, today)
        .unwrap()
        .unwrap()
        .into_iter()
        .filter(|l| l.status == types::Status::InNeedOfAction)
        .map(|l| l.partner)
        .collect();
    let batch = rt
        .process_batch(&mut mem, today, &in_need)
        .unwrap()
        .unwrap();
    assert_eq!(report.batch, batch);
    let mut outbox = Outbox::create(&dir.path().join("memory")).unwrap();
    let mut files = Vec::new();
    for message in mem.sent() {
        files.push(outbox.write_message(mem.company(), message).unwrap());
    }
    files.extend(outbox.write_tasks(mem.tasks()).unwrap());
    let names = |files: &[PathBuf]| -> Vec<String> {
        files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(names(&report.files), names(&files));
    assert_eq!(report.tasks, mem.tasks().len());
    for (a, b) in report.files.iter().zip(&files) {
        if a.extension().is_some_and(|e| e != "eml") {
            assert!(
                std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
                "{}",
                a.display()
            );
        }
    }
    // The database holds the run, every message delivered.
    let db = SqliteLedger::open(&db).unwrap();
    assert!(db.outbox().unwrap().iter().all(|r| r.delivered));
    assert_same(&db.to_mem().unwrap(), &mem, "the demo's database");
}

#[test]
fn a_run_uses_no_more_workers_than_the_pool_has_instances() {
    use followup_host::runtime::Allocation;
    use followup_host::sqlite::run::effective_jobs;
    let (_, rt) = runtimes();
    if let Allocation::Pooled(pool) = rt.allocation() {
        assert_eq!(effective_jobs(&rt, 1000), pool.instances as usize);
    }
    assert_eq!(effective_jobs(&rt, 2), 2);
    assert_eq!(effective_jobs(&rt, 0), 1);
}

#[test]
fn a_partner_failing_inside_a_batch_keeps_what_was_queued_before_as_in_memory() {
    let (mem_rt, sql_rt) = runtimes();
    let mut mem = rich();
    mem.remove_item("i3");
    // Two recipients for alpha: its own address, and an item contact that cannot be
    // reached by email.
    mem.update_item("i1", |i| {
        i.contact = Some(Contact {
            name: "Billing".into(),
            email: Some("billing@alpha.invalid".into()),
            phone: None,
            address: Some(address("3 Way")),
        })
    });
    let dir = temp();
    let mut db = SqliteLedger::create(&dir.path().join("t.db"), &mem, false).unwrap();
    let one = ["alpha".to_string()];
    let a = sql_rt.process_batch(&mut db, "2024-03-01", &one).unwrap();
    let b = mem_rt.process_batch(&mut mem, "2024-03-01", &one).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.unwrap().failed.len(), 1);
    assert_eq!(mem.sent().len(), 1, "one message went before the failure");
    assert_same(&db.to_mem().unwrap(), &mem, "after the failure");
    assert_eq!(db.outbox().unwrap().len(), 1);
}
