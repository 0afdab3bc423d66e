/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: start-up errors (exit 2), --help/--version, and the SIGTERM drain of the real binary. */
#include <pthread.h>

#include "harness.h"

/* Runs the binary to completion with argv; returns the exit code and the first line of stderr. */
static int run_to_exit(const char *const *args, char *first_err_line, size_t len)
{
    char err_path[] = "/tmp/h2otel-test-err-XXXXXX";
    int errfd = mkstemp(err_path);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(errfd, 2);
        svc_child_setup();
        const char *argv[32] = {getenv("H2OTEL_BIN")};
        for (int i = 0; args[i] != NULL && i < 30; i++)
            argv[i + 1] = args[i];
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    FILE *fp = fdopen(errfd, "r");
    rewind(fp);
    first_err_line[0] = '\0';
    if (fgets(first_err_line, (int)len, fp) == NULL)
        first_err_line[0] = '\0';
    fclose(fp);
    unlink(err_path);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

Test(lifecycle, unknown_flag_exits_2_with_one_line)
{
    char line[1024];
    int code = run_to_exit((const char *const[]){"--bogus", NULL}, line, sizeof(line));
    cr_assert_eq(code, 2);
    cr_assert(strstr(line, "unknown option '--bogus'") != NULL, "stderr: %s", line);
}

Test(lifecycle, bad_config_file_names_file_line_and_key)
{
    char path[] = "/tmp/h2otel-test-cfg-XXXXXX";
    int fd = mkstemp(path);
    const char yaml[] = "file_format: '0.3'\nservice:\n  listen: 127.0.0.1:1\n  threads: many\n";
    cr_assert_eq(write(fd, yaml, sizeof(yaml) - 1), (ssize_t)sizeof(yaml) - 1);
    close(fd);
    char line[1024], want[256];
    int code = run_to_exit((const char *const[]){"--config", path, NULL}, line, sizeof(line));
    cr_assert_eq(code, 2);
    snprintf(want, sizeof(want), "h2otel: %s:4: key 'service.threads': expected an unsigned integer\n", path);
    cr_assert_str_eq(line, want);
    unlink(path);
}

Test(lifecycle, version_and_help_exit_0)
{
    char line[1024];
    cr_assert_eq(run_to_exit((const char *const[]){"--version", NULL}, line, sizeof(line)), 0);
    cr_assert_eq(run_to_exit((const char *const[]){"--help", NULL}, line, sizeof(line)), 0);
    cr_assert_str_eq(line, ""); /* help goes to stdout */
}

Test(lifecycle, busy_port_is_reported)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(sa);
    cr_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 1) == 0);
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    char listen_arg[64], line[1024];
    snprintf(listen_arg, sizeof(listen_arg), "127.0.0.1:%d", ntohs(sa.sin_port));
    int code = run_to_exit((const char *const[]){"--listen", listen_arg, NULL}, line, sizeof(line));
    cr_assert_eq(code, 1);
    cr_assert(strstr(line, "cannot listen on 127.0.0.1") != NULL, "stderr: %s", line);
    close(fd);
}

typedef struct call {
    const svc_t *s;
    const char *path;
    http_res_t r;
} call_t;

static void *do_call(void *arg)
{
    call_t *c = arg;
    http_get(&c->r, c->s, c->path);
    return NULL;
}

Test(lifecycle, sigterm_drains_in_flight_request_and_exits_0)
{
    svc_t s;
    SVC_START(&s, "--dummy-delay-min-ms", "800", "--dummy-delay-max-ms", "800", "--shutdown-grace-ms", "5000");
    call_t c = {.s = &s, .path = "/api/v1/dummy/"};
    pthread_t tid;
    pthread_create(&tid, NULL, do_call, &c);
    usleep(250000);
    double t0 = now_s();
    kill(s.pid, SIGTERM);
    usleep(100000);
    /* Draining: the listener is closed, new connections are refused. */
    http_res_t r;
    http_get(&r, &s, "/healthz");
    cr_assert_eq(r.rc, CURLE_COULDNT_CONNECT, "new connection during drain: curl rc %d status %ld", r.rc, r.status);
    pthread_join(tid, NULL);
    cr_assert_eq(c.r.status, 200, "in-flight request got %ld (curl rc %d)", c.r.status, c.r.rc);
    cr_assert_str_eq(c.r.body, "{\"message\":\"Hello, OpenTelemetry!\"}");
    int st = svc_wait(&s, 20);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
    cr_assert(now_s() - t0 < 4.0, "drain took %.2f s for an 800 ms request", now_s() - t0);
    unlink(s.log_path);
    unlink(s.err_path);
}

Test(lifecycle, grace_period_bounds_the_drain)
{
    svc_t s;
    SVC_START(&s, "--slow-delay-min-ms", "30000", "--slow-delay-max-ms", "30000", "--shutdown-grace-ms", "300");
    call_t c = {.s = &s, .path = "/api/v1/dummy/slow"};
    pthread_t tid;
    pthread_create(&tid, NULL, do_call, &c);
    usleep(250000);
    double t0 = now_s();
    kill(s.pid, SIGTERM);
    int st = svc_wait(&s, 20);
    double took = now_s() - t0;
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
    cr_assert(took >= 0.29 && took < 3.0, "exit %.2f s after SIGTERM with a 300 ms grace", took);
    pthread_join(tid, NULL);
    cr_assert_neq(c.r.status, 200); /* abandoned: the connection closed without an answer */
    unlink(s.log_path);
    unlink(s.err_path);
}

Test(lifecycle, readyz_is_503_while_draining_on_an_open_connection)
{
    svc_t s;
    SVC_START(&s, "--slow-delay-min-ms", "1000", "--slow-delay-max-ms", "1000", "--shutdown-grace-ms", "5000");
    /* Keep one in-flight request so the drain lasts, and one keep-alive connection to ask /readyz on. */
    call_t c = {.s = &s, .path = "/api/v1/dummy/slow"};
    pthread_t tid;
    pthread_create(&tid, NULL, do_call, &c);
    CURL *h = curl_easy_init();
    char url[128];
    http_res_t r = {0};
    snprintf(url, sizeof(url), "%s/readyz", s.base);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
    cr_assert_eq(curl_easy_perform(h), CURLE_OK);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    cr_assert_eq(r.status, 200);
    usleep(200000);
    kill(s.pid, SIGTERM);
    usleep(200000);
    memset(&r, 0, sizeof(r));
    CURLcode rc = curl_easy_perform(h); /* same connection, reused */
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_cleanup(h);
    cr_assert_eq(rc, CURLE_OK);
    cr_assert_eq(r.status, 503, "readyz during drain: %ld %s", r.status, r.body);
    cr_assert(strstr(r.body, "\"error\":\"draining\"") != NULL);
    pthread_join(tid, NULL);
    cr_assert_eq(c.r.status, 200);
    int st = svc_wait(&s, 20);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    unlink(s.log_path);
    unlink(s.err_path);
}
