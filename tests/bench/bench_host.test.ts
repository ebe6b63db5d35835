/**
 * The host benchmarks' pieces (correctness only, no timing asserts):
 * the @thi.ng/malloc adapter (bench/thing.ts) replays traces with verify on
 * and keeps its counters and lists consistent, with and without its realloc
 * fix, and reports misuse; region access counting (bench/counting.ts);
 * the footprint search and failure counts (bench/footprint.ts); the speed
 * helpers (bench/host_speed.ts).
 */
import { describe, expect, it } from "vitest"
import { countCosts, countingBuffer, Tally } from "../../bench/counting"
import { failuresAt, failureSizes, footprint, FOOTPRINT_STEP, servesTrace } from "../../bench/footprint"
import { compareSpeed, geoMean, median } from "../../bench/host_speed"
import { BENCH_KINDS, hostRegion, makeBenchHeap, THING } from "../../bench/kinds"
import { replay, ReplayOptions } from "../../bench/replay"
import { ThingAllocator, ThingOptions } from "../../bench/thing"
import { loadTrace } from "../../bench/trace/encode"
import { HOST } from "../../boards/host"
import { HeapErrorCode } from "../../src/core/errors"
import { Layout } from "../../src/core/layout"
import { expectHeapError, thrown } from "../contract/check"

const L = (n: number) => Layout.fromSizeAlign(n, 8)

function thing(bytes: number, fix: boolean): ThingAllocator {
    const o = new ThingOptions()
    o.fixRealloc = fix
    return new ThingAllocator(HOST.heap.base, bytes, o)
}

describe("thi.ng adapter", () => {
    for (const name of ["short1-bal", "short2-bal", "coalescing-bal", "realloc2-bal"])
        for (const fix of [true, false])
            it(name + " replays with verify on (fixRealloc " + fix + ")", async () => {
                const heap = thing(1 << 20, fix)
                const r = await replay(heap, loadTrace(name))
                expect(r.failures).toBe(0)
                expect(heap.check()).toEqual([])
                const s = heap.stats()
                expect(s.liveBlocks).toBe(0)
                expect(s.requested).toBe(0)
                // Fixed: everything is back; as shipped: exactly the leaked blocks stay used.
                expect(s.inUse).toBe(fix ? 0 : heap.leakedBytes)
                if (name === "realloc2-bal") expect(heap.moves).toBeGreaterThan(0)
                if (!fix && heap.moves > 0) expect(heap.leakedBytes).toBeGreaterThan(0)
            })

    it("a moving realloc keeps the prefix; fixed, the old block is freed; as shipped, it leaks", () => {
        for (const fix of [true, false]) {
            const heap = thing(4096, fix)
            const a = heap.alloc(L(100))
            const b = heap.alloc(L(40)) // pins a: it cannot grow in place
            for (let i = 0; i < 100; i++) heap.region.writeU8(a + i, i)
            const a2 = heap.realloc(a, L(100), 300)
            expect(a2).not.toBe(a)
            for (let i = 0; i < 100; i++) expect(heap.region.readU8(a2 + i)).toBe(i)
            expect(heap.moves).toBe(1)
            heap.dealloc(a2, L(300))
            heap.dealloc(b, L(40))
            expect(heap.check()).toEqual([])
            expect(heap.stats().inUse).toBe(fix ? 0 : 112) // the 100-byte block: 8 header + 104
            expect(heap.leakedBytes).toBe(fix ? 0 : 112)
        }
    })

    it("the peer's second bug (6.1.150): shrinking the top block by 8 leaves a stale size that check() reports as an overlap", () => {
        const heap = thing(4096, true)
        const a = heap.alloc(L(40)) // a 48-byte block at the top
        const a2 = heap.realloc(a, L(40), 32) // needs 40: top drops by 8, the header still says 48
        expect(a2).toBe(a)
        const b = heap.alloc(L(8)) // from the new top, inside a's stale extent
        expect(b - HOST.heap.base).toBe(80)
        expect(heap.check().join("\n")).toContain("overlaps the block before it")
    })

    it("addresses are base + the pool's offsets, 8-aligned, and walk() tiles the pool", () => {
        const heap = thing(4096, true)
        const p = heap.alloc(L(10))
        expect(p - HOST.heap.base).toBe(40) // 28 bytes of pool state, an 8-byte header, aligned
        expect(heap.region.base).toBe(HOST.heap.base)
        expect(heap.region.size).toBe(4096)
        let covered = 0
        heap.walk((ptr, size) => (covered += size + 8))
        expect(covered).toBe(4096 - 32)
    })

    it("misuse is a HeapError and changes nothing", () => {
        const heap = thing(4096, true)
        const p = heap.alloc(L(64))
        const q = heap.alloc(L(64))
        heap.dealloc(q, L(64))
        const before = JSON.stringify(heap.stats())
        expectHeapError(thrown(() => heap.dealloc(q, L(64))), HeapErrorCode.NotAllocated, q, "double free")
        expectHeapError(thrown(() => heap.dealloc(p + 8, L(8))), HeapErrorCode.NotAllocated, p + 8, "inside a block")
        expectHeapError(thrown(() => heap.dealloc(HOST.heap.base + 8192, L(8))), HeapErrorCode.OutOfRegion, HOST.heap.base + 8192, "past the end")
        expectHeapError(thrown(() => heap.dealloc(p + 4, L(8))), HeapErrorCode.Misaligned, p + 4, "misaligned")
        expectHeapError(thrown(() => heap.realloc(q, L(64), 5000)), HeapErrorCode.NotAllocated, q, "realloc of a freed block")
        expectHeapError(thrown(() => heap.alloc(Layout.fromSizeAlign(8, 16))), HeapErrorCode.BadArgument, 0, "align above the pool's")
        expect(JSON.stringify(heap.stats())).toBe(before)
        expect(heap.check()).toEqual([])
        expect(heap.realloc(p, L(64), 1 << 20)).toBe(0) // too big: a failure, p still valid
        expect(heap.stats().failures).toBe(1)
        heap.dealloc(p, L(64))
        expect(heap.check()).toEqual([])
    })
})

describe("counting", () => {
    it("counts one access per getAt/setAt/fillAt and a read + write per blit in the region", () => {
        const t = new Tally()
        const r = hostRegion(4096)
        const b = countingBuffer(r.buf, t)
        b.setAt(0, "u32", 7)
        expect(b.getAt(0, "u32")).toBe(7)
        expect(r.buf.getAt(0, "u32")).toBe(7) // the same bytes
        b.fillAt(8, 16, 1)
        b.blitAt(100, b, 8, 16)
        expect(b.getAt(100, "u8")).toBe(1)
        expect(b.length).toBe(4096)
        expect([t.reads, t.writes, t.bytes]).toEqual([3, 3, 32])
    })

    for (const kind of BENCH_KINDS)
        it(kind + ": every call is counted, > 0 on average, max ≥ mean, deterministic", async () => {
            const trace = loadTrace("coalescing-bal")
            const c = await countCosts(kind, trace, 65536)
            const r = c.replay
            expect(c.all.count).toBe(r.allocs + r.frees + r.reallocs)
            expect(c.alloc.count + c.free.count + c.realloc.count).toBe(c.all.count)
            expect(c.all.meanAccesses()).toBeGreaterThan(0)
            expect(c.all.maxAccesses).toBeGreaterThanOrEqual(c.all.meanAccesses())
            expect(c.alloc.meanAccesses()).toBeGreaterThan(0)
            expect(c.free.meanAccesses()).toBeGreaterThan(0)
            const again = await countCosts(kind, trace, 65536)
            expect([again.all.reads, again.all.writes, again.all.maxAccesses]).toEqual([c.all.reads, c.all.writes, c.all.maxAccesses])
        })
})

describe("footprint", () => {
    const short1 = loadTrace("short1-bal")
    for (const kind of BENCH_KINDS)
        it(kind + " on short1-bal: the footprint serves the trace and 256 bytes less does not", async () => {
            const f = await footprint(kind, short1)
            expect(f.fits).toBe(true)
            expect(f.footprint % FOOTPRINT_STEP).toBe(0)
            expect(f.utilization).toBeCloseTo(short1.peakPayload / f.footprint, 9)
            expect(f.utilization).toBeLessThanOrEqual(1)
            expect(await servesTrace(kind, short1, f.footprint)).toBe(true)
            expect(await servesTrace(kind, short1, f.footprint - FOOTPRINT_STEP)).toBe(false)
            // Non-monotonic sizes, when found, are smaller working sizes, and the answer is the smallest.
            for (const s of f.nonMonotonic) expect(s).toBeGreaterThanOrEqual(f.footprint)
        })

    it("a trace beyond the host board's 16 MiB does not fit", async () => {
        const f = await footprint("buddy", loadTrace("random-bal")) // 14.9 MiB peak, but its live blocks rounded up to powers of two sum to ~21 MB: no buddy fits 16 MiB
        expect(f.fits).toBe(false)
        expect(f.footprint).toBe(-1)
        expect(f.text()).toBe("> 16 MiB")
    })

    it("failuresAt: none where the trace fits, some where it cannot, −1 where the allocator cannot be built", async () => {
        expect(failureSizes(short1)).toEqual([65536, Math.ceil((short1.peakPayload * 1.25) / 256) * 256])
        for (const kind of BENCH_KINDS) {
            expect(await failuresAt(kind, short1, 65536)).toBe(0)
            expect(await failuresAt(kind, short1, 4096)).toBeGreaterThan(0) // the peak is 8 KiB
        }
        expect(await failuresAt("tlsf", short1, 32)).toBe(-1) // below TLSF's metadata
        expect(await failuresAt(THING, short1, 32 << 20)).toBe(-1) // above the host limit
    })
})

describe("host speed helpers", () => {
    it("median and geometric mean", () => {
        expect(median([3, 1, 2])).toBe(2)
        expect(median([4, 1, 2, 3])).toBe(2.5)
        expect(geoMean([2, 8])).toBeCloseTo(4, 12)
        expect(geoMean([])).toBe(0)
    })

    it("compareSpeed gives every kind its runs, through replay and directly, with no failures on a fitting region", async () => {
        const t = loadTrace("short2-bal")
        for (const direct of [false, true]) {
            const res = await compareSpeed(t, BENCH_KINDS, 3, 65536, direct)
            expect(res.map(r => r.kind)).toEqual(BENCH_KINDS)
            for (const r of res) {
                expect(r.opsPerSec.length).toBe(3)
                expect(r.failures).toBe(0)
                for (const x of r.opsPerSec) expect(x).toBeGreaterThan(0)
            }
        }
    })

    it("a fresh heap per kind: makeBenchHeap names its kind and refuses sizes past the host limit", async () => {
        for (const kind of BENCH_KINDS) expect(makeBenchHeap(kind, 65536).kind).toBe(kind)
        expectHeapError(thrown(() => makeBenchHeap("tlsf", HOST.maxRegion + 256)), HeapErrorCode.BadArgument, 0, "past the host limit")
        expect((await replay(makeBenchHeap("buddy", 65536), loadTrace("short1-bal"), new ReplayOptions())).failures).toBe(0)
    })
})
