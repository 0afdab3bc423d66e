/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/gRPC client: one channel per exporter, unary Export calls with a deadline, OTLP retries. */
#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/common_internal.h"
#include "common/deadline_internal.h"
#include "common/thread_internal.h"
#include "export/otlp_internal.h"
#include "h2otel/rpc/status.pb-c.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb-c.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h"

static pthread_once_t resolver_once = PTHREAD_ONCE_INIT;

/*
 * gRPC's default c-ares resolver leaks its copy of the target name on every resolution with
 * Debian 12's c-ares 1.18 (10 bytes for "127.0.0.1", again on each reconnect during an outage:
 * memcheck shows it). The native resolver (getaddrinfo on gRPC's executor) has no such leak, so
 * it is our default; a GRPC_DNS_RESOLVER set by the user still wins. Runs before grpc_init, at
 * exporter creation (start-up), when no other thread reads the environment.
 */
static void prefer_native_resolver(void)
{
    setenv("GRPC_DNS_RESOLVER", "native", 0);
}

static const char *const export_methods[] = {
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
    "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
};
static const char *const item_names[] = {"spans", "data points", "log records"};

static otel_otlp__counters_t counters[3];

otel_otlp__counters_t *otel_otlp__counters(otel_otlp_signal_t signal)
{
    return &counters[signal];
}

void otel_otlp_get_stats(otel_otlp_signal_t signal, otel_otlp_stats_t *stats)
{
    if (stats == NULL || (unsigned)signal > OTEL_OTLP_LOGS)
        return;
    otel_otlp__counters_t *c = &counters[signal];
    stats->items_exported = atomic_load_explicit(&c->items_exported, memory_order_relaxed);
    stats->items_failed = atomic_load_explicit(&c->items_failed, memory_order_relaxed);
    stats->items_rejected = atomic_load_explicit(&c->items_rejected, memory_order_relaxed);
    stats->export_calls = atomic_load_explicit(&c->export_calls, memory_order_relaxed);
    stats->attempts = atomic_load_explicit(&c->attempts, memory_order_relaxed);
    stats->retries = atomic_load_explicit(&c->retries, memory_order_relaxed);
    stats->partial_successes = atomic_load_explicit(&c->partial_successes, memory_order_relaxed);
    stats->bytes_sent = atomic_load_explicit(&c->bytes_sent, memory_order_relaxed);
}

#define COUNT(signal, field, n) atomic_fetch_add_explicit(&counters[signal].field, (n), memory_order_relaxed)

struct otel_otlp__client {
    otel_otlp_signal_t signal;
    uint32_t timeout_ms;
    char target[512];
    grpc_channel *channel;
    grpc_completion_queue *cq;
    grpc_slice method;
    grpc_metadata *metadata;
    size_t metadata_count;
    otel_otlp__retry_policy_t retry;
    pthread_mutex_t lock; /* guards `cancelled` for the backoff wait */
    pthread_cond_t wake;
    bool cancelled;
    struct job *jobs; /* max_in_flight slots for pipelined exports */
    uint32_t max_in_flight;
    uint64_t next_seq;
};

/* One export request and its call in flight: everything grpc_call_start_batch writes into. */
typedef struct job {
    bool busy;
    uint64_t seq; /* start order: pipelined exports settle oldest first */
    grpc_slice payload;
    size_t len, items;
    uint64_t deadline_ns;
    unsigned attempt_no;
    double backoff_ms;
    bool started; /* a call is in flight (else start_error says why not) */
    const char *start_error;
    grpc_call *call;
    grpc_byte_buffer *request, *response;
    grpc_metadata_array initial, trailing;
    grpc_status_code code;
    grpc_slice details;
    const char *error_string;
} job_t;

/* What one attempt returned. */
typedef struct attempt {
    grpc_status_code code;
    char message[256];
    bool has_retry_info;
    uint64_t retry_delay_ms;
    grpc_slice response; /* empty unless code == OK */
} attempt_t;

bool otel_otlp__code_is_retryable(int code, bool has_retry_info)
{
    switch (code) {
    case GRPC_STATUS_CANCELLED:
    case GRPC_STATUS_DEADLINE_EXCEEDED:
    case GRPC_STATUS_ABORTED:
    case GRPC_STATUS_OUT_OF_RANGE:
    case GRPC_STATUS_UNAVAILABLE:
    case GRPC_STATUS_DATA_LOSS:
        return true;
    case GRPC_STATUS_RESOURCE_EXHAUSTED:
        return has_retry_info;
    default:
        return false;
    }
}

static char *read_file(const char *path, const char *what, char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, err_len, "%s: cannot open '%s'", what, path);
        return NULL;
    }
    char *data = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *grown = realloc(data, cap);
            if (grown == NULL) {
                free(data);
                fclose(f);
                snprintf(err, err_len, "%s: out of memory reading '%s'", what, path);
                return NULL;
            }
            data = grown;
        }
        memcpy(data + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (data == NULL) {
        snprintf(err, err_len, "%s: '%s' is empty", what, path);
        return NULL;
    }
    data[len] = '\0';
    return data;
}

static grpc_channel_credentials *make_credentials(const otel_otlp_options_t *o, char *err, size_t err_len)
{
    if (o->insecure)
        return grpc_insecure_credentials_create();
    char *roots = NULL, *key = NULL, *chain = NULL;
    grpc_channel_credentials *creds = NULL;
    if (o->certificate[0] &&
        (roots = read_file(o->certificate, "OTEL_EXPORTER_OTLP_CERTIFICATE", err, err_len)) == NULL)
        goto out;
    if ((o->client_key[0] != '\0') != (o->client_certificate[0] != '\0')) {
        snprintf(err, err_len, "OTEL_EXPORTER_OTLP_CLIENT_KEY and _CLIENT_CERTIFICATE must be set together");
        goto out;
    }
    if (o->client_key[0]) {
        if ((key = read_file(o->client_key, "OTEL_EXPORTER_OTLP_CLIENT_KEY", err, err_len)) == NULL ||
            (chain = read_file(o->client_certificate, "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", err, err_len)) == NULL)
            goto out;
    }
    grpc_ssl_pem_key_cert_pair pair = {.private_key = key, .cert_chain = chain};
    creds = grpc_ssl_credentials_create(roots, key ? &pair : NULL, NULL, NULL);
    if (creds == NULL)
        snprintf(err, err_len, "could not create TLS credentials");
out:
    free(roots);
    free(key);
    free(chain);
    return creds;
}

static otel_status_t client_create(const otel_otlp_options_t *options, otel_otlp_signal_t signal,
                                   otel_otlp__client_t **out, char *err, size_t err_len)
{
    char scratch[8];
    if (err == NULL || err_len == 0)
        err = scratch, err_len = sizeof(scratch);
    err[0] = '\0';
    *out = NULL;
    if (options == NULL || (unsigned)signal > OTEL_OTLP_LOGS || options->endpoint[0] == '\0') {
        snprintf(err, err_len, "OTLP exporter: no endpoint");
        return OTEL_ERR_INVALID_ARGUMENT;
    }
    otel_otlp__client_t *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return OTEL_ERR_NO_MEMORY;
    c->signal = signal;
    c->timeout_ms = options->timeout_ms ? options->timeout_ms : 10000;
    snprintf(c->target, sizeof(c->target), "%s", options->endpoint);
    c->retry = (otel_otlp__retry_policy_t){.initial_backoff_ms = 250, .max_backoff_ms = 5000, .multiplier = 2.0};
    c->max_in_flight = 1;
    pthread_mutex_init(&c->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_once(&resolver_once, prefer_native_resolver);
    grpc_init();

    otel_otlp__header_t *headers = NULL;
    size_t header_count = 0;
    otel_status_t st =
        otel_otlp__headers_parse(options->headers, "OTEL_EXPORTER_OTLP_HEADERS", &headers, &header_count, err, err_len);
    if (st != OTEL_OK)
        goto fail;
    if (header_count > 0 && (c->metadata = calloc(header_count, sizeof(grpc_metadata))) == NULL) {
        otel_otlp__headers_free(headers, header_count);
        st = OTEL_ERR_NO_MEMORY;
        goto fail;
    }
    for (size_t i = 0; i < header_count; i++) {
        c->metadata[i].key = grpc_slice_from_copied_string(headers[i].key);
        c->metadata[i].value = grpc_slice_from_copied_string(headers[i].value);
    }
    c->metadata_count = header_count;
    otel_otlp__headers_free(headers, header_count);

    grpc_channel_credentials *creds = make_credentials(options, err, err_len);
    if (creds == NULL) {
        st = OTEL_ERR_CONFIG;
        goto fail;
    }
    /* Reconnect quickly after an outage (gRPC's default backoff grows to two minutes; MIN is also
     * the connect timeout); our own retries follow the OTLP spec, so gRPC's are off. */
    grpc_arg args[] = {
        {.type = GRPC_ARG_INTEGER, .key = (char *)GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, .value.integer = 100},
        {.type = GRPC_ARG_INTEGER, .key = (char *)GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, .value.integer = 1000},
        {.type = GRPC_ARG_INTEGER, .key = (char *)GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, .value.integer = 1000},
        {.type = GRPC_ARG_INTEGER, .key = (char *)GRPC_ARG_ENABLE_RETRIES, .value.integer = 0},
        {.type = GRPC_ARG_STRING, .key = (char *)GRPC_ARG_PRIMARY_USER_AGENT_STRING, .value.string = "otelc/0.1"},
        {.type = GRPC_ARG_INTEGER,
         .key = (char *)GRPC_COMPRESSION_CHANNEL_DEFAULT_ALGORITHM,
         .value.integer = options->gzip ? GRPC_COMPRESS_GZIP : GRPC_COMPRESS_NONE},
    };
    grpc_channel_args channel_args = {.num_args = sizeof(args) / sizeof(args[0]), .args = args};
    c->channel = grpc_channel_create(c->target, creds, &channel_args);
    grpc_channel_credentials_release(creds);
    if (c->channel == NULL) {
        snprintf(err, err_len, "OTLP exporter: cannot create a channel to '%s'", c->target);
        st = OTEL_ERR_CONFIG;
        goto fail;
    }
    c->cq = grpc_completion_queue_create_for_pluck(NULL);
    c->method = grpc_slice_from_static_string(export_methods[signal]);
    grpc_channel_check_connectivity_state(c->channel, 1); /* start connecting now */
    *out = c;
    return OTEL_OK;
fail:
    otel_otlp__client_destroy(c);
    return st;
}

/* One otel_otlp__client_create call, run on a thread of its own. */
typedef struct create_call {
    const otel_otlp_options_t *options;
    otel_otlp_signal_t signal;
    otel_otlp__client_t **out;
    char *err;
    size_t err_len;
    otel_status_t status;
} create_call_t;

static void *create_thread(void *arg)
{
    create_call_t *call = arg;
    otel_thread__setup("otel-grpc-init", call->options->thread_nice);
    call->status = client_create(call->options, call->signal, call->out, call->err, call->err_len);
    return NULL;
}

/*
 * With a thread nice value the client is created on a short-lived thread at that value: gRPC starts its own threads
 * (executor, resolver, timer manager, event engine) in grpc_init and while it sets the channel up, and each inherits
 * its creator's nice value (Linux keeps it per thread); later ones are started by those or by the niced export
 * threads. Created on the host's main thread they would compete with its request threads at full priority.
 */
otel_status_t otel_otlp__client_create(const otel_otlp_options_t *options, otel_otlp_signal_t signal,
                                       otel_otlp__client_t **out, char *err, size_t err_len)
{
    pthread_t t;
    create_call_t call = {options, signal, out, err, err_len, OTEL_ERR_IO};
    if (options == NULL || options->thread_nice == 0 || pthread_create(&t, NULL, create_thread, &call) != 0)
        return client_create(options, signal, out, err, err_len);
    pthread_join(t, NULL);
    return call.status;
}

void otel_otlp__client_destroy(otel_otlp__client_t *c)
{
    if (c == NULL)
        return;
    otel_otlp__client_flush(c); /* bounded by the calls' deadlines */
    free(c->jobs);
    if (c->cq != NULL) {
        grpc_completion_queue_shutdown(c->cq);
        grpc_completion_queue_destroy(c->cq);
    }
    if (c->channel != NULL)
        grpc_channel_destroy(c->channel);
    for (size_t i = 0; i < c->metadata_count; i++) {
        grpc_slice_unref(c->metadata[i].key);
        grpc_slice_unref(c->metadata[i].value);
    }
    free(c->metadata);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    free(c);
    grpc_shutdown();
}

void otel_otlp__client_set_retry_policy(otel_otlp__client_t *c, const otel_otlp__retry_policy_t *policy)
{
    c->retry = *policy;
}

void otel_otlp__client_cancel(otel_otlp__client_t *c)
{
    pthread_mutex_lock(&c->lock);
    c->cancelled = true;
    pthread_cond_broadcast(&c->wake);
    pthread_mutex_unlock(&c->lock);
}

/* Reads RetryInfo out of a grpc-status-details-bin trailer (a google.rpc.Status). */
static void read_retry_info(const grpc_metadata_array *trailers, attempt_t *a)
{
    for (size_t i = 0; i < trailers->count; i++) {
        if (grpc_slice_str_cmp(trailers->metadata[i].key, "grpc-status-details-bin") != 0)
            continue;
        const grpc_slice v = trailers->metadata[i].value;
        H2otel__Rpc__Status *status = h2otel__rpc__status__unpack(NULL, GRPC_SLICE_LENGTH(v), GRPC_SLICE_START_PTR(v));
        if (status == NULL)
            return;
        for (size_t d = 0; d < status->n_details; d++) {
            const char *url = status->details[d]->type_url;
            size_t n = strlen(url), suffix = strlen("/google.rpc.RetryInfo");
            if (n < suffix || strcmp(url + n - suffix, "/google.rpc.RetryInfo") != 0)
                continue;
            H2otel__Rpc__RetryInfo *info =
                h2otel__rpc__retry_info__unpack(NULL, status->details[d]->value.len, status->details[d]->value.data);
            if (info != NULL) {
                a->has_retry_info = true;
                if (info->retry_delay != NULL && info->retry_delay->seconds >= 0 && info->retry_delay->nanos >= 0)
                    a->retry_delay_ms =
                        (uint64_t)info->retry_delay->seconds * 1000 + (uint64_t)info->retry_delay->nanos / 1000000;
                h2otel__rpc__retry_info__free_unpacked(info, NULL);
            }
        }
        h2otel__rpc__status__free_unpacked(status, NULL);
        return;
    }
}

/* Starts one attempt of `j` (counted); the result is collected by finish_call. */
static void start_call(otel_otlp__client_t *c, job_t *j)
{
    const otel_otlp_signal_t sig = c->signal;
    if (j->attempt_no > 0)
        COUNT(sig, retries, 1);
    COUNT(sig, attempts, 1);
    COUNT(sig, bytes_sent, j->len);
    j->started = false;
    j->start_error = NULL;
    uint64_t now = otel_time_monotonic_ns();
    uint64_t left_ns = j->deadline_ns > now ? j->deadline_ns - now : 0;
    gpr_timespec deadline =
        gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_nanos((int64_t)left_ns, GPR_TIMESPAN));
    j->call =
        grpc_channel_create_call(c->channel, NULL, GRPC_PROPAGATE_DEFAULTS, c->cq, c->method, NULL, deadline, NULL);
    if (j->call == NULL) {
        j->start_error = "could not create a call";
        return;
    }
    j->request = grpc_raw_byte_buffer_create(&j->payload, 1);
    j->response = NULL;
    grpc_metadata_array_init(&j->initial);
    grpc_metadata_array_init(&j->trailing);
    j->code = GRPC_STATUS_UNKNOWN;
    j->details = grpc_empty_slice();
    j->error_string = NULL;

    grpc_op ops[6];
    memset(ops, 0, sizeof(ops));
    ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
    /* Wait for a connection (bounded by the deadline) instead of failing fast: gRPC core drives a
     * reconnect only while someone polls, i.e. during our calls, so a fail-fast call during an
     * outage would leave the channel in TRANSIENT_FAILURE until its 5 s backup poller runs. */
    ops[0].flags = GRPC_INITIAL_METADATA_WAIT_FOR_READY | GRPC_INITIAL_METADATA_WAIT_FOR_READY_EXPLICITLY_SET;
    ops[0].data.send_initial_metadata.count = c->metadata_count;
    ops[0].data.send_initial_metadata.metadata = c->metadata;
    ops[1].op = GRPC_OP_SEND_MESSAGE;
    ops[1].data.send_message.send_message = j->request;
    ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
    ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
    ops[3].data.recv_initial_metadata.recv_initial_metadata = &j->initial;
    ops[4].op = GRPC_OP_RECV_MESSAGE;
    ops[4].data.recv_message.recv_message = &j->response;
    ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
    ops[5].data.recv_status_on_client.trailing_metadata = &j->trailing;
    ops[5].data.recv_status_on_client.status = &j->code;
    ops[5].data.recv_status_on_client.status_details = &j->details;
    ops[5].data.recv_status_on_client.error_string = &j->error_string;
    if (grpc_call_start_batch(j->call, ops, 6, j, NULL) != GRPC_CALL_OK) {
        j->start_error = "grpc_call_start_batch failed";
        grpc_byte_buffer_destroy(j->request);
        grpc_metadata_array_destroy(&j->initial);
        grpc_metadata_array_destroy(&j->trailing);
        grpc_call_unref(j->call);
        return;
    }
    j->started = true;
}

/* Waits for the attempt started by start_call and reads its outcome into `a`. */
static void finish_call(otel_otlp__client_t *c, job_t *j, attempt_t *a)
{
    memset(a, 0, sizeof(*a));
    a->response = grpc_empty_slice();
    if (!j->started) {
        a->code = GRPC_STATUS_INTERNAL;
        snprintf(a->message, sizeof(a->message), "%s", j->start_error ? j->start_error : "no call");
        return;
    }
    grpc_event ev = grpc_completion_queue_pluck(c->cq, j, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
    if (ev.type != GRPC_OP_COMPLETE || !ev.success) {
        a->code = GRPC_STATUS_INTERNAL;
        snprintf(a->message, sizeof(a->message), "call did not complete");
    } else {
        a->code = j->code;
        char *text = grpc_slice_to_c_string(j->details);
        snprintf(a->message, sizeof(a->message), "%s", text[0] ? text : (j->error_string ? j->error_string : ""));
        gpr_free(text);
        if (j->code == GRPC_STATUS_OK && j->response != NULL) {
            grpc_byte_buffer_reader reader;
            if (grpc_byte_buffer_reader_init(&reader, j->response)) {
                a->response = grpc_byte_buffer_reader_readall(&reader);
                grpc_byte_buffer_reader_destroy(&reader);
            }
        } else if (j->code != GRPC_STATUS_OK) {
            read_retry_info(&j->trailing, a);
        }
    }
    if (j->error_string != NULL)
        gpr_free((void *)j->error_string);
    grpc_slice_unref(j->details);
    grpc_metadata_array_destroy(&j->initial);
    grpc_metadata_array_destroy(&j->trailing);
    if (j->response != NULL)
        grpc_byte_buffer_destroy(j->response);
    grpc_byte_buffer_destroy(j->request);
    grpc_call_unref(j->call);
    j->started = false;
}

/* Partial success from an Export response: the rejected count and the server's message. */
static void read_partial_success(otel_otlp_signal_t signal, grpc_slice response, int64_t *rejected, char *message,
                                 size_t message_len)
{
    *rejected = 0;
    message[0] = '\0';
    const uint8_t *data = GRPC_SLICE_START_PTR(response);
    size_t len = GRPC_SLICE_LENGTH(response);
    if (len == 0)
        return;
    const char *text = NULL;
    ProtobufCMessage *msg = NULL;
    switch (signal) {
    case OTEL_OTLP_TRACES: {
        Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceResponse *r =
            opentelemetry__proto__collector__trace__v1__export_trace_service_response__unpack(NULL, len, data);
        if (r != NULL && r->partial_success != NULL)
            *rejected = r->partial_success->rejected_spans, text = r->partial_success->error_message;
        msg = r != NULL ? &r->base : NULL;
        break;
    }
    case OTEL_OTLP_METRICS: {
        Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceResponse *r =
            opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__unpack(NULL, len, data);
        if (r != NULL && r->partial_success != NULL)
            *rejected = r->partial_success->rejected_data_points, text = r->partial_success->error_message;
        msg = r != NULL ? &r->base : NULL;
        break;
    }
    case OTEL_OTLP_LOGS: {
        Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceResponse *r =
            opentelemetry__proto__collector__logs__v1__export_logs_service_response__unpack(NULL, len, data);
        if (r != NULL && r->partial_success != NULL)
            *rejected = r->partial_success->rejected_log_records, text = r->partial_success->error_message;
        msg = r != NULL ? &r->base : NULL;
        break;
    }
    }
    if (text != NULL)
        snprintf(message, message_len, "%s", text);
    if (msg != NULL)
        protobuf_c_message_free_unpacked(msg, NULL);
}

/* Waits `ms` unless cancelled first; false when cancelled. */
static bool backoff_wait(otel_otlp__client_t *c, uint64_t ms)
{
    struct timespec until = otel_deadline__after_ms(ms);
    pthread_mutex_lock(&c->lock);
    while (!c->cancelled && pthread_cond_timedwait(&c->wake, &c->lock, &until) == 0)
        ;
    bool ok = !c->cancelled;
    pthread_mutex_unlock(&c->lock);
    return ok;
}

static bool is_cancelled(otel_otlp__client_t *c)
{
    pthread_mutex_lock(&c->lock);
    bool cancelled = c->cancelled;
    pthread_mutex_unlock(&c->lock);
    return cancelled;
}

static void job_begin(otel_otlp__client_t *c, job_t *j, const uint8_t *request, size_t len, size_t items)
{
    COUNT(c->signal, export_calls, 1);
    j->busy = true;
    j->seq = c->next_seq++;
    j->payload = grpc_slice_from_copied_buffer((const char *)request, len);
    j->len = len;
    j->items = items;
    j->deadline_ns = otel_time_monotonic_ns() + (uint64_t)c->timeout_ms * 1000000ULL;
    j->attempt_no = 0;
    j->backoff_ms = c->retry.initial_backoff_ms;
    j->started = false;
    j->start_error = NULL;
}

/* Collects the outcome of `j`'s call in flight, retrying per OTLP until it is settled; counts it. */
static otel_status_t settle(otel_otlp__client_t *c, job_t *j)
{
    const otel_otlp_signal_t sig = c->signal;
    const size_t item_count = j->items;
    otel_status_t result = OTEL_ERR_EXPORT;
    attempt_t a;
    for (;;) {
        finish_call(c, j, &a);
        if (a.code == GRPC_STATUS_OK) {
            int64_t rejected;
            char message[256];
            read_partial_success(sig, a.response, &rejected, message, sizeof(message));
            grpc_slice_unref(a.response);
            if (rejected > 0 || message[0] != '\0') {
                COUNT(sig, partial_successes, 1);
                uint64_t r = rejected > 0 ? (uint64_t)rejected : 0;
                if (r > item_count)
                    r = item_count;
                COUNT(sig, items_rejected, r);
                COUNT(sig, items_exported, item_count - r);
                OTEL_DIAG(OTEL_DIAG_WARN, "OTLP export to %s: partial success, %lld %s rejected: %s", c->target,
                          (long long)rejected, item_names[sig], message[0] ? message : "(no message)");
            } else {
                COUNT(sig, items_exported, item_count);
            }
            result = OTEL_OK;
            break;
        }
        grpc_slice_unref(a.response);
        uint64_t now = otel_time_monotonic_ns();
        uint64_t left_ms = j->deadline_ns > now ? (j->deadline_ns - now) / 1000000ULL : 0;
        if (!otel_otlp__code_is_retryable(a.code, a.has_retry_info)) {
            COUNT(sig, items_failed, item_count);
            OTEL_DIAG(OTEL_DIAG_WARN, "OTLP export to %s failed (status %d, not retryable): %s; %zu %s dropped",
                      c->target, (int)a.code, a.message, item_count, item_names[sig]);
            break;
        }
        /* Exponential backoff with jitter in [0.5, 1.5); the server's RetryInfo delay wins. */
        uint64_t delay_ms = a.has_retry_info && a.retry_delay_ms > 0
                                ? a.retry_delay_ms
                                : (uint64_t)(j->backoff_ms * (0.5 + otel_random__double()));
        j->backoff_ms = j->backoff_ms * c->retry.multiplier;
        if (j->backoff_ms > c->retry.max_backoff_ms)
            j->backoff_ms = c->retry.max_backoff_ms;
        if (delay_ms >= left_ms) {
            COUNT(sig, items_failed, item_count);
            OTEL_DIAG(OTEL_DIAG_WARN,
                      "OTLP export to %s failed (status %d: %s) after %u attempt(s) within %u ms; %zu %s dropped",
                      c->target, (int)a.code, a.message, j->attempt_no + 1, c->timeout_ms, item_count, item_names[sig]);
            break;
        }
        if (!backoff_wait(c, delay_ms) || is_cancelled(c)) {
            result = OTEL_ERR_SHUTDOWN;
            COUNT(sig, items_failed, item_count);
            break;
        }
        j->attempt_no++;
        start_call(c, j);
    }
    grpc_slice_unref(j->payload);
    j->busy = false;
    return result;
}

otel_status_t otel_otlp__client_export(otel_otlp__client_t *c, const uint8_t *request, size_t len, size_t item_count)
{
    otel_otlp__client_flush(c); /* keeps the order when pipelined exports are still in flight */
    if (is_cancelled(c)) {
        COUNT(c->signal, export_calls, 1);
        COUNT(c->signal, items_failed, item_count);
        return OTEL_ERR_SHUTDOWN;
    }
    job_t j;
    job_begin(c, &j, request, len, item_count);
    start_call(c, &j);
    return settle(c, &j);
}

/* The busy job started first, or NULL. */
static job_t *oldest_busy(otel_otlp__client_t *c)
{
    job_t *oldest = NULL;
    for (uint32_t i = 0; i < c->max_in_flight; i++)
        if (c->jobs[i].busy && (oldest == NULL || c->jobs[i].seq < oldest->seq))
            oldest = &c->jobs[i];
    return oldest;
}

otel_status_t otel_otlp__client_export_pipelined(otel_otlp__client_t *c, const uint8_t *request, size_t len,
                                                 size_t item_count)
{
    if (c->max_in_flight <= 1)
        return otel_otlp__client_export(c, request, len, item_count);
    if (is_cancelled(c)) {
        COUNT(c->signal, export_calls, 1);
        COUNT(c->signal, items_failed, item_count);
        return OTEL_ERR_SHUTDOWN;
    }
    job_t *free_slot = NULL;
    for (uint32_t i = 0; i < c->max_in_flight && free_slot == NULL; i++)
        if (!c->jobs[i].busy)
            free_slot = &c->jobs[i];
    if (free_slot == NULL) { /* all slots busy: wait for the oldest to settle */
        free_slot = oldest_busy(c);
        settle(c, free_slot);
    }
    job_begin(c, free_slot, request, len, item_count);
    start_call(c, free_slot);
    return OTEL_OK;
}

otel_status_t otel_otlp__client_flush(otel_otlp__client_t *c)
{
    otel_status_t result = OTEL_OK;
    job_t *j;
    while (c->jobs != NULL && (j = oldest_busy(c)) != NULL)
        if (settle(c, j) != OTEL_OK)
            result = OTEL_ERR_EXPORT;
    return result;
}

void otel_otlp__client_set_max_in_flight(otel_otlp__client_t *c, uint32_t max_in_flight)
{
    otel_otlp__client_flush(c);
    if (max_in_flight < 1)
        max_in_flight = 1;
    job_t *jobs = max_in_flight > 1 ? calloc(max_in_flight, sizeof(job_t)) : NULL;
    if (max_in_flight > 1 && jobs == NULL)
        return; /* stays sequential */
    free(c->jobs);
    c->jobs = jobs;
    c->max_in_flight = max_in_flight;
}
