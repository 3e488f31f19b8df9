// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <popt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "ctx.h"
#include "del.h"
#include "progress.h"

/* Consecutive del lines joined into one kernel batch, at most. */
#define DEL_JOIN_MAX 65536

/*
 * Lines from a descriptor, with a way to ask whether the next one is
 * there without waiting for it: del lines are joined only while they
 * are, so that a program feeding tapctl -b - line by line is never kept
 * waiting for the effect of one it has sent.
 */
struct reader {
	int fd;
	char *buf;
	size_t start, len, cap;
	bool eof;
};

/* Reads once more: 0, or -errno. */
static int fill(struct reader *r)
{
	ssize_t n;
	char *b;

	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->len - r->start);
		r->len -= r->start;
		r->start = 0;
	}
	if (r->cap - r->len < 4096) {
		b = realloc(r->buf, r->cap ? 2 * r->cap : 65536);
		if (!b)
			return -ENOMEM;
		r->buf = b;
		r->cap = r->cap ? 2 * r->cap : 65536;
	}
	do
		n = read(r->fd, r->buf + r->len, r->cap - r->len - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (!n)
		r->eof = true;
	r->len += (size_t)n;
	return 0;
}

static char *whole_line(struct reader *r)
{
	return memchr(r->buf + r->start, '\n', r->len - r->start);
}

/* The next line, without its newline: 1, 0 at the end, or -errno. */
static int next_line(struct reader *r, char **line)
{
	char *nl = NULL;
	int ret;

	for (;;) {
		if (r->buf)
			nl = whole_line(r);
		if (nl)
			break;
		if (r->eof) {
			if (!r->buf || r->start == r->len)
				return 0;
			/* A last line without a newline (fill left a byte). */
			nl = r->buf + r->len++;
			break;
		}
		if ((ret = fill(r)))
			return ret;
	}
	*nl = '\0';
	*line = r->buf + r->start;
	r->start = (size_t)(nl - r->buf) + 1;
	return 1;
}

/* Whether next_line can answer without waiting for the writer. */
static bool line_ready(struct reader *r)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };

	if (r->eof || (r->buf && whole_line(r)))
		return true;
	if (poll(&pfd, 1, 0) <= 0 || fill(r))
		return false;
	return r->eof || whole_line(r);
}

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

/* Whether @line (comment stripped) holds a command. */
static bool command_line(char *line)
{
	strip_comment(line);
	return line[strspn(line, " \t\r")];
}

/* One command of the file. */
struct line {
	unsigned int no;
	int ac;
	const char **av;		/* NULL: the line does not parse */
	int parse_err;
};

static bool is_del(const struct line *l)
{
	return l->av && !strcmp(l->av[0], "del");
}

/* The next command: 1, 0 at the end, -errno. */
static int next_cmd(struct ctx *ctx, struct reader *r, struct line *l)
{
	char *s;
	int ret;

	while ((ret = next_line(r, &s)) > 0) {
		ctx->batch_line++;
		if (!command_line(s))
			continue;
		l->no = ctx->batch_line;
		l->av = NULL;
		l->parse_err = poptParseArgvString(s, &l->ac, &l->av);
		if (l->parse_err < 0)
			l->av = NULL;
		return 1;
	}
	return ret;
}

/* Its exit status; reports its failure. */
static int run_line(struct ctx *ctx, struct line *l, batch_run_fn *run)
{
	int st;

	ctx->batch_line = l->no;
	if (!l->av) {
		err_clear(ctx);
		ctx->cmd = NULL;
		ctx->name[0] = '\0';
		err_usage(ctx, "%s", poptStrerror(l->parse_err));
		err_report(ctx);
		return 2;
	}
	/* A failed line may have left a JSON document open. */
	out_init(&ctx->out, stdout, ctx->json);
	st = run(ctx, l->ac, l->av);
	free(l->av);
	l->av = NULL;
	return st;
}

struct del_group {
	struct line *v;
	struct del_unit *u;
	size_t n, cap;
};

static int group_add(struct del_group *g, const struct line *l)
{
	void *p;

	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		if (!(p = realloc(g->v, g->cap * sizeof(*g->v))))
			return -ENOMEM;
		g->v = p;
		if (!(p = realloc(g->u, g->cap * sizeof(*g->u))))
			return -ENOMEM;
		g->u = p;
	}
	g->v[g->n++] = *l;
	return 0;
}

/*
 * Runs the joined del lines; each one's status, as if run one by one,
 * into @st (0 when a line was not reached). Returns how many ran.
 */
static size_t run_dels(struct ctx *ctx, struct del_group *g, int *st)
{
	size_t i, ran = 0;

	for (i = 0; i < g->n; i++)
		g->u[i] = (struct del_unit){ .argc = g->v[i].ac,
					     .argv = g->v[i].av,
					     .line = g->v[i].no };
	del_run(ctx, g->u, g->n);
	for (i = 0; i < g->n && g->u[i].ran; i++) {
		ran++;
		st[i] = 0;
		if (!g->u[i].ret)
			continue;
		err_clear(ctx);
		ctx->cmd = "del";
		ctx->err = g->u[i].err;
		ctx_set_name(ctx, g->u[i].name);
		ctx->batch_line = g->u[i].line;
		err_report(ctx);
		st[i] = ctx->err.usage ? 2 : 1;
	}
	for (i = 0; i < g->n; i++) {
		free(g->v[i].av);
		g->v[i].av = NULL;
	}
	return ran;
}

/* Command lines of a regular file, for the progress line; 0 if unknown. */
static unsigned long count_lines(int fd)
{
	struct reader r = { .fd = fd };
	struct stat stb;
	unsigned long n = 0;
	char *s;

	if (fstat(fd, &stb) || !S_ISREG(stb.st_mode))
		return 0;
	while (next_line(&r, &s) > 0)
		n += command_line(s);
	free(r.buf);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return 0;
	return n;
}

static int open_file(struct ctx *ctx, const char *file)
{
	int fd, e;

	if (!strcmp(file, "-"))
		return STDIN_FILENO;
	/* With the caller's own right to read it, when privileged. */
	if (ctx->privileged) {
		setfsgid(ctx->gid);
		setfsuid(ctx->uid);
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	e = errno;
	if (ctx->privileged) {
		setfsuid(geteuid());
		setfsgid(getegid());
	}
	errno = e;
	return fd;
}

/* A failure of the batch itself: "tapctl: FILE: reason". */
static void report_file(struct ctx *ctx, const char *file, int code)
{
	ctx->batch_file = NULL;
	ctx->cmd = NULL;
	ctx->name[0] = '\0';
	err_clear(ctx);
	err_fail(ctx, code, "%s: %s", file, strerror(-code));
	err_report(ctx);
}

/* Folds one line's status into the batch's; false: the batch stops. */
static bool account(struct ctx *ctx, int *status, int st)
{
	progress_step(ctx, 1);
	if (!st)
		return true;
	if (!*status)
		*status = st;
	return ctx->force;
}

int batch(struct ctx *ctx, const char *file, batch_run_fn *run)
{
	struct reader r = { .fd = -1 };
	struct del_group g = { NULL, NULL, 0, 0 };
	struct line l;
	int status = 0, have, *st = NULL;
	bool go = true;
	size_t i, ran;

	r.fd = open_file(ctx, file);
	if (r.fd < 0) {
		report_file(ctx, file, -errno);
		return 1;
	}
	ctx->in_batch = true;
	ctx->batch_file = file;
	progress_start(ctx, progress_wanted(ctx) ? count_lines(r.fd) : 0);
	have = next_cmd(ctx, &r, &l);
	while (go && have > 0) {
		/* Progress and the way a terminal shows them share a screen. */
		if (!ctx->quiet && isatty(STDOUT_FILENO))
			progress_hide();
		if (!is_del(&l)) {
			go = account(ctx, &status, run_line(ctx, &l, run));
			have = next_cmd(ctx, &r, &l);
			continue;
		}
		g.n = 0;
		do {
			if (group_add(&g, &l)) {
				free(l.av);
				have = -ENOMEM;
				break;
			}
			have = 0;
		} while (g.n < DEL_JOIN_MAX && line_ready(&r) &&
			 (have = next_cmd(ctx, &r, &l)) > 0 && is_del(&l));
		free(st);
		if (!(st = calloc(g.n, sizeof(*st)))) {
			have = -ENOMEM;
			break;
		}
		ran = run_dels(ctx, &g, st);
		for (i = 0; go && i < ran; i++)
			go = account(ctx, &status, st[i]);
		/* Unless a line that is not del is in hand already. */
		if (go && !have)
			have = next_cmd(ctx, &r, &l);
	}
	if (have > 0)
		free(l.av);
	progress_end(ctx);
	if (have < 0) {
		/* A directory, an I/O error: not the same as an empty file. */
		report_file(ctx, file, have);
		status = status ? status : 1;
	}
	free(st);
	free(g.v);
	free(g.u);
	free(r.buf);
	if (r.fd != STDIN_FILENO)
		close(r.fd);
	if (status && ctx->force)
		status = 1;
	return status;
}
