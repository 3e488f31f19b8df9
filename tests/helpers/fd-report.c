// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fd-report [FD...]: what a program started by `tapctl exec` was given,
 * one fact per line, for tests/40-exec.bats:
 *
 *   fds 0 1 2 3          the open descriptors (/proc/self/fd)
 *   iff 3 tap0 0x5002    TUNGETIFF of each FD named on the command line
 *   uid R E S / gid R E S / groups G...
 *   CapEff HEX ...       CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs
 *                        lines of /proc/self/status
 *   env NAME=VALUE       each TAPCTL_* variable
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>

extern char **environ;

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int report_fds(void)
{
	int fds[4096], n = 0, i;
	struct dirent *de;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (!dir) {
		perror("fd-report: /proc/self/fd");
		return 1;
	}
	while ((de = readdir(dir)) && n < 4096) {
		if (de->d_name[0] == '.')
			continue;
		if (atoi(de->d_name) == dirfd(dir))
			continue;
		fds[n++] = atoi(de->d_name);
	}
	closedir(dir);
	qsort(fds, (size_t)n, sizeof(fds[0]), cmp_int);
	printf("fds");
	for (i = 0; i < n; i++)
		printf(" %d", fds[i]);
	printf("\n");
	return 0;
}

static int report_iff(const char *arg)
{
	struct ifreq ifr;
	int fd = atoi(arg);

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
		printf("iff %d error %s\n", fd, strerror(errno));
		return 1;
	}
	printf("iff %d %s 0x%04x\n", fd, ifr.ifr_name,
	       (unsigned int)(unsigned short)ifr.ifr_flags);
	return 0;
}

static void report_ids(void)
{
	gid_t groups[256], rg, eg, sg;
	uid_t ru, eu, su;
	int n, i;

	getresuid(&ru, &eu, &su);
	getresgid(&rg, &eg, &sg);
	printf("uid %u %u %u\n", ru, eu, su);
	printf("gid %u %u %u\n", rg, eg, sg);
	n = getgroups(256, groups);
	printf("groups");
	for (i = 0; i < n; i++)
		printf(" %u", groups[i]);
	printf("\n");
}

static void report_status(void)
{
	static const char *const keys[] = {
		"CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:",
		"NoNewPrivs:",
	};
	char line[256];
	size_t i;
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t n = strlen(keys[i]);

			if (strncmp(line, keys[i], n))
				continue;
			printf("%.*s %s", (int)(n - 1), line,
			       line + n + strspn(line + n, " \t"));
		}
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	int i, ret = 0;
	char **e;

	ret |= report_fds();
	for (i = 1; i < argc; i++)
		ret |= report_iff(argv[i]);
	report_ids();
	report_status();
	for (e = environ; *e; e++)
		if (!strncmp(*e, "TAPCTL_", 7))
			printf("env %s\n", *e);
	return ret;
}
