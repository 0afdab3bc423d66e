/* SPDX-License-Identifier: Apache-2.0 */
/* Telemetry set-up and shutdown: resource, providers, exporters, propagators and the service's instruments. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "routes.h"
#include "telemetry_internal.h"

api_tel_t api_tel;

bool api_telemetry_enabled(void)
{
    return api_tel.enabled;
}

static void diag_to_log(otel_diag_level_t level, const char *message, void *user)
{
    (void)user;
    api_log_level_t l = level >= OTEL_DIAG_ERROR  ? API_LOG_ERROR
                        : level == OTEL_DIAG_WARN ? API_LOG_WARN
                        : level == OTEL_DIAG_INFO ? API_LOG_INFO
                                                  : API_LOG_DEBUG;
    api_log(l, "otelc", json_pack("{s:s}", "detail", message));
}

/* The resource: SDK defaults (+ OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME), overlaid by the file's attributes,
 * overlaid again by the attributes the environment names (set variables win over the file). */
static otel_resource_t *build_resource(const api_tel_settings_t *s)
{
    otel_resource_t *base = otel_resource_create_default(H2OTEL_VERSION);
    if (base == NULL)
        return NULL;
    otel_attribute_t attrs[API_TEL_MAX_RESOURCE_ATTRS];
    for (size_t i = 0; i < s->resource_count; i++)
        attrs[i] =
            (otel_attribute_t){otel_str_from_cstr(s->resource_key[i]),
                               {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(s->resource_value[i])}};
    otel_resource_t *file = otel_resource_create(attrs, s->resource_count, NULL);
    otel_resource_t *merged = otel_resource_merge(base, file);
    /* Keys the environment sets explicitly. */
    otel_attribute_t env_attrs[API_TEL_MAX_RESOURCE_ATTRS + 1];
    size_t n = 0;
    const char *ra = getenv("OTEL_RESOURCE_ATTRIBUTES");
    char keys[2048];
    snprintf(keys, sizeof(keys), "%s", ra != NULL ? ra : "");
    char *save = NULL;
    for (char *p = strtok_r(keys, ",", &save); p != NULL && n < API_TEL_MAX_RESOURCE_ATTRS;
         p = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(p, '=');
        if (eq == NULL)
            continue;
        *eq = '\0';
        while (*p == ' ')
            p++;
        const otel_attribute_t *a = otel_resource_find(base, otel_str_from_cstr(p));
        if (a != NULL)
            env_attrs[n++] = *a;
    }
    const char *sn = getenv("OTEL_SERVICE_NAME");
    if (sn != NULL && *sn != '\0') {
        const otel_attribute_t *a = otel_resource_find(base, OTEL_STR("service.name"));
        if (a != NULL)
            env_attrs[n++] = *a;
    }
    otel_resource_t *from_env = otel_resource_create(env_attrs, n, NULL);
    otel_resource_t *result = merged != NULL ? otel_resource_merge(merged, from_env) : NULL;
    otel_resource_destroy(from_env);
    otel_resource_destroy(merged);
    otel_resource_destroy(file);
    otel_resource_destroy(base);
    return result;
}

/* Opens (appends to) an otlp_file exporter's path; each signal needs its own file. */
static FILE *open_file(const char *path, int signal, char *err, size_t errlen)
{
    for (int i = 0; i < 3; i++) {
        const api_tel_exporter_t *e = i == 0   ? &api_tel.settings.traces
                                      : i == 1 ? &api_tel.settings.metrics
                                               : &api_tel.settings.logs;
        if (i != signal && api_tel.files[i] != NULL && e->kind == API_TEL_EXPORTER_FILE && strcmp(e->path, path) == 0) {
            /* Two export threads appending to one stream could interleave partial lines. */
            snprintf(err, errlen,
                     "h2otel: otlp_file exporter: %s is already used by another signal (use one file each)", path);
            return NULL;
        }
    }
    FILE *f = fopen(path, "a");
    if (f == NULL) {
        snprintf(err, errlen, "h2otel: otlp_file exporter: cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 16);
    api_tel.files[signal] = f;
    return f;
}

static int init_traces(api_tel_settings_t *s, char *err, size_t errlen)
{
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    o.resource = api_tel.resource;
    o.limits = s->span_limits;
    char why[512];
    otel_sampler_t *configured;
    if (otel_sampler_create_from_config(s->sampler, s->sampler_arg[0] ? s->sampler_arg : NULL, &configured, why,
                                        sizeof(why)) != OTEL_OK) {
        snprintf(err, errlen, "h2otel: sampler: %s", why);
        return -1;
    }
    o.sampler = configured;
    for (size_t i = 0; i < s->route_count; i++) {
        if (s->routes[i].sample_ratio < 1.0) { /* some route samples less: wrap (costs one call otherwise) */
            o.sampler = api_tel__route_sampler(configured);
            api_tel.inner_sampler = configured;
            break;
        }
    }
    otel_span_exporter_t exp;
    otel_status_t st = OTEL_OK;
    switch (s->traces.kind) {
    case API_TEL_EXPORTER_NONE:
        break;
    case API_TEL_EXPORTER_OTLP:
        st = otel_otlp_span_exporter_create(&s->traces.otlp, &exp, why, sizeof(why));
        break;
    case API_TEL_EXPORTER_CONSOLE:
        st = otel_console_span_exporter_create(stdout, &exp);
        break;
    case API_TEL_EXPORTER_FILE: {
        FILE *f = open_file(s->traces.path, 0, err, errlen);
        if (f == NULL) {
            otel_sampler_destroy(configured);
            return -1;
        }
        st = otel_console_span_exporter_create(f, &exp);
        break;
    }
    }
    if (st == OTEL_OK && s->traces.kind != API_TEL_EXPORTER_NONE) {
        st = s->traces_simple ? otel_simple_span_processor_create(exp, &o.processors[0])
                              : otel_batch_span_processor_create(&s->bsp, exp, &o.processors[0]);
        o.processor_count = st == OTEL_OK ? 1 : 0;
    }
    if (st != OTEL_OK) {
        otel_sampler_destroy(configured);
        snprintf(err, errlen, "h2otel: traces exporter: %s",
                 s->traces.kind == API_TEL_EXPORTER_OTLP ? why : otel_strerror(st));
        return -1;
    }
    if (otel_tracer_provider_create(&o, &api_tel.tracer_provider) != OTEL_OK) {
        snprintf(err, errlen, "h2otel: cannot create the tracer provider");
        return -1;
    }
    otel_tracer_provider_set_global(api_tel.tracer_provider);
    otel_scope_t scope = {.name = OTEL_STR("h2otel"), .version = OTEL_STR(H2OTEL_VERSION)};
    api_tel.tracer = otel_tracer_provider_get_tracer(api_tel.tracer_provider, &scope);
    return api_tel.tracer != NULL ? 0 : -1;
}

static int init_metrics(api_tel_settings_t *s, char *err, size_t errlen)
{
    otel_meter_provider_options_t mo;
    otel_meter_provider_options_init(&mo);
    mo.resource = api_tel.resource;
    mo.exemplar_filter = s->exemplar_filter;
    if (otel_meter_provider_create(&mo, &api_tel.meter_provider) != OTEL_OK) {
        snprintf(err, errlen, "h2otel: cannot create the meter provider");
        return -1;
    }
    otel_meter_provider_get_meter(api_tel.meter_provider, "h2otel", H2OTEL_VERSION, NULL, &api_tel.meter);
    otel_metric_exporter_t exp;
    otel_status_t st = OTEL_OK;
    char why[512] = "";
    switch (s->metrics.kind) {
    case API_TEL_EXPORTER_NONE:
        return 0;
    case API_TEL_EXPORTER_OTLP:
        st = otel_otlp_metric_exporter_create(&s->metrics.otlp, &exp, why, sizeof(why));
        break;
    case API_TEL_EXPORTER_CONSOLE:
        st = otel_console_metric_exporter_create(stdout, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE, &exp);
        break;
    case API_TEL_EXPORTER_FILE: {
        FILE *f = open_file(s->metrics.path, 1, err, errlen);
        if (f == NULL)
            return -1;
        st = otel_console_metric_exporter_create(f, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE, &exp);
        break;
    }
    }
    if (st != OTEL_OK) {
        snprintf(err, errlen, "h2otel: metrics exporter: %s", why[0] ? why : otel_strerror(st));
        return -1;
    }
    if (s->metrics.temporality >= 0)
        exp.temporality_preference = (otel_temporality_preference_t)s->metrics.temporality;
    /* OTELC_EXPORT_THREAD_NICE was read (and checked) with the OTEL_BSP_* variables; the reader's thread takes it
     * too, as otel_metrics_env_read would give it. */
    s->reader.thread_nice = s->bsp.thread_nice;
    if (otel_periodic_reader_create(api_tel.meter_provider, &exp, &s->reader, &api_tel.reader) != OTEL_OK) {
        snprintf(err, errlen, "h2otel: cannot start the metric reader");
        return -1;
    }
    return 0;
}

static int init_logs(api_tel_settings_t *s, char *err, size_t errlen)
{
    otel_log_record_exporter_t exp;
    otel_log_record_processor_t *proc = NULL;
    otel_status_t st = OTEL_OK;
    char why[512] = "";
    switch (s->logs.kind) {
    case API_TEL_EXPORTER_NONE:
        break;
    case API_TEL_EXPORTER_OTLP:
        st = otel_otlp_log_record_exporter_create(&s->logs.otlp, &exp, why, sizeof(why));
        break;
    case API_TEL_EXPORTER_CONSOLE:
        st = otel_console_log_record_exporter_create(stdout, &exp);
        break;
    case API_TEL_EXPORTER_FILE: {
        FILE *f = open_file(s->logs.path, 2, err, errlen);
        if (f == NULL)
            return -1;
        st = otel_console_log_record_exporter_create(f, &exp);
        break;
    }
    }
    if (st == OTEL_OK && s->logs.kind != API_TEL_EXPORTER_NONE)
        st = s->logs_simple ? otel_simple_log_record_processor_create(exp, &proc)
                            : otel_batch_log_record_processor_create(&s->blrp, exp, &proc);
    if (st != OTEL_OK) {
        snprintf(err, errlen, "h2otel: logs exporter: %s", why[0] ? why : otel_strerror(st));
        return -1;
    }
    if (otel_logger_provider_create(api_tel.resource, &s->log_limits, proc, &api_tel.logger_provider) != OTEL_OK) {
        snprintf(err, errlen, "h2otel: cannot create the logger provider");
        return -1;
    }
    otel_scope_t scope = {.name = OTEL_STR("h2otel"), .version = OTEL_STR(H2OTEL_VERSION)};
    api_tel.logger = otel_logger_provider_get_logger(api_tel.logger_provider, &scope);
    return 0;
}

static void create_instrument(otel_instrument_t **out, const char *name, const char *unit, const char *desc,
                              otel_instrument_kind_t kind, otel_number_type_t type, const double *bounds, size_t nb)
{
    otel_instrument_options_t o = {.name = name,
                                   .unit = unit,
                                   .description = desc,
                                   .kind = kind,
                                   .value_type = type,
                                   .bucket_bounds = bounds,
                                   .bucket_bound_count = nb};
    if (otel_meter_create_instrument(api_tel.meter, &o, out) != OTEL_OK)
        *out = NULL; /* recording through NULL is a no-op; the SDK logged why */
}

static void init_instruments(void)
{
    static const double size_bounds[] = {0, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576};
    static const double generation_bounds[] = {1, 5, 10, 25, 50, 100, 250, 500, 1000};
    create_instrument(&api_tel.duration, "http.server.request.duration", "s", "Duration of HTTP server requests.",
                      OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_DOUBLE, otel_http_duration_bounds, 14);
    create_instrument(&api_tel.active, "http.server.active_requests", "{request}",
                      "Number of active HTTP server requests.", OTEL_INSTRUMENT_UP_DOWN_COUNTER, OTEL_NUMBER_INT64,
                      NULL, 0);
    create_instrument(&api_tel.req_size, "http.server.request.body.size", "By", "Size of HTTP server request bodies.",
                      OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_INT64, size_bounds, 9);
    create_instrument(&api_tel.resp_size, "http.server.response.body.size", "By",
                      "Size of HTTP server response bodies.", OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_INT64, size_bounds,
                      9);
    create_instrument(&api_tel.client_duration, "http.client.request.duration", "s",
                      "Duration of HTTP client requests.", OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_DOUBLE,
                      otel_http_duration_bounds, 14);
    create_instrument(&api_tel.requests, "h2otel.requests", "{request}", "Requests received (the seed's counter).",
                      OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64, NULL, 0);
    create_instrument(&api_tel.failed, "h2otel.requests.failed", "{request}",
                      "Requests answered with 4xx or 5xx (attribute type).", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64,
                      NULL, 0);
    create_instrument(&api_tel.throttle_runs, "h2otel.throttle.runs", "{run}", "Throttle GA runs by outcome.",
                      OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64, NULL, 0);
    create_instrument(&api_tel.throttle_generations, "h2otel.throttle.generations", "{generation}",
                      "Generations each throttle GA run took.", OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_INT64,
                      generation_bounds, 9);
    for (int m = 0; m < API_TEL_METHODS; m++) {
        otel_attribute_t a[] = {OTEL_ATTR_STR("url.scheme", "http"),
                                {OTEL_STR("http.request.method"),
                                 {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(api_tel_method_names[m])}}};
        api_tel.active_by_method[m] = otel_instrument_bind(api_tel.active, a, 2);
    }
}

int api_telemetry_init(const api_config_t *cfg, char *err, size_t errlen)
{
    api_tel_settings_t *s = &api_tel.settings;
    api_tel_settings_defaults(s);
    if (cfg->config_file[0] != '\0' && api_tel_settings_apply_file(s, cfg->config_file, err, errlen) != 0)
        return -1;
    if (api_tel_settings_apply_env(s, err, errlen) != 0)
        return -1;
    api_tel__routes_init(); /* switches are read even when disabled: the middleware consults them */
    if (s->disabled)
        return 0;
    char why[512];
    otel_set_diag_handler(diag_to_log, NULL);
    if (otel_propagator_create_from_config(s->propagators, &api_tel.propagator, why, sizeof(why)) != OTEL_OK) {
        snprintf(err, errlen, "h2otel: %s", why);
        return -1;
    }
    api_tel.resource = build_resource(s);
    if (api_tel.resource == NULL) {
        snprintf(err, errlen, "h2otel: out of memory building the resource");
        return -1;
    }
    if (init_traces(s, err, errlen) != 0 || init_metrics(s, err, errlen) != 0 || init_logs(s, err, errlen) != 0)
        return -1;
    init_instruments();
    api_tel.enabled = true;
    api_tel__routes_init(); /* again, now binding the series */
    if (api_tel__self_metrics_init() != 0)
        api_log(API_LOG_WARN, "telemetry: some SDK self-metrics could not be registered", NULL);
    return 0;
}

bool api_telemetry_shutdown(uint32_t timeout_ms)
{
    if (!api_tel.enabled)
        return true;
    api_tel.enabled = false;
    uint64_t deadline = otel_time_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;
#define LEFT_MS()                                                                                                      \
    ({                                                                                                                 \
        uint64_t now_ = otel_time_monotonic_ns();                                                                      \
        (uint32_t)(now_ < deadline ? (deadline - now_) / 1000000u + 1 : 1);                                            \
    })
    /* Spans first: the metric reader's final collection then also sees the export counters. */
    otel_status_t traces = otel_tracer_provider_shutdown(api_tel.tracer_provider, LEFT_MS() / 2);
    otel_status_t logs = otel_logger_provider_shutdown(api_tel.logger_provider, LEFT_MS() / 2);
    otel_status_t metrics = api_tel.reader != NULL ? otel_periodic_reader_shutdown(api_tel.reader, LEFT_MS()) : OTEL_OK;
#undef LEFT_MS
    /* An export still running after the budget (e.g. no Collector: gRPC waits for its deadline) keeps its provider:
     * destroying it would join the export thread and make the exit wait for the export timeout. */
    bool clean = traces != OTEL_ERR_TIMEOUT && logs != OTEL_ERR_TIMEOUT && metrics != OTEL_ERR_TIMEOUT;
    if (!clean) {
        api_log(API_LOG_WARN, "telemetry: export still running at the end of the shutdown budget; not waiting for it",
                json_pack("{s:b, s:b, s:b, s:i}", "traces", traces == OTEL_ERR_TIMEOUT, "logs",
                          logs == OTEL_ERR_TIMEOUT, "metrics", metrics == OTEL_ERR_TIMEOUT, "budget_ms", timeout_ms));
        return false;
    }
    otel_periodic_reader_destroy(api_tel.reader);
    otel_tracer_provider_set_global(NULL);
    otel_tracer_provider_destroy(api_tel.tracer_provider);
    otel_sampler_destroy(api_tel.inner_sampler);
    api_tel.inner_sampler = NULL;
    otel_logger_provider_destroy(api_tel.logger_provider);
    otel_meter_provider_destroy(api_tel.meter_provider);
    otel_propagator_destroy(api_tel.propagator);
    otel_resource_destroy(api_tel.resource);
    for (int i = 0; i < 3; i++) {
        if (api_tel.files[i] == NULL)
            continue;
        fclose(api_tel.files[i]);
        api_tel.files[i] = NULL;
    }
    otel_set_diag_handler(NULL, NULL);
    api_tel.reader = NULL, api_tel.tracer_provider = NULL, api_tel.logger_provider = NULL;
    api_tel.meter_provider = NULL, api_tel.propagator = NULL, api_tel.resource = NULL;
    api_tel.tracer = NULL, api_tel.logger = NULL, api_tel.meter = NULL;
    return true;
}
