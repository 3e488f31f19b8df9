/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_PRIV_H
#define TAPCTL_PRIV_H

struct ctx;

/*
 * Notes the caller's real ids and whether tapctl runs with privilege it
 * was given (setuid root or file capabilities) rather than the caller's
 * own. In that mode the environment is not trusted: it is replaced by a
 * fixed minimal one before anything reads it.
 */
void priv_init(struct ctx *ctx);

#endif
