// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "holder.h"

#ifndef TUNGETDEVNETNS
#define TUNGETDEVNETNS _IO('T', 227)
#endif

void holder_free(struct holders *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

/* pidfd_getfd(2): needs ptrace access to @pid, as root has. */
int holder_dup(int pid, int fd)
{
	int pidfd, dup, ret;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	dup = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	ret = dup < 0 ? -errno : dup;
	close(pidfd);
	return ret;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * Whether descriptor @fd of @pid is attached to a device of our netns.
 * A name alone is not enough: every namespace may have its own tap0.
 * Best is the device's own netns (TUNGETDEVNETNS on a duplicate of the
 * descriptor); without the privilege for that, the holder's netns, which
 * is where a device opened by name lives unless it was moved.
 */
static bool in_our_netns(int pid, int fd, const struct stat *self)
{
	char path[64];
	struct stat st;
	int dup, ns;
	bool ok;

	dup = holder_dup(pid, fd);
	if (dup >= 0) {
		ns = ioctl(dup, TUNGETDEVNETNS);
		close(dup);
		if (ns >= 0) {
			ok = !fstat(ns, &st) && same_file(&st, self);
			close(ns);
			return ok;
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	if (stat(path, &st) < 0)
		return true;
	return same_file(&st, self);
}

static int add(struct holders *h, int pid, int fd, const char *comm,
	       const char *ifname)
{
	struct holder *v;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 8;
		v = realloc(h->v, h->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		h->v = v;
	}
	v = &h->v[h->n++];
	v->pid = pid;
	v->fd = fd;
	snprintf(v->comm, sizeof(v->comm), "%s", comm);
	snprintf(v->ifname, sizeof(v->ifname), "%.15s", ifname);
	return 0;
}

static void read_comm(int pid, char comm[32])
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	comm[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(comm, 32, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
}

/* A /proc directory entry that is a pid or an fd number, or -1. */
static int proc_num(const char *s)
{
	int v = 0;

	if (!*s || strlen(s) > 9)
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* The "iff:" line that tun puts in the fdinfo of an attached descriptor. */
static bool fd_iff(int pid, int fd, char ifname[IFNAMSIZ])
{
	char path[64], line[128];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "iff:\t", 5))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(ifname, IFNAMSIZ, "%.15s", line + 5);
		found = true;
		break;
	}
	fclose(f);
	return found;
}

static int cmp_dev(const void *a, const void *b)
{
	dev_t x = ((const struct holder_dev *)a)->dev;
	dev_t y = ((const struct holder_dev *)b)->dev;

	return (x > y) - (x < y);
}

/* The macvtap, of those asked for (sorted), that descriptor @fd is open on. */
static const char *fd_chardev(int pid, int fd, const struct holder_dev *devs,
			      size_t ndevs)
{
	char path[64], target[2];
	struct holder_dev key = { 0 };
	const struct holder_dev *hit;
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	/* Sockets, pipes and anon inodes have no path and no device. */
	if (readlink(path, target, sizeof(target)) < 1 || target[0] != '/')
		return NULL;
	if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode))
		return NULL;
	key.dev = st.st_rdev;
	hit = bsearch(&key, devs, ndevs, sizeof(*devs), cmp_dev);
	return hit ? hit->ifname : NULL;
}

struct scan {
	struct holders *h;
	const struct holder_dev *devs;
	size_t ndevs;
	struct stat self;
};

static int scan_pid(struct scan *sc, int pid)
{
	char path[64], ifname[IFNAMSIZ], comm[32] = "";
	const char *name;
	struct dirent *de;
	DIR *d;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
	d = opendir(path);
	if (!d)
		return 0;	/* gone, or not ours to see */
	while (!ret && (de = readdir(d))) {
		int fd = proc_num(de->d_name);

		if (fd < 0)
			continue;
		if (fd_iff(pid, fd, ifname)) {
			if (!in_our_netns(pid, fd, &sc->self))
				continue;
			name = ifname;
		} else if (!sc->ndevs ||
			   !(name = fd_chardev(pid, fd, sc->devs, sc->ndevs))) {
			continue;
		}
		if (!comm[0])
			read_comm(pid, comm);
		ret = add(sc->h, pid, fd, comm, name);
	}
	closedir(d);
	return ret;
}

static int cmp_holder(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;
	int c = strcmp(x->ifname, y->ifname);

	if (c)
		return c;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

int holder_scan(struct holders *h, const struct holder_dev *devs,
		size_t ndevs)
{
	struct scan sc = { h, NULL, ndevs, { 0 } };
	struct holder_dev *sorted = NULL;
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (stat("/proc/self/ns/net", &sc.self) < 0)
		return -errno;
	if (ndevs) {
		if (!(sorted = malloc(ndevs * sizeof(*sorted))))
			return -ENOMEM;
		memcpy(sorted, devs, ndevs * sizeof(*sorted));
		qsort(sorted, ndevs, sizeof(*sorted), cmp_dev);
		sc.devs = sorted;
	}
	d = opendir("/proc");
	if (!d) {
		ret = -errno;
		free(sorted);
		return ret;
	}
	while (!ret && (de = readdir(d)))
		if (proc_num(de->d_name) > 0)
			ret = scan_pid(&sc, proc_num(de->d_name));
	closedir(d);
	free(sorted);
	if (!ret && h->n)
		qsort(h->v, h->n, sizeof(*h->v), cmp_holder);
	return ret;
}

const struct holder *holder_first(const struct holders *h, const char *ifname)
{
	size_t lo = 0, hi = h->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(h->v[mid].ifname, ifname) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < h->n && !strcmp(h->v[lo].ifname, ifname) ? &h->v[lo] : NULL;
}
