/* SPDX-License-Identifier: Apache-2.0 */
/* JSON-lines logger: formats a record with jansson and writes it to stdout in one write(2). */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static _Atomic int min_level = API_LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

int api_log_level_parse(const char *s, api_log_level_t *out)
{
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s, level_names[i]) == 0) {
            *out = (api_log_level_t)i;
            return 0;
        }
    }
    if (strcasecmp(s, "warning") == 0) {
        *out = API_LOG_WARN;
        return 0;
    }
    return -1;
}

const char *api_log_level_name(api_log_level_t level)
{
    return level >= API_LOG_DEBUG && level <= API_LOG_ERROR ? level_names[level] : "info";
}

void api_log_set_level(api_log_level_t level)
{
    atomic_store(&min_level, (int)level);
}

int api_log_enabled(api_log_level_t level)
{
    return (int)level >= atomic_load(&min_level);
}

static void format_time(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void api_log(api_log_level_t level, const char *msg, json_t *fields)
{
    if (!api_log_enabled(level)) {
        json_decref(fields);
        return;
    }
    char when[40];
    format_time(when, sizeof(when));
    json_t *rec = json_pack("{s:s, s:s, s:s}", "time", when, "level", api_log_level_name(level), "msg", msg);
    if (rec == NULL) {
        json_decref(fields);
        return;
    }
    if (json_is_object(fields))
        json_object_update_missing(rec, fields); /* time/level/msg cannot be overridden by fields */
    json_decref(fields);
    char *line = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
    json_decref(rec);
    if (line == NULL)
        return;
    size_t n = strlen(line);
    line[n] = '\n'; /* replaces the NUL: the buffer is written by length */
    /* One write keeps lines from different threads whole (stdout is usually a pipe or file). */
    ssize_t off = 0;
    while ((size_t)off < n + 1) {
        ssize_t w = write(STDOUT_FILENO, line + off, n + 1 - (size_t)off);
        if (w <= 0)
            break;
        off += w;
    }
    free(line);
}

void api_logf(api_log_level_t level, const char *fmt, ...)
{
    if (!api_log_enabled(level))
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    api_log(level, msg, NULL);
}
