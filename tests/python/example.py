"""Remind one customer from Python: libfollowup over ctypes, a ledger in dicts."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from followup import Engine, FollowupError, Library, MemoryHost  # noqa: E402

lib = Library()  # $FOLLOWUP_LIB, else target/debug/libfollowup.so
engine = Engine(lib, {
    "company": {"id": "main", "name": "Acme Supplies", "currency": "EUR"},
    "levels": [{"id": "first", "name": "First reminder", "delay_days": 10, "email": True}],
})
host = MemoryHost(  # subclass followup.Host to put your own ledger behind the callbacks
    partners=[{"id": "bluebird", "name": "Bluebird Ltd", "email": "ap@bluebird.test"}],
    items=[{"id": "INV-1", "partner": "bluebird", "invoice_date": "2021-12-01",
            "due_date": "2022-01-01", "amount": "500.00", "residual": "500.00"}],
)
for line in engine.overview(host, "2022-01-11"):
    print(line["partner"], line["status"], line["level"])
outcome = engine.process(host, "2022-01-11", {"partner": "bluebird"})
print(outcome["note"], "->", [m["to"] for m in host.sent])
try:
    engine.report(host, "2022-01-11", "nobody")
except FollowupError as e:
    print(e.kind, e.message)
