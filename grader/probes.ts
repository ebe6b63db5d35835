/**
 * grader/probes.ts — small programs that each aim at one classic allocator bug
 * and name it (grader/diagnosis.ts CODES), run before the contract cases so a
 * student reads "off-by-one" rather than a generic failure. Portable: the
 * in-VM grading program runs the same probes.
 *
 * Every pointer an allocator returns goes through claim() before a byte is
 * written: non-null, inside the region, aligned, disjoint from the probe's
 * other live blocks (a one-byte intersection is "off-by-one", more is
 * "overlap"). Payloads carry a pattern (tests/contract/check.ts) checked
 * after every allocator call; a changed byte that no other live block covers
 * was written by the allocator itself ("metadata-in-payload").
 *
 * Order matters: geometry (region, alignment, overlap) first, then zero-size,
 * payload integrity, double free, realloc leak, coalescing: each later probe
 * assumes the earlier properties and would otherwise report a less precise code.
 * Bounds: every probe makes ≤ 300 allocator calls on the target's region
 * (≥ 4 KiB), and checks ≤ 64 live blocks after each.
 */
import { HeapError, HeapErrorCode } from "../src/core/errors"
import { HeapAllocator } from "../src/api/global_alloc"
import { ptrText } from "../src/core/hex"
import { Layout } from "../src/core/layout"
import { tick } from "../tests/contract/check"
import { ConformanceTarget } from "../tests/contract/conformance"
import { Blocks } from "./blocks"
import { GradeFailure } from "./diagnosis"

/** A probe: `code` is what its failure means unless the failure carries its own. */
export interface Probe {
    code: string
    name: string
    run: (t: ConformanceTarget) => Promise<void>
}

/** The size of the largest power-of-two request ≤ region/2 that a fresh heap serves (then freed), or 0. */
function bigRequest(heap: HeapAllocator): number {
    for (let size = heap.region.size >> 1; size >= 64; size >>= 1) {
        const l = Layout.fromSizeAlign(size, 8)
        const p = heap.alloc(l)
        if (p !== 0) {
            heap.dealloc(p, l)
            return size
        }
    }
    return 0
}

export const PROBES: Probe[] = [
    {
        code: "out-of-region",
        name: "blocks lie inside the region until the heap is full",
        run: async t => {
            const heap = t.make()
            const b = new Blocks(heap)
            const l = Layout.fromSizeAlign(200, 8)
            // Twice the region's worth of requests: the last ones must be null, not past the end.
            const n = ((heap.region.size / 200) | 0) * 2 + 4
            for (let i = 0; i < n; i++) {
                const p = heap.alloc(l)
                if (p === 0) return
                b.claim(p, l, "alloc #" + (i + 1) + " of 200 bytes")
                b.ptrs.push(p)
                b.layouts.push(l)
                b.seeds.push(0)
                // claim() compares with every live block: O(n) per call, so the VM must yield as n grows.
                await tick(64 + 16 * b.ptrs.length)
            }
            throw new GradeFailure("out-of-region", n + " allocations of 200 bytes all succeeded on a " + heap.region.size + "-byte region")
        },
    },
    {
        code: "misaligned",
        name: "every alignment from 1 to 256 is honoured",
        run: async t => {
            const b = new Blocks(t.make())
            for (let align = 1; align <= 256; align *= 2) {
                await b.take(3, align)
                await b.take(align + 5, align)
            }
        },
    },
    {
        code: "overlap",
        name: "blocks of 1 to 40 bytes are disjoint and keep their bytes",
        run: async t => {
            const b = new Blocks(t.make())
            for (let size = 1; size <= 40; size++) await b.take(size, size % 3 === 0 ? 8 : 1)
        },
    },
    {
        code: "zero-size",
        name: "zero-size requests get real, unique, freeable blocks",
        run: async t => {
            const b = new Blocks(t.make())
            await b.take(0, 1)
            await b.take(0, 8)
            await b.take(8, 8)
            await b.take(0, 4)
            await b.give(1)
            await b.give(0)
            await b.take(0, 1)
            await b.take(16, 8)
        },
    },
    {
        code: "metadata-in-payload",
        name: "freeing and reusing blocks never writes into live neighbours",
        run: async t => {
            const b = new Blocks(t.make())
            for (let i = 0; i < 8; i++) await b.take(24 + i * 8, 8)
            await b.give(5)
            await b.give(3)
            await b.give(1)
            await b.take(40, 8)
            await b.take(24, 8)
            await b.give(0)
            await b.take(8, 8)
            await b.take(100, 8)
        },
    },
    {
        code: "double-free-undetected",
        name: "a double free is reported as HeapError double-free and changes nothing",
        run: async t => {
            const b = new Blocks(t.make())
            await b.take(48, 8)
            await b.take(100, 8)
            await b.take(32, 8)
            const p = b.ptrs[1]
            const l = b.layouts[1]
            await b.give(1)
            let caught: any = null
            try {
                b.heap.dealloc(p, l)
            } catch (e) {
                caught = e
            }
            if (!(caught instanceof HeapError) || (caught as HeapError).code !== HeapErrorCode.DoubleFree)
                throw new GradeFailure("double-free-undetected", "the second dealloc(" + ptrText(p) + ", size 100) " + (caught === null ? "returned normally" : "threw " + caught) + "; expected HeapError double-free")
            await b.verify("the rejected double free")
            // The heap must still hand out distinct blocks (a silent double free puts the block on a free list twice).
            await b.take(100, 8)
            await b.take(100, 8)
        },
    },
    {
        code: "realloc-leak",
        name: "realloc that moves a block frees the old one (200 rounds on one heap)",
        run: async t => {
            const heap = t.make()
            const small = Layout.fromSizeAlign(64, 8)
            const rounds = 200
            for (let i = 0; i < rounds; i++) {
                const p = heap.alloc(small)
                if (p === 0) throw new GradeFailure("realloc-leak", "round " + (i + 1) + " of {alloc 64, realloc to 128, dealloc}: alloc(64) returned null; " + i + " rounds leaked the heap full")
                const q = heap.realloc(p, small, 128)
                if (q === 0) throw new GradeFailure("realloc-leak", "round " + (i + 1) + " of {alloc 64, realloc to 128, dealloc}: realloc returned null; " + i + " rounds leaked the heap full")
                heap.dealloc(q, Layout.fromSizeAlign(128, 8))
                await tick(64)
            }
        },
    },
    {
        code: "no-coalescing",
        name: "after freeing every block, a large request the fresh heap served succeeds",
        run: async t => {
            // The large size is found on a heap of its own: probing it on the same heap would leave
            // one large free block behind, which a free list that never merges could reuse as it is.
            const big = bigRequest(t.make())
            const heap = t.make()
            if (big === 0) throw new GradeFailure("contract", "a fresh heap of " + heap.region.size + " bytes serves no request of 64 bytes or more")
            const l = Layout.fromSizeAlign(48, 8)
            const ptrs: number[] = []
            // Until the heap is full, so no never-used memory is left to serve the large request.
            const most = ((heap.region.size / 48) | 0) + 2
            for (let i = 0; i < most; i++) {
                const p = heap.alloc(l)
                if (p === 0) break
                ptrs.push(p)
                await tick(64)
            }
            // Newest first, so a bump allocator (LIFO reclaim) passes too; a free list without merging keeps many small blocks.
            for (let i = ptrs.length - 1; i >= 0; i--) {
                heap.dealloc(ptrs[i], l)
                await tick(64)
            }
            const p = heap.alloc(Layout.fromSizeAlign(big, 8))
            if (p === 0) throw new GradeFailure("no-coalescing", "filled the heap with " + ptrs.length + " blocks of 48 bytes and freed them all (newest first); then alloc(" + big + "), which the fresh heap served, returned null")
            heap.dealloc(p, Layout.fromSizeAlign(big, 8))
        },
    },
]
