// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <popt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <unistd.h>

#include "batch.h"
#include "ctx.h"

/* Strips a '#' comment that starts a word. */
static void strip_comment(char *line)
{
	char *p;

	for (p = line; *p; p++) {
		if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
	}
}

int batch(struct ctx *ctx, const char *file, batch_run_fn *run)
{
	FILE *f = stdin;
	char *line = NULL;
	size_t cap = 0;
	int status = 0, st, ac, ret;
	const char **av;

	if (strcmp(file, "-")) {
		/* With the caller's own right to read it, when privileged. */
		if (ctx->privileged) {
			setfsgid(ctx->gid);
			setfsuid(ctx->uid);
		}
		f = fopen(file, "re");
		if (ctx->privileged) {
			setfsuid(geteuid());
			setfsgid(getegid());
		}
		if (!f) {
			fprintf(stderr, "tapctl: %s: %s\n", file,
				strerror(errno));
			return 1;
		}
	}
	ctx->in_batch = true;
	ctx->batch_file = file;
	while (getline(&line, &cap, f) >= 0) {
		ctx->batch_line++;
		line[strcspn(line, "\n")] = '\0';
		strip_comment(line);
		if (!line[strspn(line, " \t\r")])
			continue;
		ret = poptParseArgvString(line, &ac, &av);
		if (ret < 0) {
			fprintf(stderr, "tapctl: %s:%u: %s\n", file,
				ctx->batch_line, poptStrerror(ret));
			st = 2;
		} else {
			/* A failed line may have left a JSON document open. */
			out_init(&ctx->out, stdout, ctx->json);
			st = run(ctx, ac, av);
			free(av);
		}
		if (st) {
			status = status ? status : st;
			if (!ctx->force)
				break;
		}
	}
	if (ferror(f)) {
		/* A directory, an I/O error: not the same as an empty file. */
		fprintf(stderr, "tapctl: %s: %s\n", file, strerror(errno));
		status = status ? status : 1;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (status && ctx->force)
		status = 1;
	return status;
}
