/**
 * bump.test.ts — the bump allocator: placement and alignment, header overhead,
 * exhaustion, in-place and moving realloc, reclaim of dead blocks, mark/release
 * and reset, stale marks and pointers (after release, reclaim and reset, even
 * where a newer block covers the old header), every misuse case (code, message,
 * and not one byte of the region changed), check() catching deliberate
 * corruption of the headers in region.buf, and 2,000 random operations checked
 * against a model after every step. The same code runs in the DeviceScript VM
 * (checked by hand with a throwaway entry; see the commit message).
 */
import { describe, expect, test } from "vitest"
import { BumpAllocator, BUMP_NIL, BUMP_PREV_MASK, BUMP_SIZE_MASK } from "../../src/allocators/bump"
import { HeapError, HeapErrorCode, heapErrorName } from "../../src/core/errors"
import { ptrText } from "../../src/core/hex"
import { Layout, LayoutError } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"

const BASE = 0x20020000

function heapOf(size: number): BumpAllocator {
    return new BumpAllocator(new StaticRegion(BASE, size))
}

const L = (size: number, align = 1) => Layout.fromSizeAlign(size, align)

/** Fills [p, p+n) with a pattern derived from seed. */
function fill(h: BumpAllocator, p: number, n: number, seed: number): void {
    for (let i = 0; i < n; i++) h.region.buf.setAt(p - BASE + i, "u8", (seed * 31 + i * 7) & 0xff)
}

/** True when [p, p+n) still holds fill(seed)'s pattern. */
function holds(h: BumpAllocator, p: number, n: number, seed: number): boolean {
    for (let i = 0; i < n; i++) if (h.region.buf.getAt(p - BASE + i, "u8") !== ((seed * 31 + i * 7) & 0xff)) return false
    return true
}

/** Runs fn, expecting a HeapError with `code`; returns it. */
function heapError(fn: () => unknown, code: HeapErrorCode): HeapError {
    try {
        fn()
    } catch (e) {
        expect(e).toBeInstanceOf(HeapError)
        const he = e as HeapError
        expect(he.code, he.message).toBe(code)
        return he
    }
    throw new Error("expected HeapError code " + code + " but nothing was thrown")
}

/** Every byte of the region, to prove that a refused call wrote nothing. */
function dump(h: BumpAllocator): number[] {
    const out: number[] = []
    for (let i = 0; i < h.region.size; i++) out.push(h.region.buf.getAt(i, "u8"))
    return out
}

/** All blocks reported by walk. */
function blocks(h: BumpAllocator): Array<[number, number, boolean]> {
    const out: Array<[number, number, boolean]> = []
    h.walk((p, s, u) => out.push([p, s, u]))
    return out
}

describe("BumpAllocator: placement", () => {
    test("kind, empty stats and an empty walk", () => {
        const h = heapOf(256)
        expect(h.kind).toBe("bump")
        const s = h.stats()
        expect([s.capacity, s.free, s.inUse, s.requested, s.largestFree, s.liveBlocks]).toEqual([256, 256, 0, 0, 248, 0])
        expect(blocks(h)).toEqual([[BASE, 256, false]])
        expect(h.check()).toEqual([])
        expect(h.mark()).toBe(BASE)
    })

    test("sequential allocations honour every alignment 1..4096 and never overlap", () => {
        const h = heapOf(24576)
        const live: Array<[number, number]> = []
        let prevEnd = BASE
        for (let align = 1; align <= 4096; align *= 2) {
            const size = align === 1 ? 3 : align + 5
            const p = h.alloc(L(size, align))
            expect(p, "align " + align).not.toBe(0)
            expect((p - BASE) % align).toBe(0)
            expect((p - BASE) % 4).toBe(0) // payloads are word-aligned, so headers are too
            expect(p - 8).toBeGreaterThanOrEqual(prevEnd) // the header fits between the blocks
            prevEnd = p + size
            fill(h, p, size, align)
            live.push([p, size])
        }
        live.forEach(([p, size], i) => expect(holds(h, p, size, 1 << i)).toBe(true))
        expect(h.stats().inUse).toBe(prevEnd - BASE)
        expect(h.stats().liveBlocks).toBe(13)
        expect(h.check()).toEqual([])
    })

    test("header overhead: 8 bytes per block plus padding to a word", () => {
        const h = heapOf(256)
        const a = h.alloc(L(1))
        expect(a).toBe(BASE + 8)
        expect(h.stats().inUse).toBe(9)
        const b = h.alloc(L(4, 4))
        expect(b).toBe(BASE + 20) // top 9 → word 12, header 12..20
        expect(h.stats().inUse).toBe(24)
        expect(h.stats().requested).toBe(5)
        const c = h.alloc(L(8, 16))
        expect(c).toBe(BASE + 32) // top 24 + 8 = 32, already 16-aligned
        // The header is in the region: prev link and the size word.
        const buf = h.region.buf
        expect(buf.getAt(a - BASE - 8, "u32")).toBe(BUMP_NIL | 2) // prev NIL, tag 0b10, generation 0
        expect(buf.getAt(b - BASE - 8, "u32") & BUMP_PREV_MASK).toBe(a - BASE - 8)
        expect(buf.getAt(b - BASE - 4, "u32") & BUMP_SIZE_MASK).toBe(4)
        expect(buf.getAt(b - BASE - 4, "u32")).toBe(0xa0000000 + (2 << 25) + 0x1000000 + 4) // tag, align 4, LIVE, size
        expect(buf.getAt(c - BASE - 4, "u32") >>> 29).toBe(5)
        expect(h.check()).toEqual([])
    })

    test("zero-size requests get real, distinct 1-byte blocks", () => {
        const h = heapOf(128)
        const z0 = L(0)
        const a = h.alloc(z0)
        const b = h.alloc(z0)
        expect(a).not.toBe(0)
        expect(b).toBeGreaterThan(a)
        expect(h.stats().requested).toBe(0)
        expect(h.stats().liveBlocks).toBe(2)
        h.dealloc(a, z0)
        heapError(() => h.dealloc(a, z0), HeapErrorCode.DoubleFree)
        h.dealloc(b, z0)
        expect(h.stats().inUse).toBe(0)
        expect(h.check()).toEqual([])
    })

    test("allocZeroed zeroes memory that a freed block had dirtied", () => {
        const h = heapOf(128)
        const a = h.alloc(L(40))
        fill(h, a, 40, 9)
        h.dealloc(a, L(40))
        const z = h.allocZeroed(L(40))
        expect(z).toBe(a)
        for (let i = 0; i < 40; i++) expect(h.region.buf.getAt(z - BASE + i, "u8")).toBe(0)
        expect(h.check()).toEqual([])
    })
})

describe("BumpAllocator: exhaustion", () => {
    test("an exact fit succeeds, the next request returns 0 and corrupts nothing", () => {
        const h = heapOf(128)
        const a = h.alloc(L(20))
        fill(h, a, 20, 1)
        const rest = h.stats().largestFree
        expect(rest).toBe(128 - 28 - 8) // top 28 (word-aligned) + header
        expect(h.alloc(L(rest + 1))).toBe(0) // largestFree is exact
        const b = h.alloc(L(rest))
        expect(b).not.toBe(0)
        fill(h, b, rest, 2)
        expect(h.stats().free).toBe(0)
        expect(h.stats().largestFree).toBe(0)
        const before = h.stats()
        expect(h.alloc(L(0))).toBe(0)
        expect(h.alloc(L(1, 4096))).toBe(0)
        expect(h.allocZeroed(L(5))).toBe(0)
        const after = h.stats()
        expect(after.failures).toBe(before.failures + 3)
        expect(after.failures).toBe(4)
        expect([after.inUse, after.liveBlocks, after.allocs]).toEqual([before.inUse, before.liveBlocks, before.allocs])
        expect(holds(h, a, 20, 1) && holds(h, b, rest, 2)).toBe(true)
        expect(h.check()).toEqual([])
    })

    test("requests larger than the region, or than what is left, return 0", () => {
        const h = heapOf(256)
        expect(h.alloc(L(1000))).toBe(0)
        expect(h.alloc(L(0x7ffff000))).toBe(0)
        expect(h.alloc(L(249))).toBe(0) // 248 is the most an empty 256-byte heap gives
        expect(h.alloc(L(248))).toBe(BASE + 8)
        expect(h.stats().failures).toBe(3)
        expect(h.check()).toEqual([])
    })

})

describe("BumpAllocator: realloc", () => {
    test("the last block grows and shrinks in place, keeping its pointer and bytes", () => {
        const h = heapOf(512)
        const a = h.alloc(L(10))
        fill(h, a, 10, 3)
        const b = h.alloc(L(16, 8))
        fill(h, b, 16, 4)
        expect(h.realloc(b, L(16, 8), 200)).toBe(b)
        expect(holds(h, b, 16, 4)).toBe(true)
        expect(h.stats().inUse).toBe(b - BASE + 200)
        expect(h.stats().requested).toBe(210)
        expect(h.realloc(b, L(200, 8), 4)).toBe(b)
        expect(holds(h, b, 4, 4)).toBe(true)
        expect(h.stats().inUse).toBe(b - BASE + 4)
        expect(h.realloc(b, L(4, 8), 0)).toBe(b)
        expect(h.stats().inUse).toBe(b - BASE + 1)
        expect(holds(h, a, 10, 3)).toBe(true)
        expect(h.stats().reallocs).toBe(3)
        expect(h.check()).toEqual([])
        // The header now records size 0: the old layout is wrong.
        heapError(() => h.dealloc(b, L(4, 8)), HeapErrorCode.WrongLayout)
        h.dealloc(b, L(0, 8))
        expect(h.check()).toEqual([])
    })

    test("a non-last block moves to grow, with its contents; the old block becomes dead", () => {
        const h = heapOf(512)
        const a = h.alloc(L(24, 4))
        fill(h, a, 24, 5)
        const b = h.alloc(L(8))
        fill(h, b, 8, 6)
        const statsBefore = h.stats()
        const a2 = h.realloc(a, L(24, 4), 100)
        expect(a2).toBeGreaterThan(b)
        expect((a2 - BASE) % 4).toBe(0)
        expect(holds(h, a2, 24, 5)).toBe(true)
        expect(holds(h, b, 8, 6)).toBe(true)
        const s = h.stats()
        expect([s.allocs, s.frees, s.reallocs, s.liveBlocks]).toEqual([statsBefore.allocs, statsBefore.frees, 1, 2])
        expect(s.requested).toBe(108)
        expect(blocks(h).slice(0, 3)).toEqual([[a, 24, false], [b, 8, true], [a2, 100, true]])
        heapError(() => h.dealloc(a, L(24, 4)), HeapErrorCode.DoubleFree)
        expect(h.check()).toEqual([])
    })

    test("a non-last block shrinks in place", () => {
        const h = heapOf(256)
        const a = h.alloc(L(40))
        fill(h, a, 40, 7)
        const b = h.alloc(L(4))
        expect(h.realloc(a, L(40), 12)).toBe(a)
        expect(holds(h, a, 12, 7)).toBe(true)
        expect(h.stats().requested).toBe(16)
        // A non-last block cannot grow in place, even back into its old tail.
        const a2 = h.realloc(a, L(12), 30)
        expect(a2).not.toBe(a)
        expect(holds(h, a2, 12, 7)).toBe(true)
        h.dealloc(b, L(4))
        expect(h.check()).toEqual([])
    })

    test("failure returns 0 and leaves the old block valid and unchanged", () => {
        const h = heapOf(256)
        const a = h.alloc(L(32, 4))
        fill(h, a, 32, 8)
        const b = h.alloc(L(16))
        fill(h, b, 16, 9)
        const before = h.stats()
        expect(h.realloc(b, L(16), 1000)).toBe(0) // last block: no room above
        expect(h.realloc(a, L(32, 4), 500)).toBe(0) // non-last: no room for a copy
        const after = h.stats()
        expect(after.failures).toBe(before.failures + 2)
        expect([after.inUse, after.requested, after.liveBlocks, after.reallocs]).toEqual([before.inUse, before.requested, before.liveBlocks, before.reallocs])
        expect(holds(h, a, 32, 8) && holds(h, b, 16, 9)).toBe(true)
        expect(h.check()).toEqual([])
        h.dealloc(a, L(32, 4)) // both are still valid with their old layouts
        h.dealloc(b, L(16))
        expect(h.stats().inUse).toBe(0)
    })

    test("an invalid new size is a LayoutError before any change", () => {
        const h = heapOf(256)
        const a = h.alloc(L(8))
        expect(() => h.realloc(a, L(8), -1)).toThrow(LayoutError)
        expect(() => h.realloc(a, L(8), 1.5)).toThrow(LayoutError)
        expect(h.stats().requested).toBe(8)
        expect(h.check()).toEqual([])
    })
})

describe("BumpAllocator: dealloc and reclaim", () => {
    test("freeing the last block reclaims it and the dead blocks below it", () => {
        const h = heapOf(512)
        const a = h.alloc(L(10))
        const endA = h.stats().inUse
        const b = h.alloc(L(20, 8))
        const c = h.alloc(L(30, 16))
        const d = h.alloc(L(5))
        fill(h, a, 10, 1)
        h.dealloc(b, L(20, 8)) // not last: dead, no space back
        h.dealloc(c, L(30, 16))
        const mid = h.stats()
        expect(mid.free).toBe(512 - (d - BASE + 5))
        expect(mid.liveBlocks).toBe(2)
        expect(blocks(h).map(x => x[2])).toEqual([true, false, false, true, false])
        expect(h.check()).toEqual([])
        h.dealloc(d, L(5)) // last: reclaims d, c, b
        const s = h.stats()
        expect(s.inUse).toBe(endA)
        expect(s.free).toBe(512 - endA)
        expect(s.liveBlocks).toBe(1)
        expect(s.requested).toBe(10)
        expect(h.mark()).toBe(a)
        expect(holds(h, a, 10, 1)).toBe(true)
        expect(h.check()).toEqual([])
        // The reclaimed space is reused from the old spot.
        expect(h.alloc(L(20, 8))).toBe(b)
        h.reset()
        expect(h.check()).toEqual([])
    })

    test("freeing every block in any order empties the heap", () => {
        const h = heapOf(1024)
        const ps: number[] = []
        for (let i = 0; i < 20; i++) ps.push(h.alloc(L(i + 1, 1 << (i % 4))))
        const order = [3, 7, 19, 0, 12, 18, 1, 2, 17, 4, 5, 16, 6, 8, 15, 9, 10, 14, 11, 13]
        for (const i of order) {
            h.dealloc(ps[i], L(i + 1, 1 << (i % 4)))
            expect(h.check()).toEqual([])
        }
        expect(h.stats().inUse).toBe(0)
        expect(h.stats().frees).toBe(20)
        expect(h.mark()).toBe(BASE)
    })
})

describe("BumpAllocator: mark, release, reset", () => {
    test("release frees everything after the mark; blocks before it stay intact", () => {
        const h = heapOf(1024)
        const a = h.alloc(L(12, 4))
        fill(h, a, 12, 1)
        const m = h.mark()
        expect(m).toBe(a)
        const inUseAtMark = h.stats().inUse
        const b = h.alloc(L(50))
        h.alloc(L(60, 32))
        h.dealloc(b, L(50)) // dead, freed before the release: counted once
        h.alloc(L(7))
        const s0 = h.stats()
        h.release(m)
        const s = h.stats()
        expect(s.inUse).toBe(inUseAtMark)
        expect(s.liveBlocks).toBe(1)
        expect(s.requested).toBe(12)
        expect(s.frees).toBe(s0.frees + 2)
        expect(s.allocs - s.frees).toBe(1)
        expect(holds(h, a, 12, 1)).toBe(true)
        expect(h.check()).toEqual([])
        h.release(m) // nothing after the mark: a no-op
        expect(h.stats().inUse).toBe(inUseAtMark)
        h.dealloc(a, L(12, 4))
        expect(h.check()).toEqual([])
    })

    test("nested marks, a pre-mark block grown in place, and a mark on an empty heap", () => {
        const h = heapOf(1024)
        const m0 = h.mark()
        const a = h.alloc(L(8))
        const m1 = h.mark()
        const a2 = h.realloc(a, L(8), 40) // the mark's own block grows in place
        expect(a2).toBe(a)
        fill(h, a, 40, 2)
        const b = h.alloc(L(16))
        const m2 = h.mark()
        h.alloc(L(16))
        h.release(m2)
        expect(h.mark()).toBe(b)
        h.release(m1)
        expect(h.mark()).toBe(a)
        expect(h.stats().inUse).toBe(a - BASE + 40)
        expect(holds(h, a, 40, 2)).toBe(true)
        expect(h.check()).toEqual([])
        h.release(m0)
        expect(h.stats().inUse).toBe(0)
        expect(h.stats().liveBlocks).toBe(0)
        expect(h.check()).toEqual([])
    })

    test("a block freed below the mark is reclaimed by the release", () => {
        const h = heapOf(512)
        const a = h.alloc(L(8))
        const b = h.alloc(L(8))
        const m = h.mark()
        h.alloc(L(8))
        h.dealloc(b, L(8)) // the mark's own block dies
        h.release(m)
        expect(h.mark()).toBe(a)
        expect(h.stats().inUse).toBe(a - BASE + 8)
        expect(h.check()).toEqual([])
    })

    test("reset frees everything in one step and keeps the counters consistent", () => {
        const h = heapOf(512)
        for (let i = 0; i < 5; i++) h.alloc(L(10 * i))
        const peak = h.stats().inUse
        h.reset()
        const s = h.stats()
        expect([s.inUse, s.free, s.requested, s.liveBlocks, s.frees, s.allocs, s.peakInUse]).toEqual([0, 512, 0, 0, 5, 5, peak])
        expect(h.check()).toEqual([])
        expect(h.alloc(L(4))).toBe(BASE + 8)
    })

    test("stale and invalid marks are BadArgument and change nothing", () => {
        const h = heapOf(512)
        const a = h.alloc(L(8))
        fill(h, a, 8, 3)
        const m1 = h.mark()
        const b = h.alloc(L(8))
        const m2 = h.mark()
        h.alloc(L(8))
        h.release(m1)
        let e = heapError(() => h.release(m2), HeapErrorCode.BadArgument) // released already
        expect(e.message).toContain(ptrText(m2))
        expect(e.message).toContain("stale")
        const keep = h.stats()
        h.alloc(L(8))
        const keep2 = h.stats()
        const bytes = dump(h)
        e = heapError(() => h.release(BASE + 4096), HeapErrorCode.BadArgument) // outside
        expect(e.message).toContain("not a mark of this heap")
        heapError(() => h.release(0), HeapErrorCode.BadArgument)
        heapError(() => h.release(1.5), HeapErrorCode.BadArgument)
        heapError(() => h.release(BASE + 2), HeapErrorCode.BadArgument) // inside a header
        e = heapError(() => h.release(a + 4), HeapErrorCode.BadArgument) // inside a payload
        expect(e.message).toContain("not a block boundary")
        expect(h.stats()).toEqual(keep2)
        expect(dump(h)).toEqual(bytes)
        expect(keep.liveBlocks + 1).toBe(keep2.liveBlocks)
        expect(holds(h, a, 8, 3)).toBe(true)
        expect(h.check()).toEqual([])
        void b
    })

    test("generations with bit 31 set, and the documented wrap after 256 resets", () => {
        const h = heapOf(256)
        const l = L(8, 8)
        let old = 0
        for (let i = 1; i <= 256; i++) {
            const p = h.alloc(l)
            if (i === 1) old = p
            if (i === 200) {
                // generation 199 sets bit 31 of word 0: still exact
                expect(h.region.buf.getAt(p - BASE - 8, "u32") >>> 24).toBe(199)
                expect(h.check()).toEqual([])
                const m = h.mark()
                expect(Math.floor(m / 2 ** 32)).toBe(199)
                h.alloc(l)
                h.release(m)
                expect(h.check()).toEqual([])
                heapError(() => h.dealloc(old, L(16, 8)), HeapErrorCode.WrongLayout) // old spot, current block
            }
            h.reset()
        }
        // 256 resets later the generation is 0 again: a pointer from the first
        // round whose header is still in place would match (the documented limit).
        expect(h.mark()).toBe(BASE)
        expect(h.check()).toEqual([])
    })

    test("a mark from before reset() is stale", () => {
        const h = heapOf(256)
        const a = h.alloc(L(8))
        const m = h.mark()
        h.reset()
        expect(h.alloc(L(8))).toBe(a) // the same address again
        expect(h.mark()).not.toBe(m) // but another generation
        const e = heapError(() => h.release(m), HeapErrorCode.BadArgument)
        expect(e.message).toContain("before a reset()")
        expect(h.stats().liveBlocks).toBe(1)
    })

    test("a stale mark whose block spot was reused at another address is refused", () => {
        const h = heapOf(1024)
        h.alloc(L(4))
        const m0 = h.mark()
        const x = h.alloc(L(4, 64)) // big padding before x
        const m = h.mark()
        expect(m).toBe(x)
        h.release(m0)
        // A new block (align 4) starts below x's old header; x's stale header
        // still sits in the new payload, which reaches past it.
        const y = h.alloc(L(200, 4))
        expect(y).toBeLessThan(x)
        expect(y + 200).toBeGreaterThan(x)
        const e = heapError(() => h.release(m), HeapErrorCode.BadArgument)
        expect(e.message).toContain("not a block boundary")
        expect(h.check()).toEqual([])
    })
})

describe("BumpAllocator: misuse is detected and disturbs nothing", () => {
    /** A heap with three live blocks (a dead one between) and their patterns. */
    function setup() {
        const h = heapOf(512)
        const a = h.alloc(L(16, 8))
        const dead = h.alloc(L(12, 4))
        const b = h.alloc(L(24, 4))
        const c = h.alloc(L(8, 16))
        h.dealloc(dead, L(12, 4))
        fill(h, a, 16, 1)
        fill(h, b, 24, 2)
        fill(h, c, 8, 3)
        return { h, a, dead, b, c }
    }

    type Case = [string, HeapErrorCode, (s: ReturnType<typeof setup>) => [number, Layout], string]
    const cases: Case[] = [
        ["null pointer", HeapErrorCode.NotAllocated, () => [0, L(16, 8)], "null pointer"],
        ["below the region", HeapErrorCode.OutOfRegion, () => [BASE - 8, L(16, 8)], "outside the region"],
        ["past the region end", HeapErrorCode.OutOfRegion, () => [BASE + 512, L(16, 8)], "outside the region"],
        ["misaligned for the layout", HeapErrorCode.Misaligned, s => [s.b, L(24, 8)], "not aligned to the layout's align 8"],
        ["not a whole number", HeapErrorCode.Misaligned, s => [s.b + 0.5, L(24, 4)], "not aligned"],
        ["interior pointer (word-aligned)", HeapErrorCode.NotAllocated, s => [s.b + 8, L(16, 4)], "no block header"],
        ["interior pointer (odd)", HeapErrorCode.NotAllocated, s => [s.a + 3, L(1, 1)], "not a block start"],
        ["in the first header", HeapErrorCode.NotAllocated, () => [BASE + 4, L(4, 4)], "not a block start"],
        ["double free of a dead block", HeapErrorCode.DoubleFree, s => [s.dead, L(12, 4)], "already freed"],
        ["above the top", HeapErrorCode.DoubleFree, s => [s.c + 64, L(8, 16)], "double free or never allocated"],
        ["wrong size", HeapErrorCode.WrongLayout, s => [s.b, L(25, 4)], "size 25 but the block was allocated with size 24"],
        ["wrong (smaller) align", HeapErrorCode.WrongLayout, s => [s.a, L(16, 4)], "align 4 but the block was allocated with align 8"],
        ["wrong (larger) align, still aligned", HeapErrorCode.WrongLayout, s => [s.c, L(8, 32)], "align 32 but the block was allocated with align 16"],
    ]

    for (const [name, code, args, text] of cases) {
        test(name + " → " + heapErrorName(code) + " (dealloc and realloc)", () => {
            const s = setup()
            const before = s.h.stats()
            const bytes = dump(s.h)
            const [ptr, layout] = args(s)
            for (const op of ["dealloc", "realloc"]) {
                const e = heapError(() => (op === "dealloc" ? s.h.dealloc(ptr, layout) : s.h.realloc(ptr, layout, 4)), code)
                expect(e.ptr).toBe(ptr)
                expect(e.message).toContain(op + "(" + ptrText(ptr))
                expect(e.message).toContain(text)
            }
            expect(s.h.stats()).toEqual(before)
            expect(dump(s.h)).toEqual(bytes) // not one byte of the region changed
            expect(holds(s.h, s.a, 16, 1) && holds(s.h, s.b, 24, 2) && holds(s.h, s.c, 8, 3)).toBe(true)
            expect(s.h.check()).toEqual([])
        })
    }

    for (const how of ["release", "dealloc"]) {
        test("a pointer freed by " + how + "() is refused even when a newer block covers its old header", () => {
            const h = heapOf(1024)
            h.alloc(L(4))
            const m0 = h.mark()
            const x = h.alloc(L(4, 64)) // header at 56, far above the top of 12
            if (how === "release") h.release(m0)
            else h.dealloc(x, L(4, 64)) // the last block: reclaimed
            const y = h.alloc(L(200, 4)) // y's payload now holds x's old (dead) header
            expect(y + 200).toBeGreaterThan(x)
            fill(h, y, x - 8 - y, 4) // the caller has not overwritten that part yet
            const before = h.stats()
            const bytes = dump(h)
            for (const op of ["dealloc", "realloc"]) {
                const e = heapError(() => (op === "dealloc" ? h.dealloc(x, L(4, 64)) : h.realloc(x, L(4, 64), 8)), HeapErrorCode.DoubleFree)
                expect(e.message).toContain(ptrText(x))
                expect(e.message).toContain("already freed")
            }
            expect(h.stats()).toEqual(before)
            expect(dump(h)).toEqual(bytes)
            expect(h.check()).toEqual([])
        })
    }

    test("a pointer from before reset() is a double free, even where a live header still sits", () => {
        const h = heapOf(512)
        const a = h.alloc(L(8))
        h.alloc(L(8, 64)) // its header lands in the next payload after the reset
        const x = h.alloc(L(8))
        h.reset()
        const y = h.alloc(L(300))
        expect(y).toBe(a) // same spot, but y is the current block: that is the documented limit
        fill(h, y, 8, 5) // x's old LIVE header, further up in y's payload, is still intact
        const before = h.stats()
        const bytes = dump(h)
        const e = heapError(() => h.dealloc(x, L(8)), HeapErrorCode.DoubleFree)
        expect(e.message).toContain("reset()")
        expect(h.stats()).toEqual(before)
        expect(dump(h)).toEqual(bytes)
        expect(h.check()).toEqual([])
        h.dealloc(y, L(300))
    })

    test("a double free after the block was reclaimed names both possibilities", () => {
        const { h, a, c } = setup()
        h.dealloc(c, L(8, 16)) // last: reclaimed together with nothing else (b is live)
        const e = heapError(() => h.dealloc(c, L(8, 16)), HeapErrorCode.DoubleFree)
        expect(e.message).toContain("double free or never allocated")
        expect(holds(h, a, 16, 1)).toBe(true)
        expect(h.check()).toEqual([])
    })
})

describe("BumpAllocator: check() finds corruption", () => {
    function corrupted(tamper: (buf: StaticRegion["buf"], hdrB: number, hdrC: number) => void): string[] {
        const h = heapOf(256)
        h.alloc(L(8))
        const b = h.alloc(L(8, 4))
        const c = h.alloc(L(8, 8))
        expect(h.check()).toEqual([])
        tamper(h.region.buf, b - BASE - 8, c - BASE - 8)
        return h.check()
    }

    test("wiped tags", () => {
        const p = corrupted((buf, hb) => buf.setAt(hb + 7, "u8", 0))
        expect(p.join("\n")).toMatch(/tags missing/)
        const q = corrupted((buf, hb) => buf.setAt(hb, "u8", buf.getAt(hb, "u8") & ~3))
        expect(q.join("\n")).toMatch(/tags missing/)
    })

    test("a size that runs into the next header", () => {
        const p = corrupted((buf, hb) => buf.setAt(hb + 4, "u8", 40))
        expect(p.join("\n")).toMatch(/past the next header/)
    })

    test("a last block whose size disagrees with top", () => {
        const p = corrupted((buf, _hb, hc) => buf.setAt(hc + 4, "u8", 9))
        expect(p.join("\n")).toMatch(/top is/)
    })

    test("a cleared LIVE bit (counts disagree, dead last block)", () => {
        const p = corrupted((buf, hb) => buf.setAt(hb + 7, "u8", buf.getAt(hb + 7, "u8") & ~1))
        expect(p.join("\n")).toMatch(/liveBlocks 3 but the chain has 2/)
        const q = corrupted((buf, _hb, hc) => buf.setAt(hc + 7, "u8", buf.getAt(hc + 7, "u8") & ~1))
        expect(q.join("\n")).toMatch(/last block is dead/)
    })

    test("a prev link that points up (a cycle) or nowhere", () => {
        expect(corrupted((buf, hb, hc) => buf.setAt(hb, "u32", hc | 2)).join("\n")).toMatch(/prev link/)
        expect(corrupted((buf, hb) => buf.setAt(hb, "u32", 4 | 2)).join("\n")).toMatch(/0x20020004: tags missing/)
        expect(corrupted((buf, hb) => buf.setAt(hb, "u32", (0x123 << 2) | 2)).join("\n")).toMatch(/prev link/)
    })

    test("a dead block that still records a size", () => {
        const h = heapOf(256)
        h.alloc(L(8))
        const b = h.alloc(L(8, 4))
        h.alloc(L(8))
        h.dealloc(b, L(8, 4))
        expect(h.region.buf.getAt(b - BASE - 4, "u32") & BUMP_SIZE_MASK).toBe(0) // B6
        expect(h.check()).toEqual([])
        h.region.buf.setAt(b - BASE - 4, "u8", 8)
        expect(h.check().join("\n")).toMatch(/dead block with size 8/)
    })

    test("release over a link that points up is a Corrupt error", () => {
        const h = heapOf(256)
        h.alloc(L(8))
        const m = h.mark()
        h.alloc(L(8))
        const c = h.alloc(L(8))
        const hc = c - BASE - 8
        h.region.buf.setAt(hc, "u32", (hc + 4) | 2) // c's prev link points above c
        expect(h.check().join("\n")).toMatch(/prev link/)
        heapError(() => h.release(m), HeapErrorCode.Corrupt)
    })

    test("a wrong alignment field", () => {
        const p = corrupted((buf, _hb, hc) => buf.setAt(hc + 7, "u8", (buf.getAt(hc + 7, "u8") & ~0x1e) | (7 << 1))) // align 8 → 2^7
        expect(p.join("\n")).toMatch(/not aligned to its align 128/)
    })

    test("reclaiming over a corrupt dead block is a Corrupt error that changes nothing", () => {
        const h = heapOf(256)
        const a = h.alloc(L(8))
        const b = h.alloc(L(8, 4))
        const c = h.alloc(L(8, 8))
        h.dealloc(b, L(8, 4))
        h.region.buf.setAt(b - BASE - 1, "u8", 0) // wipe b's tag (and LIVE, align)
        const before = h.stats()
        heapError(() => h.dealloc(c, L(8, 8)), HeapErrorCode.Corrupt)
        expect(h.stats()).toEqual(before)
        expect(h.mark()).toBe(c)
        void a
    })
})

describe("BumpAllocator: random operations against a model", () => {
    test("2,000 mixed operations keep every invariant and every live block's bytes", () => {
        const h = heapOf(4096)
        let seed = 12345
        const rnd = (n: number) => {
            seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
            return (seed >>> 8) % n
        }
        type B = { p: number; size: number; align: number; tag: number }
        let live: B[] = []
        const marks: Array<{ m: number; gen: number; addr: number }> = []
        let gen = 0
        let tag = 0
        for (let step = 0; step < 2000; step++) {
            const op = rnd(100)
            if (op < 45) {
                const align = 1 << rnd(7)
                const size = rnd(4) === 0 ? 0 : rnd(120)
                const p = rnd(5) === 0 ? h.allocZeroed(L(size, align)) : h.alloc(L(size, align))
                if (p !== 0) {
                    expect((p - BASE) % align).toBe(0)
                    fill(h, p, size, ++tag)
                    live.push({ p, size, align, tag })
                }
            } else if (op < 75 && live.length > 0) {
                const i = rnd(live.length)
                const b = live[i]
                h.dealloc(b.p, L(b.size, b.align))
                live.splice(i, 1)
            } else if (op < 92 && live.length > 0) {
                const b = live[rnd(live.length)]
                const ns = rnd(160)
                const q = h.realloc(b.p, L(b.size, b.align), ns)
                if (q !== 0) {
                    expect(holds(h, q, Math.min(b.size, ns), b.tag)).toBe(true)
                    b.p = q
                    b.size = ns
                    b.tag = ++tag
                    fill(h, q, ns, b.tag)
                }
            } else if (op < 96) {
                const m = h.mark()
                const last = live.reduce((x, b) => Math.max(x, b.p), BASE)
                expect(m).toBe(gen * 2 ** 32 + last)
                marks.push({ m, gen, addr: last })
            } else if (marks.length > 0) {
                const mk = marks[rnd(marks.length)]
                // Surely valid when its block is still live (or it is an empty-heap
                // mark) in this generation; otherwise the allocator may accept it
                // only if a dead block of the chain still starts there.
                const valid = mk.gen === gen && (mk.addr === BASE || live.some(b => b.p === mk.addr))
                let released = true
                try {
                    h.release(mk.m)
                } catch (e) {
                    expect(valid).toBe(false)
                    expect((e as HeapError).code).toBe(HeapErrorCode.BadArgument)
                    released = false
                }
                if (released) {
                    expect(mk.gen).toBe(gen)
                    if (mk.addr === BASE) gen++
                    live = live.filter(b => mk.addr !== BASE && b.p <= mk.addr)
                }
            }
            expect(h.check()).toEqual([])
            const s = h.stats()
            expect(s.liveBlocks).toBe(live.length)
            expect(s.requested).toBe(live.reduce((t, b) => t + b.size, 0))
            if (step % 50 === 0) for (const b of live) expect(holds(h, b.p, b.size, b.tag)).toBe(true)
        }
        expect(h.stats().allocs).toBeGreaterThan(300)
    })
})
