// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "compat.h"
#include "link.h"
#include "tun.h"

int tun_attach(int fd, char name[IFNAMSIZ], unsigned int flags)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strnlen(name, IFNAMSIZ - 1));
	ifr.ifr_flags = (short)flags;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return -errno;
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';
	return 0;
}

int tun_open(char name[IFNAMSIZ], unsigned int flags)
{
	int fd, ret;

	fd = open(TUN_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = tun_attach(fd, name, flags);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

int tun_features(unsigned int *features)
{
	int fd = open(TUN_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	/*
	 * A kernel that cannot say is taken to have IFF_VNET_HDR (every
	 * kernel since 2.6.27), as qemu-bridge-helper does.
	 */
	if (ioctl(fd, TUNGETFEATURES, features) < 0)
		*features = IFF_VNET_HDR;
	close(fd);
	return 0;
}

/*
 * Attaching as the first queue overwrites the device's feature flags
 * with the caller's (tun_set_iff), which is how tunctl clears vnet_hdr;
 * passing the device's own flags back keeps them.
 */
unsigned int tun_flags_of(const struct link_info *li)
{
	unsigned int flags = li->kind == LINK_TUN ? IFF_TUN : IFF_TAP;

	if (!li->pi)
		flags |= IFF_NO_PI;
	if (li->vnet_hdr)
		flags |= IFF_VNET_HDR;
	if (li->multi_queue)
		flags |= IFF_MULTI_QUEUE;
	return flags;
}

static int ioctl_val(int fd, unsigned long req, unsigned long val)
{
	return ioctl(fd, req, val) < 0 ? -errno : 0;
}

int tun_set_persist(int fd, bool on)
{
	return ioctl_val(fd, TUNSETPERSIST, on);
}

int tun_set_owner(int fd, uid_t uid)
{
	return ioctl_val(fd, TUNSETOWNER, uid);
}

int tun_set_group(int fd, gid_t gid)
{
	return ioctl_val(fd, TUNSETGROUP, gid);
}

int tun_get_iff(int fd, char name[IFNAMSIZ], unsigned int *flags)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0)
		return -errno;
	if (name) {
		memcpy(name, ifr.ifr_name, IFNAMSIZ);
		name[IFNAMSIZ - 1] = '\0';
	}
	if (flags)
		*flags = (unsigned short)ifr.ifr_flags;
	return 0;
}

int tun_get_mac(int fd, uint8_t mac[6])
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}
