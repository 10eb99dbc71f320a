#include "review_assets.h"

/* the files of share/review/, embedded at build time by
 * tools/embed-files.sh */
#include "review_files.h"

const kz_review_asset kz_review_assets[] = {
	KZ_EMBEDDED_FILES
	{ NULL, NULL, 0 }
};
