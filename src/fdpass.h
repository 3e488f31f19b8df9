/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_FDPASS_H
#define TAPCTL_FDPASS_H

/*
 * Sends @fd over the unix socket @sock as qemu-bridge-helper does: one
 * SCM_RIGHTS descriptor with a one-byte payload 0x00 (QEMU's recv_fd()
 * reads exactly that). Returns 0 or -errno; never raises SIGPIPE.
 */
int fdpass_send(int sock, int fd);

#endif
