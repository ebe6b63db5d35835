/**
 * The public API (src/index.ts) loads as a module in Node — type-only names
 * must be `export type`, or a host import fails — and the README's examples
 * run as written.
 */
import { afterEach, expect, test } from "vitest"
import * as bareheap from "../src/index"
import { BuddyAllocator, Box, ElemKind, Global, HeapString, Layout, PICO, StaticRegion, Vec, alloc, dealloc, realloc, setGlobalAllocator } from "../src/index"

afterEach(() => setGlobalAllocator(null))

test("every allocator, container and board is exported", () => {
    for (const name of ["BumpAllocator", "BuddyAllocator", "TlsfAllocator", "PoolAllocator", "LoggingAllocator", "OomHookAllocator", "Box", "Vec", "HeapString", "Global", "GlobalAllocAdapter", "Layout", "StaticRegion", "PICO", "ESP32S2", "BOARDS", "makeAllocator", "handleAllocError"])
        expect(bareheap, name).toHaveProperty(name)
})

test("README: using the allocators", () => {
    const heap = new BuddyAllocator(StaticRegion.forBoard(PICO))
    setGlobalAllocator(heap)
    const point = Layout.fromSizeAlign(8, 4)
    const p = alloc(point)
    heap.region.writeU32(p, 42)
    const q = realloc(p, point, 64)
    expect(heap.region.readU32(q)).toBe(42)
    dealloc(q, Layout.fromSizeAlign(64, 4))
    expect(heap.stats().liveBlocks).toBe(0)
    expect(heap.check()).toEqual([])
})

test("README: the Allocator API and containers", () => {
    setGlobalAllocator(new BuddyAllocator(StaticRegion.forBoard(PICO)))
    const heap = new Global()
    const b = Box.newIn(heap, Layout.scalar(8))
    b.setF64(0, 21.5)
    const v = Vec.newIn(heap, ElemKind.U32)
    for (let i = 0; i < 100; i++) v.push(i)
    const s = HeapString.fromIn(heap, "héllo €")
    expect(s.length()).toBe(10)
    expect(s.toJsString()).toBe("héllo €")
    expect(b.getF64(0)).toBe(21.5)
    expect(v.get(99)).toBe(99)
    s.drop()
    v.drop()
    b.drop()
})
