/* SPDX-License-Identifier: Apache-2.0 */
/* Periodic reader (interval, force_flush, shutdown with a final collection), console exporter, env config. */
#include <stdio.h>
#include <time.h>
#include "metrics_test_util.h"

typedef struct {
    pthread_mutex_t lock;
    int exports, flushes, shutdowns, destroys;
    long long last_total;
    otel_temporality_t last_temporality;
} fake_t;

static otel_status_t fake_export(void *user, const otel_metrics_data_t *data, uint64_t timeout_ms)
{
    fake_t *f = user;
    cr_expect_gt(timeout_ms, 0);
    pthread_mutex_lock(&f->lock);
    f->exports++;
    for (size_t s = 0; s < data->scope_count; s++)
        for (size_t m = 0; m < data->scopes[s].metric_count; m++) {
            const otel_metric_data_t *md = &data->scopes[s].metrics[m];
            f->last_temporality = md->temporality;
            for (size_t p = 0; p < md->point_count; p++)
                f->last_total = md->points[p].value.as_int;
        }
    pthread_mutex_unlock(&f->lock);
    return OTEL_OK;
}

static otel_status_t fake_flush(void *user, uint64_t timeout_ms)
{
    (void)timeout_ms;
    fake_t *f = user;
    pthread_mutex_lock(&f->lock);
    f->flushes++;
    pthread_mutex_unlock(&f->lock);
    return OTEL_OK;
}

static otel_status_t fake_shutdown(void *user, uint64_t timeout_ms)
{
    (void)timeout_ms;
    ((fake_t *)user)->shutdowns++;
    return OTEL_OK;
}

static void fake_destroy(void *user)
{
    ((fake_t *)user)->destroys++;
}

static otel_metric_exporter_t fake_exporter(fake_t *f, otel_temporality_preference_t pref)
{
    pthread_mutex_init(&f->lock, NULL);
    return (otel_metric_exporter_t){.user = f,
                                    .export_metrics = fake_export,
                                    .force_flush = fake_flush,
                                    .shutdown = fake_shutdown,
                                    .destroy = fake_destroy,
                                    .temporality_preference = pref};
}

static int exports_of(fake_t *f)
{
    pthread_mutex_lock(&f->lock);
    int n = f->exports;
    pthread_mutex_unlock(&f->lock);
    return n;
}

Test(metrics_reader, periodic_export_flush_and_final_collection)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_instrument_t *c = make_instrument(meter, "c", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);
    fake_t f = {0};
    otel_metric_exporter_t e = fake_exporter(&f, OTEL_TEMPORALITY_PREFERENCE_DELTA);
    otel_periodic_reader_options_t ro = {.interval_ms = 50, .timeout_ms = 1000};
    otel_periodic_reader_t *r = NULL;
    cr_assert_eq(otel_periodic_reader_create(p, &e, &ro, &r), OTEL_OK);
    otel_instrument_record_int64(c, 5, NULL, 0);
    /* the interval fires by itself */
    uint64_t start = otel_time_monotonic_ns();
    while (exports_of(&f) == 0 && otel_time_monotonic_ns() - start < 5000000000ull) {
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    cr_expect_eq(exports_of(&f), 1);
    cr_expect_eq(f.last_total, 5);
    cr_expect_eq(f.last_temporality, OTEL_TEMPORALITY_DELTA);
    /* force_flush collects now */
    otel_instrument_record_int64(c, 7, NULL, 0);
    cr_expect_eq(otel_periodic_reader_force_flush(r, 1000), OTEL_OK);
    cr_expect_geq(exports_of(&f), 2);
    cr_expect_eq(f.last_total, 7);
    cr_expect_eq(f.flushes, 1);
    /* shutdown: one final collection, then the exporter's shutdown */
    otel_instrument_record_int64(c, 11, NULL, 0);
    cr_expect_eq(otel_periodic_reader_shutdown(r, 1000), OTEL_OK);
    cr_expect_eq(f.last_total, 11);
    cr_expect_eq(f.shutdowns, 1);
    cr_expect_eq(otel_periodic_reader_shutdown(r, 1000), OTEL_ERR_SHUTDOWN);
    cr_expect_eq(otel_periodic_reader_force_flush(r, 1000), OTEL_ERR_SHUTDOWN);
    uint64_t exports, failures;
    otel_periodic_reader_stats(r, &exports, &failures);
    cr_expect_geq(exports, 3);
    cr_expect_eq(failures, 0);
    otel_periodic_reader_destroy(r);
    cr_expect_eq(f.destroys, 1);
    otel_meter_provider_destroy(p);
}

Test(metrics_reader, destroy_without_shutdown_and_bad_arguments)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_instrument_t *c = make_instrument(meter, "c", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);
    fake_t f = {0};
    otel_metric_exporter_t e = fake_exporter(&f, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    otel_periodic_reader_t *r = NULL;
    cr_assert_eq(otel_periodic_reader_create(p, &e, NULL, &r), OTEL_OK); /* 60 s interval */
    otel_instrument_record_int64(c, 3, NULL, 0);
    otel_periodic_reader_destroy(r); /* shuts down: final export */
    cr_expect_eq(f.exports, 1);
    cr_expect_eq(f.last_total, 3);
    cr_expect_eq(f.destroys, 1);
    otel_periodic_reader_options_t bad = {.interval_ms = 0, .timeout_ms = 5};
    cr_expect_eq(otel_periodic_reader_create(p, &e, &bad, &r), OTEL_ERR_INVALID_ARGUMENT);
    cr_expect_null(r);
    cr_expect_eq(f.destroys, 2, "the exporter is destroyed on error too");
    otel_meter_provider_destroy(p);
}

Test(metrics_reader, console_exporter_writes_otlp_json_lines)
{
    otel_attribute_t ra = OTEL_ATTR_STR("service.name", "metrics-test");
    otel_resource_t *res = otel_resource_create(&ra, 1, NULL);
    otel_meter_provider_options_t po;
    otel_meter_provider_options_init(&po);
    po.resource = res;
    otel_meter_provider_t *p = NULL;
    cr_assert_eq(otel_meter_provider_create(&po, &p), OTEL_OK);
    otel_resource_destroy(res); /* the provider holds its own reference */
    otel_meter_t *meter = NULL;
    cr_assert_eq(otel_meter_provider_get_meter(p, "test", "1.0", NULL, &meter), OTEL_OK);
    otel_instrument_t *c = make_instrument(meter, "http.requests", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);
    otel_attribute_t a = OTEL_ATTR_STR("http.route", "/x");
    otel_instrument_record_int64(c, 9007199254740993LL, &a, 1); /* beyond double precision: must stay exact */
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    otel_metric_exporter_t e;
    cr_assert_eq(otel_console_metric_exporter_create(mem, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE, &e), OTEL_OK);
    otel_periodic_reader_t *r = NULL;
    cr_assert_eq(otel_periodic_reader_create(p, &e, NULL, &r), OTEL_OK);
    cr_expect_eq(otel_periodic_reader_force_flush(r, 2000), OTEL_OK);
    otel_periodic_reader_destroy(r);
    fclose(mem);
    /* two lines: the flush and the final collection */
    char *nl = strchr(buf, '\n');
    cr_assert_not_null(nl);
    *nl = '\0';
    cr_expect_not_null(strchr(nl + 1, '\n'));
    json_error_t err;
    json_t *j = json_loads(buf, 0, &err);
    cr_assert_not_null(j, "line 1 is JSON: %s", err.text);
    json_t *m = find_metric(j, "http.requests");
    cr_assert_not_null(m);
    cr_expect_str_eq(json_string_value(json_object_get(m, "unit")), "1");
    cr_expect_str_eq(json_string_value(json_object_get(find_point(m, "http.route", "/x"), "asInt")),
                     "9007199254740993");
    json_t *scope = json_object_get(
        json_array_get(json_object_get(json_array_get(json_object_get(j, "resourceMetrics"), 0), "scopeMetrics"), 0),
        "scope");
    cr_expect_str_eq(json_string_value(json_object_get(scope, "name")), "test");
    cr_expect_str_eq(json_string_value(json_object_get(scope, "version")), "1.0");
    json_t *rattr = json_array_get(
        json_object_get(json_object_get(json_array_get(json_object_get(j, "resourceMetrics"), 0), "resource"),
                        "attributes"),
        0);
    cr_expect_str_eq(json_string_value(json_object_get(rattr, "key")), "service.name");
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(rattr, "value"), "stringValue")),
                     "metrics-test");
    json_decref(j);
    free(buf);
    otel_meter_provider_destroy(p);
}

static int factory_calls;
static otel_status_t fake_otlp_factory(otel_metric_exporter_t *out)
{
    static fake_t f;
    factory_calls++;
    *out = fake_exporter(&f, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    return OTEL_OK;
}

Test(metrics_reader, env_config_and_exporter_registry)
{
    char err[256];
    otel_metrics_env_t e;
    unsetenv("OTEL_METRICS_EXPORTER");
    setenv("OTEL_METRIC_EXPORT_INTERVAL", "1500", 1);
    setenv("OTEL_METRIC_EXPORT_TIMEOUT", "", 1); /* empty = unset */
    setenv("OTEL_METRICS_EXEMPLAR_FILTER", "always_off", 1);
    setenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "LowMemory", 1);
    cr_assert_eq(otel_metrics_env_read(&e, err, sizeof(err)), OTEL_OK);
    cr_expect_str_eq(e.exporter, "otlp");
    cr_expect_eq(e.reader.interval_ms, 1500);
    cr_expect_eq(e.reader.timeout_ms, 30000);
    cr_expect_eq(e.exemplar_filter, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF);
    cr_expect_eq(e.temporality, OTEL_TEMPORALITY_PREFERENCE_LOWMEMORY);

    setenv("OTEL_METRIC_EXPORT_INTERVAL", "10s", 1);
    cr_expect_eq(otel_metrics_env_read(&e, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect_not_null(strstr(err, "OTEL_METRIC_EXPORT_INTERVAL"), "%s", err);
    unsetenv("OTEL_METRIC_EXPORT_INTERVAL");
    setenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "sometimes", 1);
    cr_expect_eq(otel_metrics_env_read(&e, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect_not_null(strstr(err, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"), "%s", err);
    unsetenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE");

    /* otlp before anything registered it: a clear error */
    otel_meter_provider_t *p = NULL;
    otel_periodic_reader_t *r = NULL;
    cr_expect_eq(otel_metrics_setup_from_env(NULL, &p, &r, err, sizeof(err)), OTEL_ERR_UNSUPPORTED);
    cr_expect_not_null(strstr(err, "OTEL_METRICS_EXPORTER=otlp"), "%s", err);
    cr_expect_null(p);
    setenv("OTEL_METRICS_EXPORTER", "prometheus", 1);
    cr_expect_eq(otel_metrics_setup_from_env(NULL, &p, &r, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect_not_null(strstr(err, "OTEL_METRICS_EXPORTER=prometheus"), "%s", err);
    setenv("OTEL_METRICS_EXPORTER", "none", 1);
    cr_expect_eq(otel_metrics_setup_from_env(NULL, &p, &r, err, sizeof(err)), OTEL_OK);
    cr_expect_not_null(p);
    cr_expect_null(r);
    otel_meter_provider_destroy(p);
    /* the registration hook the OTLP module uses */
    cr_assert_eq(otel_metric_exporter_register("otlp", fake_otlp_factory), OTEL_OK);
    setenv("OTEL_METRICS_EXPORTER", "otlp", 1);
    cr_expect_eq(otel_metrics_setup_from_env(NULL, &p, &r, err, sizeof(err)), OTEL_OK);
    cr_expect_eq(factory_calls, 1);
    cr_expect_not_null(r);
    otel_periodic_reader_destroy(r);
    otel_meter_provider_destroy(p);
    unsetenv("OTEL_METRICS_EXPORTER");
    unsetenv("OTEL_METRICS_EXEMPLAR_FILTER");
    unsetenv("OTEL_METRIC_EXPORT_TIMEOUT");
}
