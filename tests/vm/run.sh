#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run bats files under Debian's own kernel in a QEMU (TCG) VM, for the
# tests this machine's kernel cannot run (CONFIG_BRIDGE_VLAN_FILTERING).
#
#   tests/vm/run.sh [--tapctl PATH] FILE.bats...
#
# Prints the TAP of `bats` run inside the VM (plus "# vm:" notes), and
# exits with bats's status; 1 with a "not ok" line when the VM cannot be
# made or does not report (no QEMU, no kernel package, a hung guest).
#
# How: the kernel is the package linux-image-amd64 depends on (apt-get
# download, dpkg-deb -x, depmod), cached in build/vm/ and reused while the
# archive still has that version.  A tiny initramfs (static busybox and
# the virtio, 9p and overlay modules; tests/vm/init) mounts this machine's
# root filesystem, shared read-only over virtio-9p, under a tmpfs overlay
# and switches into it: the guest has the same bats, ip, bridge, jq, tree
# and tapctl at the same paths, may write anywhere, and nothing it writes
# reaches the host.  tests/vm/guest.sh, the guest's PID 1, mounts its own
# /proc /sys /dev and tmpfs /tmp /run /var/tmp, binds the Debian modules
# at /lib/modules/$(uname -r), loads the network ones, runs bats and
# writes the TAP and exit status to a second, writable 9p share (a
# directory under build/vm/), then powers off.  timeout(1) bounds it all.
#
# Environment: VM_CACHE (build/vm), VM_TIMEOUT (seconds, 600), VM_MEM (MiB,
# 1024), VM_SMP (2), BATS_FLAGS (--tap), BATS_TEST_TIMEOUT (120),
# VM_VERBOSE=1 (print the guest's console), VM_KEEP=1 (keep the run dir),
# VM_CPU (max), VM_ACCEL (tcg,thread=multi), VM_APPEND (kernel options;
# "quiet loglevel=4"), VM_KERNEL (a kernel image instead of the cached one).

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
tree=$(cd "$here/../.." && pwd -P)
cache=${VM_CACHE:-$tree/build/vm}
timeout_s=${VM_TIMEOUT:-600}
tapctl=$tree/tapctl
# Loaded in the guest (modprobe brings llc, stp, tap, ... along).
modules="bridge veth tun macvlan macvtap 8021q"
t_start=$SECONDS

note() { printf '# vm: %s\n' "$*"; }

# Nothing ran: one failed test, so that no summary can read it as a pass.
fail() {
	printf '1..1\nnot ok 1 - check-vm: %s\n' "$1"
	shift
	local l
	for l in "$@"; do printf '# %s\n' "$l"; done
	exit 1
}

while [[ $# -gt 0 ]]; do
	case $1 in
	--tapctl) tapctl=$2; shift 2 ;;
	--tapctl=*) tapctl=${1#*=}; shift ;;
	-h|--help) sed -n '4,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[[ $# -gt 0 ]] || { echo "usage: tests/vm/run.sh [--tapctl PATH] FILE.bats..." >&2; exit 2; }

files=()
for f; do
	[[ -f $f ]] || fail "no such bats file: $f"
	files+=("$(cd "$(dirname "$f")" && pwd -P)/$(basename "$f")")
done
[[ -x $tapctl ]] || fail "tapctl is not built: $tapctl"
tapctl=$(cd "$(dirname "$tapctl")" && pwd -P)/$(basename "$tapctl")
# The guest script's path goes on the kernel command line.
[[ $tree =~ ^[A-Za-z0-9_./+-]+$ ]] ||
	fail "the tree's path has characters the kernel command line cannot carry: $tree"
[[ $EUID -eq 0 ]] || fail "needs root (QEMU must read the whole root filesystem)"
for c in qemu-system-x86_64 apt-get dpkg-deb depmod modprobe busybox cpio gzip; do
	command -v "$c" >/dev/null 2>&1 ||
		fail "$c is not installed (build-aux/deps.sh installs it)"
done
if [[ ! -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then
	fail "/bin/busybox is not static (install busybox-static)"
fi

mkdir -p "$cache"

# ------------------------------------------------------------ the kernel
# "linux-image-6.1.0-57-amd64 6.1.192-3": what linux-image-amd64 depends on.
resolve_kernel() {
	apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
		sed -n 's/^Depends: \(linux-image-[^ ,]*\) (= \([^)]*\)).*/\1 \2/p' |
		head -n 1
}

# Download and extract PKG VERSION into $cache/PKG_VERSION.
fetch_kernel() {
	local tmp rc=0
	tmp=$(mktemp -d "$cache/fetch.XXXXXX")
	fetch_kernel_in "$tmp" "$@" || rc=1
	rm -rf "$tmp"
	return "$rc"
}

fetch_kernel_in() {
	local tmp=$1 pkg=$2 ver=$3 dir=$cache/$2_$3 deb kver
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root \
		"$pkg=$ver") > "$tmp/apt.log" 2>&1 || {
		sed 's/^/# /' "$tmp/apt.log"
		return 1
	}
	deb=$(echo "$tmp"/*.deb)
	[[ -f $deb ]] || return 1
	dpkg-deb -x "$deb" "$tmp/x" || return 1
	kver=$(basename "$(echo "$tmp"/x/lib/modules/*)")
	[[ -f $tmp/x/boot/vmlinuz-$kver ]] || { note "no vmlinuz-$kver in $deb"; return 1; }
	depmod -b "$tmp/x" "$kver" || return 1
	echo "$kver" > "$tmp/x/kver"
	rm -rf "$dir"
	mv "$tmp/x" "$dir"
}

kdir=
read -r kpkg kversion < <(resolve_kernel) || :
if [[ -z ${kpkg:-} && $EUID -eq 0 ]]; then
	apt-get update -q > /dev/null 2>&1 || :
	read -r kpkg kversion < <(resolve_kernel) || :
fi
if [[ -n ${kpkg:-} && -f $cache/${kpkg}_$kversion/kver ]]; then
	kdir=$cache/${kpkg}_$kversion
	note "kernel $kpkg $kversion (cached in ${kdir#"$tree"/})"
elif [[ -n ${kpkg:-} ]]; then
	t0=$SECONDS
	if ! fetch_kernel "$kpkg" "$kversion"; then
		# The archive moved on since the last apt-get update.
		note "apt-get download $kpkg=$kversion failed; apt-get update and retry"
		apt-get update -q > /dev/null 2>&1 || :
		read -r kpkg kversion < <(resolve_kernel) || :
		if [[ -z ${kpkg:-} ]] || ! fetch_kernel "$kpkg" "$kversion"; then
			kpkg=
		fi
	fi
	if [[ -n $kpkg ]]; then
		kdir=$cache/${kpkg}_$kversion
		note "kernel $kpkg $kversion downloaded and extracted in $((SECONDS - t0))s"
		# Keep one kernel: drop the ones the archive no longer has.
		for d in "$cache"/linux-image-*; do
			if [[ -d $d && $d != "$kdir" ]]; then
				rm -rf "$d" "$cache/initramfs-$(basename "$d").gz"
			fi
		done
	fi
fi
if [[ -z $kdir ]]; then
	# Offline: an older cached kernel still tests the same thing.
	for d in "$cache"/linux-image-*; do
		if [[ -f $d/kver ]]; then kdir=$d; fi
	done
	[[ -n $kdir ]] ||
		fail "cannot get Debian's kernel (apt-get download of linux-image-amd64's dependency failed)"
	note "the archive's kernel cannot be had; using the cached $(basename "$kdir")"
fi
kver=$(cat "$kdir/kver")
moddir=$kdir/lib/modules/$kver

# The ELF kernel inside the bzImage, if it has a PVH entry point: QEMU
# boots it directly, which saves decompressing it under TCG (seconds).
# Made once per cached kernel; without xz or PVH, the bzImage boots.
pvh_kernel() {
	local bz=$kdir/boot/vmlinuz-$kver off
	off=$(LC_ALL=C grep -obUaP -m 1 '\xfd7zXZ\x00' "$bz" | head -n 1 | cut -d: -f1) || :
	[[ -n $off ]] && command -v xz >/dev/null && command -v readelf >/dev/null ||
		return 1
	tail -c +"$((off + 1))" "$bz" | xz -dcq > "$kdir/vmlinux.tmp" 2>/dev/null
	# XEN_ELFNOTE_PHYS32_ENTRY
	if readelf -n "$kdir/vmlinux.tmp" 2>/dev/null | grep -q '(0x00000012)'; then
		mv "$kdir/vmlinux.tmp" "$kdir/vmlinux"
	else
		rm -f "$kdir/vmlinux.tmp"
		touch "$kdir/vmlinux.none"
		return 1
	fi
}
vmlinuz=$kdir/boot/vmlinuz-$kver
if [[ -s $kdir/vmlinux ]] || { [[ ! -e $kdir/vmlinux.none ]] && pvh_kernel; }; then
	vmlinuz=$kdir/vmlinux
fi
vmlinuz=${VM_KERNEL:-$vmlinuz}

# ------------------------------------------------------------ initramfs
initrd=$cache/initramfs-$(basename "$kdir").gz
if [[ ! -s $initrd || $here/init -nt $initrd || /bin/busybox -nt $initrd ]]; then
	ir=$(mktemp -d "$cache/initramfs.XXXXXX")
	mkdir -p "$ir/bin" "$ir/dev" "$ir/proc" "$ir/modules"
	cp /bin/busybox "$ir/bin/"
	for a in sh mount umount insmod mkdir switch_root sleep cat echo; do
		ln -s busybox "$ir/bin/$a"
	done
	install -m 0755 "$here/init" "$ir/init"
	modprobe -d "$kdir" -S "$kver" -a --show-depends \
		virtio_pci 9pnet_virtio 9p overlay |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }' > "$ir/paths" || :
	[[ -s $ir/paths ]] || { rm -rf "$ir"; fail "cannot resolve the 9p modules of $kver"; }
	while read -r p; do
		cp "$p" "$ir/modules/"
		basename "$p" >> "$ir/modules/order"
	done < "$ir/paths"
	rm "$ir/paths"
	(cd "$ir" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) > "$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$ir"
fi

# ------------------------------------------------------------------ boot
# A fresh /tmp and /var/tmp in the guest, unless what it runs lives there.
tmpfs=
for d in /tmp /var/tmp; do
	hidden=0
	for p in "$tree" "$tapctl" "${files[@]}"; do
		[[ $p == "$d"/* ]] && hidden=1
	done
	if [[ $hidden = 1 ]]; then
		note "$d is not a fresh tmpfs in the guest: the tree or tapctl is there"
	else
		tmpfs+=" $d"
	fi
done

run=$(mktemp -d "$cache/run.XXXXXX")
[[ ${VM_KEEP:-0} = 1 ]] || trap 'rm -rf "$run"' EXIT
{
	printf 'TREE=%q\n' "$tree"
	printf 'TAPCTL=%q\n' "$tapctl"
	printf 'MODDIR=%q\n' "$moddir"
	printf 'VM_MODULES=%q\n' "$modules"
	printf 'TMPFS=%q\n' "$tmpfs"
	printf 'BATS_FLAGS=%q\n' "${BATS_FLAGS:---tap}"
	printf 'BATS_TEST_TIMEOUT=%q\n' "${BATS_TEST_TIMEOUT:-120}"
	printf 'FILES=('
	printf '%q ' "${files[@]}"
	printf ')\n'
} > "$run/job"

# TCG, always by default: the development machines have a /dev/kvm, but
# nested KVM does not work there (QEMU aborts setting an MSR, or hangs),
# and a broken accelerator is not something to fall back from reliably.
accel=${VM_ACCEL:-tcg,thread=multi}
note "booting $kver (${accel%%,*}) for: ${files[*]#"$tree"/}"
t0=$SECONDS
rc=0
# In the background, so that run.sh killed (make's own timeout, ^C) stops
# the VM too: timeout(1) passes the TERM on to QEMU.
trap 'kill "$qpid" 2>/dev/null; exit 143' TERM INT HUP
timeout -k 10 "$timeout_s" qemu-system-x86_64 \
	-accel "$accel" -cpu "${VM_CPU:-max}" \
	-m "${VM_MEM:-1024}" -smp "${VM_SMP:-2}" \
	-nodefaults -no-user-config -display none -no-reboot \
	-serial "file:$run/console.log" -monitor none \
	-kernel "$vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 ${VM_APPEND:-quiet loglevel=4} tapctl_guest=$here/guest.sh" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$run,mount_tag=vmout,security_model=none" \
	> "$run/qemu.log" 2>&1 &
qpid=$!
wait "$qpid" || rc=$?
trap - TERM INT HUP
t_vm=$((SECONDS - t0))

[[ ${VM_VERBOSE:-0} = 1 ]] && sed 's/^/# console: /' "$run/console.log"
if [[ ! -f $run/status ]]; then
	why="the VM did not report a result"
	[[ $rc -eq 124 || $rc -eq 137 ]] && why="the VM did not finish in ${timeout_s}s"
	[[ -s $run/bats.tap ]] && cat "$run/bats.tap"
	mapfile -t tail < <(cat "$run/qemu.log"; tail -n 30 "$run/console.log" 2>/dev/null)
	fail "$why (qemu exit $rc)" "${tail[@]}"
fi

cat "$run/bats.tap"
if [[ -s $run/bats.err ]]; then
	sed 's/^/# stderr: /' "$run/bats.err"
fi
status=$(cat "$run/status")
# On failure, the guest kernel's last words (a WARN or an oops explains a lot).
if [[ $status != 0 && -s $run/dmesg ]]; then
	tail -n 20 "$run/dmesg" | sed 's/^/# dmesg: /'
fi
if [[ -f $run/times ]]; then
	# Guest uptimes: "up T" (PID 1 runs), "bats T", "done T".
	note "$(awk '{ t[$1] = $2 } END {
		printf "boot to bats %.1fs, bats %.1fs (guest clock)", t["bats"], t["done"] - t["bats"] }' "$run/times"); VM ${t_vm}s; total $((SECONDS - t_start))s"
fi
exit "$status"
