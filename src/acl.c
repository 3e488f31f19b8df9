// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "acl.h"

/*
 * The grammar is qemu-bridge-helper's parse_acl_file() (QEMU >= 4.1),
 * quirks included, since the same bridge.conf must give the same answer
 * whichever helper reads it: fgets() pieces of at most 4095 bytes, a
 * command ended by the first ' ' of the line or, only if there is none,
 * the first '\t'; no inline comments; names of 16 bytes or more refused.
 */

enum {
	R_ALLOW,
	R_ALLOW_ALL,
	R_DENY,
	R_DENY_ALL,
	R_ALLOW_LINK,
	R_ALLOW_LINK_ALL,
	R_DENY_LINK,
	R_DENY_LINK_ALL,
};

struct verb {
	const char *word;
	unsigned char one, all;
	bool link;
};

static const struct verb verbs[] = {
	{ "allow", R_ALLOW, R_ALLOW_ALL, false },
	{ "deny", R_DENY, R_DENY_ALL, false },
	{ "allow-link", R_ALLOW_LINK, R_ALLOW_LINK_ALL, true },
	{ "deny-link", R_DENY_LINK, R_DENY_LINK_ALL, true },
};

void acl_init(struct acl *acl, unsigned int flags, FILE *diag)
{
	memset(acl, 0, sizeof(*acl));
	acl->flags = flags;
	acl->diag = diag;
	acl->max_depth = ACL_MAX_DEPTH;
}

void acl_free(struct acl *acl)
{
	free(acl->rules);
	free(acl->seen);
	acl->rules = NULL;
	acl->seen = NULL;
	acl->n = acl->cap = acl->nseen = acl->capseen = 0;
}

static void diag(const struct acl *acl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void diag(const struct acl *acl, const char *fmt, ...)
{
	va_list ap;

	if (!acl->diag)
		return;
	va_start(ap, fmt);
	vfprintf(acl->diag, fmt, ap);
	va_end(ap);
}

/* g_ascii_isspace(): no vertical tab, no locale. */
static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int add_rule(struct acl *acl, unsigned char type, const char *name)
{
	struct acl_rule *r;
	size_t cap;

	if (acl->n == acl->cap) {
		cap = acl->cap ? acl->cap * 2 : 16;
		r = realloc(acl->rules, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		acl->rules = r;
		acl->cap = cap;
	}
	r = &acl->rules[acl->n++];
	r->type = type;
	snprintf(r->name, sizeof(r->name), "%s", name);
	return 0;
}

/*
 * Notes the file behind @f; returns 1 if it was read already (an
 * include loop, or the same file included twice). Streams without a
 * file (the fuzzer's) are never the same.
 */
static int seen(struct acl *acl, FILE *f)
{
	struct acl_file *s;
	struct stat st;
	size_t i, cap;
	int fd = fileno(f);

	if (fd < 0 || fstat(fd, &st) < 0)
		return 0;
	for (i = 0; i < acl->nseen; i++)
		if (acl->seen[i].dev == st.st_dev && acl->seen[i].ino == st.st_ino)
			return 1;
	if (acl->nseen == acl->capseen) {
		cap = acl->capseen ? acl->capseen * 2 : 8;
		s = realloc(acl->seen, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		acl->seen = s;
		acl->capseen = cap;
	}
	acl->seen[acl->nseen].dev = st.st_dev;
	acl->seen[acl->nseen].ino = st.st_ino;
	acl->nseen++;
	return 0;
}

static int parse_stream(struct acl *acl, FILE *f, unsigned int depth);

static FILE *open_file(const char *path, void *arg)
{
	(void)arg;
	return fopen(path, "re");
}

/* An include: its errors are printed but do not count, as upstream. */
static int include(struct acl *acl, const char *path, unsigned int depth)
{
	FILE *f;
	int ret;

	if (depth >= acl->max_depth)
		return 0;
	f = acl->open ? acl->open(path, acl->open_arg) : open_file(path, NULL);
	if (!f)
		return 0;
	ret = parse_stream(acl, f, depth + 1);
	fclose(f);
	return ret == -ENOMEM ? ret : 0;
}

static int parse_line(struct acl *acl, char *line, unsigned int depth)
{
	char *cmd = line, *arg, *end;
	size_t i, len;

	while (space(*cmd))
		cmd++;
	if (*cmd == '#' || !*cmd)
		return 0;
	arg = strchr(cmd, ' ');
	if (!arg)
		arg = strchr(cmd, '\t');
	if (!arg) {
		/* @line still has its newline: upstream prints a blank line. */
		diag(acl, "Invalid config line:\n  %s\n", line);
		return -EINVAL;
	}
	*arg++ = '\0';
	while (space(*arg))
		arg++;
	end = arg + strlen(arg);
	while (end > arg && space(end[-1]))
		end--;
	*end = '\0';

	if (!strcmp(cmd, "include"))
		return include(acl, arg, depth);
	len = strlen(arg);
	if (len >= IFNAMSIZ) {
		diag(acl, "name `%s' too long: %zu\n", arg, len);
		return -EINVAL;
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(cmd, verbs[i].word))
			continue;
		if (verbs[i].link && !(acl->flags & ACL_F_LINKS))
			break;
		if (!strcmp(arg, "all"))
			return add_rule(acl, verbs[i].all, "");
		return add_rule(acl, verbs[i].one, arg);
	}
	diag(acl, "Unknown command `%s'\n", cmd);
	return -EINVAL;
}

/*
 * Rules before a bad line stay, the rest of that file is skipped: what
 * upstream's `goto err` does, which matters for a bad include.
 */
static int parse_stream(struct acl *acl, FILE *f, unsigned int depth)
{
	char line[ACL_LINE_MAX];
	int ret;

	ret = seen(acl, f);
	if (ret)
		return ret < 0 ? ret : 0;
	while (fgets(line, sizeof(line), f)) {
		ret = parse_line(acl, line, depth);
		if (ret)
			return ret;
	}
	return 0;
}

int acl_load_stream(struct acl *acl, FILE *f)
{
	return parse_stream(acl, f, 0);
}

int acl_load(struct acl *acl, const char *path)
{
	FILE *f;
	int ret;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	ret = acl_load_stream(acl, f);
	fclose(f);
	return ret;
}

bool acl_allows(const struct acl *acl, enum acl_scope scope, const char *name)
{
	bool link = scope == ACL_LINK, allowed = false, denied = false;
	const struct acl_rule *r;
	size_t i;

	for (i = 0; i < acl->n; i++) {
		r = &acl->rules[i];
		switch (r->type) {
		case R_ALLOW_ALL:
			allowed |= !link;
			break;
		case R_ALLOW:
			allowed |= !link && !strcmp(r->name, name);
			break;
		case R_DENY_ALL:
			denied |= !link;
			break;
		case R_DENY:
			denied |= !link && !strcmp(r->name, name);
			break;
		case R_ALLOW_LINK_ALL:
			allowed |= link;
			break;
		case R_ALLOW_LINK:
			allowed |= link && !strcmp(r->name, name);
			break;
		case R_DENY_LINK_ALL:
			denied |= link;
			break;
		case R_DENY_LINK:
			denied |= link && !strcmp(r->name, name);
			break;
		}
	}
	return allowed && !denied;
}
