// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <net/if_arp.h>
#include <linux/if_link.h>

#include "ctx.h"
#include "link.h"
#include "macvtap.h"
#include "netns.h"
#include "parse.h"
#include "tun.h"

#define POLL_MS 20

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

static int read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		ret = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return ret;
}

/* Strict "N\n" as sysfs writes numbers. */
static int parse_num(const char *s, const char **end, unsigned long *v)
{
	char *e;

	if (*s < '0' || *s > '9')
		return -EBADMSG;
	errno = 0;
	*v = strtoul(s, &e, 10);
	if (errno)
		return -EBADMSG;
	*end = e;
	return 0;
}

/*
 * 1 if our /sys shows @li, 0 if it shows another namespace: the name
 * is absent there, or belongs to another ifindex or (the same ifindex
 * can recur in every namespace) another MAC.
 */
static int sysfs_shows(const struct link_info *li)
{
	char path[64], buf[32], mac[18];
	const char *end;
	unsigned long v;
	int ret;

	snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", li->ifname);
	ret = read_small(path, buf, sizeof(buf));
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	if (parse_num(buf, &end, &v) || strcmp(end, "\n"))
		return -EBADMSG;
	if (v != (unsigned long)li->ifindex)
		return 0;
	if (!li->has_mac)
		return 1;
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", li->ifname);
	if ((ret = read_small(path, buf, sizeof(buf))))
		return ret == -ENOENT ? 0 : ret;
	parse_format_mac(li->mac, mac);
	return !strncmp(buf, mac, 17) && !strcmp(buf + 17, "\n");
}

static int read_dev(const struct link_info *li, dev_t *dev)
{
	char path[96], buf[32];
	unsigned long maj, min;
	const char *end;
	int ret;

	snprintf(path, sizeof(path), "/sys/class/net/%s/macvtap/tap%d/dev",
		 li->ifname, li->ifindex);
	if ((ret = read_small(path, buf, sizeof(buf))))
		return ret;
	if (parse_num(buf, &end, &maj) || *end != ':' ||
	    parse_num(end + 1, &end, &min) || strcmp(end, "\n"))
		return -EBADMSG;
	*dev = makedev(maj, min);
	return 0;
}

int mvt_dev(struct ctx *ctx, const struct link_info *li, dev_t *dev)
{
	int ret;

	/*
	 * The class directory is per namespace, and ifindexes repeat across
	 * namespaces: only our own namespace's sysfs names the right
	 * major:minor. ifindex tells a stale view from ours.
	 */
	if ((ret = ns_private_sysfs(ctx)))
		return ret;
	/* A mount shows one namespace for good: once seen, it is ours. */
	if (ctx->sysfs_ours)
		return read_dev(li, dev);
	ret = sysfs_shows(li);
	if (!ret && !ctx->sysfs_private) {
		if ((ret = ns_own_sysfs(ctx)))
			return ret;
		ret = sysfs_shows(li);
	}
	if (ret < 0)
		return ret;
	if (!ret)
		return -ESTALE;
	ctx->sysfs_ours = true;
	return read_dev(li, dev);
}

/*
 * The directory of this namespace's private nodes, under MVT_RUN_DIR.
 * Named by the netns cookie, which is never reused while the system
 * runs: a namespace's inode number is, and a node left by a namespace
 * that is gone must not look like one of a new namespace's.
 */
static int ns_dir_name(char *buf, size_t len)
{
	/* The namespace is entered (-n) before any node is looked for. */
	static char known[48];
	uint64_t cookie;
	socklen_t sl = sizeof(cookie);
	struct stat st;
	int fd, ret = 0;

	if (known[0]) {
		snprintf(buf, len, "%s", known);
		return 0;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &sl) < 0)
		ret = -errno;
	close(fd);
	if (!ret) {
		snprintf(known, sizeof(known), "netns-%" PRIu64, cookie);
	} else {
		/* Before Linux 5.14: the inode, the best there is. */
		if (ret != -ENOPROTOOPT)
			return ret;
		if (stat("/proc/self/ns/net", &st) < 0)
			return -errno;
		snprintf(known, sizeof(known), "netns-ino-%llu",
			 (unsigned long long)st.st_ino);
	}
	snprintf(buf, len, "%s", known);
	return 0;
}

static bool is_node(const struct stat *st, dev_t dev)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == dev;
}

/* Where private nodes may be, in the order they are made. */
static const char *const roots[] = { MVT_RUN_DIR, MVT_DEV_DIR };
#define N_ROOTS (sizeof(roots) / sizeof(roots[0]))

/*
 * Whether a node under @dir (or, before it exists, under its parent)
 * can be opened: not on a filesystem mounted nodev. A directory that
 * cannot be examined is tried anyway, and mkdir then says why not.
 */
static bool nodes_allowed(const char *dir)
{
	char parent[32];
	struct statvfs sv;
	char *slash;

	if (statvfs(dir, &sv) < 0) {
		snprintf(parent, sizeof(parent), "%s", dir);
		slash = strrchr(parent, '/');
		if (errno != ENOENT || !slash)
			return true;
		if (slash == parent)
			slash++;
		*slash = '\0';
		if (statvfs(parent, &sv) < 0)
			return true;
	}
	return !(sv.f_flag & ST_NODEV);
}

/* The directory private nodes are made in now; NULL if none will do. */
static const char *private_root(void)
{
	size_t i;

	for (i = 0; i < N_ROOTS; i++)
		if (nodes_allowed(roots[i]))
			return roots[i];
	return NULL;
}

/*
 * The node mvt_node would use now: /dev/tapN if it is @dev, else our
 * private node if it is. *missing tells whether /dev/tapN is absent
 * (worth waiting for) rather than another device's; @st gets the
 * node's inode. -ENOENT if neither is there; another -errno when
 * /dev/tapN cannot be examined (then nothing else is tried: a node
 * of ours in its place would be a guess).
 */
static int find(const struct link_info *li, dev_t dev, char *path,
		size_t len, bool *missing, struct stat *st)
{
	char dir[48];
	size_t i;

	snprintf(path, len, "/dev/tap%d", li->ifindex);
	*missing = false;
	if (stat(path, st) < 0) {
		if (errno != ENOENT)
			return -errno;
		*missing = true;
	} else if (is_node(st, dev)) {
		return 0;
	}
	if (ns_dir_name(dir, sizeof(dir)))
		return -ENOENT;
	for (i = 0; i < N_ROOTS; i++) {
		snprintf(path, len, "%s/%s/tap%d", roots[i], dir, li->ifindex);
		if (!lstat(path, st) && is_node(st, dev))
			return 0;
	}
	path[0] = '\0';
	return -ENOENT;
}

int mvt_find(struct ctx *ctx, const struct link_info *li, char *path,
	     size_t len, struct stat *st)
{
	bool missing = false;
	struct stat tmp;
	dev_t dev;
	int ret;

	if ((ret = mvt_dev(ctx, li, &dev)))
		return ret;
	return find(li, dev, path, len, &missing, st ? st : &tmp);
}

/*
 * Opens (making it if needed) a directory that only root can change:
 * nodes in it must not be swapped under us.
 */
static int open_dir(int at, const char *name, mode_t mode, const char **step)
{
	struct stat st;
	int fd;

	*step = "mkdir";
	if (mkdirat(at, name, mode) < 0 && errno != EEXIST)
		return -errno;
	*step = "open";
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*step = "check";
	if (fstat(fd, &st) < 0)
		goto fail;
	if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		errno = EPERM;
		goto fail;
	}
	/* Exactly @mode whatever the umask: the node's owner must reach it. */
	*step = "chmod";
	if ((st.st_mode & 07777) != mode && fchmod(fd, mode) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -errno;
}

/*
 * Whether a node may still be a live macvtap's: /sys/dev/char lists
 * every character device of every namespace.
 */
static bool node_alive(const char *name, dev_t dev)
{
	char link[64], target[256], suffix[32];
	size_t n;
	ssize_t len;

	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u", major(dev),
		 minor(dev));
	len = readlink(link, target, sizeof(target) - 1);
	if (len < 0)
		return errno != ENOENT;
	target[len] = '\0';
	n = (size_t)snprintf(suffix, sizeof(suffix), "/macvtap/%s", name);
	return (size_t)len > n && !strcmp(target + len - n, suffix);
}

static DIR *opendir_at(int at, const char *name)
{
	DIR *d;
	int fd;

	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

/*
 * A private node outlives its link when the link goes without us (ip
 * link del, its namespace deleted), and the kernel hands its minor to
 * the next macvtap, anywhere: the node would then give its owner that
 * device. So any node of @dev other than @keep (dir/name) is stale, as
 * is any node whose number no macvtap of its ifindex has. Best effort:
 * what cannot be removed stays.
 */
static void sweep_dir(DIR *d, dev_t dev, bool own, const char *keep)
{
	struct dirent *de;
	struct stat st;
	int fd = dirfd(d);

	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "tap", 3) ||
		    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISCHR(st.st_mode))
			continue;
		if (st.st_rdev == dev ? own && !strcmp(de->d_name, keep)
				      : node_alive(de->d_name, st.st_rdev))
			continue;
		unlinkat(fd, de->d_name, 0);
	}
}

static void sweep_root(const char *top, const char *own_dir,
		       const char *keep, dev_t dev)
{
	struct dirent *de;
	struct stat st;
	DIR *root, *d;

	/*
	 * Every add of a macvtap sweeps: a directory's link count tells
	 * without reading it that it has no namespace directories (tmpfs
	 * and devtmpfs count them; a file system that does not says 1).
	 */
	if (stat(top, &st) < 0 || (S_ISDIR(st.st_mode) && st.st_nlink == 2))
		return;
	root = opendir(top);
	if (!root)
		return;
	while ((de = readdir(root))) {
		if (strncmp(de->d_name, "netns-", 6))
			continue;
		d = opendir_at(dirfd(root), de->d_name);
		if (!d)
			continue;
		sweep_dir(d, dev, !strcmp(de->d_name, own_dir), keep);
		closedir(d);
		/*
		 * Empty now: its namespace may be gone too. A tapctl about
		 * to make a node in it gets ENOENT and makes it again.
		 */
		unlinkat(dirfd(root), de->d_name, AT_REMOVEDIR);
	}
	closedir(root);
}

static void sweep(const char *own_dir, const char *keep, dev_t dev)
{
	size_t i;

	for (i = 0; i < N_ROOTS; i++)
		sweep_root(roots[i], own_dir, keep, dev);
}

static int try_private(const char *top, const struct link_info *li,
		       dev_t dev, char *path, size_t len, const char **step)
{
	char dir[48], name[24];
	struct stat st;
	int rfd = -1, nfd = -1, ret;

	if ((ret = ns_dir_name(dir, sizeof(dir)))) {
		*step = "identify the network namespace";
		return ret;
	}
	snprintf(name, sizeof(name), "tap%d", li->ifindex);
	/*
	 * 0711 all the way: the node's owner must be able to reach it by
	 * name, but nobody needs to list whose nodes are there.
	 */
	rfd = open_dir(AT_FDCWD, top, 0711, step);
	if (rfd < 0) {
		snprintf(path, len, "%s", top);
		return rfd;
	}
	nfd = open_dir(rfd, dir, 0711, step);
	snprintf(path, len, "%s/%s", top, dir);
	if (nfd < 0) {
		ret = nfd;
		goto out;
	}
	snprintf(path, len, "%s/%s/%s", top, dir, name);
	*step = "mknod";
	if (!mknodat(nfd, name, S_IFCHR | 0600, dev))
		goto out;
	ret = -errno;
	if (ret != -EEXIST)
		goto out;
	/* Another tapctl made it meanwhile, or a stale one is in the way. */
	ret = 0;
	if (!fstatat(nfd, name, &st, AT_SYMLINK_NOFOLLOW) && is_node(&st, dev))
		goto out;
	*step = "replace";
	if (unlinkat(nfd, name, 0) < 0 ||
	    mknodat(nfd, name, S_IFCHR | 0600, dev) < 0)
		ret = -errno;
out:
	if (nfd >= 0)
		close(nfd);
	close(rfd);
	return ret;
}

static int make_private(struct ctx *ctx, const struct link_info *li,
			dev_t dev, bool missing, char *path, size_t len)
{
	const char *step = "", *top = private_root();
	int ret, i;

	if (!top)
		return err_fail(ctx, -EACCES,
				"no character device: /dev/tap%d %s, and a private node could not be made: " MVT_RUN_DIR " and " MVT_DEV_DIR " are on filesystems mounted nodev",
				li->ifindex,
				missing ? "did not appear" : "is another device's");
	/* A concurrent del or sweep may remove the directory under us. */
	for (i = 0; i < 3; i++) {
		ret = try_private(top, li, dev, path, len, &step);
		if (ret != -ENOENT)
			break;
	}
	if (!ret)
		return 0;
	return err_fail(ctx, ret,
			"no character device: /dev/tap%d %s, and a private node could not be made: %s %s: %s",
			li->ifindex,
			missing ? "did not appear" : "is another device's",
			step, path, strerror(-ret));
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int node(struct ctx *ctx, const struct link_info *li, char *path,
		size_t len, dev_t *dev)
{
	char dir[48], name[24];
	bool missing = false;
	struct stat st;
	int ret, waited;

	ret = mvt_dev(ctx, li, dev);
	if (ret == -ESTALE)
		return err_fail(ctx, ret,
				"/sys does not show this link: it shows another network namespace");
	if (ret) {
		err_fail(ctx, ret, "read major:minor from /sys/class/net/%s/macvtap/tap%d/dev: %s",
			 li->ifname, li->ifindex, strerror(-ret));
		return ret;
	}
	if (!ns_dir_name(dir, sizeof(dir))) {
		snprintf(name, sizeof(name), "tap%d", li->ifindex);
		sweep(dir, name, *dev);
	}
	/*
	 * devtmpfs makes /dev/tapN as the link registers, udev may then
	 * rename or recreate it; when it is missing give them a moment.
	 * When it is there but another device's (the same ifindex in
	 * another namespace), waiting cannot help.
	 */
	for (waited = 0;; waited += POLL_MS) {
		ret = find(li, *dev, path, len, &missing, &st);
		if (!ret || !missing || waited >= MVT_WAIT_MS)
			break;
		sleep_ms(POLL_MS);
	}
	if (ret && ret != -ENOENT)
		return err_fail(ctx, ret, "stat /dev/tap%d: %s", li->ifindex,
				strerror(-ret));
	if (ret)
		ret = make_private(ctx, li, *dev, missing, path, len);
	return ret;
}

int mvt_node(struct ctx *ctx, const struct link_info *li, char *path,
	     size_t len)
{
	dev_t dev;

	return node(ctx, li, path, len, &dev);
}

int mvt_chown(struct ctx *ctx, const struct link_info *li, bool set_uid,
	      uid_t uid, bool set_gid, gid_t gid)
{
	char path[256], proc[40];
	struct stat st;
	mode_t mode;
	dev_t dev;
	int fd, ret;

	if (!set_uid && !set_gid)
		return 0;
	if ((ret = node(ctx, li, path, sizeof(path), &dev)))
		return ret;
	/* One inode, checked once, for chown and chmod alike. */
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return err_fail(ctx, -errno, "open %s: %s", path,
				strerror(errno));
	if (fstat(fd, &st) < 0) {
		ret = err_fail(ctx, -errno, "stat %s: %s", path, strerror(errno));
		goto out;
	}
	if (!is_node(&st, dev)) {
		ret = err_fail(ctx, -ENODEV, "%s changed under us", path);
		goto out;
	}
	/* A group given now or before keeps group access. */
	mode = set_gid || (st.st_mode & 0060) == 0060 ? 0660 : 0600;
	if (fchownat(fd, "", set_uid ? uid : (uid_t)-1,
		     set_gid ? gid : (gid_t)-1, AT_EMPTY_PATH) < 0) {
		ret = err_fail(ctx, -errno, "chown %s: %s", path,
			       strerror(errno));
		goto out;
	}
	/* fchmod() refuses O_PATH descriptors; their /proc link does not. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (chmod(proc, mode) < 0) {
		ret = err_fail(ctx, -errno, "chmod %s: %s", path,
			       strerror(errno));
		if (fchownat(fd, "", st.st_uid, st.st_gid, AT_EMPTY_PATH) < 0)
			ret = err_fail(ctx, -errno, "restore owner of %s", path);
	}
out:
	close(fd);
	return ret;
}

int mvt_open(struct ctx *ctx, const struct link_info *li)
{
	char path[256], name[IFNAMSIZ], want[18], got[18];
	uint8_t mac[6];
	struct stat st;
	dev_t dev;
	int fd, ret;

	if ((ret = node(ctx, li, path, sizeof(path), &dev)))
		return ret;
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_fail(ctx, -errno, "open %s: %s", path,
				strerror(errno));
	if (fstat(fd, &st) < 0) {
		ret = err_fail(ctx, -errno, "stat %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!is_node(&st, dev)) {
		ret = err_fail(ctx, -ENODEV, "%s changed under us", path);
		goto fail;
	}
	/*
	 * The kernel resolves the node by minor alone, in any namespace:
	 * make sure that what we hold is this link and not its namesake.
	 */
	if ((ret = tun_get_iff(fd, name, NULL))) {
		err_sys(ctx, ret, "TUNGETIFF");
		goto fail;
	}
	if (strcmp(name, li->ifname)) {
		ret = err_fail(ctx, -ENODEV, "%s opens %s, not this link", path,
			       name);
		goto fail;
	}
	if (li->has_mac) {
		if ((ret = tun_get_mac(fd, mac))) {
			err_sys(ctx, ret, "SIOCGIFHWADDR");
			goto fail;
		}
		if (memcmp(mac, li->mac, 6)) {
			parse_format_mac(li->mac, want);
			parse_format_mac(mac, got);
			ret = err_fail(ctx, -ENODEV,
				       "%s opens a link with MAC %s, not this link's %s",
				       path, got, want);
			goto fail;
		}
	}
	return fd;
fail:
	close(fd);
	return ret;
}

static const char *why_not_ether(const struct link_info *lower)
{
	if ((lower->flags & IFF_LOOPBACK) || lower->type == ARPHRD_LOOPBACK)
		return "it is a loopback device";
	if (lower->kind == LINK_TUN)
		return "it is a tun device, which carries no Ethernet frames (a tap does)";
	if (lower->type != ARPHRD_ETHER)
		return "it is not an Ethernet link";
	return NULL;
}

struct peers {
	int lower;
	struct link_info first;		/* a macvlan/macvtap on the lower */
	struct link_info passthru;	/* one that takes the lower whole */
};

static int find_peers(const struct link_info *li, void *data)
{
	struct peers *p = data;

	if (li->link != p->lower || (strcmp(li->info_kind, "macvtap") &&
				     strcmp(li->info_kind, "macvlan")))
		return 0;
	if (!p->first.ifindex)
		p->first = *li;
	if (li->macvlan_mode == MACVLAN_MODE_PASSTHRU && !p->passthru.ifindex)
		p->passthru = *li;
	return 0;
}

int mvt_check_lower(struct ctx *ctx, const struct link_info *lower,
		    uint32_t mtu)
{
	const char *why = why_not_ether(lower);

	if (why)
		return err_fail(ctx, -EINVAL,
				"--macvtap: \"%s\" cannot carry a macvtap: %s",
				lower->ifname, why);
	if (mtu && mtu > lower->mtu)
		return err_fail(ctx, -EINVAL,
				"--mtu: %u is above the MTU of the lower link \"%s\" (%u)",
				mtu, lower->ifname, lower->mtu);
	return 0;
}

bool mvt_explain_refusal(struct ctx *ctx, int lower, const char *lower_name,
			 uint32_t mode)
{
	struct peers p;

	/*
	 * The kernel says only EINVAL for both of these. The dump happens
	 * on this failure alone, never on the way of a macvtap that is made.
	 */
	memset(&p, 0, sizeof(p));
	p.lower = lower;
	if (link_dump(ctx, find_peers, &p))
		return false;
	if (p.passthru.ifindex) {
		err_fail(ctx, -EBUSY,
			 "--macvtap: \"%s\" is taken whole by \"%s\" (passthru mode)",
			 lower_name, p.passthru.ifname);
		return true;
	}
	if (mode == MACVLAN_MODE_PASSTHRU && p.first.ifindex) {
		err_fail(ctx, -EBUSY,
			 "--mode passthru: \"%s\" already carries \"%s\"; passthru needs a lower link of its own",
			 lower_name, p.first.ifname);
		return true;
	}
	return false;
}

int mvt_check_change(struct ctx *ctx, const struct link_info *li,
		     bool set_mode, uint32_t mode, uint32_t mtu)
{
	struct link_info lower = { 0 };

	if (set_mode && (mode == MACVLAN_MODE_PASSTHRU) !=
			(li->macvlan_mode == MACVLAN_MODE_PASSTHRU))
		return err_fail(ctx, -EINVAL,
				"--mode: a macvtap cannot change to or from passthru mode (delete it and add it again)");
	/* A lower we cannot see (another namespace) is left to the kernel. */
	if (mtu && li->link && !link_get_index(ctx, li->link, &lower) &&
	    mtu > lower.mtu)
		return err_fail(ctx, -EINVAL,
				"--mtu: %u is above the MTU of the lower link \"%s\" (%u)",
				mtu, lower.ifname, lower.mtu);
	return 0;
}

static void forget(const char *top, const char *dir,
		   const struct link_info *li)
{
	char path[96];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s/tap%d", top, dir, li->ifindex);
	if (!lstat(path, &st) && S_ISCHR(st.st_mode))
		unlink(path);
	/* Others of this namespace may still be there: then it stays. */
	snprintf(path, sizeof(path), "%s/%s", top, dir);
	rmdir(path);
}

int mvt_forget(struct ctx *ctx, const struct link_info *li)
{
	char dir[48];
	size_t i;

	(void)ctx;
	if (ns_dir_name(dir, sizeof(dir)))
		return 0;
	for (i = 0; i < N_ROOTS; i++)
		forget(roots[i], dir, li);
	return 0;
}
