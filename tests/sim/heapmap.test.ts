/**
 * The heap map draws the allocator's metadata apart from free space
 * (sim/heapmap.ts), with metadata extents derived from the allocator itself
 * (sim/heapmeta.ts), and the memory map says its addresses are a model.
 */
import { describe, expect, test } from "vitest"
import { PICO } from "../../boards/pico"
import { ALLOCATOR_KINDS, makeAllocator } from "../../src/allocators/registry"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { renderHeapMap, renderMemoryMap } from "../../sim/heapmap"
import { allocatorKind, heapMetadata, metadataExtents } from "../../sim/heapmeta"

const { base, size } = PICO.heap

describe("allocator metadata extents (sim/heapmeta.ts)", () => {
    test("each kind: the fixed extents are what the allocator keeps out of its capacity, and never overlap a block it hands out", () => {
        // Region kinds: system keeps no metadata in any region (its table is JS arrays); multi's is its TLSF parts'.
        for (const kind of ALLOCATOR_KINDS) {
            const meta = heapMetadata(kind, base, size)
            expect(meta, kind).not.toBeNull()
            const fixedBytes = meta.fixed.reduce((n, e) => n + e.size, 0)
            const heap = makeAllocator(kind, new StaticRegion(base, size))
            // Fill the heap with small blocks: none may start inside a fixed extent.
            const ptrs: number[] = []
            for (let p = heap.alloc(Layout.fromSizeAlign(64, 8)); p !== 0; p = heap.alloc(Layout.fromSizeAlign(64, 8))) ptrs.push(p)
            expect(ptrs.length, kind).toBeGreaterThan(100)
            for (const p of ptrs) for (const e of meta.fixed) expect(p >= e.ptr + e.size || p + 64 <= e.ptr, `${kind}: block ${p} in metadata`).toBe(true)
            expect(fixedBytes, kind).toBeLessThan(size / 8)
            if (kind !== "bump") expect(fixedBytes + heap.stats().capacity, kind).toBeGreaterThanOrEqual(size - 16)
        }
    })

    test("known layouts: buddy's tree at the top, TLSF's control block at the bottom, 8-byte headers for bump and TLSF", () => {
        const buddy = heapMetadata("buddy", base, size)
        expect(buddy.fixed.at(-1).ptr + buddy.fixed.at(-1).size).toBe(base + size)
        expect(buddy.blockHeader).toBe(0)
        const tlsf = heapMetadata("tlsf", base, size)
        expect(tlsf.fixed[0].ptr).toBe(base)
        expect(tlsf.blockHeader).toBe(8)
        expect(heapMetadata("bump", base, size)).toEqual({ fixed: [], blockHeader: 8 })
        expect(heapMetadata("pool", base, size).fixed[0]).toEqual({ ptr: base, size: 1024 })
        expect(heapMetadata("malloc", base, size)).toBeNull()
        expect(allocatorKind("debug(tlsf)")).toBe("tlsf")
    })
})

describe("heap map rendering (sim/heapmap.ts)", () => {
    test("metadata cells are '=' / '-', live '#' / '+', free '.', and the legend names them", () => {
        const meta = heapMetadata("tlsf", base, size)
        const used = [{ ptr: base + 4096, size: 2048 }]
        const map = renderHeapMap(base, size, used, 64, 4, metadataExtents(meta, used))
        const rows = map.split("\n")
        expect(rows[0]).toMatch(/^  0x20020000 =====-\.+-?#{16}/)
        expect(rows.at(-2).endsWith("-")).toBe(true) // the end sentinel
        expect(rows.at(-1)).toContain("'=' allocator metadata")
        expect(renderHeapMap(base, size, used, 64, 4)).not.toContain("=====")
    })

    test("the memory map's caption says the addresses model the region's place in data RAM", () => {
        expect(renderMemoryMap(PICO)).toContain("modelled: on the board the region is a ds.Buffer inside DeviceScript's program heap")
    })
})
