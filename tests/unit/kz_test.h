/* kz_test.h - shared bits of the Check unit tests. */
#ifndef KZ_TEST_H
#define KZ_TEST_H

#include <check.h>
#include <stdlib.h>

/* The data directory (gazetteers/, rules/): $KZ_DATA, set by the Makefile. */
static inline const char *
kz_test_datadir(void)
{
	const char *d = getenv("KZ_DATA");

	return d && *d ? d : ".";
}

#endif
