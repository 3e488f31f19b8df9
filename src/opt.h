/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_OPT_H
#define TAPCTL_OPT_H

#include <popt.h>
#include <stdbool.h>
#include <stdint.h>

struct ctx;

/* Our own -h: POPT_AUTOHELP would exit(0) in the middle of a batch. */
#define OPT_HELP_VAL 'h'
#define OPT_HELP \
	{ "help", 'h', POPT_ARG_NONE, NULL, OPT_HELP_VAL, \
	  "show this help and exit", NULL }

/*
 * A popt context over @argv (argv[0] is the command name), with
 * /etc/popt aliases and exec never read.
 */
poptContext opt_context(int argc, const char **argv,
			const struct poptOption *table, const char *synopsis);
/* Records popt's failure @rc as a usage error; returns -EINVAL. */
int opt_error(struct ctx *ctx, poptContext pc, int rc);
/* Replaces *@slot with the current option's argument (caller frees). */
void opt_take(poptContext pc, char **slot);
void opt_help(poptContext pc);
/*
 * Takes the command's NAME: it must be there and be a valid interface
 * name (with one %d if @template); it becomes the name in messages.
 */
int opt_name(struct ctx *ctx, poptContext pc, bool template,
	     const char **name);
/* Rejects leftover positionals after the expected ones. */
int opt_no_more(struct ctx *ctx, poptContext pc);
/* Parses "OPTION VALUE" as strict decimal in [min, max], or says why. */
int opt_u32(struct ctx *ctx, const char *opt, const char *s, uint32_t min,
	    uint32_t max, uint32_t *out);

#endif
