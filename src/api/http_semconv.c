/* SPDX-License-Identifier: Apache-2.0 */
/* HTTP semantic-convention helpers: known methods (_OTHER), status slots and texts, protocol versions. */
#include <string.h>

#include "telemetry_internal.h"

const char *const api_tel_method_names[API_TEL_METHODS] = {"GET",     "HEAD",    "POST",  "PUT",   "DELETE",
                                                           "CONNECT", "OPTIONS", "TRACE", "PATCH", "_OTHER"};

const otel_str_t api_tel_method_strs[API_TEL_METHODS] = {{"GET", 3},    {"HEAD", 4},    {"POST", 4},    {"PUT", 3},
                                                         {"DELETE", 6}, {"CONNECT", 7}, {"OPTIONS", 7}, {"TRACE", 5},
                                                         {"PATCH", 5},  {"_OTHER", 6}};

int api_tel_method_index(h2o_iovec_t m)
{
    /* Case-sensitive, as the conventions say: "get" is _OTHER. */
    for (int i = 0; i < API_TEL_METHOD_OTHER; i++)
        if (h2o_memis(m.base, m.len, api_tel_method_names[i], strlen(api_tel_method_names[i])))
            return i;
    return API_TEL_METHOD_OTHER;
}

static const int status_slots[API_TEL_STATUS_SLOTS] = {200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 405,
                                                       408, 413, 415, 429, 500, 501, 502, 503, 504, 505};

int api_tel_status_slot(int status)
{
    for (int i = 0; i < API_TEL_STATUS_SLOTS; i++)
        if (status_slots[i] == status)
            return i;
    return -1;
}

otel_str_t api_tel_status_text(int status, char out[4])
{
    if (status < 100 || status > 599)
        return OTEL_STR("_OTHER");
    out[0] = (char)('0' + status / 100), out[1] = (char)('0' + status / 10 % 10), out[2] = (char)('0' + status % 10);
    out[3] = '\0';
    return (otel_str_t){out, 3};
}

const char *api_tel_protocol_version(int version)
{
    switch (version) {
    case 0x200:
        return "2";
    case 0x101:
        return "1.1";
    case 0x100:
        return "1.0";
    default:
        return version >= 0x200 ? "2" : "1.1";
    }
}

otel_str_t api_tel_protocol_version_str(int version)
{
    return version >= 0x200 ? (otel_str_t){"2", 1} : version == 0x100 ? (otel_str_t){"1.0", 3} : (otel_str_t){"1.1", 3};
}
