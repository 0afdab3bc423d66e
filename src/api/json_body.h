/* SPDX-License-Identifier: Apache-2.0 */
/* JSON bodies the service sends: the shared error shape and YAML-to-JSON conversion. */
#ifndef H2OTEL_JSON_BODY_H
#define H2OTEL_JSON_BODY_H

#include <jansson.h>
#include <stddef.h>

/**
 * Returns {"error":"<code>","message":"<message>"} as malloc'd NUL-terminated text and its length in *len
 * (len may be NULL). NULL only when out of memory. Both strings are escaped as JSON requires.
 */
char *api_json_error_body(const char *code, const char *message, size_t *len);

/**
 * Loads a YAML file and converts its first document to JSON: mappings to objects (keys as strings),
 * sequences to arrays; plain scalars that read as null, true/false, integers or floats become those
 * types, everything else (and every quoted scalar) a string. Aliases are expanded by libyaml.
 * Returns a new reference, or NULL with "FILE:LINE: reason" in err.
 */
json_t *api_yaml_file_to_json(const char *path, char *err, size_t errlen);

/** Same as api_yaml_file_to_json for text in memory; `name` is used in messages. */
json_t *api_yaml_to_json(const char *text, size_t len, const char *name, char *err, size_t errlen);

#endif
