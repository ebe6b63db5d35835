/**
 * global_alloc.ts — the GlobalAlloc-like contract (Rust's std::alloc::GlobalAlloc)
 * that every bareheap allocator implements, and the global registration point
 * in the spirit of `#[global_allocator]`.
 *
 * The contract, for every implementation:
 *   alloc(layout)       → a pointer p ≠ 0 with p % layout.align === 0 and
 *                         [p, p + layout.size) inside the region and disjoint
 *                         from every other live block; or 0 (null) when the
 *                         region cannot serve it. Never throws for exhaustion.
 *   allocZeroed(layout) → as alloc, and the layout.size bytes read as 0.
 *   dealloc(p, layout)  → p must come from this allocator and be live, and
 *                         layout must be the one it was allocated (or last
 *                         reallocated) with. Misuse throws HeapError before any
 *                         state changes.
 *   realloc(p, layout, newSize)
 *                       → a block of Layout(newSize, layout.align) holding the
 *                         first min(layout.size, newSize) bytes of the old one;
 *                         stays at p when the allocator can. On failure returns
 *                         0 and p stays valid and unchanged (Rust's rule).
 *                         newSize must make a valid Layout (else LayoutError).
 *
 * Zero-size requests (one behaviour for all allocators): a Layout of size 0 is
 * served like a 1-byte request — a real, unique, non-null block that must be
 * deallocated like any other. This differs from Rust's GlobalAlloc (where size
 * 0 is undefined behaviour) on purpose: lab code often asks for 0 bytes.
 */
import { HeapError, HeapErrorCode } from "../core/errors"
import { Layout, LayoutError, MAX_SIZE } from "../core/layout"
import { StaticRegion } from "../core/region"
import { HeapStats } from "../core/stats"

/** Rust's GlobalAlloc. */
export interface GlobalAlloc {
    alloc(layout: Layout): number
    allocZeroed(layout: Layout): number
    dealloc(ptr: number, layout: Layout): void
    realloc(ptr: number, layout: Layout, newSize: number): number
}

/** Visitor for walk(): one call per block, in address order. */
export type BlockVisitor = (ptr: number, size: number, used: boolean) => void

/**
 * What every bareheap allocator offers beyond GlobalAlloc: its name, region,
 * statistics, an invariant check and a walk of its blocks (for heap maps).
 */
export interface HeapAllocator extends GlobalAlloc {
    /** "bump", "buddy", … — as it appears in the event stream's header. */
    readonly kind: string
    readonly region: StaticRegion
    /** A snapshot of the statistics (see stats.ts for the definitions). */
    stats(): HeapStats
    /**
     * Walks the region and the metadata and returns every broken invariant as
     * a sentence; [] means the heap is consistent. Costs O(blocks); meant for
     * tests and debugging, not the fast path.
     */
    check(): string[]
    /** Calls visit(ptr, size, used) for every block, free or used, in address order. */
    walk(visit: BlockVisitor): void
}

/**
 * Rust's default `GlobalAlloc::alloc_zeroed`, shared by every region
 * allocator: `alloc`, then zero the payload with one native fill. A size-0
 * block has no payload to zero. O(size) on top of alloc.
 *
 * ```ts
 * allocZeroed(layout: Layout): number { return allocThenZero(this, layout) }
 * ```
 */
export function allocThenZero(heap: HeapAllocator, layout: Layout): number {
    const p = heap.alloc(layout)
    if (p !== 0 && layout.size > 0) heap.region.fill(p, layout.size, 0)
    return p
}

/**
 * Validates realloc's newSize against the block's alignment without building
 * a Layout object (the same rule as Layout's constructor).
 */
export function checkNewSize(newSize: number, align: number): void {
    if (typeof newSize !== "number") throw new LayoutError("realloc: new size must be a number, not a " + typeof newSize)
    if (!(newSize >= 0) || newSize !== Math.floor(newSize))
        throw new LayoutError("realloc: new size " + newSize + " must be a whole number of bytes ≥ 0")
    if (newSize > MAX_SIZE - (align - 1))
        throw new LayoutError("realloc: new size " + newSize + " rounded up to align " + align + " exceeds " + MAX_SIZE)
}

let current: GlobalAlloc = null

/**
 * Registers the global allocator (Rust's `#[global_allocator] static A: …`).
 * Call once at start-up, before the first alloc(); registering again replaces
 * it, so live blocks of the old one must not be freed through the new one.
 *
 * ```ts
 * const heap = new BuddyAllocator(StaticRegion.forBoard(board))
 * setGlobalAllocator(heap)
 * const p = alloc(Layout.fromSizeAlign(16, 4))
 * ```
 */
export function setGlobalAllocator(a: GlobalAlloc): void {
    current = a
}

/** The registered global allocator; throws when none was registered. */
export function globalAllocator(): GlobalAlloc {
    if (current === null) throw new HeapError(HeapErrorCode.BadArgument, 0, "no global allocator registered: call setGlobalAllocator() first")
    return current
}

/** std::alloc::alloc: allocates from the global allocator; 0 on exhaustion. */
export function alloc(layout: Layout): number {
    return globalAllocator().alloc(layout)
}

/** std::alloc::alloc_zeroed. */
export function allocZeroed(layout: Layout): number {
    return globalAllocator().allocZeroed(layout)
}

/** std::alloc::dealloc. */
export function dealloc(ptr: number, layout: Layout): void {
    globalAllocator().dealloc(ptr, layout)
}

/** std::alloc::realloc. */
export function realloc(ptr: number, layout: Layout, newSize: number): number {
    return globalAllocator().realloc(ptr, layout, newSize)
}

/** Thrown by the default allocation-error handler (Rust aborts; we throw, so a test can see it). */
export class AllocFailedError extends Error {
    constructor(public layout: Layout) {
        super("memory allocation of " + layout.size + " bytes (align " + layout.align + ") failed")
        this.name = "AllocFailedError"
    }
}

/** Replaces what handleAllocError does (Rust's std::alloc::set_alloc_error_hook). */
export type AllocErrorHandler = (layout: Layout) => void

let errorHandler: AllocErrorHandler = null

/** Sets (or, with null, restores the default of) the allocation-error handler. */
export function setAllocErrorHandler(h: AllocErrorHandler): void {
    errorHandler = h
}

/**
 * Rust's handle_alloc_error: call it when an allocation returned 0 and the
 * caller cannot go on. Runs the registered handler; if there is none, or it
 * returns, throws AllocFailedError naming the layout. It never returns.
 *
 * ```ts
 * const p = alloc(layout)
 * if (p === 0) handleAllocError(layout)
 * ```
 */
export function handleAllocError(layout: Layout): never {
    if (errorHandler !== null) errorHandler(layout)
    throw new AllocFailedError(layout)
}
