// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctx.h"
#include "err.h"
#include "progress.h"

static const char *reason(int code)
{
	switch (-code) {
	case EXFULL:
		/* br_add_if() says only this when a bridge has all its ports. */
		return "Exchange full (the bridge has its maximum of 1023 ports)";
	default:
		return strerror(-code);
	}
}

static void where(struct ctx *ctx)
{
	if (ctx->loc_file)
		snprintf(ctx->err.where, sizeof(ctx->err.where), "%s:%u",
			 ctx->loc_file, ctx->loc_line);
}

void err_locate(struct ctx *ctx, const char *file, unsigned int line)
{
	ctx->loc_file = file;
	ctx->loc_line = line;
}

int err_sys(struct ctx *ctx, int code, const char *step)
{
	if (code >= 0)
		code = -EIO;
	if (ctx->err.code)
		return code;
	ctx->err.code = code;
	snprintf(ctx->err.extack, sizeof(ctx->err.extack), "%s", ctx->extack);
	where(ctx);
	if (ctx->extack[0])
		snprintf(ctx->err.msg, sizeof(ctx->err.msg), "%s%s%s: %s",
			 step ? step : "", step ? ": " : "", reason(code),
			 ctx->extack);
	else
		snprintf(ctx->err.msg, sizeof(ctx->err.msg), "%s%s%s",
			 step ? step : "", step ? ": " : "", reason(code));
	ctx->extack[0] = '\0';
	return code;
}

static int vrecord(struct ctx *ctx, int code, bool usage, const char *fmt,
		   va_list ap)
{
	if (ctx->err.code)
		return code;
	ctx->err.code = code;
	ctx->err.usage = usage;
	where(ctx);
	vsnprintf(ctx->err.msg, sizeof(ctx->err.msg), fmt, ap);
	return code;
}

int err_fail(struct ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;

	if (code >= 0)
		code = -EIO;
	va_start(ap, fmt);
	vrecord(ctx, code, false, fmt, ap);
	va_end(ap);
	return code;
}

int err_usage(struct ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord(ctx, -EINVAL, true, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

bool err_pending(const struct ctx *ctx)
{
	return ctx->err.code != 0;
}

void err_clear(struct ctx *ctx)
{
	ctx->err.code = 0;
	ctx->err.usage = false;
	ctx->err.msg[0] = '\0';
	ctx->err.extack[0] = '\0';
	ctx->err.where[0] = '\0';
	ctx->extack[0] = '\0';
}

static void prefix(const struct ctx *ctx)
{
	fputs("tapctl: ", stderr);
	if (ctx->err.where[0])
		fprintf(stderr, "%s: ", ctx->err.where);
	else if (ctx->batch_file)
		fprintf(stderr, "%s:%u: ", ctx->batch_file, ctx->batch_line);
	if (ctx->cmd)
		fprintf(stderr, "%s%s%s: ", ctx->cmd, ctx->name[0] ? " " : "",
			ctx->name);
}

void err_report(struct ctx *ctx)
{
	if (!ctx->err.code)
		return;
	progress_hide();
	fflush(stdout);
	if (!ctx->bare_errors)
		prefix(ctx);
	fprintf(stderr, "%s\n", ctx->err.msg);
}

void err_warn(struct ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet)
		return;
	fflush(stdout);
	prefix(ctx);
	fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int err_status(const struct ctx *ctx, int ret)
{
	if (!ret && !ctx->err.code)
		return 0;
	return ctx->err.usage ? 2 : 1;
}
