/* SPDX-License-Identifier: Apache-2.0 */
/* The harness leaves no service behind: a test process that is killed, or stuck after its runner was killed. */
#include "harness.h"

/* Scenario processes, forked from the Criterion test so the test can play the runner's part:
 *   runner (killed by the test) -> worker (starts h2otel through the harness, then dies or hangs) -> h2otel. */

typedef struct started {
    pid_t worker, service, watchdog;
} started_t;

/* True while pid is a live process (not gone, not a zombie). */
static int alive(pid_t pid)
{
    char path[64], stat[256];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t n = fread(stat, 1, sizeof(stat) - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *state = strrchr(stat, ')');
    return state != NULL && state[1] == ' ' && state[2] != 'Z' && state[2] != 'X';
}

static int gone_within(pid_t pid, double seconds)
{
    double end = now_s() + seconds;
    while (now_s() < end) {
        if (!alive(pid))
            return 1;
        usleep(20000);
    }
    return 0;
}

/* The worker: starts the service with the harness, reports the pids up the pipe, then `hang`s or dies at once. */
static void worker(int report_fd, int hang)
{
    svc_t s;
    SVC_START(&s, "--dummy-delay-min-ms", "0", "--dummy-delay-max-ms", "0");
    started_t st = {getpid(), s.pid, s.watchdog_pid};
    if (write(report_fd, &st, sizeof(st)) != (ssize_t)sizeof(st))
        _exit(3);
    alarm(30); /* in any case: this process holds Criterion's descriptors, and Criterion waits for them */
    if (!hang)
        _exit(1); /* a crashed test: no svc_stop */
    for (;;)
        pause(); /* a test stuck forever */
}

/* Forks runner -> worker; returns the runner's pid and what the worker started (all zero if it did not start). */
static pid_t start_scenario(started_t *st, int hang)
{
    int p[2];
    cr_assert(pipe(p) == 0);
    pid_t runner = fork();
    cr_assert(runner >= 0);
    if (runner == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* should the test fail before it kills this one */
        close(p[0]);
        pid_t w = fork();
        if (w == 0)
            worker(p[1], hang);
        for (;;)
            pause(); /* the runner waits until it is killed */
    }
    close(p[1]);
    if (read(p[0], st, sizeof(*st)) != (ssize_t)sizeof(*st))
        memset(st, 0, sizeof(*st));
    close(p[0]);
    return runner;
}

/* Kills and reaps whatever is left (zombies included): this process is a subreaper, so orphans come here. */
static void reap_all(pid_t runner, const started_t *st)
{
    if (st->worker > 0)
        kill(st->worker, SIGKILL);
    if (st->service > 0)
        kill(st->service, SIGKILL);
    kill(runner, SIGKILL);
    waitpid(runner, NULL, 0);
    double end = now_s() + 5;
    while (now_s() < end && waitpid(-1, NULL, WNOHANG) >= 0)
        usleep(10000);
}

Test(harness_watchdog, runner_killed_while_the_test_hangs, .timeout = 60)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    started_t st;
    pid_t runner = start_scenario(&st, 1);
    int started = st.service > 0 && alive(st.service);
    kill(runner, SIGKILL); /* what a ctest timeout does to Criterion's runner; the stuck worker lives on */
    waitpid(runner, NULL, 0);
    usleep(100000);
    int worker_alive = st.worker > 0 && alive(st.worker);
    int service_gone = started && gone_within(st.service, 5);
    int watchdog_gone = st.watchdog > 0 && gone_within(st.watchdog, 5);
    reap_all(runner, &st); /* before any assertion: a failed one must not leave these behind */
    cr_assert(started, "the worker did not start the service");
    cr_assert(worker_alive, "the stuck worker outlives its runner (the case PR_SET_PDEATHSIG cannot see)");
    cr_assert(service_gone, "h2otel (pid %d) still runs 5 s after its test's runner was killed", (int)st.service);
    cr_assert(watchdog_gone, "the watchdog (pid %d) did not exit", (int)st.watchdog);
}

Test(harness_watchdog, test_process_dies_without_svc_stop, .timeout = 60)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    started_t st;
    pid_t runner = start_scenario(&st, 0); /* the worker exits right after reporting, without stopping anything */
    int started = st.service > 0;
    int service_gone = started && gone_within(st.service, 5);
    int watchdog_gone = st.watchdog > 0 && gone_within(st.watchdog, 5);
    reap_all(runner, &st);
    cr_assert(started, "the worker did not start the service");
    cr_assert(service_gone, "h2otel (pid %d) still runs 5 s after its test process died", (int)st.service);
    cr_assert(watchdog_gone, "the watchdog (pid %d) did not exit", (int)st.watchdog);
}

Test(harness_watchdog, normal_stop_reaps_the_watchdog, .timeout = 60)
{
    svc_t s;
    SVC_START(&s, "--dummy-delay-min-ms", "0", "--dummy-delay-max-ms", "0");
    pid_t watchdog = s.watchdog_pid;
    cr_assert(watchdog > 0 && alive(watchdog));
    http_res_t r;
    http_get(&r, &s, "/healthz");
    cr_assert_eq(r.status, 200);
    svc_stop(&s);
    cr_assert_eq(s.watchdog_pid, 0);
    cr_assert(!alive(watchdog), "the watchdog outlived svc_stop");
    cr_assert(waitpid(watchdog, NULL, WNOHANG) < 0 && errno == ECHILD, "the watchdog was not reaped");
}
