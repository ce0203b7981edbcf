/*
 * A C host of libfollowup: the ledger, messaging and chatter callbacks over a small
 * in-memory ledger, and a test of every exported function: report, overview,
 * process, batch, the automatic run, the small operations, every error kind, and
 * NULL or garbage arguments (each must give an error code, never a crash).
 *
 * Build: cc -std=c11 -Wall -Wextra -Werror -pedantic -I include tests/c/host_test.c \
 *           -L target/debug -lfollowup        (tests/c/run.sh does it three ways)
 * Prints one line per failed check and "N passed, N failed"; exits 1 on a failure.
 */
#include "followup.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- checks ---- */

static int passed;
static int failed;

#define CHECK(cond) check((cond), #cond, __LINE__)

static void check(bool ok, const char *what, int line) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL line %d: %s\n", line, what);
    }
}

/* `want` must be what a call returned; otherwise print the call's last error. */
#define EXPECT(call, want) expect((call), (want), #call, __LINE__)

static void expect(followup_result got, followup_result want, const char *what, int line) {
    if (got == want && followup_error_kind() == want) {
        passed++;
        return;
    }
    char message[512];
    followup_error_message(message, sizeof message);
    failed++;
    fprintf(stderr, "FAIL line %d: %s\n  expected %s, got %s: %s\n", line, what,
            followup_result_name(want), followup_result_name(got), message);
}

/* A C string as the library's pointer + length arguments. */
#define S(text) (text), strlen(text)

/* Whether a pointer + length string equals a C string. */
static bool eq(const char *s, size_t len, const char *c) {
    return s != NULL && strlen(c) == len && memcmp(s, c, len) == 0;
}

/* Whether a result document contains `needle` (its content is NUL-terminated). */
static bool contains(const followup_buffer *doc, const char *needle) {
    return doc != NULL && strstr(followup_buffer_data(doc), needle) != NULL;
}

/* Whether the last error's message contains `needle`. */
static bool message_contains(const char *needle) {
    char message[1024];
    followup_error_message(message, sizeof message);
    return strstr(message, needle) != NULL;
}

/* ---- the in-memory ledger ---- */

#define MAX_PAGE 2 /* serve at most two records a page, so the engine pages */

typedef struct {
    const char *id;
    const char *name;
    const char *email; /* NULL: none */
    char trust[8];
    char next_reminder[16]; /* "": none */
} partner;

typedef struct {
    const char *id;
    const char *partner;
    const char *due_date;
    const char *amount;
    bool excluded;
    char level[32]; /* "": none */
} item;

typedef struct {
    partner partners[3];
    size_t n_partners;
    item items[4];
    size_t n_items;
    int sent;
    int chatter;
    int tasks;
    char last_key[256];
    bool fail_writes;     /* every write callback fails */
    bool garbage_partner; /* get_partner writes a broken document */
} ledger;

static ledger new_ledger(void) {
    ledger l = {
        .partners = {
            {"badmail", "Badmail Co", "ap@badmail.invalid", "normal", ""},
            {"bluebird", "Bluebird Ltd", "ap@bluebird.test", "normal", ""},
            {"nocontact", "No Contact SA", NULL, "normal", ""},
        },
        .n_partners = 3,
        .items = {
            {"INV-1", "bluebird", "2022-01-01", "500.00", false, ""},
            {"INV-2", "bluebird", "2022-01-05", "120.50", false, ""},
            {"INV-3", "nocontact", "2022-01-01", "80.00", false, ""},
            {"INV-4", "badmail", "2022-01-01", "99.00", false, ""},
        },
        .n_items = 4,
    };
    return l;
}

static partner *find_partner(ledger *l, const char *id, size_t len) {
    for (size_t i = 0; i < l->n_partners; i++) {
        if (eq(id, len, l->partners[i].id)) {
            return &l->partners[i];
        }
    }
    return NULL;
}

static item *find_item(ledger *l, const char *id, size_t len) {
    for (size_t i = 0; i < l->n_items; i++) {
        if (eq(id, len, l->items[i].id)) {
            return &l->items[i];
        }
    }
    return NULL;
}

/* Copies a pointer + length string (NULL: "") into a fixed field. */
static bool copy_field(char *field, size_t size, const char *s, size_t len) {
    if (s == NULL) {
        field[0] = '\0';
        return true;
    }
    if (len >= size) {
        return false;
    }
    memcpy(field, s, len);
    field[len] = '\0';
    return true;
}

/* ---- JSON out (the test data needs no escaping; a real host must escape) ---- */

static bool put(followup_buffer *out, const char *text) {
    return followup_buffer_write(out, text, strlen(text)) == FOLLOWUP_RESULT_OK;
}

static bool put_string(followup_buffer *out, const char *s) {
    if (s == NULL || s[0] == '\0') {
        return put(out, "null");
    }
    return put(out, "\"") && put(out, s) && put(out, "\"");
}

static bool put_partner(followup_buffer *out, const partner *p) {
    return put(out, "{\"id\":") && put_string(out, p->id) && put(out, ",\"name\":") &&
           put_string(out, p->name) && put(out, ",\"email\":") && put_string(out, p->email) &&
           put(out, ",\"trust\":") && put_string(out, p->trust) &&
           put(out, ",\"next_reminder\":") && put_string(out, p->next_reminder) && put(out, "}");
}

static bool put_item(followup_buffer *out, const item *i) {
    return put(out, "{\"id\":") && put_string(out, i->id) && put(out, ",\"partner\":") &&
           put_string(out, i->partner) && put(out, ",\"invoice_date\":\"2021-12-01\"") &&
           put(out, ",\"due_date\":") && put_string(out, i->due_date) &&
           put(out, ",\"amount\":") && put_string(out, i->amount) &&
           put(out, ",\"residual\":") && put_string(out, i->amount) &&
           put(out, i->excluded ? ",\"excluded\":true" : ",\"excluded\":false") &&
           put(out, ",\"level\":") && put_string(out, i->level) && put(out, "}");
}

/* A page cursor is the index of the next record, as text. */
static size_t cursor_index(const char *cursor, size_t len) {
    char text[32];
    if (cursor == NULL || !copy_field(text, sizeof text, cursor, len)) {
        return 0;
    }
    return (size_t)strtoul(text, NULL, 10);
}

static bool put_next(followup_buffer *out, size_t next, bool more) {
    char text[40];
    if (!more) {
        return put(out, "null");
    }
    snprintf(text, sizeof text, "\"%zu\"", next);
    return put(out, text);
}

static uint32_t result_of(bool ok) {
    return ok ? FOLLOWUP_CALLBACK_RESULT_OK : FOLLOWUP_CALLBACK_RESULT_FAILED;
}

/* ---- the callbacks ---- */

static uint32_t get_partner(void *userdata, const char *id, size_t id_len, followup_buffer *out) {
    ledger *l = userdata;
    if (l->garbage_partner) {
        return result_of(put(out, "{\"id\": 42"));
    }
    const partner *p = find_partner(l, id, id_len);
    return result_of(p != NULL ? put_partner(out, p) : put(out, "null"));
}

static uint32_t list_partners(void *userdata, const char *cursor, size_t cursor_len,
                              uint32_t limit, followup_buffer *out) {
    ledger *l = userdata;
    size_t at = cursor_index(cursor, cursor_len);
    size_t n = limit < MAX_PAGE ? limit : MAX_PAGE;
    bool ok = put(out, "{\"partners\":[");
    size_t i = at;
    for (; ok && i < l->n_partners && i < at + n; i++) {
        ok = (i == at || put(out, ",")) && put_partner(out, &l->partners[i]);
    }
    ok = ok && put(out, "],\"next\":") && put_next(out, i, i < l->n_partners) && put(out, "}");
    return result_of(ok);
}

static uint32_t get_item(void *userdata, const char *id, size_t id_len, followup_buffer *out) {
    ledger *l = userdata;
    const item *i = find_item(l, id, id_len);
    return result_of(i != NULL ? put_item(out, i) : put(out, "null"));
}

static uint32_t list_items(void *userdata, const char *partner_id, size_t partner_len,
                           const char *cursor, size_t cursor_len, uint32_t limit,
                           followup_buffer *out) {
    ledger *l = userdata;
    size_t n = limit < MAX_PAGE ? limit : MAX_PAGE;
    size_t count = 0;
    size_t i = cursor_index(cursor, cursor_len);
    bool ok = put(out, "{\"items\":[");
    for (; ok && i < l->n_items && count < n; i++) {
        if (partner_id == NULL || eq(partner_id, partner_len, l->items[i].partner)) {
            ok = (count == 0 || put(out, ",")) && put_item(out, &l->items[i]);
            count++;
        }
    }
    bool more = false;
    for (size_t j = i; j < l->n_items; j++) {
        more = more || partner_id == NULL || eq(partner_id, partner_len, l->items[j].partner);
    }
    ok = ok && put(out, "],\"next\":") && put_next(out, i, more) && put(out, "}");
    return result_of(ok);
}

static uint32_t set_item_level(void *userdata, const char *item_id, size_t item_len,
                               const char *level, size_t level_len) {
    ledger *l = userdata;
    item *i = find_item(l, item_id, item_len);
    return result_of(!l->fail_writes && i != NULL &&
                     copy_field(i->level, sizeof i->level, level, level_len));
}

static uint32_t set_next_reminder(void *userdata, const char *partner_id, size_t partner_len,
                                  const char *date, size_t date_len) {
    ledger *l = userdata;
    partner *p = find_partner(l, partner_id, partner_len);
    return result_of(!l->fail_writes && p != NULL &&
                     copy_field(p->next_reminder, sizeof p->next_reminder, date, date_len));
}

static uint32_t set_excluded(void *userdata, const char *item_id, size_t item_len,
                             bool excluded) {
    ledger *l = userdata;
    item *i = find_item(l, item_id, item_len);
    if (l->fail_writes || i == NULL) {
        return FOLLOWUP_CALLBACK_RESULT_FAILED;
    }
    i->excluded = excluded;
    return FOLLOWUP_CALLBACK_RESULT_OK;
}

static uint32_t set_trust(void *userdata, const char *partner_id, size_t partner_len,
                          const char *trust, size_t trust_len) {
    ledger *l = userdata;
    partner *p = find_partner(l, partner_id, partner_len);
    return result_of(!l->fail_writes && p != NULL &&
                     copy_field(p->trust, sizeof p->trust, trust, trust_len));
}

static uint32_t send_message(void *userdata, const char *message, size_t message_len,
                     followup_buffer *reason) {
    ledger *l = userdata;
    (void)message_len; /* the library NUL-terminates what it hands over */
    if (strstr(message, ".invalid\"") != NULL) {
        put(reason, "the .invalid domain is reserved");
        return FOLLOWUP_CALLBACK_RESULT_NOT_DELIVERED;
    }
    const char *key = strstr(message, "\"key\":\"");
    if (key != NULL) {
        key += strlen("\"key\":\"");
        size_t len = strcspn(key, "\"");
        copy_field(l->last_key, sizeof l->last_key, key, len);
    }
    l->sent++;
    return FOLLOWUP_CALLBACK_RESULT_OK;
}

static uint32_t log_entry(void *userdata, const char *entry, size_t entry_len) {
    ledger *l = userdata;
    (void)entry;
    (void)entry_len;
    if (l->fail_writes) {
        return FOLLOWUP_CALLBACK_RESULT_FAILED;
    }
    l->chatter++;
    return FOLLOWUP_CALLBACK_RESULT_OK;
}

static uint32_t schedule_task(void *userdata, const char *task, size_t task_len) {
    ledger *l = userdata;
    (void)task_len;
    if (l->fail_writes || strstr(task, "\"responsible\":\"collections\"") == NULL) {
        return FOLLOWUP_CALLBACK_RESULT_FAILED;
    }
    l->tasks++;
    return FOLLOWUP_CALLBACK_RESULT_OK;
}

static followup_host host_of(ledger *l) {
    followup_host host = {
        .userdata = l,
        .get_partner = get_partner,
        .list_partners = list_partners,
        .get_item = get_item,
        .list_items = list_items,
        .set_item_level = set_item_level,
        .set_next_reminder = set_next_reminder,
        .set_excluded = set_excluded,
        .set_trust = set_trust,
        .send = send_message,
        .log = log_entry,
        .schedule_task = schedule_task,
    };
    return host;
}

static const char POLICY[] =
    "{\"company\": {\"id\": \"main\", \"name\": \"Acme Supplies\", \"currency\": \"EUR\"},"
    " \"levels\": ["
    "  {\"id\": \"first\", \"name\": \"First reminder\", \"delay_days\": 10, \"email\": true,"
    "   \"auto_execute\": true},"
    "  {\"id\": \"second\", \"name\": \"Second reminder\", \"delay_days\": 15, \"email\": true,"
    "   \"manual_action\": {\"note\": \"Call the customer\", \"responsible\": \"collections\"}}"
    " ]}";

/* ---- the tests ---- */

static void test_version(void) {
    CHECK(strcmp(followup_version(), FOLLOWUP_VERSION) == 0);
    char text[32];
    snprintf(text, sizeof text, "%d.%d.%d", FOLLOWUP_VERSION_MAJOR, FOLLOWUP_VERSION_MINOR,
             FOLLOWUP_VERSION_PATCH);
    CHECK(strcmp(text, FOLLOWUP_VERSION) == 0);
    CHECK(FOLLOWUP_VERSION_NUMBER == ((FOLLOWUP_VERSION_MAJOR << 16) |
                                      (FOLLOWUP_VERSION_MINOR << 8) | FOLLOWUP_VERSION_PATCH));
}

static void test_result_names_and_last_error(void) {
    CHECK(strcmp(followup_result_name(FOLLOWUP_RESULT_OK), "ok") == 0);
    CHECK(strcmp(followup_result_name(FOLLOWUP_RESULT_INVALID_POLICY), "invalid_policy") == 0);
    CHECK(strcmp(followup_result_name(FOLLOWUP_RESULT_INVALID_DATA), "invalid_data") == 0);
    CHECK(strcmp(followup_result_name(FOLLOWUP_RESULT_NOT_FOUND), "not_found") == 0);
    CHECK(strcmp(followup_result_name(FOLLOWUP_RESULT_MISSING_CONTACT), "missing_contact") == 0);
    CHECK(strcmp(followup_result_name(FOLLOWUP_RESULT_DELIVERY_FAILED), "delivery_failed") == 0);
    CHECK(strcmp(followup_result_name(FOLLOWUP_RESULT_NULL_PARAMETER), "null_parameter") == 0);
    CHECK(strcmp(followup_result_name(FOLLOWUP_RESULT_CALLBACK_FAILED), "callback_failed") == 0);
    CHECK(strcmp(followup_result_name(FOLLOWUP_RESULT_PANIC), "panic") == 0);
    CHECK(strcmp(followup_result_name(12345), "unknown") == 0);
    CHECK(strcmp(followup_result_name(0xFFFFFFFFu), "unknown") == 0);

    /* The message of the last error, snprintf-style. */
    followup_engine *engine = NULL;
    EXPECT(followup_engine_new(S("{"), &engine), FOLLOWUP_RESULT_INVALID_DATA);
    size_t full = followup_error_message(NULL, 0);
    CHECK(full > 10);
    CHECK(followup_error_message(NULL, 100) == full);
    char small[8];
    memset(small, 'x', sizeof small);
    CHECK(followup_error_message(small, sizeof small) == full);
    CHECK(strlen(small) == sizeof small - 1);
    CHECK(strncmp(small, "argumen", 7) == 0);
    CHECK(message_contains("argument `policy`"));
    /* A success clears it. */
    EXPECT(followup_engine_new(S(POLICY), &engine), FOLLOWUP_RESULT_OK);
    CHECK(followup_error_kind() == FOLLOWUP_RESULT_OK);
    CHECK(followup_error_message(NULL, 0) == 0);
    followup_engine_free(engine);
}

static void test_engine_new(void) {
    followup_engine *const sentinel = (followup_engine *)&passed;
    followup_engine *engine = sentinel;
    /* Invalid policies and documents; the out-parameter is left alone. */
    EXPECT(followup_engine_new(
               S("{\"company\": {\"id\": \"m\", \"name\": \"M\", \"currency\": \"EUR\"},"
                 " \"levels\": [{\"id\": \"a\", \"name\": \"A\", \"delay_days\": 5},"
                 " {\"id\": \"b\", \"name\": \"B\", \"delay_days\": 5}]}"),
               &engine),
           FOLLOWUP_RESULT_INVALID_POLICY);
    CHECK(message_contains("delay"));
    EXPECT(followup_engine_new(
               S("{\"company\": {\"id\": \"m\", \"name\": \"M\", \"currency\": \"eur\"},"
                 " \"levels\": []}"),
               &engine),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_new(S("not json"), &engine), FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_new(S("{\"company\": 7, \"levels\": []}"), &engine),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_new(
               S("{\"company\": {\"id\": \"m\", \"name\": \"M\", \"currency\": \"EUR\"},"
                 " \"levels\": [], \"colour\": \"blue\"}"),
               &engine),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_new(S("{\"company\": {\"id\": \"\xff\xfe\"}}"), &engine),
           FOLLOWUP_RESULT_INVALID_DATA);
    CHECK(message_contains("UTF-8"));
    EXPECT(followup_engine_new(NULL, 0, &engine), FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_new(S(POLICY), NULL), FOLLOWUP_RESULT_NULL_PARAMETER);
    CHECK(engine == sentinel);
    followup_engine_free(NULL);
}

static void test_operations(followup_engine *engine) {
    ledger l = new_ledger();
    followup_host host = host_of(&l);
    followup_buffer *out = NULL;

    /* check */
    EXPECT(followup_engine_check(engine, &host, &out), FOLLOWUP_RESULT_OK);
    CHECK(contains(out, "\"partners\":3"));
    CHECK(contains(out, "\"items\":4"));
    CHECK(contains(out, "\"levels\":2"));
    followup_buffer_free(out);

    /* report */
    EXPECT(followup_engine_report(engine, &host, S("2022-01-11"), S("bluebird"), &out),
           FOLLOWUP_RESULT_OK);
    CHECK(contains(out, "\"status\":\"in_need_of_action\""));
    CHECK(contains(out, "\"level\":\"first\""));
    CHECK(contains(out, "\"due\":\"620.50\""));
    CHECK(followup_buffer_len(out) == strlen(followup_buffer_data(out)));
    followup_buffer_free(out);

    /* print_letter: the letter "Print Letter" makes, with its PDF (base64 of "%PDF-") */
    EXPECT(followup_engine_print_letter(engine, &host, S("2022-01-11"), S("bluebird"), &out),
           FOLLOWUP_RESULT_OK);
    CHECK(contains(out, "\"partner\":\"bluebird\""));
    CHECK(contains(out, "\"mime_type\":\"application/pdf\""));
    CHECK(contains(out, "\"content\":\"JVBERi0"));
    followup_buffer_free(out);

    /* overview: in need of action, oldest due date first, then id */
    EXPECT(followup_engine_overview(engine, &host, S("2022-01-11"), &out), FOLLOWUP_RESULT_OK);
    const char *doc = followup_buffer_data(out);
    const char *badmail = strstr(doc, "\"partner\":\"badmail\"");
    const char *bluebird = strstr(doc, "\"partner\":\"bluebird\"");
    const char *nocontact = strstr(doc, "\"partner\":\"nocontact\"");
    CHECK(doc[0] == '[');
    CHECK(badmail != NULL && bluebird != NULL && nocontact != NULL);
    CHECK(badmail < bluebird && bluebird < nocontact);
    followup_buffer_free(out);

    /* process: one email, item levels and the next reminder written through the host */
    EXPECT(followup_engine_process(engine, &host, S("2022-01-11"), S("{\"partner\": \"bluebird\"}"),
                                   &out),
           FOLLOWUP_RESULT_OK);
    CHECK(contains(out, "\"did_something\":true"));
    CHECK(contains(out, "\"next_reminder\":\"2022-01-16\""));
    followup_buffer_free(out);
    CHECK(l.sent == 1);
    CHECK(strcmp(l.last_key, "followup/1/main/bluebird/first/2022-01-11/email") == 0);
    CHECK(strcmp(l.items[0].level, "first") == 0);
    CHECK(strcmp(l.partners[1].next_reminder, "2022-01-16") == 0);
    CHECK(l.chatter >= 3);

    /* process again: nothing to do */
    EXPECT(followup_engine_process(engine, &host, S("2022-01-11"), S("{\"partner\": \"bluebird\"}"),
                                   &out),
           FOLLOWUP_RESULT_OK);
    CHECK(contains(out, "\"did_something\":false"));
    followup_buffer_free(out);

    /* every refusal: the out-parameter is left alone and nothing is sent */
    followup_buffer *const sentinel = (followup_buffer *)&failed;
    out = sentinel;
    int chatter = l.chatter;
    EXPECT(followup_engine_process(engine, &host, S("2022-01-11"),
                                   S("{\"partner\": \"nocontact\"}"), &out),
           FOLLOWUP_RESULT_MISSING_CONTACT);
    CHECK(message_contains("nocontact"));
    EXPECT(followup_engine_process(engine, &host, S("2022-01-11"), S("{\"partner\": \"badmail\"}"),
                                   &out),
           FOLLOWUP_RESULT_DELIVERY_FAILED);
    CHECK(message_contains("reserved"));
    EXPECT(followup_engine_process(engine, &host, S("2022-01-11"), S("{\"partner\": \"ghost\"}"),
                                   &out),
           FOLLOWUP_RESULT_NOT_FOUND);
    EXPECT(followup_engine_report(engine, &host, S("2022-02-30"), S("bluebird"), &out),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_process(engine, &host, S("2022-01-11"),
                                   S("{\"partner\": \"bluebird\", \"channels\": [\"fax\"]}"), &out),
           FOLLOWUP_RESULT_INVALID_DATA);
    CHECK(out == sentinel);
    CHECK(l.sent == 1 && l.chatter == chatter);
    CHECK(strcmp(l.items[2].level, "") == 0 && strcmp(l.items[3].level, "") == 0);

    /* batch: processed, skipped, failed */
    EXPECT(followup_engine_process_batch(
               engine, &host, S("2022-01-16"),
               S("[\"bluebird\", \"nocontact\", \"badmail\", \"ghost\"]"), &out),
           FOLLOWUP_RESULT_OK);
    CHECK(contains(out, "\"processed\":[{\"partner\":\"bluebird\""));
    CHECK(contains(out, "\"skipped\":[{\"partner\":\"nocontact\",\"reason\":\"missing_contact\""));
    CHECK(contains(out, "{\"partner\":\"badmail\",\"error\":{\"kind\":\"delivery_failed\""));
    CHECK(contains(out, "{\"partner\":\"ghost\",\"error\":{\"kind\":\"not_found\""));
    followup_buffer_free(out);
    CHECK(l.sent == 2 && l.tasks == 1);
    CHECK(strcmp(l.items[0].level, "second") == 0);
    CHECK(strcmp(l.partners[1].next_reminder, "2022-01-21") == 0);

    /* the automatic run: nocontact and badmail are due at the first (automatic) level */
    EXPECT(followup_engine_plan_auto(engine, &host, S("2022-01-16"), &out), FOLLOWUP_RESULT_OK);
    CHECK(contains(out, "\"nocontact\"") && contains(out, "\"badmail\""));
    CHECK(!contains(out, "\"bluebird\""));
    followup_buffer_free(out);
    CHECK(l.sent == 2 && l.tasks == 1); /* the plan sends nothing */
    EXPECT(followup_engine_run_auto(engine, &host, S("2022-01-16"), &out), FOLLOWUP_RESULT_OK);
    CHECK(contains(out, "\"processed\":[]"));
    CHECK(contains(out, "\"partner\":\"nocontact\""));
    CHECK(contains(out, "\"partner\":\"badmail\""));
    followup_buffer_free(out);

    /* remind later, exclude, trust */
    EXPECT(followup_engine_remind_later(engine, &host, S("2022-01-16"), S("nocontact"),
                                        S("2022-01-20")),
           FOLLOWUP_RESULT_OK);
    CHECK(strcmp(l.partners[2].next_reminder, "2022-01-20") == 0);
    EXPECT(followup_engine_remind_later(engine, &host, S("2022-01-16"), S("nocontact"),
                                        S("2022-01-01")),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_remind_later(engine, &host, S("2022-01-16"), S("ghost"),
                                        S("2022-01-20")),
           FOLLOWUP_RESULT_NOT_FOUND);
    EXPECT(followup_engine_set_excluded(engine, &host, S("2022-01-16"), S("INV-4"), true),
           FOLLOWUP_RESULT_OK);
    CHECK(l.items[3].excluded);
    EXPECT(followup_engine_set_excluded(engine, &host, S("2022-01-16"), S("INV-9"), true),
           FOLLOWUP_RESULT_NOT_FOUND);
    EXPECT(followup_engine_set_trust(engine, &host, S("2022-01-16"), S("bluebird"), S("bad")),
           FOLLOWUP_RESULT_OK);
    CHECK(strcmp(l.partners[1].trust, "bad") == 0);
    EXPECT(followup_engine_set_trust(engine, &host, S("2022-01-16"), S("bluebird"), S("awful")),
           FOLLOWUP_RESULT_INVALID_DATA);
    CHECK(strcmp(l.partners[1].trust, "bad") == 0);
    EXPECT(followup_engine_report(engine, &host, S("2022-01-16"), S("badmail"), &out),
           FOLLOWUP_RESULT_OK);
    CHECK(contains(out, "\"status\":\"no_action_needed\""));
    CHECK(contains(out, "\"excluded\":true"));
    followup_buffer_free(out);
}

static void test_callback_failures(followup_engine *engine) {
    ledger l = new_ledger();
    followup_host host = host_of(&l);
    followup_buffer *out = NULL;

    /* A write callback fails: the operation is aborted. */
    l.fail_writes = true;
    EXPECT(followup_engine_set_trust(engine, &host, S("2022-01-16"), S("bluebird"), S("good")),
           FOLLOWUP_RESULT_CALLBACK_FAILED);
    CHECK(message_contains("set_trust"));
    EXPECT(followup_engine_process(engine, &host, S("2022-01-11"), S("{\"partner\": \"bluebird\"}"),
                                   &out),
           FOLLOWUP_RESULT_CALLBACK_FAILED);
    CHECK(l.chatter == 0 && l.tasks == 0);
    l.fail_writes = false;

    /* A read callback writes a broken document: invalid_data, naming the callback. */
    l.garbage_partner = true;
    EXPECT(followup_engine_report(engine, &host, S("2022-01-11"), S("bluebird"), &out),
           FOLLOWUP_RESULT_INVALID_DATA);
    CHECK(message_contains("get_partner"));
    l.garbage_partner = false;

    /* A host without one of its callbacks is refused before anything is called. */
    followup_host partial = host;
    partial.schedule_task = NULL;
    EXPECT(followup_engine_report(engine, &partial, S("2022-01-11"), S("bluebird"), &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    CHECK(message_contains("schedule_task"));
    partial = host;
    partial.get_partner = NULL;
    EXPECT(followup_engine_check(engine, &partial, &out), FOLLOWUP_RESULT_NULL_PARAMETER);
}

/* Every exported function with NULL or garbage input: an error code (or a documented
 * default), never a crash. */
static void test_null_and_garbage(followup_engine *engine) {
    ledger l = new_ledger();
    followup_host host = host_of(&l);
    followup_buffer *out = NULL;
    const char bad_utf8[] = "2022-01-\xff\xfe";
    const char *const D = "2022-01-11";
    const size_t DL = strlen(D);

    /* buffers */
    CHECK(followup_buffer_data(NULL) == NULL);
    CHECK(followup_buffer_len(NULL) == 0);
    EXPECT(followup_buffer_write(NULL, S("x")), FOLLOWUP_RESULT_NULL_PARAMETER);
    followup_buffer_free(NULL);
    EXPECT(followup_engine_check(engine, &host, &out), FOLLOWUP_RESULT_OK);
    EXPECT(followup_buffer_write(out, NULL, 0), FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_buffer_write(out, S("")), FOLLOWUP_RESULT_OK);
    EXPECT(followup_buffer_write(out, "x", (size_t)-1), FOLLOWUP_RESULT_INVALID_DATA);
    followup_buffer_free(out);

    /* errors and names */
    CHECK(followup_error_message(NULL, 0) > 0);
    CHECK(strcmp(followup_result_name(999), "unknown") == 0);

    /* check */
    EXPECT(followup_engine_check(NULL, &host, &out), FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_check(engine, NULL, &out), FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_check(engine, &host, NULL), FOLLOWUP_RESULT_NULL_PARAMETER);

    /* report */
    EXPECT(followup_engine_report(NULL, &host, D, DL, S("bluebird"), &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_report(engine, NULL, D, DL, S("bluebird"), &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_report(engine, &host, NULL, 0, S("bluebird"), &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_report(engine, &host, D, DL, NULL, 3, &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_report(engine, &host, D, DL, S("bluebird"), NULL),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_report(engine, &host, S(bad_utf8), S("bluebird"), &out),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_print_letter(NULL, &host, D, DL, S("bluebird"), &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_print_letter(engine, NULL, D, DL, S("bluebird"), &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_print_letter(engine, &host, NULL, 0, S("bluebird"), &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_print_letter(engine, &host, D, DL, NULL, 3, &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_print_letter(engine, &host, D, DL, S("bluebird"), NULL),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_print_letter(engine, &host, S(bad_utf8), S("bluebird"), &out),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_report(engine, &host, S("yesterday"), S("bluebird"), &out),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_report(engine, &host, D, DL, "bluebird", (size_t)-1, &out),
           FOLLOWUP_RESULT_INVALID_DATA);

    /* overview */
    EXPECT(followup_engine_overview(NULL, &host, D, DL, &out), FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_overview(engine, NULL, D, DL, &out), FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_overview(engine, &host, NULL, DL, &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_overview(engine, &host, D, DL, NULL), FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_overview(engine, &host, S(bad_utf8), &out),
           FOLLOWUP_RESULT_INVALID_DATA);

    /* process */
    const char *const R = "{\"partner\": \"bluebird\"}";
    const size_t RL = strlen(R);
    EXPECT(followup_engine_process(NULL, &host, D, DL, R, RL, &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_process(engine, NULL, D, DL, R, RL, &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_process(engine, &host, NULL, DL, R, RL, &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_process(engine, &host, D, DL, NULL, RL, &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_process(engine, &host, D, DL, R, RL, NULL),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_process(engine, &host, D, DL, S("{\"partner\": "), &out),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_process(engine, &host, D, DL, S("{\"partner\": 7}"), &out),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_process(engine, &host, D, DL, S("{\"partner\": \"bluebird\", \"x\": 1}"),
                                   &out),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_process(engine, &host, D, DL, S("\"\xff\""), &out),
           FOLLOWUP_RESULT_INVALID_DATA);

    /* process_batch */
    const char *const P = "[\"bluebird\"]";
    const size_t PL = strlen(P);
    EXPECT(followup_engine_process_batch(NULL, &host, D, DL, P, PL, &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_process_batch(engine, NULL, D, DL, P, PL, &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_process_batch(engine, &host, NULL, DL, P, PL, &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_process_batch(engine, &host, D, DL, NULL, PL, &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_process_batch(engine, &host, D, DL, P, PL, NULL),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_process_batch(engine, &host, D, DL, S("{\"partners\": []}"), &out),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_process_batch(engine, &host, D, DL, S("[1, 2]"), &out),
           FOLLOWUP_RESULT_INVALID_DATA);

    /* run_auto */
    EXPECT(followup_engine_run_auto(NULL, &host, D, DL, &out), FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_run_auto(engine, NULL, D, DL, &out), FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_run_auto(engine, &host, NULL, DL, &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_run_auto(engine, &host, D, DL, NULL), FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_run_auto(engine, &host, S("2022-13-01"), &out),
           FOLLOWUP_RESULT_INVALID_DATA);

    /* plan_auto */
    EXPECT(followup_engine_plan_auto(NULL, &host, D, DL, &out), FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_plan_auto(engine, NULL, D, DL, &out), FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_plan_auto(engine, &host, NULL, DL, &out),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_plan_auto(engine, &host, D, DL, NULL), FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_plan_auto(engine, &host, S("2022-02-30"), &out),
           FOLLOWUP_RESULT_INVALID_DATA);

    /* remind_later */
    EXPECT(followup_engine_remind_later(NULL, &host, D, DL, S("bluebird"), S("2022-02-01")),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_remind_later(engine, NULL, D, DL, S("bluebird"), S("2022-02-01")),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_remind_later(engine, &host, NULL, DL, S("bluebird"), S("2022-02-01")),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_remind_later(engine, &host, D, DL, NULL, 0, S("2022-02-01")),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_remind_later(engine, &host, D, DL, S("bluebird"), NULL, 10),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_remind_later(engine, &host, D, DL, S("bluebird"), S(bad_utf8)),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_remind_later(engine, &host, D, DL, S("bluebird"), S("2022-02-30")),
           FOLLOWUP_RESULT_INVALID_DATA);

    /* set_excluded */
    EXPECT(followup_engine_set_excluded(NULL, &host, D, DL, S("INV-1"), true),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_set_excluded(engine, NULL, D, DL, S("INV-1"), true),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_set_excluded(engine, &host, NULL, DL, S("INV-1"), true),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_set_excluded(engine, &host, D, DL, NULL, 5, true),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_set_excluded(engine, &host, D, DL, S("INV-\xc3"), true),
           FOLLOWUP_RESULT_INVALID_DATA);

    /* set_trust */
    EXPECT(followup_engine_set_trust(NULL, &host, D, DL, S("bluebird"), S("good")),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_set_trust(engine, NULL, D, DL, S("bluebird"), S("good")),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_set_trust(engine, &host, NULL, DL, S("bluebird"), S("good")),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_set_trust(engine, &host, D, DL, NULL, 8, S("good")),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_set_trust(engine, &host, D, DL, S("bluebird"), NULL, 4),
           FOLLOWUP_RESULT_NULL_PARAMETER);
    EXPECT(followup_engine_set_trust(engine, &host, D, DL, S("bluebird"), S("GOOD")),
           FOLLOWUP_RESULT_INVALID_DATA);
    EXPECT(followup_engine_set_trust(engine, &host, D, DL, S("bluebird"), S("\xff")),
           FOLLOWUP_RESULT_INVALID_DATA);

    /* Nothing above reached the ledger. */
    CHECK(l.sent == 0 && l.chatter == 0 && l.tasks == 0);
    CHECK(strcmp(l.partners[1].trust, "normal") == 0);
}

int main(void) {
    test_version();
    test_result_names_and_last_error();
    test_engine_new();

    followup_engine *engine = NULL;
    EXPECT(followup_engine_new(S(POLICY), &engine), FOLLOWUP_RESULT_OK);
    if (engine == NULL) {
        fprintf(stderr, "no engine: cannot go on\n");
        return 1;
    }
    test_operations(engine);
    test_callback_failures(engine);
    test_null_and_garbage(engine);
    followup_engine_free(engine);

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
