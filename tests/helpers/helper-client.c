// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * helper-client: plays QEMU's side of the bridge helper protocol
 * (net/tap.c net_bridge_run_helper / recv_fd), for tests.
 *
 *   helper-client [--hold CMD] PROGRAM [ARG...]
 *
 * Makes a socketpair(AF_UNIX, SOCK_STREAM), forks, and in the child
 * closes every descriptor but 0-2 and its end of the pair, then execs
 * PROGRAM with ARGs in which each "%fd" is replaced by that end's number
 * (so `--fd=%fd`). The parent receives one byte plus one SCM_RIGHTS
 * descriptor, as QEMU does, and reaps the child. It prints, one per line:
 *
 *   status=N | signal=N      how the helper ended
 *   fd=none                  no descriptor arrived
 *   fd=yes byte=0xHH ifname=NAME flags=0xHHHH   TUNGETIFF of the one received
 *
 * With --hold CMD, CMD runs under sh -c (with $TAP_IFNAME set) while the
 * received descriptor is still open; its exit status is printed as
 * hold=N. Exits 0 only if, as QEMU requires, a descriptor arrived and
 * the helper exited 0.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_tun.h>

static void close_all_but(int keep)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fd, dfd;

	if (!d)
		return;
	dfd = dirfd(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd > 2 && fd != keep && fd != dfd)
			close(fd);
	}
	closedir(d);
}

static char *subst_fd(const char *arg, int fd)
{
	const char *p = strstr(arg, "%fd");
	char *s;

	if (!p)
		return strdup(arg);
	if (asprintf(&s, "%.*s%d%s", (int)(p - arg), arg, fd, p + 3) < 0)
		return NULL;
	return s;
}

static int recv_fd(int sock, unsigned char *byte)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

int main(int argc, char **argv)
{
	const char *hold = NULL;
	unsigned char byte = 0xff;
	int sv[2], fd, status, i, ok = 0;
	struct ifreq ifr;
	char **av;
	pid_t pid;

	if (argc > 2 && !strcmp(argv[1], "--hold")) {
		hold = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		fputs("usage: helper-client [--hold CMD] PROGRAM [ARG...]\n",
		      stderr);
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		return 2;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		close_all_but(sv[1]);
		av = calloc((size_t)argc, sizeof(*av));
		if (!av)
			_exit(126);
		for (i = 1; i < argc; i++)
			if (!(av[i - 1] = subst_fd(argv[i], sv[1])))
				_exit(126);
		execv(av[0], av);
		perror(av[0]);
		_exit(127);
	}
	close(sv[1]);
	fd = recv_fd(sv[0], &byte);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("waitpid");
			return 2;
		}
	}
	if (WIFEXITED(status))
		printf("status=%d\n", WEXITSTATUS(status));
	else
		printf("signal=%d\n", WTERMSIG(status));
	if (fd < 0) {
		printf("fd=none\n");
	} else {
		memset(&ifr, 0, sizeof(ifr));
		if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
			printf("fd=yes byte=0x%02x ifname=? flags=?\n", byte);
		} else {
			printf("fd=yes byte=0x%02x ifname=%s flags=0x%04x\n",
			       byte, ifr.ifr_name,
			       (unsigned int)(unsigned short)ifr.ifr_flags);
			ok = WIFEXITED(status) && !WEXITSTATUS(status);
		}
		if (hold) {
			fflush(stdout);
			setenv("TAP_IFNAME", ifr.ifr_name, 1);
			i = system(hold);
			printf("hold=%d\n", WIFEXITED(i) ? WEXITSTATUS(i) : 128);
		}
		close(fd);
	}
	close(sv[0]);
	return ok ? 0 : 1;
}
