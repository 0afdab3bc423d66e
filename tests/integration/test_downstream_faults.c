/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: call-downstream against a scripted misbehaving downstream (garbage, truncation, reset, huge body). */
#include "harness.h"

#include <poll.h>

/* What the fake downstream does with each connection, after reading the request head. */
typedef enum fault {
    FAULT_NOT_HTTP,          /* a line of non-HTTP bytes, then close */
    FAULT_TRUNCATED_HEADERS, /* half a status line + header, then close */
    FAULT_HEADERS_STALL,     /* half the headers, then silence with the connection open */
    FAULT_SILENT,            /* accepts, reads the request, never answers */
    FAULT_INVALID_JSON,      /* a well-formed 200 whose body is not JSON */
    FAULT_HUGE_BODY,         /* a 200 with a 4 MiB body (the service caps downstream bodies at 1 MiB) */
    FAULT_HUGE_CHUNKED,      /* the same, chunked, without a Content-Length */
    FAULT_RESET_MID_BODY,    /* Content-Length 1000, 10 bytes of it, then a TCP RST */
    FAULT_CLOSE_MID_BODY,    /* Content-Length 1000, 10 bytes of it, then a clean FIN */
    FAULT_TRICKLE_BODY,      /* headers at once, then one body byte every 100 ms */
} fault_t;

typedef struct fake {
    pid_t pid;
    int port;
} fake_t;

static void send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

static void send_str(int fd, const char *s)
{
    send_all(fd, s, strlen(s));
}

/* Reads until the blank line ending the request head (or 2 s, or EOF). */
static void read_head(int fd)
{
    char buf[4096];
    size_t len = 0;
    while (len < sizeof(buf) - 1) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 2000) <= 0)
            return;
        ssize_t n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
        if (n <= 0)
            return;
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, "\r\n\r\n") != NULL)
            return;
    }
}

/* Holds fd open (draining input) until the peer closes it or `seconds` pass. */
static void hold(int fd, int seconds)
{
    char buf[256];
    struct pollfd p = {.fd = fd, .events = POLLIN};
    double end = now_s() + seconds;
    while (now_s() < end && poll(&p, 1, 100) >= 0) {
        if ((p.revents & POLLIN) != 0 && recv(fd, buf, sizeof(buf), 0) <= 0)
            return;
    }
}

static void serve(int fd, fault_t fault)
{
    static const char ok_head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    char big[64 * 1024];
    memset(big, 'x', sizeof(big));
    read_head(fd);
    switch (fault) {
    case FAULT_NOT_HTTP:
        send_str(fd, "SSH-2.0-OpenSSH_9.2 this is not HTTP\r\n\r\n");
        break;
    case FAULT_TRUNCATED_HEADERS:
        send_str(fd, "HTTP/1.1 200 OK\r\nContent-Ty");
        break;
    case FAULT_HEADERS_STALL:
        send_str(fd, "HTTP/1.1 200 OK\r\nContent-Ty");
        hold(fd, 10);
        break;
    case FAULT_SILENT:
        hold(fd, 10);
        break;
    case FAULT_INVALID_JSON:
        send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{\"message\": no");
        break;
    case FAULT_HUGE_BODY:
        send_str(fd, ok_head);
        send_str(fd, "Content-Length: 4194304\r\n\r\n");
        for (int i = 0; i < 64; i++)
            send_all(fd, big, sizeof(big));
        break;
    case FAULT_HUGE_CHUNKED:
        send_str(fd, ok_head);
        send_str(fd, "Transfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 64; i++) {
            send_str(fd, "10000\r\n");
            send_all(fd, big, sizeof(big));
            send_str(fd, "\r\n");
        }
        send_str(fd, "0\r\n\r\n");
        break;
    case FAULT_RESET_MID_BODY:
    case FAULT_CLOSE_MID_BODY:
        send_str(fd, ok_head);
        send_str(fd, "Content-Length: 1000\r\n\r\n{\"message\":");
        usleep(100000); /* let the head and the partial body arrive before the reset */
        if (fault == FAULT_RESET_MID_BODY) {
            struct linger l = {.l_onoff = 1, .l_linger = 0}; /* close() now sends RST */
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        }
        break;
    case FAULT_TRICKLE_BODY:
        send_str(fd, ok_head);
        send_str(fd, "Content-Length: 100\r\n\r\n");
        for (int i = 0; i < 100; i++) {
            if (send(fd, " ", 1, MSG_NOSIGNAL) != 1)
                break;
            usleep(100000);
        }
        break;
    }
    close(fd);
}

/* Starts a fake downstream in a child process: one connection at a time, each served with `fault`. */
static void fake_start(fake_t *f, fault_t fault)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sa);
    cr_assert(bind(ls, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    cr_assert(listen(ls, 16) == 0);
    getsockname(ls, (struct sockaddr *)&sa, &len);
    f->port = ntohs(sa.sin_port);
    f->pid = fork();
    cr_assert(f->pid >= 0);
    if (f->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (;;) {
            int fd = accept(ls, NULL, NULL);
            if (fd >= 0)
                serve(fd, fault);
        }
    }
    close(ls);
}

static void fake_stop(fake_t *f)
{
    kill(f->pid, SIGKILL);
    waitpid(f->pid, NULL, 0);
}

/*
 * Points an h2otel (downstream deadline 1 s) at a fake downstream doing `fault`; asserts that two calls in a row
 * each answer `status`/`code` within `max_s` seconds and that the service keeps serving /healthz and /dummy, and
 * exits 0 on SIGTERM.
 */
static void expect_fault(fault_t fault, long status, const char *code, const char *detail, double max_s)
{
    fake_t f;
    fake_start(&f, fault);
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v1/dummy/", f.port);
    svc_t up;
    SVC_START(&up, "--downstream-url", url, "--downstream-timeout-ms", "1000", "--dummy-delay-min-ms", "0",
              "--dummy-delay-max-ms", "0");
    for (int i = 0; i < 2; i++) {
        http_res_t r;
        http_get(&r, &up, "/api/v1/dummy/call-downstream");
        cr_assert_eq(r.rc, CURLE_OK, "call %d: curl error %d after %.3f s", i, r.rc, r.seconds);
        assert_error(&r, status, code);
        cr_assert(r.seconds < max_s, "call %d answered after %.3f s (limit %.1f s)", i, r.seconds, max_s);
        if (detail != NULL)
            cr_assert(strstr(r.body, detail) != NULL, "body %s lacks \"%s\"", r.body, detail);
    }
    http_res_t r;
    http_get(&r, &up, "/healthz");
    cr_assert_eq(r.status, 200);
    http_get(&r, &up, "/api/v1/dummy/");
    cr_assert_eq(r.status, 200, "dummy after the faults: %ld %s", r.status, r.body);
    svc_stop(&up);
    fake_stop(&f);
}

Test(downstream_faults, not_http_is_502)
{
    expect_fault(FAULT_NOT_HTTP, 502, "bad_gateway", NULL, 1.0);
}

Test(downstream_faults, truncated_headers_then_close_is_502)
{
    expect_fault(FAULT_TRUNCATED_HEADERS, 502, "bad_gateway", NULL, 1.0);
}

Test(downstream_faults, stalled_headers_are_504_at_the_deadline)
{
    expect_fault(FAULT_HEADERS_STALL, 504, "gateway_timeout", NULL, 2.5);
}

Test(downstream_faults, silent_downstream_is_504_at_the_deadline)
{
    expect_fault(FAULT_SILENT, 504, "gateway_timeout", NULL, 2.5);
}

Test(downstream_faults, invalid_json_body_is_502)
{
    expect_fault(FAULT_INVALID_JSON, 502, "bad_gateway", "not JSON", 1.0);
}

Test(downstream_faults, huge_body_is_502_too_large)
{
    expect_fault(FAULT_HUGE_BODY, 502, "bad_gateway", "too large", 2.5);
}

Test(downstream_faults, huge_chunked_body_is_502_too_large)
{
    expect_fault(FAULT_HUGE_CHUNKED, 502, "bad_gateway", "too large", 2.5);
}

Test(downstream_faults, reset_mid_body_is_502)
{
    expect_fault(FAULT_RESET_MID_BODY, 502, "bad_gateway", NULL, 1.0);
}

Test(downstream_faults, close_mid_body_is_502)
{
    expect_fault(FAULT_CLOSE_MID_BODY, 502, "bad_gateway", NULL, 1.0);
}

Test(downstream_faults, trickled_body_is_504_at_the_deadline)
{
    expect_fault(FAULT_TRICKLE_BODY, 504, "gateway_timeout", NULL, 2.5);
}
