"""A Python host of libfollowup over ctypes (standard library only).

    from followup import Library, Engine, MemoryHost

    lib = Library()                      # $FOLLOWUP_LIB, else target/debug/libfollowup.so
    engine = Engine(lib, {"company": {...}, "levels": [...]})
    host = MemoryHost(partners=[...], items=[...])
    engine.report(host, "2022-01-11", "bluebird")     # -> dict (PARTNER_REPORT)
    engine.process(host, "2022-01-11", {"partner": "bluebird"})
    host.sent                                           # the messages delivered

Records are the JSON documents of docs/capi-schema.md, as Python dicts. A refusal raises
`FollowupError` with `.kind` ("not_found", ...) and `.message`. Subclass `Host` to put
your own ledger behind the callbacks.
"""

import ctypes
import json
import os
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_bool,
    c_char,
    c_char_p,
    c_size_t,
    c_uint32,
    c_void_p,
)

# followup_callback_result
CALLBACK_OK = 0
CALLBACK_NOT_DELIVERED = 1
CALLBACK_FAILED = 2

_STR = c_void_p  # a string argument of a callback: pointer (NULL: none) + length

GET_FN = CFUNCTYPE(c_uint32, c_void_p, _STR, c_size_t, c_void_p)
LIST_PARTNERS_FN = CFUNCTYPE(c_uint32, c_void_p, _STR, c_size_t, c_uint32, c_void_p)
LIST_ITEMS_FN = CFUNCTYPE(
    c_uint32, c_void_p, _STR, c_size_t, _STR, c_size_t, c_uint32, c_void_p
)
SET_TEXT_FN = CFUNCTYPE(c_uint32, c_void_p, _STR, c_size_t, _STR, c_size_t)
SET_FLAG_FN = CFUNCTYPE(c_uint32, c_void_p, _STR, c_size_t, c_bool)
SEND_FN = CFUNCTYPE(c_uint32, c_void_p, _STR, c_size_t, c_void_p)
DOC_FN = CFUNCTYPE(c_uint32, c_void_p, _STR, c_size_t)


class HostStruct(Structure):
    """followup_host, field for field."""

    _fields_ = [
        ("userdata", c_void_p),
        ("get_partner", GET_FN),
        ("list_partners", LIST_PARTNERS_FN),
        ("get_item", GET_FN),
        ("list_items", LIST_ITEMS_FN),
        ("set_item_level", SET_TEXT_FN),
        ("set_next_reminder", SET_TEXT_FN),
        ("set_excluded", SET_FLAG_FN),
        ("set_trust", SET_TEXT_FN),
        ("send", SEND_FN),
        ("log", DOC_FN),
        ("schedule_task", DOC_FN),
    ]


class FollowupError(Exception):
    """A call returned something other than FOLLOWUP_RESULT_OK."""

    def __init__(self, code, kind, message):
        super().__init__(f"{kind}: {message}")
        self.code = code
        self.kind = kind
        self.message = message


def default_library_path():
    """$FOLLOWUP_LIB, else the debug build beside this file's repository."""
    if os.environ.get("FOLLOWUP_LIB"):
        return os.environ["FOLLOWUP_LIB"]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(root, "target", "debug", "libfollowup.so")


class Library:
    """libfollowup, loaded, with every function's signature declared."""

    def __init__(self, path=None):
        self.path = path or default_library_path()
        lib = ctypes.CDLL(self.path)
        P = POINTER
        sigs = {
            "followup_version": ([], c_char_p),
            "followup_result_name": ([c_uint32], c_char_p),
            "followup_error_kind": ([], c_uint32),
            "followup_error_message": ([P(c_char), c_size_t], c_size_t),
            "followup_buffer_data": ([c_void_p], c_void_p),
            "followup_buffer_len": ([c_void_p], c_size_t),
            "followup_buffer_write": ([c_void_p, c_char_p, c_size_t], c_uint32),
            "followup_buffer_free": ([c_void_p], None),
            "followup_engine_new": ([c_char_p, c_size_t, P(c_void_p)], c_uint32),
            "followup_engine_free": ([c_void_p], None),
            "followup_engine_check": ([c_void_p, P(HostStruct), P(c_void_p)], c_uint32),
            "followup_engine_report": (
                [c_void_p, P(HostStruct), c_char_p, c_size_t, c_char_p, c_size_t, P(c_void_p)],
                c_uint32,
            ),
            "followup_engine_overview": (
                [c_void_p, P(HostStruct), c_char_p, c_size_t, P(c_void_p)],
                c_uint32,
            ),
            "followup_engine_process": (
                [c_void_p, P(HostStruct), c_char_p, c_size_t, c_char_p, c_size_t, P(c_void_p)],
                c_uint32,
            ),
            "followup_engine_process_batch": (
                [c_void_p, P(HostStruct), c_char_p, c_size_t, c_char_p, c_size_t, P(c_void_p)],
                c_uint32,
            ),
            "followup_engine_run_auto": (
                [c_void_p, P(HostStruct), c_char_p, c_size_t, P(c_void_p)],
                c_uint32,
            ),
            "followup_engine_plan_auto": (
                [c_void_p, P(HostStruct), c_char_p, c_size_t, P(c_void_p)],
                c_uint32,
            ),
            "followup_engine_remind_later": (
                [c_void_p, P(HostStruct), c_char_p, c_size_t, c_char_p, c_size_t, c_char_p, c_size_t],
                c_uint32,
            ),
            "followup_engine_set_excluded": (
                [c_void_p, P(HostStruct), c_char_p, c_size_t, c_char_p, c_size_t, c_bool],
                c_uint32,
            ),
            "followup_engine_set_trust": (
                [c_void_p, P(HostStruct), c_char_p, c_size_t, c_char_p, c_size_t, c_char_p, c_size_t],
                c_uint32,
            ),
        }
        for name, (args, res) in sigs.items():
            fn = getattr(lib, name)
            fn.argtypes = args
            fn.restype = res
        self.c = lib

    def version(self):
        return self.c.followup_version().decode()

    def result_name(self, code):
        return self.c.followup_result_name(code).decode()

    def last_error(self):
        """(kind, message) of this thread's last call."""
        n = self.c.followup_error_message(None, 0)
        buf = ctypes.create_string_buffer(n + 1)
        self.c.followup_error_message(buf, n + 1)
        return self.result_name(self.c.followup_error_kind()), buf.value.decode("utf-8", "replace")

    def check(self, code):
        if code != 0:
            kind, message = self.last_error()
            raise FollowupError(code, kind, message)

    def take_buffer(self, buf):
        """The content of a result buffer, which is then freed."""
        try:
            data = self.c.followup_buffer_data(buf)
            return ctypes.string_at(data, self.c.followup_buffer_len(buf))
        finally:
            self.c.followup_buffer_free(buf)

    def write(self, buf, text):
        data = text.encode() if isinstance(text, str) else text
        return self.c.followup_buffer_write(buf, data, len(data))


def _text(ptr, length):
    """A callback's string argument, or None for NULL."""
    if not ptr:
        return None
    return ctypes.string_at(ptr, length).decode("utf-8")


class Host:
    """The host's ledger, messaging and chatter. Override every method."""

    def get_partner(self, partner_id):
        """The PARTNER document (dict), or None."""
        raise NotImplementedError

    def list_partners(self, cursor, limit):
        """(list of PARTNER, next cursor or None), at most `limit` after `cursor`."""
        raise NotImplementedError

    def get_item(self, item_id):
        """The ITEM document, or None."""
        raise NotImplementedError

    def list_items(self, partner_id, cursor, limit):
        """(list of ITEM, next cursor or None) of one partner (None: of all)."""
        raise NotImplementedError

    def set_item_level(self, item_id, level):
        raise NotImplementedError

    def set_next_reminder(self, partner_id, date):
        raise NotImplementedError

    def set_excluded(self, item_id, excluded):
        raise NotImplementedError

    def set_trust(self, partner_id, trust):
        raise NotImplementedError

    def send(self, message):
        """Deliver a MESSAGE; return None when delivered, else the reason (str)."""
        raise NotImplementedError

    def log(self, entry):
        raise NotImplementedError

    def schedule_task(self, task):
        raise NotImplementedError


class MemoryHost(Host):
    """A ledger in dicts, paging by id; records every message, entry and task."""

    def __init__(self, partners=(), items=(), page_size=1000):
        self.partners = {p["id"]: dict(p) for p in partners}
        self.items = {i["id"]: dict(i) for i in items}
        self.page_size = page_size
        self.sent, self.chatter, self.tasks = [], [], []

    def _page(self, records, cursor, limit):
        ids = sorted(i for i in records if cursor is None or i > cursor)
        page = ids[: max(1, min(limit, self.page_size))]
        more = len(ids) > len(page)
        return [records[i] for i in page], (page[-1] if more else None)

    def get_partner(self, partner_id):
        return self.partners.get(partner_id)

    def list_partners(self, cursor, limit):
        return self._page(self.partners, cursor, limit)

    def get_item(self, item_id):
        return self.items.get(item_id)

    def list_items(self, partner_id, cursor, limit):
        mine = {k: v for k, v in self.items.items() if partner_id in (None, v["partner"])}
        return self._page(mine, cursor, limit)

    def set_item_level(self, item_id, level):
        self.items[item_id]["level"] = level

    def set_next_reminder(self, partner_id, date):
        self.partners[partner_id]["next_reminder"] = date

    def set_excluded(self, item_id, excluded):
        self.items[item_id]["excluded"] = excluded

    def set_trust(self, partner_id, trust):
        self.partners[partner_id]["trust"] = trust

    def send(self, message):
        if message["to"].endswith(".invalid"):
            return "the .invalid domain is reserved"
        self.sent.append(message)
        return None

    def log(self, entry):
        self.chatter.append(entry)

    def schedule_task(self, task):
        self.tasks.append(task)


class _Bridge:
    """The C callbacks over a Host, alive for one call. A Python exception in a
    callback fails it (FOLLOWUP_CALLBACK_RESULT_FAILED) and is raised after the call."""

    def __init__(self, lib, host):
        self.lib, self.host, self.error = lib, host, None
        guard = self._guard
        self.struct = HostStruct(
            None,
            GET_FN(guard(self._get_partner)),
            LIST_PARTNERS_FN(guard(self._list_partners)),
            GET_FN(guard(self._get_item)),
            LIST_ITEMS_FN(guard(self._list_items)),
            SET_TEXT_FN(guard(self._set_item_level)),
            SET_TEXT_FN(guard(self._set_next_reminder)),
            SET_FLAG_FN(guard(self._set_excluded)),
            SET_TEXT_FN(guard(self._set_trust)),
            SEND_FN(guard(self._send)),
            DOC_FN(guard(self._log)),
            DOC_FN(guard(self._schedule_task)),
        )

    def _guard(self, fn):
        def callback(*args):
            try:
                return fn(*args)
            except Exception as e:  # noqa: BLE001 - reported after the call
                if self.error is None:
                    self.error = e
                return CALLBACK_FAILED

        return callback

    def _answer(self, out, document):
        code = self.lib.write(out, json.dumps(document))
        return CALLBACK_OK if code == 0 else CALLBACK_FAILED

    def _get_partner(self, _ud, id_ptr, id_len, out):
        return self._answer(out, self.host.get_partner(_text(id_ptr, id_len)))

    def _list_partners(self, _ud, cur, cur_len, limit, out):
        records, nxt = self.host.list_partners(_text(cur, cur_len), limit)
        return self._answer(out, {"partners": records, "next": nxt})

    def _get_item(self, _ud, id_ptr, id_len, out):
        return self._answer(out, self.host.get_item(_text(id_ptr, id_len)))

    def _list_items(self, _ud, p, p_len, cur, cur_len, limit, out):
        records, nxt = self.host.list_items(_text(p, p_len), _text(cur, cur_len), limit)
        return self._answer(out, {"items": records, "next": nxt})

    def _set_item_level(self, _ud, i, i_len, level, level_len):
        self.host.set_item_level(_text(i, i_len), _text(level, level_len))
        return CALLBACK_OK

    def _set_next_reminder(self, _ud, p, p_len, date, date_len):
        self.host.set_next_reminder(_text(p, p_len), _text(date, date_len))
        return CALLBACK_OK

    def _set_excluded(self, _ud, i, i_len, excluded):
        self.host.set_excluded(_text(i, i_len), bool(excluded))
        return CALLBACK_OK

    def _set_trust(self, _ud, p, p_len, trust, trust_len):
        self.host.set_trust(_text(p, p_len), _text(trust, trust_len))
        return CALLBACK_OK

    def _send(self, _ud, msg, msg_len, reason):
        why = self.host.send(json.loads(_text(msg, msg_len)))
        if why is None:
            return CALLBACK_OK
        self.lib.write(reason, why)
        return CALLBACK_NOT_DELIVERED

    def _log(self, _ud, entry, entry_len):
        self.host.log(json.loads(_text(entry, entry_len)))
        return CALLBACK_OK

    def _schedule_task(self, _ud, task, task_len):
        self.host.schedule_task(json.loads(_text(task, task_len)))
        return CALLBACK_OK


def _b(text):
    data = text.encode() if isinstance(text, str) else text
    return data, len(data)


class Engine:
    """followup_engine: a checked policy; every operation of the component."""

    def __init__(self, lib, policy):
        self.lib = lib
        self.handle = c_void_p()
        doc = _b(json.dumps(policy))
        lib.check(lib.c.followup_engine_new(*doc, ctypes.byref(self.handle)))

    def close(self):
        if self.handle:
            self.lib.c.followup_engine_free(self.handle)
            self.handle = c_void_p()

    def __del__(self):
        self.close()

    def _call(self, name, host, *args, returns=True):
        bridge = _Bridge(self.lib, host)
        out = c_void_p()
        extra = (ctypes.byref(out),) if returns else ()
        code = getattr(self.lib.c, name)(self.handle, ctypes.byref(bridge.struct), *args, *extra)
        if bridge.error is not None:
            raise bridge.error
        self.lib.check(code)
        return json.loads(self.lib.take_buffer(out)) if returns else None

    def check(self, host):
        return self._call("followup_engine_check", host)

    def report(self, host, today, partner):
        return self._call("followup_engine_report", host, *_b(today), *_b(partner))

    def overview(self, host, today):
        return self._call("followup_engine_overview", host, *_b(today))

    def process(self, host, today, request):
        return self._call("followup_engine_process", host, *_b(today), *_b(json.dumps(request)))

    def process_batch(self, host, today, partners):
        return self._call(
            "followup_engine_process_batch", host, *_b(today), *_b(json.dumps(partners))
        )

    def run_auto(self, host, today):
        return self._call("followup_engine_run_auto", host, *_b(today))

    def plan_auto(self, host, today):
        """The partners run_auto would process on `today`, in its order (reads only)."""
        return self._call("followup_engine_plan_auto", host, *_b(today))

    def remind_later(self, host, today, partner, date):
        self._call(
            "followup_engine_remind_later", host, *_b(today), *_b(partner), *_b(date), returns=False
        )

    def set_excluded(self, host, today, item, excluded):
        self._call(
            "followup_engine_set_excluded", host, *_b(today), *_b(item), excluded, returns=False
        )

    def set_trust(self, host, today, partner, trust):
        self._call(
            "followup_engine_set_trust", host, *_b(today), *_b(partner), *_b(trust), returns=False
        )
