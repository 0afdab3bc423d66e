/* SPDX-License-Identifier: Apache-2.0 */
/* OTELC_EXPORT_THREAD_NICE: the parsers (valid, out of range, garbage) and the export threads' names and nice values.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "otel/otel.h"

#define NICE_ENV "OTELC_EXPORT_THREAD_NICE"

static int thread_nice(pid_t tid)
{
    errno = 0;
    int n = getpriority(PRIO_PROCESS, (id_t)tid);
    cr_assert_eq(errno, 0, "getpriority(%d): %s", (int)tid, strerror(errno));
    return n;
}

/* The tid of this process's thread named `name`, waiting up to 2 s for it to name itself; 0 when none. */
static pid_t find_thread(const char *name)
{
    for (int tries = 0; tries < 200; tries++) {
        DIR *d = opendir("/proc/self/task");
        cr_assert_not_null(d);
        struct dirent *e;
        pid_t found = 0;
        while (found == 0 && (e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char path[300], comm[32] = "";
            snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
            FILE *f = fopen(path, "r");
            if (f == NULL)
                continue;
            if (fgets(comm, sizeof(comm), f) != NULL && strcmp(strtok(comm, "\n"), name) == 0)
                found = (pid_t)atoi(e->d_name);
            fclose(f);
        }
        closedir(d);
        if (found != 0)
            return found;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    return 0;
}

typedef struct pipelines {
    otel_span_processor_t *spans;
    otel_logger_provider_t *logs;
    otel_meter_provider_t *meters;
    otel_periodic_reader_t *reader;
    FILE *sink;
} pipelines_t;

/* The three export threads otelc starts, each with `nice`, exporting (rarely) to /dev/null. */
static void start_all(pipelines_t *p, uint32_t nice)
{
    p->sink = fopen("/dev/null", "w");
    cr_assert_not_null(p->sink);

    otel_batch_span_processor_options_t bo;
    otel_batch_span_processor_options_init(&bo);
    bo.thread_nice = nice;
    otel_span_exporter_t se;
    cr_assert_eq(otel_console_span_exporter_create(p->sink, &se), OTEL_OK);
    cr_assert_eq(otel_batch_span_processor_create(&bo, se, &p->spans), OTEL_OK);

    otel_batch_log_record_processor_options_t lo;
    otel_batch_log_record_processor_options_init(&lo);
    lo.thread_nice = nice;
    otel_log_record_exporter_t le;
    otel_log_record_processor_t *lp;
    cr_assert_eq(otel_console_log_record_exporter_create(p->sink, &le), OTEL_OK);
    cr_assert_eq(otel_batch_log_record_processor_create(&lo, le, &lp), OTEL_OK);
    cr_assert_eq(otel_logger_provider_create(NULL, NULL, lp, &p->logs), OTEL_OK);

    otel_meter_provider_options_t mo;
    otel_meter_provider_options_init(&mo);
    cr_assert_eq(otel_meter_provider_create(&mo, &p->meters), OTEL_OK);
    otel_periodic_reader_options_t ro;
    otel_periodic_reader_options_init(&ro);
    ro.thread_nice = nice;
    otel_metric_exporter_t me;
    cr_assert_eq(otel_console_metric_exporter_create(p->sink, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE, &me), OTEL_OK);
    cr_assert_eq(otel_periodic_reader_create(p->meters, &me, &ro, &p->reader), OTEL_OK);
}

static void stop_all(pipelines_t *p)
{
    otel_span_processor_shutdown(p->spans, 1000);
    otel_span_processor_destroy(p->spans);
    otel_logger_provider_destroy(p->logs);
    otel_periodic_reader_destroy(p->reader);
    otel_meter_provider_destroy(p->meters);
    fclose(p->sink);
}

static const char *const names[] = {"otel-spans", "otel-logs", "otel-metrics"};

Test(export_thread_nice, threads_are_named_and_run_at_the_option_nice_value)
{
    int base = thread_nice(gettid());
    /* Raise by a few steps (an unprivileged thread can); a test run already at 19 checks "never lowered" only. */
    int want = base + 5 < 19 ? base + 5 : 19;
    pipelines_t p;
    start_all(&p, (uint32_t)want);
    for (size_t i = 0; i < 3; i++) {
        pid_t tid = find_thread(names[i]);
        cr_assert_neq(tid, 0, "no thread named %s", names[i]);
        cr_expect_eq(thread_nice(tid), want, "%s: nice %d, want %d", names[i], thread_nice(tid), want);
    }
    cr_expect_eq(thread_nice(gettid()), base, "the creating thread's nice value changed");
    stop_all(&p);
}

Test(export_thread_nice, zero_leaves_the_nice_value_alone)
{
    int base = thread_nice(gettid());
    pipelines_t p;
    start_all(&p, 0);
    for (size_t i = 0; i < 3; i++) {
        pid_t tid = find_thread(names[i]);
        cr_assert_neq(tid, 0, "no thread named %s", names[i]);
        cr_expect_eq(thread_nice(tid), base, "%s: nice %d, want the creator's %d", names[i], thread_nice(tid), base);
    }
    stop_all(&p);
}

Test(export_thread_nice, values_above_19_are_clamped_by_the_api)
{
    pipelines_t p;
    start_all(&p, 1000);
    for (size_t i = 0; i < 3; i++) {
        pid_t tid = find_thread(names[i]);
        cr_assert_neq(tid, 0, "no thread named %s", names[i]);
        cr_expect_eq(thread_nice(tid), 19, "%s: nice %d, want 19", names[i], thread_nice(tid));
    }
    stop_all(&p);
}

/* Every reader of the variable: the span and log batch processors' options, the metrics settings, the OTLP
 * exporter's options. */
static otel_status_t read_all(uint32_t out[4], char *err, size_t len)
{
    otel_batch_span_processor_options_t bo;
    otel_batch_span_processor_options_init(&bo);
    otel_batch_log_record_processor_options_t lo;
    otel_batch_log_record_processor_options_init(&lo);
    otel_metrics_env_t me;
    otel_otlp_options_t oo;
    otel_otlp_options_init(&oo);
    otel_status_t st[4] = {otel_batch_span_processor_options_from_env(&bo, err, len),
                           otel_batch_log_record_processor_options_from_env(&lo, err, len),
                           otel_metrics_env_read(&me, err, len),
                           otel_otlp_options_from_env(&oo, OTEL_OTLP_TRACES, err, len)};
    cr_assert(st[0] == st[1] && st[1] == st[2] && st[2] == st[3], "the readers disagree: %d %d %d %d", st[0], st[1],
              st[2], st[3]);
    out[0] = bo.thread_nice;
    out[1] = lo.thread_nice;
    out[2] = me.reader.thread_nice;
    out[3] = oo.thread_nice;
    return st[0];
}

Test(export_thread_nice, env_valid_values)
{
    static const struct {
        const char *text;
        uint32_t want;
    } ok[] = {{"0", 0}, {"10", 10}, {"19", 19}, {" 7 ", 7}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        setenv(NICE_ENV, ok[i].text, 1);
        uint32_t got[4];
        char err[256] = "";
        cr_expect_eq(read_all(got, err, sizeof(err)), OTEL_OK, "'%s': %s", ok[i].text, err);
        for (int k = 0; k < 4; k++)
            cr_expect_eq(got[k], ok[i].want, "'%s': reader %d gave %u", ok[i].text, k, got[k]);
    }
    unsetenv(NICE_ENV);
    uint32_t got[4];
    cr_expect_eq(read_all(got, NULL, 0), OTEL_OK);
    for (int k = 0; k < 4; k++)
        cr_expect_eq(got[k], 0, "unset: reader %d gave %u, want the default 0", k, got[k]);
}

Test(export_thread_nice, env_bad_values_are_one_line_naming_the_variable)
{
    static const char *const bad[] = {"20", "100", "-1", "abc", "1.5", "0x5", "99999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setenv(NICE_ENV, bad[i], 1);
        uint32_t got[4];
        char err[256] = "";
        cr_expect_eq(read_all(got, err, sizeof(err)), OTEL_ERR_CONFIG, "'%s' accepted", bad[i]);
        cr_expect(strstr(err, NICE_ENV) != NULL, "'%s': message does not name the variable: '%s'", bad[i], err);
        cr_expect(strchr(err, '\n') == NULL, "'%s': message is not one line: '%s'", bad[i], err);
    }
    unsetenv(NICE_ENV);
}
