/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded YAML nesting check (event stream, stops early) and whole-file reading for the YAML loaders. */
#include "yaml_guard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

size_t api_yaml_too_deep(const char *text, size_t len, int max_depth)
{
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    size_t line = 0;
    int depth = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev))
            break; /* invalid YAML: the loader gives the precise message */
        yaml_event_type_t type = ev.type;
        if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
            if (++depth > max_depth)
                line = (size_t)ev.start_mark.line + 1;
        } else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
            depth--;
        }
        yaml_event_delete(&ev);
        if (line != 0 || type == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&parser);
    return line;
}

char *api_read_file(const char *path, size_t max_bytes, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    char *buf = NULL;
    size_t used = 0, cap = 0;
    for (;;) {
        if (used == cap) {
            if (cap > max_bytes) {
                errno = EFBIG;
                break;
            }
            size_t ncap = cap == 0 ? 65536 : 2 * cap;
            char *n = realloc(buf, ncap + 1);
            if (n == NULL)
                break;
            buf = n;
            cap = ncap;
        }
        size_t got = fread(buf + used, 1, cap - used, fp);
        used += got;
        if (got == 0) {
            if (ferror(fp)) {
                errno = errno != 0 ? errno : EIO;
                break;
            }
            fclose(fp);
            if (used > max_bytes) {
                free(buf);
                errno = EFBIG;
                return NULL;
            }
            buf[used] = '\0';
            *len = used;
            return buf;
        }
    }
    int saved = errno;
    free(buf);
    fclose(fp);
    errno = saved;
    return NULL;
}
