/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the YAML configuration file (declarative-config top level + our `service:` section),
 * ${VAR:-default} expansion, and the YAML-to-JSON conversion behind /openapi.json. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "json_body.h"

#include "fuzz_check.h"

/* The loader takes a path: feed it an in-memory file (memfd) through /proc/self/fd, no disk I/O. */
static int memfd = -1;
static char path[64];

/* A configuration error is exactly one line that starts with "h2otel: " (it is printed, then exit 2). */
static void check_one_line(const char *err)
{
    CHECK(strncmp(err, "h2otel: ", 8) == 0 && strchr(err, '\n') == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memfd < 0) {
        memfd = memfd_create("fuzz-config", MFD_CLOEXEC);
        if (memfd < 0)
            return 0;
        snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
        setenv("FUZZ_SET", "value-from-env", 1);
    }
    if (ftruncate(memfd, 0) != 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
        return 0;

    api_config_t cfg;
    api_config_defaults(&cfg);
    char err[1024] = "";
    if (api_config_apply_file(&cfg, path, err, sizeof(err)) != 0) {
        check_one_line(err);
    } else {
        CHECK(cfg.threads >= 1 && cfg.threads <= 256);
        CHECK(strlen(cfg.listen) < sizeof(cfg.listen) && strlen(cfg.downstream_url) < sizeof(cfg.downstream_url));
        err[0] = '\0';
        if (api_config_validate(&cfg, err, sizeof(err)) != 0)
            check_one_line(err);
        else
            CHECK(cfg.dummy_delay.min_ms <= cfg.dummy_delay.max_ms && cfg.listen_host[0] != '\0');
    }

    /* ${VAR} expansion on the raw text (as a C string). */
    char *text = malloc(size + 1);
    if (text != NULL) {
        memcpy(text, data, size);
        text[size] = '\0';
        char out[256];
        if (api_config_expand(text, out, sizeof(out)) == 0)
            CHECK(strlen(out) < sizeof(out));
        /* The same bytes as the OpenAPI document. */
        json_t *j = api_yaml_to_json(text, size, "fuzz.yaml", err, sizeof(err));
        json_decref(j);
        free(text);
    }
    return 0;
}
