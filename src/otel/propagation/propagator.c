/* SPDX-License-Identifier: Apache-2.0 */
/* Propagators: tracecontext, baggage, composite, OTEL_PROPAGATORS; extract/inject over a carrier. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/env_internal.h"
#include "trace/trace_internal.h"

typedef enum propagator_kind { TRACECONTEXT, BAGGAGE, COMPOSITE } propagator_kind_t;

struct otel_propagator {
    propagator_kind_t kind;
    otel_propagator_t **children;
    size_t child_count;
};

static otel_propagator_t *propagator_new(propagator_kind_t kind)
{
    otel_propagator_t *p = calloc(1, sizeof(*p));
    if (p != NULL)
        p->kind = kind;
    return p;
}

otel_propagator_t *otel_propagator_tracecontext_create(void)
{
    return propagator_new(TRACECONTEXT);
}

otel_propagator_t *otel_propagator_baggage_create(void)
{
    return propagator_new(BAGGAGE);
}

otel_propagator_t *otel_propagator_composite_create(otel_propagator_t *const *propagators, size_t count)
{
    otel_propagator_t *p = propagator_new(COMPOSITE);
    otel_propagator_t **children = count > 0 ? calloc(count, sizeof(*children)) : NULL;
    bool ok = p != NULL && (count == 0 || children != NULL);
    for (size_t i = 0; i < count; i++)
        ok = ok && propagators[i] != NULL;
    if (!ok) {
        for (size_t i = 0; i < count; i++)
            otel_propagator_destroy(propagators[i]);
        free(children);
        free(p);
        return NULL;
    }
    if (count > 0)
        memcpy(children, propagators, count * sizeof(*children));
    p->children = children;
    p->child_count = count;
    return p;
}

void otel_propagator_destroy(otel_propagator_t *propagator)
{
    if (propagator == NULL)
        return;
    for (size_t i = 0; i < propagator->child_count; i++)
        otel_propagator_destroy(propagator->children[i]);
    free(propagator->children);
    free(propagator);
}

otel_status_t otel_propagator_create_from_config(const char *list, otel_propagator_t **out, char *err, size_t err_len)
{
    *out = NULL;
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", list != NULL && *list != '\0' ? list : "tracecontext,baggage");
    otel_propagator_t *children[8];
    size_t n = 0;
    otel_status_t status = OTEL_OK;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL && status == OTEL_OK;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        size_t len = strlen(tok);
        while (len > 0 && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
            tok[--len] = '\0';
        if (len == 0 || strcmp(tok, "none") == 0)
            continue;
        if (n == sizeof(children) / sizeof(children[0])) {
            status = otel_env__error(err, err_len, "OTEL_PROPAGATORS: too many propagators");
        } else if (strcmp(tok, "tracecontext") == 0) {
            status = (children[n++] = otel_propagator_tracecontext_create()) != NULL ? OTEL_OK : OTEL_ERR_NO_MEMORY;
        } else if (strcmp(tok, "baggage") == 0) {
            status = (children[n++] = otel_propagator_baggage_create()) != NULL ? OTEL_OK : OTEL_ERR_NO_MEMORY;
        } else {
            status = otel_env__error(err, err_len,
                                     "OTEL_PROPAGATORS: propagator '%s' is not supported (supported: tracecontext, "
                                     "baggage, none)",
                                     tok);
        }
    }
    if (status != OTEL_OK) {
        while (n > 0)
            otel_propagator_destroy(children[--n]);
        return status;
    }
    *out = otel_propagator_composite_create(children, n);
    return *out != NULL ? OTEL_OK : OTEL_ERR_NO_MEMORY;
}

otel_status_t otel_propagator_create_from_env(otel_propagator_t **out, char *err, size_t err_len)
{
    char list[256] = "";
    const char *v = otel_env__get("OTEL_PROPAGATORS");
    if (v != NULL)
        snprintf(list, sizeof(list), "%s", v);
    return otel_propagator_create_from_config(list, out, err, err_len);
}

void otel_propagation_context_init(otel_propagation_context_t *ctx)
{
    memset(&ctx->span_context, 0, sizeof(ctx->span_context));
    ctx->tracestate_len = 0;
    ctx->tracestate[0] = '\0';
    otel_baggage_clear(&ctx->baggage);
}

void otel_propagation_context_set_span(otel_propagation_context_t *ctx, const otel_span_t *span)
{
    ctx->span_context = otel_span_get_context(span);
    otel_str_t ts = otel_span_get_tracestate(span);
    size_t len = ts.len <= OTEL_TRACESTATE_MAX_LEN ? ts.len : 0;
    if (len > 0)
        memcpy(ctx->tracestate, ts.ptr, len);
    ctx->tracestate[len] = '\0';
    ctx->tracestate_len = len;
}

void otel_propagator_extract(const otel_propagator_t *propagator, void *carrier, otel_carrier_get_fn get,
                             otel_propagation_context_t *ctx)
{
    if (propagator == NULL || get == NULL || ctx == NULL)
        return;
    otel_str_t v;
    switch (propagator->kind) {
    case TRACECONTEXT:
        memset(&ctx->span_context, 0, sizeof(ctx->span_context));
        ctx->tracestate_len = 0;
        ctx->tracestate[0] = '\0';
        if (!get(carrier, OTEL_STR("traceparent"), &v) || !otel_traceparent_parse(v, &ctx->span_context))
            return;
        if (get(carrier, OTEL_STR("tracestate"), &v)) {
            int n = otel_tracestate_normalize(v, ctx->tracestate);
            ctx->tracestate_len = n > 0 ? (size_t)n : 0;
            ctx->tracestate[ctx->tracestate_len] = '\0';
        }
        return;
    case BAGGAGE:
        if (get(carrier, OTEL_STR("baggage"), &v))
            otel_baggage_parse(v, &ctx->baggage);
        return;
    case COMPOSITE:
        for (size_t i = 0; i < propagator->child_count; i++)
            otel_propagator_extract(propagator->children[i], carrier, get, ctx);
        return;
    }
}

void otel_propagator_inject(const otel_propagator_t *propagator, const otel_propagation_context_t *ctx, void *carrier,
                            otel_carrier_set_fn set)
{
    if (propagator == NULL || set == NULL || ctx == NULL)
        return;
    switch (propagator->kind) {
    case TRACECONTEXT: {
        if (!otel_span_context_is_valid(&ctx->span_context))
            return;
        char tp[OTEL_TRACEPARENT_LEN + 1];
        otel_traceparent_format(&ctx->span_context, tp);
        set(carrier, OTEL_STR("traceparent"), (otel_str_t){tp, OTEL_TRACEPARENT_LEN});
        if (ctx->tracestate_len > 0)
            set(carrier, OTEL_STR("tracestate"), (otel_str_t){ctx->tracestate, ctx->tracestate_len});
        return;
    }
    case BAGGAGE: {
        char buf[OTEL_BAGGAGE_MAX_LEN + 1];
        size_t n = otel_baggage_format(&ctx->baggage, buf, sizeof(buf));
        if (n > 0)
            set(carrier, OTEL_STR("baggage"), (otel_str_t){buf, n});
        return;
    }
    case COMPOSITE:
        for (size_t i = 0; i < propagator->child_count; i++)
            otel_propagator_inject(propagator->children[i], ctx, carrier, set);
        return;
    }
}
