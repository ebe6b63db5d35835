/**
 * The fragmentation figure of src/layers/diagnostics.ts on heaps whose free blocks
 * are known exactly (a walk-only stand-in allocator), against the values the
 * definition gives by hand: n equal free blocks → 100 − 100/√n.
 */
import { describe, expect, test } from "vitest"
import { diagnostics, fragmentation } from "../../src/layers/diagnostics"
import { BlockVisitor, HeapAllocator } from "../../src/api/global_alloc"
import { makeAllocator } from "../../src/allocators/registry"
import { StaticRegion } from "../../src/core/region"

/** Only walk() matters to fragmentation(); the rest delegates to a real buddy heap. */
function withBlocks(blocks: [number, boolean][]): HeapAllocator {
    const real = makeAllocator("buddy", new StaticRegion(0x20020000, 4096))
    return Object.assign(Object.create(real), {
        walk(visit: BlockVisitor) {
            let p = 0x20020000
            for (const [size, used] of blocks) {
                visit(p, size, used)
                p += size
            }
        },
    }) as HeapAllocator
}

describe("fragmentation (umm_malloc's 100 − 100·√Σf²/Σf)", () => {
    test("nothing free: 0", () => {
        expect(fragmentation(withBlocks([[64, true]]))).toBe(0)
    })
    test("one free block, whatever the used ones: 0", () => {
        expect(fragmentation(withBlocks([[64, true], [1000, false], [8, true]]))).toBe(0)
    })
    test("free blocks that touch are one extent: 0", () => {
        expect(fragmentation(withBlocks([[64, true], [512, false], [256, false], [128, false], [8, true]]))).toBe(0)
        // two extents of 896 and 896 → 100 − 100/√2
        expect(fragmentation(withBlocks([[512, false], [384, false], [8, true], [896, false]]))).toBeCloseTo(100 - 100 / Math.sqrt(2), 9)
    })
    test("n equal free blocks: 100 − 100/√n", () => {
        for (const n of [2, 4, 16, 100]) {
            const blocks: [number, boolean][] = []
            for (let i = 0; i < n; i++) blocks.push([32, false], [16, true])
            expect(fragmentation(withBlocks(blocks))).toBeCloseTo(100 - 100 / Math.sqrt(n), 9)
        }
    })
    test("one big and one small free block: close to 0", () => {
        // √(1000² + 10²) / 1010 = 0.99014…
        expect(fragmentation(withBlocks([[1000, false], [8, true], [10, false]]))).toBeCloseTo(100 - (100 * Math.sqrt(1000 * 1000 + 100)) / 1010, 9)
    })
    test("diagnostics() is stats() with fragmentation filled and the record's invariants kept", () => {
        const heap = makeAllocator("tlsf", new StaticRegion(0x20020000, 8192))
        const s = heap.stats()
        const d = diagnostics(heap)
        expect(s.fragmentation).toBe(-1)
        expect(d.fragmentation).toBeGreaterThanOrEqual(0)
        expect({ ...d, fragmentation: -1 }).toEqual({ ...s })
        expect(d.problems()).toEqual([])
        d.fragmentation = 101
        expect(d.problems().join()).toMatch(/fragmentation 101/)
    })
})
