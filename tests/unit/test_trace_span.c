/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for spans: ids, parents, kinds, attributes, events, links, status, limits, activation, pooling. */
#include <criterion/criterion.h>
#include "common/common_internal.h"
#include "trace/trace_internal.h"
#include "unit/trace_test_exporter.h"

static mem_exporter_t mem;

Test(trace_span, root_span_has_random_nonzero_ids_and_is_exported_with_its_fields)
{
    otel_tracer_provider_t *p = mem_provider(&mem, NULL);
    otel_tracer_t *t = test_tracer(p);
    otel_span_start_options_t o = {.kind = OTEL_SPAN_KIND_SERVER, .start_time_unix_ns = 1000};
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("GET /"), &o);
    cr_assert(otel_span_is_recording(s));
    otel_span_context_t ctx = otel_span_get_context(s);
    cr_expect(otel_span_context_is_valid(&ctx));
    cr_expect(otel_span_context_is_sampled(&ctx));
    cr_expect_not(ctx.is_remote);
    otel_span_end(s, 2000);
    cr_assert_eq(mem.kept_count, 1);
    mem_span_t *k = &mem.kept[0];
    cr_expect_str_eq(k->name, "GET /");
    cr_expect_eq(k->kind, OTEL_SPAN_KIND_SERVER);
    cr_expect_eq(k->start, 1000);
    cr_expect_eq(k->end, 2000);
    cr_expect_arr_eq(k->trace_id.bytes, ctx.trace_id.bytes, 16);
    cr_expect_arr_eq(k->span_id.bytes, ctx.span_id.bytes, 8);
    cr_expect_not(otel_span_id_is_valid(&k->parent_span_id));
    otel_tracer_provider_destroy(p);
    cr_expect(atomic_load(&mem.destroyed));
    cr_expect_eq(atomic_load(&mem.shutdowns), 1);
}

Test(trace_span, ids_differ_between_spans)
{
    otel_tracer_provider_t *p = mem_provider(&mem, NULL);
    otel_tracer_t *t = test_tracer(p);
    otel_span_context_t seen[64];
    for (int i = 0; i < 64; i++) {
        otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("x"), NULL);
        seen[i] = otel_span_get_context(s);
        otel_span_end(s, 0);
        for (int j = 0; j < i; j++) {
            cr_assert(memcmp(seen[i].trace_id.bytes, seen[j].trace_id.bytes, 16) != 0);
            cr_assert(memcmp(seen[i].span_id.bytes, seen[j].span_id.bytes, 8) != 0);
        }
    }
    otel_tracer_provider_destroy(p);
}

Test(trace_span, child_of_current_span_and_explicit_remote_parent)
{
    otel_tracer_provider_t *p = mem_provider(&mem, NULL);
    otel_tracer_t *t = test_tracer(p);
    otel_span_context_t remote;
    cr_assert(otel_traceparent_parse(OTEL_STR("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), &remote));
    otel_span_start_options_t o = {.parent = &remote, .parent_tracestate = OTEL_STR("congo=t61rcWkgMzE")};
    otel_span_t *server = otel_tracer_start_span(t, OTEL_STR("server"), &o);
    otel_span_scope_t scope;
    otel_span_scope_begin(&scope, server);
    cr_expect_arr_eq(otel_context_current()->span_id.bytes, otel_span_get_context(server).span_id.bytes, 8);
    otel_span_t *child = otel_tracer_start_span(t, OTEL_STR("child"), NULL);
    otel_span_start_options_t root = {.root = true};
    otel_span_t *other = otel_tracer_start_span(t, OTEL_STR("root"), &root);
    otel_span_end(child, 0);
    otel_span_end(other, 0);
    otel_span_end(server, 0); /* before its scope ends: the scope keeps it alive */
    otel_span_t *late = otel_tracer_start_span(t, OTEL_STR("late"), NULL);
    otel_span_end(late, 0);
    otel_span_scope_end(&scope);
    cr_expect_null(otel_context_current());

    cr_assert_eq(mem.kept_count, 4);
    mem_span_t *c = &mem.kept[0], *r = &mem.kept[1], *s = &mem.kept[2], *l = &mem.kept[3];
    cr_expect_arr_eq(s->trace_id.bytes, remote.trace_id.bytes, 16);
    cr_expect_arr_eq(s->parent_span_id.bytes, remote.span_id.bytes, 8);
    cr_expect(s->parent_is_remote);
    cr_expect_str_eq(s->tracestate, "congo=t61rcWkgMzE");
    cr_expect_arr_eq(c->trace_id.bytes, remote.trace_id.bytes, 16);
    cr_expect_arr_eq(c->parent_span_id.bytes, s->span_id.bytes, 8);
    cr_expect_not(c->parent_is_remote);
    cr_expect_str_eq(c->tracestate, "congo=t61rcWkgMzE", "tracestate is inherited from the current span");
    cr_expect_str_eq(l->tracestate, "congo=t61rcWkgMzE");
    cr_expect_arr_eq(l->parent_span_id.bytes, s->span_id.bytes, 8);
    cr_expect(memcmp(r->trace_id.bytes, remote.trace_id.bytes, 16) != 0);
    cr_expect_not(otel_span_id_is_valid(&r->parent_span_id));
    otel_tracer_provider_destroy(p);
}

Test(trace_span, scopes_nest_and_restore)
{
    otel_tracer_provider_t *p = mem_provider(&mem, NULL);
    otel_tracer_t *t = test_tracer(p);
    otel_span_t *a = otel_tracer_start_span(t, OTEL_STR("a"), NULL);
    otel_span_scope_t sa, sb;
    otel_span_scope_begin(&sa, a);
    otel_span_t *b = otel_tracer_start_span(t, OTEL_STR("b"), NULL);
    otel_span_scope_begin(&sb, b);
    cr_expect_eq(otel_context_current(), &sb.context);
    otel_span_scope_end(&sb);
    cr_expect_eq(otel_context_current(), &sa.context);
    otel_span_scope_end(&sa);
    cr_expect_null(otel_context_current());
    otel_span_end(b, 0);
    otel_span_end(a, 0);
    cr_expect_eq(mem.kept_count, 2);
    otel_tracer_provider_destroy(p);
}

Test(trace_span, attributes_of_every_type_are_copied_and_overwritten_by_key)
{
    otel_tracer_provider_t *p = mem_provider(&mem, NULL);
    otel_tracer_t *t = test_tracer(p);
    char buf[16] = "volatile";
    otel_str_t strs[] = {OTEL_STR("a"), OTEL_STR("b")};
    bool bools[] = {true, false};
    int64_t ints[] = {1, -2, 3};
    double dbls[] = {0.5};
    otel_attribute_t attrs[] = {
        OTEL_ATTR_STRN("s", buf, strlen(buf)),
        OTEL_ATTR_BOOL("b", true),
        OTEL_ATTR_INT("i", -42),
        OTEL_ATTR_DOUBLE("d", 2.5),
        {OTEL_STR("sa"), {.type = OTEL_VALUE_STRING_ARRAY, .u.strings = {strs, 2}}},
        {OTEL_STR("ba"), {.type = OTEL_VALUE_BOOL_ARRAY, .u.bools = {bools, 2}}},
        {OTEL_STR("ia"), {.type = OTEL_VALUE_INT64_ARRAY, .u.int64s = {ints, 3}}},
        {OTEL_STR("da"), {.type = OTEL_VALUE_DOUBLE_ARRAY, .u.doubles = {dbls, 1}}},
    };
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("attrs"), NULL);
    otel_span_set_attributes(s, attrs, 8);
    strcpy(buf, "CHANGED!");
    otel_attribute_t again = OTEL_ATTR_INT("i", 7);
    otel_span_set_attribute(s, &again);
    otel_attribute_t empty_key = OTEL_ATTR_INT("", 7);
    otel_span_set_attribute(s, &empty_key);
    /* Inspect the live data (the span is still ours) before ending. */
    const otel_span_data_t *d = &s->data;
    cr_assert_eq(d->attribute_count, 8);
    cr_expect_eq(d->attributes[0].value.u.string.len, 8);
    cr_expect(memcmp(d->attributes[0].value.u.string.ptr, "volatile", 8) == 0);
    cr_expect_eq(d->attributes[2].value.u.int64, 7);
    cr_expect_eq(d->attributes[4].value.u.strings.count, 2);
    cr_expect(memcmp(d->attributes[4].value.u.strings.items[1].ptr, "b", 1) == 0);
    cr_expect_neq(d->attributes[4].value.u.strings.items, strs, "arrays are copied");
    cr_expect_eq(d->attributes[6].value.u.int64s.items[1], -2);
    cr_expect_eq(d->attributes[7].value.u.doubles.items[0], 0.5);
    otel_span_end(s, 0);
    cr_expect_eq(mem.kept[0].attribute_count, 8);
    cr_expect_eq(mem.kept[0].dropped_attributes, 0);
    otel_tracer_provider_destroy(p);
}

Test(trace_span, limits_drop_and_count)
{
    otel_span_limits_t limits;
    otel_span_limits_init(&limits);
    limits.attribute_count_limit = 2;
    limits.attribute_value_length_limit = 4;
    limits.event_count_limit = 1;
    limits.link_count_limit = 1;
    limits.event_attribute_count_limit = 1;
    limits.link_attribute_count_limit = 0;
    otel_tracer_provider_t *p = mem_provider(&mem, &limits);
    otel_tracer_t *t = test_tracer(p);
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("limited"), NULL);
    otel_attribute_t attrs[] = {OTEL_ATTR_STR("a", "abcdefgh"), OTEL_ATTR_STR("b", "hhh\xc3\xa9llo"),
                                OTEL_ATTR_INT("c", 3), OTEL_ATTR_INT("d", 4)};
    otel_span_set_attributes(s, attrs, 4);
    otel_attribute_t overwrite = OTEL_ATTR_STR("a", "xy");
    otel_span_set_attribute(s, &overwrite); /* existing key: not a drop */
    otel_span_add_event(s, OTEL_STR("e1"), 0, attrs, 3);
    otel_span_add_event(s, OTEL_STR("e2"), 0, NULL, 0);
    otel_span_context_t linked = otel_span_get_context(s);
    otel_span_add_link(s, &linked, OTEL_STR(""), attrs, 2);
    otel_span_add_link(s, &linked, OTEL_STR(""), NULL, 0);
    const otel_span_data_t *d = &s->data;
    cr_expect_eq(d->attributes[0].value.u.string.len, 2);
    cr_expect_eq(d->attributes[1].value.u.string.len, 3, "truncated to 4 bytes without splitting the e-acute");
    cr_expect_eq(d->events[0].attribute_count, 1);
    cr_expect_eq(d->events[0].dropped_attributes_count, 2);
    cr_expect_eq(d->events[0].attributes[0].value.u.string.len, 4);
    cr_expect_eq(d->links[0].attribute_count, 0);
    cr_expect_eq(d->links[0].dropped_attributes_count, 2);
    otel_span_end(s, 0);
    mem_span_t *k = &mem.kept[0];
    cr_expect_eq(k->attribute_count, 2);
    cr_expect_eq(k->dropped_attributes, 2);
    cr_expect_eq(k->event_count, 1);
    cr_expect_eq(k->dropped_events, 1);
    cr_expect_eq(k->link_count, 1);
    cr_expect_eq(k->dropped_links, 1);
    otel_tracer_provider_destroy(p);
}

Test(trace_span, events_links_exception_status_and_rename)
{
    otel_tracer_provider_t *p = mem_provider(&mem, NULL);
    otel_tracer_t *t = test_tracer(p);
    otel_span_context_t other;
    otel_traceparent_parse(OTEL_STR("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), &other);
    otel_span_link_t start_link = {.context = other, .tracestate = OTEL_STR("k=v")};
    otel_span_start_options_t o = {.links = &start_link, .link_count = 1};
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("old"), &o);
    otel_span_update_name(s, OTEL_STR("new"));
    otel_attribute_t ea = OTEL_ATTR_INT("n", 1);
    otel_span_add_event(s, OTEL_STR("ev"), 123, &ea, 1);
    otel_span_record_exception(s, OTEL_STR("IOError"), OTEL_STR("disk full"), NULL, 0);
    otel_span_context_t invalid = {0};
    otel_span_add_link(s, &invalid, OTEL_STR(""), NULL, 0); /* ignored: nothing to link */
    otel_span_set_status(s, OTEL_STATUS_CODE_ERROR, OTEL_STR("boom"));
    const otel_span_data_t *d = &s->data;
    cr_assert_eq(d->event_count, 2);
    cr_expect_eq(d->events[0].time_unix_ns, 123);
    cr_expect(otel_str__eq(d->events[1].name, OTEL_STR("exception")));
    cr_assert_eq(d->events[1].attribute_count, 2);
    cr_expect(otel_str__eq(d->events[1].attributes[0].key, OTEL_STR("exception.type")));
    cr_expect(otel_str__eq(d->events[1].attributes[0].value.u.string, OTEL_STR("IOError")));
    cr_expect(otel_str__eq(d->events[1].attributes[1].value.u.string, OTEL_STR("disk full")));
    cr_assert_eq(d->link_count, 1);
    cr_expect(otel_str__eq(d->links[0].tracestate, OTEL_STR("k=v")));
    cr_expect_arr_eq(d->links[0].context.span_id.bytes, other.span_id.bytes, 8);
    otel_span_set_status(s, OTEL_STATUS_CODE_OK, OTEL_STR("ignored description"));
    otel_span_set_status(s, OTEL_STATUS_CODE_ERROR, OTEL_STR("after ok: ignored"));
    otel_span_set_status(s, OTEL_STATUS_CODE_UNSET, OTEL_STR(""));
    otel_span_end(s, 0);
    mem_span_t *k = &mem.kept[0];
    cr_expect_str_eq(k->name, "new");
    cr_expect_eq(k->status, OTEL_STATUS_CODE_OK);
    cr_expect_str_eq(k->status_message, "");
    cr_expect_geq(k->end, k->start);
    otel_tracer_provider_destroy(p);
}

Test(trace_span, error_status_keeps_description)
{
    otel_tracer_provider_t *p = mem_provider(&mem, NULL);
    otel_span_t *s = otel_tracer_start_span(test_tracer(p), OTEL_STR("e"), NULL);
    otel_span_set_status(s, OTEL_STATUS_CODE_ERROR, OTEL_STR("boom"));
    otel_span_end(s, 0);
    cr_expect_eq(mem.kept[0].status, OTEL_STATUS_CODE_ERROR);
    cr_expect_str_eq(mem.kept[0].status_message, "boom");
    otel_tracer_provider_destroy(p);
}

Test(trace_span, non_sampled_span_propagates_but_does_not_record_or_export)
{
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    o.sampler = otel_sampler_parent_based_create(otel_sampler_always_off_create());
    otel_simple_span_processor_create(mem_exporter_init(&mem), &o.processors[0]);
    o.processor_count = 1;
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    otel_tracer_t *t = test_tracer(p);
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("dropped"), NULL);
    cr_expect_not(otel_span_is_recording(s));
    otel_span_context_t ctx = otel_span_get_context(s);
    cr_expect(otel_span_context_is_valid(&ctx));
    cr_expect_not(otel_span_context_is_sampled(&ctx));
    otel_attribute_t a = OTEL_ATTR_INT("x", 1);
    otel_span_set_attribute(s, &a); /* no-op */
    otel_propagation_context_t pc;
    otel_propagation_context_init(&pc);
    otel_propagation_context_set_span(&pc, s);
    cr_expect_arr_eq(pc.span_context.span_id.bytes, ctx.span_id.bytes, 8);
    /* A child of a sampled remote parent is sampled by the parent-based sampler. */
    otel_span_context_t remote;
    otel_traceparent_parse(OTEL_STR("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), &remote);
    otel_span_start_options_t so = {.parent = &remote};
    otel_span_t *c = otel_tracer_start_span(t, OTEL_STR("kept"), &so);
    cr_expect(otel_span_is_recording(c));
    otel_span_end(c, 0);
    otel_span_end(s, 0);
    cr_expect_eq(atomic_load(&mem.exported), 1);
    otel_trace_stats_t st;
    otel_tracer_provider_get_stats(p, &st);
    cr_expect_eq(st.spans_started, 2);
    cr_expect_eq(st.spans_recording, 1);
    cr_expect_eq(st.spans_ended, 1);
    cr_expect_eq(st.spans_exported, 1);
    otel_tracer_provider_destroy(p);
}

Test(trace_span, null_and_noop_handles_are_safe)
{
    otel_span_t *s = otel_tracer_start_span(NULL, OTEL_STR("x"), NULL);
    cr_assert_not_null(s);
    cr_expect_not(otel_span_is_recording(s));
    otel_span_context_t ctx = otel_span_get_context(s);
    cr_expect_not(otel_span_context_is_valid(&ctx));
    otel_span_scope_t scope;
    otel_span_scope_begin(&scope, s);
    otel_span_scope_end(&scope);
    cr_expect_eq(otel_span_retain(s), s);
    otel_span_release(s);
    otel_span_end(s, 0);
    otel_span_end(NULL, 0);
    otel_span_set_attribute(NULL, NULL);
    cr_expect_null(otel_span_retain(NULL));
    otel_span_release(NULL);
    otel_tracer_provider_destroy(NULL);
}

Test(trace_span, a_retained_span_outlives_its_end_and_ignores_later_calls)
{
    otel_tracer_provider_t *p = mem_provider(&mem, NULL);
    otel_tracer_t *t = test_tracer(p);
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("held"), NULL);
    otel_span_t *other = otel_span_retain(s);
    cr_expect_eq(atomic_load(&s->refs), 2);
    otel_span_set_attribute(other, &OTEL_ATTR_INT("before", 1)); /* through the second reference */
    otel_span_end(s, 0);
    cr_expect_eq(mem.kept_count, 1);
    cr_expect_eq(mem.kept[0].attribute_count, 1);
    /* The exported span went back to no pool yet: `other` still holds it. */
    cr_expect_not(otel_span_is_recording(other));
    otel_span_set_attribute(other, &OTEL_ATTR_INT("after", 2));
    otel_span_end(other, 0); /* idempotent: nothing exported twice */
    cr_expect_eq(s->data.attribute_count, 1);
    cr_expect_eq(mem.kept_count, 1);
    cr_expect_eq(atomic_load(&s->refs), 1);
    otel_span_release(other);
    otel_tracer_provider_destroy(p);
}

Test(trace_span, spans_after_shutdown_do_not_record)
{
    otel_tracer_provider_t *p = mem_provider(&mem, NULL);
    otel_tracer_t *t = test_tracer(p);
    cr_expect_eq(otel_tracer_provider_shutdown(p, 1000), OTEL_OK);
    cr_expect_eq(otel_tracer_provider_shutdown(p, 1000), OTEL_ERR_SHUTDOWN);
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("late"), NULL);
    cr_expect_not(otel_span_is_recording(s));
    otel_span_end(s, 0);
    cr_expect_eq(atomic_load(&mem.exported), 0);
    otel_tracer_provider_destroy(p);
}

Test(trace_span, same_scope_gives_same_tracer)
{
    otel_tracer_provider_t *p = mem_provider(&mem, NULL);
    otel_scope_t a = {OTEL_STR("lib"), OTEL_STR("1"), OTEL_STR(""), NULL, 0};
    otel_scope_t b = {OTEL_STR("lib"), OTEL_STR("2"), OTEL_STR(""), NULL, 0};
    otel_tracer_t *ta = otel_tracer_provider_get_tracer(p, &a);
    cr_expect_eq(otel_tracer_provider_get_tracer(p, &a), ta);
    cr_expect_neq(otel_tracer_provider_get_tracer(p, &b), ta);
    otel_tracer_provider_destroy(p);
}

Test(trace_span, pool_reuses_spans_in_steady_state)
{
    otel_tracer_provider_t *p = mem_provider(&mem, NULL);
    otel_tracer_t *t = test_tracer(p);
    otel_attribute_t attrs[] = {OTEL_ATTR_STR("http.route", "/x"), OTEL_ATTR_INT("n", 1)};
    for (int i = 0; i < 100; i++) {
        otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("warm"), NULL);
        otel_span_set_attributes(s, attrs, 2);
        otel_span_end(s, 0);
    }
    size_t after_warmup = otel_span_pool__allocated();
    for (int i = 0; i < 10000; i++) {
        otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("steady"), NULL);
        otel_span_set_attributes(s, attrs, 2);
        otel_span_end(s, 0);
    }
    cr_expect_eq(otel_span_pool__allocated(), after_warmup);
    cr_expect_leq(after_warmup, 2);
    otel_tracer_provider_destroy(p);
}

Test(trace_span, one_call_with_duplicates_arrays_empty_keys_and_the_count_limit)
{
    otel_span_limits_t limits;
    otel_span_limits_init(&limits);
    limits.attribute_count_limit = 3;
    otel_tracer_provider_t *p = mem_provider(&mem, &limits);
    otel_tracer_t *t = test_tracer(p);
    int64_t ints[] = {1, 2};
    char long_value[100];
    memset(long_value, 'v', sizeof(long_value));
    otel_attribute_t attrs[] = {
        OTEL_ATTR_INT("a", 1),
        OTEL_ATTR_STRN("a-rather-long-key-of-more-than-32-bytes", long_value, sizeof(long_value)),
        OTEL_ATTR_INT("a", 2), /* same key earlier in this call: overwrites, not a drop */
        OTEL_ATTR_INT("", 9),  /* invalid key: ignored */
        {OTEL_STR("arr"), {.type = OTEL_VALUE_INT64_ARRAY, .u.int64s = {ints, 2}}},
        OTEL_ATTR_BOOL("c", true), /* over the limit */
        OTEL_ATTR_STR("d", ""),    /* over the limit */
    };
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("batch"), NULL);
    otel_span_set_attributes(s, attrs, 7);
    const otel_span_data_t *d = &s->data;
    cr_assert_eq(d->attribute_count, 3);
    cr_expect_eq(d->dropped_attributes_count, 2);
    cr_expect_eq(d->attributes[0].value.u.int64, 2);
    cr_expect_eq(d->attributes[1].key.len, strlen("a-rather-long-key-of-more-than-32-bytes"));
    cr_expect(memcmp(d->attributes[1].key.ptr, "a-rather-long-key-of-more-than-32-bytes", d->attributes[1].key.len) ==
              0);
    cr_expect_eq(d->attributes[1].value.u.string.len, sizeof(long_value));
    cr_expect(memcmp(d->attributes[1].value.u.string.ptr, long_value, sizeof(long_value)) == 0);
    cr_expect_neq(d->attributes[1].value.u.string.ptr, long_value, "copied");
    cr_expect_eq(d->attributes[2].value.u.int64s.count, 2);
    cr_expect_eq(d->attributes[2].value.u.int64s.items[1], 2);
    otel_span_end(s, 0);
    otel_tracer_provider_destroy(p);
}

Test(trace_span, a_recycled_span_that_once_outgrew_its_first_arena_chunk_starts_clean)
{
    otel_tracer_provider_t *p = mem_provider(&mem, NULL);
    otel_tracer_t *t = test_tracer(p);
    static char big[40000]; /* more than the chunks a span keeps (16 KiB): some are freed on reuse */
    memset(big, 'x', sizeof(big));
    for (int round = 0; round < 3; round++) {
        otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("big"), NULL);
        for (int i = 0; i < 8; i++) {
            char key[16];
            snprintf(key, sizeof(key), "k%d", i);
            otel_attribute_t a = {{key, strlen(key)}, {.type = OTEL_VALUE_STRING, .u.string = {big, 5000}}};
            otel_span_set_attribute(s, &a);
        }
        otel_span_set_status(s, OTEL_STATUS_CODE_ERROR, (otel_str_t){big, 3000});
        otel_span_end(s, 0);
        otel_span_t *small = otel_tracer_start_span(t, OTEL_STR("small"), NULL);
        otel_span_set_attribute(small, &OTEL_ATTR_STR("k", "v"));
        const otel_span_data_t *d = &small->data;
        cr_expect_eq(d->attribute_count, 1);
        cr_expect_eq(d->status_code, OTEL_STATUS_CODE_UNSET);
        cr_expect_eq(d->status_message.len, 0);
        cr_expect_eq(d->attributes[0].value.u.string.len, 1);
        cr_expect_eq(d->attributes[0].value.u.string.ptr[0], 'v');
        otel_span_end(small, 0);
    }
    cr_expect_eq(mem.kept[0].attribute_count, 8);
    cr_expect_eq(mem.kept[1].attribute_count, 1);
    cr_expect_str_eq(mem.kept[1].name, "small");
    otel_tracer_provider_destroy(p);
}
