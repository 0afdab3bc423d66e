/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for resources: create, merge, the default resource and OTEL_RESOURCE_ATTRIBUTES. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "otel/otel.h"

static const otel_attribute_t *find(const otel_resource_t *r, const char *key)
{
    return otel_resource_find(r, otel_str_from_cstr(key));
}

static bool str_is(const otel_attribute_t *a, const char *want)
{
    return a != NULL && a->value.type == OTEL_VALUE_STRING && a->value.u.string.len == strlen(want) &&
           memcmp(a->value.u.string.ptr, want, strlen(want)) == 0;
}

Test(trace_resource, create_copies_and_dedups)
{
    char value[8] = "v1";
    otel_attribute_t attrs[] = {OTEL_ATTR_STRN("k", value, 2), OTEL_ATTR_INT("n", 1), OTEL_ATTR_STR("k", "v2")};
    otel_resource_t *r = otel_resource_create(attrs, 3, "https://opentelemetry.io/schemas/1.24.0");
    strcpy(value, "xx");
    cr_assert_not_null(r);
    cr_expect_eq(otel_resource_attribute_count(r), 2);
    cr_expect(str_is(otel_resource_attribute(r, 0), "v2"), "later duplicates win, first position kept");
    cr_expect_null(otel_resource_attribute(r, 2));
    otel_str_t url = otel_resource_schema_url(r);
    cr_expect_eq(url.len, strlen("https://opentelemetry.io/schemas/1.24.0"));
    cr_expect_null(otel_resource_create(NULL, 1, NULL));
    otel_resource_destroy(r);
    otel_resource_destroy(NULL);
}

Test(trace_resource, merge_prefers_updating_values)
{
    otel_attribute_t a[] = {OTEL_ATTR_STR("service.name", "a"), OTEL_ATTR_STR("only.a", "1")};
    otel_attribute_t b[] = {OTEL_ATTR_STR("service.name", "b"), OTEL_ATTR_STR("only.b", "2")};
    otel_resource_t *ra = otel_resource_create(a, 2, "s1"), *rb = otel_resource_create(b, 2, NULL);
    otel_resource_t *m = otel_resource_merge(ra, rb);
    cr_expect_eq(otel_resource_attribute_count(m), 3);
    cr_expect(str_is(find(m, "service.name"), "b"));
    cr_expect(str_is(find(m, "only.a"), "1"));
    cr_expect(str_is(find(m, "only.b"), "2"));
    cr_expect_eq(otel_resource_schema_url(m).len, 2, "the only schema url is kept");
    otel_resource_t *retained = otel_resource_retain(m);
    otel_resource_destroy(m);
    cr_expect_eq(otel_resource_attribute_count(retained), 3, "still alive through the retained reference");
    otel_resource_destroy(retained);
    otel_resource_destroy(ra);
    otel_resource_destroy(rb);
}

Test(trace_resource, default_resource_has_the_sdk_host_and_process)
{
    unsetenv("OTEL_SERVICE_NAME");
    unsetenv("OTEL_RESOURCE_ATTRIBUTES");
    otel_resource_t *r = otel_resource_create_default("1.2.3");
    cr_expect(str_is(find(r, "service.name"), "unknown_service:h2otel"));
    cr_expect(str_is(find(r, "service.version"), "1.2.3"));
    cr_expect(str_is(find(r, "telemetry.sdk.name"), "otelc"));
    cr_expect(str_is(find(r, "telemetry.sdk.language"), "c"));
    cr_expect_not_null(find(r, "telemetry.sdk.version"));
    cr_expect_not_null(find(r, "host.name"));
    const otel_attribute_t *pid = find(r, "process.pid");
    cr_assert_not_null(pid);
    cr_expect_eq(pid->value.u.int64, getpid());
    const otel_attribute_t *id = find(r, "service.instance.id");
    cr_assert_not_null(id);
    cr_expect_eq(id->value.u.string.len, 36);
    cr_expect_eq(id->value.u.string.ptr[14], '4', "UUID version 4");
    otel_resource_t *again = otel_resource_create_default(NULL);
    cr_expect(str_is(find(again, "service.instance.id"), "") == false);
    cr_expect_eq(memcmp(find(again, "service.instance.id")->value.u.string.ptr, id->value.u.string.ptr, 36), 0,
                 "one instance id per process");
    cr_expect_null(find(again, "service.version"));
    otel_resource_destroy(again);
    otel_resource_destroy(r);
}

static char last_warning[512];

static void capture(otel_diag_level_t level, const char *message, void *user)
{
    (void)user;
    if (level == OTEL_DIAG_WARN)
        snprintf(last_warning, sizeof(last_warning), "%s", message);
}

Test(trace_resource, env_attributes_and_service_name_precedence)
{
    otel_set_diag_handler(capture, NULL);
    setenv("OTEL_RESOURCE_ATTRIBUTES",
           "deployment.environment=prod, team = a%20b ,service.name=from-attrs,broken,=nokey,bad=%zz,x=1=2", 1);
    unsetenv("OTEL_SERVICE_NAME");
    otel_resource_t *r = otel_resource_create_default(NULL);
    cr_expect(str_is(find(r, "deployment.environment"), "prod"));
    cr_expect(str_is(find(r, "team"), "a b"), "trimmed and percent-decoded");
    cr_expect(str_is(find(r, "service.name"), "from-attrs"));
    cr_expect_null(find(r, "broken"));
    cr_expect_null(find(r, "bad"));
    cr_expect(str_is(find(r, "x"), "1=2"));
    cr_expect(strstr(last_warning, "OTEL_RESOURCE_ATTRIBUTES") != NULL && strstr(last_warning, "'broken'") != NULL,
              "a clear warning names the variable and the member: %s", last_warning);
    otel_resource_destroy(r);
    otel_set_diag_handler(NULL, NULL);
    setenv("OTEL_SERVICE_NAME", "h2otel", 1);
    r = otel_resource_create_default(NULL);
    cr_expect(str_is(find(r, "service.name"), "h2otel"), "OTEL_SERVICE_NAME wins");
    otel_resource_destroy(r);
}
