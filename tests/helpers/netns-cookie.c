// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netns-cookie: prints the cookie of the current network namespace
 * (SO_NETNS_COOKIE), which names its directory of private macvtap nodes.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

int main(void)
{
	uint64_t cookie;
	socklen_t len = sizeof(cookie);
	int fd;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0) {
		fprintf(stderr, "netns-cookie: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	printf("%" PRIu64 "\n", cookie);
	return 0;
}
