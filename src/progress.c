// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "progress.h"

/* Nanoseconds: before the first line, and between two. */
#define FIRST_NS 200000000LL
#define EVERY_NS 100000000LL

static struct {
	bool on;
	bool shown;
	unsigned long done, total;
	long long start, last;
} p;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int progress_wanted(const struct ctx *ctx)
{
	return !ctx->quiet && isatty(STDERR_FILENO);
}

void progress_start(struct ctx *ctx, unsigned long total)
{
	memset(&p, 0, sizeof(p));
	p.on = progress_wanted(ctx);
	p.total = total;
	p.start = p.last = now_ns();
}

static void draw(long long t)
{
	char line[96];
	double secs = (double)(t - p.start) / 1e9;
	unsigned long rate = secs > 0 ? (unsigned long)(p.done / secs) : 0;
	int n;

	if (p.total)
		n = snprintf(line, sizeof(line),
			     "\r\033[Ktapctl: %lu/%lu (%lu%%), %lu/s", p.done,
			     p.total, p.done * 100 / p.total, rate);
	else
		n = snprintf(line, sizeof(line), "\r\033[Ktapctl: %lu, %lu/s",
			     p.done, rate);
	/* Unbuffered stderr: one write, so the line is never torn. */
	if (n > 0 && write(STDERR_FILENO, line, (size_t)n) == n)
		p.shown = true;
	p.last = t;
}

void progress_step(struct ctx *ctx, unsigned long n)
{
	long long t;

	(void)ctx;
	if (!p.on)
		return;
	p.done += n;
	t = now_ns();
	if (t - p.start < FIRST_NS || (p.shown && t - p.last < EVERY_NS))
		return;
	draw(t);
}

void progress_hide(void)
{
	static const char erase[] = "\r\033[K";

	if (!p.shown)
		return;
	fflush(stderr);
	if (write(STDERR_FILENO, erase, sizeof(erase) - 1) < 0)
		return;
	p.shown = false;
}

void progress_end(struct ctx *ctx)
{
	(void)ctx;
	progress_hide();
	p.on = false;
}
