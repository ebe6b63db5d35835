/**
 * MultiAllocator (src/allocators/multi.ts) beyond the shared conformance and
 * property suites (run for "multi" in allocators.test.ts): its policies,
 * owner lookup, realloc across regions, per-region stats and check, and the
 * RegionSet view's refusals.
 */
import { describe, expect, test } from "vitest"
import { MultiAllocator, MultiPolicy } from "../../src/allocators/multi"
import { TlsfAllocator } from "../../src/allocators/tlsf"
import { BumpAllocator } from "../../src/allocators/bump"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { RegionSet } from "../../src/core/region_set"

const L = (size: number, align = 8) => Layout.fromSizeAlign(size, align)
const A = 0x20000000
const B = 0x20040000

function two(policy: MultiPolicy, arg?: string | number): MultiAllocator {
    // Given out of order on purpose: the heap sorts its parts by base.
    return new MultiAllocator([new BumpAllocator(new StaticRegion(B, 4096)), new TlsfAllocator(new StaticRegion(A, 8192))], ["dma", "fast"], policy, arg)
}

function inPart(m: MultiAllocator, p: number): number {
    return m.region.partIndex(p)
}

describe("MultiAllocator", () => {
    test("First: the lowest region that serves; then the next", () => {
        const m = two(MultiPolicy.First)
        expect(m.heaps.map(h => h.kind)).toEqual(["tlsf", "bump"])
        expect(m.tags).toEqual(["fast", "dma"])
        // The region set carries the same labels for the stream's header (logging passes region through).
        expect(m.region.tags).toEqual(["fast", "dma"])
        expect(m.region.kinds).toEqual(["tlsf", "bump"])
        const p = m.alloc(L(64))
        expect(inPart(m, p)).toBe(0)
        const big = m.alloc(L(7000))
        expect(inPart(m, big)).toBe(0)
        const q = m.alloc(L(2000)) // no longer fits in the first
        expect(inPart(m, q)).toBe(1)
        expect(m.check()).toEqual([])
    })

    test("Prefer: regions with the tag first, the others after", () => {
        const m = two(MultiPolicy.Prefer, "dma")
        expect(inPart(m, m.alloc(L(64)))).toBe(1)
        expect(inPart(m, m.alloc(L(5000)))).toBe(0) // too big for the dma region: falls back
        expect(() => two(MultiPolicy.Prefer)).toThrow(/needs a capability tag/)
    })

    test("BySize: small requests low, large requests in the last region first", () => {
        const m = two(MultiPolicy.BySize, 128)
        expect(inPart(m, m.alloc(L(100)))).toBe(0)
        expect(inPart(m, m.alloc(L(1000)))).toBe(1)
    })

    test("realloc moves across regions when its owner cannot grow it, keeping the bytes", () => {
        const m = two(MultiPolicy.Prefer, "dma")
        const p = m.alloc(L(1000))
        expect(inPart(m, p)).toBe(1)
        m.region.writeU32(p + 996, 0xcafef00d)
        const q = m.realloc(p, L(1000), 6000)
        expect(inPart(m, q)).toBe(0)
        expect(m.region.readU32(q + 996)).toBe(0xcafef00d)
        const s = m.stats()
        expect([s.liveBlocks, s.allocs, s.frees, s.reallocs]).toEqual([1, 1, 0, 1])
        expect(m.regionStats().map(r => r.liveBlocks)).toEqual([1, 0])
        expect(m.check()).toEqual([])
    })

    test("stats are the parts' totals; check() names the region of a broken part", () => {
        const m = two(MultiPolicy.First)
        const parts = m.regionStats()
        expect(m.stats().capacity).toBe(parts[0].capacity + parts[1].capacity)
        const p = m.alloc(L(16))
        m.region.writeU32(p - 4, 0xffffffff) // clobber the TLSF header before the block
        expect(m.check().join("\n")).toMatch(/^region 0x20000000 \(tlsf\): /)
    })

    test("a pointer in no region, or in the gap between them, is OutOfRegion", () => {
        const m = two(MultiPolicy.First)
        for (const p of [A - 16, A + 8192, B - 8, B + 4096]) {
            let e: unknown = null
            try {
                m.dealloc(p, L(8))
            } catch (x) {
                e = x
            }
            expect(e instanceof HeapError && e.code === HeapErrorCode.OutOfRegion, String(e)).toBe(true)
        }
        expect(() => m.region.readU8(A + 9000)).toThrow(/outside every region of the set/)
    })

    test("RegionSet refuses overlapping regions, naming both", () => {
        expect(() => new RegionSet([new StaticRegion(A, 8192), new StaticRegion(A + 4096, 4096)])).toThrow(/0x20001000 overlaps or precedes region 0x20000000\.\.0x20002000/)
        expect(() => new MultiAllocator([], [], MultiPolicy.First)).toThrow(HeapError)
    })
})
