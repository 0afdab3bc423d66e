/* SPDX-License-Identifier: Apache-2.0 */
/* Skeleton entry point; replaced by the service (issue 2). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("h2otel %s\n", H2OTEL_VERSION);
        return 0;
    }
    fprintf(stderr, "h2otel: the service is not built yet\n");
    return 1;
}
