/**
 * region_set.ts — RegionSet: one region-like view over several StaticRegions
 * (the heap of a multi-region allocator, allocators/multi.ts), as FreeRTOS's
 * heap_5 or TLSF's add_pool see a chip's separate RAM blocks.
 *
 *     base = parts[0].base                                   base + size
 *     ┌─────────────┐        ┌──────────┐      ┌─────────────────┐
 *     │ parts[0]    │  gap   │ parts[1] │ gap  │ parts[2]        │
 *     └─────────────┘        └──────────┘      └─────────────────┘
 *
 * Invariants: parts are sorted by base and disjoint (the constructor refuses
 * anything else, naming both regions); base = parts[0].base, size = the
 * last part's end − base; an address in a gap is outside every part, and
 * reaching it is a HeapError(OutOfRegion). tags[i] and kinds[i] label
 * parts[i] (its capability tags, space-separated, and the kind of allocator
 * managing it): wrapper layers pass `region` through unchanged, so the
 * logging layer finds the region table here for the stream's header.
 *
 * Cost: partIndex is a binary search, O(log parts); every helper routes
 * through it (routed_region.ts).
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "./errors"
import { ptrText } from "./hex"
import { StaticRegion } from "./region"
import { RoutedRegion } from "./routed_region"

/**
 * Several regions seen as one address space.
 *
 * ```ts
 * const set = new RegionSet([new StaticRegion(0x20000000, 4096), new StaticRegion(0x20040000, 4096)])
 * set.writeU8(0x20040010, 7) // lands in the second region's Buffer
 * ```
 */
export class RegionSet extends RoutedRegion {
    readonly parts: StaticRegion[]
    /** Capability tags of each part, space-separated ("fast dma"; "" for none). */
    readonly tags: string[]
    /** Kind of the allocator managing each part ("tlsf"); "" when the set is not a heap's. */
    readonly kinds: string[]

    constructor(parts: StaticRegion[], tags?: string[], kinds?: string[]) {
        if (parts.length === 0) throw new HeapError(HeapErrorCode.BadArgument, 0, "a region set needs at least one region")
        if ((tags !== undefined && tags.length !== parts.length) || (kinds !== undefined && kinds.length !== parts.length))
            throw new HeapError(HeapErrorCode.BadArgument, 0, "a region set needs one tag string and one kind per region")
        for (let i = 1; i < parts.length; i++)
            if (parts[i].base < parts[i - 1].base + parts[i - 1].size)
                throw new HeapError(
                    HeapErrorCode.BadArgument,
                    parts[i].base,
                    "region " + ptrText(parts[i].base) + " overlaps or precedes region " + ptrText(parts[i - 1].base) + ".." + ptrText(parts[i - 1].base + parts[i - 1].size) + " (regions must be sorted by address and disjoint)",
                )
        const last = parts[parts.length - 1]
        super(parts[0].base, last.base + last.size - parts[0].base)
        this.parts = parts
        const none: string[] = []
        for (let i = 0; i < parts.length; i++) none.push("")
        this.tags = tags === undefined ? none : tags
        this.kinds = kinds === undefined ? none : kinds
    }

    /** Index of the part whose [base, end) holds ptr, or −1. O(log parts). */
    partIndex(ptr: number): number {
        let lo = 0
        let hi = this.parts.length - 1
        while (lo <= hi) {
            const mid = (lo + hi) >> 1
            const p = this.parts[mid]
            if (ptr < p.base) hi = mid - 1
            else if (ptr >= p.base + p.size) lo = mid + 1
            else return mid
        }
        return -1
    }

    /** The part's Buffer when one part holds all of [ptr, ptr + len), its offset in `located`; else null. */
    override locate(ptr: number, len: number): ds.Buffer {
        const i = this.partIndex(ptr)
        if (i < 0) return null
        const p = this.parts[i]
        const b = p.locate(ptr, len)
        if (b !== null) this.located = p.located
        return b
    }

    /** OutOfRegion in a gap or outside; inside a part, the part's own error (offsetOf's: past its end, fractional, bad length). */
    protected override outside(ptr: number, len: number): HeapError {
        const i = this.partIndex(ptr)
        if (i >= 0) {
            try {
                this.parts[i].offsetOf(ptr, len)
            } catch (e) {
                if (e instanceof HeapError) return e
            }
        }
        return new HeapError(HeapErrorCode.OutOfRegion, ptr, "address " + ptrText(ptr) + " is outside every region of the set")
    }

    override contains(ptr: number, len: number): boolean {
        const i = this.partIndex(ptr)
        return i >= 0 && this.parts[i].contains(ptr, len)
    }
}
