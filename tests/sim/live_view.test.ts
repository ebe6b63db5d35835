// The live view (sim/live_view.ts) under a real pseudo-terminal (Python's pty module,
// tests/helpers/pty_run.py): the map appears at the terminal's width, keys work, q quits
// with the summary, and no control byte from a hostile stream reaches the screen.
import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { StreamDecoder } from "../../sim/decoder"
import { threeRegionStream } from "../helpers/region_streams"

const dir = mkdtempSync(join(tmpdir(), "bareheap-live-"))

/** Our own sequences: home, erase line/below/screen, alternate screen, cursor hide/show. Nothing else may appear. */
const OWN = /^\x1b\[(H|K|J|2J|\?1049[hl]|\?25[hl])/

/** Every escape or control byte in the raw terminal output that is not one of ours (\r \n allowed). */
function foreignControls(raw: Buffer): string[] {
    const s = raw.toString("latin1") // bytes as they reach the terminal: UTF-8 C1 is \xc2\x80-\x9f
    const bad: string[] = []
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (c === 0x1b) {
            const m = OWN.exec(s.slice(i, i + 12))
            if (m === null) bad.push(JSON.stringify(s.slice(i, i + 12)))
            else i += m[0].length - 1
        } else if ((c < 0x20 && c !== 10 && c !== 13) || c === 0x7f) bad.push(`0x${c.toString(16)}`)
        else if (c === 0xc2 && s.charCodeAt(i + 1) >= 0x80 && s.charCodeAt(i + 1) <= 0x9f) bad.push(`C1 0x${s.charCodeAt(i + 1).toString(16)}`)
    }
    return bad
}

/** Runs `bareheap view --live <fifo>` in a 100×30 pty while a writer feeds `lines` and keeps the fifo open. */
function liveRun(lines: string[], steps: [number, string, string][], repeat = false) {
    const fifo = join(dir, `in-${Math.random().toString(36).slice(2)}.fifo`)
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0)
    const data = join(dir, "data.txt")
    writeFileSync(data, lines.join("\n") + "\n")
    // exec: the writer's pid is the one to end; it holds the fifo open so the input does not end.
    // With `repeat`, the lines (a whole stream from its ~H) are written again and again: a fast, endless, valid input.
    const script = repeat ? 'exec 3>"$1"; while :; do cat "$2" >&3 || exit 0; done' : 'exec 3>"$1"; cat "$2" >&3; exec sleep 120'
    const writer = spawn("sh", ["-c", script, "sh", fifo, data], { stdio: "ignore" })
    try {
        const r = spawnSync("python3", ["tests/helpers/pty_run.py", "100", "30", JSON.stringify(steps), "60", "--", "node", "bin/bareheap.mjs", "view", "--live", fifo], {
            timeout: 90_000,
            maxBuffer: 16 << 20,
        })
        return { raw: r.stdout, text: r.stdout.toString("utf8"), status: r.stderr.toString().trim() }
    } finally {
        writer.kill()
    }
}

const HOSTILE = [
    "\x1bc\x1b]0;pwned\x07boot",
    "~H 0 2 pico buddy 20020000 8000 1000 7ff 0",
    "> \x1b]52;c;ZXZpbA==\x07 console \u009b2J \u0090dcs \x07bell \x1bc",
    "~A 1 0 100 4",
    "~A 2 4000 1000 8",
    "! panic \u202eevil\u202c \x08\x08\x7f",
    "~P 3 work",
    "~S 4 1100 6f00 1100 4000 2 2 0 0 1000",
    "~P 5 bad\x07\u0085name",
]

describe("bareheap view --live in a real terminal", () => {
    test("draws the board, the stats and the whole heap map at the terminal's width; c shows console lines; q quits with the summary", () => {
        const r = liveRun(HOSTILE, [
            [0.5, "latest events", "c"],
            [0.5, "console lines (c: events)", "q"],
        ])
        expect(r.status).toBe("exit 1") // the bad phase name is a protocol error: exit 1 after the summary
        expect(r.text).toContain("bareheap live — ")
        expect(r.text).toContain("board pico (RP2040) · allocator buddy · region 32 KiB at 0x20020000")
        expect(r.text).toMatch(/in use 4352 B · peak 4352 B · free 28416 B · largest free 16384 B · fragmentation 42% · failures 0/)
        // 100 columns − 14 = 86 cells a row; the 4 KiB block at offset 0x4000 shows as used cells.
        const rows = r.text.split(/\r?\n|\x1b\[K/).filter(l => /^ {2}0x2002[0-9a-f]{4} [#+.]+$/.test(l))
        expect(rows.length).toBeGreaterThan(2)
        expect(rows[0].length).toBe(2 + 10 + 1 + 86)
        expect(rows.join("")).toContain("#")
        expect(r.text).toContain("console lines (c: events):")
        // ANSI/OSC/C1-CSI sequences are stripped from console lines; what is left is shown escaped.
        expect(r.text).toContain(">  console  \\u0090dcs \\x07bell")
        expect(r.text).toContain("! panic \\u202eevil\\u202c \\b\\b\\x7f")
        expect(r.text).toContain("error: line 9: \"~P 5 bad\\x07\\u0085name\"")
        // After q: the screen is restored and the same summary as `bareheap view` follows.
        expect(r.text).toContain("(stopped by the user before the end of")
        expect(r.text).toContain("Raspberry Pi Pico (RP2040) memory map")
        expect(foreignControls(r.raw)).toEqual([])
    })

    test("the control-byte check itself catches a stray sequence (so the checks above can fail)", () => {
        expect(foreignControls(Buffer.from("ok\x1b[H\x1b[K"))).toEqual([])
        expect(foreignControls(Buffer.from("\x1bc"))).toHaveLength(1)
        expect(foreignControls(Buffer.from("\x1b]0;t\x07"))).toHaveLength(2)
        expect(foreignControls(Buffer.from("\u009b2J", "utf8"))).toEqual(["C1 0x9b"])
    })

    test("Ctrl-C ends the view with the same summary", () => {
        const r = liveRun(HOSTILE.slice(0, 8), [[0.3, "latest events", "\x03"]])
        expect(r.status).toBe("exit 0")
        expect(r.text).toContain("(stopped by the user before the end of")
        expect(r.text).toContain("at the end: 2 live blocks")
        expect(foreignControls(r.raw)).toEqual([])
    })

    test("an endless fast stream is redrawn at most 10 times a second", () => {
        const stream = HOSTILE.slice(1, 8).concat(Array.from({ length: 300 }, (_, i) => `~P ${(i + 5).toString(16)} p${i}`))
        const r = liveRun(stream, [[2.0, "latest events", "q"]], true)
        expect(r.status).toBe("exit 0")
        const frames = r.text.split("\x1b[H").length - 1
        // From the first frame to q: about 2 s (the marker is in the first frame), plus forced draws (start, q).
        expect(frames).toBeGreaterThan(3)
        expect(frames).toBeLessThanOrEqual(10 * 3 + 3)
        expect(r.text).toMatch(/\d{4,} lines, \d+ lines\/s/)
    })

    test("--live with the terminal as its input is a usage error (the terminal would be both data and keys)", () => {
        const r = spawnSync("python3", ["tests/helpers/pty_run.py", "100", "30", "[]", "60", "--", "node", "bin/bareheap.mjs", "view", "--live"], { timeout: 90_000 })
        expect(r.stderr.toString().trim()).toBe("exit 2")
        expect(r.stdout.toString()).toContain("error: --live reads the stream from a file or a pipe")
    })

    test("a multi-region heap gets one usage bar per region, and a map per region while rows allow", () => {
        const lines = threeRegionStream()
        const d = new StreamDecoder()
        for (const l of lines) d.push(l)
        const r = liveRun(lines, [[0.5, "latest events", "q"]])
        expect(r.status).toBe("exit 0")
        expect(r.text).toContain("allocator multi · 3 regions, 16 KiB in all from 0x20020000 · protocol v3")
        // The last frame: each region's bar with its kind and tags, the share of the region live, bytes and blocks.
        d.regions.forEach((g, i) => {
            const c = d.regionCounts[i]
            const share = ((100 * c.liveBytes) / g.size).toFixed(1).replace(".", "\\.")
            expect(r.text).toMatch(new RegExp(`region ${i} ${g.kind} ${g.tags.join(",") || "-"} +\\[#+\\.*\\] +${share} % · ${c.liveBytes} / ${g.size} B · ${c.liveBlocks} blocks`))
        })
        const screen = r.text.split(/\r*\n|\x1b\[K/).filter(l => l !== "")
        const cap = screen.lastIndexOf("region 2:")
        expect(cap).toBeGreaterThan(0)
        expect(screen[cap + 1]).toMatch(/^ {2}0x20031000 [#+.=-]+$/)
        expect(r.text).toContain("regions at the end") // the summary after q
        expect(foreignControls(r.raw)).toEqual([])
    })

    test("p pauses the screen and q quits while the input is still open", () => {
        const r = liveRun(HOSTILE.slice(0, 8), [
            [0.3, "latest events", "p"],
            [0.3, "[PAUSED]", "q"],
        ])
        expect(r.status).toBe("exit 0")
        expect(r.text).toContain("[PAUSED]")
        expect(r.text).toContain("(stopped by the user before the end of")
        expect(foreignControls(r.raw)).toEqual([])
    })
})
