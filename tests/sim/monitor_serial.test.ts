/**
 * `bareheap monitor --port` against a real serial device with no board: a
 * pseudo-terminal pair (tests/helpers/pty_board.py, Python's pty module)
 * whose far end plays a DeviceScript board. It writes the firmware's actual
 * stream (`bareheap start`) wrapped as a board's USB serial sends it
 * (sim/usb_wrap.ts: Jacdac frames between lines and glued into them, FE
 * escapes, FE FB markers), with known losses injected:
 *
 *   - three ~S lines replaced by FE FA (the board's "dropped logs" marker);
 *   - an unplug in the middle of a fourth ~S line: the pty pair is closed
 *     after half of that line and a new one opened at the same path (a
 *     symlink), carrying on with the next line.
 *
 * The monitor reads it through serialport at 1 Mbaud pacing, in random 1..64
 * byte chunks, and must end with the model `bareheap view` draws from the
 * clean stream, exactly four one-line gaps at the seqs lost, three FE FA
 * drop markers, one disconnect with a cut line, and a recording that
 * `bareheap view` decodes to the same model. Then: not found, busy and
 * permission denied give their messages.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { spawnSync } from "node:child_process"
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest"
import { USB_DROPPED_LOGS, USB_ESC } from "../../sim/usb_framing"
import { wrapUsb } from "../../sim/usb_wrap"
import { BAREHEAP, firmwareStream, modelSection, ROOT } from "../helpers/firmware_stream"
import { Processes } from "../helpers/processes"

const EMULATOR = join(ROOT, "tests", "helpers", "pty_board.py")
const procs = new Processes()
let dir = ""
let stream: ReturnType<typeof firmwareStream>

beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "bareheap-pty-"))
    stream = firmwareStream(dir)
})
afterEach(() => procs.killAll())
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function concat(parts: Uint8Array[]): Uint8Array {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
    let at = 0
    for (const p of parts) {
        out.set(p, at)
        at += p.length
    }
    return out
}

const seqOf = (line: string) => parseInt(line.split(" ")[1], 16)

describe("bareheap monitor on a pseudo-terminal board", () => {
    test("same model as the clean stream, exactly the injected losses, reconnects after an unplug", async () => {
        const lines = stream.lines
        const stats = lines.map((l, i) => (l.startsWith("~S ") ? i : -1)).filter(i => i >= 0)
        expect(stats.length).toBeGreaterThanOrEqual(12)
        const [dropA, dropB, unplug, dropC] = [stats[2], stats[4], stats[7], stats[10]]
        let seed = 11
        let frames = 0
        let frameDrops = 0
        const wrap = (from: number, to: number) => {
            const w = wrapUsb(lines.slice(from, to), { seed: seed++, frames: 0.4, dropFrames: 0.05 })
            frames += w.frames
            frameDrops += w.droppedFrames
            return w.bytes
        }
        const dropMark = Uint8Array.of(USB_ESC, USB_DROPPED_LOGS)
        // Half of the unplugged line: the monitor must drop it, not glue it to the next line.
        const half = new TextEncoder().encode(("> " + lines[unplug]).slice(0, 9))
        const part1 = concat([wrap(0, dropA), dropMark, wrap(dropA + 1, dropB), dropMark, wrap(dropB + 1, unplug), half])
        const part2 = concat([wrap(unplug + 1, dropC), dropMark, wrap(dropC + 1, lines.length)])
        writeFileSync(join(dir, "part1.bin"), part1)
        writeFileSync(join(dir, "part2.bin"), part2)
        const link = join(dir, "ttyBOARD")
        const raw = join(dir, "raw.bin")

        const board = procs.start("python3", [EMULATOR, link, "1000000", "7", join(dir, "part1.bin"), join(dir, "part2.bin")])
        await board.waitFor(/^open /m, 10_000)
        const monitor = procs.start(process.execPath, [BAREHEAP, "monitor", "--port", link, "--plain", "--record", raw], { cwd: ROOT })
        await board.waitFor(/^enabled/m, 60_000)

        await board.waitFor(/^done/m, 60_000).catch(e => {
            throw new Error(`${e.message}\nmonitor:\n${monitor.all.slice(-2000)}`)
        })
        // The recorder writes at line ends: once the file ends with the board's last line, the monitor has decoded everything.
        const tail = Buffer.from(part2.subarray(part2.length - 24))
        for (let t = 0; t < 400 && !readFileSync(raw).subarray(-24).equals(tail); t++) await new Promise(r => setTimeout(r, 50))
        // All bytes but the cut half line.
        expect(statSync(raw).size, monitor.all).toBe(part1.length + part2.length - half.length)
        monitor.kill("SIGINT")
        const code = await monitor.exitWithin(20_000)
        const out = monitor.out

        expect(monitor.err).toBe("")
        expect(code).toBe(0)
        expect(modelSection(out)).toBe(stream.model)
        const gaps = out.split("\n").filter(l => l.startsWith("gap: "))
        expect(gaps).toEqual(
            [dropA, dropB, unplug, dropC].map(i => expect.stringContaining(`seq 0x${seqOf(lines[i]).toString(16)}..0x${seqOf(lines[i]).toString(16)} lost (1 lines)`)),
        )
        expect(out).toMatch(/^stream: \d+ lines, .*, 4 gaps, 0 anomalies\b/m)
        expect(out).toContain(`transport: ${frames} Jacdac frames stripped, 3 dropped-output markers (FE FA)${frameDrops > 0 ? `, ${frameDrops} dropped-frame markers (FE FB)` : ""}, 1 link loss`)
        expect(out.match(/^transport: after line \d+ the board reports it dropped console output$/gm)).toHaveLength(3)
        expect(out).toMatch(/^link: after line \d+: lost .*ttyBOARD at 1000000 baud .*reconnecting, the model is kept \(a partial line of 9 characters dropped\)$/m)
        expect(out.match(/^monitor: connected to /gm)).toHaveLength(2)
        expect(out).toMatch(/^link: 1 disconnect /m)
        expect(out).toMatch(/^ {2}at \d+\.\d s: .*; back after \d+\.\d s; an unfinished line was cut$/m)
        expect(out).toContain("(stopped by the user before the end of")

        // The recording decodes to the same model, with the same four gaps.
        const view = spawnSync(process.execPath, [BAREHEAP, "view", "--allow-gaps", raw], { encoding: "utf8", cwd: ROOT })
        expect(view.stderr).toBe("")
        expect(modelSection(view.stdout)).toBe(stream.model)
        expect(view.stdout).toMatch(/^stream: \d+ lines, .*, 4 gaps, 0 anomalies\b/m)
        expect(readFileSync(raw).includes(Buffer.from(half))).toBe(false)
    }, 150_000)

    test("a port that is not there, busy, or one this user may not open: each its own message", async () => {
        const gone = procs.start(process.execPath, [BAREHEAP, "monitor", "--port", join(dir, "ttyNOTHERE")], { cwd: ROOT })
        expect(await gone.exitWithin(20_000)).toBe(2)
        expect(gone.err).toMatch(/ttyNOTHERE not found: is the board plugged in\? `bareheap monitor --list` shows the ports/)

        // A pty slave is root's, mode 0620: the unprivileged user "nobody" (no dialout, no tty group) cannot open it.
        writeFileSync(join(dir, "one.bin"), "> ~H 0 2 pico bump 20020000 8000 1000 7ff 0\r\n")
        const link = join(dir, "ttyONE")
        const board = procs.start("python3", [EMULATOR, link, "1000000", "1", join(dir, "one.bin")])
        const slave = (await board.waitFor(/^open (\S+)/m, 10_000))[1]

        // While one monitor holds the port (the board stays connected after "done"), a second is refused: busy.
        const first = procs.start(process.execPath, [BAREHEAP, "monitor", "--port", link, "--plain"], { cwd: ROOT })
        await board.waitFor(/^done/m, 20_000)
        const second = procs.start(process.execPath, [BAREHEAP, "monitor", "--port", link, "--plain"], { cwd: ROOT })
        expect(await second.exitWithin(20_000)).toBe(2)
        expect(second.err).toMatch(/ttyONE is busy: another program has it open/)
        expect(first.out).toMatch(/^line 1: stream header: board pico/m)

        const nobody = procs.start("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, BAREHEAP, "monitor", "--port", slave], {
            cwd: ROOT,
            env: { ...process.env, HOME: dir },
        })
        expect(await nobody.exitWithin(20_000)).toBe(2)
        expect(nobody.err).toMatch(/permission denied opening \/dev\/pts\/\d+\. Serial ports belong to the "dialout" group/)
    }, 60_000)
})
