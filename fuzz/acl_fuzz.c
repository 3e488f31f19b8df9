// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for acl.c: the input is a bridge.conf / acl.conf, and
 * every `include` it names is the same input again, one level deep (the
 * file system is never touched). Checks that rules stay well-formed and
 * that the decision keeps its two laws: deny wins, default deny.
 *
 *   make fuzz            (clang; runs for FUZZ_TIME seconds)
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"

static const uint8_t *input;
static size_t input_len;

static FILE *open_input(const char *path, void *arg)
{
	(void)path;
	(void)arg;
	return fmemopen((void *)input, input_len, "r");
}

static void check(const struct acl *acl, enum acl_scope scope,
		  const char *name)
{
	bool allowed = acl_allows(acl, scope, name);
	size_t i;

	for (i = 0; i < acl->n; i++)
		if (strnlen(acl->rules[i].name, IFNAMSIZ) >= IFNAMSIZ)
			abort();
	/* Without rules nothing is allowed. */
	if (!acl->n && allowed)
		abort();
}

static void parse(struct acl *acl, const void *buf, size_t len)
{
	FILE *f = fmemopen((void *)buf, len, "r");

	acl_init(acl, ACL_F_LINKS, NULL);
	/* Includes of includes would make the work grow as a power. */
	acl->max_depth = 1;
	acl->open = open_input;
	if (!f)
		return;
	acl_load_stream(acl, f);
	fclose(f);
}

static const char deny[] = "deny all\ndeny-link all\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acl acl;
	char *buf;

	if (!size)
		return 0;
	input = data;
	input_len = size;
	parse(&acl, data, size);
	check(&acl, ACL_BRIDGE, "br0");
	check(&acl, ACL_BRIDGE, "");
	check(&acl, ACL_LINK, "eth0");
	acl_free(&acl);

	/* Deny wins: after "deny all", whatever follows allows nothing. */
	buf = malloc(sizeof(deny) - 1 + size);
	if (!buf)
		return 0;
	memcpy(buf, deny, sizeof(deny) - 1);
	memcpy(buf + sizeof(deny) - 1, data, size);
	parse(&acl, buf, sizeof(deny) - 1 + size);
	if (acl_allows(&acl, ACL_BRIDGE, "br0") ||
	    acl_allows(&acl, ACL_LINK, "eth0"))
		abort();
	acl_free(&acl);
	free(buf);
	return 0;
}
