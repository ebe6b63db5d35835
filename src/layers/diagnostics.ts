/**
 * diagnostics.ts — the full diagnostics record of any allocator: stats() plus
 * the figures that need a walk over every block (today: fragmentation).
 *
 * stats() is cheap (counters kept on the fast paths) and leaves
 * `fragmentation` at −1; diagnostics() walks the heap once to fill it in, so
 * call it for a report, not per allocation. Works for every HeapAllocator and
 * every wrapper (they forward walk()).
 *
 * Fragmentation (umm_malloc's definition, in percent): with fᵢ the sizes of
 * the free extents — runs of free blocks that touch, as walk() reports them —
 *     F = 100 − 100 · √(Σ fᵢ²) / Σ fᵢ      (F = 0 when nothing is free)
 * Touching free blocks count as one extent because allocators differ in how
 * they split free memory that is in fact contiguous (buddy keeps a fresh
 * heap as blocks of falling orders, pool as free pages that a span may join):
 * per block, a fresh buddy heap would already read 40 %.
 * One free block gives 0; n equal free blocks give 100 − 100/√n (2 → 29.3,
 * 4 → 50, 100 → 90). It says how scattered the free memory is, independently
 * of how much there is: compare it with largestFree / free for "can the next
 * big request succeed".
 *
 * Cost: O(blocks) — one walk() and a multiply-add per free block.
 *
 * ```ts
 * const d = diagnostics(heap)
 * console.log("free " + d.free + " B in blocks " + d.fragmentation + " % fragmented, min ever free " + d.minFree)
 * ```
 */
import { HeapAllocator } from "../api/global_alloc"
import { HeapStats } from "../core/stats"

/** The fragmentation figure above, from one walk of `heap`'s blocks. */
export function fragmentation(heap: HeapAllocator): number {
    let sum = 0
    let sumSq = 0
    let run = 0 // size of the current run of touching free blocks
    let runEnd = -1 // address just past it
    heap.walk((ptr: number, size: number, used: boolean) => {
        if (used) return
        if (ptr === runEnd) {
            run += size
        } else {
            // run < 2^25 on every region, so run² < 2^50: exact in a double.
            sumSq += run * run
            run = size
        }
        runEnd = ptr + size
        sum += size
    })
    sumSq += run * run
    if (sum === 0) return 0
    const f = 100 - (100 * Math.sqrt(sumSq)) / sum
    // √ may round a hair past the exact value: keep the record's 0..100 invariant.
    return f < 0 ? 0 : f
}

/** stats() with `fragmentation` computed (see the file header). */
export function diagnostics(heap: HeapAllocator): HeapStats {
    const s = heap.stats()
    s.fragmentation = fragmentation(heap)
    return s
}
