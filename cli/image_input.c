/* Image inputs: telling a picture from other inputs, and saying what is
 * wrong with one that cannot be read.  SPDX-License-Identifier:
 * GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_is_image(const char *path)
{
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char sig[8];
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    size_t n = fread(sig, 1, sizeof sig, fp);
    fclose(fp);
    return (n == 8 && memcmp(sig, png, 8) == 0) ||
           (n >= 3 && sig[0] == 0xff && sig[1] == 0xd8 && sig[2] == 0xff);
}

void cli_image_error(const char *path, int status)
{
    if (status == SONO_ERR_FORMAT)
        cli_error(path, "not a PNG or JPEG picture that can be read (corrupt, "
                  "truncated or unsupported)");
    else if (status == SONO_ERR_TOO_LARGE)
        cli_error(path, "picture too large: sono reads at most %u pixels a side "
                  "and %u pixels in all", SONO_IMAGE_MAX_SIDE, SONO_IMAGE_MAX_PIXELS);
    else
        cli_file_error(path, status);
}
