/* SPDX-License-Identifier: Apache-2.0 */
/* Integration-test harness: starts the real h2otel binary on a free 127.0.0.1 port and talks HTTP via libcurl. */
#ifndef H2OTEL_TEST_HARNESS_H
#define H2OTEL_TEST_HARNESS_H

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct svc {
    pid_t pid;
    pid_t watchdog_pid; /* the service's watchdog (see svc_watchdog_start), 0 when there is none */
    int watchdog_fd;    /* write end of its pipe: held only by the test process */
    int port;
    char base[64];      /* "http://127.0.0.1:PORT" */
    char log_path[128]; /* the service's stdout */
    char err_path[128]; /* the service's stderr */
} svc_t;

typedef struct http_res {
    long status;
    char body[1 << 16];
    size_t len;
    char content_type[128];
    char allow[64];
    double seconds;
    CURLcode rc;
} http_res_t;

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sa);
    cr_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    close(fd);
    return ntohs(sa.sin_port);
}

static size_t on_write(char *data, size_t size, size_t n, void *arg)
{
    http_res_t *r = arg;
    size_t len = size * n, room = sizeof(r->body) - 1 - r->len;
    memcpy(r->body + r->len, data, len < room ? len : room);
    r->len += len < room ? len : room;
    r->body[r->len] = '\0';
    return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    http_res_t *r = arg;
    size_t len = size * n;
    if (len > 14 && strncasecmp(data, "content-type: ", 14) == 0)
        snprintf(r->content_type, sizeof(r->content_type), "%.*s", (int)(len - 16), data + 14);
    if (len > 7 && strncasecmp(data, "allow: ", 7) == 0)
        snprintf(r->allow, sizeof(r->allow), "%.*s", (int)(len - 9), data + 7);
    return len;
}

/** HTTP version of http_do (CURL_HTTP_VERSION_*); each Criterion test runs in its own process. */
static long harness_http_version = CURL_HTTP_VERSION_1_1;

/** One request on a fresh connection. body == NULL means GET (unless method says otherwise). */
static inline void http_do(http_res_t *r, const char *method, const char *url, const char *body, size_t body_len,
                           long timeout_ms)
{
    memset(r, 0, sizeof(*r));
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, harness_http_version);
    if (body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
    }
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    double t0 = now_s();
    r->rc = curl_easy_perform(c);
    r->seconds = now_s() - t0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

static inline void http_get(http_res_t *r, const svc_t *s, const char *path)
{
    char url[256];
    snprintf(url, sizeof(url), "%s%s", s->base, path);
    http_do(r, "GET", url, NULL, 0, 20000);
}

/**
 * Runs in the forked child before exec: dies with the test process, and points LeakSanitizer at
 * tests/lsan.supp (h2o-internal suppressions only) unless the caller set LSAN_OPTIONS.
 */
static inline void svc_child_setup(void)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* a failed assertion ends the test process: take the service with it */
    const char *src = getenv("H2OTEL_SOURCE_DIR");
    if (src != NULL && getenv("LSAN_OPTIONS") == NULL) {
        char opt[1024];
        snprintf(opt, sizeof(opt), "suppressions=%s/tests/lsan.supp:print_suppressions=0", src);
        setenv("LSAN_OPTIONS", opt, 1);
    }
}

/**
 * Starts a watchdog process for the service `s->pid` (a child of the calling test process). PR_SET_PDEATHSIG alone
 * is not enough: it fires only when the test process dies, and a timed-out test can outlive its Criterion runner
 * (the runner is killed, the stuck worker lives on, and so did its service). The watchdog SIGKILLs the service as
 * soon as either the test process is gone (EOF on a pipe whose write end only the test process holds) or the
 * test process's parent, the runner, is gone (its pidfd becomes readable). It signals through a pidfd opened
 * before any waitpid, so a recycled pid is never hit. svc_wait/svc_stop close the pipe and reap it.
 */
static inline void svc_watchdog_start(svc_t *s)
{
    int svc_fd = (int)syscall(SYS_pidfd_open, s->pid, 0);
    int runner_fd = (int)syscall(SYS_pidfd_open, getppid(), 0);
    int p[2];
    cr_assert(svc_fd >= 0 && pipe2(p, O_CLOEXEC) == 0, "watchdog: pidfd_open or pipe2 failed: %s", strerror(errno));
    s->watchdog_pid = fork();
    cr_assert(s->watchdog_pid >= 0);
    if (s->watchdog_pid == 0) {
        prctl(PR_SET_NAME, "h2otel-watchdog");
        for (int fd = 3; fd < 1024; fd++) /* hold no one else's pipe (other services' write ends) */
            if (fd != p[0] && fd != svc_fd && fd != runner_fd)
                close(fd);
        struct pollfd w[2] = {{.fd = p[0], .events = POLLIN}, {.fd = runner_fd, .events = POLLIN}};
        while (poll(w, runner_fd >= 0 ? 2 : 1, -1) < 0 && errno == EINTR)
            ;
        syscall(SYS_pidfd_send_signal, svc_fd, SIGKILL, NULL, 0); /* ESRCH when it already ended: fine */
        _exit(0);
    }
    close(p[0]);
    close(svc_fd);
    if (runner_fd >= 0)
        close(runner_fd);
    s->watchdog_fd = p[1];
}

/** Ends the watchdog of a service that has been reaped (nothing left to kill) and reaps it. */
static inline void svc_watchdog_stop(svc_t *s)
{
    if (s->watchdog_pid <= 0)
        return;
    close(s->watchdog_fd);
    waitpid(s->watchdog_pid, NULL, 0);
    s->watchdog_pid = 0;
}

/* True once the child printed its "listening" line: main then waits for SIGTERM (a SIGTERM earlier would kill it).
 * A /healthz answer alone is not proof: another test's instance may have drawn the same free port (SO_REUSEPORT).
 * When H2OTEL_LOG_LEVEL hides info lines, the /healthz answer has to do. */
static inline int svc_said_listening(const svc_t *s)
{
    const char *level = getenv("H2OTEL_LOG_LEVEL");
    if (level != NULL && (strcmp(level, "warn") == 0 || strcmp(level, "error") == 0))
        return 1;
    FILE *f = fopen(s->log_path, "r");
    char line[1024];
    int found = 0;
    while (f != NULL && !found && fgets(line, sizeof(line), f) != NULL)
        found = strstr(line, "\"msg\":\"listening\"") != NULL;
    if (f != NULL)
        fclose(f);
    return found;
}

/** Starts $H2OTEL_BIN --listen 127.0.0.1:<free port> plus the NULL-terminated extra args; waits for /healthz. */
static inline void svc_start_argv(svc_t *s, const char *const *extra)
{
    const char *bin = getenv("H2OTEL_BIN");
    cr_assert(bin != NULL, "H2OTEL_BIN must name the h2otel binary");
    memset(s, 0, sizeof(*s));
    s->port = free_port();
    snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->port);
    snprintf(s->log_path, sizeof(s->log_path), "/tmp/h2otel-test-%d-%d.out", (int)getpid(), s->port);
    snprintf(s->err_path, sizeof(s->err_path), "/tmp/h2otel-test-%d-%d.err", (int)getpid(), s->port);
    char listen[64];
    snprintf(listen, sizeof(listen), "127.0.0.1:%d", s->port);
    const char *argv[64] = {bin, "--listen", listen, "--threads", "2"};
    int argc = 5, has_config = 0;
    for (int i = 0; extra != NULL && extra[i] != NULL && argc < 62; i++) {
        has_config |= strcmp(extra[i], "--config") == 0;
        argv[argc++] = extra[i];
    }
    argv[argc] = NULL;
    s->pid = fork();
    cr_assert(s->pid >= 0);
    if (s->pid == 0) {
        int out = open(s->log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(s->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, 1);
        dup2(err, 2);
        svc_child_setup();
        if (!has_config) { /* no Collector here: telemetry runs but exports nothing, unless the test says otherwise */
            setenv("OTEL_TRACES_EXPORTER", "none", 0);
            setenv("OTEL_METRICS_EXPORTER", "none", 0);
            setenv("OTEL_LOGS_EXPORTER", "none", 0);
        }
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    svc_watchdog_start(s);
    for (int i = 0; i < 200; i++) { /* up to 10 s: ASan builds start slowly on a busy machine */
        http_res_t r;
        char url[128];
        snprintf(url, sizeof(url), "%s/healthz", s->base);
        http_do(&r, "GET", url, NULL, 0, 1000);
        if (r.status == 200 && svc_said_listening(s))
            return;
        int st;
        cr_assert(waitpid(s->pid, &st, WNOHANG) == 0, "h2otel exited during start-up (see %s)", s->err_path);
        usleep(50000);
    }
    cr_assert_fail("h2otel did not answer /healthz on port %d", s->port);
}

#define SVC_START(s, ...) svc_start_argv((s), (const char *const[]){__VA_ARGS__, NULL})

/** Waits up to timeout_s for the process; returns its wait status, or -1 after killing it on timeout. */
static inline int svc_wait(svc_t *s, double timeout_s)
{
    double end = now_s() + timeout_s;
    int st;
    while (now_s() < end) {
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            svc_watchdog_stop(s);
            return st;
        }
        usleep(10000);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, &st, 0);
    svc_watchdog_stop(s);
    return -1;
}

/** SIGTERM, then asserts a clean exit 0 (under ASan this includes "no leaks"). */
static inline void svc_stop(svc_t *s)
{
    kill(s->pid, SIGTERM);
    int st = svc_wait(s, 20);
    cr_assert(st != -1, "h2otel did not exit after SIGTERM");
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "h2otel exit status %d (stderr in %s)",
              WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), s->err_path);
    unlink(s->log_path);
    unlink(s->err_path);
}

/** Parses r->body as JSON (asserting it is). */
static inline json_t *body_json(const http_res_t *r)
{
    json_error_t e;
    json_t *j = json_loads(r->body, 0, &e);
    cr_assert(j != NULL, "body is not JSON (%s): %s", e.text, r->body);
    return j;
}

/** Asserts r is a JSON error with the given status and error code. */
static inline void assert_error(const http_res_t *r, long status, const char *code)
{
    cr_assert_eq(r->status, status, "status %ld, want %ld, body %s", r->status, status, r->body);
    cr_assert_str_eq(r->content_type, "application/json");
    json_t *j = body_json(r);
    cr_assert_str_eq(json_string_value(json_object_get(j, "error")), code);
    cr_assert(json_is_string(json_object_get(j, "message")));
    json_decref(j);
}

#endif
