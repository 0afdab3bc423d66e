/* SPDX-License-Identifier: Apache-2.0 */
/* The spec's mapping from a temporality preference and an instrument kind to an aggregation temporality. */
#include "otel/metrics_data.h"

otel_temporality_t otel_temporality_select(otel_temporality_preference_t preference, otel_instrument_kind_t kind)
{
    switch (kind) {
    case OTEL_INSTRUMENT_GAUGE:
    case OTEL_INSTRUMENT_OBSERVABLE_GAUGE:
        return OTEL_TEMPORALITY_UNSPECIFIED;
    case OTEL_INSTRUMENT_UP_DOWN_COUNTER:
    case OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER:
        return OTEL_TEMPORALITY_CUMULATIVE;
    case OTEL_INSTRUMENT_COUNTER:
    case OTEL_INSTRUMENT_HISTOGRAM:
        return preference == OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE ? OTEL_TEMPORALITY_CUMULATIVE
                                                                    : OTEL_TEMPORALITY_DELTA;
    case OTEL_INSTRUMENT_OBSERVABLE_COUNTER:
        return preference == OTEL_TEMPORALITY_PREFERENCE_DELTA ? OTEL_TEMPORALITY_DELTA : OTEL_TEMPORALITY_CUMULATIVE;
    }
    return OTEL_TEMPORALITY_CUMULATIVE;
}
