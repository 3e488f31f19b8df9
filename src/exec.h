/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_EXEC_H
#define TAPCTL_EXEC_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/*
 * The mechanics of `tapctl exec` once the descriptors are open: where
 * they go, what PROGRAM sees, who it runs as, and the parent that a
 * transient macvtap needs. Nothing here prints; each returns 0 or
 * -errno.
 */

/* exec's exit statuses, as env(1), nohup(1) and timeout(1) have them. */
#define EXEC_FAILED 125		/* tapctl failed before exec */
#define EXEC_CANNOT 126		/* PROGRAM found but not executable */
#define EXEC_NOTFOUND 127	/* PROGRAM not found */

/* Values of the tokens and TAPCTL_* variables; NULL = not available. */
struct exec_vars {
	const char *fd;		/* {fd}        TAPCTL_FD */
	const char *fds;	/* {fds}       TAPCTL_FDS */
	const char *vhostfds;	/* {vhostfds}  TAPCTL_VHOSTFDS */
	const char *ifname;	/* {ifname}    TAPCTL_IFNAME */
	const char *mac;	/* {mac}       TAPCTL_MAC */
};

/*
 * Moves @fds[i] to @first + i without close-on-exec and closes every
 * other descriptor above 2. Whatever sat at a target number is
 * replaced, including one of @fds itself.
 */
int exec_place_fds(const int *fds, unsigned int n, int first);

/*
 * Replaces every exact {fd}, {fds}, {vhostfds}, {ifname} and {mac} in
 * @arg. *@out is a new string (free it). A token whose value is NULL
 * gives -ENODATA with *@token pointing at its name.
 */
int exec_subst(const char *arg, const struct exec_vars *v, char **out,
	       const char **token);

/* Sets the TAPCTL_* variables; those whose value is NULL are unset. */
int exec_setenv(const struct exec_vars *v);

/* Whom PROGRAM runs as. */
struct exec_creds {
	bool drop;		/* nothing below is used unless set */
	uid_t uid;
	gid_t gid;
	bool keep_groups;	/* keep the supplementary groups as they are */
};

/*
 * Becomes @c->uid/@c->gid with no capability of any kind (effective,
 * permitted, inheritable, ambient and, when CAP_SETPCAP allows it,
 * bounding) and no_new_privs, then checks that all of it took. On
 * failure *@step names what failed; the caller must not exec then.
 */
int exec_drop(const struct exec_creds *c, const char **step);

/*
 * execvp(@argv[0], @argv) with the current environment; returns only
 * on failure, with -errno.
 */
int exec_program(char *const argv[]);
/* The exit status for a failed exec_program(). */
int exec_status_of(int err);

/*
 * For a parent that outlives PROGRAM: blocks SIGINT, SIGTERM, SIGHUP
 * and SIGCHLD (saving the old mask in @old) so that none is lost
 * between fork and exec_wait.
 */
int exec_block_signals(sigset_t *old);
/*
 * Waits for @child, forwarding SIGINT, SIGTERM and SIGHUP that other
 * processes send; returns the child's exit status, or 128 + the signal
 * that killed it.
 */
int exec_wait(pid_t child);

#endif
