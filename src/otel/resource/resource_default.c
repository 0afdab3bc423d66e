/* SPDX-License-Identifier: Apache-2.0 */
/* The default resource: SDK, host and process attributes, OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/common_internal.h"
#include "common/text_internal.h"
#include "config/env_internal.h"
#include "resource/resource_internal.h"

#ifndef OTELC_VERSION
#define OTELC_VERSION "0.0.0"
#endif
#define DEFAULT_SERVICE_NAME "unknown_service:h2otel"

static char instance_id[37];
static pthread_once_t instance_once = PTHREAD_ONCE_INIT;

/* A random (version 4) UUID, made once per process so every signal reports the same instance. */
static void make_instance_id(void)
{
    uint8_t b[16];
    otel_random__fill(b, sizeof(b));
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    char hex[33];
    otel_hex_encode(b, 16, hex);
    memcpy(instance_id, hex, 8);
    instance_id[8] = '-';
    memcpy(instance_id + 9, hex + 8, 4);
    instance_id[13] = '-';
    memcpy(instance_id + 14, hex + 12, 4);
    instance_id[18] = '-';
    memcpy(instance_id + 19, hex + 16, 4);
    instance_id[23] = '-';
    memcpy(instance_id + 24, hex + 20, 12);
    instance_id[36] = '\0';
}

int otel_resource__parse_env_attributes(otel_resource_t *resource, const char *text)
{
    int skipped = 0;
    const char *p = text;
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        otel_str_t key = otel_str__trim_space((otel_str_t){p, eq != NULL ? (size_t)(eq - p) : len});
        otel_str_t value =
            eq != NULL ? otel_str__trim_space((otel_str_t){eq + 1, len - (size_t)(eq - p) - 1}) : (otel_str_t){"", 0};
        char *vbuf = eq != NULL ? malloc(value.len + 1) : NULL;
        if (eq != NULL && vbuf == NULL)
            return -1;
        long vlen = -1; /* stays -1 for a member without '=' or with a malformed escape */
        if (vbuf != NULL) {
            memcpy(vbuf, value.ptr, value.len);
            vlen = otel_str__percent_decode(vbuf, value.len, vbuf, true);
        }
        if (key.len == 0 || vlen < 0) {
            if (key.len > 0 || len > 0)
                OTEL_DIAG(OTEL_DIAG_WARN, "OTEL_RESOURCE_ATTRIBUTES: skipping malformed member '%.*s'", (int)len, p);
            skipped += len > 0;
        } else {
            otel_attribute_t a = {key, {.type = OTEL_VALUE_STRING, .u.string = {vbuf, (size_t)vlen}}};
            if (!otel_resource__set(resource, &a)) {
                free(vbuf);
                return -1;
            }
        }
        free(vbuf);
        if (end == NULL)
            break;
        p = end + 1;
    }
    return skipped;
}

otel_resource_t *otel_resource_create_default(const char *service_version)
{
    pthread_once(&instance_once, make_instance_id);
    char host[256] = "";
    if (gethostname(host, sizeof(host) - 1) != 0)
        host[0] = '\0';
    otel_attribute_t base[] = {
        OTEL_ATTR_STR("telemetry.sdk.name", "otelc"),
        OTEL_ATTR_STR("telemetry.sdk.language", "c"),
        OTEL_ATTR_STR("telemetry.sdk.version", OTELC_VERSION),
        OTEL_ATTR_STRN("service.instance.id", instance_id, strlen(instance_id)),
        OTEL_ATTR_INT("process.pid", (int64_t)getpid()),
        OTEL_ATTR_STRN("host.name", host, strlen(host)),
    };
    size_t n = sizeof(base) / sizeof(base[0]) - (host[0] == '\0' ? 1 : 0);
    otel_resource_t *r = otel_resource_create(base, n, NULL);
    if (r == NULL)
        return NULL;
    bool ok = true;
    if (service_version != NULL) {
        otel_attribute_t a = OTEL_ATTR_STRN("service.version", service_version, strlen(service_version));
        ok = otel_resource__set(r, &a);
    }
    const char *env = otel_env__get("OTEL_RESOURCE_ATTRIBUTES");
    if (ok && env != NULL)
        ok = otel_resource__parse_env_attributes(r, env) >= 0;
    const char *name = otel_env__get("OTEL_SERVICE_NAME");
    if (ok && (name != NULL || otel_resource_find(r, OTEL_STR("service.name")) == NULL)) {
        otel_str_t value = name != NULL ? otel_str_from_cstr(name) : OTEL_STR(DEFAULT_SERVICE_NAME);
        otel_attribute_t a = {OTEL_STR("service.name"), {.type = OTEL_VALUE_STRING, .u.string = value}};
        ok = otel_resource__set(r, &a);
    }
    if (!ok) {
        otel_resource_destroy(r);
        return NULL;
    }
    return r;
}
