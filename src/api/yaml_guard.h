/* SPDX-License-Identifier: Apache-2.0 */
/* A cheap pre-pass over YAML text that refuses pathological nesting before libyaml builds a document. */
#ifndef H2OTEL_YAML_GUARD_H
#define H2OTEL_YAML_GUARD_H

#include <stddef.h>

/** Deepest mapping/sequence nesting accepted in the service's YAML files (config and OpenAPI document). */
#define API_YAML_MAX_DEPTH 64

/**
 * Streams the events of `text` (`len` bytes) and stops at the first collection nested deeper than `max_depth`.
 * libyaml's cost grows with the square of the nesting depth, so a 200 KB file of brackets would take seconds to
 * load; this pass stops after `max_depth` levels. Returns 0 when the nesting is within bounds or the text is not
 * valid YAML (the real load reports that), or the 1-based line of the too-deep collection.
 */
size_t api_yaml_too_deep(const char *text, size_t len, int max_depth);

/**
 * Reads a whole file into a malloc'd buffer (NUL-terminated; length in *len). Returns NULL with errno set when
 * the file cannot be read or is larger than `max_bytes` (errno EFBIG).
 */
char *api_read_file(const char *path, size_t max_bytes, size_t *len);

#endif
