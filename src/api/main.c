/* SPDX-License-Identifier: Apache-2.0 */
/* h2otel entry point: configuration, start-up, and the SIGTERM/SIGINT drain. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "server.h"
#include "telemetry.h"

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
    /* After the mask: the SDK's export threads inherit it, so SIGTERM never lands on one of them (and kills). */
    if (api_telemetry_init(&cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }

    api_server_t *server = api_server_create(&cfg, err, sizeof(err));
    if (server == NULL || api_server_start(server, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        /* gRPC's threads may still be starting (loading TLS roots): exit() would run OpenSSL's cleanup under
         * them and crash now and then. Nothing is queued yet, so leave without the exit handlers. */
        fflush(NULL);
        _exit(1);
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
    bool flushed = api_telemetry_shutdown(5000); /* every signal flushed, within 5 s in total */
    api_log(API_LOG_INFO, "stopped", NULL);
    if (!flushed) { /* an export thread is still blocked (no Collector?): do not wait for it in exit handlers */
        fflush(NULL);
        _exit(0);
    }
    return 0;
}
