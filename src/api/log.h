/* SPDX-License-Identifier: Apache-2.0 */
/* Structured logging of the service: one JSON object per line on stdout. */
#ifndef H2OTEL_LOG_H
#define H2OTEL_LOG_H

#include <jansson.h>

typedef enum api_log_level {
    API_LOG_DEBUG = 0,
    API_LOG_INFO,
    API_LOG_WARN,
    API_LOG_ERROR,
} api_log_level_t;

/** Parses "debug", "info", "warn" or "error" (case-insensitive). Returns 0 and sets *out, or -1. */
int api_log_level_parse(const char *s, api_log_level_t *out);

/** Name of a level ("info" ...). */
const char *api_log_level_name(api_log_level_t level);

/** Sets the minimum level written. Thread-safe (atomic); default info. */
void api_log_set_level(api_log_level_t level);

/** True if a record at `level` would be written. */
int api_log_enabled(api_log_level_t level);

/**
 * Writes {"time":..., "level":..., "msg":..., <fields>} as one line on stdout, with one write.
 * `fields` (a JSON object, may be NULL) is consumed (its reference is stolen). Thread-safe.
 */
void api_log(api_log_level_t level, const char *msg, json_t *fields);

/**
 * Fast path for the hot loop (no heap): writes a record whose extra members are given as already-rendered JSON
 * `fields` ("\"a\":1,\"b\":\"x\"", no braces; may be empty). `msg` must need no escaping. Lines over 4 KiB are
 * dropped.
 */
void api_log_raw(api_log_level_t level, const char *msg, const char *fields, size_t fields_len);

/** JSON-escapes s[0..len) into out (cap bytes, NUL-terminated, truncated if short). Returns the length. */
size_t api_log_escape(char *out, size_t cap, const char *s, size_t len);

/** printf-style convenience without fields. */
void api_logf(api_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * Makes this thread buffer its log lines (up to `capacity` bytes) instead of one write per line; the caller
 * (an event loop) must call api_log_flush periodically and api_log_buffer_end before the thread exits.
 * Warnings and errors flush at once.
 */
void api_log_buffer_begin(size_t capacity);

/** Writes this thread's buffered lines, if any. */
void api_log_flush(void);

/** Flushes and frees this thread's buffer; later lines are written directly. */
void api_log_buffer_end(void);

#endif
