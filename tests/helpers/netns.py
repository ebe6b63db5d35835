#!/usr/bin/env python3
"""tests/helpers/netns.py: bring up the loopback interface of a fresh network
namespace, then run a command in it.

    unshare -n python3 netns.py <command> [args...]

`unshare -n` (util-linux, root) gives a process its own network stack, whose
loopback starts down; this sets it up (SIOCGIFFLAGS / SIOCSIFFLAGS on "lo",
what `ip link set lo up` does, without needing iproute2), prints "lo up" and
execs the command, which keeps the namespace alive. Other processes join it
with `nsenter -t <pid> -n`. The monitor's devtools test uses it because `devs
devtools` always listens on 127.0.0.1:8081-8083: in its own namespace those
ports are free whatever else runs on the machine.
"""
import fcntl
import os
import socket
import struct
import sys

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ifreq = struct.pack("16sH22x", b"lo", 0)
flags = struct.unpack("16sH22x", fcntl.ioctl(s.fileno(), SIOCGIFFLAGS, ifreq))[1]
fcntl.ioctl(s.fileno(), SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | IFF_UP))
s.close()
print("lo up", flush=True)
os.execvp(sys.argv[1], sys.argv[1:])
