"""The Python host over libfollowup: the worked example of SPEC.md, every operation,
every error kind, and NULL or garbage arguments. Standard library only.

    python3 tests/python/test_followup.py      # FOLLOWUP_LIB=... to pick the library

Prints unittest's report and a closing "N passed, N failed" line.
"""

import ctypes
import os
import sys
import tomllib
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from followup import (  # noqa: E402
    CALLBACK_OK,
    Engine,
    FollowupError,
    HostStruct,
    Library,
    MemoryHost,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB = Library()

POLICY = {
    "company": {"id": "main", "name": "Acme Supplies", "currency": "EUR"},
    "levels": [
        {"id": "first", "name": "First reminder", "delay_days": 10, "email": True,
         "auto_execute": True},
        {"id": "second", "name": "Second reminder", "delay_days": 15, "email": True},
        {"id": "final", "name": "Final notice", "delay_days": 30, "email": True,
         "send_letter": True,
         "manual_action": {"note": "Call them", "responsible": "collections"}},
    ],
}

ADDRESS = {"street": "1 Wharf Rd", "city": "Leeds", "zip": "LS1", "country": "GB"}


def ledger():
    return MemoryHost(
        partners=[
            {"id": "bluebird", "name": "Bluebird Ltd", "email": "ap@bluebird.test",
             "address": ADDRESS},
            {"id": "nocontact", "name": "No Contact SA"},
            {"id": "badmail", "name": "Badmail Co", "email": "ap@badmail.invalid"},
        ],
        items=[
            {"id": "INV-1", "partner": "bluebird", "invoice_date": "2021-12-01",
             "due_date": "2022-01-01", "amount": "500.00", "residual": "500.00"},
            {"id": "INV-3", "partner": "nocontact", "invoice_date": "2021-12-01",
             "due_date": "2022-01-01", "amount": "80.00", "residual": "80.00"},
            {"id": "INV-4", "partner": "badmail", "invoice_date": "2021-12-01",
             "due_date": "2022-01-01", "amount": "99.00", "residual": "99.00"},
        ],
        page_size=2,  # make the engine page
    )


class Version(unittest.TestCase):
    def test_the_library_version_is_cargo_tomls(self):
        with open(os.path.join(ROOT, "Cargo.toml"), "rb") as f:
            version = tomllib.load(f)["workspace"]["package"]["version"]
        self.assertEqual(LIB.version(), version)

    def test_the_header_version_is_cargo_tomls(self):
        with open(os.path.join(ROOT, "include", "followup.h")) as f:
            header = f.read()
        self.assertIn(f'#define FOLLOWUP_VERSION "{LIB.version()}"', header)


class WorkedExample(unittest.TestCase):
    """SPEC.md's table (levels 10, 15, 30; one invoice of 500 due 2022-01-01)."""

    def test_the_table(self):
        engine = Engine(LIB, POLICY)
        host = ledger()
        rows = [
            ("2022-01-10", "with_overdue_invoices", "first", None),
            ("2022-01-11", "in_need_of_action", "first", "2022-01-16"),
            ("2022-01-15", "with_overdue_invoices", "second", None),
            ("2022-01-16", "in_need_of_action", "second", "2022-01-31"),
            ("2022-01-31", "in_need_of_action", "final", "2022-02-15"),
            ("2022-02-15", "with_overdue_invoices", "final", None),
        ]
        for today, status, level, next_reminder in rows:
            report = engine.report(host, today, "bluebird")
            self.assertEqual(report["status"], status, today)
            self.assertEqual(report["level"], level, today)
            outcome = engine.process(host, today, {"partner": "bluebird"})
            self.assertEqual(outcome["did_something"], next_reminder is not None, today)
            if next_reminder:
                self.assertEqual(outcome["next_reminder"], next_reminder)
                self.assertEqual(host.partners["bluebird"]["next_reminder"], next_reminder)
        self.assertEqual(host.items["INV-1"]["level"], "final")
        channels = sorted(m["channel"] for m in host.sent)
        self.assertEqual(channels, ["email", "email", "email", "send_letter"])
        self.assertEqual(len(host.tasks), 1)
        self.assertEqual(host.tasks[0]["responsible"], "collections")
        self.assertTrue(any(e["target"] == {"item": "INV-1"} for e in host.chatter))


class Operations(unittest.TestCase):
    def setUp(self):
        self.engine = Engine(LIB, POLICY)
        self.host = ledger()

    def test_check_and_overview(self):
        self.assertEqual(self.engine.check(self.host), {"partners": 3, "items": 3, "levels": 3})
        lines = self.engine.overview(self.host, "2022-01-11")
        self.assertEqual([l["partner"] for l in lines], ["badmail", "bluebird", "nocontact"])
        self.assertEqual({l["status"] for l in lines}, {"in_need_of_action"})

    def test_batch_and_automatic_run(self):
        batch = self.engine.process_batch(
            self.host, "2022-01-11", ["bluebird", "nocontact", "badmail", "ghost"]
        )
        self.assertEqual([p["partner"] for p in batch["processed"]], ["bluebird"])
        self.assertEqual(batch["skipped"][0]["reason"], "missing_contact")
        failed = {f["partner"]: f["error"]["kind"] for f in batch["failed"]}
        self.assertEqual(failed, {"badmail": "delivery_failed", "ghost": "not_found"})
        plan = self.engine.plan_auto(self.host, "2022-01-11")
        auto = self.engine.run_auto(self.host, "2022-01-11")
        touched = [p["partner"] for kind in ("processed", "skipped", "failed") for p in auto[kind]]
        self.assertEqual(sorted(plan), sorted(touched))
        self.assertEqual(auto["processed"], [])
        self.assertEqual([s["partner"] for s in auto["skipped"]], ["nocontact"])

    def test_remind_later_exclude_and_trust(self):
        self.engine.remind_later(self.host, "2022-01-11", "bluebird", "2022-01-20")
        self.assertEqual(self.host.partners["bluebird"]["next_reminder"], "2022-01-20")
        report = self.engine.report(self.host, "2022-01-11", "bluebird")
        self.assertEqual(report["status"], "with_overdue_invoices")
        self.engine.set_excluded(self.host, "2022-01-11", "INV-3", True)
        self.assertTrue(self.host.items["INV-3"]["excluded"])
        self.engine.set_trust(self.host, "2022-01-11", "badmail", "bad")
        self.assertEqual(self.engine.report(self.host, "2022-01-11", "badmail")["trust"], "bad")

    def test_every_refusal(self):
        cases = [
            ("missing_contact", lambda: self.engine.process(self.host, "2022-01-11",
                                                            {"partner": "nocontact"})),
            ("delivery_failed", lambda: self.engine.process(self.host, "2022-01-11",
                                                            {"partner": "badmail"})),
            ("not_found", lambda: self.engine.report(self.host, "2022-01-11", "ghost")),
            ("invalid_data", lambda: self.engine.report(self.host, "2022-02-30", "bluebird")),
            ("invalid_data", lambda: self.engine.set_trust(self.host, "2022-01-11", "bluebird",
                                                           "awful")),
            ("invalid_data", lambda: self.engine.process(self.host, "2022-01-11",
                                                         {"partner": "bluebird", "colour": 1})),
            ("invalid_policy", lambda: Engine(LIB, {**POLICY, "levels": POLICY["levels"] * 2})),
            ("invalid_data", lambda: Engine(LIB, {"company": {"id": "m"}, "levels": []})),
        ]
        for kind, call in cases:
            with self.assertRaises(FollowupError) as caught:
                call()
            self.assertEqual(caught.exception.kind, kind, caught.exception.message)
        self.assertEqual(self.host.sent, [])
        self.assertEqual(self.host.chatter, [])

    def test_a_failing_callback_aborts_the_call(self):
        class Broken(MemoryHost):
            def log(self, entry):
                raise OSError("disk full")

        host = Broken(partners=self.host.partners.values(), items=self.host.items.values())
        with self.assertRaises(OSError):
            self.engine.process(host, "2022-01-11", {"partner": "bluebird"})
        self.assertEqual(LIB.last_error()[0], "callback_failed")
        self.assertIsNone(host.partners["bluebird"].get("next_reminder"))

    def test_a_callback_returning_garbage_is_invalid_data(self):
        class Garbage(MemoryHost):
            def get_partner(self, partner_id):
                return {"id": partner_id, "name": 42}

        host = Garbage(partners=self.host.partners.values(), items=self.host.items.values())
        with self.assertRaises(FollowupError) as caught:
            self.engine.report(host, "2022-01-11", "bluebird")
        self.assertEqual(caught.exception.kind, "invalid_data")
        self.assertIn("get_partner", caught.exception.message)


class NullAndGarbage(unittest.TestCase):
    """Raw calls with NULL or garbage: an error code, never a crash."""

    def setUp(self):
        self.engine = Engine(LIB, POLICY)
        self.c = LIB.c

    def name(self, code):
        return LIB.result_name(code)

    def test_null_arguments(self):
        out = ctypes.c_void_p()
        host = HostStruct()  # every callback NULL
        e = self.engine.handle
        self.assertEqual(self.name(self.c.followup_engine_new(None, 0, ctypes.byref(out))),
                         "null_parameter")
        self.assertEqual(self.name(self.c.followup_engine_new(b"{}", 2, None)), "null_parameter")
        self.assertEqual(self.name(self.c.followup_engine_check(None, None, None)),
                         "null_parameter")
        self.assertEqual(self.name(self.c.followup_engine_check(e, ctypes.byref(host),
                                                                ctypes.byref(out))),
                         "null_parameter")
        self.assertIn("host->get_partner", LIB.last_error()[1])
        self.assertEqual(self.name(self.c.followup_engine_report(e, None, b"x", 1, b"y", 1,
                                                                 ctypes.byref(out))),
                         "null_parameter")
        self.assertEqual(self.name(self.c.followup_engine_overview(e, None, None, 0, None)),
                         "null_parameter")
        self.assertEqual(self.name(self.c.followup_buffer_write(None, b"x", 1)),
                         "null_parameter")
        self.assertIsNone(self.c.followup_buffer_data(None))
        self.assertEqual(self.c.followup_buffer_len(None), 0)
        self.c.followup_buffer_free(None)
        self.c.followup_engine_free(None)
        self.assertFalse(out)

    def test_garbage_documents(self):
        out = ctypes.c_void_p()
        for doc in [b"", b"{", b"\xff\xfe", b"[]", b'{"company": null, "levels": []}']:
            code = self.c.followup_engine_new(doc, len(doc), ctypes.byref(out))
            self.assertEqual(self.name(code), "invalid_data", doc)
        self.assertFalse(out)
        self.assertEqual(self.name(0xDEADBEEF), "unknown")


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    bad = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - bad} passed, {bad} failed")
    sys.exit(1 if bad else 0)
