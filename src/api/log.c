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

/* Per-thread line buffer of event-loop threads: whole lines only, flushed by size, by the loop's timer, on
 * warnings, and at thread exit. Other threads write each line directly. */
static _Thread_local char *buf;
static _Thread_local size_t buf_len, buf_cap;

static void write_all(const char *p, size_t n)
{
    /* One write per call keeps lines from different threads whole (stdout is usually a pipe or file). */
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, p, n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

void api_log_buffer_begin(size_t capacity)
{
    if (buf == NULL && (buf = malloc(capacity)) != NULL) {
        buf_cap = capacity;
        buf_len = 0;
    }
}

void api_log_flush(void)
{
    if (buf_len != 0)
        write_all(buf, buf_len);
    buf_len = 0;
}

void api_log_buffer_end(void)
{
    api_log_flush();
    free(buf);
    buf = NULL;
    buf_cap = 0;
}

static void emit(const char *line, size_t n, int urgent)
{
    if (buf == NULL) {
        write_all(line, n);
        return;
    }
    if (buf_len + n > buf_cap)
        api_log_flush();
    if (n > buf_cap) {
        write_all(line, n);
        return;
    }
    memcpy(buf + buf_len, line, n);
    buf_len += n;
    if (urgent)
        api_log_flush();
}

static void format_time(char *out, size_t len)
{
    static _Thread_local time_t cached_sec = -1;
    static _Thread_local char cached[32]; /* "YYYY-MM-DDTHH:MM:SS" of cached_sec */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != cached_sec) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
        cached_sec = ts.tv_sec;
    }
    /* Hand-formatted: this runs for every access-log line. */
    if (len < 25)
        return;
    int ms = (int)(ts.tv_nsec / 1000000) % 1000;
    memcpy(out, cached, 19);
    out[19] = '.';
    out[20] = (char)('0' + ms / 100);
    out[21] = (char)('0' + ms / 10 % 10);
    out[22] = (char)('0' + ms % 10);
    out[23] = 'Z';
    out[24] = '\0';
}

size_t api_log_escape(char *out, size_t cap, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (o + 6 >= cap)
            break;
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20 || c >= 0x7f) { /* control and non-ASCII bytes: \u00XX keeps the line valid JSON */
            memcpy(out + o, "\\u00", 4);
            out[o + 4] = hex[c >> 4];
            out[o + 5] = hex[c & 15];
            o += 6;
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return o;
}

void api_log_raw(api_log_level_t level, const char *msg, const char *fields, size_t fields_len)
{
    if (!api_log_enabled(level))
        return;
    char line[4096], when[40];
    format_time(when, sizeof(when));
    /* This runs for every access-log line: lengths of the constant parts are known, not measured. */
    struct part {
        const char *ptr;
        size_t len;
    };
    const size_t level_len = strlen(api_log_level_name(level));
    const struct part parts[] = {{"{\"time\":\"", 9},
                                 {when, strlen(when)},
                                 {"\",\"level\":\"", 11},
                                 {api_log_level_name(level), level_len},
                                 {"\",\"msg\":\"", 9},
                                 {msg, strlen(msg)},
                                 {"\"", 1}};
    size_t n = 0;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        if (n + parts[i].len >= sizeof(line))
            return;
        memcpy(line + n, parts[i].ptr, parts[i].len);
        n += parts[i].len;
    }
    if (n + fields_len + 3 >= sizeof(line))
        return;
    if (fields_len != 0) {
        line[n++] = ',';
        memcpy(line + n, fields, fields_len);
        n += fields_len;
    }
    line[n++] = '}';
    line[n++] = '\n';
    emit(line, n, level >= API_LOG_WARN);
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
    emit(line, n + 1, level >= API_LOG_WARN);
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
