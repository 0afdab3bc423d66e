/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: OTEL_EXPORTER_OTLP_HEADERS parsing (k=v list, trimming, lowercasing, percent-decoding). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export/otlp_internal.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t members;
    char *text = fuzz_cstring(data, size, &members); /* stops at the first NUL, like getenv */
    if (text == NULL)
        return 0;

    otel_otlp__header_t *headers = NULL;
    size_t count = 0;
    char err[256] = "";
    otel_status_t st = otel_otlp__headers_parse(text, "OTEL_EXPORTER_OTLP_HEADERS", &headers, &count, err, sizeof(err));
    if (st == OTEL_OK) {
        CHECK(count <= members && (count == 0 || headers != NULL));
        for (size_t i = 0; i < count; i++) {
            const char *k = headers[i].key, *v = headers[i].value;
            CHECK(k[0] != '\0');
            for (const char *p = k; *p; p++) /* gRPC metadata keys: lowercase tokens */
                CHECK((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f && !isupper((unsigned char)*p));
            for (const char *p = v; *p; p++) /* values go on the wire as metadata: no controls, no CR/LF */
                CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p != 0x7f);
        }
    } else {
        CHECK(st == OTEL_ERR_CONFIG || st == OTEL_ERR_NO_MEMORY);
        CHECK(headers == NULL && count == 0);
        CHECK(st != OTEL_ERR_CONFIG || strncmp(err, "OTEL_EXPORTER_OTLP_HEADERS", 26) == 0);
    }
    otel_otlp__headers_free(headers, count);
    free(text);
    return 0;
}
