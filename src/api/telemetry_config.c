/* SPDX-License-Identifier: Apache-2.0 */
/* Reads the OpenTelemetry declarative-configuration YAML shape and service.routes, then the OTEL_* overlay. */
#include "telemetry_config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "config.h"
#include "routes.h"
#include "yaml_guard.h"

#define MAX_FILE_BYTES (1u << 20) /* as config.c: a configuration file is a few KB */

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
    api_tel_exporter_t *signal; /* the exporter of the provider being walked: traces, metrics or logs */
} walk_t;

typedef struct field field_t;

/* Parses the value node `v`, found at key path `key`, into `dst` (the field's place in the section's object). */
typedef int (*parse_fn)(walk_t *w, yaml_node_t *v, const char *key, const field_t *f, void *dst);
#define PARSER(name)                                                                                                   \
    static int name(walk_t *w, yaml_node_t *v, const char *key, __attribute__((unused)) const field_t *f,              \
                    __attribute__((unused)) void *dst)

/* One key of a mapping: how its value is parsed and where it goes. A table of them ends with {NULL}. */
struct field {
    const char *name;
    parse_fn parse;  /* NULL: accepted and ignored */
    size_t offset;   /* of the destination in the section's object */
    size_t size;     /* of the destination: string capacity, integer or flag width; 0 = check only */
    uint32_t min;    /* smallest integer accepted */
    const void *arg; /* the choices_t of an enumeration, the field table of a nested section */
    int flags;
};
enum { REQUIRED = 1, METRICS_ONLY = 2 };

/* The words an enumerated value accepts, and what to say when it is none of them. */
typedef struct choices {
    const char *expected;
    struct {
        const char *word;
        int value;
    } c[5];
} choices_t;

static int fail(walk_t *w, const yaml_node_t *n, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(walk_t *w, const yaml_node_t *n, const char *key, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    snprintf(w->err, w->errlen, "h2otel: %s:%zu: key '%s': %s", w->file, (size_t)n->start_mark.line + 1, key, why);
    /* Keys and values quoted from the file may hold line breaks: the error stays one printable line. */
    for (char *p = w->err; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return -1;
}

static yaml_node_t *node(walk_t *w, int id)
{
    return yaml_document_get_node(w->doc, id);
}

static const char *key_name(walk_t *w, const yaml_node_pair_t *p)
{
    return (const char *)node(w, p->key)->data.scalar.value;
}

static void join(char *out, size_t outlen, const char *path, const char *name)
{
    snprintf(out, outlen, "%s%s%s", path, *path ? "." : "", name);
}

static int is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)n->data.scalar.value;
    return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0;
}

static int want_map(walk_t *w, const yaml_node_t *n, const char *key)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(w, n, key, "expected a mapping");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
        if (node(w, p->key)->type != YAML_SCALAR_NODE)
            return fail(w, n, key, "keys must be plain names");
    return 0;
}

/* A list of exactly one item, as `processors` and `readers` must be here. */
static int want_one_item(walk_t *w, yaml_node_t *n, const char *key, const char *what, yaml_node_t **item)
{
    if (n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.top - n->data.sequence.items.start != 1)
        return fail(w, n, key, "exactly one %s is supported", what);
    *item = node(w, n->data.sequence.items.start[0]);
    return 0;
}

/* A mapping with exactly one key (a "plugin" choice such as `batch:` or `otlp:`); the value may be null. */
static int one_key(walk_t *w, yaml_node_t *n, const char *key, const char **name, yaml_node_t **value)
{
    if (want_map(w, n, key) != 0)
        return -1;
    if (n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1)
        return fail(w, n, key, "expected exactly one entry");
    *name = key_name(w, n->data.mapping.pairs.start);
    *value = node(w, n->data.mapping.pairs.start->value);
    return 0;
}

/* ---- scalar parsers (all take ${VAR:-default} substitution) ---- */

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

PARSER(parse_str)
{
    return get_str(w, v, key, dst, f->size);
}

PARSER(parse_uint)
{
    char text[64], *end;
    if (scalar(w, v, key, text, sizeof(text)) != 0)
        return -1;
    errno = 0;
    unsigned long long x = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || x > UINT32_MAX || x < f->min)
        return fail(w, v, key, "expected an integer >= %u, got '%s'", f->min, text);
    if (f->size == sizeof(uint64_t))
        *(uint64_t *)dst = x;
    else
        *(uint32_t *)dst = (uint32_t)x;
    return 0;
}

PARSER(parse_bool)
{
    char text[64];
    if (scalar(w, v, key, text, sizeof(text)) != 0)
        return -1;
    if (strcasecmp(text, "true") != 0 && strcasecmp(text, "false") != 0)
        return fail(w, v, key, "expected true or false, got '%s'", text);
    *(bool *)dst = strcasecmp(text, "true") == 0;
    return 0;
}

PARSER(parse_ratio)
{
    char text[64], *end;
    if (scalar(w, v, key, text, sizeof(text)) != 0)
        return -1;
    double d = strtod(text, &end);
    if (text[0] == '\0' || *end != '\0' || !(d >= 0.0 && d <= 1.0))
        return fail(w, v, key, "expected a number in [0, 1], got '%s'", text);
    *(double *)dst = d;
    return 0;
}

PARSER(parse_enum)
{
    const choices_t *ch = f->arg;
    char text[64];
    if (get_str(w, v, key, text, sizeof(text)) != 0)
        return -1;
    for (size_t i = 0; i < sizeof(ch->c) / sizeof(ch->c[0]) && ch->c[i].word != NULL; i++) {
        if (strcmp(text, ch->c[i].word) != 0)
            continue;
        if (f->size == sizeof(bool))
            *(bool *)dst = ch->c[i].value != 0;
        else if (f->size == sizeof(int))
            *(int *)dst = ch->c[i].value;
        return 0;
    }
    return fail(w, v, key, "%s, got '%s'", ch->expected, text);
}

/* ---- the table walk ---- */

static const field_t *find_field(walk_t *w, const field_t *fields, const char *name)
{
    for (const field_t *f = fields; f->name != NULL; f++)
        if (strcmp(f->name, name) == 0 && (!(f->flags & METRICS_ONLY) || w->signal == &w->s->metrics))
            return f;
    return NULL;
}

/* Walks mapping `map` at key path `path` with `fields` (at most 32, for the `seen` bits); the destinations are
 * relative to `base`. */
static int walk_fields(walk_t *w, yaml_node_t *map, const char *path, const field_t *fields, void *base)
{
    if (want_map(w, map, path) != 0)
        return -1;
    uint32_t seen = 0;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        char kp[256];
        join(kp, sizeof(kp), path, key_name(w, p));
        yaml_node_t *v = node(w, p->value);
        const field_t *f = find_field(w, fields, key_name(w, p));
        if (f == NULL) {
            char known[256] = "";
            for (const field_t *k = fields; k->name != NULL; k++)
                if (find_field(w, fields, k->name) == k)
                    snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", known[0] ? ", " : "",
                             k->name);
            return fail(w, v, kp, "unknown key (known: %s)", known);
        }
        seen |= 1u << (f - fields);
        if (f->parse != NULL && f->parse(w, v, kp, f, (char *)base + f->offset) != 0)
            return -1;
    }
    for (const field_t *f = fields; f->name != NULL; f++)
        if ((f->flags & REQUIRED) && !(seen & (1u << (f - fields))))
            return fail(w, map, path, "'%s' is required", f->name);
    return 0;
}

PARSER(parse_section)
{
    return walk_fields(w, v, key, f->arg, dst);
}

#define AT(type, member) offsetof(type, member), sizeof(((type *)0)->member)
#define F_STR(name, type, member)                                                                                      \
    {                                                                                                                  \
        name, parse_str, AT(type, member), 0, NULL, 0                                                                  \
    }
#define F_UINT(name, type, member, lo)                                                                                 \
    {                                                                                                                  \
        name, parse_uint, AT(type, member), lo, NULL, 0                                                                \
    }
#define F_BOOL(name, type, member)                                                                                     \
    {                                                                                                                  \
        name, parse_bool, AT(type, member), 0, NULL, 0                                                                 \
    }
#define F_RATIO(name, type, member)                                                                                    \
    {                                                                                                                  \
        name, parse_ratio, AT(type, member), 0, NULL, 0                                                                \
    }
#define F_ENUM(name, type, member, choices)                                                                            \
    {                                                                                                                  \
        name, parse_enum, AT(type, member), 0, &(choices), 0                                                           \
    }
#define F_CHECK(name, choices)                                                                                         \
    {                                                                                                                  \
        name, parse_enum, 0, 0, 0, &(choices), 0                                                                       \
    } /* validated, not stored */
#define F_SECTION(name, type, member, fields)                                                                          \
    {                                                                                                                  \
        name, parse_section, AT(type, member), 0, fields, 0                                                            \
    }
#define F_PART(name, fields)                                                                                           \
    {                                                                                                                  \
        name, parse_section, 0, 0, 0, fields, 0                                                                        \
    } /* a mapping of the same object */
#define F_CUSTOM(name, fn)                                                                                             \
    {                                                                                                                  \
        name, fn, 0, 0, 0, NULL, 0                                                                                     \
    } /* fn gets the section's object */
#define F_IGNORED(name)                                                                                                \
    {                                                                                                                  \
        name, NULL, 0, 0, 0, NULL, 0                                                                                   \
    }
#define F_END                                                                                                          \
    {                                                                                                                  \
        NULL, NULL, 0, 0, 0, NULL, 0                                                                                   \
    }

/* ---- name/value lists (resource attributes, OTLP headers) ---- */

typedef struct name_value {
    char name[256];
    char value[1024];
} name_value_t;

typedef int (*add_fn)(walk_t *w, yaml_node_t *at, const char *key, const name_value_t *nv);

static const choices_t string_only = {"only string values are supported", {{"string", 0}}};
static const field_t name_value_fields[] = {
    {"name", parse_str, AT(name_value_t, name), 0, NULL, REQUIRED},
    F_STR("value", name_value_t, value),
    F_CHECK("type", string_only),
    F_END,
};

static int name_value_list(walk_t *w, yaml_node_t *list, const char *key, add_fn add)
{
    if (list->type != YAML_SEQUENCE_NODE)
        return fail(w, list, key, "expected a list of {name, value}");
    size_t i = 0;
    for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++, i++) {
        yaml_node_t *item = node(w, *it);
        char ip[300];
        snprintf(ip, sizeof(ip), "%s[%zu]", key, i);
        name_value_t nv = {"", ""};
        if (walk_fields(w, item, ip, name_value_fields, &nv) != 0)
            return -1;
        if (nv.name[0] == '\0')
            return fail(w, item, ip, "'name' is required");
        if (add(w, item, ip, &nv) != 0)
            return -1;
    }
    return 0;
}

/* ---- resource ---- */

static int add_resource(walk_t *w, yaml_node_t *at, const char *key, const name_value_t *nv)
{
    api_tel_settings_t *s = w->s;
    size_t i = 0;
    while (i < s->resource_count && strcmp(s->resource_key[i], nv->name) != 0)
        i++;
    if (i == API_TEL_MAX_RESOURCE_ATTRS)
        return fail(w, at, key, "at most %d resource attributes", API_TEL_MAX_RESOURCE_ATTRS);
    if (strlen(nv->name) >= sizeof(s->resource_key[0]) || strlen(nv->value) >= sizeof(s->resource_value[0]))
        return fail(w, at, key, "name or value too long");
    snprintf(s->resource_key[i], sizeof(s->resource_key[0]), "%s", nv->name);
    snprintf(s->resource_value[i], sizeof(s->resource_value[0]), "%s", nv->value);
    if (i == s->resource_count)
        s->resource_count++;
    return 0;
}

PARSER(parse_resource_attributes)
{
    return name_value_list(w, v, key, add_resource);
}

/* attributes_list: "k=v,k2=v2", like OTEL_RESOURCE_ATTRIBUTES. */
PARSER(parse_attributes_list)
{
    char list[2048];
    if (get_str(w, v, key, list, sizeof(list)) != 0)
        return -1;
    char *save = NULL;
    for (char *pair = strtok_r(list, ",", &save); pair; pair = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(pair, '=');
        if (eq == NULL || eq == pair)
            return fail(w, v, key, "expected key=value pairs, got '%s'", pair);
        name_value_t nv;
        *eq = '\0';
        if (snprintf(nv.name, sizeof(nv.name), "%s", pair) >= (int)sizeof(nv.name) ||
            snprintf(nv.value, sizeof(nv.value), "%s", eq + 1) >= (int)sizeof(nv.value))
            return fail(w, v, key, "name or value too long");
        if (add_resource(w, v, key, &nv) != 0)
            return -1;
    }
    return 0;
}

static const field_t resource_fields[] = {
    F_CUSTOM("attributes", parse_resource_attributes),
    F_CUSTOM("attributes_list", parse_attributes_list),
    F_IGNORED("schema_url"), /* accepted; the SDK's own detectors are always on */
    F_IGNORED("detection/development"),
    F_END,
};

/* ---- propagator ---- */

PARSER(parse_composite)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(w, v, key, "expected a list such as [tracecontext: {}, baggage: {}]");
    char list[128] = "";
    size_t i = 0;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++, i++) {
        char ip[300];
        snprintf(ip, sizeof(ip), "%s[%zu]", key, i);
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
    return 0;
}

static const field_t propagator_fields[] = {
    F_CUSTOM("composite", parse_composite),
    F_STR("composite_list", api_tel_settings_t, propagators),
    F_END,
};

PARSER(parse_propagator)
{
    if (walk_fields(w, v, key, propagator_fields, dst) != 0)
        return -1;
    /* Validate the names now, so the error points at the file. */
    otel_propagator_t *p = NULL;
    char why[256];
    if (otel_propagator_create_from_config(w->s->propagators, &p, why, sizeof(why)) != OTEL_OK)
        return fail(w, v, key, "%s", why);
    otel_propagator_destroy(p);
    return 0;
}

/* ---- exporters: {otlp|otlp_grpc|console|otlp_file/development: {...}} of the provider being walked ---- */

static int add_header(walk_t *w, yaml_node_t *at, const char *key, const name_value_t *nv)
{
    otel_otlp_options_t *o = &w->signal->otlp;
    for (const char *p = nv->name; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '=' || *p == ',')
            return fail(w, at, key, "a header name is a token (no spaces, '=', ',' or control characters)");
    size_t used = strlen(o->headers);
    int n = snprintf(o->headers + used, sizeof(o->headers) - used, "%s%s=", used ? "," : "", nv->name);
    if (n < 0 || (size_t)n >= sizeof(o->headers) - used)
        return fail(w, at, key, "headers too long");
    used += (size_t)n;
    /* OTEL_EXPORTER_OTLP_HEADERS syntax: values are percent-decoded, so '%' and the ',' separator are encoded. */
    for (const char *p = nv->value; *p; p++) {
        if ((unsigned char)*p < ' ' || *p == 0x7f)
            return fail(w, at, key, "control character in a header value");
        n = *p == '%' || *p == ',' ? snprintf(o->headers + used, sizeof(o->headers) - used, "%%%02X", *p)
                                   : snprintf(o->headers + used, sizeof(o->headers) - used, "%c", *p);
        if ((size_t)n >= sizeof(o->headers) - used)
            return fail(w, at, key, "headers too long");
        used += (size_t)n;
    }
    return 0;
}

PARSER(parse_headers)
{
    w->signal->otlp.headers[0] = '\0';
    return name_value_list(w, v, key, add_header);
}

PARSER(parse_endpoint)
{
    if (parse_str(w, v, key, f, dst) != 0)
        return -1;
    if (strncmp(dst, "http://", 7) == 0)
        w->signal->otlp.insecure = true;
    else if (strncmp(dst, "https://", 8) == 0)
        w->signal->otlp.insecure = false;
    return 0;
}

static const choices_t grpc_only = {"only grpc is supported", {{"grpc", 0}}};
static const choices_t compressions = {"expected gzip or none", {{"gzip", 1}, {"none", 0}}};
static const choices_t temporalities = {"expected cumulative, delta or low_memory",
                                        {{"cumulative", OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE},
                                         {"delta", OTEL_TEMPORALITY_PREFERENCE_DELTA},
                                         {"low_memory", OTEL_TEMPORALITY_PREFERENCE_LOWMEMORY},
                                         {"lowmemory", OTEL_TEMPORALITY_PREFERENCE_LOWMEMORY}}};
static const choices_t explicit_buckets = {"only explicit_bucket_histogram is supported",
                                           {{"explicit_bucket_histogram", 0}}};

static const field_t otlp_fields[] = {
    {"endpoint", parse_endpoint, AT(api_tel_exporter_t, otlp.endpoint), 0, NULL, 0},
    F_CHECK("protocol", grpc_only),
    F_BOOL("insecure", api_tel_exporter_t, otlp.insecure),
    F_ENUM("compression", api_tel_exporter_t, otlp.gzip, compressions),
    F_UINT("timeout", api_tel_exporter_t, otlp.timeout_ms, 0),
    F_CUSTOM("headers", parse_headers),
    F_STR("headers_list", api_tel_exporter_t, otlp.headers),
    F_STR("certificate", api_tel_exporter_t, otlp.certificate),
    F_STR("certificate_file", api_tel_exporter_t, otlp.certificate),
    F_STR("client_key", api_tel_exporter_t, otlp.client_key),
    F_STR("client_key_file", api_tel_exporter_t, otlp.client_key),
    F_STR("client_certificate", api_tel_exporter_t, otlp.client_certificate),
    F_STR("client_certificate_file", api_tel_exporter_t, otlp.client_certificate),
    {"temporality_preference", parse_enum, AT(api_tel_exporter_t, temporality), 0, &temporalities, METRICS_ONLY},
    {"default_histogram_aggregation", parse_enum, 0, 0, 0, &explicit_buckets, METRICS_ONLY},
    F_END,
};

PARSER(parse_output_stream)
{
    api_tel_exporter_t *e = w->signal;
    char out[600];
    if (get_str(w, v, key, out, sizeof(out)) != 0)
        return -1;
    if (strcmp(out, "stdout") == 0)
        e->kind = API_TEL_EXPORTER_CONSOLE;
    else if (strncmp(out, "file://", 7) == 0 && strlen(out + 7) < sizeof(e->path) && out[7] != '\0')
        snprintf(e->path, sizeof(e->path), "%s", out + 7);
    else
        return fail(w, v, key, "expected stdout or file:///path, got '%s'", out);
    return 0;
}

static const field_t file_fields[] = {
    {"output_stream", parse_output_stream, 0, 0, 0, NULL, REQUIRED},
    F_END,
};

PARSER(parse_exporter)
{
    api_tel_exporter_t *e = w->signal;
    const char *name = NULL;
    yaml_node_t *cfg = NULL;
    if (one_key(w, v, key, &name, &cfg) != 0)
        return -1;
    char kp[300];
    join(kp, sizeof(kp), key, name);
    int empty = is_null(cfg);
    if (!empty && want_map(w, cfg, kp) != 0)
        return -1;
    if (strcmp(name, "console") == 0) {
        e->kind = API_TEL_EXPORTER_CONSOLE;
        if (!empty && cfg->data.mapping.pairs.top != cfg->data.mapping.pairs.start)
            return fail(w, cfg, kp, "the console exporter takes no settings");
        return 0;
    }
    if (strcmp(name, "otlp_file/development") == 0 || strcmp(name, "otlp_file") == 0) {
        e->kind = API_TEL_EXPORTER_FILE;
        return empty ? fail(w, cfg, kp, "'output_stream' is required") : walk_fields(w, cfg, kp, file_fields, e);
    }
    if (strcmp(name, "otlp") != 0 && strcmp(name, "otlp_grpc") != 0)
        return fail(w, v, kp, "unsupported exporter (otlp, otlp_grpc, console, otlp_file/development)");
    e->kind = API_TEL_EXPORTER_OTLP;
    return empty ? 0 : walk_fields(w, cfg, kp, otlp_fields, e);
}

#define F_EXPORTER                                                                                                     \
    {                                                                                                                  \
        "exporter", parse_exporter, 0, 0, 0, NULL, REQUIRED                                                            \
    }

/* ---- tracer_provider ---- */

/* sampler: always_on | always_off | trace_id_ratio_based: {ratio} | parent_based: {root: <sampler>} */
static int sampler(walk_t *w, yaml_node_t *n, const char *key, int parent_based);

PARSER(parse_root_sampler)
{
    return sampler(w, v, key, 1);
}

PARSER(parse_sampler)
{
    return sampler(w, v, key, 0);
}

typedef struct ratio {
    double ratio;
} ratio_t;
static const field_t ratio_fields[] = {F_RATIO("ratio", ratio_t, ratio), F_END};
/* Only 'root': the other parent_based options keep their defaults. */
static const field_t parent_based_fields[] = {F_CUSTOM("root", parse_root_sampler), F_END};

static int sampler(walk_t *w, yaml_node_t *n, const char *key, int parent_based)
{
    api_tel_settings_t *s = w->s;
    const char *name = NULL;
    yaml_node_t *cfg = NULL;
    if (one_key(w, n, key, &name, &cfg) != 0)
        return -1;
    char kp[300];
    join(kp, sizeof(kp), key, name);
    const char *prefix = parent_based ? "parentbased_" : "";
    if (strcmp(name, "always_on") == 0 || strcmp(name, "always_off") == 0) {
        snprintf(s->sampler, sizeof(s->sampler), "%s%s", prefix, name);
        return 0;
    }
    if (strcmp(name, "trace_id_ratio_based") == 0) {
        ratio_t r = {1.0};
        if (!is_null(cfg) && walk_fields(w, cfg, kp, ratio_fields, &r) != 0)
            return -1;
        snprintf(s->sampler, sizeof(s->sampler), "%straceidratio", prefix);
        snprintf(s->sampler_arg, sizeof(s->sampler_arg), "%.17g", r.ratio);
        return 0;
    }
    if (strcmp(name, "parent_based") == 0 && !parent_based) {
        snprintf(s->sampler, sizeof(s->sampler), "parentbased_always_on");
        return is_null(cfg) ? 0 : walk_fields(w, cfg, kp, parent_based_fields, s);
    }
    return fail(w, n, kp, "unsupported sampler (always_on, always_off, trace_id_ratio_based, parent_based)");
}

/* processors: [ {batch|simple: {..., exporter: {...}}} ] for traces and logs. */
static const field_t simple_fields[] = {F_EXPORTER, F_END};

static int processors(walk_t *w, yaml_node_t *n, const char *key, bool *simple, void *batch,
                      const field_t *batch_fields)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(w, n, key, "expected a list of processors");
    yaml_node_t *item = NULL;
    if (want_one_item(w, n, key, "processor", &item) != 0)
        return -1;
    char ip[300], kp[320];
    snprintf(ip, sizeof(ip), "%s[0]", key);
    const char *name = NULL;
    yaml_node_t *cfg = NULL;
    if (one_key(w, item, ip, &name, &cfg) != 0)
        return -1;
    join(kp, sizeof(kp), ip, name);
    if (strcmp(name, "batch") != 0 && strcmp(name, "simple") != 0)
        return fail(w, cfg, kp, "unsupported processor (batch, simple)");
    *simple = strcmp(name, "simple") == 0;
    return walk_fields(w, cfg, kp, *simple ? simple_fields : batch_fields, batch);
}

static const field_t batch_span_fields[] = {
    F_UINT("schedule_delay", otel_batch_span_processor_options_t, schedule_delay_ms, 0),
    F_UINT("export_timeout", otel_batch_span_processor_options_t, export_timeout_ms, 0),
    F_UINT("max_queue_size", otel_batch_span_processor_options_t, max_queue_size, 1),
    F_UINT("max_export_batch_size", otel_batch_span_processor_options_t, max_export_batch_size, 1),
    F_EXPORTER,
    F_END,
};

PARSER(parse_span_processors)
{
    return processors(w, v, key, &w->s->traces_simple, &w->s->bsp, batch_span_fields);
}

static const field_t span_limit_fields[] = {
    F_UINT("attribute_count_limit", otel_span_limits_t, attribute_count_limit, 0),
    F_UINT("attribute_value_length_limit", otel_span_limits_t, attribute_value_length_limit, 0),
    F_UINT("event_count_limit", otel_span_limits_t, event_count_limit, 0),
    F_UINT("link_count_limit", otel_span_limits_t, link_count_limit, 0),
    F_UINT("event_attribute_count_limit", otel_span_limits_t, event_attribute_count_limit, 0),
    F_UINT("link_attribute_count_limit", otel_span_limits_t, link_attribute_count_limit, 0),
    F_END,
};

static const field_t tracer_provider_fields[] = {
    F_CUSTOM("processors", parse_span_processors),
    F_CUSTOM("sampler", parse_sampler),
    F_SECTION("limits", api_tel_settings_t, span_limits, span_limit_fields),
    F_END,
};

/* ---- meter_provider ---- */

static const field_t periodic_fields[] = {
    F_UINT("interval", otel_periodic_reader_options_t, interval_ms, 1),
    F_UINT("timeout", otel_periodic_reader_options_t, timeout_ms, 1),
    F_EXPORTER,
    F_END,
};

PARSER(parse_readers)
{
    yaml_node_t *item = NULL, *cfg = NULL;
    if (want_one_item(w, v, key, "reader", &item) != 0)
        return -1;
    char ip[300], rp[320];
    snprintf(ip, sizeof(ip), "%s[0]", key);
    const char *name = NULL;
    if (one_key(w, item, ip, &name, &cfg) != 0)
        return -1;
    join(rp, sizeof(rp), ip, name);
    if (strcmp(name, "periodic") != 0)
        return fail(w, cfg, rp, "only the periodic reader is supported");
    return walk_fields(w, cfg, rp, periodic_fields, &w->s->reader);
}

static const choices_t exemplar_filters = {"expected trace_based, always_on or always_off",
                                           {{"trace_based", OTEL_EXEMPLAR_FILTER_TRACE_BASED},
                                            {"always_on", OTEL_EXEMPLAR_FILTER_ALWAYS_ON},
                                            {"always_off", OTEL_EXEMPLAR_FILTER_ALWAYS_OFF}}};

static const field_t meter_provider_fields[] = {
    F_ENUM("exemplar_filter", api_tel_settings_t, exemplar_filter, exemplar_filters),
    F_CUSTOM("readers", parse_readers),
    F_END,
};

/* ---- logger_provider ---- */

static const field_t batch_log_fields[] = {
    F_UINT("schedule_delay", otel_batch_log_record_processor_options_t, schedule_delay_ms, 0),
    F_UINT("export_timeout", otel_batch_log_record_processor_options_t, export_timeout_ms, 0),
    F_UINT("max_queue_size", otel_batch_log_record_processor_options_t, max_queue_size, 1),
    F_UINT("max_export_batch_size", otel_batch_log_record_processor_options_t, max_export_batch_size, 1),
    F_EXPORTER,
    F_END,
};

PARSER(parse_log_processors)
{
    return processors(w, v, key, &w->s->logs_simple, &w->s->blrp, batch_log_fields);
}

static const field_t log_limit_fields[] = {
    F_UINT("attribute_count_limit", otel_log_record_limits_t, attribute_count_limit, 0),
    F_UINT("attribute_value_length_limit", otel_log_record_limits_t, attribute_value_length_limit, 0),
    F_END,
};

static const field_t logger_provider_fields[] = {
    F_CUSTOM("processors", parse_log_processors),
    F_SECTION("limits", api_tel_settings_t, log_limits, log_limit_fields),
    F_END,
};

/* A provider: its fields are relative to the settings, and its exporter is the field's signal. */
PARSER(parse_provider)
{
    w->signal = dst;
    int rc = walk_fields(w, v, key, f->arg, w->s);
    w->signal = NULL;
    return rc;
}

#define F_PROVIDER(name, signal, fields)                                                                               \
    {                                                                                                                  \
        name, parse_provider, AT(api_tel_settings_t, signal), 0, fields, 0                                             \
    }

/* attribute_limits: the general limits, which apply to spans and log records alike. */
static const field_t span_attribute_limit_fields[] = {
    F_UINT("attribute_count_limit", otel_span_limits_t, attribute_count_limit, 0),
    F_UINT("attribute_value_length_limit", otel_span_limits_t, attribute_value_length_limit, 0),
    F_END,
};

PARSER(parse_attribute_limits)
{
    if (walk_fields(w, v, key, span_attribute_limit_fields, &w->s->span_limits) != 0)
        return -1;
    return walk_fields(w, v, key, log_limit_fields, &w->s->log_limits);
}

/* ---- service.routes: {"<route path>": {trace, metrics, sample_ratio, attributes: {k: v}}} ---- */

PARSER(parse_route_attributes)
{
    api_tel_route_settings_t *r = dst;
    if (want_map(w, v, key) != 0)
        return -1;
    r->extra_count = 0;
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        char kp[300];
        const char *name = key_name(w, p);
        yaml_node_t *val = node(w, p->value);
        join(kp, sizeof(kp), key, name);
        if (r->extra_count == API_TEL_MAX_EXTRA_ATTRS)
            return fail(w, val, kp, "at most %d extra attributes", API_TEL_MAX_EXTRA_ATTRS);
        if (strlen(name) >= sizeof(r->extra_key[0]))
            return fail(w, val, kp, "name too long");
        snprintf(r->extra_key[r->extra_count], sizeof(r->extra_key[0]), "%s", name);
        if (get_str(w, val, kp, r->extra_value[r->extra_count], sizeof(r->extra_value[0])) != 0)
            return -1;
        r->extra_count++;
    }
    return 0;
}

static const field_t route_fields[] = {
    F_BOOL("trace", api_tel_route_settings_t, trace),
    F_BOOL("metrics", api_tel_route_settings_t, metrics),
    F_RATIO("sample_ratio", api_tel_route_settings_t, sample_ratio),
    F_CUSTOM("attributes", parse_route_attributes),
    F_END,
};

static int parse_routes(walk_t *w, yaml_node_t *n, const char *key)
{
    api_tel_settings_t *s = w->s;
    if (want_map(w, n, key) != 0)
        return -1;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *path = key_name(w, p);
        char kp[300];
        join(kp, sizeof(kp), key, path);
        int known = 0;
        for (size_t i = 0; i < api_route_count; i++)
            known |= strcmp(api_routes[i].path, path) == 0;
        if (!known)
            return fail(w, node(w, p->key), kp, "no such route");
        api_tel_route_settings_t *r = (api_tel_route_settings_t *)api_tel_settings_route(s, path);
        if (r == NULL) {
            if (s->route_count == API_TEL_MAX_ROUTES) /* not reached while the service has fewer routes */
                return fail(w, node(w, p->key), kp, "at most %d routes", API_TEL_MAX_ROUTES);
            r = &s->routes[s->route_count++];
            *r = (api_tel_route_settings_t){.trace = true, .metrics = true, .sample_ratio = 1.0};
            snprintf(r->path, sizeof(r->path), "%s", path);
        }
        if (walk_fields(w, node(w, p->value), kp, route_fields, r) != 0)
            return -1;
    }
    return 0;
}

/* `service:` belongs to config.c (which reports its errors), except `routes`. */
PARSER(parse_service)
{
    if (v->type != YAML_MAPPING_NODE)
        return 0;
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(w, p->key);
        char kp[300];
        if (k->type != YAML_SCALAR_NODE || strcmp((const char *)k->data.scalar.value, "routes") != 0)
            continue;
        join(kp, sizeof(kp), key, "routes");
        if (parse_routes(w, node(w, p->value), kp) != 0)
            return -1;
    }
    return 0;
}

/* ---- the top level ---- */

static const field_t top_level_fields[] = {
    F_STR("file_format", api_tel_settings_t, file_format),
    F_BOOL("disabled", api_tel_settings_t, disabled),
    F_PART("resource", resource_fields),
    F_CUSTOM("attribute_limits", parse_attribute_limits),
    F_CUSTOM("propagator", parse_propagator),
    F_PROVIDER("tracer_provider", traces, tracer_provider_fields),
    F_PROVIDER("meter_provider", metrics, meter_provider_fields),
    F_PROVIDER("logger_provider", logs, logger_provider_fields),
    F_CUSTOM("service", parse_service),
    F_END,
};

static int top_level(walk_t *w, yaml_node_t *root)
{
    if (want_map(w, root, "(top level)") != 0)
        return -1;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        /* Other keys (log_level, instrumentation, ...) belong to config.c, which rejects unknown ones. */
        const field_t *f = find_field(w, top_level_fields, key_name(w, p));
        if (f != NULL && f->parse(w, node(w, p->value), f->name, f, (char *)w->s + f->offset) != 0)
            return -1;
    }
    return 0;
}

int api_tel_settings_apply_file(api_tel_settings_t *s, const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = api_read_file(path, MAX_FILE_BYTES, &len);
    if (text == NULL) {
        snprintf(err, errlen, "h2otel: %s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    size_t deep = api_yaml_too_deep(text, len, API_YAML_MAX_DEPTH);
    if (deep != 0) {
        snprintf(err, errlen, "h2otel: %s:%zu: nested deeper than %d levels", path, deep, API_YAML_MAX_DEPTH);
        free(text);
        return -1;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    int rc = -1;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        snprintf(err, errlen, "h2otel: %s:%zu: invalid YAML: %s", path, (size_t)parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "parse error");
        goto out_parser;
    }
    walk_t w = {s, &doc, path, err, errlen, NULL};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    /* config.c reports a missing or non-mapping top level */
    rc = root == NULL || root->type != YAML_MAPPING_NODE ? 0 : top_level(&w, root);
    yaml_document_delete(&doc);
out_parser:
    yaml_parser_delete(&parser);
    free(text);
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
