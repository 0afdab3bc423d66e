/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP-JSON rendering of collected metrics (used by the console exporter and the tests). */
#ifndef OTEL_METRICS_JSON_H
#define OTEL_METRICS_JSON_H

#include <jansson.h>
#include "otel/metrics_data.h"

/** A new JSON object in the shape of OTLP's ExportMetricsServiceRequest; NULL on allocation failure. */
json_t *otel_metrics__to_json(const otel_metrics_data_t *data);

#endif
