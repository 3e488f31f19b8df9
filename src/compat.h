/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_COMPAT_H
#define TAPCTL_COMPAT_H

#include <linux/if_tun.h>

#ifndef IFF_TUN_EXCL
#define IFF_TUN_EXCL 0x8000
#endif
#ifndef IFF_MULTI_QUEUE
#define IFF_MULTI_QUEUE 0x0100
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
