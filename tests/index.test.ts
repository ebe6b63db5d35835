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

test("README: diagnostics, debug levels and leak reports", () => {
    const lines: string[] = []
    const debug = new bareheap.DebugAllocator(new BuddyAllocator(StaticRegion.forBoard(PICO)), bareheap.DebugLevel.Full)
    const tracker = new bareheap.TrackingAllocator(debug)
    const heap = new bareheap.LoggingAllocator(tracker, "pico", { emit: l => lines.push(l) })
    debug.setEvents(heap)
    tracker.setEvents(heap)

    const l = Layout.fromSizeAlign(8, 4)
    const p = heap.alloc(l)
    heap.region.writeU8(p + 8, 1)
    let err: unknown = null
    try {
        heap.dealloc(p, l)
    } catch (e) {
        err = e
    }
    expect(err).toBeInstanceOf(bareheap.HeapError)
    expect((err as bareheap.HeapError).code).toBe(bareheap.HeapErrorCode.CanaryClobbered)
    expect((err as Error).message).toContain(bareheap.ptrText(p))
    expect(lines.at(-1)).toBe(`~E ${bareheap.hex(lines.length - 1)} 8 ${bareheap.hex(p)} F`)

    const a = new bareheap.GlobalAllocAdapter(heap)
    const v = Vec.newIn(a, ElemKind.U32)
    v.push(1)
    const s = HeapString.fromIn(a, "kept")
    const report = bareheap.formatLeakReport(tracker.reportLeaks())
    expect(report[0]).toBe("3 live blocks, 28 bytes: vec 1 (16 B), raw 1 (8 B), string 1 (4 B)")
    // Blocks are listed in address order; the buddy serves the vec's block below the raw one.
    expect(report.slice(1)).toContain(`  ${bareheap.ptrText(p)} 8 B align 4 raw #0`)
    expect(report).toHaveLength(4)
    expect(lines.filter(x => x.startsWith("~L "))).toHaveLength(3)
    expect(debug.scan()).toBe(1)
    // ~E keeps the caller's raw pointer; ~C names the block by its offset from the region base.
    expect(lines.at(-1)).toMatch(new RegExp(`^~C [0-9a-f]+ 8 ${bareheap.hex(p - heap.region.base)}$`))
    const f = bareheap.diagnostics(heap).fragmentation
    expect(f).toBeGreaterThanOrEqual(0)
    expect(f).toBeLessThanOrEqual(100)
    s.drop()
    v.drop()
})
