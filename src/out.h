/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_OUT_H
#define TAPCTL_OUT_H

#include <stdbool.h>
#include <stdio.h>

#define OUT_MAX_DEPTH 8

/*
 * A printer for both output modes, after iproute2's print_*(PRINT_ANY):
 * one call per field names its JSON key and its text format, so that the
 * two renderings cannot drift. A NULL key means text only, a NULL format
 * JSON only.
 */
struct out {
	FILE *f;
	bool json;
	int depth;
	bool first[OUT_MAX_DEPTH];
};

void out_init(struct out *o, FILE *f, bool json);
void out_obj_open(struct out *o, const char *key);
void out_obj_close(struct out *o);
void out_arr_open(struct out *o, const char *key);
void out_arr_close(struct out *o);
/* A NULL @v prints JSON null, or "-" through @fmt in text. */
void out_str(struct out *o, const char *key, const char *fmt, const char *v);
void out_uint(struct out *o, const char *key, const char *fmt,
	      unsigned long long v);
void out_bool(struct out *o, const char *key, const char *fmt, bool v);
void out_null(struct out *o, const char *key, const char *fmt);
/* JSON only: one value of the array open now. */
void out_item_uint(struct out *o, unsigned long long v);
void out_item_str(struct out *o, const char *v);
/* An element of an array: a JSON string, or @v through @fmt in text. */
void out_item(struct out *o, const char *fmt, const char *v);
/* Text only: a literal, for separators and newlines. */
void out_text(struct out *o, const char *s);
/* Ends the document: a newline after the top-level JSON value. */
void out_end(struct out *o);

void out_json_string(FILE *f, const char *s);

#endif
