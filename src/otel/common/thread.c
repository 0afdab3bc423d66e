/* SPDX-License-Identifier: Apache-2.0 */
/* Names otelc's threads and applies the opt-in nice value that keeps export work behind the host's own threads. */
#include "common/thread_internal.h"
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "common/common_internal.h"
#include "config/env_internal.h"

otel_status_t otel_thread__nice_from_env(uint32_t *out, char *err, size_t err_len)
{
    const char *v = otel_env__get(OTEL_THREAD__NICE_ENV);
    if (v == NULL)
        return OTEL_OK;
    uint32_t n;
    otel_status_t st = otel_env__parse_u32(OTEL_THREAD__NICE_ENV, v, 0, &n, err, err_len);
    if (st != OTEL_OK)
        return st;
    if (n > OTEL_THREAD__NICE_MAX)
        return otel_env__error(err, err_len, "%s: expected a nice value 0..19, got '%s'", OTEL_THREAD__NICE_ENV, v);
    *out = n;
    return OTEL_OK;
}

void otel_thread__setup(const char *name, uint32_t nice)
{
    pthread_setname_np(pthread_self(), name); /* as top -H, gdb and /proc/PID/task/TID/comm show it */
    if (nice == 0)
        return;
    int want = (int)(nice < OTEL_THREAD__NICE_MAX ? nice : OTEL_THREAD__NICE_MAX);
    /* On Linux the nice value belongs to the thread: PRIO_PROCESS with a thread id changes only that thread. */
    id_t tid = (id_t)gettid();
    errno = 0;
    int now = getpriority(PRIO_PROCESS, tid);
    if (errno == 0 && now >= want)
        return; /* already as nice or nicer (e.g. the whole process runs niced): lowering it needs privileges */
    if (setpriority(PRIO_PROCESS, tid, want) != 0)
        OTEL_DIAG(OTEL_DIAG_WARN, "%s: cannot set nice %d on thread %s: %s", OTEL_THREAD__NICE_ENV, want, name,
                  strerror(errno));
}
