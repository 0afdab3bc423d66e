/* SPDX-License-Identifier: Apache-2.0 */
/* h2otel entry point: configuration, start-up, and the SIGTERM/SIGINT drain. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "server.h"

int main(int argc, char **argv)
{
    api_config_t cfg;
    char err[1024];
    switch (api_config_load(&cfg, argc, argv, stdout, err, sizeof(err))) {
    case API_CONFIG_RUN:
        break;
    case API_CONFIG_EXIT:
        return 0;
    case API_CONFIG_ERROR:
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    api_log_set_level(cfg.log_level);

    /* Every thread inherits this mask, so only sigwait below sees the signals. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    api_server_t *server = api_server_create(&cfg, err, sizeof(err));
    if (server == NULL || api_server_start(server, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    /* A wildcard address is not something to paste into a browser: show the loopback one instead. */
    const char *host = strcmp(cfg.listen_host, "0.0.0.0") == 0 ? "127.0.0.1"
                       : strcmp(cfg.listen_host, "::") == 0    ? "[::1]"
                       : strchr(cfg.listen_host, ':') != NULL  ? NULL
                                                               : cfg.listen_host;
    char url[300];
    if (host != NULL)
        snprintf(url, sizeof(url), "http://%s:%u/", host, server->bound_port);
    else
        snprintf(url, sizeof(url), "http://[%s]:%u/", cfg.listen_host, server->bound_port);
    api_log(API_LOG_INFO, "listening",
            json_pack("{s:s, s:i, s:i, s:s, s:s}", "url", url, "port", server->bound_port, "threads", cfg.threads,
                      "version", H2OTEL_VERSION, "config_file", cfg.config_file));

    int sig = 0;
    sigwait(&stop_signals, &sig);
    api_log(
        API_LOG_INFO, "shutting down",
        json_pack("{s:s, s:i}", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT", "grace_ms", cfg.shutdown_grace_ms));
    long abandoned = api_server_shutdown(server);
    if (abandoned > 0)
        api_log(API_LOG_WARN, "grace period over: requests abandoned", json_pack("{s:I}", "requests", abandoned));
    api_log(API_LOG_INFO, "stopped", NULL);
    return 0;
}
