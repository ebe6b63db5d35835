"""tests/helpers/pty_run.py — runs a command under a real pseudo-terminal (Python's pty
module), the way a user's terminal runs it, for tests of the live view.

    python3 pty_run.py <cols> <rows> <keys-json> <timeout-s> -- <command...>

The child gets the pty as stdin, stdout and stderr (so isTTY is true and it
has a controlling terminal). Its output is read as it comes; `keys-json` is
a list of [delay_s_after_first_output_containing_marker, marker, keys] steps:
when `marker` has appeared in the output, wait `delay_s` and type `keys`.
Everything the child wrote goes to our stdout as raw bytes; the last line on
stderr is `exit <code>` (or `timeout`). Bounded: the child is killed after
`timeout-s`.
"""
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

def main() -> int:
    cols, rows, steps, timeout = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3]), float(sys.argv[4])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    out = bytearray()
    start = time.time()
    step = 0
    seen_at = None
    status = None
    while True:
        if time.time() - start > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stdout.buffer.write(out)
            sys.stderr.write("timeout\n")
            return 0
        if step < len(steps):
            delay, marker, keys = steps[step]
            if seen_at is None and marker.encode() in out:
                seen_at = time.time()
            if seen_at is not None and time.time() - seen_at >= delay:
                os.write(fd, keys.encode())
                step += 1
                seen_at = None
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                break
            out += data
        else:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
                # drain what is left
                while True:
                    r, _, _ = select.select([fd], [], [], 0.05)
                    if not r:
                        break
                    try:
                        data = os.read(fd, 65536)
                    except OSError:
                        break
                    if not data:
                        break
                    out += data
                break
    if status is None:
        _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(out)
    sys.stderr.write("exit %d\n" % (os.waitstatus_to_exitcode(status)))
    return 0

if __name__ == "__main__":
    sys.exit(main())
