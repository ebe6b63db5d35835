/**
 * PoolAllocator: the size-class mapping, page carving and release, O(1)
 * reuse of freed blocks, spans, realloc in place and moving, every misuse
 * case (code, message, and that nothing else changed), and check() catching
 * deliberate damage to the metadata bytes in region.buf. The shared
 * GlobalAlloc suites run for "pool" in tests/allocators/allocators.test.ts (boards'
 * regions); here they also run on the 8 KiB region the VM self-tests use,
 * where pages run out soonest.
 */
import { describe, expect, test } from "vitest"
import { expectHeapErrorFrom } from "../host_expect"
import { HeapErrorCode } from "../../src/core/errors"
import { ptrText } from "../../src/core/hex"
import { Layout, LayoutError } from "../../src/core/layout"
import {
    POOL_FREE_PAGE,
    POOL_HEADS,
    POOL_MAGIC,
    POOL_NIL,
    POOL_PAGE,
    POOL_SPAN_HEAD,
    POOL_SPAN_TAIL,
    POOL_TABLE,
    POOL_VERSION,
    PoolAllocator,
    poolRunLists,
} from "../../src/allocators/pool"
import { StaticRegion } from "../../src/core/region"
import { CONFORMANCE_CASES } from "../contract/conformance"
import { propertySuite } from "../properties"

const BASE = 0x20020000

function heap(size: number): PoolAllocator {
    return new PoolAllocator(new StaticRegion(BASE, size))
}
function L(size: number, align: number): Layout {
    return Layout.fromSizeAlign(size, align)
}
/** Address of page i. */
function pageAt(h: PoolAllocator, i: number): number {
    return BASE + h.metaEnd + i * POOL_PAGE
}
/** Page index of the page holding p. */
function pageOf(h: PoolAllocator, p: number): number {
    return (p - BASE - h.metaEnd) >> 9
}
/** Head (first page) of free-run list b, or POOL_NIL. */
function runHead(h: PoolAllocator, b: number): number {
    return h.region.buf.getAt(h.runs + 2 * b, "u16")
}
/** Page-table entry fields of page i, per the documented layout. */
function entry(h: PoolAllocator, i: number) {
    const b = h.region.buf
    const e = POOL_TABLE + 16 * i
    return {
        kind: b.getAt(e, "u8"),
        carved: b.getAt(e + 1, "u8"),
        w2: b.getAt(e + 2, "u16"),
        live: b.getAt(e + 4, "i32"),
        shrunk: b.getAt(e + 8, "i32"),
        next: b.getAt(e + 12, "u16"),
        prev: b.getAt(e + 14, "u16"),
    }
}
function stamp(h: PoolAllocator, p: number, n: number, tag: number): void {
    for (let i = 0; i < n; i++) h.region.buf.setAt(p - BASE + i, "u8", (i * 7 + tag * 31 + 1) & 0xff)
}
function intact(h: PoolAllocator, p: number, n: number, tag: number): boolean {
    for (let i = 0; i < n; i++) if (h.region.buf.getAt(p - BASE + i, "u8") !== ((i * 7 + tag * 31 + 1) & 0xff)) return false
    return true
}
function meta(h: PoolAllocator): number[] {
    const out: number[] = []
    for (let i = 0; i < h.metaEnd; i++) out.push(h.region.buf.getAt(i, "u8"))
    return out
}

describe("construction and metadata layout", () => {
    test("32 KiB: 62 pages after 1,024 bytes of metadata (4 run lists end it exactly), all one free run", () => {
        const h = heap(32768)
        expect(h.pages).toBe(62)
        expect(h.metaEnd).toBe(1024)
        expect(h.runLists).toBe(4)
        expect(h.runs).toBe(POOL_TABLE + 16 * 62)
        expect(h.runs + 2 * h.runLists).toBe(1024)
        const b = h.region.buf
        expect(b.getAt(0, "u32")).toBe(POOL_MAGIC)
        expect(b.getAt(4, "u32")).toBe(32768)
        expect(b.getAt(8, "u16")).toBe(62)
        expect(b.getAt(10, "u8")).toBe(6)
        expect(b.getAt(11, "u8")).toBe(POOL_VERSION)
        for (let c = 0; c < 6; c++) expect(b.getAt(POOL_HEADS + 2 * c, "u16")).toBe(POOL_NIL)
        // One run of 62 pages: in the top list (32+ pages); its length on its first and last page.
        expect([runHead(h, 0), runHead(h, 1), runHead(h, 2), runHead(h, 3)]).toEqual([POOL_NIL, POOL_NIL, POOL_NIL, 0])
        expect(entry(h, 0)).toEqual({ kind: POOL_FREE_PAGE, carved: 0, w2: 62, live: 0, shrunk: 0, next: POOL_NIL, prev: POOL_NIL })
        expect(entry(h, 30)).toEqual({ kind: POOL_FREE_PAGE, carved: 0, w2: POOL_NIL, live: 0, shrunk: 0, next: POOL_NIL, prev: POOL_NIL })
        expect(entry(h, 61)).toEqual({ kind: POOL_FREE_PAGE, carved: 0, w2: 62, live: 0, shrunk: 0, next: POOL_NIL, prev: POOL_NIL })
        const s = h.stats()
        expect(s.capacity).toBe(62 * 512)
        expect(s.free).toBe(62 * 512)
        expect(s.largestFree).toBe(62 * 512)
        expect(h.check()).toEqual([])
    })

    test("run lists: floor(log2 n) − 1, at least 1", () => {
        expect([1, 7, 8, 15, 16, 62, 64, 112, 32768, 0xfffe].map(poolRunLists)).toEqual([1, 1, 2, 2, 3, 4, 5, 5, 14, 14])
    })

    test("8 KiB holds 15 pages; an odd 24,000 bytes 44 pages and an unused tail", () => {
        expect(heap(8192).pages).toBe(15)
        expect(heap(8192).metaEnd).toBe(512)
        expect(heap(8192).runLists).toBe(2)
        const odd = new PoolAllocator(new StaticRegion(0x3fca0000, 24000))
        expect(odd.pages).toBe(44)
        expect(odd.metaEnd + odd.pages * 512).toBe(23552)
        expect(odd.check()).toEqual([])
    })

    test("a region too small for the metadata and one page is a BadArgument", () => {
        expectHeapErrorFrom(() => heap(1000), HeapErrorCode.BadArgument, "1000 bytes")
    })
})

describe("size classes", () => {
    const cases: [number, number, number][] = [
        [0, 1, 16],
        [1, 1, 16],
        [16, 16, 16],
        [17, 1, 32],
        [24, 8, 32],
        [33, 4, 64],
        [8, 64, 64],
        [100, 4, 128],
        [200, 8, 256],
        [512, 1, 512],
        [1, 512, 512],
    ]
    for (const [size, align, bs] of cases) {
        test(`Layout(${size}, ${align}) gets a ${bs}-byte block aligned to ${bs}, in a page of that class`, () => {
            const h = heap(32768)
            const p = h.alloc(L(size, align))
            expect(p).not.toBe(0)
            expect((p - BASE) % bs).toBe(0)
            expect(h.stats().inUse).toBe(bs)
            const pg = (p - BASE - h.metaEnd) >> 9
            expect(16 << entry(h, pg).kind).toBe(bs)
            h.dealloc(p, L(size, align))
            expect(h.stats().inUse).toBe(0)
            expect(h.check()).toEqual([])
        })
    }

    test("above 512 bytes (or align 512 exceeded) a request takes whole, aligned pages", () => {
        const h = heap(32768)
        const a = h.alloc(L(513, 1))
        expect(h.stats().inUse).toBe(1024)
        expect(entry(h, 0)).toMatchObject({ kind: POOL_SPAN_HEAD, w2: 2, live: 1 })
        expect(entry(h, 1)).toEqual({ kind: POOL_SPAN_TAIL, carved: 0, w2: POOL_NIL, live: 0, shrunk: 0, next: POOL_NIL, prev: POOL_NIL })
        const b = h.alloc(L(1, 1024)) // one page, 1024-aligned
        expect((b - BASE) % 1024).toBe(0)
        const c = h.alloc(L(2000, 2048)) // four pages, 2048-aligned
        expect((c - BASE) % 2048).toBe(0)
        expect(h.stats().inUse).toBe(1024 + 512 + 2048)
        expect(h.check()).toEqual([])
        h.dealloc(c, L(2000, 2048))
        h.dealloc(b, L(1, 1024))
        h.dealloc(a, L(513, 1))
        expect(h.stats().largestFree).toBe(62 * 512)
        expect(h.check()).toEqual([])
    })

    test("a span larger than the pages, or no run long enough, is null and a failure", () => {
        const h = heap(8192)
        expect(h.alloc(L(15 * 512 + 1, 1))).toBe(0)
        expect(h.alloc(L(15 * 512, 1))).not.toBe(0)
        expect(h.alloc(L(16, 1))).toBe(0)
        expect(h.stats().failures).toBe(2)
        expect(h.check()).toEqual([])
    })
})

describe("pages: carving, release and reuse", () => {
    test("blocks are carved in address order; a class page is the last page of the shortest run; a full page leaves its class list", () => {
        const h = heap(32768)
        const l = L(16, 1)
        const ps: number[] = []
        for (let i = 0; i < 33; i++) ps.push(h.alloc(l))
        // The only run is pages 0..61: class pages come off its high end.
        for (let i = 0; i < 32; i++) expect(ps[i]).toBe(pageAt(h, 61) + 16 * i)
        expect(ps[32]).toBe(pageAt(h, 60))
        expect(entry(h, 61)).toMatchObject({ kind: 0, carved: 32, w2: POOL_NIL, live: -1, next: POOL_NIL })
        expect(entry(h, 60)).toMatchObject({ kind: 0, carved: 1, live: 1 })
        expect(h.region.buf.getAt(POOL_HEADS, "u16")).toBe(60) // only page 60 has room
        expect(entry(h, 0).w2).toBe(60)
        expect(entry(h, 59).w2).toBe(60)
        // Another class takes its own page.
        expect(h.alloc(L(32, 1))).toBe(pageAt(h, 59))
        expect(h.check()).toEqual([])
    })

    test("check() is clean at every fill level of a 16-byte page, 31 carved blocks included (bit 31 of the LIVE word)", () => {
        // Regression: with 31 carved blocks check() computed (1 << 31) − 1 as
        // −2^31 − 1 instead of the word 0x7fffffff and reported a lost free block.
        const h = heap(32768)
        const l = L(0, 1)
        for (let i = 1; i <= 32; i++) {
            expect(h.alloc(l)).not.toBe(0)
            expect(entry(h, 61).carved).toBe(i)
            expect(h.check(), `after ${i} blocks`).toEqual([])
        }
    })

    test("freeing a page's last block makes it a free run (merged with free neighbours); the shortest run is reused first", () => {
        const h = heap(32768)
        const l = L(16, 1)
        const ps: number[] = []
        for (let i = 0; i < 33; i++) ps.push(h.alloc(l))
        const before = h.stats().free
        for (let i = 0; i < 32; i++) h.dealloc(ps[i], l)
        expect(h.stats().free).toBe(before + 512)
        // Page 61 is alone (page 60 is a class page): a run of 1 in list 0.
        expect(entry(h, 61)).toEqual({ kind: POOL_FREE_PAGE, carved: 0, w2: 1, live: 0, shrunk: 0, next: POOL_NIL, prev: POOL_NIL })
        expect(runHead(h, 0)).toBe(61)
        expect(h.check()).toEqual([])
        // A 256-byte block gets that 1-page run rather than cutting the 60-page one.
        expect(h.alloc(L(200, 8))).toBe(pageAt(h, 61))
        expect(entry(h, 61).kind).toBe(4)
        expect(runHead(h, 0)).toBe(POOL_NIL)
        expect(h.check()).toEqual([])
    })

    test("a freed span merges with the runs on both sides into one", () => {
        const h = heap(8192)
        const a = h.alloc(L(1000, 8)) // pages 0..1
        const b = h.alloc(L(1000, 8)) // pages 2..3
        const c = h.alloc(L(1000, 8)) // pages 4..5
        expect([pageOf(h, a), pageOf(h, b), pageOf(h, c)]).toEqual([0, 2, 4])
        h.dealloc(a, L(1000, 8))
        h.dealloc(c, L(1000, 8))
        expect(entry(h, 0).w2).toBe(2)
        expect(entry(h, 4).w2).toBe(11) // pages 4..14
        expect(h.check()).toEqual([])
        h.dealloc(b, L(1000, 8))
        expect(entry(h, 0)).toEqual({ kind: POOL_FREE_PAGE, carved: 0, w2: 15, live: 0, shrunk: 0, next: POOL_NIL, prev: POOL_NIL })
        for (const i of [1, 2, 3, 4, 5]) expect(entry(h, i)).toMatchObject({ kind: POOL_FREE_PAGE, w2: POOL_NIL, next: POOL_NIL })
        expect(entry(h, 14).w2).toBe(15)
        expect([runHead(h, 0), runHead(h, 1)]).toEqual([POOL_NIL, 0])
        expect(h.stats().largestFree).toBe(15 * 512)
        expect(h.check()).toEqual([])
    })

    test("a span takes the low end of the shortest fitting run its list holds (an exact fit first)", () => {
        const h = heap(32768) // lists: 1, 2..3, 4..7, 8+ pages
        const sp = (k: number) => L(512 * k, 8) // k ≥ 2 pages (one page is the 512-byte class)
        const ps = [h.alloc(sp(3)), h.alloc(sp(2)), h.alloc(sp(2)), h.alloc(sp(2)), h.alloc(sp(4)), h.alloc(sp(2))]
        expect(ps.map(p => pageOf(h, p))).toEqual([0, 3, 5, 7, 9, 13])
        h.dealloc(ps[0], sp(3)) // run 0..2 (list 1)
        h.dealloc(ps[2], sp(2)) // run 5..6 (list 1, in front)
        h.dealloc(ps[4], sp(4)) // run 9..12 (list 2)
        expect(h.check()).toEqual([])
        // 3 pages: list 1 holds runs of 2 and 3: the 3-page run fits exactly.
        expect(pageOf(h, h.alloc(sp(3)))).toBe(0)
        // 2 pages: the 2-page run.
        expect(pageOf(h, h.alloc(sp(2)))).toBe(5)
        // 3 pages again: nothing in list 1; the front run of list 2 (9..12), low end; page 12 stays free.
        expect(pageOf(h, h.alloc(sp(3)))).toBe(9)
        expect(entry(h, 12)).toMatchObject({ kind: POOL_FREE_PAGE, w2: 1 })
        expect(runHead(h, 0)).toBe(12)
        expect(h.check()).toEqual([])
    })

    test("a freed block is the next one handed out (O(1), LIFO), without carving", () => {
        const h = heap(8192)
        const l = L(48, 8)
        const ps = [h.alloc(l), h.alloc(l), h.alloc(l), h.alloc(l)]
        const pg = pageOf(h, ps[0])
        h.dealloc(ps[1], l)
        h.dealloc(ps[2], l)
        expect(entry(h, pg).w2).toBe(ps[2] - pageAt(h, pg))
        expect(h.region.buf.getAt(ps[2] - BASE, "u16")).toBe(ps[1] - pageAt(h, pg)) // link inside the free block
        expect(h.alloc(l)).toBe(ps[2])
        expect(h.alloc(l)).toBe(ps[1])
        expect(entry(h, pg).carved).toBe(4)
        expect(h.alloc(l)).toBe(pageAt(h, pg) + 4 * 64)
        expect(h.check()).toEqual([])
    })

    test("a page that fills up again after a free rejoins its class list", () => {
        const h = heap(8192)
        const l = L(512, 1) // one block per page
        const a = h.alloc(l)
        const big = L(256, 1)
        const ps: number[] = []
        for (let i = 0; i < 2; i++) ps.push(h.alloc(big)) // one page full (2 × 256)
        const pg = pageOf(h, ps[0])
        expect(pageOf(h, ps[1])).toBe(pg)
        expect(entry(h, pg).next).toBe(POOL_NIL)
        expect(h.region.buf.getAt(POOL_HEADS + 8, "u16")).toBe(POOL_NIL)
        h.dealloc(ps[0], big)
        expect(h.region.buf.getAt(POOL_HEADS + 8, "u16")).toBe(pg)
        expect(h.check()).toEqual([])
        h.dealloc(a, l)
        expect(h.check()).toEqual([])
    })

    test("largestFree: the longest free run, else the largest class with room", () => {
        const h = heap(8192)
        for (let i = 0; i < 14; i++) h.alloc(L(512, 1))
        expect(h.stats().largestFree).toBe(512)
        const p = h.alloc(L(16, 1)) // the last page, class 16
        expect(h.stats().largestFree).toBe(16)
        expect(h.alloc(L(16, 1))).not.toBe(0)
        h.dealloc(p, L(16, 1))
        expect(h.check()).toEqual([])
    })

    test("walk: every page in address order, class pages block by block", () => {
        const h = heap(8192)
        const a = h.alloc(L(100, 4)) // page 14
        const b = h.alloc(L(1500, 4)) // pages 0..2
        const seen: [number, number, boolean][] = []
        h.walk((p, size, used) => seen.push([p, size, used]))
        expect(seen[0]).toEqual([b, 1536, true])
        expect(seen[1]).toEqual([b + 1536, 512, false])
        expect(seen.slice(seen.length - 4)).toEqual([
            [a, 128, true],
            [a + 128, 128, false],
            [a + 256, 128, false],
            [a + 384, 128, false],
        ])
        let total = 0
        let prev = BASE + h.metaEnd
        for (const [p, size] of seen) {
            expect(p).toBe(prev)
            prev = p + size
            total += size
        }
        expect(total).toBe(h.stats().capacity)
    })
})

describe("realloc", () => {
    test("within the class: in place; to a larger class: moved with the contents", () => {
        const h = heap(8192)
        const l = L(20, 4)
        const p = h.alloc(l)
        stamp(h, p, 20, 1)
        expect(h.realloc(p, l, 30)).toBe(p)
        const q = h.realloc(p, L(30, 4), 100)
        expect(q).not.toBe(p)
        expect(intact(h, q, 20, 1)).toBe(true)
        expect(h.stats().inUse).toBe(128)
        expect(h.stats().reallocs).toBe(2)
        expect(h.check()).toEqual([])
    })

    test("shrinking to a smaller class stays in place; the SHRUNK bit lets the smaller layout free it", () => {
        const h = heap(8192)
        const p = h.alloc(L(256, 16))
        expect(h.realloc(p, L(256, 16), 100)).toBe(p)
        expect(entry(h, pageOf(h, p)).shrunk).toBe(1)
        expect(h.check()).toEqual([])
        h.dealloc(p, L(100, 16))
        expect(h.stats().inUse).toBe(0)
        expect(h.check()).toEqual([])
    })

    test("a shrunk block that grows back to its class clears its SHRUNK bit", () => {
        const h = heap(8192)
        const p = h.alloc(L(256, 16))
        h.realloc(p, L(256, 16), 100)
        expect(h.realloc(p, L(100, 16), 250)).toBe(p)
        expect(entry(h, pageOf(h, p)).shrunk).toBe(0)
        expectHeapErrorFrom(() => h.dealloc(p, L(100, 16)), HeapErrorCode.WrongLayout, "100")
    })

    test("a span grows in place over free pages, shrinks by giving pages back, and to a class keeps one page", () => {
        const h = heap(8192)
        const p = h.alloc(L(600, 8)) // 2 pages
        stamp(h, p, 600, 2)
        expect(h.realloc(p, L(600, 8), 2000)).toBe(p) // 4 pages, over the low end of the run after it
        expect(entry(h, 0).w2).toBe(4)
        expect(entry(h, 3)).toMatchObject({ kind: POOL_SPAN_TAIL, w2: POOL_NIL })
        expect(entry(h, 4)).toMatchObject({ kind: POOL_FREE_PAGE, w2: 11 })
        expect(h.stats().inUse).toBe(2048)
        expect(h.realloc(p, L(2000, 8), 1000)).toBe(p) // 2 pages; pages 2..3 merge with the run after them
        expect(entry(h, 2)).toMatchObject({ kind: POOL_FREE_PAGE, w2: 13 })
        expect(h.check()).toEqual([])
        expect(h.realloc(p, L(1000, 8), 40)).toBe(p) // 1 page, SHRUNK
        expect(entry(h, 0)).toMatchObject({ kind: POOL_SPAN_HEAD, w2: 1, shrunk: 1 })
        expect(intact(h, p, 40, 2)).toBe(true)
        expect(h.stats().inUse).toBe(512)
        expect(h.check()).toEqual([])
        h.dealloc(p, L(40, 8))
        expect(h.stats().inUse).toBe(0)
        expect(h.check()).toEqual([])
    })

    test("a span that cannot grow in place moves; a realloc that cannot be served leaves the block valid", () => {
        const h = heap(8192)
        const p = h.alloc(L(600, 8)) // pages 0..1
        h.alloc(L(700, 1)) // pages 2..3 block growth in place
        stamp(h, p, 600, 3)
        const q = h.realloc(p, L(600, 8), 1200)
        expect(q).toBe(pageAt(h, 4))
        expect(intact(h, q, 600, 3)).toBe(true)
        expect(h.realloc(q, L(1200, 8), 8000)).toBe(0)
        expect(h.stats().failures).toBe(1)
        expect(intact(h, q, 600, 3)).toBe(true)
        expect(h.check()).toEqual([])
        h.dealloc(q, L(1200, 8))
        expect(h.check()).toEqual([])
    })

    test("an invalid new size is a LayoutError", () => {
        const h = heap(8192)
        const p = h.alloc(L(16, 4))
        expect(() => h.realloc(p, L(16, 4), -1)).toThrow(LayoutError)
    })
})

describe("misuse: a HeapError before any change", () => {
    /** A scene of live blocks in three classes, a span and a freed block in an owned page. */
    function misuse(bad: (h: PoolAllocator, s: { small: number; mid: number; span: number; freed: number; gone: number }) => unknown, code: HeapErrorCode, ...fragments: string[]) {
        const h = heap(8192)
        const small = h.alloc(L(16, 8)) // page 14, class 16
        const freed = h.alloc(L(16, 8))
        h.dealloc(freed, L(16, 8)) // a free block in page 14
        const mid = h.alloc(L(100, 8)) // page 13, class 128
        const span = h.alloc(L(1200, 8)) // pages 0..2
        const gone = h.alloc(L(40, 8)) // page 12, class 64, then released
        h.dealloc(gone, L(40, 8))
        stamp(h, small, 16, 1)
        stamp(h, mid, 100, 2)
        stamp(h, span, 1200, 3)
        const m = meta(h)
        const s = { ...h.stats() }
        const e = expectHeapErrorFrom(() => bad(h, { small, mid, span, freed, gone }), code, ...fragments)
        expect(meta(h)).toEqual(m)
        expect({ ...h.stats() }).toEqual(s)
        expect(intact(h, small, 16, 1) && intact(h, mid, 100, 2) && intact(h, span, 1200, 3)).toBe(true)
        expect(h.check()).toEqual([])
        return e
    }

    test("null", () => misuse(h => h.dealloc(0, L(16, 8)), HeapErrorCode.NotAllocated, "null pointer"))
    test("outside the region (below, at the end, far away), also for realloc", () => {
        misuse(h => h.dealloc(BASE - 16, L(16, 8)), HeapErrorCode.OutOfRegion, ptrText(BASE - 16))
        misuse(h => h.dealloc(BASE + 8192, L(16, 8)), HeapErrorCode.OutOfRegion, "outside the region")
        misuse(h => h.realloc(0x10, L(16, 8), 4), HeapErrorCode.OutOfRegion)
    })
    test("not a whole address, or not a multiple of layout.align", () => {
        misuse((h, s) => h.dealloc(s.mid + 0.5, L(100, 1)), HeapErrorCode.Misaligned, "whole address")
        misuse((h, s) => h.dealloc(s.mid + 4, L(100, 8)), HeapErrorCode.Misaligned, "align 8")
        misuse((h, s) => h.realloc(s.mid + 4, L(100, 8), 10), HeapErrorCode.Misaligned)
    })
    test("in the metadata", () => misuse(h => h.dealloc(BASE + 64, L(16, 16)), HeapErrorCode.NotAllocated, "metadata"))
    test("in the unused tail of an odd region", () => {
        const h = new PoolAllocator(new StaticRegion(0x3fca0000, 24000))
        expectHeapErrorFrom(() => h.dealloc(0x3fca0000 + 23552, L(16, 16)), HeapErrorCode.NotAllocated, "unused tail")
    })
    test("inside a live block: names the block", () => {
        misuse((h, s) => h.dealloc(s.mid + 16, L(16, 8)), HeapErrorCode.NotAllocated, "16 bytes into the live 128-byte block at " + ptrText(BASE + 512 + 13 * 512))
    })
    test("inside a span, its first page or a tail page", () => {
        misuse((h, s) => h.dealloc(s.span + 64, L(16, 8)), HeapErrorCode.NotAllocated, "64 bytes into the live 1536-byte span")
        misuse((h, s) => h.dealloc(s.span + 512, L(16, 8)), HeapErrorCode.NotAllocated, "inside the live span at " + ptrText(BASE + 512))
        misuse((h, s) => h.dealloc(s.span + 1024, L(1200, 8)), HeapErrorCode.NotAllocated, "inside the live span at " + ptrText(BASE + 512))
    })
    test("a block of an owned page never handed out", () =>
        misuse((h, s) => h.dealloc(s.small + 64, L(16, 8)), HeapErrorCode.NotAllocated, "never handed out"))
    test("double free while the page is still owned", () => {
        misuse((h, s) => h.dealloc(s.freed, L(16, 8)), HeapErrorCode.DoubleFree, "already freed")
        misuse((h, s) => h.realloc(s.freed, L(16, 8), 8), HeapErrorCode.DoubleFree)
    })
    test("double free after the page was released", () => {
        misuse((h, s) => h.dealloc(s.gone, L(40, 8)), HeapErrorCode.DoubleFree, "free page", "already freed")
        misuse((h, s) => h.dealloc(s.gone + 8, L(40, 8)), HeapErrorCode.NotAllocated, "free page")
    })
    test("the wrong layout: another class, a span size, a class for a span", () => {
        misuse((h, s) => h.dealloc(s.mid, L(400, 8)), HeapErrorCode.WrongLayout, "400", "128-byte block", "512-byte class")
        misuse((h, s) => h.dealloc(s.mid, L(50, 8)), HeapErrorCode.WrongLayout, "size 50")
        misuse((h, s) => h.dealloc(s.span, L(600, 8)), HeapErrorCode.WrongLayout, "600", "3 pages", "span of 2 pages")
        misuse((h, s) => h.dealloc(s.span, L(100, 8)), HeapErrorCode.WrongLayout, "100")
        misuse((h, s) => h.dealloc(s.span, L(1200, 4096)), HeapErrorCode.Misaligned, "align 4096") // the span fast path checks the alignment too
        misuse((h, s) => h.dealloc(s.span + 0.5, L(1200, 1)), HeapErrorCode.Misaligned, "whole address")
        misuse((h, s) => h.realloc(s.small, L(1000, 8), 8), HeapErrorCode.WrongLayout, "1000")
    })
    test("not detectable, as documented: a layout of the block's own class", () => {
        const h = heap(8192)
        const p = h.alloc(L(20, 4))
        h.dealloc(p, L(30, 4))
        expect(h.stats().liveBlocks).toBe(0)
    })
})

describe("check() finds damage to the region's bytes", () => {
    /** Pages of the scene: class-16 page `small` (4 carved, 1 free), class-128 page `mid`, a 3-page span, a 10-page free run. */
    type Scene = { a: number; small: number; mid: number; span: number; run: number }
    function damaged(f: (h: PoolAllocator, s: Scene) => void, fragment: string) {
        const h = heap(8192)
        const a = h.alloc(L(16, 8))
        h.alloc(L(16, 8))
        const c = h.alloc(L(16, 8))
        h.alloc(L(16, 8))
        h.dealloc(c, L(16, 8)) // 4 carved, 1 free
        const mid = h.alloc(L(100, 8))
        const span = h.alloc(L(1200, 8))
        const s = { a, small: pageOf(h, a), mid: pageOf(h, mid), span: pageOf(h, span), run: 3 }
        expect(s).toMatchObject({ small: 14, mid: 13, span: 0 })
        expect(entry(h, 3).w2).toBe(10) // the free run: pages 3..12, in run list 1
        expect(runHead(h, 1)).toBe(3)
        expect(h.check()).toEqual([])
        f(h, s)
        const problems = h.check()
        expect(problems.length).toBeGreaterThan(0)
        expect(problems.join("\n")).toContain(fragment)
    }
    const buf = (h: PoolAllocator) => h.region.buf
    const at = (i: number) => POOL_TABLE + 16 * i

    test("the header's magic", () => damaged(h => buf(h).setAt(0, "u8", 0), "header"))
    test("the header's layout version", () => damaged(h => buf(h).setAt(11, "u8", 1), "version 2"))
    test("a page kind that is no class, free page or span", () => damaged((h, s) => buf(h).setAt(at(s.mid), "u8", 7), "kind 7"))
    test("a live block's LIVE bit cleared (a leaked block)", () =>
        damaged((h, s) => buf(h).setAt(at(s.small) + 4, "i32", buf(h).getAt(at(s.small) + 4, "i32") & ~1), "stats: inUse"))
    test("a free block's link pointing at itself (a cycle)", () =>
        damaged((h, s) => buf(h).setAt(h.metaEnd + 512 * s.small + 32, "u16", 32), "listed twice"))
    test("a free block's link pointing at a live block", () =>
        damaged((h, s) => buf(h).setAt(h.metaEnd + 512 * s.small + 32, "u16", 0), "not a carved, free"))
    test("a free block dropped from its page's free list", () => damaged((h, s) => buf(h).setAt(at(s.small) + 2, "u16", POOL_NIL), "lost free block"))
    test("carved beyond the page's blocks", () => damaged((h, s) => buf(h).setAt(at(s.small) + 1, "u8", 40), "carved 40"))
    test("a span tail naming a head (tails hold NIL)", () => damaged((h, s) => buf(h).setAt(at(s.span + 1) + 2, "u16", 1), "tail of the 3-page span"))
    test("a span tail with a LIVE bit", () => damaged((h, s) => buf(h).setAt(at(s.span + 2) + 4, "i32", 1), "tail of the 3-page span"))
    test("a span tail turned into a free page (a free page inside a span)", () => damaged((h, s) => buf(h).setAt(at(s.span + 2), "u8", POOL_FREE_PAGE), "tail of the 3-page span"))
    test("a span's page count past the end", () => damaged((h, s) => buf(h).setAt(at(s.span) + 2, "u16", 40), "does not fit"))
    test("a free run's length too short on its first page", () => damaged((h, s) => buf(h).setAt(at(s.run) + 2, "u16", 5), "5-page free run"))
    test("a free run's length past the end", () => damaged((h, s) => buf(h).setAt(at(s.run) + 2, "u16", 40), "free run of 40 pages does not fit"))
    test("a free run's last page without its length", () => damaged((h, s) => buf(h).setAt(at(s.run + 9) + 2, "u16", POOL_NIL), "page 9 of the 10-page free run"))
    test("a free run's inner page with a length", () => damaged((h, s) => buf(h).setAt(at(s.run + 4) + 2, "u16", 10), "page 4 of the 10-page free run"))
    test("a free run's inner page linked", () => damaged((h, s) => buf(h).setAt(at(s.run + 4) + 12, "u16", 3), "a free page with"))
    test("a free page with a LIVE bit", () => damaged((h, s) => buf(h).setAt(at(s.run + 5) + 4, "i32", 1), "a free page with"))
    test("two free runs side by side (not merged)", () =>
        damaged((h, s) => {
            for (const [i, v] of [[0, 4], [3, 4], [4, 6], [9, 6]]) buf(h).setAt(at(s.run + i) + 2, "u16", v)
        }, "runs must be merged"))
    test("a run list's prev link", () => damaged((h, s) => buf(h).setAt(at(s.run) + 14, "u16", 9), "run list 1"))
    test("a run list losing its run", () => damaged(h => buf(h).setAt(h.runs + 2, "u16", POOL_NIL), "run list 1: 0 entries, but the page table has 1"))
    test("a run in the wrong list", () =>
        damaged((h, s) => {
            buf(h).setAt(h.runs, "u16", s.run)
            buf(h).setAt(h.runs + 2, "u16", POOL_NIL)
        }, "run list 0: entry 0 (page 3) is not the first page of a free run of this list"))
    test("a run list naming a page inside a run", () => damaged((h, s) => buf(h).setAt(h.runs + 2, "u16", s.run + 2), "run list 1: entry 0 (page 5)"))
    test("a partial list naming a page of another class", () => damaged((h, s) => buf(h).setAt(POOL_HEADS, "u16", s.mid), "partial list 0"))
    test("a SHRUNK bit on a free block", () => damaged((h, s) => buf(h).setAt(at(s.small) + 8, "i32", 4), "SHRUNK"))
})

describe("the shared GlobalAlloc suites on 8 KiB (15 pages)", () => {
    const target = { name: "pool on 8 KiB", make: () => new PoolAllocator(new StaticRegion(BASE, 8192)) }
    for (const c of CONFORMANCE_CASES) test(c.name, () => c.run(target))
    propertySuite("pool on 8 KiB", () => new PoolAllocator(new StaticRegion(BASE, 8192)))
})
