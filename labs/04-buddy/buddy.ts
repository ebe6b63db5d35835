/**
 * labs/04-buddy/buddy.ts — YOUR buddy allocator (lab 4; README.md beside it).
 *
 * The region's usable part is 2^maxOrder granules; a block of order k is
 * 2^k granules and starts at a multiple of its size, so its buddy is at
 * `offset XOR blockSize`:
 *
 *     order 3 │               0..7                │
 *     order 2 │      0..3       │      4..7       │
 *     order 1 │  0..1  │  2..3  │  4..5  │  6..7  │
 *
 * Every method throws "not implemented" until you write it:
 *   npm run grade -- labs/04-buddy/buddy.ts --lab 4
 * Must compile for DeviceScript too: `npx devs build labs/04-buddy/buddy.ts`.
 */
import { BlockVisitor, HeapAllocator } from "../../src/api/global_alloc"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { HeapStats } from "../../src/core/stats"

export class LabBuddyAllocator implements HeapAllocator {
    readonly kind: string = "lab-buddy"
    readonly region: StaticRegion

    constructor(region: StaticRegion) {
        this.region = region
        // TODO: the granule size, the largest order, one free list per order.
    }

    /** The smallest order whose blocks hold `size` bytes. */
    orderFor(size: number): number {
        throw new Error("not implemented: orderFor")
    }

    alloc(layout: Layout): number {
        throw new Error("not implemented: alloc")
    }

    allocZeroed(layout: Layout): number {
        throw new Error("not implemented: allocZeroed")
    }

    dealloc(ptr: number, layout: Layout): void {
        throw new Error("not implemented: dealloc")
    }

    realloc(ptr: number, layout: Layout, newSize: number): number {
        throw new Error("not implemented: realloc")
    }

    stats(): HeapStats {
        throw new Error("not implemented: stats")
    }

    check(): string[] {
        throw new Error("not implemented: check")
    }

    walk(visit: BlockVisitor): void {
        throw new Error("not implemented: walk")
    }
}
