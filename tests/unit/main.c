/* The unit test runner: every suite found in tests/unit/test_*.c. */
#include "kz_test.h"
#include "suites.h"

#include <stdio.h>

int
main(void)
{
	Suite *(*suites[])(void) = { KZ_SUITES NULL };
	SRunner *sr = NULL;
	int failed;

	for (size_t i = 0; suites[i] != NULL; i++) {
		if (sr == NULL)
			sr = srunner_create(suites[i]());
		else
			srunner_add_suite(sr, suites[i]());
	}
	if (sr == NULL) {
		fprintf(stderr, "no unit test suites\n");
		return 1;
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
