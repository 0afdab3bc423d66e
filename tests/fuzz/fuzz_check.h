/* SPDX-License-Identifier: Apache-2.0 */
/* CHECK for fuzz targets: a broken invariant prints where and aborts, which libFuzzer reports as a finding. */
#ifndef H2OTEL_FUZZ_CHECK_H
#define H2OTEL_FUZZ_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                                   \
            abort();                                                                                                   \
        }                                                                                                              \
    } while (0)

/** The input as a malloc'd C string (as an environment variable's value would be), or NULL. Sets *members to
 * the number of ','-separated members of that string. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size, size_t *members)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return NULL;
    memcpy(text, data, size);
    text[size] = '\0';
    *members = 1;
    for (const char *p = text; *p; p++)
        *members += *p == ',';
    return text;
}

#endif
