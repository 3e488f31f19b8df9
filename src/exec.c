// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "exec.h"

static int close_from_to(unsigned int lo, unsigned int hi)
{
	if (lo > hi)
		return 0;
#ifdef HAVE_CLOSE_RANGE
	if (close_range(lo, hi, 0) < 0)
		return -errno;
#else
	if (syscall(SYS_close_range, lo, hi, 0) < 0)
		return -errno;
#endif
	return 0;
}

int exec_place_fds(const int *fds, unsigned int n, int first)
{
	int above = first + (int)n, *tmp, ret = 0;
	unsigned int i;

	tmp = calloc(n ? n : 1, sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	/*
	 * First lift every descriptor above the target range, so that none
	 * is overwritten by dup3 before it has been copied: an fd opened
	 * earlier may sit at any target number (--fd 5 while a queue got
	 * 5, or 0-2 were closed when tapctl started).
	 */
	for (i = 0; i < n; i++) {
		tmp[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, above);
		if (tmp[i] < 0) {
			ret = -errno;
			goto out;
		}
	}
	/* Started with 0-2 closed: PROGRAM gets them closed too. */
	for (i = 0; i < n; i++)
		if (fds[i] < 3)
			close(fds[i]);
	/* dup3 without O_CLOEXEC: the copies are the ones PROGRAM keeps. */
	for (i = 0; i < n; i++) {
		if (dup3(tmp[i], first + (int)i, 0) < 0) {
			ret = -errno;
			goto out;
		}
	}
	/* Everything else goes, the lifted copies and the originals too. */
	if ((ret = close_from_to(3, (unsigned int)first - 1)))
		goto out;
	ret = close_from_to((unsigned int)above, UINT_MAX);
out:
	free(tmp);
	return ret;
}

static const char *const token_names[] = {
	"fd", "fds", "vhostfds", "ifname", "mac",
};

static const char *token_value(const struct exec_vars *v, size_t i)
{
	const char *const vals[] = {
		v->fd, v->fds, v->vhostfds, v->ifname, v->mac,
	};

	return vals[i];
}

/* The token that starts at @p ("{fd}" ...), as an index, or -1. */
static int token_at(const char *p, size_t *len)
{
	size_t i, n;

	if (*p != '{')
		return -1;
	for (i = 0; i < sizeof(token_names) / sizeof(token_names[0]); i++) {
		n = strlen(token_names[i]);
		if (!strncmp(p + 1, token_names[i], n) && p[1 + n] == '}') {
			*len = n + 2;
			return (int)i;
		}
	}
	return -1;
}

int exec_subst(const char *arg, const struct exec_vars *v, char **out,
	       const char **token)
{
	size_t size = 1, len = 0, tlen;
	const char *p, *val;
	char *s;
	int t;

	/* Two passes: measure, then write. */
	for (p = arg; *p; ) {
		t = token_at(p, &tlen);
		if (t < 0) {
			size++;
			p++;
			continue;
		}
		val = token_value(v, (size_t)t);
		if (!val) {
			*token = token_names[t];
			return -ENODATA;
		}
		size += strlen(val);
		p += tlen;
	}
	s = malloc(size);
	if (!s)
		return -ENOMEM;
	for (p = arg; *p; ) {
		t = token_at(p, &tlen);
		if (t < 0) {
			s[len++] = *p++;
			continue;
		}
		val = token_value(v, (size_t)t);
		memcpy(s + len, val, strlen(val));
		len += strlen(val);
		p += tlen;
	}
	s[len] = '\0';
	*out = s;
	return 0;
}

int exec_setenv(const struct exec_vars *v)
{
	static const char *const names[] = {
		"TAPCTL_FD", "TAPCTL_FDS", "TAPCTL_VHOSTFDS", "TAPCTL_IFNAME",
		"TAPCTL_MAC",
	};
	const char *val;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		val = token_value(v, i);
		/* An inherited value must not pass for ours. */
		ret = val ? setenv(names[i], val, 1) : unsetenv(names[i]);
		if (ret < 0)
			return -errno;
	}
	return 0;
}

static int capget_all(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};

	memset(data, 0, 2 * sizeof(*data));
	return syscall(SYS_capget, &hdr, data) < 0 ? -errno : 0;
}

static int capset_none(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

static bool has_cap(const struct __user_cap_data_struct data[2], int cap)
{
	return data[cap / 32].effective & (1U << (cap % 32));
}

/* PR_CAPBSET_READ says EINVAL past the kernel's last capability. */
static bool cap_exists(int cap)
{
	return prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0;
}

static int drop_bounding(void)
{
	int cap;

	for (cap = 0; cap_exists(cap); cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -errno;
	return 0;
}

static int ambient_clear(void)
{
	/* EINVAL: a kernel before 4.3, which has no ambient set. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return -errno;
	return 0;
}

/* Records which step failed; returns @code. */
static int fail(const char **step, const char *what, int code)
{
	*step = what;
	return code;
}

static int check_ids(const struct exec_creds *c, const char **step)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return fail(step, "getresuid", -errno);
	if (ru != c->uid || eu != c->uid || su != c->uid)
		return fail(step, "check: the user ids did not change", -EPERM);
	if (rg != c->gid || eg != c->gid || sg != c->gid)
		return fail(step, "check: the group ids did not change", -EPERM);
	if (!c->keep_groups && getgroups(0, NULL) != 0)
		return fail(step, "check: supplementary groups remain", -EPERM);
	return 0;
}

static int check_caps(bool bounding, const char **step)
{
	struct __user_cap_data_struct data[2];
	int cap, ret;

	if ((ret = capget_all(data)))
		return fail(step, "capget", ret);
	if (data[0].effective || data[1].effective || data[0].permitted ||
	    data[1].permitted || data[0].inheritable || data[1].inheritable)
		return fail(step, "check: capabilities remain", -EPERM);
	for (cap = 0; cap_exists(cap); cap++) {
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) > 0)
			return fail(step, "check: ambient capabilities remain", -EPERM);
		if (bounding && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) > 0)
			return fail(step, "check: the bounding set is not empty", -EPERM);
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return fail(step, "check: no_new_privs is not set", -EPERM);
	return 0;
}

int exec_drop(const struct exec_creds *c, const char **step)
{
	struct __user_cap_data_struct data[2];
	bool setpcap;
	int ret;

	if ((ret = capget_all(data)))
		return fail(step, "capget", ret);
	/*
	 * Only CAP_SETPCAP shrinks the bounding set. Without it (tapctl
	 * with file capabilities) the set stays, and no_new_privs with
	 * empty permitted and ambient sets is what keeps PROGRAM from
	 * gaining anything through exec.
	 */
	setpcap = has_cap(data, CAP_SETPCAP);
	if (!c->keep_groups && setgroups(0, NULL) < 0)
		return fail(step, "setgroups", -errno);
	if (setresgid(c->gid, c->gid, c->gid) < 0)
		return fail(step, "setresgid", -errno);
	/* Before setresuid, which takes CAP_SETPCAP away with the rest. */
	if (setpcap && (ret = drop_bounding()))
		return fail(step, "PR_CAPBSET_DROP", ret);
	if ((ret = ambient_clear()))
		return fail(step, "PR_CAP_AMBIENT_CLEAR_ALL", ret);
	if (setresuid(c->uid, c->uid, c->uid) < 0)
		return fail(step, "setresuid", -errno);
	/* A uid 0 target keeps its capabilities through setresuid. */
	if ((ret = capset_none()))
		return fail(step, "capset", ret);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(step, "PR_SET_NO_NEW_PRIVS", -errno);
	if ((ret = check_ids(c, step)))
		return ret;
	return check_caps(setpcap, step);
}

int exec_program(char *const argv[])
{
	execvp(argv[0], argv);
	return -errno;
}

int exec_status_of(int err)
{
	return err == -ENOENT ? EXEC_NOTFOUND : EXEC_CANNOT;
}

static void forwarded(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGCHLD);
}

int exec_block_signals(sigset_t *old)
{
	sigset_t set;

	forwarded(&set);
	return sigprocmask(SIG_BLOCK, &set, old) < 0 ? -errno : 0;
}

int exec_wait(pid_t child)
{
	siginfo_t si;
	sigset_t set;
	pid_t r;
	int st;

	forwarded(&set);
	for (;;) {
		r = waitpid(child, &st, WNOHANG);
		if (r == child)
			break;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (sigwaitinfo(&set, &si) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (si.si_signo == SIGCHLD)
			continue;
		/*
		 * Only what a process sent (kill(1), a service manager) is
		 * forwarded. Ctrl-C and hangup come from the kernel to the
		 * whole foreground process group, the child included, which
		 * must not get them twice (sudo does the same). Nor is the
		 * child's own signal sent back to it.
		 */
		if (si.si_code > 0 || si.si_pid == child)
			continue;
		kill(child, si.si_signo);
	}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
