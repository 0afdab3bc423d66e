/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: hostile HTTP requests and bad configuration against the real binary, table-driven. Each request
 * gets its documented 4xx (JSON from the service, or h2o's own plain-text 400 for what h2o cannot parse), the
 * server never crashes, hangs or grows without bound; each bad configuration is one line on stderr and exit 2. */
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/stat.h>

#include "harness.h"

/* ---- raw HTTP over TCP (libcurl refuses to send most of these) ---- */

typedef struct raw_res {
    int status;     /* 0 when the server closed without answering */
    int json_error; /* the body is {"error":..., "message":...} */
    char code[64];  /* its "error" */
    char head[4096];
    double seconds;
} raw_res_t;

static int connect_to(const svc_t *s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)s->port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect: %s", strerror(errno));
    struct timeval tv = {.tv_sec = 20};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

/* Sends `len` bytes (the server may stop reading early: errors are ignored), optionally half-closes, and reads
 * one response (up to its Content-Length) or until the server closes. */
static void raw_request(const svc_t *s, const char *data, size_t len, int shut_wr, raw_res_t *r)
{
    memset(r, 0, sizeof(*r));
    double t0 = now_s();
    int fd = connect_to(s);
    for (size_t off = 0; off < len;) {
        ssize_t n = send(fd, data + off, len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    if (shut_wr)
        shutdown(fd, SHUT_WR);
    static _Thread_local char buf[1 << 16];
    size_t got = 0;
    for (;;) {
        ssize_t n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
        buf[got] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        const char *cl = end != NULL ? strcasestr(buf, "\r\ncontent-length:") : NULL;
        if (cl != NULL && cl < end && got >= (size_t)(end + 4 - buf) + strtoul(cl + 17, NULL, 10))
            break;
    }
    close(fd);
    buf[got] = '\0';
    r->seconds = now_s() - t0;
    if (got >= 12 && strncmp(buf, "HTTP/1.", 7) == 0)
        r->status = atoi(buf + 9);
    char *end = strstr(buf, "\r\n\r\n");
    if (end != NULL) {
        snprintf(r->head, sizeof(r->head), "%.*s", (int)(end - buf), buf);
        json_t *j = json_loads(end + 4, 0, NULL);
        const char *code = json_string_value(json_object_get(j, "error"));
        r->json_error = code != NULL && json_is_string(json_object_get(j, "message"));
        snprintf(r->code, sizeof(r->code), "%s", code != NULL ? code : "");
        json_decref(j);
    }
}

/* ---- the hostile request table ---- */

typedef struct hostile {
    const char *name;
    char *(*make)(size_t *len); /* builds the request bytes (malloc'd) */
    int shut_wr;                /* half-close after sending (truncation) */
    int status;                 /* expected status; 0 = closed without a response */
    const char *code;           /* expected JSON "error", or NULL for h2o's own plain-text 400 */
} hostile_t;

static char *dup_bytes(const char *s, size_t n, size_t *len)
{
    char *p = malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    *len = n;
    return p;
}
#define FIXED(fn, text)                                                                                                \
    static char *fn(size_t *len)                                                                                       \
    {                                                                                                                  \
        return dup_bytes(text, sizeof(text) - 1, len);                                                                 \
    }

/* A request with `body` and a Content-Length that matches it. */
static char *post_throttle(const char *body, size_t body_len, size_t *len)
{
    size_t cap = body_len + 256;
    char *p = malloc(cap);
    int head = snprintf(p, cap,
                        "POST /api/v1/throttle/run HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                        "Content-Length: %zu\r\n\r\n",
                        body_len);
    memcpy(p + head, body, body_len);
    *len = (size_t)head + body_len;
    return p;
}
#define THROTTLE(fn, json)                                                                                             \
    static char *fn(size_t *len)                                                                                       \
    {                                                                                                                  \
        return post_throttle(json, sizeof(json) - 1, len);                                                             \
    }

FIXED(unknown_method, "BREW /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
FIXED(lowercase_method, "get /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
FIXED(symbol_method, "G@T /api/v1/dummy/ HTTP/1.1\r\nHost: t\r\n\r\n")
FIXED(binary_garbage, "\x00\x01\x02\x03\xff\r\n\r\n")
FIXED(http09_line, "GET /healthz\r\n\r\n")
FIXED(http2_line_on_http1, "GET /healthz HTTP/2.0\r\nHost: t\r\n\r\n")
FIXED(nul_in_header, "GET /healthz HTTP/1.1\r\nHost: t\r\nX-A: a\x00b\r\n\r\n")
FIXED(space_in_header_name, "GET /healthz HTTP/1.1\r\nHost: t\r\nBad Name: 1\r\n\r\n")
FIXED(invalid_utf8_path, "GET /\xff\xfe\x80/\xc3\x28 HTTP/1.1\r\nHost: t\r\n\r\n")
FIXED(bad_chunk_size, "POST /api/v1/throttle/run HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n"
                      "0\r\n\r\n")
FIXED(negative_content_length, "POST /api/v1/throttle/run HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n{}")
FIXED(overflowing_content_length,
      "POST /api/v1/throttle/run HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999\r\n\r\n{}")
FIXED(content_length_and_chunked, "POST /api/v1/throttle/run HTTP/1.1\r\nHost: t\r\nContent-Length: 40\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
FIXED(oversized_content_length, "POST /api/v1/throttle/run HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n{")
FIXED(truncated_body, "POST /api/v1/throttle/run HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{\"distance_m\"")
FIXED(truncated_headers, "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Half: ")
THROTTLE(invalid_utf8_json_key, "{\"distance_m\":100,\"\xff\xfe\":1}")
THROTTLE(invalid_utf8_json_string, "{\"distance_m\":100,\"seed\":\"\xc3\x28\"}")
THROTTLE(nul_after_json, "{\"distance_m\":100}\x00")
THROTTLE(json_not_object, "[1,2,3]")
THROTTLE(duplicate_field, "{\"distance_m\":100,\"distance_m\":200}")
THROTTLE(population_beyond_cap, "{\"distance_m\":100,\"population\":501}")
THROTTLE(population_below_min, "{\"distance_m\":100,\"population\":3}")
THROTTLE(generations_beyond_cap, "{\"distance_m\":100,\"generations\":1001}")
THROTTLE(evaluations_beyond_cap, "{\"distance_m\":100,\"population\":500,\"generations\":401}")
THROTTLE(steps_beyond_cap, "{\"distance_m\":100000,\"time_step_s\":0.01}")
THROTTLE(seed_beyond_2_53, "{\"distance_m\":100,\"seed\":9007199254740992}")
THROTTLE(fractional_population, "{\"distance_m\":100,\"population\":4.5}")
THROTTLE(huge_number, "{\"distance_m\":1e999}")
THROTTLE(population_at_cap, "{\"distance_m\":100,\"population\":500,\"generations\":400}")

static char *header_flood(size_t *len) /* 1000 headers: h2o's limit is 100 */
{
    size_t cap = 1000 * 16 + 64, n = (size_t)snprintf(NULL, 0, "GET /healthz HTTP/1.1\r\nHost: t\r\n");
    char *p = malloc(cap);
    snprintf(p, cap, "GET /healthz HTTP/1.1\r\nHost: t\r\n");
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(p + n, cap - n, "X-%d: y\r\n", i);
    n += (size_t)snprintf(p + n, cap - n, "\r\n");
    *len = n;
    return p;
}

/* `before` + `count` bytes of 'a' + `after`. */
static char *padded(const char *before, size_t count, const char *after, size_t *len)
{
    size_t b = strlen(before), a = strlen(after);
    char *p = malloc(b + count + a);
    memcpy(p, before, b);
    memset(p + b, 'a', count);
    memcpy(p + b + count, after, a);
    *len = b + count + a;
    return p;
}

static char *huge_header(size_t *len) /* 1 MB in one header: beyond h2o's request-head limit */
{
    return padded("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ", 1000000, "\r\n\r\n", len);
}

static char *long_path(size_t *len) /* 20 KB of path: an unknown route, message truncated */
{
    return padded("GET /", 20000, " HTTP/1.1\r\nHost: t\r\n\r\n", len);
}

static char *deep_json(size_t *len) /* 400k nested arrays, inside the body limit: jansson stops at depth 2048 */
{
    size_t depth = 400000;
    char *body = malloc(2 * depth);
    memset(body, '[', depth);
    memset(body + depth, ']', depth);
    char *p = post_throttle(body, 2 * depth, len);
    free(body);
    return p;
}

static char *oversized_chunked(size_t *len) /* 2 MB in chunks: 413 once past the limit */
{
    size_t chunk = 65536, chunks = 32;
    char *p = malloc(chunks * (chunk + 16) + 256);
    size_t n =
        (size_t)sprintf(p, "POST /api/v1/throttle/run HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (size_t i = 0; i < chunks; i++) {
        n += (size_t)sprintf(p + n, "%zx\r\n", chunk);
        memset(p + n, ' ', chunk);
        n += chunk;
        n += (size_t)sprintf(p + n, "\r\n");
    }
    n += (size_t)sprintf(p + n, "0\r\n\r\n");
    *len = n;
    return p;
}

static const hostile_t hostile[] = {
    {"unknown method", unknown_method, 0, 405, "method_not_allowed"},
    {"lowercase method", lowercase_method, 0, 405, "method_not_allowed"},
    {"method with a symbol", symbol_method, 0, 405, "method_not_allowed"},
    {"binary garbage", binary_garbage, 0, 400, NULL},
    {"HTTP/0.9 request line", http09_line, 0, 400, NULL},
    {"HTTP/2.0 request line on HTTP/1", http2_line_on_http1, 0, 400, NULL},
    {"NUL in a header value", nul_in_header, 0, 400, NULL},
    {"space in a header name", space_in_header_name, 0, 400, NULL},
    {"header flood (1000 headers)", header_flood, 0, 400, NULL},
    {"huge header (1 MB)", huge_header, 0, 400, NULL},
    {"long path (20 KB)", long_path, 0, 404, "not_found"},
    {"invalid UTF-8 in the path", invalid_utf8_path, 0, 404, "not_found"},
    {"bad chunk size", bad_chunk_size, 0, 400, "bad_request"},
    {"negative Content-Length", negative_content_length, 0, 400, "bad_request"},
    {"overflowing Content-Length", overflowing_content_length, 0, 400, "bad_request"},
    {"Content-Length with chunked (chunked wins: empty body)", content_length_and_chunked, 0, 400, "invalid_request"},
    {"oversized Content-Length", oversized_content_length, 0, 413, "payload_too_large"},
    {"oversized chunked body", oversized_chunked, 0, 413, "payload_too_large"},
    {"truncated body", truncated_body, 1, 0, NULL},
    {"truncated headers", truncated_headers, 1, 0, NULL},
    {"deep JSON", deep_json, 0, 400, "invalid_request"},
    {"invalid UTF-8 JSON key", invalid_utf8_json_key, 0, 400, "invalid_request"},
    {"invalid UTF-8 JSON string", invalid_utf8_json_string, 0, 400, "invalid_request"},
    {"NUL after the JSON", nul_after_json, 0, 400, "invalid_request"},
    {"JSON array body", json_not_object, 0, 400, "invalid_request"},
    {"duplicate JSON field", duplicate_field, 0, 400, "invalid_request"},
    {"population beyond cap", population_beyond_cap, 0, 400, "invalid_request"},
    {"population below minimum", population_below_min, 0, 400, "invalid_request"},
    {"generations beyond cap", generations_beyond_cap, 0, 400, "invalid_request"},
    {"population x generations beyond cap", evaluations_beyond_cap, 0, 400, "invalid_request"},
    {"steps beyond cap", steps_beyond_cap, 0, 400, "invalid_request"},
    {"seed beyond 2^53-1", seed_beyond_2_53, 0, 400, "invalid_request"},
    {"fractional population", fractional_population, 0, 400, "invalid_request"},
    {"number overflowing a double", huge_number, 0, 400, "invalid_request"},
    {"population x generations at cap", population_at_cap, 0, 200, NULL},
};

static long rss_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *fp = fopen(path, "r");
    long kb = -1;
    while (fp != NULL && fgets(line, sizeof(line), fp) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = atol(line + 6);
    if (fp != NULL)
        fclose(fp);
    return kb;
}

static void run_table(const svc_t *s)
{
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        const hostile_t *h = &hostile[i];
        size_t len;
        char *req = h->make(&len);
        raw_res_t r;
        raw_request(s, req, len, h->shut_wr, &r);
        free(req);
        cr_expect_eq(r.status, h->status, "%s: status %d, want %d\n%s", h->name, r.status, h->status, r.head);
        if (h->code != NULL) {
            cr_expect(r.json_error, "%s: not a JSON error body\n%s", h->name, r.head);
            cr_expect_str_eq(r.code, h->code, "%s: error '%s', want '%s'", h->name, r.code, h->code);
        } else if (h->status == 400) {
            /* h2o answers what it cannot parse itself, before any handler: plain text, connection closed. */
            cr_expect(strcasestr(r.head, "connection: close") != NULL, "%s: %s", h->name, r.head);
        }
        cr_expect(r.seconds < 10, "%s: took %.1f s", h->name, r.seconds);
    }
}

Test(bad_input, hostile_requests_get_their_documented_status)
{
    /* Small ASan quarantine in the server, so its RSS tracks live memory. */
    const char *asan = getenv("ASAN_OPTIONS");
    char opts[512];
    snprintf(opts, sizeof(opts), "%s%squarantine_size_mb=16", asan ? asan : "", asan && *asan ? ":" : "");
    setenv("ASAN_OPTIONS", opts, 1);
    svc_t s;
    SVC_START(&s, "--access-log", "false");
    run_table(&s);
    long after_first = rss_kb(s.pid);
    /* Twice more: memory must not grow with repeated hostile input. */
    run_table(&s);
    run_table(&s);
    long after_third = rss_kb(s.pid);
    cr_expect(after_third <= after_first + 32 * 1024, "RSS grew from %ld kB to %ld kB over two more rounds",
              after_first, after_third);
    http_res_t r;
    http_get(&r, &s, "/healthz");
    cr_assert_eq(r.status, 200, "the server still serves after the table");
    svc_stop(&s);
}

/* ---- slowloris ---- */

typedef struct trickle {
    const svc_t *svc;
    double closed_after; /* seconds until the server closed the connection, or -1 */
} trickle_t;

static void *trickle_headers(void *arg)
{
    trickle_t *t = arg;
    int fd = connect_to(t->svc);
    struct timeval tv = {.tv_usec = 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    const char start[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n";
    send(fd, start, sizeof(start) - 1, MSG_NOSIGNAL);
    double t0 = now_s();
    t->closed_after = -1;
    while (now_s() - t0 < 20) { /* one header line every 200 ms, never finishing the request */
        if (send(fd, "X-a: b\r\n", 8, MSG_NOSIGNAL) < 0) {
            t->closed_after = now_s() - t0;
            break;
        }
        char c;
        ssize_t n = recv(fd, &c, 1, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
            t->closed_after = now_s() - t0;
            break;
        }
    }
    close(fd);
    return NULL;
}

Test(bad_input, slowloris_connections_are_cut_and_do_not_block_others)
{
    svc_t s;
    SVC_START(&s, "--access-log", "false");
    enum { N = 32 };
    pthread_t threads[N];
    trickle_t t[N];
    for (int i = 0; i < N; i++) {
        t[i].svc = &s;
        pthread_create(&threads[i], NULL, trickle_headers, &t[i]);
    }
    usleep(500000);
    for (int i = 0; i < 5; i++) { /* normal clients are served meanwhile */
        http_res_t r;
        http_get(&r, &s, "/healthz");
        cr_expect_eq(r.status, 200);
        cr_expect(r.seconds < 1.0, "healthz took %.2f s during the trickle", r.seconds);
        usleep(300000);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(threads[i], NULL);
        /* h2o's request timeout (10 s) counts from the start of the request, not from the last byte. */
        cr_expect(t[i].closed_after >= 0 && t[i].closed_after < 15, "trickle %d: closed after %.1f s", i,
                  t[i].closed_after);
    }
    svc_stop(&s);
}

/* ---- bad configuration ---- */

typedef struct bad_config {
    const char *name;
    const char *yaml;     /* written to a temporary file passed with --config (NULL: none) */
    const char *args[4];  /* extra arguments ("@" is replaced by the file's path) */
    const char *env_name; /* one H2OTEL_* variable to set, or NULL */
    const char *env_value;
    const char *want; /* a substring of the one-line error */
} bad_config_t;

static const bad_config_t bad_configs[] = {
    {"unknown service key", "service:\n  nope: 1\n", {"--config", "@"}, NULL, NULL, "key 'service.nope': unknown key"},
    {"unknown top-level key", "bogus: 1\n", {"--config", "@"}, NULL, NULL, "key 'bogus': unknown key"},
    {"unknown nested key",
     "service:\n  downstream:\n    urll: x\n",
     {"--config", "@"},
     NULL,
     NULL,
     "key 'service.downstream.urll': unknown key"},
    {"text for an integer",
     "service:\n  threads: many\n",
     {"--config", "@"},
     NULL,
     NULL,
     "key 'service.threads': expected an unsigned integer"},
    {"negative integer",
     "service:\n  threads: -1\n",
     {"--config", "@"},
     NULL,
     NULL,
     "key 'service.threads': expected an unsigned integer"},
    {"sequence for a scalar",
     "service:\n  threads: [1, 2]\n",
     {"--config", "@"},
     NULL,
     NULL,
     "key 'service.threads': expected a single value"},
    {"scalar for a section",
     "service:\n  downstream: 5\n",
     {"--config", "@"},
     NULL,
     NULL,
     "key 'service.downstream': expected a mapping"},
    {"service not a mapping", "service: [a]\n", {"--config", "@"}, NULL, NULL, "key 'service': expected a mapping"},
    {"not a boolean",
     "service:\n  access_log: maybe\n",
     {"--config", "@"},
     NULL,
     NULL,
     "key 'service.access_log': expected true or false"},
    {"not a log level", "service:\n  log_level: loud\n", {"--config", "@"}, NULL, NULL, "key 'service.log_level'"},
    {"zero threads",
     "service:\n  threads: 0\n",
     {"--config", "@"},
     NULL,
     NULL,
     "key 'service.threads': must be between 1 and 256"},
    {"integer overflow",
     "service:\n  max_body_bytes: 99999999999999999999999\n",
     {"--config", "@"},
     NULL,
     NULL,
     "key 'service.max_body_bytes': must be between"},
    {"string too long",
     "service:\n  listen: 127.0.0.1:80000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000\n",
     {"--config", "@"},
     NULL,
     NULL,
     "key 'service.listen': value too long"},
    {"bad listen address", "service:\n  listen: nowhere\n", {"--config", "@"}, NULL, NULL, "key 'service.listen'"},
    {"port out of range",
     "service:\n  listen: 127.0.0.1:70000\n",
     {"--config", "@"},
     NULL,
     NULL,
     "key 'service.listen'"},
    {"delay range reversed",
     "service:\n  dummy: {delay_min_ms: 5, delay_max_ms: 1}\n",
     {"--config", "@"},
     NULL,
     NULL,
     "key 'service.dummy.delay_min_ms'"},
    {"https downstream",
     "service:\n  downstream: {url: 'https://x/'}\n",
     {"--config", "@"},
     NULL,
     NULL,
     "key 'service.downstream.url'"},
    {"unterminated ${",
     "service:\n  listen: ${LISTEN\n",
     {"--config", "@"},
     NULL,
     NULL,
     "key 'service.listen': bad ${VAR} reference"},
    {"invalid YAML", "service: [\n", {"--config", "@"}, NULL, NULL, "invalid YAML"},
    {"top level not a mapping", "- a\n- b\n", {"--config", "@"}, NULL, NULL, "expected a mapping"},
    {"invalid UTF-8", "service:\n  listen: \xc3\x28\x01\n", {"--config", "@"}, NULL, NULL, "invalid YAML"},
    {"binary after a UTF-16 BOM", "\xff\xfe\x01\x02garbage", {"--config", "@"}, NULL, NULL, "invalid YAML"},
    {"missing file", NULL, {"--config", "/nonexistent/h2otel.yaml"}, NULL, NULL, "cannot open"},
    {"directory as file", NULL, {"--config", "/"}, NULL, NULL, "h2otel: /"},
    {"bad H2OTEL_THREADS", NULL, {NULL}, "H2OTEL_THREADS", "abc", "environment H2OTEL_THREADS"},
    {"bad H2OTEL_ACCESS_LOG", NULL, {NULL}, "H2OTEL_ACCESS_LOG", "yes", "environment H2OTEL_ACCESS_LOG"},
    {"bad H2OTEL_CONFIG", NULL, {NULL}, "H2OTEL_CONFIG", "/nonexistent.yaml", "cannot open"},
    {"bad flag value", NULL, {"--threads=-1"}, NULL, NULL, "--threads: expected an unsigned integer"},
    {"flag without value", NULL, {"--listen"}, NULL, NULL, "--listen: missing value"},
    {"unknown flag", NULL, {"--bogus=1"}, NULL, NULL, "unknown option '--bogus'"},
};

/* Runs the binary with the row's file, arguments and environment; returns the exit code and all of stderr. */
static int run_bad_config(const bad_config_t *row, char *err, size_t errlen)
{
    char cfg_path[] = "/tmp/h2otel-bad-cfg-XXXXXX", err_path[] = "/tmp/h2otel-bad-err-XXXXXX";
    int cfd = -1;
    if (row->yaml != NULL) {
        cfd = mkstemp(cfg_path);
        size_t n = strlen(row->yaml);
        cr_assert_eq(write(cfd, row->yaml, n), (ssize_t)n);
        close(cfd);
    }
    int efd = mkstemp(err_path);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(efd, 2);
        svc_child_setup();
        unsetenv("H2OTEL_CONFIG");
        if (row->env_name != NULL)
            setenv(row->env_name, row->env_value, 1);
        /* Loopback unless the row is about the listen address (a flag would override the file's). */
        const char *argv[8] = {getenv("H2OTEL_BIN"), "--listen", "127.0.0.1:0"};
        int argc = row->yaml != NULL && strstr(row->yaml, "listen") != NULL ? 1 : 3;
        for (int i = 0; i < 4 && row->args[i] != NULL; i++)
            argv[argc++] = strcmp(row->args[i], "@") == 0 ? cfg_path : row->args[i];
        argv[argc] = NULL;
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    double end = now_s() + 20; /* a configuration the binary accepts would start serving: stop it */
    while (waitpid(pid, &st, WNOHANG) == 0) {
        if (now_s() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            break;
        }
        usleep(5000);
    }
    ssize_t n = pread(efd, err, errlen - 1, 0);
    err[n > 0 ? n : 0] = '\0';
    close(efd);
    unlink(err_path);
    if (cfd >= 0)
        unlink(cfg_path);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

Test(bad_input, bad_configuration_is_one_line_and_exit_2)
{
    for (size_t i = 0; i < sizeof(bad_configs) / sizeof(bad_configs[0]); i++) {
        const bad_config_t *row = &bad_configs[i];
        char err[4096];
        int code = run_bad_config(row, err, sizeof(err));
        cr_expect_eq(code, 2, "%s: exit %d, stderr: %s", row->name, code, err);
        size_t len = strlen(err);
        cr_expect(len > 0 && err[len - 1] == '\n' && strchr(err, '\n') == err + len - 1,
                  "%s: stderr is not exactly one line: '%s'", row->name, err);
        cr_expect(strncmp(err, "h2otel: ", 8) == 0, "%s: '%s'", row->name, err);
        cr_expect(strstr(err, row->want) != NULL, "%s: '%s' does not say '%s'", row->name, err, row->want);
    }
}

Test(bad_input, deeply_nested_config_is_refused_without_crashing)
{
    /* 100000 nested flow sequences under a known key: libyaml must not recurse the stack away. */
    size_t depth = 100000;
    size_t cap = 2 * depth + 64;
    char *yaml = malloc(cap);
    size_t n = (size_t)sprintf(yaml, "service:\n  threads: ");
    memset(yaml + n, '[', depth);
    n += depth;
    memset(yaml + n, ']', depth);
    n += depth;
    yaml[n++] = '\n';
    yaml[n] = '\0';
    bad_config_t row = {"deep YAML", yaml, {"--config", "@"}, NULL, NULL, "nested deeper than 64 levels"};
    char err[4096];
    int code = run_bad_config(&row, err, sizeof(err));
    free(yaml);
    cr_expect_eq(code, 2, "exit %d, stderr: %s", code, err);
    cr_expect(strncmp(err, "h2otel: ", 8) == 0 && strchr(err, '\n') == err + strlen(err) - 1, "stderr: '%s'", err);
    cr_expect(strstr(err, row.want) != NULL, "stderr: '%s'", err);
}
