/* SPDX-License-Identifier: Apache-2.0 */
/* Per-thread object pools (spans, log record blocks): lock-free reuse, objects returnable from any thread. */
#ifndef OTEL_OBJECT_POOL_INTERNAL_H
#define OTEL_OBJECT_POOL_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/** The kinds of pooled objects: every thread has at most one pool of each kind. */
typedef enum { OTEL_POOL_SPAN, OTEL_POOL_LOG_RECORD, OTEL_POOL__KINDS } otel_pool_kind_t;

typedef struct otel_pool otel_pool_t;

/** Embedded in every pooled object (callers find the object with offsetof). Written by whoever returns it. */
typedef struct otel_pool_link {
    struct otel_pool_link *next; /* free-list link while the object is in a pool; stale while it is out */
    otel_pool_t *pool;           /* the pool it returns to, set once by otel_pool__adopt */
} otel_pool_link_t;

/** The object of type `type` whose member `member` is `link`. */
#define OTEL_POOL_OBJECT(link, type, member) ((type *)((char *)(link)-offsetof(type, member)))

/** A kind of pooled object: its slot, and how to free one of its objects once its thread has exited. */
typedef struct otel_pool_class {
    otel_pool_kind_t kind;
    void (*free_object)(otel_pool_link_t *link);
} otel_pool_class_t;

/* See object_pool.c for the scheme. The owner reads `local` and `allocated` without atomics. */
struct otel_pool {
    otel_pool_link_t *local; /* owner only: kept off the line other threads write */
    size_t allocated;        /* objects adopted so far (owner only) */
    const otel_pool_class_t *cls;
    _Alignas(64) _Atomic(otel_pool_link_t *) returned;
    _Atomic size_t members;
    _Atomic bool dead; /* the owner thread has exited */
};

/* Executables link otelc statically, so the array's offset from the thread pointer is a link-time constant
 * (local-exec): one instruction per access, as for a file-local _Thread_local. A -fPIC build (otelc in a shared
 * object) keeps the default model. */
#if defined(__PIE__) || !defined(__PIC__)
#define OTEL_POOL__TLS_MODEL __attribute__((tls_model("local-exec")))
#else
#define OTEL_POOL__TLS_MODEL
#endif

/** This thread's pool of each kind, NULL until its first otel_pool__adopt (and again once the thread exits). */
extern _Thread_local otel_pool_t *otel_pool__tls[OTEL_POOL__KINDS] OTEL_POOL__TLS_MODEL;

/** Slow path of otel_pool__get: takes the objects other threads gave back, if any. */
otel_pool_link_t *otel_pool__get_returned(otel_pool_kind_t kind);
/** Pushes the chain first..last of `pool`'s objects onto its returned stack (any thread but the owner). */
void otel_pool__push_foreign(otel_pool_t *pool, otel_pool_link_t *first, otel_pool_link_t *last);

/**
 * A recycled object of this thread's pool of `kind`, as its link, or NULL when the pool has none (the caller then
 * allocates one and otel_pool__adopt's it). Owner thread only, no atomics unless the local list is empty.
 */
static inline otel_pool_link_t *otel_pool__get(otel_pool_kind_t kind)
{
    otel_pool_t *pool = otel_pool__tls[kind];
    otel_pool_link_t *link;
    if (__builtin_expect(pool == NULL || (link = pool->local) == NULL, 0))
        return otel_pool__get_returned(kind);
    pool->local = link->next;
    return link;
}

/** The object the next otel_pool__get(kind) will return from the local list (NULL if none), e.g. to prefetch it. */
static inline otel_pool_link_t *otel_pool__peek(otel_pool_kind_t kind)
{
    otel_pool_t *pool = otel_pool__tls[kind];
    return pool != NULL ? pool->local : NULL;
}

/**
 * Makes a newly allocated object (its link) a member of this thread's pool of `cls->kind`, creating the pool on
 * first use. False when the pool cannot be allocated: the object is then not pooled (link->pool stays NULL).
 */
bool otel_pool__adopt(const otel_pool_class_t *cls, otel_pool_link_t *link);

/** Objects this thread's pool of `kind` adopted so far (for tests: no growth in the steady state). */
size_t otel_pool__allocated(otel_pool_kind_t kind);

/** Gives an object back to its pool, from any thread: a list push on the owner thread, one lock-free push elsewhere. */
static inline void otel_pool__put(otel_pool_kind_t kind, otel_pool_link_t *link)
{
    otel_pool_t *pool = link->pool;
    if (pool == otel_pool__tls[kind]) {
        link->next = pool->local;
        pool->local = link;
        return;
    }
    otel_pool__push_foreign(pool, link, link);
}

/**
 * Gives many objects back (otel_pool__batch_add each, then otel_pool__batch_end): the objects of one pool tend to
 * be adjacent in an export batch, so each run of one pool goes back with one push.
 */
typedef struct otel_pool_batch {
    otel_pool_kind_t kind;
    otel_pool_t *pool; /* of the current run, NULL when empty */
    otel_pool_link_t *first, *last;
} otel_pool_batch_t;

#define OTEL_POOL_BATCH_INIT(k) ((otel_pool_batch_t){.kind = (k)})

/** Gives back the current run, if any; the batch is empty afterwards. */
void otel_pool__batch_end(otel_pool_batch_t *batch);

/** Adds a pooled object (link->pool set) to the batch; a different pool ends the current run first. */
static inline void otel_pool__batch_add(otel_pool_batch_t *batch, otel_pool_link_t *link)
{
    if (link->pool == batch->pool) {
        batch->last->next = link;
        batch->last = link;
        return;
    }
    otel_pool__batch_end(batch);
    batch->pool = link->pool;
    batch->first = batch->last = link;
}

#endif
