/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_ACL_H
#define TAPCTL_ACL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* qemu-bridge-helper's own file (CONFIG_QEMU_CONFDIR "/bridge.conf"). */
#ifndef ACL_BRIDGE_CONF
#define ACL_BRIDGE_CONF "/etc/qemu/bridge.conf"
#endif
/* tapctl's policy for its setuid / file-capability mode. */
#ifndef ACL_TAPCTL_CONF
#define ACL_TAPCTL_CONF "/etc/tapctl/acl.conf"
#endif

/* fgets() buffer of qemu-bridge-helper: longer lines arrive in pieces. */
#define ACL_LINE_MAX 4096
/*
 * Includes nest at most this deep. qemu-bridge-helper has no limit and
 * stops only when fopen() fails with EMFILE, which it ignores as it
 * ignores a missing include; the rules it collects are the same.
 */
#define ACL_MAX_DEPTH 32

enum acl_scope {
	ACL_BRIDGE,		/* allow/deny: bridges to attach to */
	ACL_LINK,		/* allow-link/deny-link: macvtap lower links */
};

enum {
	/* Accept allow-link / deny-link (acl.conf, not bridge.conf). */
	ACL_F_LINKS = 1 << 0,
};

struct acl_rule {
	unsigned char type;
	char name[IFNAMSIZ];
};

struct acl {
	unsigned int flags;
	/* Where parse messages go, exactly as qemu-bridge-helper words them. */
	FILE *diag;
	unsigned int max_depth;
	/*
	 * Opens an included file; fopen(path, "re") unless replaced (the
	 * fuzzer serves includes from memory). NULL means "ignore it".
	 */
	FILE *(*open)(const char *path, void *arg);
	void *open_arg;

	struct acl_rule *rules;
	size_t n, cap;
	/* Files being or already read, so that a loop or a diamond of
	 * includes is read once: the decision depends only on the set of
	 * rules, never on their number or order. */
	struct acl_file { unsigned long long dev, ino; } *seen;
	size_t nseen, capseen;
};

void acl_init(struct acl *acl, unsigned int flags, FILE *diag);
void acl_free(struct acl *acl);

/*
 * Reads the main file @path. Returns 0; -errno if it cannot be opened
 * (nothing is printed, as in qemu-bridge-helper); -EINVAL if a line of
 * the main file is wrong (the reason went to acl->diag); -ENOMEM.
 * Errors inside included files are printed and otherwise ignored, and a
 * missing include is silently ignored.
 */
int acl_load(struct acl *acl, const char *path);
/* The same for an open stream (its includes go through acl->open). */
int acl_load_stream(struct acl *acl, FILE *f);

/*
 * Whether @name may be used: some allow (NAME or all) matches and no
 * deny (NAME or all) does. Deny wins whatever the order; the default is
 * deny, so an empty rule set refuses everything.
 */
bool acl_allows(const struct acl *acl, enum acl_scope scope, const char *name);

#endif
