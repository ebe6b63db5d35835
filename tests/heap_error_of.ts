/**
 * heap_error_of.ts — test helper: the HeapError a call throws (any other
 * throw passes through; no throw fails the test), so a test can assert its
 * code, pointer and message.
 *
 * ```ts
 * expect(heapErrorOf(() => heap.dealloc(p, l)).code).toBe(HeapErrorCode.DoubleFree)
 * ```
 */
import { HeapError } from "../src/core/errors"

export function heapErrorOf(f: () => unknown): HeapError {
    try {
        f()
    } catch (e) {
        if (e instanceof HeapError) return e
        throw e
    }
    throw new Error("no HeapError")
}
