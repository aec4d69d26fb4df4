/* Prints sono's Butterworth coefficients for tests/reference/check_butter.py.
 * Reads lines "ORDER TYPE F1 F2 SR" (TYPE lowpass, highpass or bandpass; F2
 * is ignored but for bandpass) from stdin and prints, for each, "b" and the
 * coefficients on one line and "a" and the coefficients on the next (%.17g,
 * enough to read back the same double), or "refused CODE" when
 * sono_butter_new returns NULL.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "sono.h"

int main(void)
{
    char line[256], name[32];
    static const char *const types[] = {"lowpass", "highpass", "bandpass"};
    while (fgets(line, sizeof line, stdin)) {
        int order, type = -1;
        double f1, f2, sr;
        if (sscanf(line, "%d %31s %lf %lf %lf", &order, name, &f1, &f2, &sr) != 5)
            return 1;
        for (int t = 0; t < 3; t++)
            if (strcmp(name, types[t]) == 0)
                type = t;
        if (type < 0)
            return 1;
        int err = SONO_OK;
        sono_iir *f = sono_butter_new(order, (sono_filter_type)type, f1, f2, sr, &err);
        if (!f) {
            printf("refused %d\n", err);
            continue;
        }
        double b[2 * SONO_BUTTER_MAX_ORDER + 1], a[2 * SONO_BUTTER_MAX_ORDER + 1];
        size_t n = sono_iir_length(f);
        sono_iir_coefficients(f, b, a);
        for (int row = 0; row < 2; row++) {
            const double *c = row ? a : b;
            fputs(row ? "a" : "b", stdout);
            for (size_t i = 0; i < n; i++)
                printf(" %.17g", c[i]);
            putchar('\n');
        }
        sono_iir_free(f);
    }
    return ferror(stdin) ? 1 : 0;
}
