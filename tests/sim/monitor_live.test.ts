/**
 * `bareheap monitor` on a real terminal (a 100×30 pseudo-terminal from
 * tests/helpers/pty_run.py): it draws the live view while the stream is
 * still coming (a named pipe a writer keeps open, as a serial port would
 * be), with the whole region's heap map; a hostile console line's escapes
 * never reach the terminal; q quits, and the summary follows (exit code 1:
 * the hostile line is a protocol error).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, test } from "vitest"
import { BAREHEAP, firmwareStream, ROOT } from "../helpers/firmware_stream"

const dir = mkdtempSync(join(tmpdir(), "bareheap-monitor-live-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("bareheap monitor's live view on a terminal", () => {
    test("the map appears while the stream runs, a hostile line stays escaped, q quits with the summary", () => {
        const stream = firmwareStream(dir)
        const fifo = join(dir, "board.fifo")
        execFileSync("mkfifo", [fifo])
        const data = join(dir, "data.txt")
        writeFileSync(data, "> \x1b]0;pwned\x07\x1b[2J\x1b[?1049l~hello\r\n" + stream.lines.map(l => "> " + l).join("\r\n") + "\r\n")
        // The writer keeps the pipe open after the data: the monitor is still watching when q comes.
        const writer = spawn("sh", ["-c", 'exec 3>"$1"; cat "$2" >&3; exec sleep 120', "sh", fifo, data], { stdio: "ignore" })
        try {
            const steps = [[0.5, "latest events", "q"]] // the screen drawn (map, stats, events): wait, then quit
            const r = spawnSync("python3", [join(ROOT, "tests", "helpers", "pty_run.py"), "100", "30", JSON.stringify(steps), "60", "--", process.execPath, BAREHEAP, "monitor", "--file", fifo], {
                cwd: ROOT,
                timeout: 90_000,
                maxBuffer: 16 << 20,
            })
            const text = r.stdout.toString("utf8")
            expect(r.stderr.toString().trim(), text.slice(-2000)).toBe("exit 1") // "~hello" is a protocol error
            expect(text).toContain("\x1b[?1049h") // the live view took the screen
            expect(text).toContain("bareheap live — ")
            expect(text).toMatch(/ {2}0x20020000 [.#+]+/) // the heap map's first row, at the terminal's width
            expect(text).not.toContain("\x1b]0;pwned") // the stream's title sequence never reached the terminal
            // After q: the screen is restored, then the summary `bareheap view` prints.
            const after = text.slice(text.lastIndexOf("\x1b[?1049l"))
            expect(after).toMatch(/memory map — DeviceScript program heap/)
            expect(after).toContain(`stream: ${stream.lines.length} lines, `)
            expect(after).toContain("(stopped by the user before the end of")
            expect(after).toContain("protocol errors: 1 (lines skipped)")
        } finally {
            writer.kill()
        }
    }, 120_000)
})
