/**
 * tests/layers/protocol_budget.test.ts — the byte budget of the event stream
 * is a property of the FORMAT, so it is computed here from the encoder
 * (LoggingAllocator) rather than measured on a workload, and docs/protocol.md
 * states it once: the table between `<!-- budget:begin -->` and
 * `<!-- budget:end -->` must equal budgetTable() below, character for
 * character, so the doc cannot drift from the code. (Workload means, e.g. the
 * MCU traces' bytes per event line, are measurements: bench/RESULTS.md,
 * "Event stream".)
 *
 * Each line kind is produced twice by a real LoggingAllocator over a scripted
 * inner allocator (it returns the pointers, errors and stats it is told to):
 *   typical  the Pico's 32 KiB region, a 2-digit seq, 4-digit offsets, sizes
 *            of 2 digits (< 256 B), align 1 digit, ~S byte counts of 4 digits
 *            and call counts of 3, names of 8 characters;
 *   maximum  every field at its widest: a 13-digit seq (2^52 lines), 8-digit
 *            offsets and 32-bit values, 24-character ids, kinds and phases,
 *            raw pointers and codes printed as given below 2^52.
 * Wire bytes = characters + 3 (the device's "> " prefix and "\n"). A UART
 * at 115200 baud 8N1 carries 11,520 bytes/s, at 1 Mbaud 100,000; the device's
 * dmesg ring holds 4,096 bytes. Rates and ring counts are whole lines.
 */
import { readFileSync } from "node:fs"
import { describe, expect, test } from "vitest"
import { BlockVisitor, HeapAllocator } from "../../src/api/global_alloc"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { RegionSet } from "../../src/core/region_set"
import { HeapStats } from "../../src/core/stats"
import { LoggingAllocator } from "../../src/layers/logging"
import { PICO } from "../../boards/pico"

/** An inner allocator that returns what it is told: `next` from alloc/realloc, `error` thrown by dealloc, `st` from stats(). */
class ScriptedAllocator implements HeapAllocator {
    next = 0
    error: HeapError = null
    st = new HeapStats()
    constructor(readonly kind: string, readonly region: StaticRegion) {}
    alloc(_layout: Layout): number {
        return this.next
    }
    allocZeroed(_layout: Layout): number {
        return this.next
    }
    dealloc(_ptr: number, _layout: Layout): void {
        if (this.error !== null) throw this.error
    }
    realloc(_ptr: number, _layout: Layout, _newSize: number): number {
        return this.next
    }
    stats(): HeapStats {
        return this.st
    }
    check(): string[] {
        return []
    }
    walk(_visit: BlockVisitor): void {}
}

interface Scene {
    inner: ScriptedAllocator
    heap: LoggingAllocator
    lines: string[]
}

/** A logger over a scripted allocator, its header already emitted, the next line numbered `seq`. */
function scene(board: string, kind: string, region: StaticRegion, seq: number): Scene {
    const lines: string[] = []
    const inner = new ScriptedAllocator(kind, region)
    const heap = new LoggingAllocator(inner, board, { emit: l => lines.push(l) })
    ;(heap as unknown as { seq: number }).seq = seq
    return { inner, heap, lines }
}

const L = (size: number, align: number) => Layout.fromSizeAlign(size, align)
const PICO_REGION = () => new StaticRegion(PICO.heap.base, PICO.heap.size)
/**
 * The widest header: an 8-digit base and an 8-digit size (base + size ≤ 2^32).
 * Only its numbers are read (the logger prints them; the scripted allocator
 * never touches bytes), so it is a plain object, not a 3.75 GiB Buffer. A
 * pointer one byte below the base is the widest offset, ffffffff.
 */
const WIDE_REGION = () => ({ base: 0x10000000, size: 0xf0000000 }) as unknown as StaticRegion
const MAX_SEQ = 2 ** 52 - 1
const ID24 = "abcdefgh".repeat(3)
const MAX32 = 0xffffffff

function typical(): Scene {
    return scene("pico", "buddy", PICO_REGION(), 0x40)
}

function widest(): Scene {
    return scene(ID24, ID24, WIDE_REGION(), MAX_SEQ)
}

/** One row per line kind: how to make its typical and its longest line, and what makes the longest. */
interface Kind {
    name: string
    make: (s: Scene, max: boolean) => void
    worst: string
}

const KINDS: Kind[] = [
    {
        name: "`~H`",
        make: (s, max) => {
            s.inner.st.liveBlocks = max ? MAX32 : 0
            s.heap.start()
        },
        worst: "24-character board and allocator ids, 32-bit base, size and live count",
    },
    {
        name: "`~A` / `~Z` / `~F`",
        make: (s, max) => {
            s.inner.next = max ? 0x0fffffff : PICO.heap.base + 0x1a40
            s.heap.alloc(max ? L(0x7fffffff - 4095, 4096) : L(0x18, 4))
        },
        worst: "8-digit offset and size, align 0x1000",
    },
    {
        name: "`~R`",
        make: (s, max) => {
            s.inner.next = max ? 0x0fffffff : PICO.heap.base + 0x1c80
            s.heap.realloc(max ? 0x0ffffffe : PICO.heap.base + 0x1a40, max ? L(0x7fffffff - 4095, 4096) : L(0x18, 4), max ? 0x7fffffff - 4095 : 0x30)
        },
        worst: "two 8-digit offsets, two 8-digit sizes, align 0x1000",
    },
    {
        name: "`~X`",
        make: (s, max) => {
            s.inner.next = 0
            if (max) s.heap.realloc(0x0fffffff, L(16, 4096), 0x7fffffff - 4095)
            else s.heap.alloc(L(0x1000, 4))
        },
        worst: "a failed realloc: 8-digit size, align 0x1000, 8-digit old offset",
    },
    {
        name: "`~E`",
        make: (s, max) => {
            const ptr = max ? 2 ** 52 - 1 : PICO.heap.base + 0x1a44
            s.inner.error = new HeapError(HeapErrorCode.NotAllocated, ptr, "scripted")
            expect(() => s.heap.dealloc(ptr, L(0x18, 4))).toThrow(HeapError)
        },
        worst: "the raw pointer as given, 13 digits below 2^52",
    },
    {
        name: "`~S`",
        make: (s, max) => {
            const st = s.inner.st
            if (max) {
                st.capacity = st.free = st.inUse = st.requested = st.peakInUse = st.largestFree = MAX32
                st.liveBlocks = st.allocs = st.frees = st.reallocs = st.failures = st.peakRequest = MAX32
            } else {
                st.capacity = 0x7db0
                st.inUse = 0x1a40
                st.free = 0x6370
                st.peakInUse = 0x2000
                st.largestFree = 0x4000
                st.liveBlocks = 0x2c
                st.allocs = 0x1f4
                st.frees = 0x1c8
                st.peakRequest = 0x400
            }
            s.heap.emitStats()
        },
        worst: "nine 32-bit values: the longest line",
    },
    {
        name: "`~P`",
        make: (s, max) => s.heap.phase(max ? ID24 : "warm-up1"),
        worst: "a 24-character phase name",
    },
    {
        name: "`~O`",
        make: (s, max) => (max ? s.heap.oomHook("R", 0x7fffffff, 4096, MAX32, true) : s.heap.oomHook("A", 0x1000, 4, 1, false)),
        worst: "8-digit size and attempt, align 0x1000",
    },
    {
        name: "`~C`",
        make: (s, max) => (max ? s.heap.checkFailed(2 ** 52 - 1, 0x0fffffff) : s.heap.checkFailed(HeapErrorCode.CanaryClobbered, PICO.heap.base + 0x1a40)),
        worst: "a 13-digit code, an 8-digit offset",
    },
    {
        name: "`~L`",
        make: (s, max) => (max ? s.heap.leak(0x0fffffff, MAX32, 4096, ID24) : s.heap.leak(PICO.heap.base + 0x1a40, 0x18, 4, "sensor01")),
        worst: "8-digit offset and size, align 0x1000, a 24-character kind",
    },
    {
        name: "`~H` version 3",
        make: (s, max) => s.lines.push(multiLines(max)[0]),
        worst: "24-character board and allocator ids, 32-bit base, size and live count, 64 regions",
    },
    {
        name: "`~M`",
        make: (s, max) => s.lines.push(multiLines(max).slice(-1)[0]),
        worst: "version 3: region 0x3f of 64, 8-digit offset and size, a 24-character kind, tags up to the encoder's 149-character limit",
    },
]

/**
 * The header and table of a version-3 stream (a heap of several regions).
 * Typical: a Pico heap of two regions. Widest: 24-character ids, a 32-bit
 * live count and 64 regions, the last (0x3f, seq 0x40) with an 8-digit
 * offset and size, a 24-character kind and tags filling the encoder's
 * 149-character line limit.
 */
function multiLines(max: boolean): string[] {
    let set: RegionSet
    if (max) {
        // Plain parts like WIDE_REGION: only base and size are read, so no 3.5 GiB Buffer.
        const parts = Array.from({ length: 63 }, (_, i) => ({ base: 0x10000000 + i * 0x1000, size: 0x1000 }))
        parts.push({ base: 0x20000000, size: 0xe0000000 })
        const tags = parts.map(() => "")
        // 8 tags of 11-12 characters: the line reaches exactly 149 (8 of 24 would need 251).
        tags[63] = ["a", "b", "c", "d", "e", "f", "g", "h"].map((c, i) => c.repeat(i < 2 ? 12 : 11)).join(" ")
        set = new RegionSet(parts as unknown as StaticRegion[], tags, parts.map(() => ID24))
    } else {
        set = new RegionSet([new StaticRegion(PICO.heap.base, 0x7000), new StaticRegion(PICO.heap.base + 0x20000, 0x1000)], ["", "fast"], ["tlsf", "tlsf"])
    }
    const all: string[] = []
    const inner = new ScriptedAllocator(max ? ID24 : "multi", set)
    inner.st.liveBlocks = max ? MAX32 : 0
    new LoggingAllocator(inner, max ? ID24 : "pico", { emit: l => all.push(l) })
    return all
}

/** The line a kind's maker emits (exactly one). */
function lineOf(k: Kind, max: boolean): string {
    const s = max ? widest() : typical()
    const before = s.lines.length
    k.make(s, max)
    const made = s.lines.slice(before)
    expect(made, k.name).toHaveLength(1)
    return made[0]
}

const WIRE = 3 // "> " + "\n"
const UART_115200 = 11520 // bytes/s at 8N1
const UART_1M = 100000
const RING = 4096

/** The budget table of docs/protocol.md §8, computed. */
export function budgetTable(): string {
    const rows = [
        "| Line | Typical line | Bytes on the wire, typical / max | Lines/s at 115200 baud, typical / max | Lines/s at 1 Mbaud, typical / max | Lines in the 4 KB ring, typical | The longest line has |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for (const k of KINDS) {
        const t = lineOf(k, false)
        const tb = t.length + WIRE
        const mb = lineOf(k, true).length + WIRE
        const per = (rate: number) => `${Math.floor(rate / tb)} / ${Math.floor(rate / mb)}`
        rows.push(`| ${k.name} | \`${t}\` | ${tb} / ${mb} | ${per(UART_115200)} | ${per(UART_1M)} | ${Math.floor(RING / tb)} | ${k.worst} |`)
    }
    return rows.join("\n")
}

function docTable(): string {
    const doc = readFileSync("docs/protocol.md", "utf8")
    const m = /<!-- budget:begin -->\n([\s\S]*?)\n<!-- budget:end -->/.exec(doc)
    if (m === null) throw new Error("docs/protocol.md has no <!-- budget:begin --> … <!-- budget:end --> block")
    return m[1]
}

describe("protocol byte budget (docs/protocol.md §8)", () => {
    test("the doc's table is the one computed from the encoder", () => {
        const want = budgetTable()
        // On a mismatch the message carries the table to paste into the doc.
        expect(docTable(), "docs/protocol.md §8 budget table is stale; replace it with:\n" + want + "\n").toBe(want)
    })

    test("every line, at its longest, fits the device's 160-byte dmesg line buffer with its prefix", () => {
        for (const k of KINDS) {
            const n = lineOf(k, true).length
            expect(n, k.name).toBeLessThan(150)
            expect(n + 2, k.name).toBeLessThan(160)
        }
        // ~S is the longest event line (the invariant logging.ts states); a ~M table line
        // may reach the encoder's limit, 149 characters, which it refuses to pass (protocol_v3.test.ts).
        const longest = KINDS.filter(k => k.name !== "`~M`").map(k => ({ k: k.name, n: lineOf(k, true).length })).sort((a, b) => b.n - a.n)[0]
        expect(longest.k).toBe("`~S`")
        expect(lineOf(KINDS[KINDS.length - 1], true)).toHaveLength(149)
    })

    test("the typical lines are what the header says: 2-digit seq, offsets from the Pico's base", () => {
        expect(lineOf(KINDS[1], false)).toBe("~A 40 1a40 18 4")
        expect(lineOf(KINDS[1], true)).toBe("~A fffffffffffff ffffffff 7ffff000 1000")
    })
})
