/**
 * BestfitAllocator: the class mapping, exact best fit (the smallest free block
 * that fits, across and inside classes), 4-byte headers (a block is exactly
 * ⌈(size + 4) / 8⌉ units), realloc growing into the next, the previous and
 * both free neighbours before moving, unit scaling on regions beyond 15-bit
 * indices, misuse diagnosis, and check() catching damage to region.buf.
 * (The GlobalAlloc contract and the random-program property run for
 * "bestfit" in allocators.test.ts.)
 */
import { describe, expect, test } from "vitest"
import { expectHeapErrorFrom } from "../host_expect"
import { HeapErrorCode } from "../../src/core/errors"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { _simBufferOver } from "@devicescript/core"
import { regionOver } from "../../bench/region_over"
import { BFIT_CLASSES, BFIT_DEAD, BFIT_MAGIC, BestfitAllocator, bestFitClass } from "../../src/allocators/bestfit"

const BASE = 0x20020000
const L = (size: number, align = 8) => Layout.fromSizeAlign(size, align)
const heap = (size: number) => new BestfitAllocator(new StaticRegion(BASE, size))

function fill(h: BestfitAllocator, p: number, n: number, seed: number): void {
    for (let i = 0; i < n; i++) h.region.buf.setAt(p - BASE + i, "u8", (seed * 31 + i) & 0xff)
}
function expectFill(h: BestfitAllocator, p: number, n: number, seed: number): void {
    for (let i = 0; i < n; i++) expect(h.region.buf.getAt(p - BASE + i, "u8"), "byte " + i).toBe((seed * 31 + i) & 0xff)
}

describe("bestfit classes", () => {
    test("one class per unit count below 16, then 8 per power of two, 104 in all", () => {
        for (let n = 1; n < 16; n++) expect(bestFitClass(n)).toBe(n)
        expect(bestFitClass(16)).toBe(16)
        expect(bestFitClass(17)).toBe(16)
        expect(bestFitClass(18)).toBe(17)
        expect(bestFitClass(31)).toBe(23)
        expect(bestFitClass(32)).toBe(24)
        expect(bestFitClass(0x7fff)).toBe(BFIT_CLASSES - 1)
        let last = 0
        for (let n = 1; n <= 0x7fff; n++) {
            const c = bestFitClass(n)
            expect(c === last || c === last + 1).toBe(true)
            last = c
        }
    })
})

describe("bestfit blocks", () => {
    test("a block is 4 header bytes + the payload rounded up to 8: neighbours 8·⌈(size+4)/8⌉ apart", () => {
        const h = heap(4096)
        // ≤ 60 bytes (8 units) are cut from the top of free space, downwards; larger ones upwards.
        for (const [size, step] of [[0, -8], [4, -8], [5, -16], [12, -16], [13, -24], [60, -64], [61, 72], [100, 104]]) {
            const a = h.alloc(L(size))
            const b = h.alloc(L(size))
            expect(b - a, "size " + size).toBe(step)
        }
        expect(h.check()).toEqual([])
        expect(h.region.buf.getAt(0, "u32")).toBe(BFIT_MAGIC)
    })

    test("alloc takes the smallest free block that fits, not the first or the newest", () => {
        const h = heap(8192)
        const keep: number[] = []
        const holes: [number, number][] = []
        for (const size of [200, 400, 120, 76, 300]) {
            holes.push([h.alloc(L(size)), size])
            keep.push(h.alloc(L(64)))
        }
        for (const [p, size] of holes) h.dealloc(p, L(size))
        expect(h.alloc(L(70))).toBe(holes[3][0]) // the 76-byte hole, exactly (10 units)
        expect(h.alloc(L(100))).toBe(holes[2][0]) // 120 beats 200, 300 and 400
        expect(h.alloc(L(180))).toBe(holes[0][0]) // 200
        expect(h.check()).toEqual([])
    })

    test("over-aligned requests are aligned and leave their leading gap free", () => {
        const h = heap(16384)
        h.alloc(L(3))
        for (const a of [16, 64, 256, 4096]) {
            const p = h.alloc(L(24, a))
            expect(p % a).toBe(0)
            expect(h.check()).toEqual([])
        }
    })

    test("a region past 15-bit indices doubles the unit (still 8-aligned, 4-byte headers)", () => {
        const h = new BestfitAllocator(regionOver(BASE, _simBufferOver(new Uint8Array(1 << 20)))) // host-only: beyond a VM Buffer
        expect(h.shift).toBe(2) // U = 32 bytes: 32,767 units of 32 ≥ 1 MiB − metadata
        const a = h.alloc(L(1))
        const b = h.alloc(L(1))
        expect(a - b).toBe(32) // small: cut downwards from the top
        const big = h.alloc(L(900000))
        expect(big).not.toBe(0)
        expect(h.check()).toEqual([])
        h.dealloc(big, L(900000))
        expect(h.check()).toEqual([])
    })

    test("a region too small for the metadata is refused with its size named", () => {
        expectHeapErrorFrom(() => heap(32), HeapErrorCode.BadArgument, "32 bytes")
        expect(heap(40).stats().capacity).toBe(8) // 20 bytes of control, start sentinel, one unit, end header
    })
})

describe("bestfit realloc", () => {
    function three(h: BestfitAllocator): number[] {
        return [h.alloc(L(64)), h.alloc(L(64)), h.alloc(L(64)), h.alloc(L(64))]
    }

    test("grows into the next free block in place", () => {
        const h = heap(4096)
        const [a, b] = three(h)
        fill(h, a, 64, 1)
        h.dealloc(b, L(64))
        expect(h.realloc(a, L(64), 120)).toBe(a)
        expectFill(h, a, 64, 1)
        expect(h.check()).toEqual([])
    })

    test("grows into the previous free block, moving the payload down (overlapping copy)", () => {
        const h = heap(4096)
        const [a, b, c] = three(h)
        fill(h, b, 64, 2)
        h.dealloc(a, L(64))
        const q = h.realloc(b, L(64), 120)
        expect(q).toBe(a)
        expectFill(h, q, 64, 2)
        expect(h.check()).toEqual([])
        expect(c).toBeGreaterThan(q)
    })

    test("grows into both neighbours when neither is enough alone", () => {
        const h = heap(4096)
        const [a, b, c] = three(h)
        fill(h, b, 64, 3)
        h.dealloc(a, L(64))
        h.dealloc(c, L(64))
        const q = h.realloc(b, L(64), 190)
        expect(q).toBe(a)
        expectFill(h, q, 64, 3)
        expect(h.check()).toEqual([])
        // b's absorbed header is DEAD inside the live block now: a stale pointer, named as such.
        expect(h.region.buf.getAt(b - BASE - 4, "u32")).toBe(BFIT_DEAD)
        expectHeapErrorFrom(() => h.dealloc(b, L(64)), HeapErrorCode.NotAllocated, "stale pointer")
        expectHeapErrorFrom(() => h.dealloc(c, L(64)), HeapErrorCode.NotAllocated, "into the payload")
    })

    test("moves elsewhere when no neighbour helps, and shrinks in place freeing the tail", () => {
        const h = heap(4096)
        const [a] = three(h)
        fill(h, a, 64, 4)
        const q = h.realloc(a, L(64), 400)
        expect(q).not.toBe(a)
        expectFill(h, q, 64, 4)
        expect(h.realloc(q, L(400), 16)).toBe(q)
        expectFill(h, q, 16, 4)
        expect(h.check()).toEqual([])
    })

    test("an over-aligned block does not move down to a misaligned previous block", () => {
        const h = heap(8192)
        const a = h.alloc(L(8))
        const b = h.alloc(L(64, 64))
        h.alloc(L(8))
        h.dealloc(a, L(8))
        const q = h.realloc(b, L(64, 64), 72)
        expect(q % 64).toBe(0)
        expect(h.check()).toEqual([])
    })
})

describe("bestfit misuse and check()", () => {
    test("double free, freed-and-merged, interior, wrong layout, misaligned", () => {
        const h = heap(4096)
        const a = h.alloc(L(32))
        const b = h.alloc(L(32))
        h.alloc(L(8))
        expectHeapErrorFrom(() => h.dealloc(a, L(100)), HeapErrorCode.WrongLayout, "100")
        expectHeapErrorFrom(() => h.dealloc(a + 8, L(16)), HeapErrorCode.NotAllocated, "8 bytes into")
        expectHeapErrorFrom(() => h.dealloc(a + 4, L(16)), HeapErrorCode.Misaligned)
        h.dealloc(a, L(32))
        expectHeapErrorFrom(() => h.dealloc(a, L(32)), HeapErrorCode.DoubleFree, "already freed")
        h.dealloc(b, L(32)) // b lies below a (small blocks go downwards): a merges into b, a's header becomes DEAD
        expectHeapErrorFrom(() => h.dealloc(a, L(32)), HeapErrorCode.DoubleFree, "merged")
        expect(h.check()).toEqual([])
    })

    test("check() names a broken chain link, a free block missing from its list and a bad counter", () => {
        const h = heap(4096)
        const a = h.alloc(L(32))
        h.alloc(L(32))
        const hdr = a - BASE - 4
        const w = h.region.buf.getAt(hdr, "u32")
        h.region.buf.setAt(hdr, "u32", (w & 0xffff) | (5 << 16))
        expect(h.check().join("\n")).toMatch(/links back to 5/)
        h.region.buf.setAt(hdr, "u32", w)
        expect(h.check()).toEqual([])
        h.region.buf.setAt(hdr, "u32", w | 0x8000) // marked free but on no list
        expect(h.check().join("\n")).toMatch(/on no class list/)
    })
})
