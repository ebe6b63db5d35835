/**
 * labs/02-bump/bump.ts — YOUR bump allocator (lab 2; README.md beside this file).
 *
 * A bump allocator hands out memory by moving one offset, `top`, up through
 * the region:
 *
 *     region.base                      base + top                 base + size
 *     ┌────────┬──────┬────────────────┬──────────────────────────┐
 *     │ blk A  │ pad  │ blk B          │ free                     │
 *     └────────┴──────┴────────────────┴──────────────────────────┘
 *
 * Contract: src/api/global_alloc.ts (alloc/dealloc/realloc/allocZeroed),
 * plus reset(). Every method below throws "not implemented" until you write
 * it; `npm run grade -- labs/02-bump/bump.ts --lab 2` tells you what is next.
 * Must compile for DeviceScript too: `npx devs build labs/02-bump/bump.ts`.
 */
import { BlockVisitor, HeapAllocator } from "../../src/api/global_alloc"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { HeapStats } from "../../src/core/stats"

export class LabBumpAllocator implements HeapAllocator {
    readonly kind: string = "lab-bump"
    readonly region: StaticRegion

    constructor(region: StaticRegion) {
        this.region = region
        // TODO: your fields: top, the newest block, counters for stats() …
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

    /** Frees every block at once: the next alloc starts at the region's start again. */
    reset(): void {
        throw new Error("not implemented: reset")
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
