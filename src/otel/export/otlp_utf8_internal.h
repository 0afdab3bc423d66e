/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-8 validation and repair shared by the OTLP encoders. */
#ifndef OTEL_OTLP_UTF8_INTERNAL_H
#define OTEL_OTLP_UTF8_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/** Length of the longest valid UTF-8 prefix of s[0..len) (RFC 3629); `len` when all of it is valid. ASCII fast path. */
size_t otel_otlp__utf8_valid_prefix(const char *s, size_t len);

/** Length of s[0..len) once every byte that starts no valid sequence is replaced by U+FFFD (3 bytes). */
size_t otel_otlp__utf8_repaired_len(const char *s, size_t len);

/** Writes that repaired string at `out` (room for otel_otlp__utf8_repaired_len bytes); returns its end. */
char *otel_otlp__utf8_repair(char *out, const char *s, size_t len);

#endif
