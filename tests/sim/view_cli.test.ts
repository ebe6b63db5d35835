// `bareheap view` as a user runs it: through pipes, on raw USB captures, on bad input
// (issue 9 defects 4-6: escaping, output lost through a pipe, exit codes and endings).
import { spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { beforeAll, describe, expect, test } from "vitest"
import { boardById } from "../../boards/index"
import { makeHeapForBoard } from "../../src/allocators/registry"
import { runFirmware } from "../../src/firmware/firmware"
import { _simSetArch } from "../../sim/core"
import { wrapUsb } from "../../sim/usb_wrap"

const dir = mkdtempSync(join(tmpdir(), "bareheap-view-"))
let firmware: string[] = []

beforeAll(async () => {
    const board = boardById("pico")
    _simSetArch(board.archId)
    await runFirmware(board, b => makeHeapForBoard("buddy", b), { emit: l => firmware.push(l), statsEvery: 16 })
})

function file(name: string, content: string | Uint8Array): string {
    const p = join(dir, name)
    writeFileSync(p, content)
    return p
}

function view(args: string[], input?: string | Uint8Array) {
    const r = spawnSync("node", ["bin/bareheap.mjs", "view", ...args], { timeout: 60_000, input, maxBuffer: 64 << 20 })
    return { status: r.status, stdout: r.stdout.toString("utf8"), stderr: r.stderr.toString("utf8") }
}

/** A control character a terminal would act on: C0 but \n, DEL, C1 (as decoded UTF-8), lone ESC. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/

describe("bareheap view: streams, pipes, endings", () => {
    test("a raw USB serial capture (frames, escapes, drop markers) decodes like the clean log, losses reported", () => {
        const w = wrapUsb(firmware, { seed: 4, frames: 0.4, dropLogs: 0.03 })
        const raw = file("raw.bin", w.bytes)
        const r = view(["--allow-gaps", raw])
        expect(r.status, r.stderr).toBe(0)
        expect(r.stdout).toContain(`transport: ${w.frames} Jacdac frames stripped, ${w.droppedLogs} dropped-output markers (FE FA)`)
        expect(r.stdout).toMatch(new RegExp(`${w.droppedLines.length > 0 ? "[1-9]" : "0"}\\d* gaps, 0 anomalies`))
        expect(r.stdout).toContain("transport: after line")
        const strict = view([raw])
        expect(strict.status).toBe(1)
        expect(strict.stderr).toMatch(/gap: .*decode with --allow-gaps/)
    })

    test("prints as the input arrives: the header line comes out before stdin ends", async () => {
        const { spawn } = await import("node:child_process")
        const p = spawn("node", ["bin/bareheap.mjs", "view"], { stdio: ["pipe", "pipe", "pipe"] })
        let out = ""
        p.stdout.on("data", d => (out += d))
        p.stdin.write(firmware.slice(0, 5).join("\n") + "\n")
        const t0 = Date.now()
        while (!out.includes("stream header") && Date.now() - t0 < 30_000) await new Promise(r => setTimeout(r, 50))
        expect(out).toContain("line 1: stream header: board pico, allocator buddy")
        expect(out).not.toContain("memory map") // the summary waits for the end
        p.stdin.end(firmware.slice(5).join("\n") + "\n")
        const code = await new Promise(r => p.on("close", r))
        expect(code).toBe(0)
        expect(out).toContain("memory map")
    })

    test("Ctrl-C (SIGINT) while reading stdin ends with the summary of what came", async () => {
        const { spawn } = await import("node:child_process")
        const p = spawn("node", ["bin/bareheap.mjs", "view"], { stdio: ["pipe", "pipe", "pipe"] })
        let out = ""
        p.stdout.on("data", d => (out += d))
        p.stdin.write(firmware.slice(0, 40).join("\n") + "\n")
        const t0 = Date.now()
        while (!out.includes("stream header") && Date.now() - t0 < 30_000) await new Promise(r => setTimeout(r, 50))
        p.kill("SIGINT")
        const code = await new Promise(r => p.on("close", r))
        expect(code).toBe(0)
        expect(out).toContain("memory map")
        expect(out).toContain("(stopped by the user before the end of standard input)")
    })

    test("a long summary survives a slow pipe: the anomaly list at its end arrives whole", () => {
        // 2,000 frees of blocks never allocated: 2,000 streamed anomaly lines + 1,000 in the summary (> 250 KB).
        const lines = ["~H 0 2 pico buddy 20020000 8000 1000 7ff 0", ...Array.from({ length: 2000 }, (_, i) => `~F ${(i + 1).toString(16)} ${(i * 8).toString(16)} 8 4`), "~S 7d1 0 8000 0 8000 0 0 0 0 0"]
        const log = file("anomalies.log", lines.join("\n") + "\n")
        const r = spawnSync("sh", ["-c", `node bin/bareheap.mjs view "${log}" | (sleep 1; cat)`], { encoding: "utf8", timeout: 60_000, maxBuffer: 64 << 20 })
        expect(r.stdout.length).toBeGreaterThan(250_000)
        expect(r.stdout).toContain("anomaly (line 1001): unknown-block")
        expect(r.stdout).toContain("… and 1000 more anomalies (the first 1000 are listed)")
        expect(r.stdout.trimEnd().split("\n").pop()).toBe("  … and 1000 more anomalies (the first 1000 are listed)")
    })

    test("no stream header: empty input, garbage and plain text exit 1 with a message", () => {
        for (const input of ["", "hello world\nno stream here\n", new Uint8Array([0xfe, 0xfc, 1, 2, 0xfe, 0xfd, 0xff, 0x00, 0x1b, 0x63])]) {
            const r = view([], input)
            expect(r.status).toBe(1)
            expect(r.stderr).toMatch(/error: standard input: no bareheap stream found \(no ~H header line in \d+ lines\)/)
        }
    })

    test("a stream cut off with live blocks and no final ~S warns; a second file argument is a usage error", () => {
        const cut = view([], firmware.slice(0, 30).join("\n") + "\n")
        expect(cut.status, cut.stderr).toBe(0)
        expect(cut.stderr).toMatch(/warning: the stream ends with \d+ live blocks and no stats line \(~S\) after its last event: it may be cut off/)
        const two = view(["a.log", "b.log"])
        expect(two.status).toBe(2)
        expect(two.stderr).toContain('error: too many arguments: "a.log" "b.log" (at most 1)')
    })

    test("--live without a terminal writes plain lines and the summary, no escape codes", () => {
        const r = view(["--live"], firmware.join("\n") + "\n")
        expect(r.status, r.stderr).toBe(0)
        expect(r.stdout).toContain("line 1: stream header: board pico")
        expect(r.stdout).toContain("memory map")
        expect(r.stdout).not.toContain("\x1b")
    })

    test("hostile stream content never reaches the terminal raw: ESC c, OSC 0/52, C1, BEL in lines, fields and file names", () => {
        const evil = [
            "\x1bc\x1b]0;pwned\x07 boot",
            "~H 0 2 pico buddy 20020000 8000 1000 7ff 0",
            "> \x1b]52;c;ZXZpbA==\x07 console \u009b2J \u0090",
            "~A 1 0 8 4",
            "~P 2 \x07\u0085bad\x1bc" + "x".repeat(3000),
        ]
        const name = file("evil\x1b]0;title\x07.log", evil.join("\n") + "\n")
        const r = view([name])
        expect(r.status).toBe(1)
        expect(r.stderr).toMatch(/field 2 \(phase name\) must be .*got "\\x07\\u0085bad/)
        expect(r.stderr.length).toBeLessThan(2000) // a 3,000-character line is quoted to ~120
        expect(CONTROL.test(r.stdout)).toBe(false)
        expect(CONTROL.test(r.stderr)).toBe(false)
        const missing = view(["no\x1bcsuch.log"])
        expect(missing.status).toBe(2)
        expect(missing.stderr).toContain("cannot read no\\x1bcsuch.log")
        expect(CONTROL.test(missing.stderr)).toBe(false)
    })
})
