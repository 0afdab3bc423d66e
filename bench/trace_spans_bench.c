/* SPDX-License-Identifier: Apache-2.0 */
/* Span micro-benchmark: start + 5 attributes + end into the batch processor (1..N threads), non-sampled spans,
 * h2otel's server span shape, keys copied or referenced (--static-keys), allocation counting after warm-up, and a
 * soak mode that keeps the queue full and samples memory. */
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "otel/otel.h"

/* Counting allocator: glibc's __libc_* entry points behind interposed malloc/calloc/realloc/free. */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static _Atomic uint64_t allocations;

void *malloc(size_t n)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t m)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_calloc(n, m);
}
void *realloc(void *p, size_t n)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_realloc(p, n);
}
void free(void *p)
{
    __libc_free(p);
}

static otel_tracer_t *tracer;
static size_t attribute_count = 5; /* --bare: 0, to compare with opentelemetry-cpp's bare start+end */
static bool server_shape;          /* --server: h2otel's server span (9 attributes to start, the status to end) */
static bool static_keys;           /* --static-keys: the keys are referenced (static_keys / _static_keys) */
static _Atomic uint64_t exported_spans;
static int export_sleep_us;

static otel_status_t noop_export(void *self, const otel_span_data_t *const *spans, size_t count)
{
    (void)self;
    (void)spans;
    if (export_sleep_us > 0)
        usleep((useconds_t)export_sleep_us);
    atomic_fetch_add_explicit(&exported_spans, count, memory_order_relaxed);
    return OTEL_OK;
}

/*
 * h2otel's server span for `GET /api/v1/dummy/` from wrk: the attributes start_server_span passes in the start
 * options (values pointing into a request buffer, as there), then the status code set at the end.
 */
static void server_span(void)
{
    static char request[] = "GET /api/v1/dummy/ HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk/4.1.0\r\n";
    char peer[16] = "127.0.0.1";
    otel_attribute_t a[] = {
        OTEL_ATTR_STR("http.request.method", "GET"),
        {OTEL_STR("url.path"), {.type = OTEL_VALUE_STRING, .u.string = {request + 4, 14}}},
        OTEL_ATTR_STR("url.scheme", "http"),
        OTEL_ATTR_STR("http.route", "/api/v1/dummy/"),
        {OTEL_STR("server.address"), {.type = OTEL_VALUE_STRING, .u.string = {request + 35, 9}}},
        OTEL_ATTR_INT("server.port", 8080),
        {OTEL_STR("client.address"), {.type = OTEL_VALUE_STRING, .u.string = {peer, 9}}},
        OTEL_ATTR_STR("network.protocol.version", "1.1"),
        {OTEL_STR("user_agent.original"), {.type = OTEL_VALUE_STRING, .u.string = {request + 63, 9}}},
    };
    otel_span_start_options_t o = {.kind = OTEL_SPAN_KIND_SERVER,
                                   .root = true,
                                   .attributes = a,
                                   .attribute_count = sizeof(a) / sizeof(a[0]),
                                   .static_keys = static_keys};
    otel_span_t *s = otel_tracer_start_span(tracer, OTEL_STR("GET /api/v1/dummy/"), &o);
    otel_attribute_t status = OTEL_ATTR_INT("http.response.status_code", 200);
    if (static_keys)
        otel_span_set_attributes_static_keys(s, &status, 1);
    else
        otel_span_set_attribute(s, &status);
    otel_span_end(s, 0);
}

/* The measured unit of work: one span with five attributes (or the server span's shape). */
__attribute__((noinline)) static void one_span(void)
{
    if (server_shape) {
        server_span();
        return;
    }
    otel_attribute_t attrs[5] = {
        OTEL_ATTR_STR("http.request.method", "GET"),
        OTEL_ATTR_STR("http.route", "/api/items/{id}"),
        OTEL_ATTR_INT("http.response.status_code", 200),
        OTEL_ATTR_STR("url.scheme", "http"),
        OTEL_ATTR_BOOL("cache.hit", true),
    };
    otel_span_t *s = otel_tracer_start_span(tracer, OTEL_STR("GET /api/items/{id}"), NULL);
    if (static_keys)
        otel_span_set_attributes_static_keys(s, attrs, attribute_count);
    else
        otel_span_set_attributes(s, attrs, attribute_count);
    otel_span_end(s, 0);
}

__attribute__((noinline)) void bench_run_spans(long n)
{
    for (long i = 0; i < n; i++)
        one_span();
}

/* The same work outside the function callgrind collects (--toggle-collect=bench_run_spans). */
__attribute__((noinline)) void bench_warm_up(long n)
{
    for (long i = 0; i < n; i++)
        one_span();
}

/* CPU time of the calling thread: unlike wall time it does not grow when threads outnumber cores. */
static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Persistent workers, so per-thread pools stay warm across rounds (as request threads do). */
typedef struct job {
    long spans;
    int rounds;
    uint64_t *ns;     /* wall time, one per round */
    uint64_t *cpu_ns; /* this thread's CPU time, one per round */
} job_t;
static pthread_barrier_t round_start, round_end;
static bool pin; /* --pin: ending threads on CPU 0, the main and export threads on CPU 1 (forces cross-core) */

static void pin_to(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *worker(void *arg)
{
    job_t *j = arg;
    if (pin)
        pin_to(0);
    bench_run_spans(1000); /* warm this thread's pool */
    for (int r = 0; r < j->rounds; r++) {
        pthread_barrier_wait(&round_start);
        uint64_t t0 = otel_time_monotonic_ns(), c0 = thread_cpu_ns();
        bench_run_spans(j->spans);
        j->ns[r] = otel_time_monotonic_ns() - t0;
        j->cpu_ns[r] = thread_cpu_ns() - c0;
        pthread_barrier_wait(&round_end);
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Resident set size from /proc/self/statm, read without stdio so the counting allocator sees no malloc. */
static long rss_kib(void)
{
    char buf[128];
    long pages = 0, resident = 0;
    int fd = open("/proc/self/statm", O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    if (sscanf(buf, "%ld %ld", &pages, &resident) != 2)
        return 0;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: trace_spans_bench [--threads N] [--spans N] [--rounds N] [--unsampled] [--bare] [--queue N]\n"
            "                         [--callgrind] [--soak SECONDS] [--pin] [--server] [--static-keys]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int threads = 1, rounds = 11, soak_s = 0;
    long spans = 200000;
    bool unsampled = false, callgrind = false;
    uint32_t queue = 2048;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (strcmp(argv[i], "--spans") == 0 && i + 1 < argc)
            spans = atol(argv[++i]);
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--queue") == 0 && i + 1 < argc)
            queue = (uint32_t)atol(argv[++i]);
        else if (strcmp(argv[i], "--soak") == 0 && i + 1 < argc)
            soak_s = atoi(argv[++i]);
        else if (strcmp(argv[i], "--unsampled") == 0)
            unsampled = true;
        else if (strcmp(argv[i], "--bare") == 0)
            attribute_count = 0;
        else if (strcmp(argv[i], "--callgrind") == 0)
            callgrind = true;
        else if (strcmp(argv[i], "--pin") == 0)
            pin = true;
        else if (strcmp(argv[i], "--server") == 0)
            server_shape = true;
        else if (strcmp(argv[i], "--static-keys") == 0)
            static_keys = true;
        else
            usage();
    }
    if (threads < 1 || threads > 64 || spans < 1 || rounds < 1)
        usage();
    if (pin)
        pin_to(1); /* before the processor starts its export thread, which inherits this */
    if (soak_s > 0)
        export_sleep_us = 20000; /* a slow exporter: the queue stays full and spans are dropped */

    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    o.sampler = unsampled ? otel_sampler_parent_based_create(otel_sampler_always_off_create())
                          : otel_sampler_always_on_create();
    otel_batch_span_processor_options_t bo;
    otel_batch_span_processor_options_init(&bo);
    bo.max_queue_size = queue;
    if (callgrind) {
        /* Deterministic under valgrind: the export thread only runs on the explicit flush, so the warm-up grows
         * the pool to every span of a run and the measured run allocates nothing. */
        bo.max_queue_size = (uint32_t)(2 * spans);
        bo.max_export_batch_size = bo.max_queue_size;
        bo.schedule_delay_ms = 3600000;
    }
    otel_span_exporter_t e = {.export_spans = noop_export};
    if (otel_batch_span_processor_create(&bo, e, &o.processors[0]) != OTEL_OK)
        return 1;
    o.processor_count = 1;
    otel_tracer_provider_t *p;
    if (otel_tracer_provider_create(&o, &p) != OTEL_OK)
        return 1;
    otel_scope_t scope = {OTEL_STR("bench"), OTEL_STR("1"), OTEL_STR(""), NULL, 0};
    tracer = otel_tracer_provider_get_tracer(p, &scope);

    if (callgrind) {
        /* Run under callgrind with --toggle-collect=bench_run_spans: instructions per span on the ending thread,
         * after a warm-up of the same size has grown the pool and the flush has returned every span to it. */
        bench_warm_up(spans);
        otel_tracer_provider_force_flush(p, 30000);
        bench_run_spans(spans);
        otel_tracer_provider_shutdown(p, 30000);
        printf("spans %ld\n", spans);
        otel_tracer_provider_destroy(p);
        return 0;
    }

    if (soak_s > 0) {
        bench_run_spans(100000);
        uint64_t alloc0 = atomic_load(&allocations);
        long rss0 = rss_kib();
        uint64_t total = 0, end = otel_time_monotonic_ns() + (uint64_t)soak_s * 1000000000u;
        printf("second rss_kib allocations_since_warmup spans_total dropped queue\n");
        for (int sec = 1; otel_time_monotonic_ns() < end; sec++) {
            uint64_t next = otel_time_monotonic_ns() + 1000000000u;
            while (otel_time_monotonic_ns() < next) {
                bench_run_spans(1000);
                total += 1000;
                usleep(1000);
            }
            otel_trace_stats_t st;
            otel_tracer_provider_get_stats(p, &st);
            printf("%d %ld %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", sec, rss_kib(),
                   atomic_load(&allocations) - alloc0, total, st.spans_dropped, st.queue_size);
        }
        printf("rss_start_kib %ld rss_end_kib %ld allocations_after_warmup %" PRIu64 "\n", rss0, rss_kib(),
               atomic_load(&allocations) - alloc0);
        otel_tracer_provider_destroy(p);
        return 0;
    }

    double *per_span = calloc((size_t)rounds, sizeof(double)), *cpu_per_span = calloc((size_t)rounds, sizeof(double));
    static uint64_t ns[64][64], cpu[64][64];
    uint64_t alloc_warm = 0, alloc_end = 0;
    if (rounds > 64)
        rounds = 64;
    job_t jobs[64];
    pthread_t tids[64];
    pthread_barrier_init(&round_start, NULL, (unsigned)threads + 1);
    pthread_barrier_init(&round_end, NULL, (unsigned)threads + 1);
    for (int t = 0; t < threads; t++) {
        jobs[t] = (job_t){.spans = spans, .rounds = rounds, .ns = ns[t], .cpu_ns = cpu[t]};
        pthread_create(&tids[t], NULL, worker, &jobs[t]);
    }
    for (int r = 0; r < rounds; r++) {
        if (r == rounds / 2)
            alloc_warm = atomic_load(&allocations);
        pthread_barrier_wait(&round_start);
        pthread_barrier_wait(&round_end);
        uint64_t sum_ns = 0, sum_cpu = 0;
        for (int t = 0; t < threads; t++) {
            sum_ns += ns[t][r];
            sum_cpu += cpu[t][r];
        }
        per_span[r] = (double)sum_ns / threads / (double)spans; /* mean wall ns per span per thread */
        cpu_per_span[r] = (double)sum_cpu / threads / (double)spans;
        otel_tracer_provider_force_flush(p, 30000);
    }
    alloc_end = atomic_load(&allocations);
    for (int t = 0; t < threads; t++)
        pthread_join(tids[t], NULL);
    qsort(per_span, (size_t)rounds, sizeof(double), cmp_double);
    qsort(cpu_per_span, (size_t)rounds, sizeof(double), cmp_double);
    otel_trace_stats_t st;
    otel_tracer_provider_get_stats(p, &st);
    printf("threads %d spans/thread/round %ld rounds %d %s%s: median %.1f ns/span (min %.1f, max %.1f)\n", threads,
           spans, rounds, unsampled ? "non-sampled" : "sampled",
           server_shape           ? " server-span"
           : attribute_count == 0 ? " bare"
                                  : "",
           per_span[rounds / 2], per_span[0], per_span[rounds - 1]);
    printf("thread CPU time: median %.1f ns/span (min %.1f, max %.1f)\n", cpu_per_span[rounds / 2], cpu_per_span[0],
           cpu_per_span[rounds - 1]);
    printf("started %" PRIu64 " exported %" PRIu64 " dropped %" PRIu64 " (%.1f%%)\n", st.spans_started,
           st.spans_exported, st.spans_dropped,
           st.spans_started ? 100.0 * (double)st.spans_dropped / (double)st.spans_started : 0.0);
    /* The first half is warm-up: pools grow to the most spans ever in flight (queue + batch + threads). */
    uint64_t counted = (uint64_t)(rounds - rounds / 2) * (uint64_t)threads * (uint64_t)spans;
    printf("allocations in the second half of the rounds: %" PRIu64 " for %" PRIu64 " spans\n", alloc_end - alloc_warm,
           counted);
    free(per_span);
    free(cpu_per_span);
    otel_tracer_provider_destroy(p);
    return 0;
}
