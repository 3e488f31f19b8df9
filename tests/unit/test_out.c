// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for src/out.c: one call per field, two renderings, valid JSON. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "out.h"
#include "tap.h"

/* A printer into memory; take() closes it and returns what it printed. */
struct buf {
	char *p;
	size_t len;
	FILE *f;
	struct out o;
};

static void start(struct buf *b, int json)
{
	b->p = NULL;
	b->len = 0;
	b->f = open_memstream(&b->p, &b->len);
	if (!b->f)
		abort();
	out_init(&b->o, b->f, json);
}

static char *take(struct buf *b)
{
	fclose(b->f);
	return b->p;
}

static void check_escape(const char *in, const char *want, const char *what)
{
	char *p = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&p, &len);

	if (!f)
		abort();
	out_json_string(f, in);
	fclose(f);
	is_str(p, want, "JSON string: %s", what);
	free(p);
}

static void test_escape(void)
{
	check_escape("tap0", "\"tap0\"", "plain ASCII as is");
	check_escape("", "\"\"", "empty");
	check_escape("a\"b", "\"a\\\"b\"", "quote escaped");
	check_escape("a\\b", "\"a\\\\b\"", "backslash escaped");
	check_escape("a\nb\tc", "\"a\\nb\\tc\"", "newline and tab escaped");
	check_escape("\x01\x1f", "\"\\u0001\\u001f\"", "control characters as \\u00XX");
	check_escape("\x7f", "\"\\u007f\"", "DEL as \\u007f");
	check_escape("t\xc3\xa9", "\"t\xc3\xa9\"", "two-byte UTF-8 as is");
	check_escape("\xe2\x82\xac", "\"\xe2\x82\xac\"", "three-byte UTF-8 as is");
	check_escape("\xf0\x9f\x90\xa7", "\"\xf0\x9f\x90\xa7\"", "four-byte UTF-8 as is");
	check_escape("a\xff", "\"a\\u00ff\"", "a byte never in UTF-8 escaped");
	check_escape("\xc3", "\"\\u00c3\"", "a truncated sequence at the end");
	check_escape("\xc3(", "\"\\u00c3(\"", "a lead byte without continuation");
	check_escape("\x80", "\"\\u0080\"", "a lone continuation byte");
	check_escape("\xc0\x80", "\"\\u00c0\\u0080\"", "an overlong NUL");
	check_escape("\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\"",
		     "an overlong three-byte form");
	check_escape("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"",
		     "a UTF-16 surrogate");
	check_escape("\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\"",
		     "a code point above U+10FFFF");
}

/* The same calls as a list row, in both modes. */
static void row(struct out *o, const char *master)
{
	out_obj_open(o, NULL);
	out_str(o, "ifname", "%-6s", "tap0");
	out_uint(o, "ifindex", NULL, 7);
	out_str(o, NULL, " %s", "text-only");
	out_null(o, "owner", " %s");
	out_bool(o, "persist", " %s", 1);
	out_bool(o, "pi", NULL, 0);
	out_uint(o, "mtu", " %llu", 1500);
	out_str(o, "master", " %s", master);
	out_arr_open(o, "holders");
	out_obj_open(o, NULL);
	out_uint(o, "pid", NULL, 42);
	out_str(o, "comm", NULL, "qemu");
	out_obj_close(o);
	out_arr_close(o);
	out_obj_close(o);
	out_text(o, "\n");
}

static void test_modes(void)
{
	struct buf b;
	char *s;

	start(&b, 1);
	out_arr_open(&b.o, NULL);
	row(&b.o, NULL);
	row(&b.o, "br0");
	out_arr_close(&b.o);
	out_end(&b.o);
	s = take(&b);
	is_str(s,
	       "[{\"ifname\":\"tap0\",\"ifindex\":7,\"owner\":null,\"persist\":true,"
	       "\"pi\":false,\"mtu\":1500,\"master\":null,"
	       "\"holders\":[{\"pid\":42,\"comm\":\"qemu\"}]},"
	       "{\"ifname\":\"tap0\",\"ifindex\":7,\"owner\":null,\"persist\":true,"
	       "\"pi\":false,\"mtu\":1500,\"master\":\"br0\","
	       "\"holders\":[{\"pid\":42,\"comm\":\"qemu\"}]}]\n",
	       "JSON: keys, types, null, nesting, one newline at the end");
	free(s);

	start(&b, 0);
	row(&b.o, NULL);
	row(&b.o, "br0");
	out_end(&b.o);
	s = take(&b);
	is_str(s, "tap0   text-only - yes 1500 -\n"
		  "tap0   text-only - yes 1500 br0\n",
	       "text: formats only, NULL as -, JSON-only fields left out");
	free(s);
}

static void test_documents(void)
{
	struct buf b;
	char *s;

	start(&b, 1);
	out_obj_open(&b.o, NULL);
	out_str(&b.o, "a", NULL, "x");
	out_obj_close(&b.o);
	out_end(&b.o);
	out_arr_open(&b.o, NULL);
	out_obj_open(&b.o, NULL);
	out_uint(&b.o, "b", NULL, 1);
	out_obj_close(&b.o);
	out_arr_close(&b.o);
	out_end(&b.o);
	s = take(&b);
	is_str(s, "{\"a\":\"x\"}\n[{\"b\":1}]\n",
	       "two documents in a row (a batch) are each valid JSON");
	free(s);

	start(&b, 1);
	out_arr_open(&b.o, NULL);
	out_arr_close(&b.o);
	out_end(&b.o);
	s = take(&b);
	is_str(s, "[]\n", "an empty list is []");
	free(s);

	start(&b, 0);
	out_arr_open(&b.o, NULL);
	out_arr_close(&b.o);
	out_end(&b.o);
	s = take(&b);
	is_str(s, "", "an empty list prints nothing in text");
	free(s);

	start(&b, 1);
	out_obj_open(&b.o, NULL);
	out_str(&b.o, "k\"ey", NULL, "v\\al");
	out_uint(&b.o, "big", NULL, 4294967295ULL);
	out_obj_close(&b.o);
	out_end(&b.o);
	s = take(&b);
	is_str(s, "{\"k\\\"ey\":\"v\\\\al\",\"big\":4294967295}\n",
	       "keys are escaped too; u32 values are unsigned");
	free(s);
}

int main(void)
{
	test_escape();
	test_modes();
	test_documents();
	return done_testing();
}
