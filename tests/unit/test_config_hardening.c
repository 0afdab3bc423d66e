/* SPDX-License-Identifier: Apache-2.0 */
/* Regression test for configuration errors on hostile keys, found by tests/fuzz/fuzz_config_yaml. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

Test(config_hardening, a_key_with_a_line_break_still_gives_one_line)
{
    /* The fuzzer's input: a flow mapping whose key is a plain scalar spanning lines. */
    const char yaml[] = "{0.\"\n\n? l,0}\n";
    char path[] = "/tmp/h2otel-cfg-hardening-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_eq(write(fd, yaml, sizeof(yaml) - 1), (ssize_t)sizeof(yaml) - 1);
    close(fd);
    api_config_t cfg;
    api_config_defaults(&cfg);
    char err[1024] = "";
    cr_assert_eq(api_config_apply_file(&cfg, path, err, sizeof(err)), -1);
    unlink(path);
    cr_assert(strchr(err, '\n') == NULL, "not one line: '%s'", err);
    cr_assert(strstr(err, "unknown key") != NULL, "%s", err);
    for (const char *p = err; *p; p++)
        cr_assert((unsigned char)*p >= 0x20, "control character in '%s'", err);
}
