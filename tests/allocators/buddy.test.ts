/**
 * BuddyAllocator: splitting and coalescing, alignment, realloc in place and
 * moving, exhaustion, every misuse case (code, message, and that nothing else
 * changed), odd region sizes, and check() catching deliberate damage to the
 * metadata bytes in region.buf.
 */
import { describe, expect, test } from "vitest"
import { Rng } from "../contract/check"
import { expectHeapErrorFrom } from "../host_expect"
import { BUDDY_HEADS, BUDDY_MAGIC, BUDDY_NIL, BUDDY_VERSION, BuddyAllocator } from "../../src/allocators/buddy"
import { HeapErrorCode } from "../../src/core/errors"
import { ptrText } from "../../src/core/hex"
import { Layout, LayoutError } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { HeapStats } from "../../src/core/stats"

const BASE = 0x20020000

function heap(size: number): BuddyAllocator {
    return new BuddyAllocator(new StaticRegion(BASE, size))
}

/**
 * A 32 KiB heap whose usable range 0..0x7DB0 ends in free blocks of 1024, 256,
 * 128, 32 and 16 bytes (at 0x7800, 0x7C00, 0x7D00, 0x7D80, 0x7DA0), with the
 * lone 32- and 16-byte ones taken (returned): the next small requests split
 * the 128-byte block at 0x7D00, so two 16-byte allocs are buddies.
 */
function heap32(): { h: BuddyAllocator; tail: number[] } {
    const h = heap(32768)
    const tail = [h.alloc(Layout.fromSizeAlign(32, 1)), h.alloc(Layout.fromSizeAlign(16, 1))]
    expect(tail).toEqual([BASE + 0x7d80, BASE + 0x7da0])
    return { h, tail }
}

/** Bit of the order-k (k ≥ 1) node holding offset off in the SPLIT bitmap, per the documented layout. */
function splitBitOf(h: BuddyAllocator, k: number, off: number): number {
    const end = h.region.size - (h.region.size % 16)
    let row = 0
    for (let j = 1; j < k; j++) {
        const n = Math.ceil(end / (16 << j))
        row += Math.ceil((n + (n & 1)) / 32) * 32
    }
    return row + (off >> (4 + k))
}
function testBit(h: BuddyAllocator, a: number, b: number): boolean {
    return (h.region.buf.getAt(a + (b >> 3), "u8") & (1 << (b & 7))) !== 0
}
function toggleBit(h: BuddyAllocator, a: number, b: number): void {
    h.region.buf.setAt(a + (b >> 3), "u8", h.region.buf.getAt(a + (b >> 3), "u8") ^ (1 << (b & 7)))
}
const isSplit = (h: BuddyAllocator, k: number, off: number) => testBit(h, h.splitMap, splitBitOf(h, k, off))
const flipSplit = (h: BuddyAllocator, k: number, off: number) => toggleBit(h, h.splitMap, splitBitOf(h, k, off))
const isFreeBit = (h: BuddyAllocator, off: number) => testBit(h, h.freeMap, off >> 4)
const flipFree = (h: BuddyAllocator, off: number) => toggleBit(h, h.freeMap, off >> 4)
function head(h: BuddyAllocator, k: number): number {
    return h.region.buf.getAt(h.metaStart + BUDDY_HEADS + 4 * k, "u32")
}

/** Fills n bytes at p with a pattern of the tag (not of the address, so a moved block still matches). */
function stamp(h: BuddyAllocator, p: number, n: number, tag: number): void {
    for (let i = 0; i < n; i++) h.region.buf.setAt(p - BASE + i, "u8", (i * 7 + tag * 31 + 1) & 0xff)
}
function intact(h: BuddyAllocator, p: number, n: number, tag: number): boolean {
    for (let i = 0; i < n; i++) if (h.region.buf.getAt(p - BASE + i, "u8") !== ((i * 7 + tag * 31 + 1) & 0xff)) return false
    return true
}

function plainStats(s: HeapStats) {
    return { ...s }
}

/** Metadata bytes (header, heads, both bitmaps). */
function meta(h: BuddyAllocator): number[] {
    const out: number[] = []
    for (let i = h.metaStart; i < h.region.size; i++) out.push(h.region.buf.getAt(i, "u8"))
    return out
}



describe("construction and layout of the metadata", () => {
    test("a 32 KiB region: header, capacity, one free block per maximal aligned piece", () => {
        const h = heap(32768)
        const buf = h.region.buf
        expect(h.kind).toBe("buddy")
        // The metadata is the region's top 592 bytes: 16 + 48 heads + 272 SPLIT bytes (rows of
        // 1024, 512, … 32 bits, then six rows of ≤ 16 bits padded to a word each) + 256 FREE bytes.
        expect(h.metaStart).toBe(32768 - 592)
        expect(h.splitBytes).toBe(272)
        expect(h.freeBytes).toBe(256)
        expect(h.splitMap).toBe(h.heads + 48)
        expect(h.freeMap).toBe(h.splitMap + 272)
        expect(h.heads).toBe(h.metaStart + BUDDY_HEADS)
        expect(buf.getAt(h.metaStart, "u32")).toBe(BUDDY_MAGIC)
        expect(buf.getAt(h.metaStart + 4, "u32")).toBe(32768)
        expect(buf.getAt(h.metaStart + 8, "u32")).toBe(h.metaStart)
        expect(buf.getAt(h.metaStart + 12, "u8")).toBe(h.maxOrder + 1)
        expect(buf.getAt(h.metaStart + 13, "u8")).toBe(BUDDY_VERSION)
        expect(h.maxOrder).toBe(11) // 16 << 11 = 32768
        const s = h.stats()
        expect(s.capacity).toBe(32768 - 592)
        expect(s.free).toBe(s.capacity)
        expect(s.inUse).toBe(0)
        expect(s.largestFree).toBe(16384)
        expect(h.check()).toEqual([])
        // The free blocks tile [0, metaStart) with no two buddies, the first one at 0.
        const blocks: number[][] = []
        h.walk((p, size, used) => blocks.push([p - BASE, size, used ? 1 : 0]))
        expect(blocks[0]).toEqual([0, 16384, 0])
        let off = 0
        for (const [o, size, used] of blocks) {
            expect(o).toBe(off)
            expect(used).toBe(0)
            expect(o % size).toBe(0)
            off += size
        }
        expect(off).toBe(h.metaStart)
    })

    test("the metadata at the end leaves offset 0 to blocks: 8 KiB + 240 bytes holds an 8 KiB block", () => {
        // Arena 16 KiB; 16 + 44 heads + 100 SPLIT bytes (rows of 264, 132, 66, … bits, word
        // padded) + 68 FREE bytes (527 units → 528 bits) = 228 → 240.
        const h = heap(8192 + 240)
        expect(h.metaStart).toBe(8192)
        const l = Layout.fromSizeAlign(8190, 8)
        const p = h.alloc(l)
        expect(p).toBe(BASE)
        expect(h.alloc(Layout.fromSizeAlign(16, 1))).toBe(0)
        h.dealloc(p, l)
        expect(h.check()).toEqual([])
        expect(heap(8192 + 224).alloc(l)).toBe(0) // 16 bytes short: no 8 KiB block
    })

    test("non-power-of-two regions work and hand out exactly their capacity", () => {
        for (const size of [24576, 40000, 40008, 57000, 4096 + 48, 600]) {
            const h = heap(size)
            expect(h.check()).toEqual([])
            const cap = h.stats().capacity
            expect(cap).toBe(h.metaStart)
            expect(h.metaStart + BUDDY_HEADS + 4 * (h.maxOrder + 1) + h.splitBytes + h.freeBytes).toBeLessThanOrEqual(size - (size % 16))
            const l = Layout.fromSizeAlign(16, 1)
            const ptrs: number[] = []
            for (;;) {
                const p = h.alloc(l)
                if (p === 0) break
                expect(p + 16).toBeLessThanOrEqual(BASE + size)
                ptrs.push(p)
            }
            expect(ptrs.length * 16).toBe(cap)
            expect(h.stats().free).toBe(0)
            expect(h.stats().largestFree).toBe(0)
            expect(h.check()).toEqual([])
            for (const p of ptrs) h.dealloc(p, l)
            expect(h.check()).toEqual([])
            expect(h.stats().free).toBe(cap)
        }
    })

    test("the arena past the region end is never touched", () => {
        // 40000 bytes: the arena is 64 KiB; a buddy beyond the end must never coalesce.
        const h = heap(40000)
        const before = h.stats().largestFree
        const l = Layout.fromSizeAlign(before, 1)
        const p = h.alloc(l)
        expect(p).not.toBe(0)
        h.dealloc(p, l)
        expect(h.stats().largestFree).toBe(before)
        expect(h.alloc(Layout.fromSizeAlign(before * 2, 1))).toBe(0)
        expect(h.check()).toEqual([])
    })

    test("a region too small for its metadata is a BadArgument HeapError", () => {
        expectHeapErrorFrom(() => heap(64), HeapErrorCode.BadArgument, "metadata")
    })
})

describe("alloc and dealloc", () => {
    test("orders, alignment up to 4096 and the zero-size rule", () => {
        const h = heap(32768)
        const cases: [number, number, number][] = [
            [0, 1, 16],
            [1, 1, 16],
            [16, 1, 16],
            [17, 1, 32],
            [24, 8, 32],
            [100, 4, 128],
            [8, 64, 64],
            [1, 256, 256],
            [10, 1024, 1024],
            [1, 4096, 4096],
        ]
        const live: [number, Layout, number][] = []
        for (const [size, align, block] of cases) {
            const l = Layout.fromSizeAlign(size, align)
            const inUse = h.stats().inUse
            const p = h.alloc(l)
            expect(p).not.toBe(0)
            expect(p % align).toBe(0)
            expect(p % block).toBe(0)
            expect(h.stats().inUse - inUse).toBe(block)
            stamp(h, p, block, size)
            live.push([p, l, block])
        }
        for (const [p, l, block] of live) expect(intact(h, p, block, l.size)).toBe(true)
        // Zero-size blocks are real and distinct.
        const z = Layout.fromSizeAlign(0, 1)
        const a = h.alloc(z)
        const b = h.alloc(z)
        expect(a).not.toBe(0)
        expect(b).not.toBe(a)
        expect(h.check()).toEqual([])
        h.dealloc(a, z)
        h.dealloc(b, z)
        for (const [p, l] of live) h.dealloc(p, l)
        expect(h.stats().inUse).toBe(0)
        expect(h.check()).toEqual([])
    })

    test("splitting and coalescing return to the initial state (stats and bitmaps)", () => {
        const h = heap(32768)
        const s0 = plainStats(h.stats())
        const m0 = meta(h)
        const g = new Rng(7)
        const r = () => g.next()
        const live: [number, Layout][] = []
        for (let i = 0; i < 300; i++) {
            const l = Layout.fromSizeAlign(1 + Math.floor(r() * 200), 1 << Math.floor(r() * 5))
            const p = h.alloc(l)
            if (p !== 0) live.push([p, l])
        }
        expect(live.length).toBeGreaterThan(100)
        expect(h.check()).toEqual([])
        // Free in a shuffled order.
        for (let i = live.length - 1; i > 0; i--) {
            const j = Math.floor(r() * (i + 1))
            const t = live[i]
            live[i] = live[j]
            live[j] = t
        }
        for (const [p, l] of live) h.dealloc(p, l)
        expect(h.check()).toEqual([])
        const s1 = plainStats(h.stats())
        expect(s1.largestFree).toBe(s0.largestFree)
        expect({ ...s1, allocs: 0, frees: 0, peakInUse: 0, minFree: 0, peakRequest: 0, failures: 0 }).toEqual({ ...s0, allocs: 0, frees: 0, peakInUse: 0, minFree: 0, peakRequest: 0, failures: 0 })
        expect(s1.allocs).toBe(live.length)
        expect(s1.failures).toBe(300 - live.length)
        expect(s1.frees).toBe(live.length)
        // Same free blocks as at construction: both bitmaps and the header are byte-identical.
        const m1 = meta(h)
        expect(m1.slice(h.splitMap - h.metaStart)).toEqual(m0.slice(h.splitMap - h.metaStart))
    })

    test("a split pushes the upper halves and a dealloc merges them back", () => {
        const h = heap(32768)
        const big = h.stats().largestFree // 16384 at offset 0
        const l = Layout.fromSizeAlign(16, 1)
        const p = h.alloc(l)
        // The 16-byte block came from splitting: every list from 16 B up has gained a half.
        expect(h.check()).toEqual([])
        h.dealloc(p, l)
        expect(h.stats().largestFree).toBe(big)
        expect(h.check()).toEqual([])
        expect(isFreeBit(h, 0)).toBe(true)
        expect(isSplit(h, h.maxOrder - 1, 0)).toBe(false) // merged back into one 16 KiB block
    })

    test("exhaustion returns 0, counts failures and corrupts nothing", () => {
        const h = heap(8192 + 240) // 8 KiB usable (240 bytes of metadata): exactly 128 blocks of 64 bytes
        expect(h.metaStart).toBe(8192)
        const l = Layout.fromSizeAlign(48, 8)
        const live: number[] = []
        for (;;) {
            const p = h.alloc(l)
            if (p === 0) break
            stamp(h, p, 48, 3)
            live.push(p)
        }
        expect(live.length).toBe(128)
        const failures = h.stats().failures
        expect(h.alloc(l)).toBe(0)
        expect(h.alloc(Layout.fromSizeAlign(16, 1))).toBe(0)
        expect(h.alloc(Layout.fromSizeAlign(1 << 20, 1))).toBe(0) // larger than the arena
        expect(h.allocZeroed(l)).toBe(0)
        expect(h.stats().failures).toBe(failures + 4)
        for (const p of live) expect(intact(h, p, 48, 3)).toBe(true)
        expect(h.check()).toEqual([])
    })

    test("allocZeroed zeroes a dirty block", () => {
        const h = heap(4096)
        const l = Layout.fromSizeAlign(100, 4)
        const p = h.alloc(l)
        h.region.fill(p, 128, 0xaa)
        h.dealloc(p, l)
        const q = h.allocZeroed(l)
        expect(q).toBe(p)
        for (let i = 0; i < 100; i++) expect(h.region.readU8(q + i)).toBe(0)
        expect(h.check()).toEqual([])
    })

    test("walk visits every block in address order", () => {
        const h = heap(16384)
        const l = Layout.fromSizeAlign(40, 8)
        const ps = [h.alloc(l), h.alloc(l), h.alloc(l)]
        h.dealloc(ps[1], l)
        let last = 0
        let total = 0
        const used: number[] = []
        h.walk((p, size, u) => {
            expect(p).toBeGreaterThan(last)
            last = p
            total += size
            if (u) used.push(p)
        })
        expect(total).toBe(h.stats().capacity)
        expect(used).toEqual([ps[0], ps[2]].sort((a, b) => a - b))
    })

    test("random workload keeps every invariant and every block's contents", () => {
        const h = heap(8192)
        const g = new Rng(42)
        const r = () => g.next()
        const live: [number, Layout, number][] = []
        for (let step = 0; step < 1500; step++) {
            const op = r()
            if (op < 0.45 || live.length === 0) {
                const l = Layout.fromSizeAlign(Math.floor(r() * 300), 1 << Math.floor(r() * 7))
                const p = r() < 0.2 ? h.allocZeroed(l) : h.alloc(l)
                if (p !== 0) {
                    expect(p % l.align).toBe(0)
                    stamp(h, p, l.size, step)
                    live.push([p, l, step])
                }
            } else if (op < 0.75) {
                const i = Math.floor(r() * live.length)
                const [p, l, tag] = live[i]
                expect(intact(h, p, l.size, tag)).toBe(true)
                h.dealloc(p, l)
                live[i] = live[live.length - 1]
                live.pop()
            } else {
                const i = Math.floor(r() * live.length)
                const [p, l, tag] = live[i]
                const n = Math.floor(r() * 400)
                const q = h.realloc(p, l, n)
                if (q !== 0) {
                    expect(intact(h, q, Math.min(n, l.size), tag)).toBe(true)
                    const nl = Layout.fromSizeAlign(n, l.align)
                    stamp(h, q, n, step)
                    live[i] = [q, nl, step]
                } else expect(intact(h, p, l.size, tag)).toBe(true)
            }
            if (step % 25 === 0) expect(h.check()).toEqual([])
        }
        for (const [p, l, tag] of live) expect(intact(h, p, l.size, tag)).toBe(true)
        expect(h.check()).toEqual([])
    })
})

describe("realloc", () => {
    test("grows in place when the block is the left buddy and the buddies are free", () => {
        const { h, tail } = heap32()
        const first = tail[0]
        const l = Layout.fromSizeAlign(16, 4)
        const p = h.alloc(l)
        expect(p).toBe(BASE + 0x7d00)
        stamp(h, p, 16, 1)
        const q = h.realloc(p, l, 100) // 16 → 128: merges the free 16- and 32- and 64-byte buddies
        expect(q).toBe(p)
        expect(intact(h, q, 16, 1)).toBe(true)
        expect(h.stats().inUse).toBe(32 + 16 + 128)
        expect(h.stats().reallocs).toBe(1)
        expect(h.check()).toEqual([])
        // 128 → 256 would need 0x7D00's 128-byte buddy 0x7D80 free: it holds `first`, so it moves.
        const r = h.realloc(q, Layout.fromSizeAlign(100, 4), 200)
        expect(r).not.toBe(q)
        expect(intact(h, r, 16, 1)).toBe(true)
        h.dealloc(r, Layout.fromSizeAlign(200, 4))
        h.dealloc(first, Layout.fromSizeAlign(32, 1))
        h.dealloc(tail[1], Layout.fromSizeAlign(16, 1))
        expect(h.stats().inUse).toBe(0)
        expect(h.check()).toEqual([])
    })

    test("shrinks in place and frees the upper halves", () => {
        const h = heap(32768)
        const l = Layout.fromSizeAlign(1000, 8)
        const p = h.alloc(l)
        stamp(h, p, 1000, 2)
        const q = h.realloc(p, l, 20)
        expect(q).toBe(p)
        expect(intact(h, q, 20, 2)).toBe(true)
        expect(h.stats().inUse).toBe(32)
        expect(h.check()).toEqual([])
        // The freed halves are usable right away.
        const r = h.alloc(Layout.fromSizeAlign(512, 1))
        expect(r).toBe(p + 512)
        expect(h.check()).toEqual([])
    })

    test("same size class: nothing moves, requested follows the new size", () => {
        const h = heap(4096)
        const l = Layout.fromSizeAlign(20, 4)
        const p = h.alloc(l)
        expect(h.realloc(p, l, 30)).toBe(p)
        expect(h.stats().requested).toBe(30)
        expect(h.stats().inUse).toBe(32)
        expect(h.check()).toEqual([])
    })

    test("moves when the buddy is live, preserving the contents", () => {
        const { h } = heap32()
        const l = Layout.fromSizeAlign(32, 4)
        const a = h.alloc(l)
        const b = h.alloc(l) // a's buddy: a cannot grow in place
        expect(b).toBe(a + 32)
        stamp(h, a, 32, 5)
        stamp(h, b, 32, 6)
        const q = h.realloc(a, l, 100)
        expect(q).not.toBe(a)
        expect(q % 128).toBe(0)
        expect(intact(h, q, 32, 5)).toBe(true)
        expect(intact(h, b, 32, 6)).toBe(true)
        expect(h.stats().liveBlocks).toBe(4)
        expect(h.stats().inUse).toBe(128 + 32 + 32 + 16)
        expect(h.check()).toEqual([])
        // The old block is free again: a fresh 32-byte request gets it back.
        expect(h.alloc(l)).toBe(a)
    })

    test("a right buddy cannot grow in place and moves", () => {
        const { h } = heap32()
        const l = Layout.fromSizeAlign(16, 1)
        const a = h.alloc(l)
        const b = h.alloc(l)
        h.dealloc(a, l) // b's left buddy is free, but b is the right buddy
        stamp(h, b, 16, 9)
        const q = h.realloc(b, l, 32)
        expect(q).not.toBe(b)
        expect(intact(h, q, 16, 9)).toBe(true)
        expect(h.check()).toEqual([])
    })

    test("failure returns 0 and leaves the old block valid and unchanged", () => {
        const h = heap(8192)
        const l = Layout.fromSizeAlign(64, 8)
        const p = h.alloc(l)
        stamp(h, p, 64, 7)
        const filler: number[] = []
        const f = Layout.fromSizeAlign(16, 1)
        for (;;) {
            const x = h.alloc(f)
            if (x === 0) break
            filler.push(x)
        }
        const before = plainStats(h.stats())
        const m = meta(h)
        expect(h.realloc(p, l, 2048)).toBe(0)
        expect(h.realloc(p, l, 1 << 20)).toBe(0) // beyond the arena
        expect(intact(h, p, 64, 7)).toBe(true)
        expect(meta(h)).toEqual(m)
        expect(h.stats().failures).toBe(before.failures + 2)
        expect(h.stats().reallocs).toBe(before.reallocs)
        expect(h.check()).toEqual([])
        h.dealloc(p, l) // still valid with its old layout
        expect(h.check()).toEqual([])
    })

    test("newSize is validated like a Layout", () => {
        const h = heap(4096)
        const l = Layout.fromSizeAlign(8, 8)
        const p = h.alloc(l)
        expect(() => h.realloc(p, l, -1)).toThrow(LayoutError)
        expect(() => h.realloc(p, l, 1.5)).toThrow(LayoutError)
        expect(() => h.realloc(p, l, 0x7fffffff)).toThrow(LayoutError)
        expect(h.check()).toEqual([])
    })
})

describe("misuse is detected before any state change", () => {
    /**
     * Sets up a heap with live stamped blocks, runs `bad`, checks the code and
     * message, then that the metadata bytes, stats and contents are unchanged.
     */
    function misuse(bad: (h: BuddyAllocator, live: number[]) => unknown, code: HeapErrorCode, ...fragments: string[]) {
        const h = heap(32768)
        const sizes = [16, 64, 32, 256, 16]
        const live: number[] = []
        for (let i = 0; i < sizes.length; i++) {
            const p = h.alloc(Layout.fromSizeAlign(sizes[i], 8))
            stamp(h, p, sizes[i], i)
            live.push(p)
        }
        // A freed block that did not coalesce (its buddy live[0]... is live).
        const freed = h.alloc(Layout.fromSizeAlign(16, 8))
        h.dealloc(freed, Layout.fromSizeAlign(16, 8))
        live.push(freed)
        const m = meta(h)
        const s = plainStats(h.stats())
        const e = expectHeapErrorFrom(() => bad(h, live), code, ...fragments)
        expect(meta(h)).toEqual(m)
        expect(plainStats(h.stats())).toEqual(s)
        for (let i = 0; i < sizes.length; i++) expect(intact(h, live[i], sizes[i], i)).toBe(true)
        expect(h.check()).toEqual([])
        return e
    }
    const L16 = Layout.fromSizeAlign(16, 8)
    const L64 = Layout.fromSizeAlign(64, 8)
    // The fixture is deterministic: its pointers, for the expected messages.
    const FIX: number[] = (() => {
        const f = heap(32768)
        const ps = [16, 64, 32, 256, 16].map(s => f.alloc(Layout.fromSizeAlign(s, 8)))
        ps.push(f.alloc(Layout.fromSizeAlign(16, 8)))
        return ps
    })()

    test("null pointer → NotAllocated", () => {
        misuse(h => h.dealloc(0, L16), HeapErrorCode.NotAllocated, "dealloc: null pointer")
        misuse(h => h.realloc(0, L16, 32), HeapErrorCode.NotAllocated, "realloc: null pointer")
    })

    test("outside the region → OutOfRegion", () => {
        misuse(h => h.dealloc(BASE - 16, L16), HeapErrorCode.OutOfRegion, ptrText(BASE - 16), "outside the region")
        misuse(h => h.dealloc(BASE + 32768, L16), HeapErrorCode.OutOfRegion, ptrText(BASE + 32768))
        misuse(h => h.realloc(0xdeadbee0, L16, 8), HeapErrorCode.OutOfRegion, "0xdeadbee0")
        misuse(h => h.dealloc(NaN, L16), HeapErrorCode.OutOfRegion)
    })

    test("misaligned → Misaligned", () => {
        misuse((h, live) => h.dealloc(live[0] + 8, L16), HeapErrorCode.Misaligned, ptrText(FIX[0] + 8), "multiple of 16")
        misuse((h, live) => h.dealloc(live[0] + 1, L16), HeapErrorCode.Misaligned, "multiple of 16")
        misuse((h, live) => h.dealloc(live[0] + 0.5, L16), HeapErrorCode.Misaligned, "whole address")
        // 16-aligned but not to the layout's 64.
        misuse((h, live) => h.dealloc(live[1] + 16, Layout.fromSizeAlign(64, 64)), HeapErrorCode.Misaligned, "align 64")
    })

    test("not the start of a live block → NotAllocated, naming the enclosing block", () => {
        misuse((h, live) => h.dealloc(live[3] + 32, L16), HeapErrorCode.NotAllocated, "32 bytes into the live 256-byte block", ptrText(FIX[3]))
        misuse(h => h.dealloc(BASE + 32768 - 592 + 16, L16), HeapErrorCode.NotAllocated, "metadata")
        misuse(h => h.realloc(BASE + 4096, L16, 8), HeapErrorCode.NotAllocated, "4096 bytes into the free 16384-byte block", ptrText(BASE))
    })

    test("the start of a free block → DoubleFree", () => {
        // The fixture's freed block did not coalesce (its buddy live[4] is live).
        misuse((h, live) => h.dealloc(live[5], L16), HeapErrorCode.DoubleFree, ptrText(FIX[5]), "free 16-byte block", "already freed")
        // A freed block whose buddy is live stays a free 16-byte block.
        const { h } = heap32()
        const l = Layout.fromSizeAlign(16, 1)
        const a = h.alloc(l)
        const b = h.alloc(l)
        stamp(h, a, 16, 4)
        h.dealloc(b, l)
        const m = meta(h)
        expectHeapErrorFrom(() => h.dealloc(b, l), HeapErrorCode.DoubleFree, ptrText(b), "free 16-byte block")
        expect(meta(h)).toEqual(m)
        expect(intact(h, a, 16, 4)).toBe(true)
        expect(h.check()).toEqual([])
        misuse((h, live) => h.realloc(live[5], L16, 100), HeapErrorCode.DoubleFree, "realloc")
    })

    test("a double free after coalescing is seen inside the merged free block", () => {
        const { h } = heap32()
        const l = Layout.fromSizeAlign(16, 1)
        const a = h.alloc(l)
        const b = h.alloc(l)
        h.dealloc(b, l)
        h.dealloc(a, l) // a and b merge into one free block starting at a
        expectHeapErrorFrom(() => h.dealloc(a, l), HeapErrorCode.DoubleFree, "free")
        expectHeapErrorFrom(() => h.dealloc(b, l), HeapErrorCode.NotAllocated, "16 bytes into the free")
        expect(h.check()).toEqual([])
    })

    test("a live block with another size class → WrongLayout naming both", () => {
        misuse((h, live) => h.dealloc(live[1], L16), HeapErrorCode.WrongLayout, "live 64-byte block", "16-byte size class", "(size 16, align 8)")
        misuse((h, live) => h.dealloc(live[0], L64), HeapErrorCode.WrongLayout, "live 16-byte block", "64-byte size class")
        misuse((h, live) => h.realloc(live[3], L64, 300), HeapErrorCode.WrongLayout, "live 256-byte block")
        misuse((h, live) => h.dealloc(live[0], Layout.fromSizeAlign(1 << 20, 8)), HeapErrorCode.WrongLayout, "larger than the arena")
    })

    test("a pointer into the unusable tail of an odd-sized region → NotAllocated", () => {
        const h = heap(40008) // the last 8 bytes can hold no block
        expectHeapErrorFrom(() => h.dealloc(BASE + 40000, Layout.fromSizeAlign(8, 8)), HeapErrorCode.NotAllocated, ptrText(BASE + 40000))
        expect(h.check()).toEqual([])
    })

    test("a layout of the same size class is not detectable (documented)", () => {
        const h = heap(4096)
        const p = h.alloc(Layout.fromSizeAlign(20, 4))
        expect(() => h.dealloc(p, Layout.fromSizeAlign(30, 8))).not.toThrow()
        expect(h.stats().liveBlocks).toBe(0)
    })
})

describe("check() detects damage to the metadata in region.buf", () => {
    /** A heap with live and free blocks of several orders. */
    function busy(): { h: BuddyAllocator; live: number[] } {
        const h = heap(16384)
        const live: number[] = []
        const sizes = [16, 16, 48, 200, 16, 1000, 32, 16]
        for (const s of sizes) live.push(h.alloc(Layout.fromSizeAlign(s, 1)))
        h.dealloc(live[1], Layout.fromSizeAlign(16, 1))
        h.dealloc(live[4], Layout.fromSizeAlign(16, 1))
        expect(h.check()).toEqual([])
        return { h, live }
    }
    function someFree(h: BuddyAllocator): [number, number] {
        for (let k = 0; k <= h.maxOrder; k++) if (head(h, k) !== BUDDY_NIL) return [k, head(h, k)]
        throw new Error("no free block")
    }
    function expectProblem(h: BuddyAllocator, fragment: string) {
        const problems = h.check()
        expect(problems.length).toBeGreaterThan(0)
        expect(problems.join("\n")).toContain(fragment)
    }

    // busy(): 16384 bytes, metaStart 16048 (0x3EB0); live[0] is the lone 16-byte block at
    // 16032 (its 32-byte parent straddles metaStart), live[5] a 1024-byte block at 14336,
    // live[7] a 16-byte block at 15968 whose buddy 15984 is free.
    test("a cleared FREE bit", () => {
        const { h } = busy()
        const [, off] = someFree(h)
        flipFree(h, off)
        expectProblem(h, "FREE bit is clear")
    })

    test("a FREE bit set on a live block", () => {
        const { h, live } = busy()
        flipFree(h, live[0] - BASE)
        expectProblem(h, "6 entries in all, but 7 FREE bits are set")
    })

    test("a FREE bit where no block starts", () => {
        const { h, live } = busy()
        flipFree(h, live[5] - BASE + 64) // inside the live 1024-byte block
        expectProblem(h, "a FREE bit is set at " + ptrText(live[5] + 64) + ", where no block starts")
        const g = busy().h
        flipFree(g, g.metaStart) // a unit of the metadata
        expectProblem(g, "a FREE bit is set at " + ptrText(BASE + g.metaStart))
    })

    test("a SPLIT bit inside a live block", () => {
        const { h, live } = busy()
        expect(live[5]).toBe(BASE + 14336)
        flipSplit(h, 3, live[5] - BASE + 256) // a 128-byte node inside the 1024-byte block
        expectProblem(h, "the 128-byte block at " + ptrText(live[5] + 256) + " is marked split but lies inside a bigger block")
    })

    test("a SPLIT bit at or past the metadata start", () => {
        const { h } = busy()
        expect(h.metaStart).toBe(16048)
        flipSplit(h, 1, 16064) // an absent 32-byte node
        expectProblem(h, "at or past the metadata start")
    })

    test("a padding bit after a row", () => {
        const { h } = busy()
        // Row 6 (1024-byte nodes) has ceil(16384 / 1024) = 16 bits in one word: bit 20 is padding.
        flipSplit(h, 6, 20 * 1024)
        expectProblem(h, "padding")
    })

    test("a cleared SPLIT bit above a split node", () => {
        const { h, live } = busy()
        // The 64-byte node at 15936 holds live[6] (32 B) and a split 32-byte node (live[7] and
        // its free buddy): cleared, it would be one 64-byte block with a split node inside.
        expect(live[6]).toBe(BASE + 15936)
        flipSplit(h, 2, 15936)
        expectProblem(h, "the 32-byte block at " + ptrText(BASE + 15968) + " is marked split but lies inside a bigger block")
    })

    test("a cleared SPLIT bit joins a live block and a free one", () => {
        const { h, live } = busy()
        flipSplit(h, 1, live[7] - BASE) // live[7] (16 B) and its free buddy become one 32-byte live block
        expectProblem(h, "FREE bit is set at " + ptrText(live[7] + 16) + ", where no block starts")
        expectProblem(h, "the SPLIT bits make no 16-byte block start there")
        expectProblem(h, "stats: inUse 1408 but the bitmaps describe 1424 bytes of live blocks")
    })

    test("a node straddling the metadata start not split", () => {
        const { h, live } = busy()
        expect(live[0]).toBe(BASE + 16032)
        flipSplit(h, 1, 16032) // the 32-byte node 16032..16064 crosses metaStart 16048
        expectProblem(h, "straddles the metadata start")
    })

    test("two free buddies (coalescing not done)", () => {
        const { h, live } = busy()
        // Mark live[7] free by hand: its buddy (in list 0) is free.
        expect(live[7]).toBe(BASE + 15968)
        flipFree(h, live[7] - BASE)
        expectProblem(h, "and its buddy are both free")
    })

    test("a broken next link", () => {
        const { h } = busy()
        const [, off] = someFree(h)
        h.region.buf.setAt(off, "u32", 0x123)
        expectProblem(h, "inside the usable range")
    })

    test("a broken prev link", () => {
        const { h } = busy()
        const [, off] = someFree(h)
        h.region.buf.setAt(off + 4, "u32", 0x400)
        expectProblem(h, "prev link is 1024")
    })

    test("a cycle in a free list ends the walk and is reported", () => {
        const { h } = busy()
        const [k, off] = someFree(h)
        h.region.buf.setAt(off, "u32", off) // next points to itself
        expectProblem(h, "free list " + k)
        expect(h.check().join("\n")).toMatch(/cycle|prev link/)
    })

    test("a list head dropped", () => {
        const { h } = busy()
        const [k] = someFree(h)
        h.region.buf.setAt(h.metaStart + BUDDY_HEADS + 4 * k, "u32", BUDDY_NIL)
        expectProblem(h, "entries in all, but")
    })

    test("the non-empty mask out of step with the heads", () => {
        const { h } = busy()
        const [k] = someFree(h)
        ;(h as unknown as { nonEmpty: number }).nonEmpty &= ~(1 << k)
        expectProblem(h, "non-empty mask says empty")
    })

    test("a damaged header", () => {
        const { h } = busy()
        h.region.buf.setAt(h.metaStart, "u32", 0)
        expectProblem(h, "header")
    })

    test("walk() refuses a block that crosses the metadata start", () => {
        const { h, live } = busy()
        flipSplit(h, 1, live[0] - BASE) // the straddling 32-byte node becomes one block
        expectHeapErrorFrom(() => h.walk(() => {}), HeapErrorCode.Corrupt, ptrText(live[0]))
    })
})
