/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_ERR_H
#define TAPCTL_ERR_H

#include <stdbool.h>

struct ctx;

/*
 * The one rule: a function that takes a struct ctx records its failure
 * there (with err_sys, err_fail or err_usage) before it returns -errno;
 * a function without a ctx only returns -errno, and its caller records
 * it in words. The one exception is the transport below the rule:
 * nl_request and the link_* requests of link.h take ctx for its socket
 * only; they return -errno and leave the kernel's text in ctx->extack,
 * which the caller's err_sys takes. Nothing but err_report and err_warn
 * writes failures to stderr (the legacy tunctl grammar prints its own,
 * unbounded, words).
 */
struct err {
	int code;		/* -errno of the first failure, 0 if none */
	bool usage;		/* invalid input: exit status 2 */
	char msg[512];
	char extack[256];	/* the kernel's text for it, "" if none */
	char where[300];	/* FILE:LINE (err_locate), or "" */
};

/*
 * All three record only the first failure of a command (later ones,
 * typically from undo, must not hide the cause) and return @code (or
 * -EINVAL for err_usage) so that callers can write `return err_sys(...)`.
 */
int err_sys(struct ctx *ctx, int code, const char *step);
int err_fail(struct ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int err_usage(struct ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Errors recorded from now on belong to line @line of @file (a
 * declaration file) and say so instead of a batch's FILE:LINE; the
 * text is copied, so @file may go before the error is reported. A
 * NULL @file ends it.
 */
void err_locate(struct ctx *ctx, const char *file, unsigned int line);
bool err_pending(const struct ctx *ctx);
void err_clear(struct ctx *ctx);
/*
 * The one writer of failure messages: "tapctl: [FILE:LINE: ]CMD NAME: "
 * and the message, or the message alone when ctx->bare_errors says the
 * command speaks another program's words (bridge-helper).
 */
void err_report(struct ctx *ctx);
/* A warning that does not fail the command, in the same form; not with -q. */
void err_warn(struct ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* 0, 1 or 2 as SPEC.md says, from the recorded error and @ret. */
int err_status(const struct ctx *ctx, int ret);

#endif
