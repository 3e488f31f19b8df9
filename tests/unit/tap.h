/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny TAP producer for tapctl's unit tests.
 *
 *	#include "tap.h"
 *	int main(void)
 *	{
 *		plan(3);
 *		ok(parse_mtu("1500", &v) == 0, "1500 parses");
 *		is_int(v, 1500, "value of %s", "1500");
 *		is_str(buf, "aa:bb", "MAC printed");
 *		return done_testing();
 *	}
 *
 * Prints "1..N", then "ok N - desc" or "not ok N - desc" per check, with
 * "#   got/expected" diagnostics for failures, all on stdout so that the
 * order survives a pipe.  done_testing() prints the plan if plan() was not
 * called and returns the exit status: 0 when every check passed and the
 * count matched the plan, else 1.  skip(n, why) records n skipped checks.
 */
#ifndef TAPCTL_TAP_H
#define TAPCTL_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_planned = -1;
static int tap_run;
static int tap_failed;

static inline void plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static inline void __attribute__((format(printf, 1, 2))) diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static inline int tap_vreport(int pass, const char *file, int line,
			      const char *fmt, va_list ap)
{
	tap_run++;
	printf("%sok %d - ", pass ? "" : "not ", tap_run);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

static inline int __attribute__((format(printf, 4, 5)))
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pass = tap_vreport(pass, file, line, fmt, ap);
	va_end(ap);
	return pass;
}

static inline int __attribute__((format(printf, 5, 6)))
tap_is_int(long long got, long long want, const char *file, int line,
	   const char *fmt, ...)
{
	va_list ap;
	int pass = got == want;

	va_start(ap, fmt);
	tap_vreport(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#        got: %lld\n#   expected: %lld\n", got, want);
	return pass;
}

static inline int __attribute__((format(printf, 5, 6)))
tap_is_str(const char *got, const char *want, const char *file, int line,
	   const char *fmt, ...)
{
	va_list ap;
	int pass = (got && want) ? !strcmp(got, want) : got == want;

	va_start(ap, fmt);
	tap_vreport(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass) {
		printf("#        got: %s%s%s\n", got ? "\"" : "", got ? got : "NULL",
		       got ? "\"" : "");
		printf("#   expected: %s%s%s\n", want ? "\"" : "",
		       want ? want : "NULL", want ? "\"" : "");
	}
	return pass;
}

static inline void skip(int n, const char *why)
{
	while (n-- > 0)
		printf("ok %d # skip %s\n", ++tap_run, why);
	fflush(stdout);
}

static inline int done_testing(void)
{
	if (tap_planned < 0)
		printf("1..%d\n", tap_run);
	else if (tap_run != tap_planned)
		printf("# planned %d tests but ran %d\n", tap_planned, tap_run);
	fflush(stdout);
	return tap_failed || (tap_planned >= 0 && tap_run != tap_planned);
}

/* Each returns 1 when the check passed, so a test can stop early. */
#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) \
	tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) \
	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)

#endif /* TAPCTL_TAP_H */
