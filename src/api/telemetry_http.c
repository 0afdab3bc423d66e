/* SPDX-License-Identifier: Apache-2.0 */
/* The telemetry middleware: server span, HTTP metrics and access log record per request; client spans. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "routes.h"
#include "telemetry_internal.h"

_Thread_local const api_tel_route_t *api_tel__sampling_route;

struct api_req_telemetry {
    h2o_req_t *req;
    const api_tel_route_t *route;
    otel_span_t *span;       /* NULL when the route is not traced, and once the span ended */
    otel_span_context_t ctx; /* the server span's context */
    bool traced;             /* a server span was started (ctx is its context, also after it ended) */
    bool finished;           /* the finishing step ran */
    uint64_t start_ns;
    int method;
};

/* The state is found from the request through h2o's env vector, under this key (compared by address). */
static const char env_key[] = "h2otel.telemetry";

api_req_telemetry_t *api_telemetry_of(h2o_req_t *req)
{
    for (size_t i = 0; i + 1 < req->env.size; i += 2)
        if (req->env.entries[i].base == env_key)
            return (api_req_telemetry_t *)req->env.entries[i + 1].base;
    return NULL;
}

otel_span_context_t api_telemetry_parent(h2o_req_t *req)
{
    api_req_telemetry_t *rt = api_telemetry_of(req);
    return rt != NULL && rt->span != NULL ? rt->ctx : (otel_span_context_t){0};
}

size_t api_telemetry_parent_tracestate(h2o_req_t *req, char *out, size_t cap)
{
    api_req_telemetry_t *rt = api_telemetry_of(req);
    otel_str_t ts = rt != NULL && rt->span != NULL ? otel_span_get_tracestate(rt->span) : (otel_str_t){NULL, 0};
    size_t n = cap > 0 && ts.len < cap ? ts.len : 0;
    if (n > 0)
        memcpy(out, ts.ptr, n);
    if (cap > 0)
        out[n] = '\0';
    return n;
}

/* Lower-case hex of `len` bytes, two digits per table lookup (otel_hex_encode goes digit by digit). */
static void hex_pairs(const uint8_t *bytes, size_t len, char *out)
{
    static const char pairs[513] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                                   "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
                                   "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
                                   "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
                                   "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
                                   "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
                                   "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
                                   "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    for (size_t i = 0; i < len; i++)
        memcpy(out + 2 * i, pairs + 2 * bytes[i], 2);
}

size_t api_telemetry_log_ids(h2o_req_t *req, char *out, size_t cap)
{
    api_req_telemetry_t *rt = api_telemetry_of(req);
    if (rt == NULL || !rt->traced || cap < 80)
        return 0;
    memcpy(out, ",\"trace_id\":\"", 13);
    hex_pairs(rt->ctx.trace_id.bytes, 16, out + 13);
    memcpy(out + 45, "\",\"span_id\":\"", 13);
    hex_pairs(rt->ctx.span_id.bytes, 8, out + 58);
    out[74] = '"';
    return 75;
}

void api_telemetry_record_exception(h2o_req_t *req, const char *type, const char *message)
{
    api_req_telemetry_t *rt = api_telemetry_of(req);
    if (rt != NULL && rt->span != NULL)
        otel_span_record_exception(rt->span, otel_str_from_cstr(type), otel_str_from_cstr(message), NULL, 0);
}

otel_tracer_t *api_telemetry_tracer(void)
{
    return api_tel.tracer;
}

otel_span_t *api_telemetry_start_internal(const char *name, const otel_span_context_t *parent,
                                          otel_str_t parent_tracestate)
{
    otel_span_start_options_t o = {.kind = OTEL_SPAN_KIND_INTERNAL, .parent_tracestate = parent_tracestate};
    if (parent == NULL || !otel_span_context_is_valid(parent)) {
        parent = otel_context_current(); /* its tracestate is found by the SDK */
        o.parent_tracestate = (otel_str_t){NULL, 0};
    }
    /* No parent: the request is not traced (route switched off), so its children are not either (a NULL tracer
     * gives the shared non-recording span) rather than each becoming a trace of its own. */
    o.parent = parent;
    return otel_tracer_start_span(parent != NULL && otel_span_context_is_valid(parent) ? api_tel.tracer : NULL,
                                  otel_str_from_cstr(name), &o);
}

/* ------------------------------------------------------------------------------------------ propagation -- */

/* Joined header values (repeated tracestate/baggage headers), per loop thread. */
static _Thread_local char joined[OTEL_BAGGAGE_MAX_LEN + 1];
static _Thread_local otel_propagation_context_t tl_prop;

static bool get_header(void *carrier, otel_str_t key, otel_str_t *value)
{
    h2o_req_t *req = carrier;
    ssize_t i = h2o_find_header_by_str(&req->headers, key.ptr, key.len, -1);
    if (i < 0)
        return false;
    h2o_iovec_t first = req->headers.entries[i].value;
    ssize_t next = h2o_find_header_by_str(&req->headers, key.ptr, key.len, i);
    if (next < 0) {
        *value = (otel_str_t){first.base, first.len};
        return true;
    }
    size_t len = 0;
    for (; i >= 0; i = h2o_find_header_by_str(&req->headers, key.ptr, key.len, i)) {
        h2o_iovec_t v = req->headers.entries[i].value;
        if (len + v.len + 1 > sizeof(joined) - 1)
            break;
        if (len > 0)
            joined[len++] = ',';
        memcpy(joined + len, v.base, v.len);
        len += v.len;
    }
    *value = (otel_str_t){joined, len};
    return true;
}

static bool has_header(h2o_req_t *req, const char *name, size_t len)
{
    return h2o_find_header_by_str(&req->headers, name, len, -1) >= 0;
}

/* ------------------------------------------------------------------------------------------ the sampler -- */

/* The per-route ratio, on top of the configured sampler, for new traces only (a sampled parent is followed). */
static otel_sampling_decision_t route_ratio_sample(void *user, const otel_span_context_t *parent,
                                                   const otel_trace_id_t *trace_id, otel_str_t name,
                                                   otel_span_kind_t kind, const otel_attribute_t *attributes,
                                                   size_t attribute_count)
{
    const otel_sampler_t *inner = user;
    otel_sampling_decision_t d =
        otel_sampler_should_sample(inner, parent, trace_id, name, kind, attributes, attribute_count);
    const api_tel_route_t *r = api_tel__sampling_route;
    if (d == OTEL_SAMPLING_DROP || r == NULL || r->sample_all || kind != OTEL_SPAN_KIND_SERVER ||
        (parent != NULL && otel_span_context_is_valid(parent)))
        return d;
    uint64_t low = 0;
    for (int i = 8; i < 16; i++)
        low = low << 8 | trace_id->bytes[i];
    return low < r->sample_threshold ? d : OTEL_SAMPLING_DROP;
}

otel_sampler_t *api_tel__route_sampler(otel_sampler_t *inner)
{
    return otel_sampler_custom_create(route_ratio_sample, inner, "h2otel route ratio");
}

/* ------------------------------------------------------------------------------------- the middleware -- */

static int protocol_slot(int version)
{
    return version >= 0x200 ? 2 : version == 0x100 ? 0 : 1;
}

static otel_bound_instrument_t *bound_series(api_tel_bound_slot_t *slot, otel_instrument_t *inst,
                                             const otel_attribute_t *attrs, size_t n)
{
    otel_bound_instrument_t *b = atomic_load_explicit(slot, memory_order_acquire);
    if (b == NULL) { /* first request of this route x method x status x protocol: bind once (binding is idempotent) */
        b = otel_instrument_bind(inst, attrs, n);
        atomic_store_explicit(slot, b, memory_order_release);
    }
    return b;
}

/* The attributes of the request's duration and body-size points (at most 6). */
static size_t metric_attributes(otel_attribute_t *a, const api_req_telemetry_t *rt, const h2o_req_t *req, int status,
                                otel_str_t status_text)
{
    size_t n = 0;
    a[n++] = (otel_attribute_t){OTEL_STR("http.request.method"),
                                {.type = OTEL_VALUE_STRING, .u.string = api_tel_method_strs[rt->method]}};
    a[n++] = OTEL_ATTR_STR("url.scheme", "http");
    a[n++] = (otel_attribute_t){OTEL_STR("network.protocol.version"),
                                {.type = OTEL_VALUE_STRING, .u.string = api_tel_protocol_version_str(req->version)}};
    if (rt->route->route.len > 0)
        a[n++] = (otel_attribute_t){OTEL_STR("http.route"), {.type = OTEL_VALUE_STRING, .u.string = rt->route->route}};
    if (status > 0)
        a[n++] = OTEL_ATTR_INT("http.response.status_code", status);
    if (status >= 500 || status <= 0)
        a[n++] = (otel_attribute_t){OTEL_STR("error.type"), {.type = OTEL_VALUE_STRING, .u.string = status_text}};
    return n;
}

static void record_metrics(api_req_telemetry_t *rt, h2o_req_t *req, int status, otel_str_t status_text, uint64_t end_ns)
{
    const api_tel_route_t *r = rt->route;
    otel_attribute_t a[6];
    double seconds = (double)(end_ns - rt->start_ns) / 1e9;
    int64_t req_bytes = (int64_t)req->entity.len;
    int64_t resp_bytes = (int64_t)(req->res.content_length != SIZE_MAX ? req->res.content_length : req->bytes_sent);
    int slot = api_tel_status_slot(status);
    api_tel_route_t *rw = (api_tel_route_t *)r;
    if (slot >= 0) {
        int p = protocol_slot(req->version);
        api_tel_bound_slot_t *sd = &rw->duration[rt->method][slot][p], *sq = &rw->req_size[rt->method][slot][p],
                             *ss = &rw->resp_size[rt->method][slot][p];
        otel_bound_instrument_t *bd = atomic_load_explicit(sd, memory_order_acquire);
        otel_bound_instrument_t *bq = atomic_load_explicit(sq, memory_order_acquire);
        otel_bound_instrument_t *bs = atomic_load_explicit(ss, memory_order_acquire);
        if (bd == NULL || bq == NULL || bs == NULL) { /* first request of this combination: the attributes, once */
            size_t n = metric_attributes(a, rt, req, status, status_text);
            bd = bound_series(sd, api_tel.duration, a, n);
            bq = bound_series(sq, api_tel.req_size, a, n);
            bs = bound_series(ss, api_tel.resp_size, a, n);
        }
        otel_bound_record_double(bd, seconds);
        otel_bound_record_int64(bq, req_bytes);
        otel_bound_record_int64(bs, resp_bytes);
    } else {
        size_t n = metric_attributes(a, rt, req, status, status_text);
        otel_instrument_record_double(api_tel.duration, seconds, a, n);
        otel_instrument_record_int64(api_tel.req_size, req_bytes, a, n);
        otel_instrument_record_int64(api_tel.resp_size, resp_bytes, a, n);
    }
    otel_bound_record_int64(r->requests, 1);
    if (status >= 500)
        otel_bound_record_int64(r->failed_5xx, 1);
    else if (status >= 400)
        otel_bound_record_int64(r->failed_4xx, 1);
    otel_bound_record_int64(api_tel.active_by_method[rt->method], -1);
}

static const otel_span_context_t no_span; /* invalid: a record of an untraced request has no span */

static void emit_log(api_req_telemetry_t *rt, h2o_req_t *req, int status, uint64_t end_ns)
{
    if (api_tel.logger == NULL)
        return;
    size_t path_len = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
    otel_attribute_t a[] = {
        {OTEL_STR("http.request.method"), {.type = OTEL_VALUE_STRING, .u.string = {req->method.base, req->method.len}}},
        {OTEL_STR("url.path"), {.type = OTEL_VALUE_STRING, .u.string = {req->path.base, path_len}}},
        OTEL_ATTR_INT("http.response.status_code", status),
        OTEL_ATTR_DOUBLE("http.server.request.duration", (double)(end_ns - rt->start_ns) / 1e9),
        {OTEL_STR("http.route"), {.type = OTEL_VALUE_STRING, .u.string = rt->route->route}},
    };
    otel_log_record_t rec = {
        .timestamp_ns = end_ns,
        .observed_timestamp_ns = end_ns,
        .severity_number = status >= 500   ? OTEL_SEVERITY_ERROR
                           : status >= 400 ? OTEL_SEVERITY_WARN
                                           : OTEL_SEVERITY_INFO,
        .severity_text = status >= 500   ? OTEL_STR("ERROR")
                         : status >= 400 ? OTEL_STR("WARN")
                                         : OTEL_STR("INFO"),
        .body = {.type = OTEL_VALUE_STRING, .u.string = OTEL_STR("request")},
        .attributes = a,
        .attribute_count = rt->route->route.len > 0 ? 5 : 4,
        .event_name = OTEL_STR("http.server.request"),
        .span_context = rt->span != NULL ? &rt->ctx : &no_span,
        .static_strings = true, /* keys, severity text and event name are literals: referenced, not copied */
    };
    otel_logger_emit(api_tel.logger, &rec);
}

/* Runs when h2o disposes of the request (after the response went out): one clock read for the end edge. */
static void finish(api_req_telemetry_t *rt)
{
    h2o_req_t *req = rt->req;
    if (rt->finished || !api_tel.enabled)
        return;
    rt->finished = true;
    uint64_t end_ns = otel_time_now_ns();
    int status = req->res.status;
    char buf[4];
    otel_str_t status_text = status > 0 ? api_tel_status_text(status, buf) : OTEL_STR("aborted");
    otel_span_scope_t scope;
    if (rt->span != NULL) {
        if (status > 0) {
            otel_attribute_t s = OTEL_ATTR_INT("http.response.status_code", status);
            otel_span_set_attributes_static_keys(rt->span, &s, 1);
        }
        if (status >= 500 || status <= 0) { /* 4xx is the client's fault: not an error of a server span */
            otel_attribute_t e = {OTEL_STR("error.type"), {.type = OTEL_VALUE_STRING, .u.string = status_text}};
            otel_span_set_attributes_static_keys(rt->span, &e, 1);
            otel_span_set_status(rt->span, OTEL_STATUS_CODE_ERROR, status_text);
        }
        otel_span_scope_begin(&scope, rt->span); /* exemplars and the log record see the span */
    }
    if (rt->route->metrics) {
        otel_metrics_set_exemplar_time(end_ns); /* the exemplars share the end timestamp: no clock read each */
        record_metrics(rt, req, status, status_text, end_ns);
        otel_metrics_set_exemplar_time(0);
    }
    emit_log(rt, req, status, end_ns);
    if (rt->span != NULL) {
        otel_span_scope_end(&scope);
        otel_span_end(rt->span, end_ns);
        rt->span = NULL;
    }
}

/* The finishing step as an h2o logger: h2o calls the loggers of the request's path when it disposes of the request,
 * before clearing its pool. Unlike a dispose callback (h2o_mem_alloc_shared), the state then lives in the request
 * pool: no malloc and free per request. */
static h2o_pathconf_t *finishing_paths[2];

static void finish_logged(h2o_logger_t *self, h2o_req_t *req)
{
    (void)self;
    api_req_telemetry_t *rt = api_telemetry_of(req);
    if (rt != NULL)
        finish(rt);
}

/* The dispose-callback form, for a request whose path has no finishing logger. */
static void finish_disposed(void *p)
{
    finish(p);
}

void api_telemetry_register(h2o_pathconf_t *pathconf)
{
    if (!api_tel.enabled)
        return; /* nothing to finish: no logger call per request */
    for (size_t i = 0; i < sizeof(finishing_paths) / sizeof(finishing_paths[0]); i++) {
        if (finishing_paths[i] == NULL) {
            finishing_paths[i] = pathconf;
            h2o_logger_t *logger = h2o_create_logger(pathconf, sizeof(*logger));
            logger->log_access = finish_logged;
            return;
        }
    }
}

static bool finished_by_logger(const h2o_req_t *req)
{
    return req->pathconf != NULL && (req->pathconf == finishing_paths[0] || req->pathconf == finishing_paths[1]);
}

/* Dotted quad into out (16 bytes), NUL-terminated; returns its length. inet_ntop goes through sprintf, ~1.7k
 * instructions per request. */
static size_t format_ipv4(const uint8_t a[4], char *out)
{
    char *start = out;
    for (int i = 0; i < 4; i++) {
        unsigned v = a[i];
        if (v >= 100)
            *out++ = (char)('0' + v / 100);
        if (v >= 10)
            *out++ = (char)('0' + v / 10 % 10);
        *out++ = (char)('0' + v % 10);
        *out++ = i < 3 ? '.' : '\0';
    }
    return (size_t)(out - start) - 1;
}

static otel_span_t *start_server_span(api_req_telemetry_t *rt, h2o_req_t *req, api_thread_t *t)
{
    const api_tel_route_t *r = rt->route;
    /* Every key below is a literal or lives in api_tel's route table (the extra attributes), which outlives the
     * tracer provider: referenced, not copied. */
    otel_span_start_options_t o = {
        .kind = OTEL_SPAN_KIND_SERVER, .start_time_unix_ns = rt->start_ns, .root = true, .static_keys = true};
    if (has_header(req, H2O_STRLIT("traceparent")) || has_header(req, H2O_STRLIT("baggage"))) {
        otel_propagator_extract(api_tel.propagator, req, get_header, &tl_prop);
        if (otel_span_context_is_valid(&tl_prop.span_context)) {
            o.parent = &tl_prop.span_context;
            o.parent_tracestate = (otel_str_t){tl_prop.tracestate, tl_prop.tracestate_len};
            o.root = false;
        }
    }
    otel_attribute_t a[12 + API_TEL_MAX_EXTRA_ATTRS];
    size_t n = 0;
    size_t path_len = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
    a[n++] = (otel_attribute_t){OTEL_STR("http.request.method"),
                                {.type = OTEL_VALUE_STRING, .u.string = api_tel_method_strs[rt->method]}};
    if (rt->method == API_TEL_METHOD_OTHER)
        a[n++] = (otel_attribute_t){OTEL_STR("http.request.method_original"),
                                    {.type = OTEL_VALUE_STRING, .u.string = {req->method.base, req->method.len}}};
    a[n++] =
        (otel_attribute_t){OTEL_STR("url.path"), {.type = OTEL_VALUE_STRING, .u.string = {req->path.base, path_len}}};
    if (req->query_at != SIZE_MAX)
        a[n++] =
            (otel_attribute_t){OTEL_STR("url.query"),
                               {.type = OTEL_VALUE_STRING,
                                .u.string = {req->path.base + req->query_at + 1, req->path.len - req->query_at - 1}}};
    a[n++] = OTEL_ATTR_STR("url.scheme", "http");
    if (r->route.len > 0)
        a[n++] = (otel_attribute_t){OTEL_STR("http.route"), {.type = OTEL_VALUE_STRING, .u.string = r->route}};
    /* server.address: the Host header without its port; server.port: the port we listen on. */
    h2o_iovec_t host = req->authority;
    size_t host_len = host.len;
    if (host_len > 0 && host.base[0] != '[') {
        const char *colon = memchr(host.base, ':', host.len);
        if (colon != NULL)
            host_len = (size_t)(colon - host.base);
    }
    a[n++] =
        (otel_attribute_t){OTEL_STR("server.address"), {.type = OTEL_VALUE_STRING, .u.string = {host.base, host_len}}};
    a[n++] = OTEL_ATTR_INT("server.port", t->server->bound_port);
    char peer[INET6_ADDRSTRLEN] = "";
    size_t peer_len = 0;
    struct sockaddr_storage ss;
    socklen_t sl = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss); /* cached per connection */
    if (sl != 0 && ss.ss_family == AF_INET)
        peer_len = format_ipv4((const uint8_t *)&((struct sockaddr_in *)&ss)->sin_addr, peer);
    else if (sl != 0 && ss.ss_family == AF_INET6 &&
             inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, peer, sizeof(peer)) != NULL)
        peer_len = strlen(peer);
    if (peer_len > 0)
        a[n++] =
            (otel_attribute_t){OTEL_STR("client.address"), {.type = OTEL_VALUE_STRING, .u.string = {peer, peer_len}}};
    a[n++] = (otel_attribute_t){OTEL_STR("network.protocol.version"),
                                {.type = OTEL_VALUE_STRING, .u.string = api_tel_protocol_version_str(req->version)}};
    ssize_t ua = h2o_find_header(&req->headers, H2O_TOKEN_USER_AGENT, -1);
    if (ua >= 0)
        a[n++] =
            (otel_attribute_t){OTEL_STR("user_agent.original"),
                               {.type = OTEL_VALUE_STRING,
                                .u.string = {req->headers.entries[ua].value.base, req->headers.entries[ua].value.len}}};
    for (size_t i = 0; i < r->extra_count; i++)
        a[n++] = r->extra[i];
    o.attributes = a;
    o.attribute_count = n;
    api_tel__sampling_route = r;
    otel_span_t *span = otel_tracer_start_span(
        api_tel.tracer, (otel_str_t){r->span_name[rt->method], r->span_name_len[rt->method]}, &o);
    api_tel__sampling_route = NULL;
    return span;
}

int api_telemetry_handle(h2o_req_t *req, int route_index, int (*handler)(h2o_req_t *req, api_thread_t *t),
                         api_thread_t *t)
{
    if (!api_tel.enabled)
        return handler(req, t);
    const api_tel_route_t *r = &api_tel.routes[route_index >= 0 ? (size_t)route_index : api_route_count];
    if (!r->trace && !r->metrics)
        return handler(req, t); /* switched off: no state, no clock read, nothing emitted */
    api_req_telemetry_t *rt = finished_by_logger(req) ? h2o_mem_alloc_pool(&req->pool, sizeof(*rt))
                                                      : h2o_mem_alloc_shared(&req->pool, sizeof(*rt), finish_disposed);
    *rt = (api_req_telemetry_t){
        .req = req, .route = r, .start_ns = otel_time_now_ns(), .method = api_tel_method_index(req->method)};
    h2o_vector_reserve(&req->pool, &req->env, req->env.size + 2);
    req->env.entries[req->env.size++] = h2o_iovec_init(env_key, 0);
    req->env.entries[req->env.size++] = h2o_iovec_init((char *)rt, 0);
    if (r->metrics)
        otel_bound_record_int64(api_tel.active_by_method[rt->method], 1);
    if (!r->trace)
        return handler(req, t);
    rt->span = start_server_span(rt, req, t);
    rt->ctx = otel_span_get_context(rt->span);
    rt->traced = true;
    otel_span_scope_t scope;
    otel_span_scope_begin(&scope, rt->span);
    int rc = handler(req, t);
    otel_span_scope_end(&scope);
    return rc;
}

/* ----------------------------------------------------------------------------------------- client spans -- */

typedef struct header_writer {
    char *p, *end;
} header_writer_t;

static void set_header(void *carrier, otel_str_t key, otel_str_t value)
{
    header_writer_t *w = carrier;
    if ((size_t)(w->end - w->p) <= key.len + value.len + 4)
        return; /* no room: this header is left out */
    memcpy(w->p, key.ptr, key.len);
    w->p += key.len;
    *w->p++ = ':', *w->p++ = ' ';
    memcpy(w->p, value.ptr, value.len);
    w->p += value.len;
    *w->p++ = '\r', *w->p++ = '\n';
}

size_t api_telemetry_client_begin(h2o_req_t *req, api_client_call_t *call, const char *method, const h2o_url_t *url,
                                  char *hdrs, size_t cap)
{
    *call = (api_client_call_t){.method = method, .port = h2o_url_get_port(url), .start_ns = otel_time_now_ns()};
    snprintf(call->host, sizeof(call->host), "%.*s", (int)url->host.len, url->host.base);
    snprintf(call->scheme, sizeof(call->scheme), "%s", url->scheme == &H2O_URL_SCHEME_HTTPS ? "https" : "http");
    api_req_telemetry_t *rt = api_tel.enabled ? api_telemetry_of(req) : NULL;
    if (rt == NULL || rt->span == NULL)
        return 0;
    char full[1200];
    snprintf(full, sizeof(full), "%s://%.*s%.*s", call->scheme, (int)url->authority.len, url->authority.base,
             (int)url->path.len, url->path.base);
    otel_attribute_t a[] = {
        {OTEL_STR("http.request.method"), {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(method)}},
        {OTEL_STR("server.address"), {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(call->host)}},
        OTEL_ATTR_INT("server.port", call->port),
        {OTEL_STR("url.full"), {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(full)}},
        OTEL_ATTR_STR("network.protocol.version", "1.1"),
    };
    otel_span_start_options_t o = {.kind = OTEL_SPAN_KIND_CLIENT,
                                   .parent = &rt->ctx,
                                   .parent_tracestate = otel_span_get_tracestate(rt->span),
                                   .start_time_unix_ns = call->start_ns,
                                   .attributes = a,
                                   .attribute_count = sizeof(a) / sizeof(a[0]),
                                   .static_keys = true}; /* the keys are literals */
    call->span = otel_tracer_start_span(api_tel.tracer, otel_str_from_cstr(method), &o);
    /* Inject the client span's context and pass the incoming baggage on. */
    otel_propagation_context_init(&tl_prop);
    otel_propagation_context_set_span(&tl_prop, call->span);
    otel_str_t bag;
    if (get_header(req, OTEL_STR("baggage"), &bag))
        otel_baggage_parse(bag, &tl_prop.baggage);
    header_writer_t w = {hdrs, hdrs + cap};
    otel_propagator_inject(api_tel.propagator, &tl_prop, &w, set_header);
    return (size_t)(w.p - hdrs);
}

void api_telemetry_client_end(api_client_call_t *call, int status, const char *error_type)
{
    if (!api_tel.enabled)
        return;
    uint64_t end_ns = otel_time_now_ns();
    char buf[4];
    otel_str_t err = error_type != NULL ? otel_str_from_cstr(error_type)
                     : status >= 400    ? api_tel_status_text(status, buf)
                                        : (otel_str_t){NULL, 0};
    otel_attribute_t a[6];
    size_t n = 0;
    a[n++] = (otel_attribute_t){OTEL_STR("http.request.method"),
                                {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(call->method)}};
    a[n++] = (otel_attribute_t){OTEL_STR("server.address"),
                                {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(call->host)}};
    a[n++] = OTEL_ATTR_INT("server.port", call->port);
    a[n++] = (otel_attribute_t){OTEL_STR("url.scheme"),
                                {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(call->scheme)}};
    if (status > 0)
        a[n++] = OTEL_ATTR_INT("http.response.status_code", status);
    if (err.len > 0)
        a[n++] = (otel_attribute_t){OTEL_STR("error.type"), {.type = OTEL_VALUE_STRING, .u.string = err}};
    otel_span_scope_t scope;
    if (call->span != NULL) {
        otel_span_set_attributes_static_keys(call->span, a + 4, n - 4);
        if (err.len > 0)
            otel_span_set_status(call->span, OTEL_STATUS_CODE_ERROR, err);
        otel_span_scope_begin(&scope, call->span);
    }
    otel_instrument_record_double(api_tel.client_duration, (double)(end_ns - call->start_ns) / 1e9, a, n);
    if (call->span != NULL) {
        otel_span_scope_end(&scope);
        otel_span_end(call->span, end_ns);
        call->span = NULL;
    }
}
