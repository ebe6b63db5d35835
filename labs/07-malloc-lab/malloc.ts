/**
 * labs/07-malloc-lab/malloc.ts — YOUR explicit-free-list allocator (lab 7,
 * the CS:APP malloc lab on a microcontroller's region; README.md beside it).
 *
 * Suggested block format (you may change it; say so here):
 *
 *     allocated:  ┌────────┬──────────────────────────┬────────┐
 *                 │ header │ payload                  │ footer │
 *                 └────────┴──────────────────────────┴────────┘
 *     free:       ┌────────┬──────┬──────┬────────────┬────────┐
 *                 │ header │ next │ prev │ (unused)   │ footer │
 *                 └────────┴──────┴──────┴────────────┴────────┘
 *     header = footer = block size | allocated bit; next/prev: offsets of the
 *     neighbouring free blocks in the free list (0xFFFFFFFF: none).
 *
 * Every method throws "not implemented" until you write it:
 *   npm run grade -- labs/07-malloc-lab/malloc.ts --lab 7
 * Must compile for DeviceScript too: `npx devs build labs/07-malloc-lab/malloc.ts`.
 */
import { BlockVisitor, HeapAllocator } from "../../src/api/global_alloc"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { HeapStats } from "../../src/core/stats"

/** Which free block alloc takes: step 1 first fit, step 2 best fit, step 3 segregated lists. */
export const enum Fit {
    First = 0,
    Best = 1,
    Segregated = 2,
}

export class LabMallocAllocator implements HeapAllocator {
    readonly kind: string = "lab-malloc"
    readonly region: StaticRegion
    /** Change it as you reach each step, and compare the scores. */
    fit: Fit = Fit.First

    constructor(region: StaticRegion) {
        this.region = region
        // TODO: one free block spanning the region (its header, footer and list links).
    }

    /** The offset of a free block of at least `size` bytes (header and footer included), or −1. */
    findFit(size: number): number {
        throw new Error("not implemented: findFit")
    }

    /** Marks free block `off` allocated for `size` bytes, splitting off the rest when it is big enough. */
    place(off: number, size: number): void {
        throw new Error("not implemented: place")
    }

    /** Merges free block `off` with its free neighbours; returns the merged block's offset. */
    coalesce(off: number): number {
        throw new Error("not implemented: coalesce")
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
