// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "cmd.h"
#include "compat.h"
#include "ctx.h"
#include "exec.h"
#include "link.h"
#include "linkopt.h"
#include "macvtap.h"
#include "nl.h"
#include "opt.h"
#include "parse.h"
#include "plan.h"
#include "priv.h"
#include "resolve.h"
#include "tun.h"

#define MAX_QUEUES 256		/* the kernel's MAX_TAP_QUEUES */
#define MAX_FD 1048575		/* the kernel's default fs.nr_open - 1 */
#define VHOST_DEV "/dev/vhost-net"

enum {
	EX_FD = 2000, EX_QUEUES, EX_VHOST, EX_VNET_HDR, EX_NO_VNET_HDR,
	EX_CREATE, EX_SETUID, EX_SETGID,
};

static const struct poptOption exec_table[] = {
	{ "fd", 0, POPT_ARG_STRING, NULL, EX_FD,
	  "first descriptor number in PROGRAM (default 3)", "N" },
	{ "queues", 0, POPT_ARG_STRING, NULL, EX_QUEUES,
	  "open Q queues of a multi-queue device (default 1)", "Q" },
	{ "vhost", 0, POPT_ARG_NONE, NULL, EX_VHOST,
	  "also open /dev/vhost-net once per queue, after the queues", NULL },
	{ "vnet-hdr", 0, POPT_ARG_NONE, NULL, EX_VNET_HDR,
	  "open with IFF_VNET_HDR", NULL },
	{ "no-vnet-hdr", 0, POPT_ARG_NONE, NULL, EX_NO_VNET_HDR,
	  "open without IFF_VNET_HDR", NULL },
	{ "create", 0, POPT_ARG_NONE, NULL, EX_CREATE,
	  "create NAME if missing, as a transient device (with the options of add)",
	  NULL },
	{ "setuid", 0, POPT_ARG_STRING, NULL, EX_SETUID,
	  "run PROGRAM as this user, without groups or capabilities",
	  "USER|UID" },
	{ "setgid", 0, POPT_ARG_STRING, NULL, EX_SETGID,
	  "run PROGRAM with this group", "GROUP|GID" },
	POPT_TABLEEND
};

struct exec_opts {
	/* as typed */
	char *fd_arg, *queues_arg, *setuid, *setgid;
	bool vhost, no_vnet_hdr, create;
	struct link_opts lo;		/* --vnet-hdr, and add's of --create */
	char name[IFNAMSIZ];
	const char **prog;		/* PROGRAM [ARGS...], NULL-terminated */

	/* validated */
	uint32_t first_fd, queues;
	struct exec_creds creds;
	struct plan plan;		/* with --create, of a missing NAME */
};

struct exec_dev {
	struct link_info li;
	int fds[2 * MAX_QUEUES];	/* the queues, then vhost-net */
	unsigned int nfds;
	int created_mvt;		/* ifindex of a macvtap we made */

	/* what the tokens and TAPCTL_* say */
	struct exec_vars vars;
	char fd_str[12], fds_str[MAX_QUEUES * 9], vhostfds_str[MAX_QUEUES * 9];
	char mac_str[18];
};

/* linkopt_add without its --vnet-hdr, which exec has for both uses. */
static void add_table(struct poptOption *t, size_t cap)
{
	const struct poptOption *p;
	size_t n = 0;

	for (p = linkopt_add; p->longName || p->shortName || p->argInfo; p++)
		if (n + 1 < cap && strcmp(p->longName, "vnet-hdr"))
			t[n++] = *p;
	memset(&t[n], 0, sizeof(t[n]));
}

static void handle(struct exec_opts *o, poptContext pc, int rc)
{
	switch (rc) {
	case EX_FD: opt_take(pc, &o->fd_arg); break;
	case EX_QUEUES: opt_take(pc, &o->queues_arg); break;
	case EX_SETUID: opt_take(pc, &o->setuid); break;
	case EX_SETGID: opt_take(pc, &o->setgid); break;
	case EX_VHOST: o->vhost = true; break;
	/* A tun/tap's flag as for add, and each descriptor's. */
	case EX_VNET_HDR: o->lo.vnet_hdr = true; break;
	case EX_NO_VNET_HDR: o->no_vnet_hdr = true; break;
	case EX_CREATE: o->create = true; break;
	default: linkopt_handle(&o->lo, pc, rc); break;
	}
}

/*
 * Everything after the first "--" is PROGRAM's and never reaches popt,
 * so PROGRAM's own options cannot be taken for exec's. Returns 1 for
 * --help.
 */
static int parse(struct ctx *ctx, int argc, const char **argv,
		 struct exec_opts *o)
{
	struct poptOption add[16];
	struct poptOption table[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)exec_table, 0,
		  "Options:", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, add, 0,
		  "With --create, the device (as add):", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)linkopt_common, 0,
		  "With --create, its settings (as add):", NULL },
		OPT_HELP,
		POPT_TABLEEND
	};
	const char *arg, *why;
	int dd, rc, ret = 0;
	poptContext pc;

	add_table(add, ARRAY_SIZE(add));
	for (dd = 1; dd < argc && strcmp(argv[dd], "--"); dd++)
		;
	pc = opt_context(dd, argv, table, "[OPTIONS] NAME -- PROGRAM [ARGS...]");
	while ((rc = poptGetNextOpt(pc)) > 0) {
		if (rc == OPT_HELP_VAL) {
			opt_help(pc);
			ret = 1;
			goto out;
		}
		handle(o, pc, rc);
	}
	if (rc < -1) {
		ret = opt_error(ctx, pc, rc);
		goto out;
	}
	arg = poptGetArg(pc);
	if (!arg) {
		ret = err_usage(ctx, "missing NAME");
		goto out;
	}
	ctx_set_name(ctx, arg);
	if (dd == argc && poptPeekArg(pc)) {
		ret = err_usage(ctx, "unexpected argument \"%s\": PROGRAM and its arguments go after --",
				poptPeekArg(pc));
		goto out;
	}
	if ((ret = opt_no_more(ctx, pc)))
		goto out;
	if (parse_ifname(arg, o->create, &why)) {
		ret = err_usage(ctx, "%s", why);
		goto out;
	}
	snprintf(o->name, sizeof(o->name), "%s", arg);
	if (dd >= argc - 1) {
		ret = err_usage(ctx, dd < argc ? "missing PROGRAM after --"
					       : "missing -- PROGRAM");
		goto out;
	}
	o->prog = argv + dd + 1;
out:
	poptFreeContext(pc);
	return ret;
}

/*
 * Whom PROGRAM runs as. Run privileged for someone else, tapctl always
 * drops to that caller, who keeps their own groups (kvm, for one);
 * --setuid and --setgid may only name the caller's own ids then.
 */
static int creds(struct ctx *ctx, struct exec_opts *o)
{
	struct exec_creds *c = &o->creds;
	struct passwd *pw;

	c->uid = ctx->privileged ? ctx->uid : getuid();
	c->gid = ctx->privileged ? ctx->gid : getgid();
	c->drop = ctx->privileged || o->setuid || o->setgid;
	c->keep_groups = ctx->privileged;
	if (o->setuid) {
		if (parse_user(o->setuid, &c->uid))
			return err_usage(ctx, "--setuid: no such user \"%s\"",
					 o->setuid);
		if (ctx->privileged && c->uid != ctx->uid)
			return err_fail(ctx, -EPERM, "--setuid: only root may run PROGRAM as another user");
		pw = getpwuid(c->uid);
		if (!o->setgid && !pw)
			return err_usage(ctx, "--setuid: uid %u has no passwd entry to take a group from: give --setgid too",
					 (unsigned int)c->uid);
		if (pw)
			c->gid = pw->pw_gid;
	}
	if (o->setgid) {
		if (parse_group(o->setgid, &c->gid))
			return err_usage(ctx, "--setgid: no such group \"%s\"",
					 o->setgid);
		if (ctx->privileged && !priv_in_groups(c->gid))
			return err_fail(ctx, -EPERM, "--setgid: only root may run PROGRAM in a group it is not in");
	}
	return 0;
}

static bool uses_token(const char **prog, const char *token)
{
	for (prog++; *prog; prog++)
		if (strstr(*prog, token))
			return true;
	return false;
}

static int validate(struct ctx *ctx, struct exec_opts *o)
{
	struct rlimit rl;
	uint64_t last;
	int ret;

	o->first_fd = 3;
	o->queues = 1;
	if (o->fd_arg && (ret = opt_u32(ctx, "--fd", o->fd_arg, 3, MAX_FD, &o->first_fd)))
		return ret;
	if (o->queues_arg &&
	    (ret = opt_u32(ctx, "--queues", o->queues_arg, 1, MAX_QUEUES, &o->queues)))
		return ret;
	if (o->lo.vnet_hdr && o->no_vnet_hdr)
		return err_usage(ctx, "--vnet-hdr and --no-vnet-hdr exclude each other");
	/* Every option of add is honoured with --create, refused without. */
	if (o->lo.first && !o->create)
		return err_usage(ctx, "--%s: only with --create", o->lo.first);
	if (!o->vhost && uses_token(o->prog, "{vhostfds}"))
		return err_usage(ctx, "{vhostfds}: only with --vhost");
	last = (uint64_t)o->first_fd + o->queues * (o->vhost ? 2 : 1) - 1;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return err_sys(ctx, -errno, "getrlimit");
	if (rl.rlim_cur != RLIM_INFINITY && last >= rl.rlim_cur)
		return err_usage(ctx, "--fd: descriptor %llu is over the limit of open files (%llu)",
				 (unsigned long long)last,
				 (unsigned long long)rl.rlim_cur);
	if ((ret = creds(ctx, o)))
		return ret;
	if (!o->create)
		return 0;
	/*
	 * The device to make if NAME is missing: transient, opened
	 * o->queues times. Privileged for someone else, it is theirs.
	 */
	o->lo.name = o->name;
	o->lo.transient = true;
	o->lo.queues = o->queues;
	return plan_from_opts(ctx, &o->lo, NULL, &o->plan);
}

static const char *kind_asked(const struct link_opts *lo)
{
	if (lo->macvtap)
		return "macvtap";
	if (lo->tun)
		return "tun";
	return lo->tap ? "tap" : NULL;
}

static int check_existing(struct ctx *ctx, const struct exec_opts *o,
			  const struct link_info *li)
{
	const char *want = kind_asked(&o->lo);
	int ret;

	if ((ret = resolve_found(ctx, NULL, 0, li)))
		return ret;
	if (o->create && want && strcmp(want, link_kind_name(li->kind)))
		return err_fail(ctx, -EEXIST, "--create: the device exists and is a %s, not a %s",
				link_kind_name(li->kind), want);
	if (li->kind != LINK_MACVTAP && o->queues > 1 && !li->multi_queue)
		return err_fail(ctx, -EINVAL, "--queues: not a multi-queue device (make it with add --multi-queue)");
	return priv_owns(ctx, li, PRIV_OPEN);
}

/*
 * The device NAME, made transient if it is missing and --create says
 * so. A new tap comes with its first queue already open.
 */
static int find_or_create(struct ctx *ctx, struct exec_opts *o,
			  struct exec_dev *d)
{
	struct plan_result res;
	int ret;

	if (!strchr(o->name, '%')) {
		ret = link_get(ctx, o->name, &d->li);
		if (!ret)
			return check_existing(ctx, o, &d->li);
		if (ret != -ENODEV)
			return err_sys(ctx, ret, "look up");
		if (!o->create)
			return resolve_found(ctx, NULL, 0, NULL);
	}
	if ((ret = plan_run(ctx, &o->plan, NULL, &res)))
		return ret;
	if (res.fd >= 0)
		d->fds[d->nfds++] = res.fd;
	/* Ours from now on, whatever fails next: cmd_exec deletes it. */
	if (o->plan.kind == LINK_MACVTAP) {
		d->created_mvt = res.ifindex;
		d->li.ifindex = res.ifindex;
		d->li.kind = LINK_MACVTAP;
	}
	ret = link_get(ctx, res.ifname, &d->li);
	if (ret)
		return err_sys(ctx, ret, "read back");
	return 0;
}

/*
 * Deletes the transient macvtap @ifindex. When a request fails, the
 * kernel is asked whether the link is gone all the same (only its
 * answer was lost) before trying again: nobody else will delete it.
 */
static int delete_transient(struct ctx *ctx, int ifindex)
{
	struct link_info li = { 0 };
	int ret = 0, i;

	for (i = 0; i < 3; i++) {
		ret = link_del(ctx, ifindex);
		if (!ret || ret == -ENODEV)
			return 0;
		if (link_get_index(ctx, ifindex, &li) == -ENODEV)
			return 0;
	}
	return err_sys(ctx, ret, "delete the transient macvtap");
}

static int open_tun_queues(struct ctx *ctx, const struct exec_opts *o,
			   struct exec_dev *d)
{
	unsigned int flags = tun_flags_of(&d->li), got;
	char name[IFNAMSIZ];
	int fd, ret;

	/*
	 * vnet_hdr belongs to the whole tun device, not to one queue: the
	 * first queue to attach sets it for the device (tun_set_iff), and
	 * it stays so after PROGRAM ends. Without --(no-)vnet-hdr the
	 * device's own flags go back, which changes nothing.
	 */
	if (o->lo.vnet_hdr)
		flags |= IFF_VNET_HDR;
	if (o->no_vnet_hdr)
		flags &= ~IFF_VNET_HDR;
	while (d->nfds < o->queues) {
		memcpy(name, d->li.ifname, IFNAMSIZ);
		fd = tun_open(name, flags);
		if (fd == -EBUSY)
			return err_fail(ctx, fd, "the device is in use: a single-queue %s takes one descriptor at a time",
					link_kind_name(d->li.kind));
		if (fd < 0)
			return err_sys(ctx, fd, "attach");
		d->fds[d->nfds++] = fd;
	}
	if (!o->lo.vnet_hdr && !o->no_vnet_hdr)
		return 0;
	/* With other queues attached the kernel keeps the flags silently. */
	if ((ret = tun_get_iff(d->fds[0], NULL, &got)))
		return err_sys(ctx, ret, "TUNGETIFF");
	if ((got ^ flags) & IFF_VNET_HDR)
		return err_fail(ctx, -EBUSY, "%s: other queues hold the device open %s vnet_hdr; it changes only while none is attached",
				o->lo.vnet_hdr ? "--vnet-hdr" : "--no-vnet-hdr",
				(got & IFF_VNET_HDR) ? "with" : "without");
	return 0;
}

/*
 * Each macvtap queue has flags of its own and starts with vnet_hdr on
 * (what QEMU's virtio-net wants); TUNSETIFF on the queue changes only
 * vnet_hdr and multi_queue, as libvirt does it.
 */
static int mvt_set_flags(int fd, const struct exec_opts *o)
{
	unsigned int flags, want;
	char name[IFNAMSIZ] = "";
	int ret;

	if ((ret = tun_get_iff(fd, NULL, &flags)))
		return ret;
	want = IFF_TAP | IFF_NO_PI | (flags & IFF_VNET_HDR);
	if (o->lo.vnet_hdr)
		want |= IFF_VNET_HDR;
	if (o->no_vnet_hdr)
		want &= ~IFF_VNET_HDR;
	if (o->queues > 1)
		want |= IFF_MULTI_QUEUE;
	if ((flags & (IFF_VNET_HDR | IFF_MULTI_QUEUE)) ==
	    (want & (IFF_VNET_HDR | IFF_MULTI_QUEUE)))
		return 0;
	/* A macvtap queue ignores the name: only the flags change. */
	return tun_attach(fd, name, want);
}

static int open_mvt_queues(struct ctx *ctx, const struct exec_opts *o,
			   struct exec_dev *d)
{
	int fd, ret;

	while (d->nfds < o->queues) {
		fd = mvt_open(ctx, &d->li);
		if (fd < 0)
			return err_sys(ctx, fd, "open macvtap device");
		d->fds[d->nfds++] = fd;
		if ((ret = mvt_set_flags(fd, o)))
			return err_sys(ctx, ret, "TUNSETIFF");
	}
	return 0;
}

static int open_vhost(struct ctx *ctx, const struct exec_opts *o,
		      struct exec_dev *d)
{
	uint32_t i;
	int fd;

	for (i = 0; i < o->queues; i++) {
		fd = open(VHOST_DEV, O_RDWR | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			return err_fail(ctx, -ENOENT, "--vhost: " VHOST_DEV " does not exist (is the vhost_net module loaded?)");
		if (fd < 0)
			return err_sys(ctx, -errno, "--vhost: " VHOST_DEV);
		d->fds[d->nfds++] = fd;
	}
	return 0;
}

/* "N:N+1:..." for @n descriptors from @first. */
static void fd_list(char *buf, size_t len, uint32_t first, uint32_t n)
{
	size_t off = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%u",
					i ? ":" : "", first + i);
}

static void set_vars(const struct exec_opts *o, struct exec_dev *d)
{
	struct exec_vars *v = &d->vars;

	snprintf(d->fd_str, sizeof(d->fd_str), "%u", o->first_fd);
	fd_list(d->fds_str, sizeof(d->fds_str), o->first_fd, o->queues);
	v->fd = d->fd_str;
	v->fds = d->fds_str;
	if (o->vhost) {
		fd_list(d->vhostfds_str, sizeof(d->vhostfds_str),
			o->first_fd + o->queues, o->queues);
		v->vhostfds = d->vhostfds_str;
	}
	v->ifname = d->li.ifname;
	if (d->li.kind != LINK_TUN && d->li.has_mac) {
		parse_format_mac(d->li.mac, d->mac_str);
		v->mac = d->mac_str;
	}
}

static void free_argv(char **av)
{
	char **p;

	if (!av)
		return;
	for (p = av; *p; p++)
		free(*p);
	free(av);
}

/* PROGRAM's argv with the tokens replaced. */
static int make_argv(struct ctx *ctx, const struct exec_opts *o,
		     const struct exec_dev *d, char ***out)
{
	const char *token;
	size_t i, n;
	char **av;
	int ret = 0;

	for (n = 0; o->prog[n]; n++)
		;
	av = calloc(n + 1, sizeof(*av));
	if (!av)
		return err_sys(ctx, -ENOMEM, "argv");
	av[0] = strdup(o->prog[0]);
	if (!av[0]) {
		ret = err_sys(ctx, -ENOMEM, "argv");
		goto out;
	}
	for (i = 1; i < n; i++) {
		ret = exec_subst(o->prog[i], &d->vars, &av[i], &token);
		if (ret == -ENODATA) {
			ret = err_fail(ctx, -EINVAL, "{%s}: a %s device has no MAC address",
				       token, link_kind_name(d->li.kind));
			goto out;
		}
		if (ret) {
			err_sys(ctx, ret, "argv");
			goto out;
		}
	}
	*out = av;
	return 0;
out:
	free_argv(av);
	return ret;
}

/* Places the descriptors, drops privileges and execs; returns on failure. */
static int run_program(struct ctx *ctx, struct exec_dev *d,
		       const struct exec_opts *o, char **av)
{
	const char *step = NULL;
	int ret;

	/* Nothing below needs netlink, and PROGRAM must not inherit it. */
	nl_close(ctx);
	ret = exec_place_fds(d->fds, d->nfds, (int)o->first_fd);
	/* Placed or closed: the descriptors are no longer ours to close. */
	d->nfds = 0;
	if (ret) {
		err_sys(ctx, ret, "place descriptors");
		return EXEC_FAILED;
	}
	if (o->creds.drop && (ret = exec_drop(&o->creds, &step))) {
		err_fail(ctx, ret, "drop privileges: %s: %s", step,
			 strerror(-ret));
		return EXEC_FAILED;
	}
	ret = exec_program(av);
	err_fail(ctx, ret, "%s: %s", av[0], strerror(-ret));
	return exec_status_of(ret);
}

static void close_fds(struct exec_dev *d)
{
	while (d->nfds)
		close(d->fds[--d->nfds]);
}

/*
 * A transient macvtap outlives its descriptors, so someone has to
 * delete it: tapctl stays as PROGRAM's parent to do that.
 */
static int run_supervised(struct ctx *ctx, struct exec_dev *d,
			  const struct exec_opts *o, char **av)
{
	sigset_t old;
	pid_t pid;
	int ret;

	if ((ret = exec_block_signals(&old))) {
		err_sys(ctx, ret, "sigprocmask");
		return EXEC_FAILED;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		err_sys(ctx, -errno, "fork");
		sigprocmask(SIG_SETMASK, &old, NULL);
		return EXEC_FAILED;
	}
	if (!pid) {
		/* Blocked signals would stay blocked in PROGRAM. */
		sigprocmask(SIG_SETMASK, &old, NULL);
		ret = run_program(ctx, d, o, av);
		err_report(ctx);
		fflush(stderr);
		_exit(ret);
	}
	close_fds(d);
	ret = exec_wait(pid);
	if (ret < 0) {
		err_sys(ctx, ret, "wait");
		ret = EXEC_FAILED;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static void free_opts(struct exec_opts *o)
{
	free(o->fd_arg);
	free(o->queues_arg);
	free(o->setuid);
	free(o->setgid);
	linkopt_free(&o->lo);
}

int cmd_exec(struct ctx *ctx, int argc, const char **argv)
{
	struct exec_opts o = { 0 };
	struct exec_dev d = { 0 };
	int status = EXEC_FAILED, ret;
	char **av = NULL;

	ret = parse(ctx, argc, argv, &o);
	if (ret) {
		status = ret > 0 ? 0 : EXEC_FAILED;
		goto out;
	}
	if (validate(ctx, &o) || find_or_create(ctx, &o, &d))
		goto out;
	ret = d.li.kind == LINK_MACVTAP ? open_mvt_queues(ctx, &o, &d)
					: open_tun_queues(ctx, &o, &d);
	if (ret || (o.vhost && open_vhost(ctx, &o, &d)))
		goto out;
	set_vars(&o, &d);
	if (make_argv(ctx, &o, &d, &av))
		goto out;
	if (ctx->privileged && setenv("PATH", PRIV_PATH, 1) < 0) {
		err_sys(ctx, -errno, "setenv");
		goto out;
	}
	if ((ret = exec_setenv(&d.vars))) {
		err_sys(ctx, ret, "setenv");
		goto out;
	}
	if (d.created_mvt)
		status = run_supervised(ctx, &d, &o, av);
	else
		status = run_program(ctx, &d, &o, av);
out:
	/* A new tap goes with its last descriptor; a macvtap we delete. */
	close_fds(&d);
	if (d.created_mvt) {
		if (!delete_transient(ctx, d.created_mvt))
			mvt_forget(ctx, &d.li);
	}
	free_argv(av);
	free_opts(&o);
	return status;
}
