#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Regenerates the seed corpora under fuzz/corpus/ (they are committed).

parse: hand-picked strings for each selector of parse_fuzz.c.
netlink: real rtnetlink replies, captured from the kernel inside a
throwaway network namespace that this script creates and deletes (root
needed for that part; --no-kernel skips it).

Usage: fuzz/mkseeds.py [--no-kernel]
"""
import hashlib
import os
import socket
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def save(target, data, name=None):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = name or hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def parse_seeds():
    ifnames = [b"tap0", b"tap%d", b"vm-net.1", b"x" * 15, b"x" * 16, b".", b"..",
               b"a/b", b"a:b", b"a b", b"a\tb", b"a%s", b"%d%d",
               b"e\xc3\xa9", b""]
    macs = [b"02:00:00:00:00:01", b"52:54:00:AB:cd:EF", b"01:00:5e:00:00:01",
            b"00:00:00:00:00:00", b"02:00:00:00:00:0g", b"02-00-00-00-00-01",
            b"2:0:0:0:0:1", b"random"]
    numbers = [b"0", b"1400", b"01400", b"65535", b"65536", b"4294967295",
               b"4294967296", b"-1", b"+1", b"0x10", b" 1", b"1 ", b""]
    modes = [b"bridge", b"vepa", b"private", b"passthru", b"source", b"Bridge",
             b"bridg", b""]
    for s in ifnames:
        save("parse", bytes([0]) + s)
    for s in macs:
        save("parse", bytes([1]) + s)
    for i, s in enumerate(numbers):
        save("parse", bytes([2 + 4 * (i % 8)]) + s)
    for s in modes:
        save("parse", bytes([3]) + s)


RTM_NEWLINK, RTM_GETLINK = 16, 18
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
NLM_F_DUMP = 0x300
IFLA_IFNAME, IFLA_MTU, IFLA_LINKINFO, IFLA_EXT_MASK = 3, 4, 18, 29
IFLA_INFO_KIND = 1
RTEXT_FILTER_SKIP_STATS = 8
NETLINK_EXT_ACK = 11
SOL_NETLINK = 270


def attr(t, payload):
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)


def request(sock, seq, mtype, flags, ifindex=0, attrs=b""):
    body = struct.pack("=BxHiII", 0, 0, ifindex, 0, 0) + attrs
    msg = struct.pack("=IHHII", 16 + len(body), mtype, flags, seq, 0) + body
    sock.send(msg)
    out = b""
    while True:
        chunk = sock.recv(65536)
        out += chunk
        off = 0
        done = False
        while off + 16 <= len(chunk):
            ln, t = struct.unpack_from("=IH", chunk, off)
            if t in (2, 3):  # NLMSG_ERROR, NLMSG_DONE
                done = True
            off += (ln + 3) & ~3
        if done:
            return out


def split(buf):
    off = 0
    while off + 16 <= len(buf):
        ln = struct.unpack_from("=I", buf, off)[0]
        yield buf[off:off + ln]
        off += (ln + 3) & ~3


def capture():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    s.bind((0, 0))
    skip = attr(IFLA_EXT_MASK, struct.pack("=I", RTEXT_FILTER_SKIP_STATS))
    # A dump, as link_dump() asks for it: the whole buffer (selectors
    # 0 and 4: dump_cb in text and JSON) and each message on its own.
    dump = request(s, 1, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, attrs=skip)
    save("netlink", bytes([0]) + dump)
    save("netlink", bytes([4]) + dump)
    for m in split(dump):
        save("netlink", bytes([4]) + m)
        save("netlink", bytes([1]) + m)  # get_cb
        save("netlink", bytes([6]) + m)  # echo_cb, JSON
    # An ack, and errors with and without the kernel's extack text.
    ack = request(s, 2, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex=1,
                  attrs=attr(IFLA_MTU, struct.pack("=I", 65536)))
    save("netlink", bytes([1]) + ack)
    err = request(s, 3, RTM_NEWLINK,
                  NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
                  attrs=attr(IFLA_IFNAME, b"seedtun\0") +
                  attr(IFLA_LINKINFO, attr(IFLA_INFO_KIND, b"tun\0")))
    save("netlink", bytes([2]) + err)
    nodev = request(s, 4, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK,
                    attrs=attr(IFLA_IFNAME, b"nosuchdev\0") + skip)
    save("netlink", bytes([1]) + nodev)


def reported_seeds():
    """The inputs behind the findings in fuzz/README.md, kept as seeds so
    that a plain replay (FUZZ_TIME=0) fails until they are fixed."""
    save("parse", bytes([0]) + b"a\xa0b", "reported-ifname-nbsp")
    save("parse", bytes([2]) + b"99999999999", "reported-u32-11-digits")
    save("parse", bytes([2]) + b"00000001400", "reported-u32-leading-zeros")
    # An NLMSG_NOOP claiming 4 GiB - 16 bytes: libmnl 1.0.4 takes it (as int,
    # -16) and steps 4 GiB past the buffer to the next message.
    save("netlink", bytes([0]) + struct.pack("=IHHII", 0xfffffff0, 1, 0, 0, 0)
         + b"\0" * 16, "reported-libmnl-nlmsg-len")
    for err, name in ((-0x80000000, "int-min"), (5, "positive")):
        body = struct.pack("=i", err) + struct.pack("=IHHII", 16, RTM_GETLINK, 1, 1, 0)
        save("netlink", bytes([1]) + struct.pack("=IHHII", 16 + len(body), 2, 0, 1, 0)
             + body, "reported-error-" + name)


def kernel_seeds():
    ns = "fuzzseed-%d" % os.getpid()
    setup = [
        "ip link set lo up",
        "ip tuntap add dev t0 mode tap user 1000 group 100 vnet_hdr",
        "ip link set dev t0 mtu 1400 address 02:00:00:00:00:01",
        "ip tuntap add dev t1 mode tun multi_queue pi",
        "ip link add br0 type bridge",
        "ip tuntap add dev t2 mode tap",
        "ip link set dev t2 master br0 up",
        "ip link add v0 type veth peer name v1",
        "ip link add link v0 name mvt0 type macvtap mode vepa",
    ]
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        for c in setup:
            subprocess.run(["ip", "netns", "exec", ns] + c.split(), check=True)
        subprocess.run(["ip", "netns", "exec", ns, sys.executable,
                        os.path.abspath(__file__), "--capture"], check=True)
    finally:
        subprocess.run(["ip", "netns", "del", ns])


def main():
    if "--capture" in sys.argv:
        capture()
        return
    parse_seeds()
    reported_seeds()
    if "--no-kernel" not in sys.argv:
        kernel_seeds()


if __name__ == "__main__":
    main()
