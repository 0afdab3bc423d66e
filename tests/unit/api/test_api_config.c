/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/api/config.c: defaults, YAML files (good and bad), environment, flags, precedence. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char tmp_path[64];

static const char *write_yaml(const char *text)
{
    snprintf(tmp_path, sizeof(tmp_path), "/tmp/h2otel-cfg-XXXXXX");
    int fd = mkstemp(tmp_path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return tmp_path;
}

static void clear_env(void)
{
    const char *vars[] = {"H2OTEL_CONFIG",    "H2OTEL_LISTEN",         "H2OTEL_THREADS",
                          "H2OTEL_LOG_LEVEL", "H2OTEL_DOWNSTREAM_URL", "H2OTEL_DUMMY_DELAY_MIN_MS",
                          "H2OTEL_ACCESS_LOG"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
}

static api_config_result_t load(api_config_t *cfg, char *err, int argc, const char **argv)
{
    FILE *out = fopen("/dev/null", "w");
    api_config_result_t r = api_config_load(cfg, argc, (char **)argv, out, err, 512);
    fclose(out);
    return r;
}

TestSuite(config, .init = clear_env);

Test(config, defaults_match_the_issue)
{
    api_config_t c;
    char err[512];
    const char *argv[] = {"h2otel"};
    cr_assert_eq(load(&c, err, 1, argv), API_CONFIG_RUN, "%s", err);
    cr_assert_str_eq(c.listen, "0.0.0.0:8080");
    cr_assert_str_eq(c.listen_host, "0.0.0.0");
    cr_assert_eq(c.listen_port, 8080);
    cr_assert_eq(c.threads, (uint32_t)sysconf(_SC_NPROCESSORS_ONLN));
    cr_assert_eq(c.max_body_bytes, 1024 * 1024);
    cr_assert_eq(c.dummy_delay.min_ms, 2000);
    cr_assert_eq(c.dummy_delay.max_ms, 5000);
    cr_assert_eq(c.slow_delay.min_ms, 10000);
    cr_assert_eq(c.slow_delay.max_ms, 15000);
    cr_assert_eq(c.log_level, API_LOG_INFO);
    cr_assert_eq(c.access_log, 1);
}

Test(config, good_file_is_applied)
{
    const char *path = write_yaml("file_format: '0.3'\n"
                                  "tracer_provider:\n  processors: []\n"
                                  "service:\n"
                                  "  listen: '[::1]:9090'\n"
                                  "  threads: 3\n"
                                  "  log_level: debug\n"
                                  "  access_log: false\n"
                                  "  downstream:\n    url: http://localhost:9/x\n    timeout_ms: 250\n"
                                  "  dummy:\n    delay_min_ms: 0\n    delay_max_ms: \"0\"\n"
                                  "  throttle:\n    workers: 4\n    queue: 8\n");
    api_config_t c;
    char err[512];
    const char *argv[] = {"h2otel", "--config", path};
    cr_assert_eq(load(&c, err, 3, argv), API_CONFIG_RUN, "%s", err);
    cr_assert_str_eq(c.listen_host, "::1");
    cr_assert_eq(c.listen_port, 9090);
    cr_assert_eq(c.threads, 3);
    cr_assert_eq(c.log_level, API_LOG_DEBUG);
    cr_assert_eq(c.access_log, 0);
    cr_assert_str_eq(c.downstream_url, "http://localhost:9/x");
    cr_assert_eq(c.downstream_timeout_ms, 250);
    cr_assert_eq(c.dummy_delay.max_ms, 0);
    cr_assert_eq(c.throttle_workers, 4);
    cr_assert_eq(c.throttle_queue, 8);
    cr_assert_str_eq(c.config_file, path);
    unlink(path);
}

Test(config, env_substitution_in_file)
{
    setenv("H2OTEL_TEST_PORT", "7070", 1);
    const char *path = write_yaml("service:\n  listen: 127.0.0.1:${H2OTEL_TEST_PORT}\n"
                                  "  threads: ${H2OTEL_TEST_UNSET:-5}\n");
    api_config_t c;
    char err[512];
    const char *argv[] = {"h2otel", "--config", path};
    cr_assert_eq(load(&c, err, 3, argv), API_CONFIG_RUN, "%s", err);
    cr_assert_eq(c.listen_port, 7070);
    cr_assert_eq(c.threads, 5);
    unsetenv("H2OTEL_TEST_PORT");
    unlink(path);
}

static void expect_file_error(const char *yaml, const char *want_suffix)
{
    const char *path = write_yaml(yaml);
    api_config_t c;
    char err[512], want[512];
    const char *argv[] = {"h2otel", "--config", path};
    cr_assert_eq(load(&c, err, 3, argv), API_CONFIG_ERROR);
    snprintf(want, sizeof(want), "h2otel: %s:%s", path, want_suffix);
    cr_assert_str_eq(err, want);
    cr_assert(strchr(err, '\n') == NULL, "one line");
    unlink(path);
}

Test(config, bad_files_name_file_line_and_key)
{
    expect_file_error("service:\n  threads: many\n", "2: key 'service.threads': expected an unsigned integer");
    expect_file_error("service:\n  threads: 0\n", "2: key 'service.threads': must be between 1 and 256");
    expect_file_error("service:\n\n  colour: blue\n", "3: key 'service.colour': unknown key");
    expect_file_error("servce:\n  threads: 1\n", "1: key 'servce': unknown key");
    expect_file_error("service:\n  access_log: yes please\n", "2: key 'service.access_log': expected true or false");
    expect_file_error("service:\n  downstream: http://x\n", "2: key 'service.downstream': expected a mapping");
    expect_file_error("service:\n  dummy:\n    delay_min_ms: [1, 2]\n",
                      "3: key 'service.dummy.delay_min_ms': expected a single value");
    expect_file_error("service:\n  log_level: loud\n",
                      "2: key 'service.log_level': expected debug, info, warn or error");
    expect_file_error("service: [1\n", "2: invalid YAML: did not find expected ',' or ']'");
}

Test(config, missing_file_is_an_error)
{
    api_config_t c;
    char err[512];
    const char *argv[] = {"h2otel", "--config=/nonexistent.yaml"};
    cr_assert_eq(load(&c, err, 2, argv), API_CONFIG_ERROR);
    cr_assert_str_eq(err, "h2otel: /nonexistent.yaml: cannot open: No such file or directory");
}

Test(config, precedence_flags_over_env_over_file)
{
    const char *path = write_yaml("service:\n  threads: 3\n  listen: 127.0.0.1:1000\n  log_level: error\n");
    setenv("H2OTEL_THREADS", "4", 1);
    setenv("H2OTEL_LISTEN", "127.0.0.1:2000", 1);
    api_config_t c;
    char err[512];
    const char *argv[] = {"h2otel", "--config", path, "--threads", "6"};
    cr_assert_eq(load(&c, err, 5, argv), API_CONFIG_RUN, "%s", err);
    cr_assert_eq(c.threads, 6);               /* flag */
    cr_assert_eq(c.listen_port, 2000);        /* env over file */
    cr_assert_eq(c.log_level, API_LOG_ERROR); /* file over default */
    unlink(path);
}

Test(config, config_file_from_env)
{
    const char *path = write_yaml("service:\n  threads: 7\n");
    setenv("H2OTEL_CONFIG", path, 1);
    api_config_t c;
    char err[512];
    const char *argv[] = {"h2otel"};
    cr_assert_eq(load(&c, err, 1, argv), API_CONFIG_RUN, "%s", err);
    cr_assert_eq(c.threads, 7);
    unlink(path);
}

Test(config, flag_errors)
{
    api_config_t c;
    char err[512];
    const char *a1[] = {"h2otel", "--nope"};
    cr_assert_eq(load(&c, err, 2, a1), API_CONFIG_ERROR);
    cr_assert_str_eq(err, "h2otel: unknown option '--nope' (see --help)");
    const char *a2[] = {"h2otel", "--threads"};
    cr_assert_eq(load(&c, err, 2, a2), API_CONFIG_ERROR);
    cr_assert_str_eq(err, "h2otel: --threads: missing value");
    const char *a3[] = {"h2otel", "--threads=abc"};
    cr_assert_eq(load(&c, err, 2, a3), API_CONFIG_ERROR);
    cr_assert_str_eq(err, "h2otel: --threads: expected an unsigned integer");
    const char *a4[] = {"h2otel", "--listen", "nocolon"};
    cr_assert_eq(load(&c, err, 3, a4), API_CONFIG_ERROR);
    cr_assert_str_eq(err, "h2otel: key 'service.listen': expected HOST:PORT, got 'nocolon'");
    const char *a5[] = {"h2otel", "--dummy-delay-min-ms", "10", "--dummy-delay-max-ms", "5"};
    cr_assert_eq(load(&c, err, 5, a5), API_CONFIG_ERROR);
    cr_assert_str_eq(err, "h2otel: key 'service.dummy.delay_min_ms': 10 exceeds delay_max_ms 5");
    const char *a6[] = {"h2otel", "--downstream-url", "https://x/"};
    cr_assert_eq(load(&c, err, 3, a6), API_CONFIG_ERROR);
    cr_assert(strstr(err, "only http:// URLs") != NULL);
}

Test(config, env_errors_name_the_variable)
{
    setenv("H2OTEL_LOG_LEVEL", "chatty", 1);
    api_config_t c;
    char err[512];
    const char *argv[] = {"h2otel"};
    cr_assert_eq(load(&c, err, 1, argv), API_CONFIG_ERROR);
    cr_assert_str_eq(err, "h2otel: environment H2OTEL_LOG_LEVEL: expected debug, info, warn or error");
}

Test(config, bare_boolean_flag_and_help)
{
    api_config_t c;
    char err[512];
    const char *a1[] = {"h2otel", "--access-log=false"};
    cr_assert_eq(load(&c, err, 2, a1), API_CONFIG_RUN, "%s", err);
    cr_assert_eq(c.access_log, 0);
    const char *a2[] = {"h2otel", "--access-log", "--threads", "2"};
    cr_assert_eq(load(&c, err, 4, a2), API_CONFIG_RUN, "%s", err);
    cr_assert_eq(c.access_log, 1);
    cr_assert_eq(c.threads, 2);
    const char *a3[] = {"h2otel", "--threads", "2", "--help"};
    cr_assert_eq(load(&c, err, 4, a3), API_CONFIG_EXIT);
    const char *a4[] = {"h2otel", "--version"};
    cr_assert_eq(load(&c, err, 2, a4), API_CONFIG_EXIT);
}

Test(config, expand)
{
    char out[64];
    setenv("H2OTEL_X", "abc", 1);
    cr_assert_eq(api_config_expand("a${H2OTEL_X}b", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "aabcb");
    cr_assert_eq(api_config_expand("${H2OTEL_NOPE:-d:e}", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "d:e");
    cr_assert_eq(api_config_expand("${H2OTEL_NOPE}", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "");
    cr_assert_eq(api_config_expand("${H2OTEL_X", out, sizeof(out)), -1);
    cr_assert_eq(api_config_expand("0123456789", out, 5), -1);
}
