/* SPDX-License-Identifier: Apache-2.0 */
/* otel_otlp_options_t.thread_nice: the threads gRPC starts when the first OTLP exporter is created run at it. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "otel/otel.h"

#define MAX_TIDS 256

/* This process's thread ids; returns how many. */
static size_t list_threads(pid_t *tids)
{
    size_t n = 0;
    DIR *d = opendir("/proc/self/task");
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_TIDS)
        if (e->d_name[0] != '.')
            tids[n++] = (pid_t)atoi(e->d_name);
    closedir(d);
    return n;
}

static int nice_of(pid_t tid)
{
    errno = 0;
    int n = getpriority(PRIO_PROCESS, (id_t)tid);
    cr_assert_eq(errno, 0, "getpriority(%d): %s", (int)tid, strerror(errno));
    return n;
}

static void comm_of(pid_t tid, char *out, size_t len)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/task/%d/comm", (int)tid);
    FILE *f = fopen(path, "r");
    out[0] = '\0';
    if (f != NULL) {
        if (fgets(out, (int)len, f) != NULL)
            out[strcspn(out, "\n")] = '\0';
        fclose(f);
    }
}

/* Creates an OTLP span exporter (no Collector needed: nothing is exported) with `nice`; checks every thread that
 * appeared (gRPC's) runs at `expect` and that the calling thread kept its own value. */
static void check_grpc_threads(uint32_t nice, int expect_offset_from_base)
{
    int base = nice_of(gettid());
    pid_t before[MAX_TIDS], after[MAX_TIDS];
    size_t nb = list_threads(before);
    otel_otlp_options_t o;
    otel_otlp_options_init(&o);
    strcpy(o.endpoint, "127.0.0.1:1");
    o.insecure = true;
    o.thread_nice = nice;
    otel_span_exporter_t exp;
    char err[256] = "";
    cr_assert_eq(otel_otlp_span_exporter_create(&o, &exp, err, sizeof(err)), OTEL_OK, "%s", err);
    size_t na = list_threads(after), fresh = 0;
    int expect = nice == 0 ? base : (base + expect_offset_from_base > 19 ? 19 : base + expect_offset_from_base);
    for (size_t i = 0; i < na; i++) {
        bool old = false;
        for (size_t j = 0; j < nb && !old; j++)
            old = before[j] == after[i];
        if (old)
            continue;
        char name[32];
        comm_of(after[i], name, sizeof(name));
        fresh++;
        cr_expect_eq(nice_of(after[i]), expect, "gRPC thread %d (%s): nice %d, want %d", (int)after[i], name,
                     nice_of(after[i]), expect);
    }
    cr_expect_geq(fresh, 3, "only %zu threads appeared: did gRPC start its threads elsewhere?", fresh);
    cr_expect_eq(nice_of(gettid()), base, "the creating thread's nice value changed");
    exp.shutdown(exp.self, 1000);
    exp.destroy(exp.self);
}

Test(otlp_thread_nice, grpc_threads_run_at_the_option_nice_value)
{
    int base = nice_of(gettid());
    int step = base + 4 <= 19 ? 4 : 19 - base;
    check_grpc_threads((uint32_t)(base + step), step);
}

Test(otlp_thread_nice, zero_leaves_grpc_threads_at_the_creator_value)
{
    check_grpc_threads(0, 0);
}
