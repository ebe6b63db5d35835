/**
 * SystemAllocator (src/allocators/system.ts) beyond the shared conformance and
 * property suites (which it runs in tests/allocators/allocators.test.ts): its
 * handle addresses, its budget and slot limits, its region view, what check()
 * catches, and the layers wrapping it as they wrap a region allocator.
 */
import { describe, expect, test } from "vitest"
import * as ds from "@devicescript/core"
import { SystemAllocator } from "../../src/allocators/system"
import { HANDLE_BASE, MAX_HANDLES } from "../../src/core/handle_space"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { Layout } from "../../src/core/layout"
import { MAX_DEVICE_REGION } from "../../src/core/region"
import { LoggingAllocator } from "../../src/layers/logging"
import { TrackingAllocator } from "../../src/layers/tracking"
import { DebugAllocator, DebugLevel } from "../../src/layers/debug"
import { BOARDS } from "../../boards/index"
import { validateBoard } from "../../boards/validate"
import { StreamDecoder } from "../../sim/decoder"
import { heapErrorOf } from "../heap_error_of"

const L = (size: number, align = 8) => Layout.fromSizeAlign(size, align)

describe("SystemAllocator", () => {
    test("pointers are handles 64 KiB apart from 0x70000000, reused last-freed first", () => {
        const sys = new SystemAllocator(4096)
        const a = sys.alloc(L(24))
        const b = sys.alloc(L(100, 4096))
        expect(a).toBe(HANDLE_BASE)
        expect(b).toBe(HANDLE_BASE + 0x10000)
        expect(b % 4096).toBe(0)
        sys.dealloc(a, L(24))
        expect(sys.alloc(L(8))).toBe(a)
        expect(sys.check()).toEqual([])
    })

    test("no board region overlaps the handle space, and validate refuses one that does", () => {
        for (const b of BOARDS) for (const m of b.memory) expect(m.base + m.size <= HANDLE_BASE || m.base >= HANDLE_BASE + MAX_HANDLES * 0x10000).toBe(true)
        const b = JSON.parse(JSON.stringify(BOARDS[0]))
        b.memory.push({ name: "fake", kind: "sram", base: 0x73fff000, size: 0x2000 })
        expect(() => validateBoard(b)).toThrow(/overlaps the system allocator's handle space 0x70000000\.\.0x74000000/)
    })

    test("the region view routes reads and writes to each block's Buffer and refuses anything else", () => {
        const sys = new SystemAllocator(4096)
        const p = sys.alloc(L(16))
        const q = sys.alloc(L(16))
        sys.region.writeU32(p + 12, 0xdeadbeef)
        sys.region.fill(q, 16, 0x5a)
        expect(sys.region.readU32(p + 12)).toBe(0xdeadbeef)
        expect(sys.region.readU8(q + 15)).toBe(0x5a)
        sys.region.copy(q, p + 12, 4) // across blocks
        expect(sys.region.readU32(q)).toBe(0xdeadbeef)
        expect(sys.region.contains(p, 16)).toBe(true)
        expect(sys.region.contains(p, 17)).toBe(false)
        // One byte past a block, and a freed block: an error naming the address, not a write elsewhere.
        expect(heapErrorOf(() => sys.region.writeU8(p + 16, 1)).code).toBe(HeapErrorCode.OutOfRegion)
        sys.dealloc(q, L(16))
        const e = heapErrorOf(() => sys.region.readU8(q))
        expect(e.code).toBe(HeapErrorCode.OutOfRegion)
        expect(e.message).toContain("0x70010000")
        expect(sys.region.buf.length).toBe(0) // a view owns no bytes
    })

    test("the budget, the largest Buffer and the slot count bound what it serves", () => {
        const sys = new SystemAllocator(1000)
        expect(sys.alloc(L(1001, 1))).toBe(0)
        const p = sys.alloc(L(600, 1))
        expect(sys.stats().largestFree).toBe(400)
        expect(sys.alloc(L(401, 1))).toBe(0)
        expect(sys.realloc(p, L(600, 1), 1001)).toBe(0)
        expect(sys.stats().failures).toBe(3)
        const big = new SystemAllocator(100000)
        expect(big.stats().largestFree).toBe(MAX_DEVICE_REGION)
        expect(big.alloc(L(MAX_DEVICE_REGION + 1, 1))).toBe(0)
        const many = new SystemAllocator(MAX_HANDLES + 10)
        for (let i = 0; i < MAX_HANDLES; i++) expect(many.alloc(L(1, 1))).not.toBe(0)
        expect(many.stats().largestFree).toBe(0)
        expect(many.alloc(L(1, 1))).toBe(0)
        expect(many.check()).toEqual([])
    })

    test("realloc keeps the address and min(old, new) bytes, in a new Buffer", () => {
        const sys = new SystemAllocator(4096)
        const p = sys.alloc(L(8, 4))
        sys.region.writeU32(p, 0x01020304)
        sys.region.writeU32(p + 4, 0x05060708)
        const old = sys.region.bufferOf(p, 8)
        expect(sys.realloc(p, L(8, 4), 300)).toBe(p)
        expect(sys.region.bufferOf(p, 300)).not.toBe(old)
        expect(sys.region.readU32(p + 4)).toBe(0x05060708)
        expect(sys.realloc(p, L(300, 4), 2)).toBe(p)
        expect(sys.region.readU8(p)).toBe(0x04)
        expect(sys.stats().inUse).toBe(2)
        expect(sys.check()).toEqual([])
    })

    test("misuse is named before any change", () => {
        const sys = new SystemAllocator(4096)
        const p = sys.alloc(L(32))
        expect(heapErrorOf(() => sys.dealloc(0x20020000, L(32))).code).toBe(HeapErrorCode.OutOfRegion)
        expect(heapErrorOf(() => sys.dealloc(p + 8, L(32))).code).toBe(HeapErrorCode.NotAllocated)
        expect(heapErrorOf(() => sys.dealloc(p + 4, L(32))).code).toBe(HeapErrorCode.Misaligned)
        expect(heapErrorOf(() => sys.dealloc(HANDLE_BASE + 0x50000, L(32))).code).toBe(HeapErrorCode.NotAllocated)
        const e = heapErrorOf(() => sys.dealloc(p, L(16)))
        expect(e.code).toBe(HeapErrorCode.WrongLayout)
        expect(e.message).toContain("size 32")
        expect(sys.stats().liveBlocks).toBe(1)
        sys.dealloc(p, L(32))
        expect(heapErrorOf(() => sys.dealloc(p, L(32))).code).toBe(HeapErrorCode.DoubleFree)
    })

    test("check() sees a table that disagrees with its counters", () => {
        const sys = new SystemAllocator(4096)
        const p = sys.alloc(L(40))
        sys.alloc(L(8))
        sys.region.blocks[0] = ds.Buffer.alloc(41) // a Buffer swapped behind the allocator's back
        expect(sys.check().join("\n")).toContain("block 0x70000000 has 41 bytes for size 40")
        sys.region.blocks[0] = null
        expect(sys.check().join("\n")).toContain("free slot 0 is missing from the spare stack")
        expect(p).toBe(HANDLE_BASE)
    })

    test("capacity must be a whole number ≥ 1", () => {
        expect(() => new SystemAllocator(0)).toThrow(/capacity 0 must be a whole number/)
        expect(() => new SystemAllocator(1.5)).toThrow(HeapError)
    })
})

describe("layers wrap the system allocator as they wrap a region allocator", () => {
    test("logging: a stream the host decoder reads, with handle addresses", () => {
        const lines: string[] = []
        const heap = new LoggingAllocator(new SystemAllocator(8192), "pico", { emit: l => lines.push(l) })
        const a = heap.alloc(L(24))
        const b = heap.allocZeroed(L(100))
        const a2 = heap.realloc(a, L(24), 200)
        heap.dealloc(b, L(100))
        heap.emitStats()
        expect(lines[0]).toMatch(/^~H 0 \S+ pico system 70000000 /)
        const d = new StreamDecoder()
        lines.forEach((l, i) => d.push(l, i + 1))
        expect(d.counts.allocs).toBe(1)
        expect(d.counts.zeroed).toBe(1)
        expect(d.counts.deallocs).toBe(1)
        expect(d.counts.reallocsInPlace).toBe(1)
        expect(d.counts.liveBlocks).toBe(1)
        expect(d.counts.liveBytes).toBe(200)
        expect(d.blocks().map(x => x.ptr)).toEqual([a2])
        expect(heap.check()).toEqual([])
    })

    test("tracking: a leak report of the live blocks at their handles", () => {
        const heap = new TrackingAllocator(new SystemAllocator(8192))
        const a = heap.alloc(L(24))
        const b = heap.alloc(L(64))
        heap.dealloc(a, L(24))
        const r = heap.leakReport()
        expect(r.count).toBe(1)
        expect(r.bytes).toBe(64)
        expect(r.blocks[0].ptr).toBe(b)
        expect(heap.check()).toEqual([])
        expect(heapErrorOf(() => heap.dealloc(a, L(24))).code).toBe(HeapErrorCode.DoubleFree)
    })

    test("debug: wraps it like a region allocator; a one-byte overflow is caught on dealloc (more in tests/layers/debug_views.test.ts)", () => {
        const heap = new DebugAllocator(new SystemAllocator(8192), DebugLevel.Light)
        const p = heap.alloc(L(24))
        heap.region.writeU8(p + 24, 0)
        expect(heapErrorOf(() => heap.dealloc(p, L(24))).code).toBe(HeapErrorCode.CanaryClobbered)
        heap.region.writeU8(p + 24, 0xfd)
        heap.dealloc(p, L(24))
        expect(heap.check()).toEqual([])
    })
})

test("README: the system allocator", () => {
    const lines: string[] = []
    const sys = new LoggingAllocator(new SystemAllocator(8192), "pico", { emit: l => lines.push(l) })
    const p = sys.alloc(Layout.fromSizeAlign(24, 8))
    expect(p).toBe(0x70000000)
    sys.region.writeU32(p, 42)
    expect(sys.region.readU32(p)).toBe(42)
    expect(lines.some(l => l.startsWith("~A "))).toBe(true)
})
