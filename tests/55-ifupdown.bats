#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# At boot and with ifupdown: the ifupdown hooks under Debian's real ifup
# and ifdown, tapctl.service (systemd-analyze verify, and its commands run
# by hand), the tmpfiles.d entry and the example devices.conf.
#
# ifup and ifdown run inside $NS with an interfaces file and a state
# directory of the test's own, in a private mount namespace whose
# /etc/network/if-*.d are directories of the test: the host's
# /etc/network (its interfaces, its hooks, uml-utilities' among them) and
# /run/network are neither used nor touched.

load test_helper/common

TOP=$BATS_TEST_DIRNAME/..
HOOK_DIRS="if-pre-up.d if-up.d if-down.d if-post-down.d"

# The package's files are tested where it installed them when TAPCTL is
# the packaged binary; otherwise the tree's, pointed at $TAPCTL.
installed() {
	[[ $TAPCTL == /usr/sbin/tapctl ]] &&
		dpkg-query -W -f='${Status}' tapctl 2>/dev/null |
		grep -q ' installed$'
}

setup() {
	common_setup
	need_cmd ifup
	local d
	for d in $HOOK_DIRS; do
		[[ -d /etc/network/$d ]] || skip "/etc/network/$d is missing"
	done
	TAPCTL_ABS=$(readlink -f "$TAPCTL")
	HOOKS=$BATS_TEST_TMPDIR/hooks
	for d in $HOOK_DIRS; do
		mkdir -p "$HOOKS/$d"
	done
	hook_from_tree "$TAPCTL_ABS" > "$BATS_TEST_TMPDIR/hook"
	chmod 0755 "$BATS_TEST_TMPDIR/hook"
	if installed; then
		install -m 0755 /etc/network/if-pre-up.d/tapctl "$HOOKS/if-pre-up.d/tapctl"
		install -m 0755 /etc/network/if-post-down.d/tapctl "$HOOKS/if-post-down.d/tapctl"
	else
		install -m 0755 "$BATS_TEST_TMPDIR/hook" "$HOOKS/if-pre-up.d/tapctl"
		install -m 0755 "$BATS_TEST_TMPDIR/hook" "$HOOKS/if-post-down.d/tapctl"
	fi
	IFACES=$BATS_TEST_TMPDIR/interfaces
	STATE=$BATS_TEST_TMPDIR/state
	mkdir -p "$STATE"
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link set br0 mtu 1400 up
	NS_INO=$(nsx stat -L -c %i /proc/self/ns/net)
}

# A failed test may leave a mark: a later namespace may get this inode.
teardown() {
	[[ -z ${NS_INO:-} ]] || rm -f "/run/tapctl/ifupdown/$NS_INO".*
	common_teardown
}

# The hook of the tree, running tapctl $1.
hook_from_tree() {
	sed "s|@SBINDIR@/tapctl|$1|g" "$TOP/ifupdown/tapctl.in"
}

# ifupdown CMD ARGS...: ifup/ifdown -i $IFACES --state-dir $STATE ARGS
# inside $NS, with the test's hook directories.
ifupdown() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private bash -c '
		set -e
		for d in $3; do
			mount --bind "$1/$d" "/etc/network/$d"
		done
		set +e
		ns=$2
		shift 3
		exec ip netns exec "$ns" "$@"
	' _ "$HOOKS" "$NS" "$HOOK_DIRS" "$1" -i "$IFACES" --state-dir "$STATE" "${@:2}"
}

stanzas() {
	printf '%s\n' "$@" > "$IFACES"
}

# The marks of the hook for this test's namespace.
marks() {
	local f
	for f in "/run/tapctl/ifupdown/$NS_INO".*; do
		[[ ! -e $f ]] || echo "${f##*/}"
	done
}

assert_plain_tap() {
	assert_equal "$(link_field "$1" '.linkinfo.info_data | [.type, .pi, .vnet_hdr, .multi_queue, .persist] | join(" ")')" \
		"tap false false false true"
}

run_ifupdown() {
	run --separate-stderr ifupdown "$@"
}

@test "ifupdown: a tapctl stanza: ifup creates the tap as its options say, ifdown deletes it" {
	stanzas "iface tap0 inet manual" \
		"	tapctl --user 1000 --vnet-hdr --bridge br0"
	run_ifupdown ifup tap0
	assert_success
	assert_equal "$stderr" ""
	local j
	j=$(link_json tap0)
	assert_equal "$(jq -r .linkinfo.info_data.type <<<"$j")" tap
	assert_equal "$(jq -r .linkinfo.info_data.user <<<"$j")" \
		"$(getent passwd 1000 | cut -d: -f1 || echo 1000)"
	assert_equal "$(jq -r .linkinfo.info_data.vnet_hdr <<<"$j")" true
	assert_equal "$(jq -r .master <<<"$j")" br0
	assert_equal "$(jq -r .mtu <<<"$j")" 1400
	assert_equal "$(sysfs tap0 owner)" 1000
	assert_equal "$(jq -r .linkinfo.info_data.pi <<<"$j")" false
	assert_equal "$(jq -r .linkinfo.info_data.persist <<<"$j")" true
	# ifupdown's manual method brought it up, and recorded it.
	assert_equal "$(jq -r '.flags | index("UP") != null' <<<"$j")" true
	grep -qx 'tap0=tap0' "$STATE/ifstate"
	run -0 marks
	assert_output --regexp '^[0-9]+\.tap0$'

	run_ifupdown ifdown tap0
	assert_success
	assert_equal "$stderr" ""
	assert_no_link tap0
	# The bridge is not ours to touch.
	assert_equal "$(link_field br0 .linkinfo.info_kind)" bridge
	run -0 marks
	assert_output ""
}

@test "ifupdown: a tunctl_user stanza: a tap owned by USER, deleted at ifdown" {
	stanzas "iface tap1 inet manual" "	tunctl_user nobody"
	run_ifupdown ifup tap1
	assert_success
	assert_equal "$(link_field tap1 .linkinfo.info_data.type)" tap
	assert_equal "$(sysfs tap1 owner)" "$(id -u nobody)"
	# As tunctl makes it: a plain persistent tap in no bridge.
	assert_plain_tap tap1
	assert_equal "$(link_field tap1 '.master // "none"')" none
	run_ifupdown ifdown tap1
	assert_success
	assert_no_link tap1
}

@test "ifupdown: tapctl and tunctl_user in one stanza: tapctl wins" {
	stanzas "iface tap0 inet manual" "	tunctl_user nobody" \
		"	tapctl --user 1000 --multi-queue"
	run_ifupdown ifup tap0
	assert_success
	assert_equal "$(sysfs tap0 owner)" 1000
	assert_equal "$(link_field tap0 .linkinfo.info_data.multi_queue)" true
	run_ifupdown ifdown tap0
	assert_success
	assert_no_link tap0
}

@test "ifupdown: with uml-utilities' hook as well, a tunctl_user stanza gives one tap, deleted at ifdown" {
	[[ -x /etc/network/if-pre-up.d/uml-utilities ]] ||
		skip "uml-utilities' hook is not installed"
	need_cmd tunctl
	cp /etc/network/if-pre-up.d/uml-utilities "$HOOKS/if-pre-up.d/"
	stanzas "iface tap1 inet manual" "	tunctl_user nobody"
	run_ifupdown ifup tap1
	assert_success
	# tunctl re-opened tapctl's tap (run-parts: tapctl first) and said so.
	assert_output --partial "Set 'tap1' persistent and owned by uid $(id -u nobody)"
	assert_equal "$(sysfs tap1 owner)" "$(id -u nobody)"
	assert_plain_tap tap1
	run -0 marks
	assert_output --regexp '^[0-9]+\.tap1$'
	run_ifupdown ifdown tap1
	assert_success
	assert_no_link tap1
}

@test "ifupdown: a device that exists already is used as it is, and kept by ifdown" {
	run -0 tpc add tap0 --user 1001 --mtu 1300
	local idx
	idx=$(link_field tap0 .ifindex)
	stanzas "iface tap0 inet manual" \
		"	tapctl --user 1000 --vnet-hdr --bridge br0"
	run_ifupdown ifup tap0
	assert_success
	assert_equal "$stderr" "tapctl: ifupdown: tap0 exists already: using it as it is"
	assert_equal "$(link_field tap0 .ifindex)" "$idx"
	assert_equal "$(sysfs tap0 owner)" 1001
	assert_equal "$(sysfs tap0 mtu)" 1300
	assert_equal "$(link_field tap0 '.master // "none"')" none
	run -0 marks
	assert_output ""
	run_ifupdown ifdown tap0
	assert_success
	assert_equal "$(link_field tap0 .ifindex)" "$idx"
}

@test "ifupdown: a device made again by someone else between ifup and ifdown is kept" {
	stanzas "iface tap0 inet manual" "	tapctl --user 1000"
	run_ifupdown ifup tap0
	assert_success
	run -0 tpc del tap0
	# Another tap first, so that the new tap0 gets another index.
	run -0 tpc add other0
	run -0 tpc add tap0
	local idx
	idx=$(link_field tap0 .ifindex)
	run_ifupdown ifdown tap0
	assert_success
	assert_equal "$(link_field tap0 .ifindex)" "$idx"
	run -0 marks
	assert_output ""
}

@test "ifupdown: a stanza with neither option is left alone" {
	run -0 tpc add tap0
	stanzas "iface tap0 inet manual" "iface tap9 inet manual"
	run_ifupdown ifup tap9
	assert_success
	assert_no_link tap9
	run_ifupdown ifup tap0
	assert_success
	run_ifupdown ifdown tap0
	assert_success
	assert_equal "$(link_field tap0 .linkinfo.info_data.type)" tap
	run -0 marks
	assert_output ""
}

@test "ifupdown: invalid options fail ifup with tapctl's message, and make nothing" {
	stanzas "iface tap0 inet manual" "	tapctl --mtu 70000"
	run_ifupdown ifup tap0
	assert_failure
	assert_equal "${stderr_lines[0]}" \
		'tapctl: add tap0: --mtu: "70000" is out of range 68..65521'
	assert_no_link tap0
	run grep '^tap0=' "$STATE/ifstate"
	assert_output ""
	run -0 marks
	assert_output ""
}

@test "ifupdown: a link of that name that tapctl does not manage fails ifup, untouched" {
	ip -n "$NS" link add tap0 type bridge
	stanzas "iface tap0 inet manual" "	tapctl --user 1000"
	run_ifupdown ifup tap0
	assert_failure
	assert_equal "${stderr_lines[0]}" "tapctl: add tap0: a device of this name already exists"
	assert_equal "$(link_field tap0 .linkinfo.info_kind)" bridge
	run -0 marks
	assert_output ""
}

@test "ifupdown: without tapctl the hook does nothing and exits 0" {
	hook_from_tree /nonexistent/sbin/tapctl > "$BATS_TEST_TMPDIR/gone"
	chmod 0755 "$BATS_TEST_TMPDIR/gone"
	for phase in pre-up post-down; do
		IFACE=tap0 IF_TAPCTL=--up PHASE=$phase MODE=start \
			run -0 nsx "$BATS_TEST_TMPDIR/gone"
		assert_output ""
	done
	assert_no_link tap0
}

@test "ifupdown: the hook acts in pre-up and post-down only, and never for --all" {
	local phase
	for phase in up down pre-down; do
		IFACE=tap0 IF_TAPCTL=--up PHASE=$phase run -0 nsx "$BATS_TEST_TMPDIR/hook"
		assert_output ""
		assert_no_link tap0
	done
	IFACE=--all IF_TAPCTL=--up PHASE=pre-up run -0 nsx "$BATS_TEST_TMPDIR/hook"
	assert_only_lo_and_br0
}

assert_only_lo_and_br0() {
	local links
	links=$(ip -n "$NS" -j link show | jq -r '[.[].ifname] | join(" ")')
	assert_equal "$links" "lo br0"
}

@test "ifupdown: the installed hooks are the tree's, for /usr/sbin/tapctl" {
	installed || skip "tapctl is not installed from the package"
	hook_from_tree /usr/sbin/tapctl > "$BATS_TEST_TMPDIR/want"
	run -0 cmp "$BATS_TEST_TMPDIR/want" /etc/network/if-pre-up.d/tapctl
	run -0 cmp "$BATS_TEST_TMPDIR/want" /etc/network/if-post-down.d/tapctl
	run -0 stat -c %a /etc/network/if-pre-up.d/tapctl
	assert_output 755
}

# ------------------------------------------------------------------- boot

# The unit to test, and a MANPATH where its Documentation= is found.
unit_file() {
	if installed; then
		UNIT=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null ||
			echo /lib/systemd/system)/tapctl.service
		[[ -f $UNIT ]] || UNIT=/lib/systemd/system/tapctl.service
		MAN_PATH=
		return
	fi
	mkdir -p "$BATS_TEST_TMPDIR/unit" "$BATS_TEST_TMPDIR/man/man8"
	UNIT=$BATS_TEST_TMPDIR/unit/tapctl.service
	sed "s|@SBINDIR@/tapctl|$TAPCTL_ABS|g" "$TOP/systemd/tapctl.service.in" > "$UNIT"
	sed 's/@VERSION@/0.0/' "$TOP/man/tapctl.8.in" > "$BATS_TEST_TMPDIR/man/man8/tapctl.8"
	MAN_PATH=$BATS_TEST_TMPDIR/man
}

@test "boot: systemd-analyze verify finds nothing wrong with tapctl.service" {
	need_cmd systemd-analyze
	unit_file
	MANPATH=$MAN_PATH run -0 systemd-analyze verify "$UNIT"
	assert_output ""
	run -0 grep -E '^(Type|RemainAfterExit|ExecStart|ExecReload|WantedBy)=' "$UNIT"
	assert_output "Type=oneshot
RemainAfterExit=yes
ExecStart=$TAPCTL_ABS apply
ExecReload=$TAPCTL_ABS apply
WantedBy=multi-user.target"
	run -0 grep -E '^(After|Before)=' "$UNIT"
	assert_output "After=networking.service systemd-networkd.service
Before=libvirtd.service virtqemud.service"
}

@test "boot: the tmpfiles.d entry makes /run/tapctl, 0755 root root" {
	need_cmd systemd-tmpfiles
	local conf=$TOP/systemd/tapctl-tmpfiles.conf root=$BATS_TEST_TMPDIR/root
	if installed; then
		conf=/usr/lib/tmpfiles.d/tapctl.conf
	fi
	mkdir -p "$root/run"
	run -0 systemd-tmpfiles --root="$root" --create "$conf"
	run -0 stat -c '%F %a %U %G' "$root/run/tapctl"
	assert_output "directory 755 root root"
}

@test "boot: the example devices.conf declares nothing" {
	local conf=$TOP/etc/devices.conf
	if installed; then
		conf=/etc/tapctl/devices.conf
	fi
	run grep -cvE '^(#.*)?$' "$conf"
	assert_output 0
	# And the examples it gives are the options of add.
	run -0 grep -cE '^#[a-z0-9]+ --' "$conf"
	[[ $output -ge 3 ]]
	"$TAPCTL" apply --help >/dev/null 2>&1 || skip "apply not built yet"
	run -0 --separate-stderr tpc apply --dry-run "$conf"
	assert_output ""
	assert_only_lo_and_br0
}

# nsx_etc CMD...: CMD inside $NS, in a private mount namespace whose
# /etc/tapctl is $ETC_TAPCTL (an overlay on /etc makes the mount point; the
# host's /etc is never touched).
nsx_etc() {
	mkdir -p "$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/work"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private bash -c '
		set -e
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/up,workdir=$1/work" /etc
		mkdir -p /etc/tapctl
		mount --bind "$2" /etc/tapctl
		set +e
		ns=$3
		shift 3
		exec ip netns exec "$ns" "$@"
	' _ "$BATS_TEST_TMPDIR" "$ETC_TAPCTL" "$NS" "$@"
}

# The unit's CapabilityBoundingSet= as setpriv's --bounding-set.
unit_caps() {
	sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr 'A-Z ' 'a-z\n' |
		sed -n 's/^cap_/+/p' | paste -sd, -
}

@test "boot: the unit's sandbox leaves tapctl its devices and capabilities" {
	unit_file
	# Any of these makes a device allow-list (ProtectClock= implies
	# DeviceAllow=char-rtc), which would deny /dev/net/tun and /dev/tapN.
	run grep -E '^(PrivateDevices|DevicePolicy|DeviceAllow|ProtectClock|PrivateNetwork|PrivateUsers)=' "$UNIT"
	assert_output ""
	run -0 unit_caps
	local c
	for c in net_admin chown mknod sys_ptrace; do
		[[ ,$output, == *,+$c,* ]] || fail "CapabilityBoundingSet lacks CAP_${c^^}"
	done
	run -0 grep -x 'ReadWritePaths=-/run/tapctl' "$UNIT"
	run -0 grep -E '^RestrictAddressFamilies=.*AF_NETLINK' "$UNIT"
}

@test "boot: the unit's ExecStart and ExecReload, run by hand, apply /etc/tapctl/devices.conf" {
	"$TAPCTL" apply --help >/dev/null 2>&1 || skip "apply not built yet"
	unit_file
	local start reload caps
	# With the unit's capabilities only, and no new privileges, as systemd
	# would run them.
	caps=$(unit_caps)
	start="setpriv --bounding-set=-all,$caps --no-new-privs -- $(sed -n 's/^ExecStart=//p' "$UNIT")"
	reload="setpriv --bounding-set=-all,$caps --no-new-privs -- $(sed -n 's/^ExecReload=//p' "$UNIT")"
	ETC_TAPCTL=$BATS_TEST_TMPDIR/etc-tapctl
	mkdir -p "$ETC_TAPCTL"
	printf '%s\n' "# two guests" "vm0 --user 1000 --vnet-hdr --bridge br0" \
		"vm1 --tun --mtu 1280" > "$ETC_TAPCTL/devices.conf"
	# shellcheck disable=SC2086 # the unit's command line, split as systemd does
	run -0 nsx_etc $start
	assert_output $'created vm0\ncreated vm1'
	assert_equal "$(sysfs vm0 owner)" 1000
	assert_equal "$(link_field vm0 .master)" br0
	assert_equal "$(link_field vm0 .linkinfo.info_data.vnet_hdr)" true
	assert_equal "$(link_field vm1 .linkinfo.info_data.type)" tun
	assert_equal "$(sysfs vm1 mtu)" 1280
	# A reload applies the edited file: only what changed.
	local idx
	idx=$(link_field vm0 .ifindex)
	printf '%s\n' "vm0 --user 1000 --vnet-hdr --bridge br0" \
		"vm1 --tun --mtu 1400" > "$ETC_TAPCTL/devices.conf"
	# shellcheck disable=SC2086
	run -0 nsx_etc $reload
	assert_output $'unchanged vm0\nchanged vm1: mtu'
	assert_equal "$(sysfs vm1 mtu)" 1400
	assert_equal "$(link_field vm0 .ifindex)" "$idx"
	# And again: nothing left to do.
	# shellcheck disable=SC2086
	run -0 nsx_etc $reload
	assert_output $'unchanged vm0\nunchanged vm1'
	assert_equal "$(sysfs vm1 mtu)" 1400
	# Nothing outside the declarations.
	run -0 ip -n "$NS" -j link show
	assert_equal "$(jq -r '[.[].ifname] | sort | join(" ")' <<<"$output")" "br0 lo vm0 vm1"
}
