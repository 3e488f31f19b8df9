#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tunctl mode against the real thing: Debian's uml-utilities tunctl and
# tapctl's tunctl mode run over the same arguments, each in a namespace
# of its own, must print the same stdout and stderr, exit with the same
# status and leave the same devices behind. Both ways in: `tapctl
# tunctl` against `tunctl` from PATH (argv[0] "tunctl"), and a link
# named tunctl to tapctl against a link named tunctl to the real one,
# both run as ./tunctl (the usage text and getopt's messages show argv[0]).

load test_helper/common

setup() {
	common_setup
	need_cmd tunctl
	# Links in a directory that other users can reach too.
	LINKS=$(mktemp -d /tmp/tapctl-tunctl.XXXXXX)
	defer rm -rf "$LINKS"
	chmod 0755 "$LINKS"
	mkdir "$LINKS/real.d" "$LINKS/ours.d"
	ln -s "$(command -v tunctl)" "$LINKS/real.d/tunctl"
	# A copy: the tree may be where other users cannot reach (--as).
	cp "$(readlink -f "$TAPCTL")" "$LINKS/tapctl"
	ln -s ../tapctl "$LINKS/ours.d/tunctl"
}

# capture DIR PREP CMD...: in a fresh namespace of its own, runs the
# shell text PREP, then CMD; keeps CMD's stdout, stderr and status and
# the devices it left (less ifindex and MAC, which differ between any
# two namespaces) in DIR/{out,err,rc,dev}. unshare rather than ip netns:
# the namespace, and every device in it, goes when the shell ends (which
# first stops what PREP left running), and it is quicker. With TUN_MODE
# set, /dev/net/tun is a node of that mode of the run's own (in a mount
# namespace of its own too), which no other test's chmod can change.
capture() {
	local dir=$1 prep=$2
	shift 2
	mkdir -p "$dir"
	# shellcheck disable=SC2016
	unshare -n -m bash -c '
		d=$1 prep=$2
		shift 2
		if [[ -n ${TUN_MODE:-} ]]; then
			mount -t tmpfs -o mode=0755 tmpfs /dev/net &&
			mknod -m "$TUN_MODE" /dev/net/tun c 10 200 || exit
		fi
		eval "$prep"
		rc=0
		"$@" > "$d/out" 2> "$d/err" || rc=$?
		echo "$rc" > "$d/rc"
		ip -d -j link show > "$d/links"
		kill $(jobs -p) 2>/dev/null
		wait' _ "$dir" "$prep" "$@"
	jq -S '[.[] | del(.ifindex, .address, .broadcast)]' "$dir/links" > "$dir/dev"
}

# Says what differs, if anything, between DIR/real and DIR/ours.
same_results() {
	local d=$1 f ret=0
	for f in out err rc dev; do
		diff -u "$d/real/$f" "$d/ours/$f" || ret=1
	done
	return $ret
}

# The work of compare, run in a plain bash: bats traces every command
# of a test's own functions, which made this file slow.
_compare() {
	local R=$1 links=$2 prep=$3 n=$4 as=("${@:5:$4}")
	shift $((4 + n))
	capture "$R/path/real" "$prep" "${as[@]}" tunctl "$@"
	capture "$R/path/ours" "$prep" "${as[@]}" "$TAPCTL" tunctl "$@"
	same_results "$R/path" || return 1
	[[ -n $links || -s $R/path/real/err ]] || return 0
	capture "$R/link/real" "$prep" env -C "$LINKS/real.d" "${as[@]}" ./tunctl "$@"
	capture "$R/link/ours" "$prep" env -C "$LINKS/ours.d" "${as[@]}" ./tunctl "$@"
	same_results "$R/link"
}

# compare [--prep SHELL-TEXT] [--as UID [--tun MODE]] [--links] ARGS...:
# real tunctl and tapctl's tunctl mode over ARGS (run as UID, without
# capabilities, with a /dev/net/tun of MODE (default 0600), if given). The ./tunctl links run too where argv[0] shows (whenever
# something went to stderr), or with --links; for the rest the first way
# in says it all, and the suite's time is better spent on more cases.
# Leaves the results of the first way in $R.
compare() {
	local prep=true as=() links='' tun_mode=''
	while :; do
		case $1 in
		--prep) prep=$2 ;;
		--tun) tun_mode=$2 ;;
		--as) as=(setpriv --reuid="$2" --regid="$2" --clear-groups
			  --inh-caps=-all --bounding-set=-all --)
			tun_mode=${tun_mode:-0600} ;;
		--links) links=1; shift; continue ;;
		*) break ;;
		esac
		shift 2
	done
	rm -rf "$BATS_TEST_TMPDIR/cmp"
	TAPCTL=$LINKS/tapctl LINKS=$LINKS TUN_MODE=$tun_mode bash -c \
		"$(declare -f capture same_results _compare); _compare \"\$@\"" _ \
		"$BATS_TEST_TMPDIR/cmp" "$links" "$prep" ${#as[@]} "${as[@]}" "$@" >&2 ||
		fail "real tunctl and tapctl differ (diff above) for: $*"
	R=$BATS_TEST_TMPDIR/cmp/path
}

out() { cat "$R/ours/out"; }
err() { cat "$R/ours/err"; }
rc() { cat "$R/ours/rc"; }
# How ip -d shows an owner or group: its name if it has one.
id_name() { getent "$1" "$2" | cut -d: -f1 | grep . || echo "$2"; }
# jq EXPR over the devices tapctl left, less lo.
dev() { jq -r "[.[] | select(.ifname != \"lo\")] | $1" "$R/ours/dev"; }

USAGE="Create: tunctl [-b] [-u owner] [-g group] [-t device-name] [-f tun-clone-device]
Delete: tunctl -d device-name [-f tun-clone-device]

The default tun clone device is /dev/net/tun - some systems use
/dev/misc/net/tun instead

-b will result in brief output (just the device name)"

@test "tunctl: no arguments makes tap0 owned by the euid" {
	compare --links
	assert_equal "$(out)" "Set 'tap0' persistent and owned by uid 0"
	assert_equal "$(rc)" 0
	assert_equal "$(dev '.[0].linkinfo.info_data | [.type, .persist, .pi, .user] | join(" ")')" \
		"tap true false root"
}

@test "tunctl: -b prints only the name" {
	compare --links -b
	assert_equal "$(out)" "tap0"
}

@test "tunctl: -t NAME" {
	compare --links -t vm1
	assert_equal "$(out)" "Set 'vm1' persistent and owned by uid 0"
	assert_equal "$(dev '.[0].ifname')" vm1
}

@test "tunctl: -t with %d lets the kernel number it" {
	compare --prep 'ip tuntap add dev vm0 mode tap' -b -t 'vm%d'
	assert_equal "$(out)" "vm1"
	assert_equal "$(dev 'map(.ifname) | join(" ")')" "vm0 vm1"
}

@test "tunctl: -u NAME, -u NUMBER, hex and octal" {
	compare -u nobody -t t1
	assert_equal "$(out)" "Set 't1' persistent and owned by uid 65534"
	compare -u 1234 -t t1
	assert_equal "$(out)" "Set 't1' persistent and owned by uid 1234"
	compare -u 0x10 -t t1
	assert_equal "$(out)" "Set 't1' persistent and owned by uid 16"
	compare -u 010 -t t1
	assert_equal "$(out)" "Set 't1' persistent and owned by uid 8"
	compare -u '' -t t1
	assert_equal "$(out)" "Set 't1' persistent and owned by uid 0"
}

@test "tunctl: a uid past 2^31 prints negative, -1 means none" {
	compare -u 4294967294
	assert_equal "$(out)" "Set 'tap0' persistent and owned by uid -2"
	assert_equal "$(dev '.[0].linkinfo.info_data.user')" 4294967294
	# -1 is tunctl's "not given": the euid again.
	compare -u -1
	assert_equal "$(out)" "Set 'tap0' persistent and owned by uid 0"
	compare -u 99999999999999999999
	assert_equal "$(out)" "Set 'tap0' persistent and owned by uid 0"
}

@test "tunctl: -u that is neither a user nor a number" {
	compare -u no-such-user-here -t t1
	assert_equal "$(rc)" 1
	assert_equal "$(out)" ""
	assert_equal "$(err)" "'no-such-user-here' is neither a username nor a numeric uid.
$USAGE"
	assert_equal "$(dev 'length')" 0
	compare -u 12x
	assert_equal "$(rc)" 1
}

@test "tunctl: -g alone sets no owner" {
	compare -g nogroup -t g1
	assert_equal "$(out)" "Set 'g1' persistent and owned by gid 65534"
	assert_equal "$(dev '.[0].linkinfo.info_data | [.user // "none", .group] | join(" ")')" \
		"none nogroup"
	compare -g 0x20 -t g1
	assert_equal "$(out)" "Set 'g1' persistent and owned by gid 32"
	compare -g no-such-group-here
	assert_equal "$(err)" "'no-such-group-here' is neither a groupname nor a numeric group.
$USAGE"
	assert_equal "$(rc)" 1
}

@test "tunctl: -u and -g together" {
	compare --links -u 1234 -g 4321 -t ug
	assert_equal "$(out)" "Set 'ug' persistent and owned by uid 1234 gid 4321"
	assert_equal "$(dev '.[0].linkinfo.info_data | [.user, .group] | join(" ")')" \
		"$(id_name passwd 1234) $(id_name group 4321)"
}

@test "tunctl: -d of an existing device" {
	compare --links --prep 'ip tuntap add dev gone mode tap' -d gone
	assert_equal "$(out)" "Set 'gone' nonpersistent"
	assert_equal "$(rc)" 0
	assert_equal "$(dev 'length')" 0
	# -b does not shorten it.
	compare --prep 'ip tuntap add dev gone mode tap' -b -d gone
	assert_equal "$(out)" "Set 'gone' nonpersistent"
}

@test "tunctl: -d of a missing device still succeeds" {
	compare -d nothere
	assert_equal "$(out)" "Set 'nothere' nonpersistent"
	assert_equal "$(rc)" 0
	assert_equal "$(dev 'length')" 0
}

@test "tunctl: the last -t or -d wins" {
	compare --prep 'ip tuntap add dev a mode tap' -d a -t b
	assert_equal "$(out)" "Set 'b' nonpersistent"
	# a stays, b was made and dropped.
	assert_equal "$(dev 'map(.ifname) | join(" ")')" "a"
	compare --prep 'ip tuntap add dev a mode tap' -t b -d a
	assert_equal "$(out)" "Set 'a' nonpersistent"
	assert_equal "$(dev 'length')" 0
}

@test "tunctl: -h and -x are invalid options" {
	compare -h
	assert_equal "$(rc)" 1
	assert_equal "$(out)" ""
	assert_equal "$(err)" "tunctl: invalid option -- 'h'
$USAGE"
	assert_equal "$(dev 'length')" 0
	compare -x -t t1
	assert_equal "$(err)" "tunctl: invalid option -- 'x'
$USAGE"
	compare -bx
	assert_equal "$(rc)" 1
}

@test "tunctl: a missing option argument" {
	local o
	for o in -t -d -u -g -f; do
		compare -b "$o"
		assert_equal "$(rc)" 1
		assert_equal "$(err)" "tunctl: option requires an argument -- '${o#-}'
$USAGE"
		assert_equal "$(dev 'length')" 0
	done
}

@test "tunctl: an extra argument prints only the usage" {
	compare -t t1 extra
	assert_equal "$(rc)" 1
	assert_equal "$(err)" "$USAGE"
	assert_equal "$(dev 'length')" 0
	compare -- -t
	assert_equal "$(rc)" 1
	# getopt permutes: options after the word still count, and "--" ends them.
	compare extra -b
	compare -b --
	assert_equal "$(out)" "tap0"
}

@test "tunctl: -f with a bad clone device" {
	compare -f /nonexistent/tun -t t1
	assert_equal "$(rc)" 1
	assert_equal "$(err)" "Failed to open '/nonexistent/tun' : No such file or directory"
	assert_equal "$(dev 'length')" 0
	compare -f /dev/null
	assert_equal "$(err)" "TUNSETIFF: Inappropriate ioctl for device"
	compare -f /dev/net/tun -b
	assert_equal "$(out)" "tap0"
}

@test "tunctl: names longer than 15 bytes are cut" {
	compare -t abcdefghijklmnopqrstuvwxyz
	assert_equal "$(out)" "Set 'abcdefghijklmno' persistent and owned by uid 0"
	assert_equal "$(dev '.[0].ifname')" abcdefghijklmno
	compare -t 'bad/name'
	assert_equal "$(err)" "TUNSETIFF: Invalid argument"
	assert_equal "$(rc)" 1
}

@test "tunctl: -t NAME of an existing tun, bridge, or multi-queue tap" {
	compare --prep 'ip tuntap add dev X mode tun' -t X
	assert_equal "$(rc)" 1
	assert_equal "$(err)" "TUNSETIFF: Invalid argument"
	assert_equal "$(dev '.[0].linkinfo.info_data.type')" tun
	compare --prep 'ip link add X type bridge' -t X
	assert_equal "$(err)" "TUNSETIFF: Invalid argument"
	compare --prep 'ip link add X type bridge' -d X
	assert_equal "$(dev '.[0].linkinfo.info_kind')" bridge
	compare --prep 'ip tuntap add dev X mode tap multi_queue' -t X
	assert_equal "$(err)" "TUNSETIFF: Invalid argument"
}

@test "tunctl: re-running on a tap resets its features and re-owns it" {
	compare --prep 'ip tuntap add dev X mode tap vnet_hdr pi user 5 group 6' -u 7 -t X
	assert_equal "$(out)" "Set 'X' persistent and owned by uid 7"
	assert_equal "$(dev '.[0].linkinfo.info_data | [.vnet_hdr, .pi, .user, .group] | join(" ")')" \
		"false false $(id_name passwd 7) $(id_name group 6)"
}

@test "tunctl: a tap that another process holds is busy" {
	need_cmd python3
	# shellcheck disable=SC2016
	local hold='python3 -c "
import fcntl, os, signal, struct
fd = os.open(\"/dev/net/tun\", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack(\"16sH\", b\"held\", 0x1002))
signal.pause()" >/dev/null 2>&1 3>&- &
	for i in $(seq 50); do ip link show held >/dev/null 2>&1 && break; sleep 0.1; done
	ip link show held >/dev/null'
	compare --prep "$hold" -t held
	assert_equal "$(rc)" 1
	assert_equal "$(err)" "TUNSETIFF: Device or resource busy"
}

@test "tunctl: a failing TUNSETOWNER is reported as TUNSETPERSIST" {
	need_cmd unshare
	local args
	# In a user namespace that maps only root, uid 5 and gid 5 are not
	# valid ids: the kernel says EINVAL after persist is already set.
	# shellcheck disable=SC2016,SC2154
	for args in "-u 5 -t z" "-g 5 -t z"; do
		# shellcheck disable=SC2086
		run -1 --separate-stderr unshare -U -r -n bash -c \
			'"$@"; s=$?; ip -d -j link show | jq -c "[.[] | del(.ifindex, .address, .broadcast)]"; exit $s' \
			_ tunctl $args
		local real_out=$output real_err=$stderr
		# shellcheck disable=SC2086
		run -1 --separate-stderr unshare -U -r -n bash -c \
			'"$@"; s=$?; ip -d -j link show | jq -c "[.[] | del(.ifindex, .address, .broadcast)]"; exit $s' \
			_ "$TAPCTL" tunctl $args
		assert_equal "$stderr" "TUNSETPERSIST: Invalid argument"
		assert_equal "$stderr" "$real_err"
		assert_equal "$output" "$real_out"
		# Left persistent, as tunctl leaves it.
		assert_equal "$(jq -r '.[1].linkinfo.info_data.persist' <<< "$output")" true
	done
}

@test "tunctl: as a user without privilege" {
	compare --as 65534 -t t1
	assert_equal "$(err)" "Failed to open '/dev/net/tun' : Permission denied"
	assert_equal "$(rc)" 1
	compare --as 65534 --tun 0666 -t t1
	assert_equal "$(err)" "TUNSETIFF: Operation not permitted"
	assert_equal "$(dev 'length')" 0
	local taps='ip tuntap add dev mine mode tap user 65534 vnet_hdr
		    ip tuntap add dev theirs mode tap user 0'
	# Its owner may re-attach, and so reset features and re-own it.
	compare --prep "$taps" --as 65534 --tun 0666 -t mine -u 5 -g 6
	assert_equal "$(out)" "Set 'mine' persistent and owned by uid 5 gid 6"
	assert_equal "$(dev 'map(select(.ifname == "mine"))[0].linkinfo.info_data | [.vnet_hdr, .user] | join(" ")')" \
		"false $(id_name passwd 5)"
	compare --prep "$taps" --as 65534 --tun 0666 -d theirs
	assert_equal "$(err)" "TUNSETIFF: Operation not permitted"
	assert_equal "$(dev 'length')" 2
	compare --prep "$taps" --as 65534 --tun 0666 -d mine
	assert_equal "$(out)" "Set 'mine' nonpersistent"
	assert_equal "$(dev 'map(.ifname) | join(" ")')" theirs
}

@test "tunctl: a link named tunctl found in PATH prints plain tunctl" {
	local d=$LINKS
	run -1 --separate-stderr nsx env PATH="$d/ours.d:$PATH" tunctl -h
	assert_equal "$stderr" "tunctl: invalid option -- 'h'
$USAGE"
	run -1 --separate-stderr nsx env PATH="$d/real.d:$PATH" tunctl -h
	assert_equal "$stderr" "tunctl: invalid option -- 'h'
$USAGE"
	# An absolute path shows up as such, in both.
	run -1 --separate-stderr nsx "$d/ours.d/tunctl" foo
	local ours=$stderr
	run -1 --separate-stderr nsx "$d/real.d/tunctl" foo
	assert_equal "$ours" "${stderr//real.d/ours.d}"
	assert_equal "${stderr%%$'\n'*}" "Create: $d/real.d/tunctl [-b] [-u owner] [-g group] [-t device-name] [-f tun-clone-device]"
	assert_only_lo
}

@test "tunctl: -n makes a tun, -p a tap (tunctl 1.5)" {
	run -0 --separate-stderr tpc tunctl -n
	assert_output "Set 'tun0' persistent and owned by uid 0"
	assert_equal "$stderr" ""
	assert_equal "$(link_field tun0 '.linkinfo.info_data | [.type, .pi, .persist] | join(" ")')" \
		"tun false true"
	run -0 tpc tunctl -n -b -t mytun -u 5
	assert_output mytun
	assert_equal "$(link_field mytun '.linkinfo.info_data | [.type, .user] | join(" ")')" "tun $(id_name passwd 5)"
	run -0 tpc tunctl -p -t tun7
	assert_equal "$(link_field tun7 '.linkinfo.info_data.type')" tap
	# The last of -n and -p wins; a name holding "tun" alone still
	# makes a tap, as Debian's tunctl does.
	run -0 tpc tunctl -n -p -b
	assert_output tap0
	assert_equal "$(link_field tap0 '.linkinfo.info_data.type')" tap
	run -0 tpc tunctl -p -n -b -t tunx
	assert_equal "$(link_field tunx '.linkinfo.info_data.type')" tun
	# -d needs -n for a tun, as TUNSETIFF must name the right type.
	run -1 --separate-stderr tpc tunctl -d mytun
	assert_equal "$stderr" "TUNSETIFF: Invalid argument"
	run -0 tpc tunctl -n -d mytun
	assert_output "Set 'mytun' nonpersistent"
	assert_no_link mytun
	# -n re-attached to an existing tap is the kernel's EINVAL.
	run -1 --separate-stderr tpc tunctl -n -t tap0
	assert_equal "$stderr" "TUNSETIFF: Invalid argument"
	assert_equal "$(link_field tap0 '.linkinfo.info_data.type')" tap
}

@test "tunctl: --help is getopt's invalid option '-', as in tunctl" {
	compare --help
	assert_equal "$(rc)" 1
	assert_equal "$(out)" ""
	assert_equal "$(err)" "tunctl: invalid option -- '-'
$USAGE"
	compare -b --help
	assert_equal "$(rc)" 1
}

@test "tunctl: -q prints nothing, the device is made" {
	run -0 --separate-stderr tpc -q tunctl -t quiet
	assert_output ""
	assert_equal "$stderr" ""
	assert_equal "$(link_field quiet '.linkinfo.info_data.persist')" true
}

@test "tunctl: batch lines share one process and report FILE:LINE" {
	local f=$BATS_TEST_TMPDIR/batch

	printf '%s\n' 'tunctl -t b1' 'tunctl -b -t b2 -u 5' '# comment' \
		'tunctl -d b1' 'tunctl -x' 'tunctl -t b3' > "$f"
	run -1 --separate-stderr tpc -b "$f"
	assert_output "Set 'b1' persistent and owned by uid 0
b2
Set 'b1' nonpersistent"
	assert_equal "$stderr" "tapctl: $f:5: tunctl: invalid option -- 'x'"
	assert_equal "$(ip -n "$NS" -j link show | jq -r '[.[].ifname] | join(" ")')" "lo b2"
	printf '%s\n' 'tunctl -t b4 extra' 'tunctl -f /nonexistent -t b5' \
		'tunctl -u no-such-user-here' 'tunctl -t' 'tunctl -n -t b3' > "$f"
	run -1 --separate-stderr tpc --force -b "$f"
	assert_output "Set 'b3' persistent and owned by uid 0"
	assert_equal "$stderr" "tapctl: $f:1: tunctl: unexpected argument 'extra'
tapctl: $f:2: tunctl b5: Failed to open '/nonexistent' : No such file or directory
tapctl: $f:3: tunctl: 'no-such-user-here' is neither a username nor a numeric uid.
tapctl: $f:4: tunctl: option requires an argument -- 't'"
	assert_equal "$(link_field b3 '.linkinfo.info_data.type')" tun
}

@test "tunctl: refused when tapctl runs setuid root" {
	local d
	# A directory that uid 65534 can reach (the bats ones are private).
	d=$(mktemp -d /tmp/tapctl-suid.XXXXXX)
	defer rm -rf "$d"
	chmod 0755 "$d"
	cp "$(readlink -f "$TAPCTL")" "$d/tapctl"
	chmod 4755 "$d/tapctl"
	ln -s tapctl "$d/tunctl"
	nsx setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		"$d/tapctl" --version >/dev/null ||
		skip "cannot run a setuid copy of tapctl here"
	run -1 --separate-stderr nsx setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all -- "$d/tapctl" tunctl -t mine
	assert_equal "$stderr" "tapctl: tunctl: not available when tapctl runs with privilege it was given (use tapctl add/del)"
	run -1 --separate-stderr nsx setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all -- "$d/tunctl" -f /etc/shadow
	assert_equal "$stderr" "tapctl: tunctl: not available when tapctl runs with privilege it was given (use tapctl add/del)"
	assert_only_lo
}
