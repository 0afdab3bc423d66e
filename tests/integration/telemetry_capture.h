/* SPDX-License-Identifier: Apache-2.0 */
/* Telemetry test capture: runs h2otel with otlp_file exporters (OTLP-JSON lines) and reads back spans, metric
 * points and log records after it stopped (the shutdown flushes every signal). */
#ifndef H2OTEL_TELEMETRY_CAPTURE_H
#define H2OTEL_TELEMETRY_CAPTURE_H

#include <sys/stat.h>

#include "harness.h"

typedef struct capture {
    char dir[128];
    char config[160];
    svc_t svc;
    json_t *spans;   /* [{name, kind, traceId, spanId, parentSpanId, status, attributes{}, events[], service}] */
    json_t *points;  /* [{metric, attributes{}, value|count|sum, exemplars[]}] from the last export */
    json_t *records; /* [{body, traceId, spanId, attributes{}, service}] */
} capture_t;

/**
 * Writes a config with file exporters (batch delay 100 ms, metric interval 1 h: the final collection at shutdown
 * is the one read) plus `extra_yaml` (more top-level keys, e.g. a `service:` section) and starts h2otel with it
 * and the NULL-terminated extra flags.
 */
static inline void capture_start_argv(capture_t *c, const char *extra_yaml, const char *const *flags)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->dir, sizeof(c->dir), "/tmp/h2otel-tel-XXXXXX"); /* unique even beside leftovers of killed runs */
    cr_assert(mkdtemp(c->dir) != NULL);
    snprintf(c->config, sizeof(c->config), "%s/config.yaml", c->dir);
    FILE *f = fopen(c->config, "w");
    cr_assert(f != NULL);
    fprintf(f,
            "file_format: \"0.3\"\n"
            "tracer_provider:\n"
            "  processors:\n"
            "    - batch:\n"
            "        schedule_delay: 100\n"
            "        exporter:\n"
            "          otlp_file/development:\n"
            "            output_stream: file://%s/traces.jsonl\n"
            "meter_provider:\n"
            "  readers:\n"
            "    - periodic:\n"
            "        interval: 3600000\n"
            "        exporter:\n"
            "          otlp_file/development:\n"
            "            output_stream: file://%s/metrics.jsonl\n"
            "logger_provider:\n"
            "  processors:\n"
            "    - batch:\n"
            "        schedule_delay: 100\n"
            "        exporter:\n"
            "          otlp_file/development:\n"
            "            output_stream: file://%s/logs.jsonl\n"
            "%s",
            c->dir, c->dir, c->dir, extra_yaml != NULL ? extra_yaml : "");
    fclose(f);
    const char *argv[40] = {"--config", c->config};
    int n = 2;
    for (int i = 0; flags != NULL && flags[i] != NULL && n < 38; i++)
        argv[n++] = flags[i];
    argv[n] = NULL;
    svc_start_argv(&c->svc, argv);
}

#define CAPTURE_START(c, yaml, ...) capture_start_argv((c), (yaml), (const char *const[]){__VA_ARGS__ NULL})

/* OTLP-JSON attributes [{key, value: {stringValue|intValue|doubleValue|boolValue}}] as {key: value}. */
static inline json_t *attr_object(json_t *list)
{
    json_t *o = json_object(), *a;
    size_t i;
    json_array_foreach(list, i, a)
    {
        json_t *v = json_object_get(a, "value");
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            json_object_set(o, json_string_value(json_object_get(a, "key")), x);
        }
    }
    return o;
}

static inline const char *resource_service(json_t *resource)
{
    json_t *attrs = attr_object(json_object_get(resource, "attributes"));
    static char name[128];
    snprintf(name, sizeof(name), "%s", json_string_value(json_object_get(attrs, "service.name")) ?: "");
    json_decref(attrs);
    return name;
}

static inline void read_lines(const char *path, void (*each)(capture_t *c, json_t *line), capture_t *c)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return; /* nothing exported */
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_error_t e;
        json_t *j = json_loads(line, 0, &e);
        cr_assert(j != NULL, "%s: not JSON (%s): %.200s", path, e.text, line);
        each(c, j);
        json_decref(j);
    }
    free(line);
    fclose(f);
}

static inline void each_spans(capture_t *c, json_t *line)
{
    size_t i, j, k;
    json_t *rs, *ss, *sp;
    json_array_foreach(json_object_get(line, "resourceSpans"), i, rs)
    {
        const char *service = resource_service(json_object_get(rs, "resource"));
        json_array_foreach(json_object_get(rs, "scopeSpans"), j, ss)
        {
            json_array_foreach(json_object_get(ss, "spans"), k, sp)
            {
                json_t *s = json_deep_copy(sp);
                json_object_set_new(s, "attributes", attr_object(json_object_get(sp, "attributes")));
                json_object_set_new(s, "service", json_string(service));
                json_t *events = json_object_get(s, "events"), *ev;
                size_t e;
                json_array_foreach(events, e, ev)
                {
                    json_object_set_new(ev, "attributes", attr_object(json_object_get(ev, "attributes")));
                }
                json_array_append_new(c->spans, s);
            }
        }
    }
}

static inline void each_metrics(capture_t *c, json_t *line)
{
    json_array_clear(c->points); /* cumulative: the last export has everything */
    size_t i, j, k, p;
    json_t *rm, *sm, *m, *pt;
    json_array_foreach(json_object_get(line, "resourceMetrics"), i, rm)
    {
        json_array_foreach(json_object_get(rm, "scopeMetrics"), j, sm)
        {
            json_array_foreach(json_object_get(sm, "metrics"), k, m)
            {
                const char *kinds[] = {"sum", "histogram", "gauge"};
                for (int t = 0; t < 3; t++) {
                    json_t *data = json_object_get(m, kinds[t]);
                    json_array_foreach(json_object_get(data, "dataPoints"), p, pt)
                    {
                        json_t *x = json_deep_copy(pt);
                        json_object_set_new(x, "attributes", attr_object(json_object_get(pt, "attributes")));
                        json_object_set(x, "metric", json_object_get(m, "name"));
                        json_object_set(x, "unit", json_object_get(m, "unit"));
                        json_array_append_new(c->points, x);
                    }
                }
            }
        }
    }
}

static inline void each_logs(capture_t *c, json_t *line)
{
    size_t i, j, k;
    json_t *rl, *sl, *lr;
    json_array_foreach(json_object_get(line, "resourceLogs"), i, rl)
    {
        const char *service = resource_service(json_object_get(rl, "resource"));
        json_array_foreach(json_object_get(rl, "scopeLogs"), j, sl)
        {
            json_array_foreach(json_object_get(sl, "logRecords"), k, lr)
            {
                json_t *r = json_deep_copy(lr);
                json_object_set_new(r, "attributes", attr_object(json_object_get(lr, "attributes")));
                json_object_set_new(r, "service", json_string(service));
                json_array_append_new(c->records, r);
            }
        }
    }
}

/** Stops the service (asserting exit 0) and loads what it exported. */
static inline void capture_stop(capture_t *c)
{
    char svc_log[128];
    snprintf(svc_log, sizeof(svc_log), "%s", c->svc.log_path);
    svc_stop(&c->svc);
    c->spans = json_array();
    c->points = json_array();
    c->records = json_array();
    char path[256];
    snprintf(path, sizeof(path), "%s/traces.jsonl", c->dir);
    read_lines(path, each_spans, c);
    snprintf(path, sizeof(path), "%s/metrics.jsonl", c->dir);
    read_lines(path, each_metrics, c);
    snprintf(path, sizeof(path), "%s/logs.jsonl", c->dir);
    read_lines(path, each_logs, c);
}

static inline void capture_free(capture_t *c)
{
    json_decref(c->spans);
    json_decref(c->points);
    json_decref(c->records);
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
    cr_assert(system(cmd) == 0);
}

/** One request with extra headers (NULL-terminated "Name: value" list); body NULL means none. */
static inline void http_with_headers(http_res_t *r, const char *method, const char *url, const char *body,
                                     const char *const *headers)
{
    memset(r, 0, sizeof(*r));
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (body != NULL)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    struct curl_slist *h = NULL;
    for (int i = 0; headers != NULL && headers[i] != NULL; i++)
        h = curl_slist_append(h, headers[i]);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    r->rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    cr_assert_eq(r->rc, CURLE_OK, "%s %s: %s", method, url, curl_easy_strerror(r->rc));
}

#define HTTP_WITH_HEADERS(r, method, url, body, ...)                                                                   \
    http_with_headers((r), (method), (url), (body), (const char *const[]){__VA_ARGS__ NULL})

/** The string form of attribute `key` (ints are strings in OTLP-JSON), or NULL. */
static inline const char *attr_str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(json_object_get(obj, "attributes"), key));
}

/** The first span named `name` (and, when service != NULL, of that service), or NULL. */
static inline json_t *find_span(capture_t *c, const char *name, const char *service)
{
    size_t i;
    json_t *s;
    json_array_foreach(c->spans, i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "name")), name) == 0 &&
            (service == NULL || strcmp(json_string_value(json_object_get(s, "service")), service) == 0))
            return s;
    }
    return NULL;
}

static inline size_t count_spans(capture_t *c, const char *name)
{
    size_t i, n = 0;
    json_t *s;
    json_array_foreach(c->spans, i, s)
    {
        n += strcmp(json_string_value(json_object_get(s, "name")), name) == 0;
    }
    return n;
}

/** The point of `metric` whose attributes include every key=value pair of the NULL-terminated list, or NULL. */
static inline json_t *find_point_argv(capture_t *c, const char *metric, const char *const *kv)
{
    size_t i;
    json_t *p;
    json_array_foreach(c->points, i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "metric")), metric) != 0)
            continue;
        int ok = 1;
        for (int k = 0; kv != NULL && kv[k] != NULL && ok; k += 2) {
            const char *v = attr_str(p, kv[k]);
            ok = kv[k + 1] == NULL ? v == NULL : v != NULL && strcmp(v, kv[k + 1]) == 0;
        }
        if (ok)
            return p;
    }
    return NULL;
}

#define FIND_POINT(c, metric, ...) find_point_argv((c), (metric), (const char *const[]){__VA_ARGS__ NULL})

/** A sum point's value (asInt is a string in OTLP-JSON). */
static inline long long point_int(json_t *p)
{
    cr_assert(p != NULL, "no such point");
    const char *v = json_string_value(json_object_get(p, "asInt"));
    cr_assert(v != NULL, "not an int point");
    return atoll(v);
}

static inline long long point_count(json_t *p)
{
    cr_assert(p != NULL, "no such point");
    return atoll(json_string_value(json_object_get(p, "count")) ?: "-1");
}

static inline int str_eq(json_t *obj, const char *key, const char *want)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return v != NULL && want != NULL && strcmp(v, want) == 0;
}

#endif
