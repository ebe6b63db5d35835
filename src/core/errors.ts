/**
 * errors.ts — the one error path of bareheap.
 *
 * Every misuse an allocator detects (double free, a pointer it never handed
 * out, a pointer outside its region or misaligned, a layout that does not match
 * the block) and every broken invariant is reported as a HeapError carrying a
 * stable `code` and a message that names the pointer and what was expected.
 * Invalid layouts are a LayoutError (layout.ts), as in Rust.
 *
 * Contract: an allocator throws a HeapError *before* it changes any state, so
 * every other live block (and the allocator itself) is untouched afterwards.
 * Out-of-memory is not an error here: GlobalAlloc returns 0 (null), like Rust.
 */

/** Stable, short codes; also used as the `code` field of the protocol's E line. */
export const enum HeapErrorCode {
    /** Pointer is outside the allocator's region. */
    OutOfRegion = 1,
    /** Pointer is not aligned to the layout's alignment or to the allocator's grain. */
    Misaligned = 2,
    /** Pointer is inside the region but is not the start of a block this allocator handed out. */
    NotAllocated = 3,
    /** Pointer names a block that is already free. */
    DoubleFree = 4,
    /** The layout passed to dealloc/realloc does not match the block's. */
    WrongLayout = 5,
    /** The allocator's own metadata is inconsistent (found by check() or on the way). */
    Corrupt = 6,
    /** An argument other than a layout is invalid (e.g. a bump mark from elsewhere). */
    BadArgument = 7,
    /**
     * Debug mode (debug.ts): a canary next to a block was overwritten — the
     * program wrote past the block's end (tail) or before its start (head).
     */
    CanaryClobbered = 8,
    /** Debug mode "full" (debug.ts): a freed block's fill pattern changed: something wrote to it after free. */
    WriteAfterFree = 9,
}

/** Short names for codes, as printed in messages and protocol lines. */
export function heapErrorName(code: number): string {
    switch (code) {
        case HeapErrorCode.OutOfRegion:
            return "out-of-region"
        case HeapErrorCode.Misaligned:
            return "misaligned"
        case HeapErrorCode.NotAllocated:
            return "not-allocated"
        case HeapErrorCode.DoubleFree:
            return "double-free"
        case HeapErrorCode.WrongLayout:
            return "wrong-layout"
        case HeapErrorCode.Corrupt:
            return "corrupt"
        case HeapErrorCode.BadArgument:
            return "bad-argument"
        case HeapErrorCode.CanaryClobbered:
            return "canary-clobbered"
        case HeapErrorCode.WriteAfterFree:
            return "write-after-free"
    }
    return "unknown"
}

/**
 * A detected misuse or corruption. `ptr` is the pointer concerned (0 if none).
 *
 * ```ts
 * try { heap.dealloc(p, layout) } catch (e) {
 *     if (e instanceof HeapError && e.code === HeapErrorCode.DoubleFree) console.log(e.message)
 * }
 * ```
 */
export class HeapError extends Error {
    constructor(public code: HeapErrorCode, public ptr: number, message: string) {
        super(heapErrorName(code) + ": " + message)
        this.name = "HeapError"
    }
}
