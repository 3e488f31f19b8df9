// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdio.h>

#include "out.h"

void out_init(struct out *o, FILE *f, bool json)
{
	o->f = f;
	o->json = json;
	o->depth = 0;
	o->first[0] = true;
}

void out_json_string(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			/*
			 * Interface names and comm values are arbitrary bytes;
			 * escaping everything outside printable ASCII keeps
			 * the output valid UTF-8 JSON whatever they hold.
			 */
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void key(struct out *o, const char *k)
{
	if (!o->first[o->depth])
		fputc(',', o->f);
	o->first[o->depth] = false;
	if (k) {
		out_json_string(o->f, k);
		fputc(':', o->f);
	}
}

static void open(struct out *o, const char *k, char c)
{
	if (!o->json)
		return;
	key(o, k);
	fputc(c, o->f);
	if (o->depth < OUT_MAX_DEPTH - 1)
		o->depth++;
	o->first[o->depth] = true;
}

static void close_(struct out *o, char c)
{
	if (!o->json)
		return;
	fputc(c, o->f);
	if (o->depth > 0)
		o->depth--;
}

void out_obj_open(struct out *o, const char *k)
{
	open(o, k, '{');
}

void out_obj_close(struct out *o)
{
	close_(o, '}');
}

void out_arr_open(struct out *o, const char *k)
{
	open(o, k, '[');
}

void out_arr_close(struct out *o)
{
	close_(o, ']');
}

void out_str(struct out *o, const char *k, const char *fmt, const char *v)
{
	if (o->json) {
		if (!k)
			return;
		key(o, k);
		if (v)
			out_json_string(o->f, v);
		else
			fputs("null", o->f);
	} else if (fmt) {
		fprintf(o->f, fmt, v ? v : "-");
	}
}

void out_uint(struct out *o, const char *k, const char *fmt,
	      unsigned long long v)
{
	if (o->json) {
		if (!k)
			return;
		key(o, k);
		fprintf(o->f, "%llu", v);
	} else if (fmt) {
		fprintf(o->f, fmt, v);
	}
}

void out_bool(struct out *o, const char *k, const char *fmt, bool v)
{
	if (o->json) {
		if (!k)
			return;
		key(o, k);
		fputs(v ? "true" : "false", o->f);
	} else if (fmt) {
		fprintf(o->f, fmt, v ? "yes" : "no");
	}
}

void out_null(struct out *o, const char *k, const char *fmt)
{
	out_str(o, k, fmt, NULL);
}

void out_text(struct out *o, const char *s)
{
	if (!o->json)
		fputs(s, o->f);
}

void out_end(struct out *o)
{
	if (o->json)
		fputc('\n', o->f);
	fflush(o->f);
}
