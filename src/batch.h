/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_BATCH_H
#define TAPCTL_BATCH_H

struct ctx;

/* Runs one command line (argv[0] is the command); returns an exit status. */
typedef int batch_run_fn(struct ctx *ctx, int argc, const char **argv);

/*
 * -b FILE: runs the commands of @file ("-" for stdin), one per line, with
 * @run over the one ctx and socket. Returns the exit status of the batch.
 */
int batch(struct ctx *ctx, const char *file, batch_run_fn *run);

#endif
