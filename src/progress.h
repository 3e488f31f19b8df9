/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_PROGRESS_H
#define TAPCTL_PROGRESS_H

struct ctx;

/*
 * One progress line on standard error for long work (a batch, apply):
 * "tapctl: DONE/TOTAL (P%), R/s", redrawn in place at most ten times a
 * second, first after a fifth of a second (a short run shows nothing),
 * and erased at the end. Only when standard error is a terminal and
 * without -q; otherwise every call is a no-op.
 */
/* @total 0: unknown (from a pipe): only DONE and the rate are shown. */
void progress_start(struct ctx *ctx, unsigned long total);
/* @n more units done. */
void progress_step(struct ctx *ctx, unsigned long n);
void progress_end(struct ctx *ctx);
/*
 * Erases the line if it is shown, before anything else writes to the
 * terminal (err_report calls it); the next step draws it again.
 */
void progress_hide(void);
/* Whether the line may be shown at all: to skip counting a file's lines. */
int progress_wanted(const struct ctx *ctx);

#endif
