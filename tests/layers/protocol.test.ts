/**
 * tests/layers/protocol.test.ts — the allocation event stream (docs/protocol.md):
 * the encoder (src/layers/logging.ts LoggingAllocator), the strict host decoder and
 * its shadow heap model (sim/decoder.ts), and round trips over real allocators
 * where the decoded model must equal the allocator's live blocks after every
 * operation.
 */
import * as ds from "@devicescript/core"
import { describe, expect, test } from "vitest"
import { BuddyAllocator } from "../../src/allocators/buddy"
import { BumpAllocator } from "../../src/allocators/bump"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { BlockVisitor, HeapAllocator, checkNewSize } from "../../src/api/global_alloc"
import { Layout, LayoutError } from "../../src/core/layout"
import { hex } from "../../src/core/hex"
import { EventKind, LoggingAllocator, MASK_ALL, MASK_QUIET } from "../../src/layers/logging"
import { OomHookAllocator } from "../../src/layers/oom_hook"
import { StaticRegion } from "../../src/core/region"
import { HeapStats } from "../../src/core/stats"
import { AnomalyKind, ProtocolError, StreamDecoder, stripTransport } from "../../sim/decoder"
import { streamCost } from "../../bench/stream"

// ---------------------------------------------------------------------------
// A test-only allocator: fixed 64-byte slots, sizes kept in a side buffer
// (0 = free, else size + 1). Same behaviour as the throwaway allocator that was
// run in the DeviceScript VM to produce VM_OUTPUT below. realloc shrinks in
// place and grows by moving to another slot, so both realloc shapes occur.
// ---------------------------------------------------------------------------
class SlotAllocator implements HeapAllocator {
    readonly kind = "slots"
    readonly region: StaticRegion
    private sizes: ds.Buffer
    private n: number
    protected st = new HeapStats()
    constructor(region: StaticRegion) {
        this.region = region
        this.n = Math.floor(region.size / 64)
        this.sizes = ds.Buffer.alloc(this.n * 4)
        this.st.capacity = this.n * 64
        this.st.free = this.st.capacity
    }
    alloc(layout: Layout): number {
        if (layout.size > this.st.peakRequest) this.st.peakRequest = layout.size
        if (layout.size > 64 || layout.align > 64) {
            this.st.failures++
            return 0
        }
        for (let i = 0; i < this.n; i++) {
            if (this.sizes.getAt(i * 4, "u32") === 0) {
                this.sizes.setAt(i * 4, "u32", layout.size + 1)
                this.st.allocs++
                this.st.liveBlocks++
                this.st.inUse += 64
                this.st.free -= 64
                this.st.requested += layout.size
                if (this.st.inUse > this.st.peakInUse) this.st.peakInUse = this.st.inUse
                return this.region.base + i * 64
            }
        }
        this.st.failures++
        return 0
    }
    allocZeroed(layout: Layout): number {
        const p = this.alloc(layout)
        if (p !== 0) this.region.fill(p, 64, 0)
        return p
    }
    private slot(ptr: number, layout: Layout): number {
        if (!this.region.contains(ptr, 1)) throw new HeapError(HeapErrorCode.OutOfRegion, ptr, "outside")
        const off = ptr - this.region.base
        if ((off & 63) !== 0) throw new HeapError(HeapErrorCode.Misaligned, ptr, "not a slot start")
        const i = off >> 6
        const s = this.sizes.getAt(i * 4, "u32")
        if (s === 0) throw new HeapError(HeapErrorCode.DoubleFree, ptr, "slot is free")
        if (s !== layout.size + 1) throw new HeapError(HeapErrorCode.WrongLayout, ptr, "size differs")
        return i
    }
    dealloc(ptr: number, layout: Layout): void {
        const i = this.slot(ptr, layout)
        this.sizes.setAt(i * 4, "u32", 0)
        this.st.frees++
        this.st.liveBlocks--
        this.st.inUse -= 64
        this.st.free += 64
        this.st.requested -= layout.size
    }
    realloc(ptr: number, layout: Layout, newSize: number): number {
        checkNewSize(newSize, layout.align)
        const i = this.slot(ptr, layout)
        if (newSize > this.st.peakRequest) this.st.peakRequest = newSize
        if (newSize > 64) {
            this.st.failures++
            return 0
        }
        this.st.reallocs++
        if (newSize <= layout.size) {
            this.sizes.setAt(i * 4, "u32", newSize + 1)
            this.st.requested += newSize - layout.size
            return ptr
        }
        const q = this.alloc(Layout.fromSizeAlign(newSize, layout.align))
        if (q === 0) return 0
        this.region.copy(q, ptr, layout.size)
        this.st.allocs--
        this.dealloc(ptr, layout)
        this.st.frees--
        return q
    }
    stats(): HeapStats {
        const s = this.st.copy()
        s.largestFree = s.free > 0 ? 64 : 0
        s.minFree = s.capacity - s.peakInUse
        return s
    }
    check(): string[] {
        return this.stats().problems()
    }
    walk(visit: BlockVisitor): void {
        for (let i = 0; i < this.n; i++) visit(this.region.base + i * 64, 64, this.sizes.getAt(i * 4, "u32") !== 0)
    }
}

/** Slots whose stats report the largest 32-bit values (to measure the longest ~S line). */
class HugeStatsSlots extends SlotAllocator {
    override stats(): HeapStats {
        const s = new HeapStats()
        s.capacity = s.free = s.inUse = s.requested = s.peakInUse = s.largestFree = 0xffffffff
        s.liveBlocks = s.allocs = s.frees = s.reallocs = s.failures = s.peakRequest = 0xffffffff
        return s
    }
}

const BASE = 0x20020000

function slots(size = 1024, base = BASE): SlotAllocator {
    return new SlotAllocator(new StaticRegion(base, size))
}

/** A LoggingAllocator over inner whose lines go into the returned array. */
function logged(inner: HeapAllocator, options: { mask?: number; statsEvery?: number; header?: boolean } = {}) {
    const lines: string[] = []
    const heap = new LoggingAllocator(inner, "pico", { ...options, emit: l => lines.push(l) })
    return { heap, lines }
}

function decode(lines: string[], allowGaps = false): StreamDecoder {
    const d = new StreamDecoder({ allowGaps })
    lines.forEach((l, i) => d.push(l, i + 1))
    return d
}

/** The ProtocolError that decoding `lines` throws (fails the test if none). */
function protocolError(lines: string[], allowGaps = false): ProtocolError {
    try {
        decode(lines, allowGaps)
    } catch (e) {
        if (e instanceof ProtocolError) return e
        throw e
    }
    throw new Error("expected a ProtocolError for:\n" + lines.join("\n"))
}

/** What f threw (null if nothing). */
function thrownBy(f: () => unknown): unknown {
    try {
        f()
    } catch (e) {
        return e
    }
    return null
}

const HDR = "~H 0 2 pico slots 20020000 400 1000 7ff 0"
const HDR_V1 = "~H 0 1 pico slots 20020000 400 1000 ff 0"
const L = (size: number, align: number) => Layout.fromSizeAlign(size, align)

// ---------------------------------------------------------------------------
describe("hex: the encoder's digits", () => {
    test("same text as Number.toString(16) at every digit-count boundary, above 2^31 and 2^32", () => {
        const vals = [0, 1, 9, 10, 15, 0xdeadbeef, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 2 ** 52 - 1]
        for (let k = 1; k <= 9; k++) vals.push(16 ** k - 1, 16 ** k, 16 ** k + 1)
        for (const v of vals) expect(hex(v)).toBe(v.toString(16))
        for (const bad of [-1, 1.5, NaN]) expect(hex(bad)).toBe("?" + bad)
        const rnd = prng(5)
        for (let i = 0; i < 2000; i++) {
            const v = Math.floor(rnd() * 2 ** (1 + (i % 32)))
            expect(hex(v)).toBe(v.toString(16))
        }
    })
})

describe("encoder: LoggingAllocator lines", () => {
    test("header, every event kind, exact text", () => {
        const { heap, lines } = logged(slots())
        heap.phase("boxes")
        const a = heap.alloc(L(12, 4))
        const z = heap.allocZeroed(L(0, 1))
        const a2 = heap.realloc(a, L(12, 4), 8) // shrink: in place
        const a3 = heap.realloc(a2, L(8, 4), 40) // grow: moves
        expect(heap.alloc(L(100, 4))).toBe(0)
        expect(heap.allocZeroed(L(8, 128))).toBe(0)
        expect(heap.realloc(a3, L(40, 4), 100)).toBe(0)
        heap.oomHook("A", 100, 4, 1, false) // as an OomHookAllocator below would report it
        heap.checkFailed(HeapErrorCode.CanaryClobbered, a3) // as a DebugAllocator would
        heap.leak(a3, 40, 4, "vec") // a leak report of two blocks, as a TrackingAllocator would
        heap.leak(z, 0, 1, "raw")
        heap.dealloc(a3, L(40, 4))
        heap.dealloc(z, L(0, 1))
        heap.emitStats()
        expect(lines).toEqual([
            HDR,
            "~P 1 boxes",
            "~A 2 0 c 4",
            "~Z 3 40 0 1",
            "~R 4 0 0 c 8 4",
            "~R 5 0 80 8 28 4",
            "~X 6 A 64 4",
            "~X 7 Z 8 80",
            "~X 8 R 64 4 80",
            "~O 9 A 64 4 1 0",
            "~C a 8 80",
            "~L b 80 28 4 vec",
            "~L c 40 0 1 raw",
            "~F d 80 28 4",
            "~F e 40 0 1",
            "~S f 0 400 c0 40 0 2 2 3 64",
        ])
        const d = decode(lines)
        expect(d.anomalies.map(a => a.message)).toEqual(["line 11 (seq 0xa): debug check failed: canary-clobbered (code 8) at 0x20020080"])
        expect(d.resizes).toEqual({ growInPlace: 0, growMoved: 1, shrinkInPlace: 1, shrinkMoved: 0, sameSize: 0 })
        expect(d.ooms).toMatchObject([{ type: "oom", op: "alloc", size: 100, align: 4, attempt: 1, retry: false }])
        expect(d.checks).toMatchObject([{ type: "check", code: 8, name: "canary-clobbered", ptr: BASE + 0x80 }])
        expect(d.leakReport).toMatchObject({ seq: 0xb, byKind: [{ kind: "raw", blocks: 1, bytes: 0 }, { kind: "vec", blocks: 1, bytes: 40 }] })
        expect(d.leakReport.entries.map(e => e.ptr)).toEqual([BASE + 0x80, BASE + 0x40])
        expect(d.blocks()).toEqual([])
        expect(d.counts).toMatchObject({ allocs: 1, zeroed: 1, deallocs: 2, reallocsInPlace: 1, reallocsMoved: 1, failures: 3, peakLiveBytes: 40 })
        expect(d.counts).toMatchObject({ oomCalls: 1, oomRequests: 1, oomRecovered: 0, checkFailures: 1, maxRequest: 100 })
        expect(d.phases.map(p => p.name)).toEqual(["boxes"])
        expect(d.stats).toMatchObject({ inUse: 0, free: 0x400, peak: 0xc0, largestFree: 0x40, live: 0, allocs: 2, frees: 2, failures: 3, peakRequest: 100 })
    })

    test("pointers are offsets from the base, and a pointer below the base (a broken allocator) still reaches the host", () => {
        class Below extends SlotAllocator {
            override alloc(layout: Layout): number {
                return super.alloc(layout) === 0 ? 0 : this.region.base - 16
            }
        }
        const { heap, lines } = logged(new Below(new StaticRegion(BASE, 1024)))
        heap.alloc(L(4, 4))
        expect(lines[1]).toBe("~A 1 fffffff0 4 4") // BASE − 16 + 2^32
        const d = decode(lines)
        expect(d.anomalies.map(a => [a.kind, a.ptr])).toEqual([["outside-region", BASE - 16]])
    })

    test("forwards kind, region, stats, check and walk to the inner allocator", () => {
        const inner = slots()
        const { heap } = logged(inner)
        const p = heap.alloc(L(4, 4))
        expect(heap.kind).toBe("slots")
        expect(heap.region).toBe(inner.region)
        expect(heap.stats()).toEqual(inner.stats())
        expect(heap.check()).toEqual([])
        const used: number[] = []
        heap.walk((ptr, _s, u) => u && used.push(ptr))
        expect(used).toEqual([p])
    })

    test("a misuse is emitted as ~E and the same HeapError reaches the caller; the heap is untouched", () => {
        const { heap, lines } = logged(slots())
        const p = heap.alloc(L(16, 8))
        heap.dealloc(p, L(16, 8))
        const before = heap.stats()
        let caught: unknown = null
        try {
            heap.dealloc(p, L(16, 8))
        } catch (e) {
            caught = e
        }
        expect(caught).toBeInstanceOf(HeapError)
        expect((caught as HeapError).code).toBe(HeapErrorCode.DoubleFree)
        expect(() => heap.realloc(BASE + 3, L(4, 1), 8)).toThrow(/misaligned/)
        expect(() => heap.dealloc(0xffffffff, L(4, 1))).toThrow(/out-of-region/)
        expect(heap.stats()).toEqual(before)
        expect(lines.slice(3)).toEqual(["~E 3 4 20020000 F", "~E 4 2 20020003 R", "~E 5 1 ffffffff F"])
        const d = decode(lines)
        expect(d.anomalies.map(a => a.kind)).toEqual(["misuse", "misuse", "misuse"])
        expect(d.anomalies[0].message).toMatch(/double-free \(code 4\) at 0x20020000 during dealloc/)
        expect(d.counts.errors).toBe(3)
    })

    test("a LayoutError passes through without a line", () => {
        const { heap, lines } = logged(slots())
        const p = heap.alloc(L(4, 4))
        expect(() => heap.realloc(p, L(4, 4), -1)).toThrow(LayoutError)
        expect(() => heap.realloc(p, L(4, 4), 1.5)).toThrow(LayoutError)
        expect(lines.length).toBe(2)
    })

    test("mask: only failures and stats; seq stays contiguous and the header announces the mask", () => {
        const { heap, lines } = logged(slots(), { mask: EventKind.Fail | EventKind.Stats, statsEvery: 3 })
        const a = heap.alloc(L(8, 8))
        heap.alloc(L(200, 8)) // fails
        heap.dealloc(a, L(8, 8)) // third call: ~S
        heap.phase("masked-out")
        expect(() => heap.dealloc(a, L(8, 8))).toThrow(HeapError) // ~E masked out
        expect(lines).toEqual(["~H 0 2 pico slots 20020000 400 1000 50 0", "~X 1 A c8 8", "~S 2 0 400 40 40 0 1 1 1 c8"])
        const d = decode(lines)
        expect(d.modelled).toBe(false)
        expect(d.events).toBe(3)
        expect(d.counts.failures).toBe(1)
    })

    test("MASK_QUIET keeps failures, errors, stats, phases, OOM hook calls and check failures; MASK_ALL everything", () => {
        expect(MASK_QUIET).toBe(EventKind.Fail | EventKind.Error | EventKind.Stats | EventKind.Phase | EventKind.Oom | EventKind.Check)
        expect(MASK_ALL).toBe(0x7ff)
        expect([EventKind.Oom, EventKind.Check, EventKind.Leak]).toEqual([0x100, 0x200, 0x400])
        const { heap, lines } = logged(slots(), { mask: MASK_QUIET })
        const p = heap.alloc(L(8, 8))
        heap.phase("quiet")
        expect(() => heap.dealloc(p, L(9, 8))).toThrow(HeapError)
        heap.oomHook("Z", 8, 8, 2, true)
        heap.checkFailed(HeapErrorCode.WriteAfterFree, p)
        heap.leak(p, 8, 8, "box") // a leak report is one line per block: not in the quiet stream
        expect(lines).toEqual(["~H 0 2 pico slots 20020000 400 1000 3f0 0", "~P 1 quiet", "~E 2 5 20020000 F", "~O 3 Z 8 8 2 1", "~C 4 9 0"])
        const d = decode(lines)
        expect(d.anomalies.map(a => a.kind)).toEqual(["misuse", "check-failed"])
        expect(d.anomalies[1].message).toMatch(/write-after-free \(code 9\) at 0x20020000/)
    })

    test("each new kind has its own mask bit: masked out, it takes no seq", () => {
        for (const [bit, letter] of [
            [EventKind.Oom, "O"],
            [EventKind.Check, "C"],
            [EventKind.Leak, "L"],
        ] as [number, string][]) {
            const { heap, lines } = logged(slots(), { mask: bit | EventKind.Phase })
            heap.oomHook("R", 0x7fffffff, 4096, 3, true)
            heap.checkFailed(HeapErrorCode.CanaryClobbered, 0xfffffffc)
            heap.leak(0xfffffff0, 16, 16, "string")
            heap.phase("end")
            expect(lines.map(l => l.slice(0, 4))).toEqual(["~H 0", `~${letter} 1`, "~P 2"])
            expect(decode(lines).events).toBe(3)
        }
    })

    test("oomHook, checkFailed and leak: exact lines; bad op or leak kind is HeapError(BadArgument), nothing emitted", () => {
        const { heap, lines } = logged(slots())
        heap.oomHook("R", 0x100, 8, 1, true)
        heap.checkFailed(HeapErrorCode.WriteAfterFree, BASE + 0x40)
        heap.checkFailed(-1, 1.5) // values a hex field cannot carry are printed as 0
        heap.leak(BASE, 0xc, 4, "a-z_0-9" + "x".repeat(17))
        for (const [f, re] of [
            [() => heap.oomHook("F", 8, 8, 1, false), /OOM hook op 'F' must be A, Z or R/],
            [() => heap.leak(BASE, 4, 4, "Box"), /leak kind 'Box'/],
            [() => heap.leak(BASE, 4, 4, ""), /leak kind ''/],
            [() => heap.leak(BASE, 4, 4, "k".repeat(25)), /1\.\.24/],
        ] as [() => void, RegExp][]) {
            const e = thrownBy(f)
            expect(e).toBeInstanceOf(HeapError)
            expect((e as HeapError).code).toBe(HeapErrorCode.BadArgument)
            expect((e as Error).message).toMatch(re)
        }
        expect(lines.slice(1)).toEqual(["~O 1 R 100 8 1 1", "~C 2 9 40", "~C 3 0 dffe0000", "~L 4 0 c 4 a-z_0-9xxxxxxxxxxxxxxxxx"])
        expect(heap.nextSeq()).toBe(5)
    })

    test("statsEvery counts allocator calls, including failed, thrown and masked ones", () => {
        const { heap, lines } = logged(slots(), { mask: EventKind.Stats, statsEvery: 2 })
        const p = heap.alloc(L(4, 4))
        expect(lines.length).toBe(1)
        heap.alloc(L(1000, 4)) // 2nd call (fails) -> ~S 1
        expect(() => heap.dealloc(p + 1, L(4, 4))).toThrow(HeapError) // 3rd
        expect(() => heap.realloc(p, L(4, 4), -5)).toThrow(LayoutError) // 4th -> ~S 2
        heap.dealloc(p, L(4, 4)) // 5th
        expect(lines).toEqual(["~H 0 2 pico slots 20020000 400 1000 40 0", "~S 1 40 3c0 40 40 1 1 0 1 3e8", "~S 2 40 3c0 40 40 1 1 0 1 3e8"])
        expect(heap.nextSeq()).toBe(3)
    })

    test("statsEvery 0 never emits stats by itself; emitStats() does", () => {
        const { heap, lines } = logged(slots())
        for (let i = 0; i < 10; i++) heap.dealloc(heap.alloc(L(4, 4)), L(4, 4))
        expect(lines.filter(l => l.startsWith("~S"))).toEqual([])
        heap.emitStats()
        expect(lines[lines.length - 1]).toBe("~S 15 0 400 40 40 0 a a 0 4")
    })

    test("header: false is silent until start(); the header counts blocks already live", () => {
        const { heap, lines } = logged(slots(), { header: false })
        const p = heap.alloc(L(4, 4))
        heap.phase("early")
        heap.emitStats()
        expect(lines).toEqual([])
        expect(heap.nextSeq()).toBe(0)
        heap.start()
        heap.dealloc(p, L(4, 4))
        expect(lines).toEqual(["~H 0 2 pico slots 20020000 400 1000 7ff 1", "~F 1 0 4 4"])
        const d = decode(lines)
        expect(d.synced).toBe(false) // it cannot know the block freed at seq 1
        expect(d.anomalies).toEqual([])
    })

    test("start() again restarts the stream at seq 0 and the decoder resets its model", () => {
        const { heap, lines } = logged(slots())
        heap.alloc(L(4, 4))
        heap.phase("one")
        heap.start()
        heap.alloc(L(8, 4))
        expect(lines).toEqual([HDR, "~A 1 0 4 4", "~P 2 one", "~H 0 2 pico slots 20020000 400 1000 7ff 1", "~A 1 40 8 4"])
        const d = decode(lines)
        expect(d.restarts).toBe(2)
        expect(d.blocks()).toEqual([{ ptr: BASE + 0x40, size: 8, align: 4 }])
        expect(d.phases).toEqual([])
        expect(d.counts.allocs).toBe(1)
    })

    test("bad constructor arguments and phase names are HeapError(BadArgument), nothing emitted", () => {
        const lines: string[] = []
        const emit = (l: string) => lines.push(l)
        const bad = (f: () => unknown, re: RegExp) => {
            let e: unknown = null
            try {
                f()
            } catch (x) {
                e = x
            }
            expect(e).toBeInstanceOf(HeapError)
            expect((e as HeapError).code).toBe(HeapErrorCode.BadArgument)
            expect((e as Error).message).toMatch(re)
        }
        bad(() => new LoggingAllocator(slots(), "my board", { emit }), /board id 'my board'/)
        bad(() => new LoggingAllocator(slots(), "", { emit }), /board id ''/)
        bad(() => new LoggingAllocator(slots(), "x".repeat(25), { emit }), /1\.\.24/)
        bad(() => new LoggingAllocator(slots(), "pico", { emit, mask: 0x800 }), /event mask 2048 must be a whole number 0\.\.0x7ff/)
        bad(() => new LoggingAllocator(slots(), "pico", { emit, mask: -1 }), /event mask -1/)
        bad(() => new LoggingAllocator(slots(), "pico", { emit, statsEvery: -1 }), /statsEvery -1/)
        bad(() => new LoggingAllocator(slots(), "pico", { emit, statsEvery: 2.5 }), /statsEvery 2.5/)
        expect(lines).toEqual([])
        const heap = new LoggingAllocator(slots(), "pico", { emit })
        bad(() => heap.phase("Boxes"), /phase name 'Boxes'/)
        bad(() => heap.phase(""), /phase name ''/)
        bad(() => heap.phase("a b"), /phase name 'a b'/)
        bad(() => heap.phase("p".repeat(25)), /1\.\.24/)
        heap.phase("p".repeat(24))
        heap.phase("vec-grow_2")
        expect(lines).toEqual([HDR, "~P 1 " + "p".repeat(24), "~P 2 vec-grow_2"])
    })

    test("every line stays < 150 characters at extreme values", () => {
        const lines: string[] = []
        const id = "b".repeat(24)
        // The last 4 KiB of the 32-bit address space, stats of 0xffffffff, a 13-digit seq.
        const inner = new HugeStatsSlots(new StaticRegion(0xfffff000, 4096))
        Object.defineProperty(inner, "kind", { value: "k".repeat(24) })
        const heap = new LoggingAllocator(inner, id, { emit: l => lines.push(l) })
        // seq reaches 13 hex digits after 2^48 lines; set it so the 8 lines below use the widest seqs.
        ;(heap as unknown as { seq: number }).seq = 2 ** 52 - 11
        heap.oomHook("R", 0x7fffffff, 4096, 0xffffffff, true)
        // One byte below the base: the widest offset, ffffffff (p − base + 2^32).
        heap.checkFailed(0xffffffff, 0xffffefff)
        heap.leak(0xffffefff, 0xffffffff, 4096, "k".repeat(24))
        const p = heap.alloc(L(64, 64))
        heap.realloc(p, L(64, 64), 32)
        heap.alloc(L(0x7fffffff - 4095, 4096))
        heap.realloc(p, L(32, 64), 0x7fffffc0)
        expect(() => heap.dealloc(0xffffffff, L(4, 4))).toThrow(HeapError)
        heap.phase("p".repeat(24))
        heap.emitStats()
        heap.dealloc(p, L(32, 64))
        expect(lines.length).toBe(12)
        const longest = Math.max(...lines.map(l => l.length))
        expect(lines.find(l => l.startsWith("~S"))).toBe("~S ffffffffffffe " + Array(9).fill("ffffffff").join(" "))
        expect(longest).toBe(97) // the ~S line: 3 + 13 + 9 × 9
        expect(lines.find(l => l.startsWith("~O"))).toBe("~O ffffffffffff5 R 7fffffff 1000 ffffffff 1")
        expect(lines.find(l => l.startsWith("~L")).length).toBe(3 + 13 + 9 + 9 + 5 + 25)
        expect(lines.find(l => l.startsWith("~C"))).toBe("~C ffffffffffff6 ffffffff ffffffff")
        expect(longest).toBeLessThan(150)
        // With the device's "> " prefix it still fits the 160-byte dmesg line buffer.
        expect(longest + 2).toBeLessThan(160)
        expect(lines[0]).toBe(`~H 0 2 ${id} ${"k".repeat(24)} fffff000 1000 1000 7ff ffffffff`)
    })
})

// ---------------------------------------------------------------------------
describe("composed: LoggingAllocator over OomHookAllocator (setEvents(logger))", () => {
    test("a hook that frees through the logger: its ~F, then ~O, then the request's ~A; the decoder counts a recovery", () => {
        const inner = new BuddyAllocator(new StaticRegion(BASE, 1024))
        const cache: number[] = []
        const l = L(100, 4)
        let heap: LoggingAllocator = null
        let armed = false // the hook gives up while the cache fills
        const hooked = new OomHookAllocator(inner, (layout, attempt) => {
            if (!armed) return false
            if (attempt === 1) return true // retry once without freeing anything
            heap.dealloc(cache.pop(), l) // drop one cached block, through the logger
            return true
        })
        const out = logged(hooked)
        heap = out.heap
        hooked.setEvents(heap)
        for (let p = heap.alloc(l); p !== 0; p = heap.alloc(l)) cache.push(p)
        const before = out.lines.length // the fill ended with a hook call that gave up, then ~X
        expect(out.lines.slice(before - 2).map(x => x.slice(0, 2))).toEqual(["~O", "~X"])
        armed = true
        const big = heap.alloc(L(100, 4))
        expect(big).not.toBe(0)
        const tail = out.lines.slice(before).map(x => x.split(" ").filter((_, i) => i !== 1).join(" ")) // without the seq
        expect(tail.length).toBe(4)
        expect(tail[0]).toBe("~O A 64 4 1 1") // the first hook call freed nothing
        expect(tail[1]).toMatch(/^~F [0-9a-f]+ 64 4$/) // the second one's free, made during the hook...
        expect(tail[2]).toBe("~O A 64 4 2 1") // ...comes before its ~O, which reports the hook's answer
        expect(tail[3]).toBe(`~A ${hex(big - BASE)} 64 4`) // then the request's result, as its offset from the base
        const d = decode(out.lines)
        expect(d.anomalies).toEqual([])
        expect(d.counts).toMatchObject({ oomCalls: 3, oomRequests: 2, oomRecovered: 1 })
        expect(d.blocks().length).toBe(cache.length + 1)
        expect(hooked.recovered).toBe(1)
    })
})

// ---------------------------------------------------------------------------
describe("decoder: strict stream errors", () => {
    const cases: [string, string[], RegExp][] = [
        ["event before header", ["~A 1 0 4 4"], /line 1: "~A 1 0 4 4": expected the stream header \(~H\) before any event/],
        ["unknown letter", [HDR, "~Q 1 2"], /line 2: "~Q 1 2": unknown line type "~Q": expected one of ~H ~A/],
        ["a lone tilde", [HDR, "~"], /line 2: "~": unknown line type "~"/],
        ["lowercase letter", [HDR, "~a 1 0 4 4"], /unknown line type "~a"/],
        ["no space after the letter", [HDR, "~A1 0 4 4"], /expected a space after "~A"/],
        ["too few fields", [HDR, "~A 1 0 4"], /line 2: "~A 1 0 4": ~A needs 4 fields after the letter, got 3/],
        ["too many fields", [HDR, "~F 1 0 4 4 4"], /~F needs 4 fields after the letter, got 5/],
        ["double space", [HDR, "~A 1  0 4 4"], /got 5 \(fields are separated by exactly one space\)/],
        ["trailing space", [HDR, "~P 1 boxes "], /~P needs 2 fields.*exactly one space/],
        ["header field count", ["~H 0 2 pico slots 20020000 400 1000 ff"], /~H needs 9 \(10 in version 3\) fields after the letter, got 8/],
        ["bad hex", [HDR, "~A 1 2zz0 4 4"], /field 2 \(ptr\) must be canonical lowercase hex.*got "2zz0"/],
        ["uppercase hex", [HDR, "~A 1 AB00 4 4"], /field 2 \(ptr\) must be canonical lowercase hex/],
        ["0x prefix", [HDR, "~A 1 0x40 4 4"], /got "0x40"/],
        ["leading zero", [HDR, "~A 01 0 4 4"], /field 1 \(seq\) must be canonical lowercase hex.*got "01"/],
        ["14 hex digits", [HDR, "~A 1 0 10000000000000 4"], /field 3 \(size\)/],
        // version 2 block pointers are offsets from the header's base, below 2^32
        ["pointer offset of 9 digits", [HDR, "~A 1 100000000 4 4"], /line 2: .*field 2 \(ptr\) is an offset from the region base and must be below 2\^32 \(at most 8 digits\), got "100000000"/],
        ["~R new offset of 9 digits", [HDR, "~A 1 0 4 4", "~R 2 0 100000000 4 8 4"], /field 3 \(new ptr\) is an offset from the region base/],
        ["~X R old offset of 9 digits", [HDR, "~X 1 R 8 4 fffffffff"], /field 5 \(old ptr\) is an offset/],
        ["~L offset of 9 digits", [HDR, "~L 1 100000000 4 4 box"], /field 2 \(ptr\) is an offset/],
        ["~C offset of 9 digits", [HDR, "~C 1 8 100000000"], /field 3 \(ptr\) is an offset/],
        ["negative number", [HDR, "~A 1 0 -4 4"], /field 3 \(size\).*got "-4"/],
        ["align not a power of two", [HDR, "~A 1 0 4 3"], /field 4 \(align\) must be a power of two, got 0x3/],
        ["align above maxalign", [HDR, "~A 1 0 4 2000"], /align\) 0x2000 exceeds the header's maxalign 0x1000/],
        ["bad phase name", [HDR, "~P 1 Boxes"], /field 2 \(phase name\) must be 1-24 characters of \[a-z0-9_-\], got "Boxes"/],
        ["phase name too long", [HDR, "~P 1 " + "a".repeat(25)], /phase name/],
        ["unknown version", ["~H 0 4 pico slots 20020000 400 1000 ff 0"], /line 1: .*unknown protocol version 4: this decoder reads versions 1 to 3/],
        ["header with seq ≠ 0", ["~H 5 1 pico slots 20020000 400 1000 ff 0"], /a header \(~H\) always has seq 0, got 0x5/],
        ["bad board id", ["~H 0 2 pi/co slots 20020000 400 1000 ff 0"], /field 3 \(board\)/],
        ["mask above 7ff", ["~H 0 2 pico slots 20020000 400 1000 800 0"], /field 8 \(mask\) must be 0..7ff in protocol version 2, got 800/],
        ["base not aligned", ["~H 0 2 pico slots 20020010 400 1000 ff 0"], /field 5 \(base\) 0x20020010 must be aligned to maxalign 0x1000/],
        ["region past 2^32", ["~H 0 2 pico slots fffff000 2000 1000 ff 0"], /must be non-empty and end at or below 2\^32/],
        ["failure op", [HDR, "~X 1 F 4 4"], /field 2 \(op\) must be A, Z or R, got "F"/],
        ["failed realloc without pointer", [HDR, "~X 1 R 4 4"], /~X R needs the old pointer as field 5/],
        ["failed alloc with pointer", [HDR, "~X 1 A 4 4 0"], /~X A has exactly 4 fields/],
        ["error op", [HDR, "~E 1 4 20020000 Q"], /field 4 \(op\) must be A, Z, F or R, got "Q"/],
        ["kind not in the mask", ["~H 0 2 pico slots 20020000 400 1000 f0 0", "~A 1 0 4 4"], /line 2: .*~A lines are not in the header's event mask 0xf0/],
        ["duplicate", [HDR, "~A 1 0 4 4", "~A 1 0 4 4"], /line 3: .*duplicate line: seq 0x1 was the previous line's; expected 0x2/],
        ["out of order", [HDR, "~P 1 a", "~P 2 b", "~P 1 c"], /line 4: "~P 1 c": out of order: seq 0x1 after 0x2; expected 0x3/],
        ["gap", [HDR, "~P 1 a", "~P 4 b"], /line 3: "~P 4 b": gap: expected seq 0x2, got 0x4 \(2 line\(s\) lost; decode with --allow-gaps \(option allowGaps\) to go on\)/],
        // version 2 lines
        ["~S with 9 fields in version 2", [HDR, "~S 1 0 400 0 400 0 0 0 0"], /~S needs 10 fields after the letter, got 9 \(protocol version 2\)/],
        ["~S peakreq not hex", [HDR, "~S 1 0 400 0 400 0 0 0 0 x"], /field 10 \(peakreq\) must be canonical lowercase hex/],
        ["~O field count", [HDR, "~O 1 A 4 4 1"], /~O needs 6 fields after the letter, got 5/],
        ["~O op", [HDR, "~O 1 F 4 4 1 1"], /field 2 \(op\) must be A, Z or R, got "F"/],
        ["~O size", [HDR, "~O 1 A -4 4 1 1"], /field 3 \(size\) must be canonical lowercase hex/],
        ["~O align", [HDR, "~O 1 A 4 6 1 1"], /field 4 \(align\) must be a power of two, got 0x6/],
        ["~O attempt 0", [HDR, "~O 1 A 4 4 0 1"], /field 5 \(attempt\) counts from 1, got 0x0/],
        ["~O retry", [HDR, "~O 1 A 4 4 1 2"], /field 6 \(retry\) must be 0 or 1, got "2"/],
        ["~O retry as a word", [HDR, "~O 1 A 4 4 1 true"], /field 6 \(retry\) must be 0 or 1, got "true"/],
        ["~C field count", [HDR, "~C 1 8"], /~C needs 3 fields after the letter, got 2/],
        ["~C code", [HDR, "~C 1 08 0"], /field 2 \(code\) must be canonical lowercase hex/],
        ["~C ptr", [HDR, "~C 1 8 4G"], /field 3 \(ptr\) must be canonical lowercase hex/],
        ["~L field count", [HDR, "~L 1 0 4 4"], /~L needs 5 fields after the letter, got 4/],
        ["~L kind", [HDR, "~L 1 0 4 4 Box"], /field 5 \(kind\) must be 1-24 characters of \[a-z0-9_-\], got "Box"/],
        ["~L kind too long", [HDR, "~L 1 0 4 4 " + "k".repeat(25)], /field 5 \(kind\)/],
        ["~L align", [HDR, "~L 1 0 4 2000 box"], /field 4 \(align\) 0x2000 exceeds the header's maxalign/],
        ["~O not in the mask", ["~H 0 2 pico slots 20020000 400 1000 ff 0", "~O 1 A 4 4 1 1"], /~O lines are not in the header's event mask 0xff/],
        ["~L not in the mask", ["~H 0 2 pico slots 20020000 400 1000 3ff 0", "~L 1 0 4 4 box"], /~L lines are not in the header's event mask 0x3ff/],
        // a version-1 stream keeps the version-1 grammar
        ["~O in version 1", [HDR_V1, "~O 1 A 4 4 1 1"], /unknown line type "~O": expected one of ~H ~A ~Z ~F ~R ~X ~E ~S ~P \(protocol version 1\)/],
        ["~C in version 1", [HDR_V1, "~C 1 8 20020000"], /unknown line type "~C".*\(protocol version 1\)/],
        ["~L in version 1", [HDR_V1, "~L 1 20020000 4 4 box"], /unknown line type "~L".*\(protocol version 1\)/],
        ["10-field ~S in version 1", [HDR_V1, "~S 1 0 400 0 400 0 0 0 0 0"], /~S needs 9 fields after the letter, got 10 \(protocol version 1\)/],
        ["mask above ff in version 1", ["~H 0 1 pico slots 20020000 400 1000 100 0"], /field 8 \(mask\) must be 0..ff in protocol version 1, got 100/],
    ]
    for (const [name, lines, re] of cases) {
        test(name, () => {
            const e = protocolError(lines)
            expect(e.message).toMatch(re)
            expect(e.lineNo).toBe(lines.length)
            expect(e.line).toBe(lines[lines.length - 1])
            expect(e.name).toBe("ProtocolError")
        })
    }

    test("the error names the caller's line number and the stripped line", () => {
        const d = new StreamDecoder()
        d.push("WASM> " + HDR, 40)
        expect(() => d.push("> ~A 1 0 4", 41)).toThrow(/^line 41: "~A 1 0 4": ~A needs 4 fields/)
    })

    test("line numbers default to the count of pushed lines", () => {
        const d = new StreamDecoder()
        d.push("booting")
        d.push(HDR)
        expect(() => d.push("~P 1 X")).toThrow(/^line 3: /)
    })

    test("non-protocol lines pass through as null and are counted", () => {
        const d = new StreamDecoder()
        expect(d.push("hello from the firmware")).toBeNull()
        expect(d.push("")).toBeNull()
        expect(d.push("> tests: 4, pass: 4")).toBeNull()
        expect(d.push(HDR)).toMatchObject({ type: "header", board: "pico", allocator: "slots", base: BASE, size: 0x400, maxAlign: 0x1000, mask: 0x7ff, live: 0, version: 2 })
        expect(d.push("20020000 4 4")).toBeNull() // the tail of a line cut by a ring overwrite is not a protocol line...
        expect(d.passed).toBe(4)
        expect(d.events).toBe(1)
        expect(() => d.push("~P 3 x")).toThrow(/gap/) // ...but the seq numbers show the loss
    })

    test("allowGaps records each gap, goes on, and marks the model unsynced", () => {
        const d = decode([HDR, "~A 1 0 4 4", "~A 3 40 4 4", "~F 4 80 4 4", "~P 9 x"], true)
        expect(d.gaps).toEqual([
            { from: 2, to: 2, lineNo: 3 },
            { from: 5, to: 8, lineNo: 5 },
        ])
        expect(d.synced).toBe(false)
        expect(d.anomalies).toEqual([]) // the free of 0x20020080 may be of a block whose ~A was lost
        expect(d.blocks().map(b => b.ptr)).toEqual([BASE, BASE + 0x40])
        // Order errors are still errors with allowGaps.
        expect(protocolError([HDR, "~P 1 a", "~P 1 a"], true).message).toMatch(/duplicate/)
    })

    test("a new header resets the model and stats but keeps anomalies and gaps", () => {
        const d = decode([HDR, "~A 1 0 4 4", "~F 2 40 4 4", "~S 3 40 3c0 40 40 1 1 0 0 4", "~P 4 x", HDR, "~A 1 80 4 4"])
        expect(d.restarts).toBe(2)
        expect(d.blocks()).toEqual([{ ptr: BASE + 0x80, size: 4, align: 4 }])
        expect(d.stats).toBeNull()
        expect(d.phases).toEqual([])
        expect(d.anomalies.map(a => a.kind)).toEqual(["unknown-block"])
    })
})

// ---------------------------------------------------------------------------
describe("decoder: shadow model anomalies", () => {
    function anomalies(lines: string[], allowGaps = false): { kind: AnomalyKind; message: string }[] {
        return decode([HDR, ...lines], allowGaps).anomalies.map(a => ({ kind: a.kind, message: a.message }))
    }

    test("outside-region: below the base, past the end, straddling the end", () => {
        const a = anomalies(["~A 1 dffe1000 4 4", "~A 2 500 4 4", "~Z 3 3fc 8 4", "~R 4 3fc 10000 8 4 4"])
        expect(a.map(x => x.kind)).toEqual(["outside-region", "outside-region", "outside-region", "outside-region"])
        expect(a[0].message).toBe("line 2 (seq 0x1): block 0x1000+0x4 is outside the region 0x20020000..0x20020400")
    })

    test("version 2: offset 0 is the block at the base (not null); ~E keeps the caller's raw pointer", () => {
        const d = decode([HDR, "~A 1 0 4 4", "~R 2 0 0 4 8 4", "~X 3 R 10 4 0", "~L 4 0 8 4 box", "~C 5 8 0", "~E 6 1 1000 F", "~F 7 0 8 4"])
        expect(d.anomalies.map(a => [a.kind, a.ptr])).toEqual([
            ["check-failed", BASE],
            ["misuse", 0x1000],
        ])
        expect(d.anomalies[0].message).toMatch(/canary-clobbered \(code 8\) at 0x20020000$/)
        expect(d.anomalies[1].message).toMatch(/out-of-region \(code 1\) at 0x1000 during dealloc$/)
        expect(d.leakReport.entries.map(e => e.ptr)).toEqual([BASE])
        expect(d.counts).toMatchObject({ allocs: 1, reallocsInPlace: 1, failures: 1, deallocs: 1, liveBlocks: 0 })
        const ev = new StreamDecoder()
        ev.push(HDR)
        expect(ev.push("~A 1 0 c 4")).toMatchObject({ type: "alloc", ptr: BASE })
        expect(ev.blocks()).toEqual([{ ptr: BASE, size: 12, align: 4 }])
    })

    test("version 2: an offset at or past the region's size is what the same address is in version 1", () => {
        // (base + offset) mod 2^32: past the end, and below the base (a wrapped offset).
        const v2 = anomalies(["~A 1 400 4 4", "~F 2 500 4 4", "~A 3 fffffff0 4 4", "~L 4 800 4 4 raw", "~X 5 R 8 4 600"])
        const v1 = decode([HDR_V1, "~A 1 20020400 4 4", "~F 2 20020500 4 4", "~A 3 2001fff0 4 4", "~X 4 R 8 4 20020600"]).anomalies.map(a => ({ kind: a.kind, message: a.message }))
        expect(v2.map(x => x.kind)).toEqual(["outside-region", "unknown-block", "outside-region", "leak-mismatch", "unknown-block"])
        expect(v2.filter(x => x.kind !== "leak-mismatch").map(x => x.message.replace(/seq 0x\d/, "")).map(m => m.replace(/line \d/, ""))).toEqual(
            v1.map(x => x.message.replace(/seq 0x\d/, "").replace(/line \d/, "")),
        )
        expect(v2[0].message).toBe("line 2 (seq 0x1): block 0x20020400+0x4 is outside the region 0x20020000..0x20020400")
        expect(v2[2].message).toMatch(/block 0x2001fff0\+0x4 is outside the region/)
        // Near the top of the address space the sum wraps: offset 0x1000 from 0xfffff000 is address 0.
        const high = decode(["~H 0 2 pico slots fffff000 1000 1000 ff 0", "~A 1 1000 4 4"]).anomalies
        expect(high.map(x => [x.kind, x.ptr])).toEqual([["outside-region", 0]])
    })

    test("a zero-size block owns one address: at the very end it is outside", () => {
        expect(anomalies(["~A 1 3ff 0 1"])).toEqual([])
        expect(anomalies(["~A 1 400 0 1"]).map(x => x.kind)).toEqual(["outside-region"])
    })

    test("misaligned, with arithmetic that is safe above 2^31", () => {
        const a = anomalies(["~A 1 4 4 8", "~A 2 10 4 10"])
        expect(a.map(x => x.kind)).toEqual(["misaligned"])
        expect(a[0].message).toMatch(/block 0x20020004 is not aligned to 8/)
        const high = decode(["~H 0 2 pico slots fffff000 1000 1000 ff 0", "~A 1 ff0 4 10", "~A 2 ff8 4 10"]).anomalies
        expect(high.map(x => [x.kind, x.ptr])).toEqual([["misaligned", 0xfffffff8]])
    })

    test("overlap with the block before, the block after, and the same start", () => {
        const a = anomalies(["~A 1 100 40 4", "~A 2 120 8 4", "~A 3 f0 20 4", "~A 4 200 4 4", "~A 5 200 4 4"])
        expect(a.map(x => x.kind)).toEqual(["overlap", "overlap", "overlap"])
        expect(a[0].message).toMatch(/block 0x20020120\+0x8 overlaps live block 0x20020100\+0x40/)
        expect(a[1].message).toMatch(/block 0x200200f0\+0x20 overlaps live block 0x20020100\+0x40/)
        expect(a[2].message).toMatch(/block 0x20020200\+0x4 overlaps live block 0x20020200\+0x4/)
        // Overlapping blocks both stay live (the program holds both); the same address is replaced.
        const d = decode([HDR, "~A 1 100 40 4", "~A 2 120 8 4", "~A 3 120 4 4", "~F 4 100 40 4"])
        expect(d.blocks()).toEqual([{ ptr: BASE + 0x120, size: 4, align: 4 }])
        // Adjacent blocks do not overlap.
        expect(anomalies(["~A 1 100 40 4", "~A 2 140 4 4", "~A 3 f0 10 4"])).toEqual([])
    })

    test("a realloc may grow into its own old block but not into a neighbour", () => {
        expect(anomalies(["~A 1 0 10 4", "~R 2 0 0 10 30 4", "~R 3 0 8 30 8 4"])).toEqual([])
        const a = anomalies(["~A 1 0 10 4", "~A 2 20 10 4", "~R 3 0 0 10 30 4"])
        expect(a.map(x => x.kind)).toEqual(["overlap"])
    })

    test("unknown-block: free, realloc or failed realloc of a block never allocated", () => {
        const a = anomalies(["~F 1 0 4 4", "~R 2 40 80 4 8 4", "~X 3 R 8 4 c0"])
        expect(a.map(x => x.kind)).toEqual(["unknown-block", "unknown-block", "unknown-block"])
        expect(a[0].message).toMatch(/dealloc of 0x20020000, which is not a live block/)
        expect(a[1].message).toMatch(/realloc of 0x20020040, which is not a live block/)
    })

    test("double-free: a freed (or moved-away) block freed again", () => {
        const a = anomalies(["~A 1 0 4 4", "~F 2 0 4 4", "~F 3 0 4 4", "~A 4 40 4 4", "~R 5 40 80 4 8 4", "~F 6 40 4 4"])
        expect(a.map(x => x.kind)).toEqual(["double-free", "double-free"])
        expect(a[0].message).toMatch(/dealloc of 0x20020000, which was already freed/)
        // Handed out again, it can be freed again.
        expect(anomalies(["~A 1 0 4 4", "~F 2 0 4 4", "~A 3 0 4 4", "~F 4 0 4 4"])).toEqual([])
    })

    test("layout-mismatch on dealloc and realloc", () => {
        const a = anomalies(["~A 1 0 4 4", "~F 2 0 8 4", "~A 3 40 4 4", "~R 4 40 40 4 8 8"])
        expect(a.map(x => x.kind)).toEqual(["layout-mismatch", "layout-mismatch"])
        expect(a[0].message).toMatch(/dealloc of 0x20020000 with size 8 align 4, but the block has size 4 align 4/)
    })

    test("stats-mismatch: a ~S live count different from the model's", () => {
        const a = anomalies(["~A 1 0 4 4", "~S 2 40 3c0 40 40 1 1 0 0 4", "~S 3 40 3c0 40 40 2 1 0 0 4"])
        expect(a).toEqual([{ kind: "stats-mismatch", message: "line 4 (seq 0x3): ~S says 2 live block(s), the model has 1" }])
    })

    test("misuse: each ~E line, with the error's name", () => {
        const a = anomalies(["~E 1 4 20020000 F", "~E 2 5 20020040 R", "~E 3 63 0 A"])
        expect(a.map(x => x.kind)).toEqual(["misuse", "misuse", "misuse"])
        expect(a[1].message).toMatch(/wrong-layout \(code 5\) at 0x20020040 during realloc/)
        expect(a[2].message).toMatch(/unknown \(code 99\)/)
    })

    test("unsynced (after a gap): lost lines explain unknown frees, stale overlaps, layouts and ~S counts", () => {
        const a = anomalies(
            [
                "~A 1 0 4 4",
                // seq 2 lost (say ~F 2 0 4 4)
                "~A 3 0 8 4", // same start as a live block: the stale one is forgotten
                "~F 4 100 4 4", // unknown block: its ~A may have been lost
                "~F 5 0 4 4", // size differs from the model's 8: a lost realloc could explain it
                "~S 6 0 400 40 40 7 1 0 0 8", // live count differs from the model's
                "~A 7 10000 4 4", // outside the region: nothing explains that
            ],
            true,
        )
        // Only what no lost line can explain is still flagged.
        expect(a.map(x => x.kind)).toEqual(["outside-region"])
    })

    test("a header with live blocks starts unsynced", () => {
        const d = decode(["~H 0 2 pico slots 20020000 400 1000 ff 2", "~F 1 0 4 4", "~S 2 0 400 40 40 1 0 0 0 4"])
        expect(d.synced).toBe(false)
        expect(d.anomalies).toEqual([])
    })

    test("a debug check failure (~C) is recorded and is an anomaly; ~E names codes 8 and 9", () => {
        const d = decode([HDR, "~A 1 0 4 4", "~C 2 8 0", "~E 3 9 20020040 A", "~C 4 2a dffe0000"])
        expect(d.checks.map(c => [c.code, c.name, c.ptr])).toEqual([
            [8, "canary-clobbered", BASE],
            [0x2a, "unknown", 0],
        ])
        expect(d.counts.checkFailures).toBe(2)
        expect(d.anomalies.map(a => [a.kind, a.ptr])).toEqual([
            ["check-failed", BASE],
            ["misuse", BASE + 0x40],
            ["check-failed", 0],
        ])
        expect(d.anomalies[0].message).toBe("line 3 (seq 0x2): debug check failed: canary-clobbered (code 8) at 0x20020000")
        expect(d.anomalies[1].message).toMatch(/write-after-free \(code 9\) at 0x20020040 during alloc/)
        expect(d.blocks()).toEqual([{ ptr: BASE, size: 4, align: 4 }]) // no model change
    })

    test("leak-mismatch: a ~L entry that is not a live block of the model, or has another layout", () => {
        const a = anomalies(["~A 1 0 4 4", "~A 2 40 8 8", "~F 3 40 8 8", "~L 4 0 4 4 box", "~L 5 40 8 8 vec", "~L 6 0 8 4 box", "~L 7 100 4 4 raw"])
        expect(a.map(x => x.kind)).toEqual(["leak-mismatch", "leak-mismatch", "leak-mismatch"])
        expect(a[0].message).toBe("line 6 (seq 0x5): leak report names 0x20020040, which is not a live block")
        expect(a[1].message).toMatch(/leak report names 0x20020000 with size 8 align 4, but the block has size 4 align 4/)
        // Unsynced (a gap): a lost ~A could explain any entry.
        expect(anomalies(["~A 1 0 4 4", "~L 3 100 4 4 raw"], true)).toEqual([])
    })

    test("the last leak report (a run of ~L lines) is kept, grouped by kind", () => {
        const d = decode([
            HDR,
            "~A 1 0 4 4",
            "~A 2 40 10 8",
            "~A 3 80 c 4",
            "~L 4 0 4 4 box",
            "~P 5 later", // ends the first report
            "~L 6 40 10 8 vec",
            "~L 7 0 4 4 box",
            "~L 8 80 c 4 vec",
        ])
        expect(d.anomalies).toEqual([])
        expect(d.leakReport.seq).toBe(6)
        expect(d.leakReport.lineNo).toBe(7)
        expect(d.leakReport.entries.map(e => e.ptr)).toEqual([BASE + 0x40, BASE, BASE + 0x80])
        expect(d.leakReport.byKind).toEqual([
            { kind: "box", blocks: 1, bytes: 4 },
            { kind: "vec", blocks: 2, bytes: 28 },
        ])
        expect(decode([HDR, "~A 1 0 4 4", "~L 2 0 4 4 box", HDR]).leakReport).toBeNull() // a header resets it
    })

    test("stats-mismatch: ~S peakreq below the largest request seen (A, Z, X, R or O size)", () => {
        expect(anomalies(["~A 1 0 4 4", "~S 2 40 3c0 40 40 1 1 0 0 4"])).toEqual([])
        const cases: [string, number][] = [
            ["~A 1 0 20 4", 0x20],
            ["~Z 1 0 20 4", 0x20],
            ["~X 1 A 200 4", 0x200],
            ["~X 1 Z 200 4", 0x200],
            ["~O 1 A 300 4 1 0", 0x300],
        ]
        for (const [line, size] of cases) {
            const a = anomalies([line, "~S 2 0 400 0 400 0 0 0 0 1f"]).filter(x => /peak request/.test(x.message))
            expect(a, line).toEqual([{ kind: "stats-mismatch", message: `line 3 (seq 0x2): ~S says the peak request is 31 B, but a request of ${size} B was seen` }])
        }
        // realloc: the new size is the request; a failed realloc too.
        const r = anomalies(["~A 1 0 4 4", "~R 2 0 0 4 30 4", "~X 3 R 40 4 0", "~S 4 40 3c0 40 40 1 1 0 1 3f", "~S 5 40 3c0 40 40 1 1 0 1 40"])
        expect(r.map(x => x.message)).toEqual(["line 5 (seq 0x4): ~S says the peak request is 63 B, but a request of 64 B was seen"])
        // Lost lines cannot explain a low peakreq: still flagged when unsynced.
        expect(anomalies(["~A 1 0 20 4", "~S 3 0 400 0 400 0 0 0 0 1f"], true).map(x => x.kind)).toEqual(["stats-mismatch"])
        // A new header starts the count again.
        expect(decode([HDR, "~A 1 0 20 4", HDR, "~S 1 0 400 0 400 0 0 0 0 1"]).anomalies).toEqual([])
    })

    test("realloc resize classes: grow / shrink, in place / moved, same size", () => {
        const d = decode([
            HDR,
            "~A 1 0 10 4",
            "~R 2 0 0 10 20 4", // grow in place
            "~R 3 0 100 20 40 4", // grow moved
            "~R 4 100 100 40 8 4", // shrink in place
            "~R 5 100 0 8 4 4", // shrink moved
            "~R 6 0 0 4 4 4", // same size, in place
            "~R 7 0 200 4 4 4", // same size, moved
        ])
        expect(d.anomalies).toEqual([])
        expect(d.resizes).toEqual({ growInPlace: 1, growMoved: 1, shrinkInPlace: 1, shrinkMoved: 1, sameSize: 2 })
        expect(d.counts).toMatchObject({ reallocsInPlace: 3, reallocsMoved: 3 })
        const ev = new StreamDecoder()
        ev.push(HDR)
        ev.push("~A 1 0 10 4")
        expect(ev.push("~R 2 0 40 10 20 4")).toMatchObject({ type: "realloc", inPlace: false, resize: "grow-moved" })
        expect(decode([HDR, "~A 1 0 10 4", "~R 2 0 0 10 20 4", HDR]).resizes.growInPlace).toBe(0) // reset by a header
    })

    test("OOM hook calls: counted per call and per request; a retry followed by the request's success is a recovery", () => {
        const d = decode([
            HDR,
            "~O 1 A 40 8 1 1", // retry...
            "~O 2 A 40 8 2 1", // ...again
            "~A 3 0 40 8", // recovered
            "~O 4 Z 100 4 1 0", // gave up
            "~X 5 Z 100 4",
            "~O 6 R 80 8 1 1",
            "~X 7 R 80 8 0", // retried and failed anyway
            "~O 8 A 20 4 1 1",
            "~F 9 0 40 8", // a free made by the hook does not settle the request
            "~A a 0 20 4", // recovered
        ])
        expect(d.anomalies).toEqual([])
        expect(d.counts).toMatchObject({ oomCalls: 5, oomRequests: 4, oomRecovered: 2, maxRequest: 0x100 })
        expect(d.ooms.map(o => [o.op, o.size, o.align, o.attempt, o.retry])).toEqual([
            ["alloc", 0x40, 8, 1, true],
            ["alloc", 0x40, 8, 2, true],
            ["zeroed", 0x100, 4, 1, false],
            ["realloc", 0x80, 8, 1, true],
            ["alloc", 0x20, 4, 1, true],
        ])
    })

    test("without the model kinds in the mask no block model is kept", () => {
        const d = decode(["~H 0 2 pico slots 20020000 400 1000 f7 0", "~A 1 0 4 4", "~A 2 0 4 4", "~S 3 40 3c0 40 40 9 1 0 0 4"])
        expect(d.modelled).toBe(false)
        expect(d.blocks()).toEqual([])
        expect(d.anomalies).toEqual([])
    })
})

// ---------------------------------------------------------------------------
describe("stripTransport", () => {
    test("removes the VM's colours and prefix, the device's '> ', CR/LF", () => {
        expect(stripTransport("WASM> \x1b[95m~A 2 40 c 4\x1b[0m")).toBe("~A 2 40 c 4")
        expect(stripTransport("> ~P 1 boxes\r\n")).toBe("~P 1 boxes")
        expect(stripTransport("> ~P 1 boxes\r")).toBe("~P 1 boxes")
        expect(stripTransport("WASM> > ~P 1 boxes")).toBe("~P 1 boxes")
        expect(stripTransport("\x1b[1;33mWASM> \x1b[0mhello")).toBe("hello")
        expect(stripTransport("~S 1 0 0 0 0 0 0 0 0")).toBe("~S 1 0 0 0 0 0 0 0 0")
        expect(stripTransport("plain text")).toBe("plain text")
        expect(stripTransport(">~P 1 a")).toBe(">~P 1 a") // not the console prefix
    })
})

// ---------------------------------------------------------------------------
// The same calls, run in the DeviceScript VM (`devs run --test`, a throwaway
// entry wrapping the slot allocator above in an OomHookAllocator whose hook
// gives up, reporting to the logger) printed these lines, colours and all.
// Re-recorded when version 2 changed block pointers to offsets from the base.
// Node must print the same protocol lines for the same calls.
const VM_OUTPUT = [
    "WASM> \x1b[33mDeviceScript Simulator (WASM) v2.16.4; file v2.16.4\x1b[0m",
    "WASM> \x1b[33mstart: bareheap tests/vm/tmp_protocol_v2 v0.1.1-2b8ae12-2026.11.22.01.55\x1b[0m",
    "WASM> \x1b[95m~H 0 2 pico slots 20020000 400 1000 7ff 0\x1b[0m",
    "WASM> \x1b[95m~P 1 boxes\x1b[0m",
    "WASM> \x1b[95m~A 2 0 c 4\x1b[0m",
    "WASM> \x1b[95m~Z 3 40 0 1\x1b[0m",
    "WASM> \x1b[95m~R 4 0 0 c 8 4\x1b[0m",
    "WASM> \x1b[95m~R 5 0 80 8 28 4\x1b[0m",
    "WASM> \x1b[95m~O 6 A 64 4 1 0\x1b[0m",
    "WASM> \x1b[95m~X 7 A 64 4\x1b[0m",
    "WASM> \x1b[95m~S 8 80 380 c0 40 2 2 0 1 64\x1b[0m",
    "WASM> \x1b[95m~O 9 R 64 4 1 0\x1b[0m",
    "WASM> \x1b[95m~X a R 64 4 80\x1b[0m",
    "WASM> \x1b[95m~L b 40 0 1 raw\x1b[0m",
    "WASM> \x1b[95m~L c 80 28 4 vec\x1b[0m",
    "WASM> \x1b[95m~F d 80 28 4\x1b[0m",
    "WASM> \x1b[95m~C e 9 80\x1b[0m",
    "WASM> \x1b[95m~E f 4 20020080 F\x1b[0m",
    "WASM> \x1b[95mcaught double-free: slot is free\x1b[0m",
    "WASM> \x1b[95m~E 10 2 20020001 F\x1b[0m",
    "WASM> \x1b[95mcaught misaligned: not a slot start\x1b[0m",
    "WASM> \x1b[95m~S 11 40 3c0 c0 40 1 2 1 2 64\x1b[0m",
    "WASM> \x1b[95mcaught layout LayoutError\x1b[0m",
    "WASM> \x1b[95m~F 12 40 0 1\x1b[0m",
    "WASM> \x1b[95m~S 13 0 400 c0 40 0 2 2 2 64\x1b[0m",
    "WASM> \x1b[95m~P 14 done\x1b[0m",
]

// The version-1 recording of the same calls (before ~O, ~C, ~L and peakreq):
// a version-2 decoder still reads it.
const VM_OUTPUT_V1 = [
    "WASM> \x1b[33mDeviceScript Simulator (WASM) v2.16.4; file v2.16.4\x1b[0m",
    "WASM> \x1b[95m~H 0 1 pico slots 20020000 400 1000 ff 0\x1b[0m",
    "WASM> \x1b[95m~P 1 boxes\x1b[0m",
    "WASM> \x1b[95m~A 2 20020000 c 4\x1b[0m",
    "WASM> \x1b[95m~Z 3 20020040 0 1\x1b[0m",
    "WASM> \x1b[95m~R 4 20020000 20020000 c 8 4\x1b[0m",
    "WASM> \x1b[95m~R 5 20020000 20020080 8 28 4\x1b[0m",
    "WASM> \x1b[95m~X 6 A 64 4\x1b[0m",
    "WASM> \x1b[95m~S 7 80 380 c0 40 2 2 0 1\x1b[0m",
    "WASM> \x1b[95m~X 8 R 64 4 20020080\x1b[0m",
    "WASM> \x1b[95m~F 9 20020080 28 4\x1b[0m",
    "WASM> \x1b[95m~E a 4 20020080 F\x1b[0m",
    "WASM> \x1b[95mcaught double-free: slot is free\x1b[0m",
    "WASM> \x1b[95m~E b 2 20020001 F\x1b[0m",
    "WASM> \x1b[95mcaught misaligned: not a slot start\x1b[0m",
    "WASM> \x1b[95m~S c 40 3c0 c0 40 1 2 1 2\x1b[0m",
    "WASM> \x1b[95mcaught layout LayoutError\x1b[0m",
    "WASM> \x1b[95m~F d 20020040 0 1\x1b[0m",
    "WASM> \x1b[95m~S e 0 400 c0 40 0 2 2 2\x1b[0m",
    "WASM> \x1b[95m~P f done\x1b[0m",
]

describe("the VM and Node emit the same stream", () => {
    test("same calls, same lines; the VM's output decodes", () => {
        const hooked = new OomHookAllocator(slots(), () => false)
        const { heap, lines } = logged(hooked, { statsEvery: 5 })
        hooked.setEvents(heap)
        heap.phase("boxes")
        const l12 = L(12, 4)
        const a = heap.alloc(l12)
        const b = heap.allocZeroed(L(0, 1))
        const c = heap.realloc(a, l12, 8)
        const d = heap.realloc(c, L(8, 4), 40)
        heap.alloc(L(100, 4))
        heap.realloc(d, L(40, 4), 100)
        heap.leak(b, 0, 1, "raw")
        heap.leak(d, 40, 4, "vec")
        heap.dealloc(d, L(40, 4))
        heap.checkFailed(HeapErrorCode.WriteAfterFree, d)
        expect(() => heap.dealloc(d, L(40, 4))).toThrow(HeapError)
        expect(() => heap.dealloc(0x20020001, L(4, 4))).toThrow(HeapError)
        expect(() => heap.realloc(b, L(0, 1), -1)).toThrow(LayoutError)
        heap.dealloc(b, L(0, 1))
        heap.emitStats()
        heap.phase("done")
        const vmProtocol = VM_OUTPUT.map(stripTransport).filter(l => l.startsWith("~"))
        expect(lines).toEqual(vmProtocol)
        const dec = new StreamDecoder()
        dec.pushText(VM_OUTPUT.join("\n") + "\n")
        expect(dec.passed).toBe(5)
        expect(dec.events).toBe(21)
        expect(dec.header.version).toBe(2)
        expect(dec.blocks()).toEqual([])
        expect(dec.anomalies.map(x => x.kind)).toEqual(["check-failed", "misuse", "misuse"])
        expect(dec.phases.map(p => p.name)).toEqual(["boxes", "done"])
        expect(dec.counts).toMatchObject({ oomCalls: 2, oomRequests: 2, oomRecovered: 0, checkFailures: 1, maxRequest: 100 })
        expect(dec.resizes).toEqual({ growInPlace: 0, growMoved: 1, shrinkInPlace: 1, shrinkMoved: 0, sameSize: 0 })
        expect(dec.leakReport.byKind).toEqual([
            { kind: "raw", blocks: 1, bytes: 0 },
            { kind: "vec", blocks: 1, bytes: 40 },
        ])
        expect(dec.stats.peakRequest).toBe(100)
        // The VM wrote offsets; the decoder hands back chip addresses.
        expect(dec.checks.map(c => c.ptr)).toEqual([BASE + 0x80])
        expect(dec.leakReport.entries.map(e => e.ptr)).toEqual([BASE + 0x40, BASE + 0x80])
    })

    test("the version-1 recording still decodes, with the same model", () => {
        const dec = new StreamDecoder()
        dec.pushText(VM_OUTPUT_V1.join("\n") + "\n")
        expect(dec.header.version).toBe(1)
        expect(dec.passed).toBe(4)
        expect(dec.events).toBe(16)
        expect(dec.blocks()).toEqual([])
        expect(dec.anomalies.map(x => x.kind)).toEqual(["misuse", "misuse"])
        expect(dec.stats).toMatchObject({ live: 0, failures: 2, peakRequest: null })
        expect(dec.resizes).toEqual({ growInPlace: 0, growMoved: 1, shrinkInPlace: 1, shrinkMoved: 0, sameSize: 0 })
    })
})

// ---------------------------------------------------------------------------
// Round trips: a random workload through LoggingAllocator over a real
// allocator; after every call the decoded shadow model must equal the live
// blocks the test itself tracks, and the allocator's own live count.

function prng(seed: number): () => number {
    let s = seed >>> 0 || 1
    return () => {
        s ^= s << 13
        s >>>= 0
        s ^= s >>> 17
        s ^= s << 5
        s >>>= 0
        return s / 0x100000000
    }
}

interface Live {
    size: number
    align: number
}

function roundTrip(make: () => HeapAllocator, seed: number, steps: number, maxSize: number, statsEvery = 7) {
    const inner = make()
    const { heap, lines } = logged(inner, { statsEvery })
    const dec = new StreamDecoder()
    let fed = 0
    const feed = () => {
        while (fed < lines.length) {
            dec.push(lines[fed], fed + 1)
            fed++
        }
    }
    const live = new Map<number, Live>()
    const rnd = prng(seed)
    const pick = () => [...live.keys()][Math.floor(rnd() * live.size)]
    let misuses = 0
    for (let step = 0; step < steps; step++) {
        const r = rnd()
        const size = Math.floor(rnd() * rnd() * maxSize)
        const align = 1 << Math.floor(rnd() * 6)
        if (step % 50 === 0) heap.phase("step-" + step)
        if (live.size === 0 || r < 0.4) {
            const zeroed = r < 0.1
            const p = zeroed ? heap.allocZeroed(L(size, align)) : heap.alloc(L(size, align))
            if (p !== 0) {
                expect(live.has(p)).toBe(false)
                live.set(p, { size, align })
            }
        } else if (r < 0.7) {
            const p = pick()
            const b = live.get(p) as Live
            heap.dealloc(p, L(b.size, b.align))
            live.delete(p)
        } else if (r < 0.97) {
            const p = pick()
            const b = live.get(p) as Live
            const q = heap.realloc(p, L(b.size, b.align), size)
            if (q !== 0) {
                live.delete(p)
                live.set(q, { size, align: b.align })
            }
        } else {
            // A misuse: free a live block with a wrong size (detected by every
            // allocator here when the size class differs) or a pointer off by one.
            const p = pick()
            expect(() => heap.dealloc(p + 1, L(1, 1))).toThrow(HeapError)
            misuses++
        }
        feed()
        const want = [...live.entries()].map(([ptr, b]) => ({ ptr, size: b.size, align: b.align })).sort((x, y) => x.ptr - y.ptr)
        expect(dec.blocks()).toEqual(want)
        expect(inner.stats().liveBlocks).toBe(live.size)
        expect(dec.counts.liveBlocks).toBe(live.size)
    }
    heap.emitStats()
    feed()
    // Every decoded block lies inside a used block of the allocator's own walk.
    const used: [number, number][] = []
    inner.walk((p, s, u) => {
        if (u) used.push([p, s])
    })
    // (Walks report payload sizes, so a zero-size block may be reported with size 0 at its own address.)
    for (const b of dec.blocks()) {
        const inside = used.some(([p, s]) => b.ptr >= p && b.ptr + b.size <= p + s && (b.ptr < p + s || b.ptr === p))
        expect(inside, `decoded block 0x${b.ptr.toString(16)}+${b.size} inside a used block of ${inner.kind}'s walk`).toBe(true)
    }
    expect(dec.anomalies.filter(a => a.kind !== "misuse")).toEqual([])
    expect(dec.anomalies.length).toBe(misuses)
    expect(dec.stats?.live).toBe(live.size)
    expect(dec.counts.failures).toBe(inner.stats().failures)
    expect(heap.check()).toEqual([])
    return { lines, dec }
}

/** Mean bytes of an event line (A Z F R X) on a board's wire: "> " + line + "\n". */
function meanEventWireBytes(lines: string[]): number {
    const ev = lines.filter(l => "AZFRX".includes(l[1]))
    return ev.reduce((n, l) => n + l.length + 3, 0) / ev.length
}

describe("round trip: decoded shadow model equals the allocator's live blocks", () => {
    test("test-only slot allocator", () => {
        for (const seed of [1, 2, 3]) roundTrip(() => slots(4096), seed, 600, 96)
    })
    test("BumpAllocator (src/allocators/bump.ts)", () => {
        for (const seed of [4, 5, 6]) roundTrip(() => new BumpAllocator(new StaticRegion(BASE, 8192)), seed, 600, 256)
    })
    test("BuddyAllocator (src/allocators/buddy.ts)", () => {
        for (const seed of [7, 8, 9]) roundTrip(() => new BuddyAllocator(new StaticRegion(BASE, 16384)), seed, 1000, 512)
    })
    test("BuddyAllocator on a high region (0xfffe0000)", () => {
        roundTrip(() => new BuddyAllocator(new StaticRegion(0xfffe0000, 16384)), 10, 400, 512)
    })
    test("mean event line ≤ 24 bytes on the wire for a typical workload, every line < 150", () => {
        const { lines } = roundTrip(() => new BuddyAllocator(new StaticRegion(BASE, 32768)), 11, 2000, 256, 16)
        const mean = meanEventWireBytes(lines)
        expect(mean).toBeLessThanOrEqual(24)
        expect(Math.max(...lines.map(l => l.length))).toBeLessThan(150)
    })
    test("mean event line ≤ 24 bytes on the wire for the long MCU traces (14,400 events, 4-digit seqs)", async () => {
        for (const trace of ["coalescing-bal", "realloc2-bal"]) {
            const c = await streamCost(trace, "buddy")
            expect(c.eventLines, trace).toBeGreaterThan(14000)
            expect(c.meanEventBytes, trace).toBeLessThanOrEqual(24)
        }
    })
})

describe("loss on the way: a ring buffer that overwrites lines", () => {
    test("every lost line is reported as a gap; nothing the loss explains is flagged", () => {
        const { lines } = roundTrip(() => new BuddyAllocator(new StaticRegion(BASE, 16384)), 12, 800, 512)
        const rnd = prng(99)
        // As received over serial: "> " prefix, CRLF; 5% of the lines after the header lost,
        // a few more cut in the middle (only their tail arrives).
        const received: string[] = []
        const lost: number[] = []
        lines.forEach((l, i) => {
            const r = rnd()
            if (i > 0 && r < 0.05) lost.push(i)
            else if (i > 0 && r < 0.07) {
                lost.push(i)
                received.push(l.slice(Math.floor(l.length / 2)) + "\r")
            } else received.push("> " + l + "\r")
        })
        expect(lost.length).toBeGreaterThan(30)
        const d = new StreamDecoder({ allowGaps: true })
        received.forEach((l, i) => d.push(l, i + 1))
        // The header has seq 0 and seq i is line i of the stream, so the lost seqs are the lost indexes.
        const gapSeqs = d.gaps.flatMap(g => Array.from({ length: g.to - g.from + 1 }, (_, k) => g.from + k))
        const trailingLost = lost.filter(i => i > d.events + gapSeqs.length - 1) // lost after the last received line: undetectable
        expect(gapSeqs).toEqual(lost.filter(i => !trailingLost.includes(i)))
        expect(d.synced).toBe(false)
        expect(d.anomalies.filter(a => a.kind !== "misuse")).toEqual([])
        // Strict by default: the first loss stops decoding, naming the line.
        const first = lost[0]
        let j = first
        while (!received[j].startsWith("> ~")) j++ // a cut line's tail passes through as ordinary output
        const e = protocolError(received.slice(0, j + 1))
        expect(e.lineNo).toBe(j + 1)
        expect(e.message).toMatch(new RegExp(`^line ${j + 1}: .*gap: expected seq 0x${first.toString(16)}, got 0x`))
    })
})
