// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "out.h"

void out_init(struct out *o, FILE *f, bool json)
{
	o->f = f;
	o->json = json;
	o->depth = 0;
	o->first[0] = true;
}

/*
 * Length of the well-formed UTF-8 sequence at @p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static int utf8_len(const unsigned char *p)
{
	int n, i;
	unsigned int min, cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2, min = 0x80, cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3, min = 0x800, cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4, min = 0x10000, cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void out_json_string(FILE *f, const char *s)
{
	const unsigned char *p;
	int n;

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
			 * Interface names and comm values are arbitrary bytes.
			 * UTF-8 passes as it is; a control character, or a
			 * byte that is not part of valid UTF-8, becomes
			 * \u00XX, so that the output is always valid JSON.
			 */
			if (*p >= 0x80 && (n = utf8_len(p))) {
				fwrite(p, 1, (size_t)n, f);
				p += n - 1;
			} else if (*p < 0x20 || *p >= 0x7f) {
				fprintf(f, "\\u%04x", *p);
			} else {
				fputc(*p, f);
			}
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

/*
 * A column format, [spaces]%[-][width]s (or llu): written without
 * vfprintf, which was most of what list itself spends on a thousand
 * rows. Anything else is left to fprintf (returns false).
 */
static bool column(FILE *f, const char *fmt, const char *conv, const char *v)
{
	char buf[128];
	const char *p = fmt;
	size_t lead, width = 0, len, pad, n;
	bool left = false;

	for (lead = 0; *p == ' '; p++)
		lead++;
	if (*p++ != '%')
		return false;
	if (*p == '-') {
		left = true;
		p++;
	}
	for (; *p >= '0' && *p <= '9' && width < 64; p++)
		width = width * 10 + (size_t)(*p - '0');
	len = strlen(v);
	if (strcmp(p, conv) || lead >= 32 || width >= 64 || len >= 32)
		return false;
	/* One write: padding and value put together in @buf. */
	pad = len < width ? width - len : 0;
	memset(buf, ' ', lead + pad + len);
	n = left ? lead : lead + pad;
	memcpy(buf + n, v, len);
	n += len + (left ? pad : 0);
	fwrite_unlocked(buf, 1, n, f);
	return true;
}

/* @v in decimal into @buf (21 bytes). */
static const char *decimal(unsigned long long v, char buf[21])
{
	char *p = buf + 20;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	return p;
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
	} else if (fmt && !column(o->f, fmt, "s", v ? v : "-")) {
		fprintf(o->f, fmt, v ? v : "-");
	}
}

void out_uint(struct out *o, const char *k, const char *fmt,
	      unsigned long long v)
{
	char buf[21];

	if (o->json) {
		if (!k)
			return;
		key(o, k);
		fputs(decimal(v, buf), o->f);
	} else if (fmt && !column(o->f, fmt, "llu", decimal(v, buf))) {
		fprintf(o->f, fmt, v);
	}
}

void out_item_uint(struct out *o, unsigned long long v)
{
	char buf[21];

	if (!o->json)
		return;
	key(o, NULL);
	fputs(decimal(v, buf), o->f);
}

void out_item_str(struct out *o, const char *v)
{
	if (!o->json)
		return;
	key(o, NULL);
	out_json_string(o->f, v);
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
	/* The next document (a batch's next command) starts afresh. */
	o->depth = 0;
	o->first[0] = true;
}

void out_item(struct out *o, const char *fmt, const char *v)
{
	if (o->json) {
		key(o, NULL);
		out_json_string(o->f, v);
	} else if (fmt) {
		fprintf(o->f, fmt, v);
	}
}
