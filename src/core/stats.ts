/**
 * stats.ts — the statistics record every allocator keeps (o1heap's diagnostics).
 *
 * Allocators update the counters inline on their fast paths (field writes, no
 * calls) and hand out a copy from stats(). Definitions, the same for every
 * allocator so numbers compare:
 *   capacity    bytes the allocator can ever hand out: region minus its metadata
 *   free        bytes still available to future allocations (free ≤ capacity)
 *   inUse       capacity − free: live blocks with their headers and rounding,
 *               and for bump also dead blocks not yet reclaimed
 *   requested   sum of the layout sizes of live blocks (the payload asked for)
 *   peakInUse   the largest inUse ever seen
 *   largestFree the largest single request (align 1) that would succeed now
 *   liveBlocks  blocks allocated and not yet freed
 *   allocs/frees/reallocs/failures  counts of successful calls and of nulls returned
 *   minFree     the smallest free ever seen: capacity − peakInUse (derived, as
 *               free = capacity − inUse at every moment)
 *   peakRequest the largest size ever asked of alloc, allocZeroed or realloc,
 *               whether or not it was served (o1heap's peak_request_size)
 *   fragmentation  umm_malloc's figure, 0..100: 100 − 100·√(Σ fᵢ²) / Σ fᵢ over
 *               the sizes fᵢ of the free blocks walk() reports. 0 = all free
 *               memory is one block; it approaches 100 as free memory splits
 *               into many equal small blocks (n equal blocks: 100 − 100/√n).
 *               Needs a walk of every block, so stats() leaves it −1 ("not
 *               computed") and diagnostics() (diagnostics.ts) fills it in.
 * Invariants (checked by every allocator's check()):
 *   inUse + free === capacity; largestFree ≤ free; requested ≤ inUse;
 *   liveBlocks === allocs − frees (a realloc counts as neither);
 *   minFree === capacity − peakInUse; fragmentation is −1 or in 0..100.
 */
export class HeapStats {
    capacity = 0
    free = 0
    inUse = 0
    requested = 0
    peakInUse = 0
    largestFree = 0
    liveBlocks = 0
    allocs = 0
    frees = 0
    reallocs = 0
    failures = 0
    minFree = 0
    peakRequest = 0
    fragmentation = -1

    /**
     * A snapshot from an allocator's own counters (inUse = capacity − free);
     * every allocator's stats() is this one call, so the definitions above are
     * kept in one place. Split in two calls because DeviceScript allows at
     * most 8 arguments.
     *
     * ```ts
     * return HeapStats.of(cap, free, requested, peak, largest, peakReq).counted(live, allocs, frees, reallocs, failures)
     * ```
     */
    static of(capacity: number, free: number, requested: number, peakInUse: number, largestFree: number, peakRequest: number): HeapStats {
        const s = new HeapStats()
        s.capacity = capacity
        s.free = free
        s.inUse = capacity - free
        s.requested = requested
        s.peakInUse = peakInUse
        s.largestFree = largestFree
        s.minFree = capacity - peakInUse
        s.peakRequest = peakRequest
        return s
    }

    /** Sets the block and call counts; returns this. */
    counted(liveBlocks: number, allocs: number, frees: number, reallocs: number, failures: number): HeapStats {
        this.liveBlocks = liveBlocks
        this.allocs = allocs
        this.frees = frees
        this.reallocs = reallocs
        this.failures = failures
        return this
    }

    /** A copy, so a caller's snapshot does not change under it. */
    copy(): HeapStats {
        const s = new HeapStats()
        s.capacity = this.capacity
        s.free = this.free
        s.inUse = this.inUse
        s.requested = this.requested
        s.peakInUse = this.peakInUse
        s.largestFree = this.largestFree
        s.liveBlocks = this.liveBlocks
        s.allocs = this.allocs
        s.frees = this.frees
        s.reallocs = this.reallocs
        s.failures = this.failures
        s.minFree = this.minFree
        s.peakRequest = this.peakRequest
        s.fragmentation = this.fragmentation
        return s
    }

    /** Problems with the record's own invariants, for check(); [] when consistent. */
    problems(): string[] {
        const out: string[] = []
        if (this.inUse + this.free !== this.capacity)
            out.push("stats: inUse " + this.inUse + " + free " + this.free + " != capacity " + this.capacity)
        if (this.largestFree > this.free) out.push("stats: largestFree " + this.largestFree + " > free " + this.free)
        if (this.requested > this.inUse) out.push("stats: requested " + this.requested + " > inUse " + this.inUse)
        if (this.liveBlocks !== this.allocs - this.frees)
            out.push("stats: liveBlocks " + this.liveBlocks + " != allocs " + this.allocs + " - frees " + this.frees)
        if (this.peakInUse < this.inUse) out.push("stats: peakInUse " + this.peakInUse + " < inUse " + this.inUse)
        if (this.minFree !== this.capacity - this.peakInUse)
            out.push("stats: minFree " + this.minFree + " != capacity " + this.capacity + " - peakInUse " + this.peakInUse)
        if (this.fragmentation !== -1 && !(this.fragmentation >= 0 && this.fragmentation <= 100))
            out.push("stats: fragmentation " + this.fragmentation + " is neither -1 nor in 0..100")
        return out
    }
}
