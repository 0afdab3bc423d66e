/* SPDX-License-Identifier: Apache-2.0 */
/* Parses the service configuration from flags, H2OTEL_* variables and the YAML file (libyaml), table-driven. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>

#include "yaml_guard.h"

#define API_CONFIG_MAX_FILE_BYTES (1u << 20) /* a configuration file is a few KB; refuse anything absurd */

#ifndef H2OTEL_OPENAPI_FILE
#define H2OTEL_OPENAPI_FILE "docs/openapi.yaml"
#endif

typedef enum opt_type { OPT_STRING, OPT_UINT, OPT_BOOL, OPT_LEVEL } opt_type_t;

/* One setting. The flag is "--" + key with '.' and '_' as '-', the variable is "H2OTEL_" + key upper-cased
 * with '.' as '_', and the YAML key is the dotted path below `service:`. */
typedef struct opt {
    const char *key;
    opt_type_t type;
    size_t offset;
    size_t size; /* for strings: capacity */
    uint32_t min, max;
    const char *help;
} opt_t;

#define STR(field, help) OPT_STRING, offsetof(api_config_t, field), sizeof(((api_config_t *)0)->field), 0, 0, help
#define UINT(field, lo, hi, help) OPT_UINT, offsetof(api_config_t, field), sizeof(uint32_t), lo, hi, help

static const opt_t opts[] = {
    {"listen", STR(listen, "address to listen on, HOST:PORT")},
    {"threads", UINT(threads, 1, 256, "event-loop threads (default: online CPUs)")},
    {"max_body_bytes", UINT(max_body_bytes, 1, 1u << 30, "largest accepted request body; larger gets 413")},
    {"shutdown_grace_ms", UINT(shutdown_grace_ms, 0, 3600000, "on SIGTERM, how long in-flight requests may finish")},
    {"log_level", OPT_LEVEL, offsetof(api_config_t, log_level), 0, 0, 0, "debug, info, warn or error"},
    {"access_log", OPT_BOOL, offsetof(api_config_t, access_log), 0, 0, 1, "one log line per request (true/false)"},
    {"openapi_file", STR(openapi_file, "OpenAPI YAML served as /openapi.json")},
    {"downstream.url", STR(downstream_url, "URL that /api/v1/dummy/call-downstream GETs (http only)")},
    {"downstream.timeout_ms", UINT(downstream_timeout_ms, 1, 600000, "downstream deadline; expiry gives 504")},
    {"dummy.delay_min_ms", UINT(dummy_delay.min_ms, 0, 600000, "/api/v1/dummy/ shortest delay")},
    {"dummy.delay_max_ms", UINT(dummy_delay.max_ms, 0, 600000, "/api/v1/dummy/ longest delay")},
    {"slow.delay_min_ms", UINT(slow_delay.min_ms, 0, 600000, "/api/v1/dummy/slow shortest delay")},
    {"slow.delay_max_ms", UINT(slow_delay.max_ms, 0, 600000, "/api/v1/dummy/slow longest delay")},
    {"throttle.workers", UINT(throttle_workers, 1, 256, "worker threads running the throttle GA")},
    {"throttle.queue", UINT(throttle_queue, 1, 1u << 20, "queued GA runs before 503")},
    {"test_endpoints", OPT_BOOL, offsetof(api_config_t, test_endpoints), 0, 0, 1,
     "serve POST /test/tracecontext (W3C Trace Context test service)"},
};
#define NUM_OPTS (sizeof(opts) / sizeof(opts[0]))

/* Top-level keys of OpenTelemetry's declarative configuration: parsed by otelc, accepted here. */
static const char *const otel_keys[] = {"file_format",      "disabled",       "log_level",       "resource",
                                        "attribute_limits", "propagator",     "tracer_provider", "meter_provider",
                                        "logger_provider",  "instrumentation"};

void api_config_defaults(api_config_t *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    snprintf(cfg->listen, sizeof(cfg->listen), "0.0.0.0:8080");
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    cfg->threads = ncpu > 0 ? (uint32_t)(ncpu > 256 ? 256 : ncpu) : 1;
    cfg->max_body_bytes = 1024 * 1024;
    cfg->shutdown_grace_ms = 10000;
    cfg->log_level = API_LOG_INFO;
    cfg->access_log = 1;
    snprintf(cfg->openapi_file, sizeof(cfg->openapi_file), "%s", H2OTEL_OPENAPI_FILE);
    snprintf(cfg->downstream_url, sizeof(cfg->downstream_url), "http://127.0.0.1:8080/api/v1/dummy/");
    cfg->downstream_timeout_ms = 5000;
    cfg->dummy_delay = (api_delay_range_t){2000, 5000};
    cfg->slow_delay = (api_delay_range_t){10000, 15000};
    cfg->throttle_workers = cfg->threads;
    cfg->throttle_queue = 64;
}

static void flag_name(const opt_t *o, char *buf, size_t len)
{
    snprintf(buf, len, "--%s", o->key);
    for (char *p = buf + 2; *p; p++)
        if (*p == '.' || *p == '_')
            *p = '-';
}

static void env_name(const opt_t *o, char *buf, size_t len)
{
    snprintf(buf, len, "H2OTEL_%s", o->key);
    for (char *p = buf + 7; *p; p++)
        *p = *p == '.' ? '_' : (char)toupper((unsigned char)*p);
}

static const opt_t *find_opt(const char *key)
{
    for (size_t i = 0; i < NUM_OPTS; i++)
        if (strcmp(opts[i].key, key) == 0)
            return &opts[i];
    return NULL;
}

/* Sets one option from text. Returns NULL, or a short reason. */
static const char *set_opt(api_config_t *cfg, const opt_t *o, const char *value)
{
    char *field = (char *)cfg + o->offset;
    switch (o->type) {
    case OPT_STRING:
        if (strlen(value) >= o->size)
            return "value too long";
        memcpy(field, value, strlen(value) + 1);
        return NULL;
    case OPT_UINT: {
        if (!isdigit((unsigned char)value[0]))
            return "expected an unsigned integer";
        errno = 0;
        char *end;
        unsigned long long v = strtoull(value, &end, 10);
        if (*end != '\0')
            return "expected an unsigned integer";
        if (errno == ERANGE || v < o->min || v > o->max) {
            static _Thread_local char why[96];
            snprintf(why, sizeof(why), "must be between %u and %u", o->min, o->max);
            return why;
        }
        *(uint32_t *)field = (uint32_t)v;
        return NULL;
    }
    case OPT_BOOL:
        if (strcmp(value, "true") == 0)
            *(int *)field = 1;
        else if (strcmp(value, "false") == 0)
            *(int *)field = 0;
        else
            return "expected true or false";
        return NULL;
    case OPT_LEVEL:
        if (api_log_level_parse(value, (api_log_level_t *)field) != 0)
            return "expected debug, info, warn or error";
        return NULL;
    }
    return "unsupported type";
}

int api_config_expand(const char *in, char *out, size_t outlen)
{
    size_t o = 0;
    for (const char *p = in; *p;) {
        const char *val = NULL;
        size_t vlen = 0;
        if (p[0] == '$' && p[1] == '{') {
            const char *close = strchr(p + 2, '}');
            if (close == NULL)
                return -1;
            char name[256];
            const char *dflt = NULL, *name_end = close;
            const char *sep = strstr(p + 2, ":-");
            if (sep != NULL && sep < close) {
                name_end = sep;
                dflt = sep + 2;
            }
            size_t nlen = (size_t)(name_end - (p + 2));
            if (nlen == 0 || nlen >= sizeof(name))
                return -1;
            memcpy(name, p + 2, nlen);
            name[nlen] = '\0';
            val = getenv(name);
            if (val != NULL && *val != '\0') {
                vlen = strlen(val);
            } else if (dflt != NULL) {
                val = dflt;
                vlen = (size_t)(close - dflt);
            } else {
                val = "";
            }
            p = close + 1;
        } else {
            val = p++;
            vlen = 1;
        }
        if (o + vlen >= outlen)
            return -1;
        memcpy(out + o, val, vlen);
        o += vlen;
    }
    if (o >= outlen)
        return -1;
    out[o] = '\0';
    return 0;
}

/* ---- YAML file ---- */

typedef struct file_walk {
    api_config_t *cfg;
    yaml_document_t *doc;
    const char *path;
    char *err;
    size_t errlen;
} file_walk_t;

/* Values quoted in an error come from the file, the environment or argv and may hold line breaks (a folded YAML
 * scalar does): the error stays one printable line. */
static void make_printable(char *err)
{
    for (char *p = err; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
}

static int walk_error(file_walk_t *w, const yaml_node_t *node, const char *key, const char *why)
{
    snprintf(w->err, w->errlen, "h2otel: %s:%zu: key '%s': %s", w->path, (size_t)node->start_mark.line + 1, key, why);
    make_printable(w->err); /* keys come from the file and may hold line breaks or control characters */
    return -1;
}

/* True if any option key starts with prefix + '.'. */
static int is_section(const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < NUM_OPTS; i++)
        if (strncmp(opts[i].key, prefix, n) == 0 && opts[i].key[n] == '.')
            return 1;
    return 0;
}

static int walk_mapping(file_walk_t *w, yaml_node_t *map, const char *prefix)
{
    for (yaml_node_pair_t *pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
        yaml_node_t *k = yaml_document_get_node(w->doc, pair->key);
        yaml_node_t *v = yaml_document_get_node(w->doc, pair->value);
        if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
            return walk_error(w, map, prefix, "keys must be plain names");
        char rel[256], full[300];
        snprintf(rel, sizeof(rel), "%s%s%s", prefix, *prefix ? "." : "", (const char *)k->data.scalar.value);
        snprintf(full, sizeof(full), "service.%s", rel);
        const opt_t *o = find_opt(rel);
        if (strcmp(rel, "routes") == 0)
            continue; /* per-route telemetry switches: parsed and checked by telemetry_config.c */
        if (o != NULL) {
            if (v->type != YAML_SCALAR_NODE)
                return walk_error(w, v, full, "expected a single value");
            char expanded[2048];
            if (api_config_expand((const char *)v->data.scalar.value, expanded, sizeof(expanded)) != 0)
                return walk_error(w, v, full, "bad ${VAR} reference or value too long");
            /* A quoted number is still a number: YAML users quote freely. Null means "keep the default". */
            if (v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                (strcmp(expanded, "~") == 0 || strcmp(expanded, "null") == 0 || expanded[0] == '\0'))
                continue;
            const char *why = set_opt(w->cfg, o, expanded);
            if (why != NULL)
                return walk_error(w, v, full, why);
        } else if (is_section(rel)) {
            if (v->type != YAML_MAPPING_NODE)
                return walk_error(w, v, full, "expected a mapping");
            if (walk_mapping(w, v, rel) != 0)
                return -1;
        } else {
            return walk_error(w, k, full, "unknown key");
        }
    }
    return 0;
}

int api_config_apply_file(api_config_t *cfg, const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = api_read_file(path, API_CONFIG_MAX_FILE_BYTES, &len);
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
    file_walk_t w = {cfg, &doc, path, err, errlen};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root == NULL) { /* empty file: nothing to apply */
        rc = 0;
        goto out_doc;
    }
    if (root->type != YAML_MAPPING_NODE) {
        walk_error(&w, root, "(top level)", "expected a mapping");
        goto out_doc;
    }
    rc = 0;
    for (yaml_node_pair_t *pair = root->data.mapping.pairs.start; rc == 0 && pair < root->data.mapping.pairs.top;
         pair++) {
        yaml_node_t *k = yaml_document_get_node(&doc, pair->key);
        yaml_node_t *v = yaml_document_get_node(&doc, pair->value);
        const char *name = k != NULL && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        if (strcmp(name, "service") == 0) {
            if (v->type == YAML_SCALAR_NODE && v->data.scalar.length == 0)
                continue; /* "service:" with nothing below */
            if (v->type != YAML_MAPPING_NODE)
                rc = walk_error(&w, v, "service", "expected a mapping");
            else
                rc = walk_mapping(&w, v, "");
            continue;
        }
        int known = 0;
        for (size_t i = 0; i < sizeof(otel_keys) / sizeof(otel_keys[0]); i++)
            known |= strcmp(name, otel_keys[i]) == 0;
        if (!known)
            rc = walk_error(&w, k, name, "unknown key");
    }
out_doc:
    yaml_document_delete(&doc);
out_parser:
    yaml_parser_delete(&parser);
    free(text);
    return rc;
}

/* ---- environment and flags ---- */

int api_config_apply_env(api_config_t *cfg, char *err, size_t errlen)
{
    for (size_t i = 0; i < NUM_OPTS; i++) {
        char name[128];
        env_name(&opts[i], name, sizeof(name));
        const char *v = getenv(name);
        if (v == NULL || *v == '\0')
            continue;
        const char *why = set_opt(cfg, &opts[i], v);
        if (why != NULL) {
            snprintf(err, errlen, "h2otel: environment %s: %s", name, why);
            return -1;
        }
    }
    return 0;
}

static int parse_listen(api_config_t *cfg, char *err, size_t errlen)
{
    const char *s = cfg->listen, *colon;
    size_t hlen;
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');
        if (rb == NULL || rb[1] != ':')
            goto bad;
        hlen = (size_t)(rb - s - 1);
        s++;
        colon = rb + 1;
    } else {
        colon = strrchr(s, ':');
        if (colon == NULL)
            goto bad;
        hlen = (size_t)(colon - s);
    }
    if (hlen == 0 || hlen >= sizeof(cfg->listen_host))
        goto bad;
    char *end;
    errno = 0;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || errno != 0 || port > 65535)
        goto bad;
    memcpy(cfg->listen_host, s, hlen);
    cfg->listen_host[hlen] = '\0';
    cfg->listen_port = (uint16_t)port;
    return 0;
bad:
    snprintf(err, errlen, "h2otel: key 'service.listen': expected HOST:PORT, got '%s'", cfg->listen);
    return -1;
}

static int validate(api_config_t *cfg, char *err, size_t errlen)
{
    if (parse_listen(cfg, err, errlen) != 0)
        return -1;
    if (cfg->dummy_delay.min_ms > cfg->dummy_delay.max_ms) {
        snprintf(err, errlen, "h2otel: key 'service.dummy.delay_min_ms': %u exceeds delay_max_ms %u",
                 cfg->dummy_delay.min_ms, cfg->dummy_delay.max_ms);
        return -1;
    }
    if (cfg->slow_delay.min_ms > cfg->slow_delay.max_ms) {
        snprintf(err, errlen, "h2otel: key 'service.slow.delay_min_ms': %u exceeds delay_max_ms %u",
                 cfg->slow_delay.min_ms, cfg->slow_delay.max_ms);
        return -1;
    }
    if (strncmp(cfg->downstream_url, "http://", 7) != 0) {
        snprintf(err, errlen, "h2otel: key 'service.downstream.url': only http:// URLs are supported, got '%s'",
                 cfg->downstream_url);
        return -1;
    }
    return 0;
}

int api_config_validate(api_config_t *cfg, char *err, size_t errlen)
{
    int rc = validate(cfg, err, errlen);
    if (rc != 0)
        make_printable(err);
    return rc;
}

static void print_help(FILE *out)
{
    fprintf(out, "Usage: h2otel [--config FILE] [OPTIONS]\n\n"
                 "The h2otel HTTP service. Precedence: flags > H2OTEL_* environment > YAML file > defaults.\n\n"
                 "  --config FILE                   YAML file (OpenTelemetry declarative config + `service:` "
                 "section); env H2OTEL_CONFIG\n");
    api_config_t d;
    api_config_defaults(&d);
    for (size_t i = 0; i < NUM_OPTS; i++) {
        char flag[96], env[96], dflt[64];
        flag_name(&opts[i], flag, sizeof(flag));
        env_name(&opts[i], env, sizeof(env));
        const char *field = (const char *)&d + opts[i].offset;
        switch (opts[i].type) {
        case OPT_STRING:
            snprintf(dflt, sizeof(dflt), "%.60s", field);
            break;
        case OPT_UINT:
            snprintf(dflt, sizeof(dflt), "%u", *(const uint32_t *)field);
            break;
        case OPT_BOOL:
            snprintf(dflt, sizeof(dflt), "%s", *(const int *)field ? "true" : "false");
            break;
        case OPT_LEVEL:
            snprintf(dflt, sizeof(dflt), "%s", api_log_level_name(*(const api_log_level_t *)field));
            break;
        }
        fprintf(out, "  %-31s %s\n  %-31s   env %s, YAML service.%s, default %s\n", flag, opts[i].help, "", env,
                opts[i].key, dflt);
    }
    fprintf(out, "  --help                          this text\n  --version                       print the "
                 "version\n");
}

/* Index of the option named by flag text a[0..nlen), or -1. */
static int find_flag(const char *a, size_t nlen)
{
    for (size_t j = 0; j < NUM_OPTS; j++) {
        char flag[96];
        flag_name(&opts[j], flag, sizeof(flag));
        if (strlen(flag) == nlen && strncmp(a, flag, nlen) == 0)
            return (int)j;
    }
    return -1;
}

/* A bare boolean flag ("--access-log" followed by nothing or another flag) means true. */
static int is_bare_bool(const opt_t *o, int i, int argc, char **argv)
{
    return o->type == OPT_BOOL && (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0);
}

static api_config_result_t load(api_config_t *cfg, int argc, char **argv, FILE *out, char *err, size_t errlen)
{
    api_config_defaults(cfg);
    /* First pass: --help, --version, --config, and unknown flags, before anything is read. */
    const char *file = getenv("H2OTEL_CONFIG");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *eq = strchr(a, '=');
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help(out);
            return API_CONFIG_EXIT;
        }
        if (strcmp(a, "--version") == 0) {
            fprintf(out, "h2otel %s\n", H2OTEL_VERSION);
            return API_CONFIG_EXIT;
        }
        int is_config = nlen == 8 && strncmp(a, "--config", 8) == 0;
        int j = is_config ? -1 : find_flag(a, nlen);
        if (!is_config && j < 0) {
            snprintf(err, errlen, "h2otel: unknown option '%.*s' (see --help)", (int)nlen, a);
            return API_CONFIG_ERROR;
        }
        if (eq != NULL || (j >= 0 && is_bare_bool(&opts[j], i, argc, argv))) {
            if (is_config)
                file = eq + 1;
            continue;
        }
        if (i + 1 >= argc) {
            snprintf(err, errlen, "h2otel: %.*s: missing value", (int)nlen, a);
            return API_CONFIG_ERROR;
        }
        if (is_config)
            file = argv[i + 1];
        i++;
    }
    if (file != NULL && *file != '\0') {
        snprintf(cfg->config_file, sizeof(cfg->config_file), "%s", file);
        if (api_config_apply_file(cfg, file, err, errlen) != 0)
            return API_CONFIG_ERROR;
    }
    if (api_config_apply_env(cfg, err, errlen) != 0)
        return API_CONFIG_ERROR;
    /* Second pass: flags, which win. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *eq = strchr(a, '=');
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        int j = find_flag(a, nlen);
        if (j < 0) { /* --config */
            i += eq ? 0 : 1;
            continue;
        }
        const char *value = eq ? eq + 1 : is_bare_bool(&opts[j], i, argc, argv) ? "true" : argv[++i];
        const char *why = set_opt(cfg, &opts[j], value);
        if (why != NULL) {
            snprintf(err, errlen, "h2otel: --%.*s: %s", (int)nlen - 2, a + 2, why);
            return API_CONFIG_ERROR;
        }
    }
    if (api_config_validate(cfg, err, errlen) != 0)
        return API_CONFIG_ERROR;
    return API_CONFIG_RUN;
}

api_config_result_t api_config_load(api_config_t *cfg, int argc, char **argv, FILE *out, char *err, size_t errlen)
{
    api_config_result_t r = load(cfg, argc, argv, out, err, errlen);
    if (r == API_CONFIG_ERROR)
        make_printable(err);
    return r;
}
