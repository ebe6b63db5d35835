#!/usr/bin/env python3
"""tests/helpers/pty_board.py: a board on a pseudo-terminal, for the monitor's serial test.

    pty_board.py <link> <baud> <seed> <part1.bin> [<part2.bin> ...]

For each part: opens a new pty pair (raw mode, as a USB CDC port is), points
the symlink <link> at its slave end (so the monitor keeps one path across a
"replug", as /dev/serial/by-id does), waits until the monitor has opened it
and sent DeviceScript's USB-bridge EnableLog frame (FE FC ... FE FD), then
writes the part's bytes in random chunks of 1..64 bytes, paced at <baud>
(10 bits a byte, 8N1), waits until the monitor has read them all (FIONREAD
on the slave end is 0) and, unless it is the last part, removes the link and
closes the pair: an unplug. After the last part it prints "done" and keeps the port open until
stdin closes or it is killed.

Prints one line per step on stdout ("open <slave>", "enabled", "sent <n>",
"closed", "done") for the test to follow. Python's standard library only.
"""
import fcntl
import os
import random
import select
import struct
import sys
import termios
import time
import tty


def wait_enable_log(master: int, timeout: float) -> bytes:
    """Reads what the monitor writes until a complete FE FC ... FE FD frame arrived."""
    got = b""
    end = time.monotonic() + timeout
    while True:
        start = got.find(b"\xfe\xfc")
        if start >= 0 and got.find(b"\xfe\xfd", start + 2) >= 0:
            return got
        left = end - time.monotonic()
        if left <= 0:
            sys.exit(f"pty_board: no EnableLog frame from the monitor within {timeout} s (got {got!r})")
        r, _, _ = select.select([master], [], [], left)
        if r:
            try:
                got += os.read(master, 256)
            except OSError:
                pass  # nobody has the slave open yet


def write_paced(master: int, data: bytes, baud: int, rnd: random.Random) -> None:
    t0 = time.monotonic()
    pos = 0
    while pos < len(data):
        n = rnd.randint(1, 64)
        chunk = data[pos : pos + n]
        while chunk:
            k = os.write(master, chunk)
            chunk = chunk[k:]
        pos += n
        ahead = t0 + pos * 10 / baud - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)


def drained(slave: int, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        waiting = struct.unpack("i", fcntl.ioctl(slave, termios.FIONREAD, b"\0\0\0\0"))[0]
        if waiting == 0:
            return
        time.sleep(0.01)
    sys.exit("pty_board: the monitor did not read everything")


def main() -> None:
    link, baud, seed, parts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    rnd = random.Random(seed)
    for i, part in enumerate(parts):
        data = open(part, "rb").read()
        master, slave = os.openpty()
        tty.setraw(slave)
        tmp = link + ".tmp"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(os.ttyname(slave), tmp)
        os.replace(tmp, link)
        print("open", os.ttyname(slave), flush=True)
        wait_enable_log(master, 60)
        print("enabled", flush=True)
        write_paced(master, data, baud, rnd)
        drained(slave, 30)
        print("sent", len(data), flush=True)
        if i < len(parts) - 1:
            # Unplugged: the device node goes away with the port (as /dev/ttyACM0 and /dev/serial/by-id/* do),
            # so a reopen cannot land on a pty number another program got meanwhile.
            os.unlink(link)
            os.close(master)
            os.close(slave)
            print("closed", flush=True)
    print("done", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
