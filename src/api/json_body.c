/* SPDX-License-Identifier: Apache-2.0 */
/* Error bodies and the YAML (libyaml) to JSON (jansson) conversion behind /openapi.json. */
#include "json_body.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yaml_guard.h"

char *api_json_error_body(const char *code, const char *message, size_t *len)
{
    json_t *obj = json_pack("{s:s, s:s}", "error", code, "message", message);
    if (obj == NULL)
        return NULL;
    char *text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    if (text != NULL && len != NULL)
        *len = strlen(text);
    return text;
}

/* YAML 1.2 core schema for plain scalars. */
static json_t *plain_scalar(const char *s)
{
    if (*s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
        return json_null();
    if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0)
        return json_true();
    if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0)
        return json_false();
    char *end;
    errno = 0;
    long long i = strtoll(s, &end, 10);
    if (*end == '\0' && errno == 0 && (s[0] == '-' || s[0] == '+' || (s[0] >= '0' && s[0] <= '9')))
        return json_integer(i);
    errno = 0;
    double d = strtod(s, &end);
    if (*end == '\0' && errno == 0 && isfinite(d) && strpbrk(s, "0123456789") != NULL && strpbrk(s, "xXnN") == NULL)
        return json_real(d);
    return json_string(s);
}

/* Aliases are expanded, so a few hundred bytes of YAML can stand for billions of nodes ("billion laughs"):
 * every conversion gets a node budget far above any real OpenAPI document. */
#define YAML_JSON_MAX_NODES 200000

static json_t *convert(yaml_document_t *doc, yaml_node_t *node, int depth, size_t *budget, const char *name, char *err,
                       size_t errlen)
{
    if (*budget == 0) {
        snprintf(err, errlen, "%s:%zu: more than %d nodes once aliases are expanded", name,
                 (size_t)node->start_mark.line + 1, YAML_JSON_MAX_NODES);
        return NULL;
    }
    --*budget;
    if (depth > API_YAML_MAX_DEPTH) {
        snprintf(err, errlen, "%s:%zu: nesting too deep", name, (size_t)node->start_mark.line + 1);
        return NULL;
    }
    switch (node->type) {
    case YAML_SCALAR_NODE: {
        const char *s = (const char *)node->data.scalar.value;
        json_t *v = node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? plain_scalar(s) : json_string(s);
        if (v == NULL)
            snprintf(err, errlen, "%s:%zu: scalar is not valid UTF-8", name, (size_t)node->start_mark.line + 1);
        return v;
    }
    case YAML_SEQUENCE_NODE: {
        json_t *arr = json_array();
        for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
            json_t *v = convert(doc, yaml_document_get_node(doc, *it), depth + 1, budget, name, err, errlen);
            if (v == NULL || json_array_append_new(arr, v) != 0) {
                json_decref(arr);
                return NULL;
            }
        }
        return arr;
    }
    case YAML_MAPPING_NODE: {
        json_t *obj = json_object();
        for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            if (k->type != YAML_SCALAR_NODE) {
                snprintf(err, errlen, "%s:%zu: mapping keys must be scalars", name, (size_t)k->start_mark.line + 1);
                json_decref(obj);
                return NULL;
            }
            json_t *v = convert(doc, yaml_document_get_node(doc, p->value), depth + 1, budget, name, err, errlen);
            if (v == NULL || json_object_set_new(obj, (const char *)k->data.scalar.value, v) != 0) {
                json_decref(obj);
                return NULL;
            }
        }
        return obj;
    }
    default:
        snprintf(err, errlen, "%s:%zu: unsupported YAML node", name, (size_t)node->start_mark.line + 1);
        return NULL;
    }
}

static json_t *load(yaml_parser_t *parser, const char *name, char *err, size_t errlen)
{
    yaml_document_t doc;
    if (!yaml_parser_load(parser, &doc)) {
        snprintf(err, errlen, "%s:%zu: invalid YAML: %s", name, (size_t)parser->problem_mark.line + 1,
                 parser->problem ? parser->problem : "parse error");
        return NULL;
    }
    json_t *out = NULL;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root == NULL)
        snprintf(err, errlen, "%s:1: empty document", name);
    else {
        size_t budget = YAML_JSON_MAX_NODES;
        out = convert(&doc, root, 0, &budget, name, err, errlen);
    }
    yaml_document_delete(&doc);
    return out;
}

json_t *api_yaml_to_json(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
    size_t deep = api_yaml_too_deep(text, len, API_YAML_MAX_DEPTH);
    if (deep != 0) {
        snprintf(err, errlen, "%s:%zu: nesting too deep", name, deep);
        return NULL;
    }
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    json_t *out = load(&parser, name, err, errlen);
    yaml_parser_delete(&parser);
    return out;
}

json_t *api_yaml_file_to_json(const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = api_read_file(path, 16u << 20, &len);
    if (text == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    json_t *out = api_yaml_to_json(text, len, path, err, errlen);
    free(text);
    return out;
}
