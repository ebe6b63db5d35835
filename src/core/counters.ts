/**
 * counters.ts — HeapCounters: the counters that buddy, TLSF and pool keep on
 * their fast paths, and the one stats() snapshot built from them. Each of
 * those allocators extends it, so the fields and the snapshot are written
 * once; bump keeps its own (its "in use" is the bump pointer).
 *
 * Invariants (each allocator's check() verifies them against its metadata):
 *   inUse = Σ sizes of the live blocks as the allocator rounds them,
 *   requested = Σ layout sizes of the live blocks, peakInUse ≥ inUse,
 *   allocs − frees = live blocks (a realloc counts as neither),
 *   peakRequest = the largest size ever asked, served or not.
 * The definitions of the record are in stats.ts. Cost: plain field writes
 * on the fast paths (no calls); snapshot() allocates one HeapStats.
 *
 * ```ts
 * export class MyAllocator extends HeapCounters implements HeapAllocator {
 *     stats(): HeapStats {
 *         return this.snapshot(this.largestFreeBlock())
 *     }
 * }
 * ```
 */
import { HeapStats } from "./stats"

export class HeapCounters {
    /** Bytes the allocator can ever hand out (set by the constructor). */
    protected capacity = 0
    protected inUse = 0
    protected requested = 0
    protected peakInUse = 0
    protected allocs = 0
    protected frees = 0
    protected reallocs = 0
    protected failures = 0
    /** Largest size ever asked of alloc/allocZeroed/realloc (stats().peakRequest). */
    protected peakRequest = 0

    /** stats() of the subclass, given the largest request (align 1) that would succeed now. */
    protected snapshot(largestFree: number): HeapStats {
        // liveBlocks is allocs − frees: one field write less per call.
        return HeapStats.of(this.capacity, this.capacity - this.inUse, this.requested, this.peakInUse, largestFree, this.peakRequest).counted(
            this.allocs - this.frees,
            this.allocs,
            this.frees,
            this.reallocs,
            this.failures,
        )
    }
}
