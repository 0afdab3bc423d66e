/* SPDX-License-Identifier: Apache-2.0 */
/* The version string baked in at build time. */
const char *h2otel_version(void)
{
    return H2OTEL_VERSION;
}
