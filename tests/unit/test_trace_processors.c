/* SPDX-License-Identifier: Apache-2.0 */
/* Processors and sampling decisions: RECORD_ONLY spans reach on_start/on_end but are not exported; custom hooks. */
#include <criterion/criterion.h>
#include "unit/trace_test_exporter.h"

/* Names decide: "r..." RECORD_ONLY, "d..." DROP, anything else RECORD_AND_SAMPLE. */
static otel_sampling_decision_t by_first_letter(void *user, const otel_span_context_t *parent,
                                                const otel_trace_id_t *trace_id, otel_str_t name, otel_span_kind_t kind,
                                                const otel_attribute_t *attributes, size_t attribute_count)
{
    (void)user, (void)parent, (void)trace_id, (void)kind, (void)attributes, (void)attribute_count;
    if (name.len > 0 && name.ptr[0] == 'r')
        return OTEL_SAMPLING_RECORD_ONLY;
    if (name.len > 0 && name.ptr[0] == 'd')
        return OTEL_SAMPLING_DROP;
    return OTEL_SAMPLING_RECORD_AND_SAMPLE;
}

typedef struct hooks_seen {
    int starts, ends, flushes, shutdowns, destroys;
    char last_end_name[32];
    uint8_t last_end_flags;
    size_t last_end_attributes;
    uint64_t last_end_time;
} hooks_seen_t;

static void on_start(void *self, otel_span_t *span)
{
    hooks_seen_t *h = self;
    h->starts++;
    /* on_start gets a read/write span */
    otel_span_set_attribute(span, &OTEL_ATTR_BOOL("seen.by.on_start", true));
}

static void on_end(void *self, const otel_span_data_t *span)
{
    hooks_seen_t *h = self;
    h->ends++;
    mem_copy_str(h->last_end_name, sizeof(h->last_end_name), span->name);
    h->last_end_flags = span->trace_flags;
    h->last_end_attributes = span->attribute_count;
    h->last_end_time = span->end_time_unix_ns;
}

static otel_status_t on_flush(void *self, uint32_t timeout_ms)
{
    (void)timeout_ms;
    ((hooks_seen_t *)self)->flushes++;
    return OTEL_OK;
}

static otel_status_t on_shutdown(void *self, uint32_t timeout_ms)
{
    (void)timeout_ms;
    ((hooks_seen_t *)self)->shutdowns++;
    return OTEL_OK;
}

static void on_destroy(void *self)
{
    ((hooks_seen_t *)self)->destroys++;
}

static hooks_seen_t seen;
static mem_exporter_t simple_mem, batch_mem;

/* custom hooks + simple processor + batch processor, all on one provider. */
static otel_tracer_provider_t *three_processors(void)
{
    memset(&seen, 0, sizeof(seen));
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    o.sampler = otel_sampler_custom_create(by_first_letter, NULL, "ByFirstLetter");
    otel_span_processor_hooks_t hooks = {&seen, on_start, on_end, on_flush, on_shutdown, on_destroy};
    cr_assert_eq(otel_custom_span_processor_create(&hooks, &o.processors[0]), OTEL_OK);
    cr_assert_eq(otel_simple_span_processor_create(mem_exporter_init(&simple_mem), &o.processors[1]), OTEL_OK);
    otel_batch_span_processor_options_t bo;
    otel_batch_span_processor_options_init(&bo);
    cr_assert_eq(otel_batch_span_processor_create(&bo, mem_exporter_init(&batch_mem), &o.processors[2]), OTEL_OK);
    o.processor_count = 3;
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    return p;
}

Test(trace_processors, record_only_spans_record_and_reach_hooks_but_are_not_exported)
{
    otel_tracer_provider_t *p = three_processors();
    otel_tracer_t *t = test_tracer(p);

    otel_span_t *r = otel_tracer_start_span(t, OTEL_STR("record-only"), NULL);
    cr_assert(otel_span_is_recording(r));
    otel_span_context_t ctx = otel_span_get_context(r);
    cr_expect(otel_span_context_is_valid(&ctx));
    cr_expect_not(otel_span_context_is_sampled(&ctx));
    cr_expect_eq(seen.starts, 1);
    otel_span_set_attribute(r, &OTEL_ATTR_INT("n", 1));
    otel_span_end(r, 0);
    cr_expect_eq(seen.ends, 1);
    cr_expect_str_eq(seen.last_end_name, "record-only");
    cr_expect_eq(seen.last_end_flags & OTEL_TRACE_FLAGS_SAMPLED, 0);
    cr_expect_eq(seen.last_end_attributes, 2); /* on_start's + the caller's */
    cr_expect_gt(seen.last_end_time, 0);

    cr_assert_eq(otel_tracer_provider_force_flush(p, 5000), OTEL_OK);
    cr_expect_eq(atomic_load(&simple_mem.exported), 0);
    cr_expect_eq(atomic_load(&batch_mem.exported), 0);
    cr_expect_eq(seen.flushes, 1);

    otel_trace_stats_t st;
    otel_tracer_provider_get_stats(p, &st);
    cr_expect_eq(st.spans_recording, 1);
    cr_expect_eq(st.spans_ended, 1);
    cr_expect_eq(st.spans_dropped, 0); /* not exported is not dropped */
    cr_expect_eq(st.spans_exported, 0);
    otel_tracer_provider_destroy(p);
    cr_expect_eq(seen.shutdowns, 1);
    cr_expect_eq(seen.destroys, 1);
}

Test(trace_processors, sampled_spans_reach_hooks_and_are_exported_by_both)
{
    otel_tracer_provider_t *p = three_processors();
    otel_tracer_t *t = test_tracer(p);
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("sampled"), NULL);
    otel_span_end(s, 0);
    cr_assert_eq(otel_tracer_provider_force_flush(p, 5000), OTEL_OK);
    cr_expect_eq(seen.starts, 1);
    cr_expect_eq(seen.ends, 1);
    cr_expect_eq(seen.last_end_flags & OTEL_TRACE_FLAGS_SAMPLED, OTEL_TRACE_FLAGS_SAMPLED);
    cr_expect_eq(atomic_load(&simple_mem.exported), 1);
    cr_expect_eq(atomic_load(&batch_mem.exported), 1);
    cr_expect_eq(simple_mem.kept[0].attribute_count, 1); /* what on_start set is exported too */
    otel_tracer_provider_destroy(p);
}

Test(trace_processors, dropped_spans_reach_no_processor)
{
    otel_tracer_provider_t *p = three_processors();
    otel_tracer_t *t = test_tracer(p);
    otel_span_t *d = otel_tracer_start_span(t, OTEL_STR("dropped"), NULL);
    cr_expect_not(otel_span_is_recording(d));
    otel_span_end(d, 0);
    cr_assert_eq(otel_tracer_provider_force_flush(p, 5000), OTEL_OK);
    cr_expect_eq(seen.starts, 0);
    cr_expect_eq(seen.ends, 0);
    cr_expect_eq(atomic_load(&simple_mem.exported) + atomic_load(&batch_mem.exported), 0);
    otel_tracer_provider_destroy(p);
}

Test(trace_processors, record_only_spans_under_the_simple_processor_alone)
{
    memset(&seen, 0, sizeof(seen));
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    o.sampler = otel_sampler_custom_create(by_first_letter, NULL, "ByFirstLetter");
    cr_assert_eq(otel_simple_span_processor_create(mem_exporter_init(&simple_mem), &o.processors[0]), OTEL_OK);
    o.processor_count = 1;
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    otel_tracer_t *t = test_tracer(p);
    for (int i = 0; i < 10; i++) {
        otel_span_end(otel_tracer_start_span(t, OTEL_STR("r"), NULL), 0);
        otel_span_end(otel_tracer_start_span(t, OTEL_STR("s"), NULL), 0);
    }
    cr_expect_eq(atomic_load(&simple_mem.exported), 10);
    otel_span_processor_stats_t ps;
    otel_span_processor_get_stats(o.processors[0], &ps);
    cr_expect_eq(ps.spans_received, 10); /* sampled ones only */
    otel_tracer_provider_destroy(p);
}

Test(trace_processors, hooks_stop_after_shutdown_and_bad_arguments_are_refused)
{
    otel_span_processor_t *proc;
    cr_expect_eq(otel_custom_span_processor_create(NULL, &proc), OTEL_ERR_INVALID_ARGUMENT);
    otel_tracer_provider_t *p = three_processors();
    otel_tracer_t *t = test_tracer(p);
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("sampled"), NULL);
    cr_assert_eq(otel_tracer_provider_shutdown(p, 5000), OTEL_OK);
    otel_span_end(s, 0); /* ended after shutdown: no hook runs any more */
    cr_expect_eq(seen.starts, 1);
    cr_expect_eq(seen.ends, 0);
    cr_expect_eq(seen.shutdowns, 1);
    otel_tracer_provider_destroy(p);
    cr_expect_eq(seen.shutdowns, 1);
    cr_expect_eq(seen.destroys, 1);
}
