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
 * the free blocks that walk() reports,
 *     F = 100 − 100 · √(Σ fᵢ²) / Σ fᵢ      (F = 0 when nothing is free)
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
import { HeapAllocator } from "./global_alloc"
import { HeapStats } from "./stats"

/** The fragmentation figure above, from one walk of `heap`'s blocks. */
export function fragmentation(heap: HeapAllocator): number {
    let sum = 0
    let sumSq = 0
    heap.walk((ptr: number, size: number, used: boolean) => {
        if (!used) {
            sum += size
            // size < 2^25 on every region, so size² < 2^50: exact in a double.
            sumSq += size * size
        }
    })
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
