/* SPDX-License-Identifier: Apache-2.0 */
/* otelc's own threads: a name for top -H and gdb, and the opt-in nice value (OTELC_EXPORT_THREAD_NICE). */
#ifndef OTEL_THREAD_INTERNAL_H
#define OTEL_THREAD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "otel/common.h"

/** The variable read by otel_thread__nice_from_env. */
#define OTEL_THREAD__NICE_ENV "OTELC_EXPORT_THREAD_NICE"
/** The largest nice value Linux knows; larger option values are clamped to it. */
#define OTEL_THREAD__NICE_MAX 19u

/**
 * Overlays OTELC_EXPORT_THREAD_NICE (0..19) on `*out`. Unset or blank: `*out` unchanged, OTEL_OK. Anything else
 * (not a decimal integer, above 19): OTEL_ERR_CONFIG with one line naming the variable in `err`, `*out` unchanged.
 */
otel_status_t otel_thread__nice_from_env(uint32_t *out, char *err, size_t err_len);

/**
 * Run first thing on a thread otelc created, before its first export (gRPC threads started lazily from it then
 * inherit the nice value): names the calling thread `name` (at most 15 characters) and, when `nice` > 0, raises
 * the thread's own nice value to min(nice, 19) unless it is already at least that (an unprivileged thread may
 * raise but not lower it). A failure is reported through the diagnostics handler; it never stops the thread.
 */
void otel_thread__setup(const char *name, uint32_t nice);

#endif
