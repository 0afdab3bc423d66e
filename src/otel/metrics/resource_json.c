/* SPDX-License-Identifier: Apache-2.0 */
/* The resource part of the metrics OTLP-JSON. Until include/otel/resource.h is merged, no attributes. */
#include "metrics/metrics_json.h"

json_t *otel_metrics__resource_json(const otel_resource_t *resource)
{
    (void)resource;
    return json_array();
}
