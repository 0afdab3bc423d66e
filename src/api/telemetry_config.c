/* SPDX-License-Identifier: Apache-2.0 */
/* Reads the OpenTelemetry declarative-configuration YAML shape and service.routes, then the OTEL_* overlay. */
#include "telemetry_config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "config.h"
#include "routes.h"

/* Key paths in error messages may be cut short; values are length-checked where they are stored. */
#if defined(__GNUC__) && !defined(__clang__) /* clang has no such warning group */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

void api_tel_settings_defaults(api_tel_settings_t *s)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->propagators, sizeof(s->propagators), "tracecontext,baggage");
    snprintf(s->sampler, sizeof(s->sampler), "parentbased_always_on");
    otel_span_limits_init(&s->span_limits);
    otel_batch_span_processor_options_init(&s->bsp);
    otel_periodic_reader_options_init(&s->reader);
    otel_batch_log_record_processor_options_init(&s->blrp);
    s->log_limits = (otel_log_record_limits_t){128, UINT32_MAX};
    api_tel_exporter_t *e[] = {&s->traces, &s->metrics, &s->logs};
    for (int i = 0; i < 3; i++) {
        e[i]->kind = API_TEL_EXPORTER_OTLP;
        otel_otlp_options_init(&e[i]->otlp);
        e[i]->temporality = -1;
    }
}

const api_tel_route_settings_t *api_tel_settings_route(const api_tel_settings_t *s, const char *path)
{
    for (size_t i = 0; i < s->route_count; i++)
        if (strcmp(s->routes[i].path, path) == 0)
            return &s->routes[i];
    return NULL;
}

/* ------------------------------------------------------------------------------------------- YAML walk -- */

typedef struct walk {
    api_tel_settings_t *s;
    yaml_document_t *doc;
    const char *file;
    char *err;
    size_t errlen;
} walk_t;

static int fail(walk_t *w, const yaml_node_t *n, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(walk_t *w, const yaml_node_t *n, const char *key, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    snprintf(w->err, w->errlen, "h2otel: %s:%zu: key '%s': %s", w->file, (size_t)n->start_mark.line + 1, key, why);
    return -1;
}

static yaml_node_t *node(walk_t *w, int id)
{
    return yaml_document_get_node(w->doc, id);
}

static int is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)n->data.scalar.value;
    return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0;
}

/* A scalar with ${VAR:-default} substituted, into out. */
static int scalar(walk_t *w, const yaml_node_t *n, const char *key, char *out, size_t outlen)
{
    if (n->type != YAML_SCALAR_NODE)
        return fail(w, n, key, "expected a single value");
    if (api_config_expand((const char *)n->data.scalar.value, out, outlen) != 0)
        return fail(w, n, key, "bad ${VAR} reference or value too long");
    return 0;
}

static int get_str(walk_t *w, const yaml_node_t *n, const char *key, char *out, size_t outlen)
{
    char v[2048];
    if (scalar(w, n, key, v, sizeof(v)) != 0)
        return -1;
    if (strlen(v) >= outlen)
        return fail(w, n, key, "value too long (at most %zu characters)", outlen - 1);
    memcpy(out, v, strlen(v) + 1);
    return 0;
}

static int get_u32(walk_t *w, const yaml_node_t *n, const char *key, uint32_t min, uint32_t *out)
{
    char v[64], *end;
    if (scalar(w, n, key, v, sizeof(v)) != 0)
        return -1;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || x > UINT32_MAX || x < min)
        return fail(w, n, key, "expected an integer >= %u, got '%s'", min, v);
    *out = (uint32_t)x;
    return 0;
}

static int get_bool(walk_t *w, const yaml_node_t *n, const char *key, bool *out)
{
    char v[64];
    if (scalar(w, n, key, v, sizeof(v)) != 0)
        return -1;
    if (strcasecmp(v, "true") == 0)
        *out = true;
    else if (strcasecmp(v, "false") == 0)
        *out = false;
    else
        return fail(w, n, key, "expected true or false, got '%s'", v);
    return 0;
}

static int get_ratio(walk_t *w, const yaml_node_t *n, const char *key, double *out)
{
    char v[64], *end;
    if (scalar(w, n, key, v, sizeof(v)) != 0)
        return -1;
    double d = strtod(v, &end);
    if (v[0] == '\0' || *end != '\0' || !(d >= 0.0 && d <= 1.0))
        return fail(w, n, key, "expected a number in [0, 1], got '%s'", v);
    *out = d;
    return 0;
}

/* Iterates the pairs of a mapping node: `k` names the key, `v` the value node, `kp` the full key path. */
#define FOR_PAIRS(w, map, path)                                                                                        \
    for (yaml_node_pair_t *pair_ = (map)->data.mapping.pairs.start; pair_ < (map)->data.mapping.pairs.top; pair_++)    \
        for (int once_ = 1; once_; once_ = 0)                                                                          \
            for (const char *k = (const char *)node((w), pair_->key)->data.scalar.value; once_; once_ = 0)             \
                for (yaml_node_t *v = node((w), pair_->value); once_; once_ = 0)                                       \
                    for (char kp[256]; once_ && (snprintf(kp, sizeof(kp), "%s.%s", (path), k), 1); once_ = 0)

static int want_map(walk_t *w, const yaml_node_t *n, const char *key)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(w, n, key, "expected a mapping");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
        if (node(w, p->key)->type != YAML_SCALAR_NODE)
            return fail(w, n, key, "keys must be plain names");
    return 0;
}

/* A mapping with exactly one key (a "plugin" choice such as `batch:` or `otlp:`); the value may be null. */
static int one_key(walk_t *w, yaml_node_t *n, const char *key, const char **name, yaml_node_t **value)
{
    if (want_map(w, n, key) != 0)
        return -1;
    if (n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1)
        return fail(w, n, key, "expected exactly one entry");
    *name = (const char *)node(w, n->data.mapping.pairs.start->key)->data.scalar.value;
    *value = node(w, n->data.mapping.pairs.start->value);
    return 0;
}

/* name/value pair lists (resource attributes, OTLP headers). */
static int name_value_list(walk_t *w, yaml_node_t *list, const char *key,
                           int (*add)(walk_t *w, yaml_node_t *at, const char *key, const char *name, const char *val,
                                      void *user),
                           void *user)
{
    if (list->type != YAML_SEQUENCE_NODE)
        return fail(w, list, key, "expected a list of {name, value}");
    size_t i = 0;
    for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++, i++) {
        yaml_node_t *item = node(w, *it);
        char ip[300], name[256] = "", value[1024] = "";
        snprintf(ip, sizeof(ip), "%s[%zu]", key, i);
        if (want_map(w, item, ip) != 0)
            return -1;
        int have_name = 0;
        FOR_PAIRS(w, item, ip)
        {
            if (strcmp(k, "name") == 0) {
                if (get_str(w, v, kp, name, sizeof(name)) != 0)
                    return -1;
                have_name = 1;
            } else if (strcmp(k, "value") == 0) {
                if (get_str(w, v, kp, value, sizeof(value)) != 0)
                    return -1;
            } else if (strcmp(k, "type") == 0) {
                char t[32];
                if (get_str(w, v, kp, t, sizeof(t)) != 0)
                    return -1;
                if (strcmp(t, "string") != 0)
                    return fail(w, v, kp, "only string values are supported");
            } else {
                return fail(w, v, kp, "unknown key");
            }
        }
        if (!have_name || name[0] == '\0')
            return fail(w, item, ip, "'name' is required");
        if (add(w, item, ip, name, value, user) != 0)
            return -1;
    }
    return 0;
}

static int add_resource(walk_t *w, yaml_node_t *at, const char *key, const char *name, const char *val, void *user)
{
    (void)user;
    api_tel_settings_t *s = w->s;
    size_t i = 0;
    while (i < s->resource_count && strcmp(s->resource_key[i], name) != 0)
        i++;
    if (i == API_TEL_MAX_RESOURCE_ATTRS)
        return fail(w, at, key, "at most %d resource attributes", API_TEL_MAX_RESOURCE_ATTRS);
    if (strlen(name) >= sizeof(s->resource_key[0]) || strlen(val) >= sizeof(s->resource_value[0]))
        return fail(w, at, key, "name or value too long");
    snprintf(s->resource_key[i], sizeof(s->resource_key[0]), "%s", name);
    snprintf(s->resource_value[i], sizeof(s->resource_value[0]), "%s", val);
    if (i == s->resource_count)
        s->resource_count++;
    return 0;
}

static int add_header(walk_t *w, yaml_node_t *at, const char *key, const char *name, const char *val, void *user)
{
    otel_otlp_options_t *o = user;
    size_t used = strlen(o->headers);
    int n = snprintf(o->headers + used, sizeof(o->headers) - used, "%s%s=%s", used ? "," : "", name, val);
    if (n < 0 || (size_t)n >= sizeof(o->headers) - used)
        return fail(w, at, key, "headers too long");
    return 0;
}

static int resource(walk_t *w, yaml_node_t *n)
{
    if (want_map(w, n, "resource") != 0)
        return -1;
    FOR_PAIRS(w, n, "resource")
    {
        if (strcmp(k, "attributes") == 0) {
            if (name_value_list(w, v, kp, add_resource, NULL) != 0)
                return -1;
        } else if (strcmp(k, "attributes_list") == 0) { /* "k=v,k2=v2" like OTEL_RESOURCE_ATTRIBUTES */
            char list[2048];
            if (get_str(w, v, kp, list, sizeof(list)) != 0)
                return -1;
            char *save = NULL;
            for (char *pairtxt = strtok_r(list, ",", &save); pairtxt; pairtxt = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(pairtxt, '=');
                if (eq == NULL || eq == pairtxt)
                    return fail(w, v, kp, "expected key=value pairs, got '%s'", pairtxt);
                *eq = '\0';
                if (add_resource(w, v, kp, pairtxt, eq + 1, NULL) != 0)
                    return -1;
            }
        } else if (strcmp(k, "schema_url") == 0 || strcmp(k, "detection/development") == 0) {
            continue; /* accepted; the SDK's own detectors are always on */
        } else {
            return fail(w, v, kp, "unknown key");
        }
    }
    return 0;
}

static int propagator(walk_t *w, yaml_node_t *n)
{
    if (want_map(w, n, "propagator") != 0)
        return -1;
    FOR_PAIRS(w, n, "propagator")
    {
        if (strcmp(k, "composite_list") == 0) {
            if (get_str(w, v, kp, w->s->propagators, sizeof(w->s->propagators)) != 0)
                return -1;
        } else if (strcmp(k, "composite") == 0) {
            if (v->type != YAML_SEQUENCE_NODE)
                return fail(w, v, kp, "expected a list such as [tracecontext: {}, baggage: {}]");
            char list[128] = "";
            size_t i = 0;
            for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++, i++) {
                char ip[300];
                snprintf(ip, sizeof(ip), "%s[%zu]", kp, i);
                const char *name = NULL;
                yaml_node_t *val = NULL, *item = node(w, *it);
                if (item->type == YAML_SCALAR_NODE)
                    name = (const char *)item->data.scalar.value;
                else if (one_key(w, item, ip, &name, &val) != 0)
                    return -1;
                if (strcmp(name, "tracecontext") != 0 && strcmp(name, "baggage") != 0)
                    return fail(w, item, ip, "unsupported propagator '%s' (tracecontext, baggage)", name);
                size_t used = strlen(list);
                snprintf(list + used, sizeof(list) - used, "%s%s", used ? "," : "", name);
            }
            snprintf(w->s->propagators, sizeof(w->s->propagators), "%s", list[0] ? list : "none");
        } else {
            return fail(w, v, kp, "unknown key");
        }
    }
    /* Validate the names now, so the error points at the file. */
    otel_propagator_t *p = NULL;
    char why[256];
    if (otel_propagator_create_from_config(w->s->propagators, &p, why, sizeof(why)) != OTEL_OK)
        return fail(w, n, "propagator", "%s", why);
    otel_propagator_destroy(p);
    return 0;
}

/* exporter: {otlp|otlp_grpc|console|otlp_file/development: {...}} */
static int exporter(walk_t *w, yaml_node_t *n, const char *key, api_tel_exporter_t *e, int is_metrics)
{
    const char *name = NULL;
    yaml_node_t *cfg = NULL;
    if (one_key(w, n, key, &name, &cfg) != 0)
        return -1;
    char kp0[300];
    snprintf(kp0, sizeof(kp0), "%s.%s", key, name);
    int empty = is_null(cfg);
    if (!empty && want_map(w, cfg, kp0) != 0)
        return -1;
    if (strcmp(name, "console") == 0) {
        e->kind = API_TEL_EXPORTER_CONSOLE;
        if (!empty && cfg->data.mapping.pairs.top != cfg->data.mapping.pairs.start)
            return fail(w, cfg, kp0, "the console exporter takes no settings");
        return 0;
    }
    if (strcmp(name, "otlp_file/development") == 0 || strcmp(name, "otlp_file") == 0) {
        e->kind = API_TEL_EXPORTER_FILE;
        if (empty)
            return fail(w, cfg, kp0, "'output_stream' is required");
        FOR_PAIRS(w, cfg, kp0)
        {
            char out[600];
            if (strcmp(k, "output_stream") != 0)
                return fail(w, v, kp, "unknown key");
            if (get_str(w, v, kp, out, sizeof(out)) != 0)
                return -1;
            if (strcmp(out, "stdout") == 0)
                e->kind = API_TEL_EXPORTER_CONSOLE;
            else if (strncmp(out, "file://", 7) == 0 && strlen(out + 7) < sizeof(e->path) && out[7] != '\0')
                snprintf(e->path, sizeof(e->path), "%s", out + 7);
            else
                return fail(w, v, kp, "expected stdout or file:///path, got '%s'", out);
        }
        return 0;
    }
    if (strcmp(name, "otlp") != 0 && strcmp(name, "otlp_grpc") != 0)
        return fail(w, n, kp0, "unsupported exporter (otlp, otlp_grpc, console, otlp_file/development)");
    e->kind = API_TEL_EXPORTER_OTLP;
    if (empty)
        return 0;
    otel_otlp_options_t *o = &e->otlp;
    FOR_PAIRS(w, cfg, kp0)
    {
        char val[512];
        if (strcmp(k, "headers") == 0) {
            o->headers[0] = '\0';
            if (name_value_list(w, v, kp, add_header, o) != 0)
                return -1;
            continue;
        }
        if (get_str(w, v, kp, val, sizeof(val)) != 0)
            return -1;
        if (strcmp(k, "endpoint") == 0) {
            if (strlen(val) >= sizeof(o->endpoint))
                return fail(w, v, kp, "value too long");
            snprintf(o->endpoint, sizeof(o->endpoint), "%s", val);
            if (strncmp(val, "http://", 7) == 0)
                o->insecure = true;
            else if (strncmp(val, "https://", 8) == 0)
                o->insecure = false;
        } else if (strcmp(k, "protocol") == 0) {
            if (strcmp(val, "grpc") != 0)
                return fail(w, v, kp, "only grpc is supported, got '%s'", val);
        } else if (strcmp(k, "insecure") == 0) {
            if (get_bool(w, v, kp, &o->insecure) != 0)
                return -1;
        } else if (strcmp(k, "compression") == 0) {
            if (strcmp(val, "gzip") != 0 && strcmp(val, "none") != 0)
                return fail(w, v, kp, "expected gzip or none, got '%s'", val);
            o->gzip = strcmp(val, "gzip") == 0;
        } else if (strcmp(k, "timeout") == 0) {
            if (get_u32(w, v, kp, 0, &o->timeout_ms) != 0)
                return -1;
        } else if (strcmp(k, "headers_list") == 0) {
            if (strlen(val) >= sizeof(o->headers))
                return fail(w, v, kp, "value too long");
            snprintf(o->headers, sizeof(o->headers), "%s", val);
        } else if (strcmp(k, "certificate") == 0 || strcmp(k, "certificate_file") == 0) {
            snprintf(o->certificate, sizeof(o->certificate), "%s", val);
        } else if (strcmp(k, "client_key") == 0 || strcmp(k, "client_key_file") == 0) {
            snprintf(o->client_key, sizeof(o->client_key), "%s", val);
        } else if (strcmp(k, "client_certificate") == 0 || strcmp(k, "client_certificate_file") == 0) {
            snprintf(o->client_certificate, sizeof(o->client_certificate), "%s", val);
        } else if (is_metrics && strcmp(k, "temporality_preference") == 0) {
            if (strcmp(val, "cumulative") == 0)
                e->temporality = OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE;
            else if (strcmp(val, "delta") == 0)
                e->temporality = OTEL_TEMPORALITY_PREFERENCE_DELTA;
            else if (strcmp(val, "low_memory") == 0 || strcmp(val, "lowmemory") == 0)
                e->temporality = OTEL_TEMPORALITY_PREFERENCE_LOWMEMORY;
            else
                return fail(w, v, kp, "expected cumulative, delta or low_memory, got '%s'", val);
        } else if (is_metrics && strcmp(k, "default_histogram_aggregation") == 0) {
            if (strcmp(val, "explicit_bucket_histogram") != 0)
                return fail(w, v, kp, "only explicit_bucket_histogram is supported");
        } else {
            return fail(w, v, kp, "unknown key");
        }
    }
    return 0;
}

/* processors: [ {batch|simple: {..., exporter: {...}}} ] for traces and logs. */
static int processors(walk_t *w, yaml_node_t *n, const char *key, bool *simple, uint32_t *delay, uint32_t *timeout,
                      uint32_t *queue, uint32_t *batch, api_tel_exporter_t *e)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(w, n, key, "expected a list of processors");
    if (n->data.sequence.items.top - n->data.sequence.items.start != 1)
        return fail(w, n, key, "exactly one processor is supported");
    char ip[300];
    snprintf(ip, sizeof(ip), "%s[0]", key);
    const char *name = NULL;
    yaml_node_t *cfg = NULL;
    if (one_key(w, node(w, n->data.sequence.items.start[0]), ip, &name, &cfg) != 0)
        return -1;
    char kp0[320];
    snprintf(kp0, sizeof(kp0), "%s.%s", ip, name);
    if (strcmp(name, "batch") != 0 && strcmp(name, "simple") != 0)
        return fail(w, cfg, kp0, "unsupported processor (batch, simple)");
    *simple = strcmp(name, "simple") == 0;
    if (want_map(w, cfg, kp0) != 0)
        return -1;
    int have_exporter = 0;
    FOR_PAIRS(w, cfg, kp0)
    {
        int rc;
        if (strcmp(k, "exporter") == 0) {
            rc = exporter(w, v, kp, e, 0);
            have_exporter = 1;
        } else if (!*simple && strcmp(k, "schedule_delay") == 0) {
            rc = get_u32(w, v, kp, 0, delay);
        } else if (!*simple && strcmp(k, "export_timeout") == 0) {
            rc = get_u32(w, v, kp, 0, timeout);
        } else if (!*simple && strcmp(k, "max_queue_size") == 0) {
            rc = get_u32(w, v, kp, 1, queue);
        } else if (!*simple && strcmp(k, "max_export_batch_size") == 0) {
            rc = get_u32(w, v, kp, 1, batch);
        } else {
            rc = fail(w, v, kp, "unknown key");
        }
        if (rc != 0)
            return -1;
    }
    if (!have_exporter)
        return fail(w, cfg, kp0, "'exporter' is required");
    return 0;
}

/* sampler: always_on | always_off | trace_id_ratio_based: {ratio} | parent_based: {root: <sampler>} */
static int sampler(walk_t *w, yaml_node_t *n, const char *key, int parent_based)
{
    api_tel_settings_t *s = w->s;
    const char *name = NULL;
    yaml_node_t *cfg = NULL;
    if (one_key(w, n, key, &name, &cfg) != 0)
        return -1;
    char kp0[300];
    snprintf(kp0, sizeof(kp0), "%s.%s", key, name);
    const char *prefix = parent_based ? "parentbased_" : "";
    if (strcmp(name, "always_on") == 0 || strcmp(name, "always_off") == 0) {
        snprintf(s->sampler, sizeof(s->sampler), "%s%s", prefix, name);
        return 0;
    }
    if (strcmp(name, "trace_id_ratio_based") == 0) {
        double ratio = 1.0;
        if (!is_null(cfg)) {
            if (want_map(w, cfg, kp0) != 0)
                return -1;
            FOR_PAIRS(w, cfg, kp0)
            {
                if (strcmp(k, "ratio") != 0)
                    return fail(w, v, kp, "unknown key");
                if (get_ratio(w, v, kp, &ratio) != 0)
                    return -1;
            }
        }
        snprintf(s->sampler, sizeof(s->sampler), "%straceidratio", prefix);
        snprintf(s->sampler_arg, sizeof(s->sampler_arg), "%.17g", ratio);
        return 0;
    }
    if (strcmp(name, "parent_based") == 0 && !parent_based) {
        snprintf(s->sampler, sizeof(s->sampler), "parentbased_always_on");
        if (is_null(cfg))
            return 0;
        if (want_map(w, cfg, kp0) != 0)
            return -1;
        FOR_PAIRS(w, cfg, kp0)
        {
            if (strcmp(k, "root") != 0)
                return fail(w, v, kp, "unsupported (only 'root'; the other parent_based options keep their defaults)");
            if (sampler(w, v, kp, 1) != 0)
                return -1;
        }
        return 0;
    }
    return fail(w, n, kp0, "unsupported sampler (always_on, always_off, trace_id_ratio_based, parent_based)");
}

static int limits_span(walk_t *w, yaml_node_t *n, const char *key)
{
    otel_span_limits_t *l = &w->s->span_limits;
    if (want_map(w, n, key) != 0)
        return -1;
    FOR_PAIRS(w, n, key)
    {
        uint32_t *f = strcmp(k, "attribute_count_limit") == 0          ? &l->attribute_count_limit
                      : strcmp(k, "attribute_value_length_limit") == 0 ? &l->attribute_value_length_limit
                      : strcmp(k, "event_count_limit") == 0            ? &l->event_count_limit
                      : strcmp(k, "link_count_limit") == 0             ? &l->link_count_limit
                      : strcmp(k, "event_attribute_count_limit") == 0  ? &l->event_attribute_count_limit
                      : strcmp(k, "link_attribute_count_limit") == 0   ? &l->link_attribute_count_limit
                                                                       : NULL;
        if (f == NULL)
            return fail(w, v, kp, "unknown key");
        if (get_u32(w, v, kp, 0, f) != 0)
            return -1;
    }
    return 0;
}

static int tracer_provider(walk_t *w, yaml_node_t *n)
{
    api_tel_settings_t *s = w->s;
    if (want_map(w, n, "tracer_provider") != 0)
        return -1;
    FOR_PAIRS(w, n, "tracer_provider")
    {
        int rc;
        if (strcmp(k, "processors") == 0)
            rc = processors(w, v, kp, &s->traces_simple, &s->bsp.schedule_delay_ms, &s->bsp.export_timeout_ms,
                            &s->bsp.max_queue_size, &s->bsp.max_export_batch_size, &s->traces);
        else if (strcmp(k, "sampler") == 0)
            rc = sampler(w, v, kp, 0);
        else if (strcmp(k, "limits") == 0)
            rc = limits_span(w, v, kp);
        else
            rc = fail(w, v, kp, "unknown key");
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int meter_provider(walk_t *w, yaml_node_t *n)
{
    api_tel_settings_t *s = w->s;
    if (want_map(w, n, "meter_provider") != 0)
        return -1;
    FOR_PAIRS(w, n, "meter_provider")
    {
        if (strcmp(k, "exemplar_filter") == 0) {
            char f[32];
            if (get_str(w, v, kp, f, sizeof(f)) != 0)
                return -1;
            if (strcmp(f, "trace_based") == 0)
                s->exemplar_filter = OTEL_EXEMPLAR_FILTER_TRACE_BASED;
            else if (strcmp(f, "always_on") == 0)
                s->exemplar_filter = OTEL_EXEMPLAR_FILTER_ALWAYS_ON;
            else if (strcmp(f, "always_off") == 0)
                s->exemplar_filter = OTEL_EXEMPLAR_FILTER_ALWAYS_OFF;
            else
                return fail(w, v, kp, "expected trace_based, always_on or always_off, got '%s'", f);
            continue;
        }
        if (strcmp(k, "readers") != 0)
            return fail(w, v, kp, "unknown key");
        if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top - v->data.sequence.items.start != 1)
            return fail(w, v, kp, "exactly one reader is supported");
        char ip[300];
        snprintf(ip, sizeof(ip), "%s[0]", kp);
        const char *name = NULL;
        yaml_node_t *cfg = NULL;
        if (one_key(w, node(w, v->data.sequence.items.start[0]), ip, &name, &cfg) != 0)
            return -1;
        char rp[320];
        snprintf(rp, sizeof(rp), "%s.%s", ip, name);
        if (strcmp(name, "periodic") != 0)
            return fail(w, cfg, rp, "only the periodic reader is supported");
        if (want_map(w, cfg, rp) != 0)
            return -1;
        int have_exporter = 0;
        FOR_PAIRS(w, cfg, rp)
        {
            uint32_t ms;
            int rc;
            if (strcmp(k, "exporter") == 0) {
                rc = exporter(w, v, kp, &s->metrics, 1);
                have_exporter = 1;
            } else if (strcmp(k, "interval") == 0) {
                rc = get_u32(w, v, kp, 1, &ms);
                s->reader.interval_ms = ms;
            } else if (strcmp(k, "timeout") == 0) {
                rc = get_u32(w, v, kp, 1, &ms);
                s->reader.timeout_ms = ms;
            } else {
                rc = fail(w, v, kp, "unknown key");
            }
            if (rc != 0)
                return -1;
        }
        if (!have_exporter)
            return fail(w, cfg, rp, "'exporter' is required");
    }
    return 0;
}

static int logger_provider(walk_t *w, yaml_node_t *n)
{
    api_tel_settings_t *s = w->s;
    if (want_map(w, n, "logger_provider") != 0)
        return -1;
    FOR_PAIRS(w, n, "logger_provider")
    {
        int rc = 0;
        if (strcmp(k, "processors") == 0) {
            rc = processors(w, v, kp, &s->logs_simple, &s->blrp.schedule_delay_ms, &s->blrp.export_timeout_ms,
                            &s->blrp.max_queue_size, &s->blrp.max_export_batch_size, &s->logs);
        } else if (strcmp(k, "limits") == 0) {
            if (want_map(w, v, kp) != 0)
                return -1;
            char lp[300];
            snprintf(lp, sizeof(lp), "%s", kp);
            FOR_PAIRS(w, v, lp)
            {
                if (strcmp(k, "attribute_count_limit") == 0)
                    rc = get_u32(w, v, kp, 0, &s->log_limits.attribute_count_limit);
                else if (strcmp(k, "attribute_value_length_limit") == 0)
                    rc = get_u32(w, v, kp, 0, &s->log_limits.attribute_value_length_limit);
                else
                    rc = fail(w, v, kp, "unknown key");
                if (rc != 0)
                    return -1;
            }
        } else {
            rc = fail(w, v, kp, "unknown key");
        }
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int attribute_limits(walk_t *w, yaml_node_t *n)
{
    api_tel_settings_t *s = w->s;
    if (want_map(w, n, "attribute_limits") != 0)
        return -1;
    FOR_PAIRS(w, n, "attribute_limits")
    {
        uint32_t x;
        if (strcmp(k, "attribute_count_limit") == 0) {
            if (get_u32(w, v, kp, 0, &x) != 0)
                return -1;
            s->span_limits.attribute_count_limit = s->log_limits.attribute_count_limit = x;
        } else if (strcmp(k, "attribute_value_length_limit") == 0) {
            if (get_u32(w, v, kp, 0, &x) != 0)
                return -1;
            s->span_limits.attribute_value_length_limit = s->log_limits.attribute_value_length_limit = x;
        } else {
            return fail(w, v, kp, "unknown key");
        }
    }
    return 0;
}

/* service.routes: {"<route path>": {trace, metrics, sample_ratio, attributes: {k: v}}} */
static int routes(walk_t *w, yaml_node_t *n)
{
    api_tel_settings_t *s = w->s;
    if (want_map(w, n, "service.routes") != 0)
        return -1;
    FOR_PAIRS(w, n, "service.routes")
    {
        int known = 0;
        for (size_t i = 0; i < api_route_count; i++)
            known |= strcmp(api_routes[i].path, k) == 0;
        if (!known)
            return fail(w, node(w, pair_->key), kp, "no such route");
        if (want_map(w, v, kp) != 0)
            return -1;
        api_tel_route_settings_t *r = (api_tel_route_settings_t *)api_tel_settings_route(s, k);
        if (r == NULL) {
            r = &s->routes[s->route_count++];
            *r = (api_tel_route_settings_t){.trace = true, .metrics = true, .sample_ratio = 1.0};
            snprintf(r->path, sizeof(r->path), "%s", k);
        }
        char rp[300];
        snprintf(rp, sizeof(rp), "%s", kp);
        FOR_PAIRS(w, v, rp)
        {
            int rc = 0;
            if (strcmp(k, "trace") == 0) {
                rc = get_bool(w, v, kp, &r->trace);
            } else if (strcmp(k, "metrics") == 0) {
                rc = get_bool(w, v, kp, &r->metrics);
            } else if (strcmp(k, "sample_ratio") == 0) {
                rc = get_ratio(w, v, kp, &r->sample_ratio);
            } else if (strcmp(k, "attributes") == 0) {
                if (want_map(w, v, kp) != 0)
                    return -1;
                char ap[300];
                snprintf(ap, sizeof(ap), "%s", kp);
                r->extra_count = 0;
                FOR_PAIRS(w, v, ap)
                {
                    if (r->extra_count == API_TEL_MAX_EXTRA_ATTRS)
                        return fail(w, v, kp, "at most %d extra attributes", API_TEL_MAX_EXTRA_ATTRS);
                    if (strlen(k) >= sizeof(r->extra_key[0]))
                        return fail(w, v, kp, "name too long");
                    snprintf(r->extra_key[r->extra_count], sizeof(r->extra_key[0]), "%s", k);
                    if (get_str(w, v, kp, r->extra_value[r->extra_count], sizeof(r->extra_value[0])) != 0)
                        return -1;
                    r->extra_count++;
                }
            } else {
                rc = fail(w, v, kp, "unknown key (trace, metrics, sample_ratio, attributes)");
            }
            if (rc != 0)
                return -1;
        }
    }
    return 0;
}

static int top_level(walk_t *w, yaml_node_t *root)
{
    FOR_PAIRS(w, root, "")
    {
        int rc = 0;
        if (strcmp(k, "file_format") == 0) {
            rc = get_str(w, v, k, w->s->file_format, sizeof(w->s->file_format));
        } else if (strcmp(k, "disabled") == 0) {
            rc = get_bool(w, v, k, &w->s->disabled);
        } else if (strcmp(k, "resource") == 0) {
            rc = resource(w, v);
        } else if (strcmp(k, "attribute_limits") == 0) {
            rc = attribute_limits(w, v);
        } else if (strcmp(k, "propagator") == 0) {
            rc = propagator(w, v);
        } else if (strcmp(k, "tracer_provider") == 0) {
            rc = tracer_provider(w, v);
        } else if (strcmp(k, "meter_provider") == 0) {
            rc = meter_provider(w, v);
        } else if (strcmp(k, "logger_provider") == 0) {
            rc = logger_provider(w, v);
        } else if (strcmp(k, "service") == 0 && v->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *p = v->data.mapping.pairs.start; rc == 0 && p < v->data.mapping.pairs.top; p++) {
                yaml_node_t *sk = node(w, p->key);
                if (sk->type == YAML_SCALAR_NODE && strcmp((const char *)sk->data.scalar.value, "routes") == 0)
                    rc = routes(w, node(w, p->value));
            }
        }
        /* Other keys (service.*, log_level, instrumentation) belong to config.c, which rejects unknown ones. */
        if (rc != 0)
            return -1;
    }
    return 0;
}

int api_tel_settings_apply_file(api_tel_settings_t *s, const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        snprintf(err, errlen, "h2otel: %s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    int rc = -1;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, fp);
    if (!yaml_parser_load(&parser, &doc)) {
        snprintf(err, errlen, "h2otel: %s:%zu: invalid YAML: %s", path, (size_t)parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "parse error");
        goto out_parser;
    }
    walk_t w = {s, &doc, path, err, errlen};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root == NULL || root->type != YAML_MAPPING_NODE) /* config.c reports a non-mapping top level */
        rc = 0;
    else if (want_map(&w, root, "(top level)") == 0)
        rc = top_level(&w, root);
    yaml_document_delete(&doc);
out_parser:
    yaml_parser_delete(&parser);
    fclose(fp);
    return rc;
}

/* -------------------------------------------------------------------------------------------- OTEL_* -- */

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && *v != '\0' ? v : NULL;
}

static int exporter_from_env(api_tel_exporter_t *e, const char *var, char *err, size_t errlen)
{
    const char *v = env(var);
    if (v == NULL)
        return 0;
    if (strcmp(v, "otlp") == 0)
        e->kind = API_TEL_EXPORTER_OTLP;
    else if (strcmp(v, "console") == 0)
        e->kind = API_TEL_EXPORTER_CONSOLE;
    else if (strcmp(v, "none") == 0)
        e->kind = API_TEL_EXPORTER_NONE;
    else {
        snprintf(err, errlen, "h2otel: environment %s: expected otlp, console or none, got '%s'", var, v);
        return -1;
    }
    return 0;
}

int api_tel_settings_apply_env(api_tel_settings_t *s, char *err, size_t errlen)
{
    char why[512] = "";
    const char *v;
    if ((v = env("OTEL_SDK_DISABLED")) != NULL) {
        if (strcasecmp(v, "true") != 0 && strcasecmp(v, "false") != 0) {
            snprintf(err, errlen, "h2otel: environment OTEL_SDK_DISABLED: expected true or false, got '%s'", v);
            return -1;
        }
        s->disabled = strcasecmp(v, "true") == 0;
    }
    static const char *const protocol_vars[] = {"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
                                                "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
                                                "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL"};
    for (size_t i = 0; i < sizeof(protocol_vars) / sizeof(protocol_vars[0]); i++) {
        if ((v = env(protocol_vars[i])) != NULL && strcmp(v, "grpc") != 0) { /* otelc speaks OTLP/gRPC only */
            snprintf(err, errlen, "h2otel: environment %s: only grpc is supported, got '%s'", protocol_vars[i], v);
            return -1;
        }
    }
    if ((v = env("OTEL_PROPAGATORS")) != NULL)
        snprintf(s->propagators, sizeof(s->propagators), "%s", v);
    if ((v = env("OTEL_TRACES_SAMPLER")) != NULL) {
        snprintf(s->sampler, sizeof(s->sampler), "%s", v);
        s->sampler_arg[0] = '\0';
    }
    if ((v = env("OTEL_TRACES_SAMPLER_ARG")) != NULL)
        snprintf(s->sampler_arg, sizeof(s->sampler_arg), "%s", v);
    if (exporter_from_env(&s->traces, "OTEL_TRACES_EXPORTER", err, errlen) != 0 ||
        exporter_from_env(&s->metrics, "OTEL_METRICS_EXPORTER", err, errlen) != 0 ||
        exporter_from_env(&s->logs, "OTEL_LOGS_EXPORTER", err, errlen) != 0)
        return -1;
    if (otel_span_limits_from_env(&s->span_limits, why, sizeof(why)) != OTEL_OK ||
        otel_batch_span_processor_options_from_env(&s->bsp, why, sizeof(why)) != OTEL_OK ||
        otel_batch_log_record_processor_options_from_env(&s->blrp, why, sizeof(why)) != OTEL_OK ||
        otel_otlp_options_from_env(&s->traces.otlp, OTEL_OTLP_TRACES, why, sizeof(why)) != OTEL_OK ||
        otel_otlp_options_from_env(&s->metrics.otlp, OTEL_OTLP_METRICS, why, sizeof(why)) != OTEL_OK ||
        otel_otlp_options_from_env(&s->logs.otlp, OTEL_OTLP_LOGS, why, sizeof(why)) != OTEL_OK)
        goto bad;
    /* The metrics variables are read as a set (defaults for unset ones): take only those that are set. */
    otel_metrics_env_t m;
    if (otel_metrics_env_read(&m, why, sizeof(why)) != OTEL_OK)
        goto bad;
    if (env("OTEL_METRIC_EXPORT_INTERVAL") != NULL)
        s->reader.interval_ms = m.reader.interval_ms;
    if (env("OTEL_METRIC_EXPORT_TIMEOUT") != NULL)
        s->reader.timeout_ms = m.reader.timeout_ms;
    if (env("OTEL_METRICS_EXEMPLAR_FILTER") != NULL)
        s->exemplar_filter = m.exemplar_filter;
    if (env("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE") != NULL)
        s->metrics.temporality = (int)m.temporality;
    const char *lv;
    if ((lv = env("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT")) != NULL || (lv = env("OTEL_ATTRIBUTE_COUNT_LIMIT")) != NULL)
        s->log_limits.attribute_count_limit = (uint32_t)strtoul(lv, NULL, 10);
    if ((lv = env("OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT")) != NULL ||
        (lv = env("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT")) != NULL)
        s->log_limits.attribute_value_length_limit = (uint32_t)strtoul(lv, NULL, 10);
    return 0;
bad:
    snprintf(err, errlen, "h2otel: environment %s", why);
    return -1;
}
