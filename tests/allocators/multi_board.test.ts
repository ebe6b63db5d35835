/**
 * MultiAllocator on a board and over one given region (src/allocators/multi.ts):
 * forBoard builds one TLSF per Board.heapRegions entry (the main region first);
 * makeHeapForBoard builds any kind for a board; `new MultiAllocator(region)`
 * carves two parts with a hole out of the region's own range; the peak is
 * exact and kept by re-reading only the part an op touched.
 */
import { describe, expect, test } from "vitest"
import fc from "fast-check"
import { MultiAllocator, MultiPolicy } from "../../src/allocators/multi"
import { TlsfAllocator } from "../../src/allocators/tlsf"
import { HEAP_KINDS, makeHeapForBoard } from "../../src/allocators/registry"
import { BOARDS, boardById } from "../../boards/index"
import { HeapErrorCode } from "../../src/core/errors"
import { Layout, MAX_ALIGN } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { HeapStats } from "../../src/core/stats"
import { _simAllowLargeBuffers } from "../../sim/core"
import { heapErrorOf } from "../heap_error_of"

const L = (size: number, align = 8) => Layout.fromSizeAlign(size, align)

describe("MultiAllocator.forBoard: the board's declared regions", () => {
    test.each(BOARDS.filter(b => !b.hostOnly).map(b => [b.id, b] as const))("%s: one TLSF per heapRegions entry, tags and bases as declared, capacity within heap.size", (_id, b) => {
        const m = MultiAllocator.forBoard(b)
        expect(m.region.parts.map(p => [p.base, p.size])).toEqual(b.heapRegions.map(r => [r.base, r.size]))
        expect(m.tags).toEqual(b.heapRegions.map(r => r.tags))
        expect(m.region.kinds).toEqual(b.heapRegions.map(() => "tlsf"))
        expect(m.stats().capacity).toBeLessThanOrEqual(b.heap.size)
        expect(m.check()).toEqual([])
    })

    test("host (host-only, MiB regions) works once large Buffers are allowed", () => {
        const host = boardById("host")
        _simAllowLargeBuffers(host.maxRegion!)
        try {
            const m = MultiAllocator.forBoard(host)
            expect(m.region.parts.map(p => p.size)).toEqual([3 << 20, 1 << 20])
            expect(m.region.partIndex(m.alloc(L(2 << 20)))).toBe(0)
            expect(m.region.partIndex(m.alloc(L(2 << 20)))).toBe(-1) // 0: neither part has 2 MiB left
        } finally {
            _simAllowLargeBuffers(0xe000)
        }
    })

    test.each(BOARDS.map(b => [b.id, b] as const))("%s: the region tagged main until it cannot serve, then overflow into the others; a freed main block is reused first", (_id, b) => {
        if (b.hostOnly) _simAllowLargeBuffers(b.maxRegion!)
        try {
            const m = MultiAllocator.forBoard(b)
            const main = b.heapRegions.findIndex(r => r.tags.split(" ").includes("main"))
            const step = b.hostOnly ? 65536 : 1024
            const inMain: number[] = []
            for (;;) {
                const p = m.alloc(L(step))
                expect(p).not.toBe(0)
                const part = m.region.partIndex(p)
                if (part !== main) {
                    expect(part).toBeGreaterThanOrEqual(0)
                    break
                }
                inMain.push(p)
            }
            // The main region held all it could before the first overflow.
            expect(inMain.length).toBeGreaterThanOrEqual(Math.floor(b.heapRegions[main].size / step) - 2)
            m.dealloc(inMain[3], L(step))
            expect(m.region.partIndex(m.alloc(L(step)))).toBe(main)
            expect(m.check()).toEqual([])
        } finally {
            if (b.hostOnly) _simAllowLargeBuffers(0xe000)
        }
    })

    test("makeHeapForBoard: every kind on every real board, no more capacity than heap.size; unknown kinds named", () => {
        for (const b of BOARDS.filter(x => !x.hostOnly)) {
            for (const kind of HEAP_KINDS) {
                const h = makeHeapForBoard(kind, b)
                expect(h.kind).toBe(kind)
                expect(h.stats().capacity, `${kind} on ${b.id}`).toBeLessThanOrEqual(b.heap.size)
                if (kind !== "system" && kind !== "multi") expect([h.region.base, h.region.size]).toEqual([b.heap.base, b.heap.size])
            }
            expect(makeHeapForBoard("system", b).stats().capacity).toBe(b.heap.size >> 1)
            expect((makeHeapForBoard("multi", b) as MultiAllocator).region.parts).toHaveLength(b.heapRegions.length)
        }
        const e = heapErrorOf(() => makeHeapForBoard("malloc", boardById("pico")))
        expect(e.code).toBe(HeapErrorCode.BadArgument)
        expect(e.message).toContain('unknown allocator "malloc"; known: buddy, bump, tlsf, pool, bestfit, system, multi')
    })
})

describe("new MultiAllocator(region): two parts carved out of the region, a hole between", () => {
    test.each([8192, 16384, 32768, 57336])("%i bytes: both parts inside the region, MAX_ALIGN-aligned, a hole between, capacity below the region's", size => {
        const r = new StaticRegion(0x20020000, size)
        const m = new MultiAllocator(r)
        const [a, b] = m.region.parts
        expect(a.base).toBe(r.base)
        expect(b.base + b.size).toBe(r.base + r.size)
        expect(a.base % MAX_ALIGN).toBe(0)
        expect(b.base % MAX_ALIGN).toBe(0)
        expect(a.base + a.size).toBeLessThan(b.base) // the hole
        expect(a.size + b.size).toBeLessThan(size)
        expect(a.size + b.size).toBeGreaterThanOrEqual(size - size / 16)
        expect(m.tags).toEqual(["main", "fast"])
        // An address in the hole is outside the heap.
        const hole = a.base + a.size
        expect(m.region.contains(hole, 1)).toBe(false)
        const e = heapErrorOf(() => m.dealloc(hole, L(8)))
        expect(e.code).toBe(HeapErrorCode.OutOfRegion)
        expect(e.message).toContain("outside every region of the heap")
        expect(() => m.region.writeU8(b.base - 1, 1)).toThrow(/outside every region of the set/)
    })

    test("a region of ≤ MAX_ALIGN bytes cannot hold two aligned parts: BadArgument, naming why", () => {
        for (const size of [1, 4096]) {
            const e = heapErrorOf(() => new MultiAllocator(new StaticRegion(0x20020000, size)))
            expect(e.code).toBe(HeapErrorCode.BadArgument)
            expect(e.message).toContain(`multi: a region of ${size} bytes cannot be carved into two 4096-aligned regions`)
        }
        expect(new MultiAllocator(new StaticRegion(0x20020000, 8192)).region.parts.map(p => p.size)).toEqual([3840, 4096])
    })
})

/** A TLSF that counts its stats() calls (the real allocator underneath). */
class CountingTlsf extends TlsfAllocator {
    statsCalls = 0
    override stats(): HeapStats {
        this.statsCalls++
        return super.stats()
    }
}

describe("the multi heap's peak: exact, O(1) per op", () => {
    test("property: after every op of a random workload, peakInUse = the running maximum of Σ parts' inUse", () => {
        fc.assert(
            fc.property(fc.array(fc.tuple(fc.nat(3), fc.integer({ min: 0, max: 3000 }), fc.nat(1000)), { minLength: 1, maxLength: 120 }), fc.constantFrom(MultiPolicy.First, MultiPolicy.BySize), (ops, policy) => {
                const m = new MultiAllocator(
                    [0x20000000, 0x20010000, 0x20020000].map(base => new TlsfAllocator(new StaticRegion(base, 8192))),
                    ["a", "b", "c"],
                    policy,
                    policy === MultiPolicy.BySize ? 256 : undefined,
                )
                const live: { p: number; size: number }[] = []
                let truePeak = 0
                for (const [op, size, pick] of ops) {
                    if (op <= 1 || live.length === 0) {
                        const p = m.alloc(L(size))
                        if (p !== 0) live.push({ p, size })
                    } else if (op === 2) {
                        const [b] = live.splice(pick % live.length, 1)
                        m.dealloc(b.p, L(b.size))
                    } else {
                        const b = live[pick % live.length]
                        const q = m.realloc(b.p, L(b.size), size * 2)
                        if (q !== 0) {
                            b.p = q
                            b.size = size * 2
                        }
                    }
                    const sum = m.regionStats().reduce((s, x) => s + x.inUse, 0)
                    if (sum > truePeak) truePeak = sum
                    expect(m.stats().peakInUse).toBe(truePeak)
                }
                expect(m.check()).toEqual([])
            }),
            { numRuns: 60 },
        )
    })

    test("a realloc moved across parts: the peak is the state after it (old block freed), both parts refreshed", () => {
        const m = new MultiAllocator([new TlsfAllocator(new StaticRegion(0x20000000, 8192)), new TlsfAllocator(new StaticRegion(0x20010000, 8192))], ["", ""], MultiPolicy.First)
        expect(m.alloc(L(5000))).not.toBe(0)
        const p = m.alloc(L(2000))
        expect(m.region.partIndex(p)).toBe(0)
        const peakBefore = m.stats().peakInUse
        const q = m.realloc(p, L(2000), 6000) // part 0 cannot grow it: moved to part 1
        expect(m.region.partIndex(q)).toBe(1)
        const after = m.regionStats().map(s => s.inUse)
        expect(m.stats().peakInUse).toBe(Math.max(peakBefore, after[0] + after[1]))
        expect(m.stats().inUse).toBe(after[0] + after[1])
    })

    test("the peak costs O(1) stats() per op, not O(parts): an alloc re-reads its part and the parts freed from since; a free re-reads none", () => {
        const parts = Array.from({ length: 8 }, (_, i) => new CountingTlsf(new StaticRegion(0x20000000 + i * 0x10000, 4096)))
        const m = new MultiAllocator(parts, parts.map(() => ""), MultiPolicy.First)
        const calls = () => parts.reduce((s, h) => s + h.statsCalls, 0)
        const live: number[] = []
        for (let i = 0; i < 60; i++) {
            const c0 = calls()
            live.push(m.alloc(L(400))) // walks past full parts: their failed allocs cost no stats()
            expect(calls() - c0).toBe(1)
        }
        // Free one block in each of three parts: no re-read yet; the next alloc re-reads them and its own part.
        const c1 = calls()
        for (const k of [0, 9, 18]) m.dealloc(live[k], L(400))
        expect(calls() - c1).toBe(0)
        const freedParts = new Set([0, 9, 18].map(k => m.region.partIndex(live[k])))
        expect(freedParts.size).toBe(3)
        const c2 = calls()
        const p = m.alloc(L(400))
        expect(calls() - c2).toBe(freedParts.has(m.region.partIndex(p)) ? 3 : 4)
        // Over a long mixed run, at most one re-read per op.
        const c3 = calls()
        let ops = 0
        for (let i = 0; i < 500; i++, ops++) {
            if (i % 2 === 0 && live.length > 10) m.dealloc(live.splice((i * 7) % live.length, 1)[0], L(400))
            else {
                const q = m.alloc(L(400))
                if (q !== 0) live.push(q)
            }
        }
        expect(calls() - c3).toBeLessThanOrEqual(ops)
    })
})
