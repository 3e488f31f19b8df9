/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_TUN_H
#define TAPCTL_TUN_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct link_info;

#define TUN_DEV "/dev/net/tun"

/*
 * TUNSETIFF on a fresh /dev/net/tun descriptor (close-on-exec). @name is
 * the name or %d template in, the kernel's final name out. With
 * IFF_TUN_EXCL in @flags an existing device is never taken over.
 * Returns the descriptor or -errno.
 */
int tun_open(char name[IFNAMSIZ], unsigned int flags);
/*
 * The same TUNSETIFF on a descriptor the caller opened (tunctl -f takes
 * another clone device). Returns 0 or -errno.
 */
int tun_attach(int fd, char name[IFNAMSIZ], unsigned int flags);
/*
 * TUNGETFEATURES on a fresh descriptor (0 if the kernel has no such
 * ioctl); -errno if /dev/net/tun cannot be opened.
 */
int tun_features(unsigned int *features);
/* The IFF_* flags that re-attach to @li without changing its features. */
unsigned int tun_flags_of(const struct link_info *li);
int tun_set_persist(int fd, bool on);
int tun_set_owner(int fd, uid_t uid);
int tun_set_group(int fd, gid_t gid);
/* TUNGETIFF: the name and flags behind a descriptor. */
int tun_get_iff(int fd, char name[IFNAMSIZ], unsigned int *flags);
/* The tun device's own MAC, through SIOCGIFHWADDR on its descriptor. */
int tun_get_mac(int fd, uint8_t mac[6]);

#endif
