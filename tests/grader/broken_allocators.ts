/**
 * tests/grader/broken_allocators.ts — one deliberately broken allocator per
 * classic bug, each GranuleAllocator (granule_alloc.ts) with one hook changed,
 * and the diagnosis code the grader must give it (BROKEN). The grader loads
 * them from this file by class name (--class), as it would a student's file.
 */
import { Layout } from "../../src/core/layout"
import { G, GranuleAllocator } from "./granule_alloc"

/** Every 4th allocation hands out the previous block again: two live blocks share all their bytes. */
export class OverlappingBlocks extends GranuleAllocator {
    private count = 0
    private last = 0
    override alloc(layout: Layout): number {
        const p = super.alloc(layout)
        if (p !== 0 && ++this.count % 4 === 0 && this.last !== 0) return this.last
        this.last = p
        return p
    }
}

/** Reserves size − 1 bytes (an end computed as p + size − 1): the last byte is the next block's first. */
export class OffByOnePastTheEnd extends GranuleAllocator {
    protected override granulesFor(size: number): number {
        return Math.max(1, Math.ceil((size - 1) / G))
    }
}

/** Ignores layout.align: every block is only 8-aligned. */
export class AlignmentIgnored extends GranuleAllocator {
    protected override alignGranules(_align: number): number {
        return 1
    }
}

/** realloc copies to a new block and never frees the old one. */
export class LeakOnRealloc extends GranuleAllocator {
    protected override moved(_g: number, _k: number): void {}
}

/**
 * Freed blocks go to a per-size free list and are reused only by requests of
 * the same size: free neighbours are never merged (nor split).
 */
export class NoCoalescing extends GranuleAllocator {
    private lists = new Map<number, number[]>()
    private parked = new Set<number>()
    protected override release(g: number, k: number): void {
        super.release(g, k)
        for (let i = 0; i < k; i++) this.parked.add(g + i)
        const l = this.lists.get(k) ?? []
        l.push(g)
        this.lists.set(k, l)
    }
    protected override findRun(k: number, ga: number): number {
        const l = this.lists.get(k) ?? []
        for (let i = 0; i < l.length; i++) {
            if (l[i] % ga !== 0) continue
            const g = l[i]
            l.splice(i, 1)
            for (let j = 0; j < k; j++) this.parked.delete(g + j)
            return g
        }
        return super.findRun(k, ga)
    }
    protected override isFree(g: number): boolean {
        return super.isFree(g) && !this.parked.has(g)
    }
}

/** A second dealloc of a block returns quietly. */
export class DoubleFreeUndetected extends GranuleAllocator {
    protected override onDoubleFree(_ptr: number): void {}
}

/** dealloc writes a 4-byte free-list link at the end of the freed block: into the next block's payload. */
export class HeaderOverPayload extends GranuleAllocator {
    protected override release(g: number, k: number): void {
        super.release(g, k)
        const off = (g + k) * G
        if (off + 4 <= this.region.size) this.region.buf.setAt(off, "u32", 0xfeedf00d)
    }
}

/** When nothing fits, hands out the address just past the region instead of null. */
export class PointerOutsideRegion extends GranuleAllocator {
    protected override whenFull(_layout: Layout): number {
        return this.region.end()
    }
}

/** alloc(0) returns null (the contract: a real, unique, freeable block). */
export class ZeroSizeNull extends GranuleAllocator {
    override alloc(layout: Layout): number {
        return layout.size === 0 ? 0 : super.alloc(layout)
    }
    override allocZeroed(layout: Layout): number {
        return layout.size === 0 ? 0 : super.allocZeroed(layout)
    }
}

/** Class name → the diagnosis code the grader must give. */
export const BROKEN: [string, string][] = [
    ["OverlappingBlocks", "overlap"],
    ["OffByOnePastTheEnd", "off-by-one"],
    ["AlignmentIgnored", "misaligned"],
    ["LeakOnRealloc", "realloc-leak"],
    ["NoCoalescing", "no-coalescing"],
    ["DoubleFreeUndetected", "double-free-undetected"],
    ["HeaderOverPayload", "metadata-in-payload"],
    ["PointerOutsideRegion", "out-of-region"],
    ["ZeroSizeNull", "zero-size"],
]
