/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/api/json_body.c: the error body and YAML-to-JSON conversion. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "json_body.h"

Test(json_body, error_body_shape_and_escaping)
{
    size_t len = 0;
    char *b = api_json_error_body("not_found", "no route for /a\"b\n", &len);
    cr_assert_str_eq(b, "{\"error\":\"not_found\",\"message\":\"no route for /a\\\"b\\n\"}");
    cr_assert_eq(len, strlen(b));
    free(b);
    cr_assert_null(api_json_error_body("x", "\xff not utf-8", NULL));
}

static char *convert(const char *yaml)
{
    char err[256] = "";
    json_t *j = api_yaml_to_json(yaml, strlen(yaml), "t.yaml", err, sizeof(err));
    cr_assert(j != NULL, "%s", err);
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    return s;
}

Test(json_body, yaml_scalars_get_json_types)
{
    char *s = convert("a: 1\nb: -2.5\nc: true\nd: ~\ne: '3'\nf: text\ng: \"false\"\nh: 0x10\ni: 1e3\n");
    cr_assert_str_eq(s, "{\"a\":1,\"b\":-2.5,\"c\":true,\"d\":null,\"e\":\"3\",\"f\":\"text\",\"g\":\"false\","
                        "\"h\":\"0x10\",\"i\":1000.0}");
    free(s);
}

Test(json_body, yaml_nesting_and_order)
{
    char *s = convert("z: [1, {k: v}]\na:\n  - x\n  - y: [ ]\n'200': {description: ok}\n");
    cr_assert_str_eq(s, "{\"z\":[1,{\"k\":\"v\"}],\"a\":[\"x\",{\"y\":[]}],\"200\":{\"description\":\"ok\"}}");
    free(s);
}

Test(json_body, yaml_errors_carry_the_line)
{
    char err[256];
    cr_assert_null(api_yaml_to_json("a: 1\nb: [\n", 10, "t.yaml", err, sizeof(err)));
    cr_assert(strncmp(err, "t.yaml:3: invalid YAML", 22) == 0, "%s", err);
    cr_assert_null(api_yaml_to_json("", 0, "t.yaml", err, sizeof(err)));
    cr_assert_str_eq(err, "t.yaml:1: empty document");
    cr_assert_null(api_yaml_file_to_json("/nonexistent.yaml", err, sizeof(err)));
    cr_assert_str_eq(err, "/nonexistent.yaml: cannot open: No such file or directory");
}
