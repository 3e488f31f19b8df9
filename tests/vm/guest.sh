#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# PID 1 of the VM that tests/vm/run.sh boots, after tests/vm/init has
# switched into the host's root (read-only 9p under a tmpfs overlay).
# Mounts the guest's own /proc, /sys, /dev, tmpfs /tmp /run /var/tmp,
# the results share (9p tag "vmout", the one writable thing on the host),
# reads its job from there, puts the Debian kernel's modules at
# /lib/modules/$(uname -r), loads the ones the tests need, runs bats and
# writes its TAP and exit status to the share; then powers off.
# Never run it on a host: it mounts over /proc, /sys, /dev and /run.

set -u
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

say() { echo "tapctl-vm: $*" > /dev/console; }

off() {
	sync
	umount /run/vmout 2>/dev/null
	echo o > /proc/sysrq-trigger
	sleep 30
}

if [[ $$ -ne 1 ]]; then
	echo "guest.sh: only the VM's PID 1 runs this (see tests/vm/run.sh)" >&2
	exit 2
fi

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=000 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
exec < /dev/null > /dev/console 2>&1
mount -t tmpfs -o mode=0755 tmpfs /run || { say "cannot mount /run"; off; }
mkdir -p /run/vmout
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=none \
	vmout /run/vmout; then
	say "cannot mount the results share"
	off
fi
read -r t _ < /proc/uptime
echo "up $t" > /run/vmout/times

# TREE TAPCTL MODDIR VM_MODULES TMPFS BATS_FLAGS BATS_TEST_TIMEOUT FILES
# (run.sh writes it).
# shellcheck source=/dev/null
. /run/vmout/job || { say "no job"; off; }

fail() {
	say "$*"
	printf '1..1\nnot ok 1 - vm guest: %s\n' "$*" > /run/vmout/bats.tap
	echo 1 > /run/vmout/status
	off
}

# /tmp and /var/tmp, unless the tree is there (run.sh decides).
for d in $TMPFS; do
	mount -t tmpfs -o mode=1777 tmpfs "$d" || fail "cannot mount $d"
done
kver=$(uname -r)
if ! mkdir -p "/lib/modules/$kver" ||
	! mount --bind "$MODDIR" "/lib/modules/$kver"; then
	fail "cannot bind $MODDIR at /lib/modules/$kver"
fi
hostname tapctl-vm
ip link set lo up
for m in $VM_MODULES; do
	modprobe "$m" || fail "modprobe $m failed"
done

cd "$TREE" || fail "no $TREE"
export HOME=/root TMPDIR=/tmp TAPCTL BATS_TEST_TIMEOUT
read -r t _ < /proc/uptime
echo "bats $t" >> /run/vmout/times
say "kernel $kver; bats ${FILES[*]}"
# shellcheck disable=SC2086 # BATS_FLAGS is a list of options
bats $BATS_FLAGS "${FILES[@]}" > /run/vmout/bats.tap 2> /run/vmout/bats.err
echo $? > /run/vmout/status.tmp
dmesg > /run/vmout/dmesg 2>&1
read -r t _ < /proc/uptime
echo "done $t" >> /run/vmout/times
mv /run/vmout/status.tmp /run/vmout/status
off
