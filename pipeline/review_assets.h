/*
 * review_assets.h - the files of share/review/ (the review pages, their
 * style and script), compiled into kz-review by tools/embed-files.sh (review_assets.c).
 *
 * The table ends with a NULL name; data is static, NUL-terminated after
 * its len bytes, and never freed.
 */
#ifndef KZ_REVIEW_ASSETS_H
#define KZ_REVIEW_ASSETS_H

#include <stddef.h>

typedef struct kz_review_asset {
	const char *name;               /* file name, no folder: "app.js" */
	const unsigned char *data;
	size_t len;
} kz_review_asset;

extern const kz_review_asset kz_review_assets[];

#endif
