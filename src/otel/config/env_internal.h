/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers reading OTEL_* environment variables with one-line errors that name the variable. */
#ifndef OTEL_ENV_INTERNAL_H
#define OTEL_ENV_INTERNAL_H

#include "otel/common.h"

/** The value of `name` with surrounding whitespace removed, or NULL when unset or blank. The
 * pointer is to a thread-local buffer (4 KiB; longer values are truncated) valid until the next call. */
const char *otel_env__get(const char *name);

/** Writes a formatted one-line message into `err` (may be NULL) and returns OTEL_ERR_CONFIG. */
otel_status_t otel_env__error(char *err, size_t err_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/**
 * Reads an unsigned 32-bit integer. Unset or blank: `*out` unchanged, OTEL_OK. Anything but
 * decimal digits fitting in 32 bits: OTEL_ERR_CONFIG with "NAME: expected a non-negative
 * integer, got 'x'" in `err`. `min` rejects smaller values the same way.
 */
otel_status_t otel_env__get_u32(const char *name, uint32_t min, uint32_t *out, char *err, size_t err_len);

/** Reads a double (strtod, finite). Same conventions as otel_env__get_u32. */
otel_status_t otel_env__get_double(const char *name, double *out, char *err, size_t err_len);

/** Reads a boolean: "true" or "false" (case-insensitive). Same conventions. */
otel_status_t otel_env__get_bool(const char *name, bool *out, char *err, size_t err_len);

/** Parses `text` as above (for values that come from elsewhere, e.g. YAML); `what` names it in errors. */
otel_status_t otel_env__parse_u32(const char *what, const char *text, uint32_t min, uint32_t *out, char *err,
                                  size_t err_len);
otel_status_t otel_env__parse_double(const char *what, const char *text, double *out, char *err, size_t err_len);

#endif
