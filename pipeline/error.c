#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
kz_error_clear(kz_error *err)
{
	memset(err, 0, sizeof *err);
}

int
kz_error_set(kz_error *err, const char *file, long line, long column,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return -1;
}

void
kz_error_format(const kz_error *err, char *buf, size_t n)
{
	if (err->file[0] && err->line > 0 && err->column > 0)
		snprintf(buf, n, "%s:%ld:%ld: %s", err->file, err->line,
		    err->column, err->message);
	else if (err->file[0] && err->line > 0)
		snprintf(buf, n, "%s:%ld: %s", err->file, err->line,
		    err->message);
	else if (err->file[0])
		snprintf(buf, n, "%s: %s", err->file, err->message);
	else
		snprintf(buf, n, "%s", err->message);
}
