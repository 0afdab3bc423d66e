/* SPDX-License-Identifier: Apache-2.0 */
/* otelc: the umbrella header of our OpenTelemetry SDK for C. Include this one. */
#ifndef OTEL_OTEL_H
#define OTEL_OTEL_H

#include "otel/common.h"
#include "otel/trace.h"
#include "otel/metrics.h"
#include "otel/logs.h"
#include "otel/otlp.h"

#endif
