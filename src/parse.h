/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPCTL_PARSE_H
#define TAPCTL_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Pure validators. Each returns 0 or -EINVAL, and on failure points
 * *why at a static English reason suitable after "OPTION: "VALUE" ".
 */
int parse_ifname(const char *s, bool allow_template, const char **why);
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int parse_mac(const char *s, uint8_t mac[6], const char **why);
int parse_user(const char *s, uid_t *uid);
int parse_group(const char *s, gid_t *gid);
int parse_macvtap_mode(const char *s, uint32_t *mode);
const char *parse_macvtap_mode_name(uint32_t mode);
void parse_format_mac(const uint8_t mac[6], char buf[18]);
/* A locally administered unicast address from the kernel's random pool. */
int parse_random_mac(uint8_t mac[6]);

#define PARSE_MODES "bridge, vepa, private, passthru, source"

#endif
