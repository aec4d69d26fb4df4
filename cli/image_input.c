/* Image inputs: telling a picture from other inputs, and saying what is
 * wrong with one that cannot be read.  SPDX-License-Identifier:
 * GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* By the name too, so that an empty or damaged picture is reported as a
 * picture rather than as some other kind of input. */
static int has_image_name(const char *path)
{
    static const char *const ext[] = {".png", ".jpg", ".jpeg"};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t k = strlen(ext[i]);
        if (n >= k && strcasecmp(path + n - k, ext[i]) == 0)
            return 1;
    }
    return 0;
}

int cli_is_image(const char *path)
{
    if (has_image_name(path))
        return 1;
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
