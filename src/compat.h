/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_COMPAT_H
#define TAPCTL_COMPAT_H

#include <linux/if_tun.h>

/* Debian's libmnl 1.0.4 predates MNL_SOCKET_DUMP_SIZE. */
#ifndef MNL_SOCKET_DUMP_SIZE
#define MNL_SOCKET_DUMP_SIZE 32768
#endif

#ifndef IFF_TUN_EXCL
#define IFF_TUN_EXCL 0x8000
#endif
#ifndef IFF_MULTI_QUEUE
#define IFF_MULTI_QUEUE 0x0100
#endif
#ifndef IFF_NO_CARRIER
#define IFF_NO_CARRIER 0x0040
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
