/**
 * A hostile byte mix through `bareheap monitor --file -` (a pipe, streamed):
 * 10^6 lines of every malformed thing a serial line can carry — random
 * bytes, invalid UTF-8, NULs, lone CRs, broken USB framing (FE FC with no
 * end, stray FE FD, FE followed by anything, FE at a chunk's end), terminal
 * escape sequences (CSI, OSC title/clipboard injection, C1 controls),
 * 100 KB lines with no end, and "~" lines that are almost protocol lines
 * (wrong field counts, huge and uppercase hex, repeated headers, backward
 * sequence numbers) — followed by the firmware's real stream.
 *
 * The monitor must keep running through all of it (it decodes the real
 * stream at the end into the host simulator's model) with its JavaScript
 * heap capped at 32 MiB, less than the input (27 MB) would take as strings,
 * so it cannot be keeping anything per line (resident size is also sampled),
 * and never let a control byte of the stream reach its output.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, describe, expect, test } from "vitest"
import { seededRandom } from "../../sim/usb_wrap"
import { BAREHEAP, firmwareStream, modelSection, ROOT } from "../helpers/firmware_stream"
import { Processes } from "../helpers/processes"

const LINES = 1_000_000
const HEAP_CAP_MIB = 32
const procs = new Processes()
const dir = mkdtempSync(join(tmpdir(), "bareheap-hostile-"))
afterEach(() => procs.killAll())
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** One hostile line (bytes, with its line end when it has one), chosen by `rnd`. */
function hostileLine(rnd: () => number, i: number): Uint8Array {
    const enc = new TextEncoder()
    const pick = Math.floor(rnd() * 16)
    const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256))
    switch (pick) {
        case 0:
            return randomBytes(1 + Math.floor(rnd() * 80))
        case 1:
            return Uint8Array.of(0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x0a) // invalid UTF-8
        case 2:
            return enc.encode(`> \x1b]0;pwned\x07\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J\x1b[31m~A ${i} 0 4 4\x1b[0m\x9b6n\r\n`)
        case 3:
            return Uint8Array.of(0xfe, 0xfc, ...randomBytes(20)) // a frame that never ends
        case 4:
            return Uint8Array.of(0xfe, 0xfd, 0xfe, 0x00, 0xfe, 0xfe, 0xfe, 0x41, 0x0a)
        case 5:
            return enc.encode(`> ~H 0 2 pico buddy 20020000 8000 1000 7ff ${rnd() < 0.5 ? "0" : "zz"}\n`)
        case 6:
            return enc.encode(`> ~A ${(i & 0xfff).toString(16)} FFFFFFFFFFFFFFFFF 4 4\n`)
        case 7:
            return enc.encode(`~F 1 2\r`)
        case 8:
            return enc.encode(`> ~S ${Math.floor(rnd() * 99)} 0 0 0 0 0 0 0 0 0 0 0 0 0\n`)
        case 9:
            return Uint8Array.of(0x00, 0x00, 0x7f, 0x1b, 0x0d, 0x0d, 0x0a)
        case 10:
            return i % 50_000 === 10 ? enc.encode("x".repeat(100_000)) : enc.encode("plain console text\n")
        case 11:
            return enc.encode(`> ~R ${i} 0 0 0 0 0 0 0 0 0 0\n`)
        default:
            return enc.encode(`> some log line ${i} \u202e\u0000\n`)
    }
}

/** Resident memory of a process, in MiB. */
function rssMiB(pid: number): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
    return m ? Number(m[1]) / 1024 : 0
}

describe("bareheap monitor under a hostile byte mix", () => {
    test(`${LINES} malformed lines, then the real stream: still running, memory bounded, no control byte out`, async () => {
        const stream = firmwareStream(dir)
        // The JavaScript heap is capped below the input's size (as UTF-16 strings it would be twice that): a monitor
        // that kept lines, errors or events per line would die of "heap out of memory" long before the end.
        const env = { ...process.env, NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MIB}` }
        const monitor = procs.start(process.execPath, [BAREHEAP, "monitor", "--file", "-"], { cwd: ROOT, env })
        const pid = monitor.child.pid
        const stdin = monitor.child.stdin
        stdin.on("error", () => {}) // EPIPE when the monitor dies: reported below with its stderr
        const rnd = seededRandom(99)
        const samples: { lines: number; rss: number }[] = []
        let written = 0
        for (let i = 0; i < LINES; ) {
            const batch: Uint8Array[] = []
            for (let k = 0; k < 2000 && i < LINES; k++, i++) batch.push(hostileLine(rnd, i))
            const buf = Buffer.concat(batch)
            written += buf.length
            if (!stdin.write(buf)) await Promise.race([new Promise(r => stdin.once("drain", r)), monitor.exited])
            if (monitor.child.exitCode !== null || monitor.child.signalCode !== null) throw new Error(`the monitor died after ${i} lines:\n${monitor.err.slice(-3000)}`)
            if (i % 100_000 === 0) samples.push({ lines: i, rss: rssMiB(pid) })
        }
        // FE FD ends a frame the mix left open (else the deframer takes up to 1 KiB of what follows as frame), LF a line.
        stdin.end(Buffer.concat([Buffer.from([0xfe, 0xfd, 0x0a]), Buffer.from(stream.lines.map(l => "> " + l).join("\r\n") + "\r\n")]))
        const code = await monitor.exitWithin(120_000)

        // Still decoding at the end: the real stream's header restarted the model, which matches the host simulator's.
        expect(code, monitor.err.slice(-2000)).toBe(1) // protocol errors were seen
        expect(modelSection(monitor.out)).toBe(stream.model)
        expect(monitor.out).toMatch(/^protocol errors: \d+ \(lines skipped\)$/m)
        // Bounded: it got through more input than its capped heap could hold; RSS (heap cap + code + buffers) stays flat.
        expect(written).toBeGreaterThan(25_000_000)
        const peak = Math.max(...samples.map(s => s.rss))
        expect(peak, JSON.stringify(samples)).toBeLessThan(256)
        console.log(`hostile mix: ${written} bytes, heap capped at ${HEAP_CAP_MIB} MiB; monitor RSS MiB by lines written: ${JSON.stringify(samples)}`)
        // Nothing from the stream reaches the terminal unescaped: no control character but newline in the output.
        // eslint-disable-next-line no-control-regex
        expect(monitor.out + monitor.err).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u202e]/)
    }, 180_000)
})
