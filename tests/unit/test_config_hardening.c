/* SPDX-License-Identifier: Apache-2.0 */
/* Regression tests for configuration errors on hostile keys and values, found by tests/fuzz/fuzz_config_yaml. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

/* Applies `yaml` (len bytes) as a configuration file over the defaults; returns api_config_apply_file's status. */
static int apply(const char *yaml, size_t len, api_config_t *cfg, char *err, size_t errlen)
{
    char path[] = "/tmp/h2otel-cfg-hardening-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, yaml, len), (ssize_t)len);
    close(fd);
    api_config_defaults(cfg);
    int rc = api_config_apply_file(cfg, path, err, errlen);
    unlink(path);
    return rc;
}

Test(config_hardening, a_key_with_a_line_break_still_gives_one_line)
{
    /* The fuzzer's input: a flow mapping whose key is a plain scalar spanning lines. */
    const char yaml[] = "{0.\"\n\n? l,0}\n";
    api_config_t cfg;
    char err[1024] = "";
    cr_assert_eq(apply(yaml, sizeof(yaml) - 1, &cfg, err, sizeof(err)), -1);
    cr_assert(strchr(err, '\n') == NULL, "not one line: '%s'", err);
    cr_assert(strstr(err, "unknown key") != NULL, "%s", err);
    for (const char *p = err; *p; p++)
        cr_assert((unsigned char)*p >= 0x20, "control character in '%s'", err);
}

Test(config_hardening, a_folded_listen_value_still_gives_one_line)
{
    /* fuzz_config_yaml (session 2): a plain scalar over several lines with an empty one folds to a value holding
     * a line break, which api_config_validate quoted raw in "expected HOST:PORT, got '...'". */
    const char yaml[] = "service:\n  listen: ${LIST80nit}\n    nalse\n  \n   ur}\n";
    api_config_t cfg;
    char err[1024] = "";
    cr_assert_eq(apply(yaml, sizeof(yaml) - 1, &cfg, err, sizeof(err)), 0, "%s", err);
    cr_assert(strchr(cfg.listen, '\n') != NULL, "the value holds a line break: '%s'", cfg.listen);
    cr_assert_eq(api_config_validate(&cfg, err, sizeof(err)), -1);
    cr_assert(strstr(err, "key 'service.listen': expected HOST:PORT") != NULL, "%s", err);
    for (const char *p = err; *p; p++)
        cr_assert((unsigned char)*p >= 0x20, "control character in '%s'", err);
}

Test(config_hardening, a_flag_with_a_line_break_still_gives_one_line)
{
    char *argv[] = {"h2otel", "--listen", "a\nb:1\r", "--bogus\n"};
    api_config_t cfg;
    char err[1024] = "";
    cr_assert_eq(api_config_load(&cfg, 3, argv, stdout, err, sizeof(err)), API_CONFIG_ERROR);
    cr_assert(strstr(err, "service.listen") != NULL && strchr(err, '\n') == NULL && strchr(err, '\r') == NULL, "%s",
              err);
    cr_assert_eq(api_config_load(&cfg, 4, argv, stdout, err, sizeof(err)), API_CONFIG_ERROR);
    cr_assert(strstr(err, "unknown option '--bogus?'") != NULL, "%s", err);
}
