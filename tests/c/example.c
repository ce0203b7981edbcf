/* example.c: the follow-up report of one customer, then its reminder, through
 * libfollowup. The host's ledger is two JSON literals; a real host reads its database
 * in the callbacks and stores the writes. */
#include <followup.h>
#include <stdio.h>
#include <string.h>

#define S(text) (text), strlen(text) /* a string as pointer + length */

#define PARTNER "{\"id\":\"bluebird\",\"name\":\"Bluebird Ltd\",\"email\":\"ap@bluebird.test\"}"
#define ITEM                                                                         \
    "{\"id\":\"INV-1\",\"partner\":\"bluebird\",\"invoice_date\":\"2021-12-01\","      \
    "\"due_date\":\"2022-01-01\",\"amount\":\"500.00\",\"residual\":\"500.00\"}"

static uint32_t answer(followup_buffer *out, const char *json) {
    return followup_buffer_write(out, S(json)) == FOLLOWUP_RESULT_OK
               ? FOLLOWUP_CALLBACK_RESULT_OK
               : FOLLOWUP_CALLBACK_RESULT_FAILED;
}

static bool is(const char *s, size_t len, const char *c) {
    return s != NULL && len == strlen(c) && memcmp(s, c, len) == 0;
}

/* Reads: write a JSON document into `out`. */
static uint32_t get_partner(void *ud, const char *id, size_t len, followup_buffer *out) {
    (void)ud;
    return answer(out, is(id, len, "bluebird") ? PARTNER : "null");
}
static uint32_t list_partners(void *ud, const char *cursor, size_t cursor_len, uint32_t limit,
                              followup_buffer *out) {
    (void)ud, (void)cursor, (void)cursor_len, (void)limit;
    return answer(out, "{\"partners\":[" PARTNER "],\"next\":null}");
}
static uint32_t get_item(void *ud, const char *id, size_t len, followup_buffer *out) {
    (void)ud;
    return answer(out, is(id, len, "INV-1") ? ITEM : "null");
}
static uint32_t list_items(void *ud, const char *partner, size_t partner_len, const char *cursor,
                           size_t cursor_len, uint32_t limit, followup_buffer *out) {
    (void)ud, (void)cursor, (void)cursor_len, (void)limit;
    bool mine = partner == NULL || is(partner, partner_len, "bluebird");
    return answer(out, mine ? "{\"items\":[" ITEM "],\"next\":null}" : "{\"items\":[]}");
}

/* Writes: store them (here: print them). */
static uint32_t set_item_level(void *ud, const char *item, size_t item_len, const char *level,
                               size_t level_len) {
    (void)ud;
    printf("item %.*s reached level %.*s\n", (int)item_len, item, (int)level_len,
           level ? level : "");
    return FOLLOWUP_CALLBACK_RESULT_OK;
}
static uint32_t set_next_reminder(void *ud, const char *partner, size_t partner_len,
                                  const char *date, size_t date_len) {
    (void)ud;
    printf("next reminder of %.*s: %.*s\n", (int)partner_len, partner, (int)date_len,
           date ? date : "");
    return FOLLOWUP_CALLBACK_RESULT_OK;
}
static uint32_t set_excluded(void *ud, const char *item, size_t item_len, bool excluded) {
    (void)ud, (void)item, (void)item_len, (void)excluded;
    return FOLLOWUP_CALLBACK_RESULT_OK;
}
static uint32_t set_trust(void *ud, const char *partner, size_t partner_len, const char *trust,
                          size_t trust_len) {
    (void)ud, (void)partner, (void)partner_len, (void)trust, (void)trust_len;
    return FOLLOWUP_CALLBACK_RESULT_OK;
}

/* Messaging and chatter: a MESSAGE, ENTRY or TASK document. */
static uint32_t send_message(void *ud, const char *message, size_t len, followup_buffer *reason) {
    (void)ud, (void)reason;
    printf("send: %.*s...\n", len > 90 ? 90 : (int)len, message);
    return FOLLOWUP_CALLBACK_RESULT_OK; /* or _NOT_DELIVERED with a reason */
}
static uint32_t log_entry(void *ud, const char *entry, size_t len) {
    (void)ud;
    printf("chatter: %.*s\n", (int)len, entry);
    return FOLLOWUP_CALLBACK_RESULT_OK;
}
static uint32_t schedule_task(void *ud, const char *task, size_t len) {
    (void)ud;
    printf("task: %.*s\n", (int)len, task);
    return FOLLOWUP_CALLBACK_RESULT_OK;
}

static int fail(followup_result result) {
    char message[512];
    followup_error_message(message, sizeof message);
    fprintf(stderr, "%s: %s\n", followup_result_name(result), message);
    return 1;
}

int main(void) {
    const char *policy =
        "{\"company\": {\"id\": \"main\", \"name\": \"Acme Supplies\", \"currency\": \"EUR\"},"
        " \"levels\": [{\"id\": \"first\", \"name\": \"First reminder\", \"delay_days\": 10,"
        " \"email\": true}]}";
    followup_engine *engine = NULL;
    followup_result result = followup_engine_new(S(policy), &engine);
    if (result != FOLLOWUP_RESULT_OK) {
        return fail(result);
    }
    followup_host host = {
        .userdata = NULL, /* your ledger, passed to every callback */
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

    followup_buffer *report = NULL;
    result = followup_engine_report(engine, &host, S("2022-01-11"), S("bluebird"), &report);
    if (result != FOLLOWUP_RESULT_OK) {
        followup_engine_free(engine);
        return fail(result);
    }
    printf("report: %s\n", followup_buffer_data(report)); /* NUL-terminated JSON */
    followup_buffer_free(report);

    followup_buffer *outcome = NULL;
    result = followup_engine_process(engine, &host, S("2022-01-11"),
                                     S("{\"partner\": \"bluebird\"}"), &outcome);
    if (result != FOLLOWUP_RESULT_OK) {
        followup_engine_free(engine);
        return fail(result);
    }
    printf("outcome: %s\n", followup_buffer_data(outcome));
    followup_buffer_free(outcome);
    followup_engine_free(engine);
    return 0;
}
