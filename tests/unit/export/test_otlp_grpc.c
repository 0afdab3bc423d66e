/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/gRPC client against our tiny gRPC server: delivery, headers, gzip, retries, RetryInfo,
 * partial success, absent/slow/restarted server, all bounded in time. */
#include <criterion/criterion.h>
#include <grpc/grpc.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include "common/common_internal.h"
#include "export/otlp_internal.h"
#include "otlp_test_server.c"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb-c.h"

static const uint8_t payload[] = {0x0a, 0x03, 'a', 'b', 'c'}; /* any bytes: the server does not decode */

static otel_otlp__client_t *client_for(int port, const char *headers, bool gzip, uint32_t timeout_ms)
{
    otel_otlp_options_t o;
    otel_otlp_options_init(&o);
    snprintf(o.endpoint, sizeof(o.endpoint), "127.0.0.1:%d", port);
    o.insecure = true;
    o.gzip = gzip;
    o.timeout_ms = timeout_ms;
    snprintf(o.headers, sizeof(o.headers), "%s", headers ? headers : "");
    otel_otlp__client_t *c = NULL;
    char err[256] = "";
    cr_assert_eq(otel_otlp__client_create(&o, OTEL_OTLP_LOGS, &c, err, sizeof(err)), OTEL_OK, "%s", err);
    otel_otlp__retry_policy_t fast = {.initial_backoff_ms = 20, .max_backoff_ms = 100, .multiplier = 2};
    otel_otlp__client_set_retry_policy(c, &fast);
    return c;
}

static otel_otlp_stats_t stats(void)
{
    otel_otlp_stats_t s;
    otel_otlp_get_stats(OTEL_OTLP_LOGS, &s);
    return s;
}

static uint64_t ms_since(uint64_t start_ns)
{
    return (otel_time_monotonic_ns() - start_ns) / 1000000;
}

Test(otlp_grpc, delivers_bytes_to_the_logs_method_with_headers)
{
    ts_server_t *s = ts_start(0);
    cr_assert_not_null(s);
    otel_otlp__client_t *c = client_for(ts_port(s), "Api-Key=s3cr%3Dt, x-team = a%20b", false, 5000);
    cr_assert_eq(otel_otlp__client_export(c, payload, sizeof(payload), 7), OTEL_OK);
    cr_assert_eq(ts_request_count(s), 1);
    ts_request_t r = ts_request(s, 0);
    cr_assert_str_eq(r.method, "/opentelemetry.proto.collector.logs.v1.LogsService/Export");
    cr_assert_eq(r.len, sizeof(payload));
    cr_assert_arr_eq(r.body, payload, sizeof(payload));
    cr_assert_not_null(strstr(r.headers, "api-key=s3cr=t\n"), "%s", r.headers);
    cr_assert_not_null(strstr(r.headers, "x-team=a b\n"), "%s", r.headers);
    cr_assert_not_null(strstr(r.headers, "user-agent=otelc/0.1"), "%s", r.headers);
    otel_otlp_stats_t st = stats();
    cr_assert_eq(st.items_exported, 7);
    cr_assert_eq(st.attempts, 1);
    cr_assert_eq(st.items_failed, 0);
    otel_otlp__client_destroy(c);
    ts_stop(s);
}

Test(otlp_grpc, gzip_is_announced_and_the_bytes_arrive_intact)
{
    ts_server_t *s = ts_start_ex(0, true); /* sees the message as sent, compressed */
    otel_otlp__client_t *c = client_for(ts_port(s), NULL, true, 5000);
    uint8_t big[4096];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i % 7);
    cr_assert_eq(otel_otlp__client_export(c, big, sizeof(big), 1), OTEL_OK);
    ts_request_t r = ts_request(s, 0);
    cr_assert(r.compressed);
    cr_assert_lt(r.len, sizeof(big) / 4, "gzip of a repetitive payload: %zu bytes", r.len);
    uint8_t back[sizeof(big) + 16];
    z_stream z = {.next_in = r.body, .avail_in = (uInt)r.len, .next_out = back, .avail_out = sizeof(back)};
    cr_assert_eq(inflateInit2(&z, 16 + MAX_WBITS), Z_OK); /* gzip framing */
    cr_assert_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
    inflateEnd(&z);
    cr_assert_eq(z.total_out, sizeof(big));
    cr_assert_arr_eq(back, big, sizeof(big));
    otel_otlp__client_destroy(c);
    ts_stop(s);
}

Test(otlp_grpc, retries_unavailable_then_succeeds)
{
    ts_server_t *s = ts_start(0);
    ts_script(s, (ts_answer_t){.code = GRPC_STATUS_UNAVAILABLE, .message = "busy", .retry_delay_ms = -1});
    ts_script(s, (ts_answer_t){.code = GRPC_STATUS_ABORTED, .message = "again", .retry_delay_ms = -1});
    otel_otlp__client_t *c = client_for(ts_port(s), NULL, false, 5000);
    cr_assert_eq(otel_otlp__client_export(c, payload, sizeof(payload), 3), OTEL_OK);
    cr_assert_eq(ts_request_count(s), 3);
    otel_otlp_stats_t st = stats();
    cr_assert_eq(st.attempts, 3);
    cr_assert_eq(st.retries, 2);
    cr_assert_eq(st.items_exported, 3);
    cr_assert_eq(st.items_failed, 0);
    otel_otlp__client_destroy(c);
    ts_stop(s);
}

Test(otlp_grpc, non_retryable_code_drops_the_batch_at_once)
{
    ts_server_t *s = ts_start(0);
    ts_script(s, (ts_answer_t){.code = GRPC_STATUS_INVALID_ARGUMENT, .message = "bad", .retry_delay_ms = -1});
    otel_otlp__client_t *c = client_for(ts_port(s), NULL, false, 5000);
    cr_assert_eq(otel_otlp__client_export(c, payload, sizeof(payload), 4), OTEL_ERR_EXPORT);
    cr_assert_eq(ts_request_count(s), 1);
    otel_otlp_stats_t st = stats();
    cr_assert_eq(st.items_failed, 4);
    cr_assert_eq(st.retries, 0);
    otel_otlp__client_destroy(c);
    ts_stop(s);
}

Test(otlp_grpc, resource_exhausted_is_retried_only_with_retry_info_and_its_delay_is_honoured)
{
    ts_server_t *s = ts_start(0);
    ts_script(s, (ts_answer_t){.code = GRPC_STATUS_RESOURCE_EXHAUSTED, .message = "slow down", .retry_delay_ms = 400});
    ts_script(s, (ts_answer_t){.code = GRPC_STATUS_RESOURCE_EXHAUSTED, .message = "full", .retry_delay_ms = -1});
    otel_otlp__client_t *c = client_for(ts_port(s), NULL, false, 5000);
    /* First: RetryInfo 400 ms -> retried after >= 400 ms -> second answer has no RetryInfo -> dropped. */
    cr_assert_eq(otel_otlp__client_export(c, payload, sizeof(payload), 2), OTEL_ERR_EXPORT);
    cr_assert_eq(ts_request_count(s), 2);
    uint64_t gap_ms = (ts_request(s, 1).at_ns - ts_request(s, 0).at_ns) / 1000000;
    cr_assert_geq(gap_ms, 400, "retried after %llu ms", (unsigned long long)gap_ms);
    cr_assert_lt(gap_ms, 1500);
    cr_assert_eq(stats().items_failed, 2);
    otel_otlp__client_destroy(c);
    ts_stop(s);
}

Test(otlp_grpc, partial_success_is_counted_and_not_retried)
{
    Opentelemetry__Proto__Collector__Logs__V1__ExportLogsPartialSuccess ps =
        OPENTELEMETRY__PROTO__COLLECTOR__LOGS__V1__EXPORT_LOGS_PARTIAL_SUCCESS__INIT;
    ps.rejected_log_records = 3;
    ps.error_message = "3 records too old";
    Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceResponse resp =
        OPENTELEMETRY__PROTO__COLLECTOR__LOGS__V1__EXPORT_LOGS_SERVICE_RESPONSE__INIT;
    resp.partial_success = &ps;
    uint8_t buf[128];
    size_t len = opentelemetry__proto__collector__logs__v1__export_logs_service_response__pack(&resp, buf);
    ts_server_t *s = ts_start(0);
    ts_script(s, (ts_answer_t){.code = GRPC_STATUS_OK, .retry_delay_ms = -1, .response = buf, .response_len = len});
    otel_otlp__client_t *c = client_for(ts_port(s), NULL, false, 5000);
    cr_assert_eq(otel_otlp__client_export(c, payload, sizeof(payload), 10), OTEL_OK);
    otel_otlp_stats_t st = stats();
    cr_assert_eq(st.partial_successes, 1);
    cr_assert_eq(st.items_rejected, 3);
    cr_assert_eq(st.items_exported, 7);
    cr_assert_eq(st.attempts, 1);
    otel_otlp__client_destroy(c);
    ts_stop(s);
}

Test(otlp_grpc, absent_server_fails_within_the_timeout_and_counts_the_loss)
{
    ts_server_t *probe = ts_start(0); /* find a free port, then close it */
    int port = ts_port(probe);
    ts_stop(probe);
    otel_otlp__client_t *c = client_for(port, NULL, false, 800);
    uint64_t start = otel_time_monotonic_ns();
    cr_assert_eq(otel_otlp__client_export(c, payload, sizeof(payload), 5), OTEL_ERR_EXPORT);
    uint64_t took = ms_since(start);
    cr_assert_leq(took, 1000, "took %llu ms", (unsigned long long)took);
    otel_otlp_stats_t st = stats();
    cr_assert_eq(st.items_failed, 5);
    cr_assert_geq(took, 700, "calls wait for a connection until the deadline (wait-for-ready)");
    otel_otlp__client_destroy(c);
}

Test(otlp_grpc, slow_server_hits_the_deadline_and_the_export_stays_bounded)
{
    ts_server_t *s = ts_start(0);
    ts_script(s, (ts_answer_t){.code = GRPC_STATUS_OK, .retry_delay_ms = -1, .delay_ms = 2000});
    otel_otlp__client_t *c = client_for(ts_port(s), NULL, false, 500);
    uint64_t start = otel_time_monotonic_ns();
    cr_assert_eq(otel_otlp__client_export(c, payload, sizeof(payload), 1), OTEL_ERR_EXPORT);
    uint64_t took = ms_since(start);
    cr_assert_geq(took, 450);
    cr_assert_leq(took, 900, "took %llu ms", (unsigned long long)took);
    cr_assert_eq(stats().items_failed, 1);
    otel_otlp__client_destroy(c);
    ts_stop(s);
}

Test(otlp_grpc, export_resumes_within_seconds_after_the_server_restarts)
{
    ts_server_t *s = ts_start(0);
    int port = ts_port(s);
    otel_otlp__client_t *c = client_for(port, NULL, false, 300);
    cr_assert_eq(otel_otlp__client_export(c, payload, sizeof(payload), 1), OTEL_OK);
    ts_stop(s);
    cr_assert_eq(otel_otlp__client_export(c, payload, sizeof(payload), 1), OTEL_ERR_EXPORT);
    /* The channel is now backing off; the server comes back on the same port. */
    s = ts_start(port);
    cr_assert_not_null(s, "port %d could not be re-bound", port);
    uint64_t start = otel_time_monotonic_ns();
    otel_status_t st = OTEL_ERR_EXPORT;
    while (st != OTEL_OK && ms_since(start) < 5000)
        st = otel_otlp__client_export(c, payload, sizeof(payload), 1);
    cr_assert_eq(st, OTEL_OK, "no export within 5 s of the restart");
    cr_assert_leq(ms_since(start), 3000, "resumed after %llu ms", (unsigned long long)ms_since(start));
    otel_otlp_stats_t stt = stats();
    cr_assert_geq(stt.items_failed, 1, "the loss during the outage is counted");
    otel_otlp__client_destroy(c);
    ts_stop(s);
}

Test(otlp_grpc, cancel_cuts_a_retry_wait_short)
{
    ts_server_t *s = ts_start(0);
    ts_script(s, (ts_answer_t){.code = GRPC_STATUS_UNAVAILABLE, .message = "x", .retry_delay_ms = 3000});
    otel_otlp__client_t *c = client_for(ts_port(s), NULL, false, 10000);
    otel_otlp__client_cancel(c);
    uint64_t start = otel_time_monotonic_ns();
    cr_assert_eq(otel_otlp__client_export(c, payload, sizeof(payload), 1), OTEL_ERR_SHUTDOWN);
    cr_assert_lt(ms_since(start), 500);
    otel_otlp__client_destroy(c);
    ts_stop(s);
}

Test(otlp_grpc, retryable_codes_follow_the_otlp_spec)
{
    int retryable[] = {GRPC_STATUS_CANCELLED,    GRPC_STATUS_DEADLINE_EXCEEDED, GRPC_STATUS_ABORTED,
                       GRPC_STATUS_OUT_OF_RANGE, GRPC_STATUS_UNAVAILABLE,       GRPC_STATUS_DATA_LOSS};
    int not_retryable[] = {GRPC_STATUS_UNKNOWN,        GRPC_STATUS_INVALID_ARGUMENT,  GRPC_STATUS_NOT_FOUND,
                           GRPC_STATUS_ALREADY_EXISTS, GRPC_STATUS_PERMISSION_DENIED, GRPC_STATUS_FAILED_PRECONDITION,
                           GRPC_STATUS_UNIMPLEMENTED,  GRPC_STATUS_INTERNAL,          GRPC_STATUS_UNAUTHENTICATED};
    for (size_t i = 0; i < sizeof(retryable) / sizeof(int); i++)
        cr_assert(otel_otlp__code_is_retryable(retryable[i], false), "code %d", retryable[i]);
    for (size_t i = 0; i < sizeof(not_retryable) / sizeof(int); i++)
        cr_assert_not(otel_otlp__code_is_retryable(not_retryable[i], true), "code %d", not_retryable[i]);
    cr_assert_not(otel_otlp__code_is_retryable(GRPC_STATUS_RESOURCE_EXHAUSTED, false));
    cr_assert(otel_otlp__code_is_retryable(GRPC_STATUS_RESOURCE_EXHAUSTED, true));
}

/* A self-signed certificate for 127.0.0.1 (also usable as its own CA and as a client certificate). */
static char tls_dir[64];
static char *slurp(const char *name)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", tls_dir, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    static char bufs[2][8192];
    static int which;
    char *buf = bufs[which++ % 2];
    size_t n = fread(buf, 1, sizeof(bufs[0]) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void make_certificate(void)
{
    strcpy(tls_dir, "/tmp/otlp-tls-XXXXXX");
    cr_assert_not_null(mkdtemp(tls_dir));
    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
             "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout %s/key.pem -out %s/cert.pem 2>/dev/null",
             tls_dir, tls_dir);
    cr_assert_eq(system(cmd), 0, "openssl could not make a test certificate");
}

static void remove_certificate(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tls_dir);
    cr_assert_eq(system(cmd), 0);
}

static otel_status_t tls_export(int port, bool trust, bool client_cert)
{
    otel_otlp_options_t o;
    otel_otlp_options_init(&o);
    snprintf(o.endpoint, sizeof(o.endpoint), "127.0.0.1:%d", port); /* the certificate names IP 127.0.0.1 */
    o.insecure = false;
    o.timeout_ms = 1500;
    if (trust)
        snprintf(o.certificate, sizeof(o.certificate), "%s/cert.pem", tls_dir);
    if (client_cert) {
        snprintf(o.client_key, sizeof(o.client_key), "%s/key.pem", tls_dir);
        snprintf(o.client_certificate, sizeof(o.client_certificate), "%s/cert.pem", tls_dir);
    }
    otel_otlp__client_t *c;
    char err[256] = "";
    cr_assert_eq(otel_otlp__client_create(&o, OTEL_OTLP_LOGS, &c, err, sizeof(err)), OTEL_OK, "%s", err);
    otel_status_t st = otel_otlp__client_export(c, payload, sizeof(payload), 1);
    otel_otlp__client_destroy(c);
    return st;
}

Test(otlp_grpc, tls_with_the_configured_roots_and_mutual_tls, .init = make_certificate, .fini = remove_certificate)
{
    char *cert = slurp("cert.pem"), *key = slurp("key.pem");
    ts_server_t *s = ts_start_tls(0, false, cert, key, NULL);
    cr_assert_not_null(s);
    cr_assert_eq(tls_export(ts_port(s), true, false), OTEL_OK, "TLS with OTEL_EXPORTER_OTLP_CERTIFICATE");
    cr_assert_eq(ts_request_count(s), 1);
    cr_assert_eq(tls_export(ts_port(s), false, false), OTEL_ERR_EXPORT, "an untrusted server certificate fails");
    cr_assert_eq(ts_request_count(s), 1);
    ts_stop(s);

    cert = slurp("cert.pem"), key = slurp("key.pem");
    s = ts_start_tls(0, false, cert, key, cert); /* requires a client certificate signed by `cert` */
    cr_assert_eq(tls_export(ts_port(s), true, false), OTEL_ERR_EXPORT, "mTLS server rejects a client without one");
    cr_assert_eq(tls_export(ts_port(s), true, true), OTEL_OK, "mTLS with CLIENT_KEY + CLIENT_CERTIFICATE");
    cr_assert_eq(ts_request_count(s), 1);
    ts_stop(s);
}

Test(otlp_grpc, pipelined_exports_return_before_the_answer_and_all_settle)
{
    ts_server_t *s = ts_start(0);
    ts_script(s, (ts_answer_t){.code = GRPC_STATUS_OK, .retry_delay_ms = -1, .delay_ms = 300});
    ts_script(s, (ts_answer_t){.code = GRPC_STATUS_UNAVAILABLE, .message = "retry me", .retry_delay_ms = -1});
    otel_otlp__client_t *c = client_for(ts_port(s), NULL, false, 5000);
    otel_otlp__client_set_max_in_flight(c, 2);
    uint64_t start = otel_time_monotonic_ns();
    cr_assert_eq(otel_otlp__client_export_pipelined(c, payload, sizeof(payload), 1), OTEL_OK);
    cr_assert_eq(otel_otlp__client_export_pipelined(c, payload, sizeof(payload), 2), OTEL_OK);
    cr_assert_lt(ms_since(start), 200, "two exports in flight without waiting for the slow answer");
    cr_assert_eq(otel_otlp__client_export_pipelined(c, payload, sizeof(payload), 4), OTEL_OK);
    cr_assert_geq(ms_since(start), 250, "the third waits for the oldest to settle");
    cr_assert_eq(otel_otlp__client_flush(c), OTEL_OK);
    otel_otlp_stats_t st = stats();
    cr_assert_eq(st.export_calls, 3);
    cr_assert_eq(st.items_exported, 7, "every batch exported, the UNAVAILABLE one after a retry");
    cr_assert_eq(st.retries, 1);
    cr_assert_eq(st.items_failed, 0);
    cr_assert_eq(ts_request_count(s), 4);
    otel_otlp__client_destroy(c);
    ts_stop(s);
}

Test(otlp_grpc, pipelined_failures_are_counted_when_settled_and_destroy_settles_what_is_in_flight)
{
    ts_server_t *s = ts_start(0);
    ts_script(s, (ts_answer_t){.code = GRPC_STATUS_INVALID_ARGUMENT, .message = "bad", .retry_delay_ms = -1});
    ts_script(s, (ts_answer_t){.code = GRPC_STATUS_OK, .retry_delay_ms = -1, .delay_ms = 100});
    otel_otlp__client_t *c = client_for(ts_port(s), NULL, false, 5000);
    otel_otlp__client_set_max_in_flight(c, 4);
    cr_assert_eq(otel_otlp__client_export_pipelined(c, payload, sizeof(payload), 3), OTEL_OK);
    cr_assert_eq(otel_otlp__client_export_pipelined(c, payload, sizeof(payload), 5), OTEL_OK);
    otel_otlp__client_destroy(c); /* settles both before closing the channel */
    otel_otlp_stats_t st = stats();
    /* Both calls are in flight together: either may reach the server first and get the error. */
    cr_assert((st.items_failed == 3 && st.items_exported == 5) || (st.items_failed == 5 && st.items_exported == 3),
              "failed %llu, exported %llu", (unsigned long long)st.items_failed, (unsigned long long)st.items_exported);
    cr_assert_eq(st.export_calls, 2);
    ts_stop(s);
}
