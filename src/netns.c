// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "ctx.h"
#include "netns.h"

int ns_enter(struct ctx *ctx, const char *arg)
{
	char path[4096];
	int fd, ret;

	if (!*arg)
		return err_usage(ctx, "--netns: empty name");
	if (strchr(arg, '/')) {
		snprintf(path, sizeof(path), "%s", arg);
	} else {
		if (!strcmp(arg, ".") || !strcmp(arg, "..") ||
		    strlen(arg) > 255)
			return err_usage(ctx, "--netns: invalid name \"%s\"",
					 arg);
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, arg);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_fail(ctx, -errno, "--netns: cannot open %s: %s",
				path, strerror(errno));
	ret = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	close(fd);
	if (ret)
		return err_fail(ctx, ret, "--netns: %s: %s", path,
				ret == -EINVAL ? "not a network namespace"
					       : strerror(-ret));
	ctx->netns = arg;
	return 0;
}

int ns_private_sysfs(struct ctx *ctx)
{
	if (!ctx->netns)
		return 0;
	return ns_own_sysfs(ctx);
}

int ns_own_sysfs(struct ctx *ctx)
{
	if (ctx->sysfs_private)
		return 0;
	/* The sysfs net class shows the netns of whoever mounted it. */
	if (unshare(CLONE_NEWNS) < 0)
		return err_sys(ctx, -errno, "unshare mount namespace");
	if (mount("", "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return err_sys(ctx, -errno, "make / a slave mount");
	if (umount2("/sys", MNT_DETACH) < 0 && errno != EINVAL)
		return err_sys(ctx, -errno, "unmount /sys");
	if (mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return err_sys(ctx, -errno, "mount /sys");
	ctx->sysfs_private = true;
	return 0;
}
