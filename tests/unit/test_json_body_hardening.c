/* SPDX-License-Identifier: Apache-2.0 */
/* Regression tests for the YAML-to-JSON conversion (json_body.c) against hostile YAML, found by fuzz_config_yaml. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_body.h"

Test(json_body_hardening, alias_bomb_is_refused_not_expanded)
{
    /* 8 levels of 10 aliases: 10^8 nodes from ~400 bytes; it used to exhaust memory. */
    char yaml[1024];
    size_t n = (size_t)snprintf(yaml, sizeof(yaml), "l0: &l0 [x,x,x,x,x,x,x,x,x,x]\n");
    for (int i = 1; i < 8; i++) {
        n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "l%d: &l%d [", i, i);
        for (int j = 0; j < 10; j++)
            n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "%s*l%d", j ? "," : "", i - 1);
        n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "]\n");
    }
    char err[256] = "";
    cr_assert_null(api_yaml_to_json(yaml, n, "bomb.yaml", err, sizeof(err)));
    cr_assert(strstr(err, "bomb.yaml:") == err && strstr(err, "aliases") != NULL, "err: %s", err);
}

Test(json_body_hardening, self_referencing_alias_terminates)
{
    const char yaml[] = "a: &a [*a, *a, *a]\n";
    char err[256] = "";
    json_t *j = api_yaml_to_json(yaml, sizeof(yaml) - 1, "self.yaml", err, sizeof(err));
    json_decref(j); /* refused or not, it must come back (bounded by depth and node budget) */
    cr_assert(j != NULL || err[0] != '\0');
}

Test(json_body_hardening, aliases_within_budget_still_expand)
{
    const char yaml[] = "base: &b {type: string}\nx: *b\ny: [*b, *b]\n";
    char err[256] = "";
    json_t *j = api_yaml_to_json(yaml, sizeof(yaml) - 1, "ok.yaml", err, sizeof(err));
    cr_assert_not_null(j, "%s", err);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "x"), "type")), "string");
    cr_assert_eq(json_array_size(json_object_get(j, "y")), 2);
    json_decref(j);
}

Test(json_body_hardening, deep_nesting_is_refused_before_loading)
{
    /* 100000 nested flow sequences: libyaml's load is quadratic in depth (tens of seconds); the guard stops at 64. */
    size_t depth = 100000;
    char *yaml = malloc(2 * depth);
    memset(yaml, '[', depth);
    memset(yaml + depth, ']', depth);
    char err[256] = "";
    cr_assert_null(api_yaml_to_json(yaml, 2 * depth, "deep.yaml", err, sizeof(err)));
    cr_assert_str_eq(err, "deep.yaml:1: nesting too deep");
    free(yaml);
}
