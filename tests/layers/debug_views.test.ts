/**
 * The debug modes (src/layers/debug.ts) over the allocators whose region is
 * a view: system (each block its own Buffer behind a handle) and multi
 * (several regions with gaps between them). The same suites as the region
 * allocators (debug_suite.ts), and what only a view has: pointers into a
 * system block's handle range past its Buffer, pointers into a gap, and
 * links that lead out of every Buffer.
 */
import { describe, expect, test } from "vitest"
import { ALLOCATOR_KINDS, HEAP_KINDS } from "../../src/allocators/registry"
import { MultiAllocator, MultiPolicy } from "../../src/allocators/multi"
import { SystemAllocator } from "../../src/allocators/system"
import { TlsfAllocator } from "../../src/allocators/tlsf"
import { HeapAllocator } from "../../src/api/global_alloc"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { DebugAllocator, DebugLevel } from "../../src/layers/debug"
import { debugSuites } from "./debug_suite"

const VIEW_KINDS = ["system", "multi"]

test("every registered kind runs the debug suites: the region allocators in debug.test.ts, the views here", () => {
    expect([...ALLOCATOR_KINDS, ...VIEW_KINDS].sort()).toEqual([...HEAP_KINDS].sort())
})

for (const kind of VIEW_KINDS) debugSuites(kind)

function heapError(f: () => unknown): HeapError {
    try {
        f()
    } catch (e) {
        if (e instanceof HeapError) return e
        throw new Error(`expected a HeapError, got ${String(e)}`)
    }
    throw new Error("expected a HeapError, nothing was thrown")
}

/** Two TLSF regions 64 KiB apart: a gap the view's base..end spans but no Buffer holds. */
function twoRegions(): MultiAllocator {
    return new MultiAllocator([new TlsfAllocator(new StaticRegion(0x20000000, 8192)), new TlsfAllocator(new StaticRegion(0x20010000, 4096))], ["", "dma"], MultiPolicy.Prefer, "dma")
}

const L = (size: number, align = 8) => Layout.fromSizeAlign(size, align)

describe.each([DebugLevel.Light, DebugLevel.Full])("debug level %i over views", level => {
    test("system: every pointer into a block's handle range past its Buffer is a clean HeapError, and the heap is intact", () => {
        const heap = new DebugAllocator(new SystemAllocator(8192), level)
        const a = heap.alloc(L(24))
        const b = heap.alloc(L(100))
        heap.region.fill(b, 100, 0x3c)
        // b's Buffer is 16 + 100 + 4 bytes at the slot's start; the slot spans 64 KiB.
        const slot = b - 16
        for (const p of [slot + 120, slot + 124, slot + 0x1000, slot + 0xfff0, slot + 0xfffc, b + 104]) {
            const e = heapError(() => heap.dealloc(p, L(8, 4)))
            expect(e.ptr).toBe(p)
            expect([HeapErrorCode.NotAllocated, HeapErrorCode.OutOfRegion]).toContain(e.code)
            expect(heapError(() => heap.realloc(p, L(8, 4), 16)).ptr).toBe(p)
        }
        // The slot's own start (the inner block) is no debug block either.
        expect(heapError(() => heap.dealloc(slot, L(8))).code).toBe(HeapErrorCode.NotAllocated)
        // A free slot's address: the system allocator's code for it.
        heap.dealloc(a, L(24))
        heap.drain()
        expect(heapError(() => heap.dealloc(a, L(24))).code).toBe(HeapErrorCode.DoubleFree)
        expect(heap.check()).toEqual([])
        for (let i = 0; i < 100; i++) expect(heap.region.readU8(b + i)).toBe(0x3c)
        heap.dealloc(b, L(100))
        heap.drain()
        expect(heap.check()).toEqual([])
        expect(heap.inner.stats().liveBlocks).toBe(0)
    })

    test("system: realloc gives the block a new Buffer at the same address; canaries and links follow it", () => {
        const heap = new DebugAllocator(new SystemAllocator(8192), level)
        const a = heap.alloc(L(40))
        const b = heap.alloc(L(40))
        const c = heap.alloc(L(40))
        heap.region.fill(b, 40, 0x77)
        const before = (heap.inner as SystemAllocator).region.blocks[1]
        expect(heap.realloc(b, L(40), 400)).toBe(b)
        expect((heap.inner as SystemAllocator).region.blocks[1]).not.toBe(before)
        for (let i = 0; i < 40; i++) expect(heap.region.readU8(b + i)).toBe(0x77)
        expect(heap.check()).toEqual([])
        heap.region.writeU8(b + 400, 0) // one past the grown end: the new Buffer's tail canary
        expect(heapError(() => heap.dealloc(b, L(400))).code).toBe(HeapErrorCode.CanaryClobbered)
        heap.region.writeU8(b + 400, 0xfd)
        for (const [p, n] of [[a, 40], [b, 400], [c, 40]]) heap.dealloc(p, L(n))
        heap.drain()
        expect(heap.check()).toEqual([])
    })

    test("multi: a pointer in the gap between regions, or past a region's end, is a clean HeapError", () => {
        const heap = new DebugAllocator(twoRegions(), level)
        const p = heap.alloc(L(64)) // "dma" first: the second region
        expect(p).toBeGreaterThanOrEqual(0x20010000)
        const q = heap.alloc(L(4000)) // too big for what is left there: the first region
        expect(q).toBeLessThan(0x20002000)
        for (const g of [0x20002000, 0x20002010, 0x20008000, 0x2000fff0]) {
            const e = heapError(() => heap.dealloc(g, L(8)))
            expect(e.code).toBe(HeapErrorCode.OutOfRegion)
            expect(e.ptr).toBe(g)
        }
        // The first word of the second region: its head would lie in the gap.
        expect(heapError(() => heap.dealloc(0x20010000, L(8))).ptr).toBe(0x20010000)
        expect(heap.check()).toEqual([])
        heap.dealloc(p, L(64))
        heap.dealloc(q, L(4000))
        heap.drain()
        expect(heap.check()).toEqual([])
        expect(heap.stats().liveBlocks).toBe(0)
    })
})

test("multi: the live list links blocks in both regions; an overflow in either is found by scan()", () => {
    const heap = new DebugAllocator(twoRegions(), DebugLevel.Light)
    const ptrs: number[] = []
    for (let i = 0; i < 40; i++) {
        const p = heap.alloc(L(150))
        if (p !== 0) ptrs.push(p)
    }
    const low = ptrs.filter(p => p < 0x20002000)
    const high = ptrs.filter(p => p >= 0x20010000)
    expect(low.length).toBeGreaterThan(0)
    expect(high.length).toBeGreaterThan(0)
    expect(heap.check()).toEqual([])
    heap.region.writeU8(low[0] + 150, 1)
    heap.region.writeU8(high[0] + 150, 1)
    expect(heap.scan()).toBe(2)
    expect(heap.failures().map(f => f.ptr).sort()).toEqual([low[0], high[0]].sort())
    heap.region.writeU8(low[0] + 150, 0xfd)
    heap.region.writeU8(high[0] + 150, 0xfd)
    heap.clearFailures()
    for (const p of ptrs) heap.dealloc(p, L(150)) // unlinking across the gap, oldest first
    expect(heap.check()).toEqual([])
})

test("full over system: a clobbered quarantine link that leads out of every Buffer is recorded, not thrown", () => {
    const heap = new DebugAllocator(new SystemAllocator(8192), DebugLevel.Full, { quarantineBytes: 1024 })
    const a = heap.alloc(L(32))
    const b = heap.alloc(L(32))
    heap.dealloc(a, L(32))
    heap.dealloc(b, L(32))
    expect(heap.quarantined()).toBe(2)
    heap.region.writeU32(a - 16, 0x70008000) // a's "next newer" link: into slot 0's range, past its Buffer
    expect(heap.check().some(s => s.includes("invalid block address 0x70008000"))).toBe(true)
    expect(heap.scan()).toBe(1)
    heap.drain() // a leaves (its fill is intact), then the link leads nowhere: recorded, the rest abandoned
    expect(heap.quarantined()).toBe(0)
    expect(heap.failures().every(f => f.code === HeapErrorCode.Corrupt && f.ptr === 0x70008000)).toBe(true)
    const p = heap.alloc(L(32)) // the heap still serves
    expect(p).not.toBe(0)
})

test("the debug layer's inner walk on the misuse path works over both views", () => {
    for (const inner of [new SystemAllocator(8192), twoRegions()] as HeapAllocator[]) {
        const heap = new DebugAllocator(inner, DebugLevel.Light)
        const p = heap.alloc(L(48))
        const foreign = inner.alloc(L(48)) // an inner block the debug layer never handed out
        expect(heapError(() => heap.dealloc(foreign, L(48))).code).toBe(HeapErrorCode.NotAllocated)
        expect(inner.stats().liveBlocks).toBe(2) // the inner dealloc was not asked: the walk saw a used block
        heap.dealloc(p, L(48))
        inner.dealloc(foreign, L(48))
        expect(heap.check()).toEqual([])
    }
})
