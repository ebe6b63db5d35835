/**
 * The malloc-lab trace pipeline on the host: the strict .rep reader (every
 * rule, with the line it names), the peak payloads of all 13 traces against
 * bench/traces/README.md, the encoder (dense slots, round trip) and the
 * MCU windows (balanced, peak ≤ 12 KiB).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { OP_ALLOC, OP_FREE, OP_REALLOC } from "../../bench/replay"
import { decodeOps, encodeTrace, loadTrace, MCU_TRACES, readTrace, TRACE_NAMES, traceDir } from "../../bench/trace/encode"
import { parseTrace, Trace, TraceError } from "../../bench/trace/rep"
import { cutWindow, MCU_ALL, MCU_WINDOWS, mcuTrace, WINDOW_PEAK, windowTrace } from "../../bench/trace/windows"

/** The TraceError parseTrace throws for `text` (fails the test if none). */
function traceError(text: string): TraceError {
    try {
        parseTrace("t", text)
    } catch (e) {
        expect(e).toBeInstanceOf(TraceError)
        return e as TraceError
    }
    throw new Error("no TraceError for:\n" + text)
}

const HEAD = "100\n3\n"

describe("parseTrace: errors name the line", () => {
    const cases: [string, string, number, RegExp][] = [
        ["missing header line", "100\n3\n", 3, /missing header line: number of ops/],
        ["malformed header", "100\nthree\n2\n1\na 0 1\nf 0\n", 2, /malformed header: number of ids.*"three"/],
        ["negative header", "100\n3\n-2\n1\n", 3, /malformed header: number of ops/],
        ["unknown op letter", HEAD + "2\n1\nx 0 4\nf 0\n", 5, /malformed op line.*"x 0 4"/],
        ["alloc without size", HEAD + "2\n1\na 0\nf 0\n", 5, /a takes 2 numbers.*"a 0"/],
        ["free with a size", HEAD + "2\n1\na 0 4\nf 0 4\n", 6, /f takes 1 number.*"f 0 4"/],
        ["blank line among ops", HEAD + "3\n1\na 0 4\n\nf 0\n", 6, /malformed op line/],
        ["non-numeric id", HEAD + "2\n1\na x 4\nf x\n", 5, /id must be a whole number/],
        ["id out of range", HEAD + "2\n1\na 3 4\nf 3\n", 5, /id 3 is outside 0..2/],
        ["fractional size", HEAD + "2\n1\na 0 1.5\nf 0\n", 5, /size must be a whole number.*"a 0 1.5"/],
        ["negative size", HEAD + "2\n1\na 0 -3\nf 0\n", 5, /size must be a whole number/],
        ["realloc size not whole", HEAD + "3\n1\na 0 4\nr 0 2e3\nf 0\n", 6, /size must be a whole number/],
        ["more ops than the header", HEAD + "2\n1\na 0 4\nf 0\na 1 4\n", 7, /header says 2 ops, the file has 3.*"a 1 4"/],
        ["fewer ops than the header", HEAD + "3\n1\na 0 4\nf 0\n", 7, /header says 3 ops, the file has 2.*ends early/],
        ["alloc of a live id", HEAD + "3\n1\na 0 4\na 0 8\nf 0\n", 6, /alloc of id 0, which is still live/],
        ["free of an unknown id", HEAD + "2\n1\na 0 4\nf 1\n", 6, /free of unknown id 1/],
        ["realloc of an unknown id", HEAD + "2\n1\nr 2 8\nf 2\n", 5, /realloc of unknown id 2/],
        ["double free", HEAD + "3\n1\na 0 4\nf 0\nf 0\n", 7, /double free of id 0/],
        ["realloc of a freed id", HEAD + "3\n1\na 0 4\nf 0\nr 0 8\n", 7, /realloc of freed id 0/],
    ]
    for (const [what, text, line, re] of cases) {
        it(what + " → line " + line, () => {
            const e = traceError(text)
            expect(e.line).toBe(line)
            expect(e.message).toMatch(new RegExp("^line " + line + ": "))
            expect(e.message).toMatch(re)
        })
    }

    it("accepts the FORMAT.txt example, CRLF line ends, a missing final newline and re-alloc of a freed id", () => {
        const t = parseTrace("ex", "20000\r\n3\r\n10\r\n1\r\na 0 512\r\na 1 128\r\nr 0 640\r\na 2 128\r\nf 1\r\nr 0 768\r\nf 0\r\nf 2\r\na 0 0\r\nf 0")
        expect(t.count).toBe(10)
        expect(t.peakPayload).toBe(640 + 128 + 128)
        expect(t.maxLive).toBe(3)
        expect(Array.from(t.kinds.slice(0, 3))).toEqual([OP_ALLOC, OP_ALLOC, OP_REALLOC])
        expect(t.kinds[9]).toBe(OP_FREE)
        expect(t.sizes[8]).toBe(0)
    })
})

/** The README's table: trace → [ids, ops, peak text in KiB]. */
function readmeTable(): Record<string, [number, number, string]> {
    const text = fs.readFileSync(path.join(traceDir(), "..", "README.md"), "utf8")
    const out: Record<string, [number, number, string]> = {}
    for (const m of text.matchAll(/^\| ([a-z0-9-]+-bal) \| (\d+) \| (\d+) \| ([\d.]+) KiB \|$/gm)) out[m[1]] = [+m[2], +m[3], m[4]]
    return out
}

describe("the 13 malloc-lab traces", () => {
    const table = readmeTable()

    it("the README lists all 13", () => {
        expect(Object.keys(table).sort()).toEqual([...TRACE_NAMES].sort())
    })

    for (const name of TRACE_NAMES) {
        it(name + ": ids, ops and peak live payload match the README", () => {
            const t = readTrace(name)
            const [ids, ops, kib] = table[name]
            expect(t.ids).toBe(ids)
            expect(t.count).toBe(ops)
            // The README prints one decimal, or none when it is .0 ("1125 KiB").
            const dec = kib.indexOf(".") < 0 ? 0 : 1
            expect((t.peakPayload / 1024).toFixed(dec)).toBe(kib)
        })
    }

    it("MCU_TRACES are the four whose peak fits 32 KiB", () => {
        const small = TRACE_NAMES.filter(n => readTrace(n).peakPayload <= 32 * 1024)
        expect([...small].sort()).toEqual([...MCU_TRACES].sort())
    })
})

/**
 * Replays an encoded trace's slot use against the original ids and returns
 * the most slots live at once: each alloc takes an empty slot, each realloc or
 * free names the slot its id holds, and sizes and kinds match op by op.
 */
function checkEncoding(t: Trace): number {
    const enc = encodeTrace(t)
    const ops = decodeOps(enc)
    expect(enc.count).toBe(t.count)
    expect(enc.peakPayload).toBe(t.peakPayload)
    const slotOf = new Map<number, number>()
    const holder = new Map<number, number>()
    let maxSlot = -1
    for (let i = 0; i < t.count; i++) {
        const op = ops[i]
        const id = t.idOf[i]
        expect(op.kind).toBe(t.kinds[i])
        expect(op.size).toBe(t.kinds[i] === OP_FREE ? 0 : t.sizes[i])
        expect(op.slot).toBeLessThan(enc.slots)
        if (op.kind === OP_ALLOC) {
            expect(holder.has(op.slot)).toBe(false)
            holder.set(op.slot, id)
            slotOf.set(id, op.slot)
        } else {
            expect(slotOf.get(id)).toBe(op.slot)
            expect(holder.get(op.slot)).toBe(id)
            if (op.kind === OP_FREE) {
                holder.delete(op.slot)
                slotOf.delete(id)
            }
        }
        maxSlot = Math.max(maxSlot, op.slot)
    }
    expect(enc.slots).toBe(maxSlot + 1)
    return enc.slots
}

describe("encodeTrace", () => {
    for (const name of ["short1-bal", "short2-bal", "coalescing-bal", "realloc2-bal", "binary2-bal", "amptjp-bal"]) {
        it(name + ": round trip, one block per slot, slots = most blocks live at once", () => {
            const t = readTrace(name)
            expect(checkEncoding(t)).toBe(t.maxLive)
        })
    }

    it("reuses the lowest free slot", () => {
        const t = parseTrace("x", "0\n4\n7\n1\na 0 1\na 1 2\na 2 3\nf 1\nf 0\na 3 4\nf 2\n")
        const slots = decodeOps(encodeTrace(t)).map(o => o.slot)
        expect(slots).toEqual([0, 1, 2, 1, 0, 0, 2])
    })

    it("loadTrace names the trace and rejects an unknown name", () => {
        expect(loadTrace("short1-bal").name).toBe("short1-bal")
        expect(() => loadTrace("nope-bal")).toThrow(/no trace "nope-bal"/)
    })
})

/** Live payload after each op and the ids live at the end, for a parsed trace. */
function balanceOf(t: Trace): { peak: number; liveAtEnd: number } {
    const size = new Map<number, number>()
    let live = 0
    let peak = 0
    for (let i = 0; i < t.count; i++) {
        const id = t.idOf[i]
        if (t.kinds[i] === OP_FREE) {
            live -= size.get(id) as number
            size.delete(id)
        } else {
            live += t.sizes[i] - (size.get(id) ?? 0)
            size.set(id, t.sizes[i])
        }
        peak = Math.max(peak, live)
    }
    return { peak, liveAtEnd: size.size }
}

describe("MCU windows", () => {
    it("are offered for the big traces, deterministically named", () => {
        expect(MCU_WINDOWS.length).toBeGreaterThanOrEqual(8)
        for (const n of MCU_WINDOWS) expect(n).toMatch(/^[a-z0-9-]+-bal-w[12]$/)
        expect(MCU_ALL).toEqual(MCU_TRACES.concat(MCU_WINDOWS))
    })

    for (const name of MCU_WINDOWS) {
        it(name + ": a valid balanced trace with peak ≤ 12 KiB", () => {
            const w = windowTrace(name)
            // Valid: the strict reader accepts its text.
            const lines = [0, w.ids, w.count, 1]
            const text = lines.join("\n") + "\n" + Array.from(w.kinds, (k, i) => (k === OP_FREE ? "f " + w.idOf[i] : (k === OP_ALLOC ? "a " : "r ") + w.idOf[i] + " " + w.sizes[i])).join("\n")
            const again = parseTrace(name, text)
            expect(again.peakPayload).toBe(w.peakPayload)
            const b = balanceOf(w)
            expect(b.liveAtEnd).toBe(0)
            expect(b.peak).toBe(w.peakPayload)
            expect(w.peakPayload).toBeLessThanOrEqual(WINDOW_PEAK)
            expect(w.count).toBeGreaterThan(40)
            const enc = mcuTrace(name)
            expect(enc.count).toBe(w.count)
            expect(enc.peakPayload).toBe(w.peakPayload)
        })
    }

    it("cutWindow drops ops on blocks born before the window and frees what is live at its end", () => {
        const t = parseTrace("x", "0\n3\n6\n1\na 0 10\na 1 20\nr 0 30\nr 1 40\nf 0\nf 1\n")
        const w = cutWindow(t, 1, 4, "x-w")
        expect(Array.from(w.kinds)).toEqual([OP_ALLOC, OP_REALLOC, OP_FREE])
        expect(Array.from(w.idOf)).toEqual([1, 1, 1])
        expect(Array.from(w.sizes)).toEqual([20, 40, 0])
        expect(w.peakPayload).toBe(40)
    })

    it("mcuTrace serves whole MCU traces and rejects other names", () => {
        expect(mcuTrace("coalescing-bal").count).toBe(14400)
        expect(() => mcuTrace("amptjp-bal")).toThrow(/no MCU trace "amptjp-bal"/)
    })
})
