/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for W3C traceparent/tracestate/baggage and the propagators, against the specs' examples. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "otel/otel.h"

static bool parse(const char *s, otel_span_context_t *ctx)
{
    return otel_traceparent_parse(otel_str_from_cstr(s), ctx);
}

Test(trace_propagation, traceparent_valid_examples)
{
    otel_span_context_t c;
    cr_assert(parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", &c));
    cr_expect(otel_span_context_is_sampled(&c));
    cr_expect(c.is_remote);
    cr_expect_eq(c.trace_id.bytes[0], 0x4b);
    cr_expect_eq(c.span_id.bytes[7], 0xb7);
    cr_assert(parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", &c));
    cr_expect_not(otel_span_context_is_sampled(&c));
    cr_expect(parse("  00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\t", &c), "optional whitespace");
    /* Higher versions: parse the version-00 part, accept more fields after a dash. */
    cr_expect(parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", &c));
    cr_expect(parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like", &c));
    cr_expect(otel_span_context_is_sampled(&c));
    cr_expect(parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09", &c), "unknown flag bits are fine");
    cr_expect(otel_span_context_is_sampled(&c));
}

Test(trace_propagation, traceparent_invalid_examples)
{
    const char *bad[] = {
        "",
        "00",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  /* version ff is forbidden */
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  /* all-zero trace id */
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  /* all-zero span id */
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",  /* uppercase */
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", /* version 00 is exactly 55 */
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.what", /* future fields need a dash */
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01", /* non-hex */
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
        "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", /* short trace id */
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01", /* short span id */
        "000-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        otel_span_context_t c;
        c.trace_flags = 0xee;
        cr_expect_not(parse(bad[i], &c), "accepted '%s'", bad[i]);
        cr_expect_not(otel_span_context_is_valid(&c), "context left non-empty for '%s'", bad[i]);
    }
}

Test(trace_propagation, traceparent_format_round_trips)
{
    otel_span_context_t c;
    const char *tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    cr_assert(parse(tp, &c));
    char out[OTEL_TRACEPARENT_LEN + 1];
    otel_traceparent_format(&c, out);
    cr_expect_str_eq(out, tp);
}

static int ts(const char *in, char *out)
{
    return otel_tracestate_normalize(otel_str_from_cstr(in), out);
}

Test(trace_propagation, tracestate_valid_and_normalised)
{
    char out[OTEL_TRACESTATE_MAX_LEN + 1];
    cr_expect_eq(ts("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", out), 39);
    cr_expect_str_eq(out, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    cr_expect_gt(ts("  congo=t61rcWkgMzE ,, \trojo=00f067aa0ba902b7 ,", out), 0);
    cr_expect_str_eq(out, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    cr_expect_gt(ts("fw529a3039@dt=abc,a_b-c*d/e=1 2", out), 0, "multi-tenant keys, inner spaces");
    cr_expect_eq(ts("", out), 0);
    char many[1024] = "";
    for (int i = 0; i < 32; i++)
        sprintf(many + strlen(many), "%sk%d=v", i ? "," : "", i);
    cr_expect_gt(ts(many, out), 0, "32 members are allowed");
}

Test(trace_propagation, tracestate_invalid_is_discarded)
{
    char out[OTEL_TRACESTATE_MAX_LEN + 1];
    const char *bad[] = {"Congo=1", "a=1,a=2", "novalue", "a=b=c", "=v",     "a=",
                         "1a=b",    "a@=b",    "@b=c",    "a@B=c", "a=\x7f", "a@abcdefghijklmno=1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_expect_eq(ts(bad[i], out), -1, "accepted '%s'", bad[i]);
    char many[1024] = "";
    for (int i = 0; i < 33; i++)
        sprintf(many + strlen(many), "%sk%d=v", i ? "," : "", i);
    cr_expect_eq(ts(many, out), -1, "33 members");
    char longkey[300];
    memset(longkey, 'a', 257);
    strcpy(longkey + 257, "=v");
    cr_expect_eq(ts(longkey, out), -1, "a 257-char key");
    char big[700] = "";
    for (int i = 0; i < 6; i++)
        sprintf(big + strlen(big), "%sk%d=%0100d", i ? "," : "", i, 0);
    cr_expect_eq(ts(big, out), -1, "longer than %d", OTEL_TRACESTATE_MAX_LEN);
}

Test(trace_propagation, baggage_parse_examples)
{
    static otel_baggage_t b;
    otel_str_t v;
    cr_expect_eq(otel_baggage_parse(OTEL_STR("key1=value1,key2=value2"), &b), 2);
    cr_expect(otel_baggage_get(&b, OTEL_STR("key2"), &v) && v.len == 6 && memcmp(v.ptr, "value2", 6) == 0);
    cr_expect_eq(otel_baggage_parse(OTEL_STR(" key1 = value1 ,\tkey2=value2 "), &b), 2);
    cr_expect(otel_baggage_get(&b, OTEL_STR("key1"), &v) && v.len == 6);
    cr_expect_eq(otel_baggage_parse(OTEL_STR("k=a%20b%2Cc%3D"), &b), 1);
    cr_expect(otel_baggage_get(&b, OTEL_STR("k"), &v) && v.len == 6 && memcmp(v.ptr, "a b,c=", 6) == 0);
    cr_expect_eq(otel_baggage_parse(OTEL_STR("k=v;p1;p2=x"), &b), 1);
    cr_expect_eq(b.entries[0].metadata.len, 7);
    cr_expect(memcmp(b.entries[0].metadata.ptr, "p1;p2=x", 7) == 0);
    /* Malformed members are skipped, the rest kept. */
    cr_expect_eq(otel_baggage_parse(OTEL_STR("=v,good=1,bad key=1,q=a\"b,pc=%zz,nokey,e="), &b), 2);
    cr_expect(otel_baggage_get(&b, OTEL_STR("good"), NULL));
    cr_expect(otel_baggage_get(&b, OTEL_STR("e"), &v) && v.len == 0);
}

Test(trace_propagation, baggage_limits)
{
    static otel_baggage_t b;
    char *big = malloc(OTEL_BAGGAGE_MAX_LEN + 2);
    memset(big, 'a', OTEL_BAGGAGE_MAX_LEN + 1);
    memcpy(big, "k=", 2);
    cr_expect_eq(otel_baggage_parse((otel_str_t){big, OTEL_BAGGAGE_MAX_LEN + 1}, &b), 0, "over 8192 bytes");
    free(big);
    char many[2048] = "";
    for (int i = 0; i < 70; i++)
        sprintf(many + strlen(many), "%sk%d=v", i ? "," : "", i);
    cr_expect_eq(otel_baggage_parse(otel_str_from_cstr(many), &b), OTEL_BAGGAGE_MAX_ENTRIES);
    cr_expect_eq(otel_baggage_set(&b, OTEL_STR("one_more"), OTEL_STR("v"), OTEL_STR("")), OTEL_ERR_QUEUE_FULL);
    cr_expect_eq(otel_baggage_set(&b, OTEL_STR("k1"), OTEL_STR("replaced"), OTEL_STR("")), OTEL_OK);
    cr_expect_eq(otel_baggage_set(&b, OTEL_STR("bad key"), OTEL_STR("v"), OTEL_STR("")), OTEL_ERR_INVALID_ARGUMENT);
    cr_expect_eq(otel_baggage_set(&b, OTEL_STR("k2"), OTEL_STR("v"), OTEL_STR("a,b")), OTEL_ERR_INVALID_ARGUMENT);
    cr_expect_eq(otel_baggage_set(&b, OTEL_STR("k2"), OTEL_STR("v"), OTEL_STR("x\r\ny")), OTEL_ERR_INVALID_ARGUMENT);
    /* A value that cannot fit is refused and the entry it would replace stays. */
    static char huge[OTEL_BAGGAGE_MAX_LEN];
    memset(huge, 'x', sizeof(huge));
    cr_expect_eq(otel_baggage_set(&b, OTEL_STR("k2"), (otel_str_t){huge, sizeof(huge)}, OTEL_STR("")),
                 OTEL_ERR_QUEUE_FULL);
    cr_expect_eq(b.count, OTEL_BAGGAGE_MAX_ENTRIES);
    cr_expect(otel_baggage_get(&b, OTEL_STR("k2"), NULL));
    cr_expect_eq(otel_baggage_parse(OTEL_STR("ok=1,ctl=2;a\x01b"), &b), 1, "control characters in properties");
}

Test(trace_propagation, baggage_set_remove_format_round_trip)
{
    static otel_baggage_t b, back;
    otel_baggage_clear(&b);
    cr_expect_eq(otel_baggage_set(&b, OTEL_STR("user"), OTEL_STR("a b,c;d%"), OTEL_STR("")), OTEL_OK);
    cr_expect_eq(otel_baggage_set(&b, OTEL_STR("tier"), OTEL_STR("gold"), OTEL_STR("ttl=60")), OTEL_OK);
    cr_expect_eq(otel_baggage_set(&b, OTEL_STR("gone"), OTEL_STR("x"), OTEL_STR("")), OTEL_OK);
    otel_baggage_remove(&b, OTEL_STR("gone"));
    char out[OTEL_BAGGAGE_MAX_LEN + 1];
    size_t n = otel_baggage_format(&b, out, sizeof(out));
    cr_expect_str_eq(out, "user=a%20b%2Cc%3Bd%25,tier=gold;ttl=60");
    cr_expect_eq(n, strlen(out));
    cr_expect_eq(otel_baggage_parse((otel_str_t){out, n}, &back), 2);
    otel_str_t v;
    cr_expect(otel_baggage_get(&back, OTEL_STR("user"), &v) && v.len == 8 && memcmp(v.ptr, "a b,c;d%", 8) == 0);
    /* Repeated replacement reclaims storage instead of running out. */
    char value[1000];
    memset(value, 'x', sizeof(value));
    for (int i = 0; i < 100; i++)
        cr_assert_eq(otel_baggage_set(&b, OTEL_STR("big"), (otel_str_t){value, sizeof(value)}, OTEL_STR("")), OTEL_OK);
}

/* A carrier: a tiny header list. */
typedef struct headers {
    char names[8][32];
    char values[8][1024];
    int count;
} headers_t;

static bool hget(void *carrier, otel_str_t key, otel_str_t *value)
{
    headers_t *h = carrier;
    for (int i = 0; i < h->count; i++)
        if (strlen(h->names[i]) == key.len && memcmp(h->names[i], key.ptr, key.len) == 0) {
            *value = otel_str_from_cstr(h->values[i]);
            return true;
        }
    return false;
}

static void hset(void *carrier, otel_str_t key, otel_str_t value)
{
    headers_t *h = carrier;
    snprintf(h->names[h->count], sizeof(h->names[0]), "%.*s", (int)key.len, key.ptr);
    snprintf(h->values[h->count], sizeof(h->values[0]), "%.*s", (int)value.len, value.ptr);
    h->count++;
}

Test(trace_propagation, composite_extract_and_inject)
{
    otel_propagator_t *p;
    char err[256];
    cr_assert_eq(otel_propagator_create_from_config("tracecontext, baggage", &p, err, sizeof(err)), OTEL_OK);
    headers_t in = {.count = 3};
    strcpy(in.names[0], "traceparent");
    strcpy(in.values[0], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    strcpy(in.names[1], "tracestate");
    strcpy(in.values[1], "rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE");
    strcpy(in.names[2], "baggage");
    strcpy(in.values[2], "userId=alice,isProduction=false");
    static otel_propagation_context_t ctx;
    otel_propagation_context_init(&ctx);
    otel_propagator_extract(p, &in, hget, &ctx);
    cr_expect(otel_span_context_is_valid(&ctx.span_context));
    cr_expect(ctx.span_context.is_remote);
    cr_expect_str_eq(ctx.tracestate, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    cr_expect_eq(ctx.baggage.count, 2);
    headers_t out = {0};
    otel_propagator_inject(p, &ctx, &out, hset);
    cr_assert_eq(out.count, 3);
    cr_expect_str_eq(out.values[0], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    cr_expect_str_eq(out.values[1], "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    cr_expect_str_eq(out.values[2], "userId=alice,isProduction=false");

    /* An invalid traceparent: no context, and its tracestate is ignored too. */
    strcpy(in.values[0], "00-00000000000000000000000000000000-00f067aa0ba902b7-01");
    otel_propagator_extract(p, &in, hget, &ctx);
    cr_expect_not(otel_span_context_is_valid(&ctx.span_context));
    cr_expect_eq(ctx.tracestate_len, 0);
    headers_t none = {0};
    ctx.baggage.count = 0;
    otel_propagator_inject(p, &ctx, &none, hset);
    cr_expect_eq(none.count, 0);
    otel_propagator_destroy(p);
}

Test(trace_propagation, otel_propagators_values)
{
    otel_propagator_t *p = NULL;
    char err[256] = "";
    cr_expect_eq(otel_propagator_create_from_config("b3", &p, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect_null(p);
    cr_expect(strstr(err, "OTEL_PROPAGATORS") != NULL && strstr(err, "'b3'") != NULL, "message: %s", err);
    cr_expect_eq(otel_propagator_create_from_config("tracecontext,jaeger", &p, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect_eq(otel_propagator_create_from_config("none", &p, err, sizeof(err)), OTEL_OK);
    headers_t in = {.count = 1};
    strcpy(in.names[0], "traceparent");
    strcpy(in.values[0], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    static otel_propagation_context_t ctx;
    otel_propagation_context_init(&ctx);
    otel_propagator_extract(p, &in, hget, &ctx);
    cr_expect_not(otel_span_context_is_valid(&ctx.span_context), "'none' extracts nothing");
    otel_propagator_destroy(p);
    setenv("OTEL_PROPAGATORS", "baggage", 1);
    cr_expect_eq(otel_propagator_create_from_env(&p, err, sizeof(err)), OTEL_OK);
    otel_propagator_extract(p, &in, hget, &ctx);
    cr_expect_not(otel_span_context_is_valid(&ctx.span_context), "baggage alone ignores traceparent");
    otel_propagator_destroy(p);
    unsetenv("OTEL_PROPAGATORS");
    cr_expect_eq(otel_propagator_create_from_env(&p, err, sizeof(err)), OTEL_OK);
    otel_propagator_extract(p, &in, hget, &ctx);
    cr_expect(otel_span_context_is_valid(&ctx.span_context), "default is tracecontext,baggage");
    otel_propagator_destroy(p);
}
