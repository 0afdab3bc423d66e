/* SPDX-License-Identifier: Apache-2.0 */
/* CHECK for fuzz targets: a broken invariant prints where and aborts, which libFuzzer reports as a finding. */
#ifndef H2OTEL_FUZZ_CHECK_H
#define H2OTEL_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                                   \
            abort();                                                                                                   \
        }                                                                                                              \
    } while (0)

#endif
