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

/** printf-style convenience without fields. */
void api_logf(api_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
