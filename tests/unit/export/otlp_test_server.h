/* SPDX-License-Identifier: Apache-2.0 */
/* A tiny OTLP gRPC server for tests (grpc core server API): records requests, answers as scripted. */
#ifndef OTLP_TEST_SERVER_H
#define OTLP_TEST_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TS_MAX_SCRIPT 16
#define TS_MAX_REQUESTS 64

/** One scripted answer; calls beyond the script get OK with an empty response. */
typedef struct ts_answer {
    int code;                /* grpc_status_code */
    const char *message;     /* status details */
    int64_t retry_delay_ms;  /* >= 0: add a google.rpc.RetryInfo with this delay in grpc-status-details-bin */
    const uint8_t *response; /* packed Export*ServiceResponse for OK (may be NULL: empty response) */
    size_t response_len;
    uint32_t delay_ms; /* wait this long before answering (slow server) */
} ts_answer_t;

typedef struct ts_request {
    char method[128];
    uint8_t *body;
    size_t len;
    char headers[1024]; /* "key=value\n" for every client metadata entry */
    uint64_t at_ns;     /* monotonic arrival time */
    bool compressed;    /* arrived compressed (only seen by a ts_start_ex(.., true) server) */
} ts_request_t;

typedef struct ts_server ts_server_t;

/** Starts on 127.0.0.1:`port` (0: a free port). NULL when the port cannot be bound. */
ts_server_t *ts_start(int port);
/** Same, but the server keeps compressed messages as they came (body = the compressed bytes). */
ts_server_t *ts_start_ex(int port, bool keep_compressed);
/** A TLS server with this certificate chain and key (PEM text); `client_ca_pem` non-NULL requires and
 * verifies client certificates against it (mTLS). */
ts_server_t *ts_start_tls(int port, bool keep_compressed, const char *cert_pem, const char *key_pem,
                          const char *client_ca_pem);
int ts_port(const ts_server_t *s);
/** Appends an answer to the script (thread-safe). */
void ts_script(ts_server_t *s, ts_answer_t answer);
/** Number of requests received so far. */
size_t ts_request_count(ts_server_t *s);
/** A copy of the i-th request (body owned by the server). */
ts_request_t ts_request(ts_server_t *s, size_t i);
/** Waits until at least `n` requests arrived or `timeout_ms` passed; true when they did. */
bool ts_wait_requests(ts_server_t *s, size_t n, uint32_t timeout_ms);
/** Stops and frees the server. NULL-safe. */
void ts_stop(ts_server_t *s);

#endif
