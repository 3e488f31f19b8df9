/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_APPLY_H
#define TAPCTL_APPLY_H

/* What `tapctl apply` reads when it is given no FILE. */
#define APPLY_CONF "/etc/tapctl/devices.conf"
#define APPLY_CONF_DIR "/etc/tapctl/devices.d"

/*
 * The mark of a device that apply created, so that --prune may delete
 * it later: the link's alias (IFLA_IFALIAS, `ip link set DEV alias`),
 * which lives with the device in the kernel and which other tools leave
 * alone. A device without it is never pruned.
 */
#define APPLY_MARK "tapctl:apply"

#endif
