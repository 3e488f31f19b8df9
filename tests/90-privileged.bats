#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Installed setuid root and run by uid 65534: /etc/tapctl/acl.conf rules,
# devices are the caller's, and the caller's environment is not trusted.

load test_helper/common

setup() {
	common_setup
	suid_tapctl
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link add br1 type bridge
	ip -n "$NS" link add veth0 type veth peer name veth1
	printf 'allow br0\nallow-link veth0\n' > "$SUID/etc-tapctl/acl.conf"
}

teardown() { common_teardown; }

owner() { nsx cat "/sys/class/net/$1/owner"; }

@test "privileged add: the device is the caller's, in a bridge acl.conf allows" {
	run -0 as_suid "$SUID/tapctl" add t0 --bridge br0
	assert_output t0
	assert_equal "$(owner t0)" 65534
	assert_equal "$(link_field t0 .master)" br0
	run -0 as_suid "$SUID/tapctl" add t1 --user 65534
	assert_equal "$(owner t1)" 65534
}

@test "privileged add: a bridge acl.conf does not allow is refused before anything changes" {
	run -1 --separate-stderr as_suid "$SUID/tapctl" add t1 --bridge br1
	assert_equal "$stderr" 'tapctl: add t1: bridge "br1": denied by /etc/tapctl/acl.conf'
	assert_no_link t1
	rm "$SUID/etc-tapctl/acl.conf"
	run -1 --separate-stderr as_suid "$SUID/tapctl" add t1 --bridge br0
	assert_equal "$stderr" 'tapctl: add t1: bridge "br0": denied: /etc/tapctl/acl.conf does not exist'
	assert_no_link t1
	# A missing policy denies bridges, not the caller's own plain tap.
	run -0 as_suid "$SUID/tapctl" add t2
	assert_equal "$(owner t2)" 65534
}

@test "privileged add: only the caller's own uid and groups" {
	run -1 --separate-stderr as_suid "$SUID/tapctl" add t0 --user 0
	assert_equal "$stderr" 'tapctl: add t0: permission denied: --user: only your own uid 65534'
	run -1 --separate-stderr as_suid "$SUID/tapctl" add t0 --group 0
	assert_equal "$stderr" 'tapctl: add t0: permission denied: --group: you are not in group 0'
	assert_no_link t0
}

@test "privileged add --macvtap: the lower link needs allow-link" {
	ip -n "$NS" link set veth0 up
	run -0 as_suid "$SUID/tapctl" add m0 --macvtap veth0
	assert_equal "$(link_field m0 .linkinfo.info_kind)" macvtap
	run -0 tpc -j list m0
	assert_equal "$(jq -r '.[0].owner' <<<"$output")" 65534
	printf 'allow-link all\ndeny-link veth0\n' > "$SUID/etc-tapctl/acl.conf"
	run -1 --separate-stderr as_suid "$SUID/tapctl" add m1 --macvtap veth0
	assert_equal "$stderr" 'tapctl: add m1: link "veth0": denied by /etc/tapctl/acl.conf'
	assert_no_link m1
	run -0 as_suid "$SUID/tapctl" del m0
	assert_no_link m0
}

@test "privileged set and del: only the caller's devices" {
	run -0 tpc add r0
	run -0 tpc add u0 --user 65534
	run -1 --separate-stderr as_suid "$SUID/tapctl" del r0
	assert_equal "$stderr" 'tapctl: del r0: permission denied: the device is not owned by uid 65534'
	run -1 --separate-stderr as_suid "$SUID/tapctl" set r0 --mtu 1400
	assert_equal "$stderr" 'tapctl: set r0: permission denied: the device is not owned by uid 65534'
	assert_equal "$(link_field r0 .mtu)" 1500
	run -0 as_suid "$SUID/tapctl" set u0 --mtu 1400 --bridge br0
	assert_equal "$(link_field u0 .mtu)" 1400
	assert_equal "$(link_field u0 .master)" br0
	run -1 as_suid "$SUID/tapctl" set u0 --bridge br1
	assert_equal "$(link_field u0 .master)" br0
	run -1 as_suid "$SUID/tapctl" set u0 --user 0
	assert_equal "$(owner u0)" 65534
	run -0 as_suid "$SUID/tapctl" del u0
	assert_no_link u0
	assert_equal "$(owner r0)" -1
}

@test "privileged: -n is refused, list works" {
	run -0 tpc add r0
	run -1 --separate-stderr as_suid "$SUID/tapctl" -n "$NS" list
	assert_equal "$stderr" 'tapctl: --netns: not available to unprivileged users'
	run -0 as_suid "$SUID/tapctl" list
	assert_line --regexp '^r0 +tap '
}

@test "privileged exec: PROGRAM runs as the caller, with no capabilities" {
	run -0 tpc add e0 --user 65534
	# shellcheck disable=SC2016 # expanded by the child's shell
	run -0 as_suid "$SUID/tapctl" exec e0 -- /bin/sh -c 'id -u; grep ^CapEff /proc/self/status; echo "$TAPCTL_IFNAME"'
	assert_line --index 0 65534
	assert_line --index 1 --regexp '^CapEff:[[:space:]]+0+$'
	assert_line --index 2 e0
	run -125 as_suid "$SUID/tapctl" exec --setuid 0 e0 -- /bin/true
	run -0 tpc add r0
	run -125 as_suid "$SUID/tapctl" exec r0 -- /bin/true
}

@test "privileged: VLAN options and --no-isolated are refused, --isolated is not" {
	ip -n "$NS" link set br0 up
	run -1 --separate-stderr as_suid "$SUID/tapctl" add t0 --bridge br0 --pvid 20
	assert_equal "$stderr" "tapctl: add t0: --pvid: only root may change a bridge port's VLANs or lift its isolation"
	assert_no_link t0
	run -0 as_suid "$SUID/tapctl" add t0 --bridge br0 --isolated
	assert_equal "$(link_field t0 .linkinfo.info_slave_data.isolated)" true
	run -1 --separate-stderr as_suid "$SUID/tapctl" set t0 --no-isolated
	assert_equal "$stderr" "tapctl: set t0: --no-isolated: only root may change a bridge port's VLANs or lift its isolation"
	run -1 --separate-stderr as_suid "$SUID/tapctl" set t0 --novlan
	assert_equal "$stderr" "tapctl: set t0: --novlan: only root may change a bridge port's VLANs or lift its isolation"
	assert_equal "$(link_field t0 .linkinfo.info_slave_data.isolated)" true
}
