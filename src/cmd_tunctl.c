// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

/*
 * tunctl compatibility mode. Old scripts parse tunctl's output and test
 * its exit status, so this reproduces Debian's uml-utilities tunctl
 * (20070815) byte for byte: the same getopt grammar and messages, the
 * same usage text on stderr with exit status 1 for every usage error,
 * the same ioctl order, and its quirks:
 *   - the last -t or -d wins (both set the one name; -d also deletes);
 *   - names are silently cut to 15 bytes and may hold %d;
 *   - no exclusive create: an existing tap of the same type is
 *     re-attached, which resets its vnet_hdr and pi features
 *     (only this mode does that; add/set/exec never do);
 *   - -d of a missing device creates it and drops it again, and succeeds;
 *   - -u/-g look a name up first, then take strtol(…, 0) (so 0x10 and
 *     010 are numbers), and an id of -1 counts as "not given";
 *   - without -u and -g the owner is the effective uid;
 *   - persist is set before owner and group, so a failing TUNSETOWNER
 *     leaves the device persistent, and every such failure is reported
 *     as "TUNSETPERSIST: ...";
 *   - ids are printed with %d, so 4294967294 prints as -2.
 * -n (tun) and -p (tap) come from tunctl 1.5, which Debian's build lacks;
 * unlike 1.5, a name containing "tun" does not make a tun device, as
 * Debian makes a tap whatever the name.
 */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "cmd.h"
#include "ctx.h"
#include "tun.h"

/* tunctl's "not given" for both ids: (uid_t)-1, which is also invalid. */
#define NO_ID ((uint32_t)-1)

/*
 * POSIX getopt rather than popt: tunctl's grammar is getopt's, and popt
 * reproduces neither its messages ("invalid option -- 'h'", "option
 * requires an argument -- 'd'") nor its permutation and clustering
 * rules ("-bt name", "-tname", "--help" read as the option '-'). So
 * there is no -h/--help here either: tunctl has none.
 */
#define OPTSTRING "bd:f:t:u:g:np"

struct tunctl_opts {
	const char *prog;		/* argv[0], as tunctl prints it */
	const char *name;		/* "" lets the kernel pick tap%d */
	const char *file;		/* clone device */
	uint32_t owner;			/* NO_ID if not given */
	uint32_t group;
	unsigned int type;		/* IFF_TAP, or IFF_TUN with -n */
	bool del;
	bool brief;
};

/*
 * Debian's usage text, exactly. It does not mention -n and -p (the man
 * page does): a script that shows or checks the usage gets what
 * Debian's tunctl prints.
 */
static void usage(FILE *f, const char *prog)
{
	fprintf(f, "Create: %s [-b] [-u owner] [-g group] [-t device-name] "
		"[-f tun-clone-device]\n", prog);
	fprintf(f, "Delete: %s -d device-name [-f tun-clone-device]\n\n",
		prog);
	fputs("The default tun clone device is /dev/net/tun - some systems use\n"
	      "/dev/misc/net/tun instead\n\n"
	      "-b will result in brief output (just the device name)\n", f);
}

/*
 * Reports a failure as tunctl does: @prefix (getopt's "argv[0]: ") and
 * the message on stderr, then the usage text if @show_usage. In a batch
 * the message goes through err_report instead, once, with the file and
 * line, and the usage text is left out. Returns the code to return:
 * tunctl exits 1 for everything, usage errors included.
 */
static int fail(struct ctx *ctx, const struct tunctl_opts *o, int code,
		bool prefix, bool show_usage, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int fail(struct ctx *ctx, const struct tunctl_opts *o, int code,
		bool prefix, bool show_usage, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	if (ctx->in_batch) {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		return err_fail(ctx, code, "%s", msg);
	}
	/* Straight to stderr: no buffer to cut a long -u argument short. */
	fflush(stdout);
	if (prefix)
		fprintf(stderr, "%s: ", o->prog);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (show_usage)
		usage(stderr, o->prog);
	return code;
}

/*
 * What tunctl prints as argv[0]: the path it was started by when that
 * was a link named tunctl (main.c has replaced argv[0] by then, but not
 * the string program_invocation_name points at), else plain "tunctl",
 * which is what the real one shows when a script runs it from PATH.
 */
static const char *prog_name(void)
{
	const char *p = program_invocation_name;
	const char *b = p ? strrchr(p, '/') : NULL;

	b = b ? b + 1 : p;
	return b && !strcmp(b, "tunctl") ? p : "tunctl";
}

/* A name first, then strtol base 0, as tunctl; false if neither. */
static bool parse_id(const char *s, bool user, uint32_t *id)
{
	struct passwd *pw;
	struct group *gr;
	char *end;

	if (user) {
		pw = getpwnam(s);
		if (pw) {
			*id = pw->pw_uid;
			return true;
		}
	} else {
		gr = getgrnam(s);
		if (gr) {
			*id = gr->gr_gid;
			return true;
		}
	}
	/* Truncated to 32 bits like tunctl's assignment to a uid_t. */
	*id = (uint32_t)strtol(s, &end, 0);
	return *end == '\0';
}

static int parse(struct ctx *ctx, struct tunctl_opts *o, int argc,
		 char **av)
{
	int c;

	/* 0, not 1: glibc then forgets the previous batch line's state. */
	optind = 0;
	/* Our own messages, so that a batch can report them its way. */
	opterr = 0;
	while ((c = getopt(argc, av, OPTSTRING)) > 0) {
		switch (c) {
		case 'b':
			o->brief = true;
			break;
		case 'd':
			o->del = true;
			o->name = optarg;
			break;
		case 't':
			o->name = optarg;
			break;
		case 'f':
			o->file = optarg;
			break;
		case 'n':
			o->type = IFF_TUN;
			break;
		case 'p':
			o->type = IFF_TAP;
			break;
		case 'u':
			if (!parse_id(optarg, true, &o->owner))
				return fail(ctx, o, -EINVAL, false, true,
					    "'%s' is neither a username nor a numeric uid.",
					    optarg);
			break;
		case 'g':
			if (!parse_id(optarg, false, &o->group))
				return fail(ctx, o, -EINVAL, false, true,
					    "'%s' is neither a groupname nor a numeric group.",
					    optarg);
			break;
		default:
			/* getopt's two messages, word for word. */
			if (optopt && strchr(OPTSTRING, optopt))
				return fail(ctx, o, -EINVAL, true, true,
					    "option requires an argument -- '%c'",
					    optopt);
			return fail(ctx, o, -EINVAL, true, true,
				    "invalid option -- '%c'", optopt);
		}
	}
	if (optind < argc) {
		if (ctx->in_batch)
			return err_fail(ctx, -EINVAL,
					"unexpected argument '%s'",
					av[optind]);
		/* tunctl prints only its usage here. */
		fflush(stdout);
		usage(stderr, o->prog);
		return -EINVAL;
	}
	return 0;
}

/* Persist first, then owner, then group: Debian's order and wording. */
static int create(struct ctx *ctx, const struct tunctl_opts *o, int fd,
		  const char *name)
{
	uint32_t owner = o->owner;
	int ret;

	if ((ret = tun_set_persist(fd, true)))
		goto fail;
	if (owner == NO_ID && o->group == NO_ID)
		owner = geteuid();
	if (owner != NO_ID && (ret = tun_set_owner(fd, owner)))
		goto fail;
	if (o->group != NO_ID && (ret = tun_set_group(fd, o->group)))
		goto fail;
	if (ctx->quiet)
		return 0;
	if (o->brief) {
		fprintf(ctx->out.f, "%s\n", name);
		return 0;
	}
	fprintf(ctx->out.f, "Set '%s' persistent and owned by", name);
	if (owner != NO_ID)
		fprintf(ctx->out.f, " uid %d", (int)owner);
	if (o->group != NO_ID)
		fprintf(ctx->out.f, " gid %d", (int)o->group);
	fputc('\n', ctx->out.f);
	return 0;
fail:
	return fail(ctx, o, ret, false, false, "TUNSETPERSIST: %s",
		    strerror(-ret));
}

static int act(struct ctx *ctx, const struct tunctl_opts *o)
{
	char name[IFNAMSIZ] = "";
	int fd, ret;

	/* strncpy(ifr_name, name, 15): longer names are cut, silently. */
	memcpy(name, o->name, strnlen(o->name, IFNAMSIZ - 1));
	ctx_set_name(ctx, name);
	fd = open(o->file, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return fail(ctx, o, ret, false, false,
			    "Failed to open '%s' : %s", o->file,
			    strerror(-ret));
	}
	ret = tun_attach(fd, name, o->type | IFF_NO_PI);
	if (ret) {
		fail(ctx, o, ret, false, false, "TUNSETIFF: %s",
		     strerror(-ret));
		goto out;
	}
	ctx_set_name(ctx, name);
	if (!o->del) {
		ret = create(ctx, o, fd, name);
		goto out;
	}
	ret = tun_set_persist(fd, false);
	if (ret) {
		fail(ctx, o, ret, false, false, "TUNSETPERSIST: %s",
		     strerror(-ret));
		goto out;
	}
	/* -b does not shorten this one, as in tunctl. */
	if (!ctx->quiet)
		fprintf(ctx->out.f, "Set '%s' nonpersistent\n", name);
out:
	close(fd);
	return ret;
}

int cmd_tunctl(struct ctx *ctx, int argc, const char **argv)
{
	struct tunctl_opts o = {
		.prog = prog_name(),
		.name = "",
		.file = TUN_DEV,
		.owner = NO_ID,
		.group = NO_ID,
		.type = IFF_TAP,
	};
	char **av = NULL;
	int i, ret;

	/*
	 * tunctl re-owns existing devices, makes root their owner by
	 * default and opens any -f path read-write: none of that may run
	 * with privilege lent by setuid or file capabilities.
	 */
	if (ctx->privileged)
		return err_fail(ctx, -EPERM,
				"not available when tapctl runs with privilege it was given (use tapctl add/del)");
	/* getopt permutes its argv: give it our own copy to reorder. */
	av = calloc((size_t)argc + 1, sizeof(*av));
	if (!av)
		return err_sys(ctx, -ENOMEM, NULL);
	av[0] = (char *)o.prog;
	for (i = 1; i < argc; i++)
		av[i] = (char *)argv[i];
	ret = parse(ctx, &o, argc, av);
	if (!ret)
		ret = act(ctx, &o);
	free(av);
	return ret;
}
