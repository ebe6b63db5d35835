/**
 * allocator_api.ts — the per-instance Allocator API (Rust's core::alloc::Allocator)
 * that containers (Box, Vec-like buffers) allocate through, an adapter that
 * offers it over any bareheap HeapAllocator, `Global` (Rust's std::alloc::Global,
 * forwarding to the registered global allocator) and `byRef`.
 *
 * The contract (Rust's, with the choices Rust leaves open written down):
 *   allocate(layout)       → a Block { ptr, size } with ptr % layout.align === 0
 *                            and size ≥ layout.size usable bytes; or throws
 *                            AllocError (naming the layout) when the heap cannot
 *                            serve it. Unlike GlobalAlloc, failure is an
 *                            exception, never a 0 pointer.
 *   allocateZeroed(layout) → as allocate, and the block's size bytes read as 0.
 *   deallocate(ptr, layout)→ ptr must be a live block of this allocator and
 *                            layout the one it was allocated (or last grown or
 *                            shrunk) with; misuse is the inner allocator's
 *                            HeapError, thrown before any change.
 *   grow(ptr, old, new)    → requires new.size ≥ old.size; shrink requires
 *                            new.size ≤ old.size. Breaking that is a
 *                            HeapError(BadArgument) naming ptr, thrown before any
 *                            change (both layouts are valid Layouts, so it is a
 *                            misuse of the call, not a LayoutError). The
 *                            alignment may change in either direction. The new
 *                            block holds the first min(old.size, new.size) bytes
 *                            of the old one; growZeroed also zeroes the rest.
 *                            On success the old pointer is dead, even when the
 *                            returned ptr is the same number. On failure the
 *                            call throws AllocError and the old block stays
 *                            valid and unchanged (Rust's rule).
 *
 * Zero-size blocks (as in Rust, and unlike bareheap's GlobalAlloc rule, which
 * serves size 0 like 1 byte): allocate of a size-0 layout returns
 * Block(layout.align, 0) — Rust's NonNull::dangling(): non-null, aligned, and
 * never handed to the inner allocator, so it costs nothing and is not in the
 * region (every board's region starts far above MAX_ALIGN). deallocate of a
 * size-0 layout checks ptr === layout.align (else HeapError(NotAllocated)) and
 * does nothing else; grow from size 0 is a fresh allocate; shrink to size 0
 * deallocates the old block and returns the dangling pointer of the new
 * alignment. The inner allocator never sees a size-0 request from here.
 *
 * Beyond Rust's trait, region() names the StaticRegion the blocks live in, so
 * a container can reach its bytes (see Allocator.region).
 *
 * Costs: one call into the inner allocator per operation, plus one Block object
 * per allocate/grow/shrink (the result). growZeroed fills the new tail;
 * changing the alignment copies min(old, new) bytes (alloc + copy + dealloc).
 */
import { HeapError, HeapErrorCode } from "../core/errors"
import { GlobalAlloc, globalAllocator, HeapAllocator } from "./global_alloc"
import { ptrText } from "../core/hex"
import { Layout, layoutError, layoutOk } from "../core/layout"
import { StaticRegion } from "../core/region"

/**
 * An allocation failure of the Allocator API (Rust's AllocError). The heap is
 * unchanged: nothing was allocated, and a block being grown or shrunk is still
 * valid at its old place with its old layout.
 *
 * ```ts
 * try { a.allocate(Layout.fromSizeAlign(1 << 20, 8)) } catch (e) {
 *     if (e instanceof AllocError) console.log(e.message) // "allocation of 1048576 bytes (align 8) failed"
 * }
 * ```
 */
export class AllocError extends Error {
    constructor(public layout: Layout) {
        super("allocation of " + layout.size + " bytes (align " + layout.align + ") failed")
        this.name = "AllocError"
    }
}

/**
 * An allocated block: its address and how many bytes the caller may use
 * (≥ the requested size; Rust's NonNull<[u8]>). A zero-size block has
 * size 0 and the dangling ptr layout.align.
 *
 * ```ts
 * const b = a.allocate(Layout.fromSizeAlign(24, 8)) // b.ptr % 8 === 0, b.size >= 24
 * ```
 */
export class Block {
    constructor(public ptr: number, public size: number) {}
}

/**
 * Rust's core::alloc::Allocator. See the file header for the full contract.
 *
 * ```ts
 * const a: Allocator = new GlobalAllocAdapter(new BuddyAllocator(StaticRegion.forBoard(PICO)))
 * const l = Layout.fromSizeAlign(16, 4)
 * let b = a.allocate(l)
 * b = a.grow(b.ptr, l, Layout.fromSizeAlign(64, 4)) // first 16 bytes kept
 * a.deallocate(b.ptr, Layout.fromSizeAlign(64, 4))
 * ```
 */
export interface Allocator {
    allocate(layout: Layout): Block
    allocateZeroed(layout: Layout): Block
    deallocate(ptr: number, layout: Layout): void
    grow(ptr: number, oldLayout: Layout, newLayout: Layout): Block
    growZeroed(ptr: number, oldLayout: Layout, newLayout: Layout): Block
    shrink(ptr: number, oldLayout: Layout, newLayout: Layout): Block
    /**
     * The region whose bytes the blocks are. Rust needs no such method (a
     * pointer is dereferenceable); here memory is a Buffer seen through
     * addresses, so containers (Box) read and write blocks through it.
     */
    region(): StaticRegion
}

/**
 * The zero-size block of `layout`, whose align the inner allocator never
 * sees, so it is validated here (a forged `{size: 0, align: 3}` is a LayoutError).
 */
function dangling(layout: Layout, op: string): Block {
    if (!layoutOk(0, layout.align)) throw layoutError(layout, op)
    return new Block(layout.align, 0)
}

/** HeapError(NotAllocated) unless a zero-size block's ptr is its dangling pointer; LayoutError for a forged layout. */
function checkDangling(ptr: number, layout: Layout, op: string): void {
    if (!layoutOk(0, layout.align)) throw layoutError(layout, op)
    if (ptr !== layout.align)
        throw new HeapError(HeapErrorCode.NotAllocated, ptr, op + ": a zero-size block of align " + layout.align + " is the dangling pointer " + ptrText(layout.align) + ", not " + ptrText(ptr))
}

/**
 * The Allocator API over any bareheap allocator (Rust's blanket impl of
 * Allocator for a GlobalAlloc, as std's Global does for System).
 *
 * Why a HeapAllocator and not any GlobalAlloc: GlobalAlloc has no access to
 * the bytes, but growZeroed must zero the new tail and a grow/shrink that
 * changes the alignment must copy the contents to a new block (realloc keeps
 * the old alignment). Every bareheap allocator (bump, buddy, logging) is a
 * HeapAllocator, so the adapter uses heap.region for those two things.
 *
 * The usable size is exactly layout.size: GlobalAlloc cannot say how much
 * slack a block has.
 *
 * An alignment change is allocate-new, copy, deallocate-old. The old pointer
 * is checked against the region and the old alignment first; a new block
 * that overlaps the old one proves the old one was free (HeapError
 * NotAllocated, the new block freed again); if the inner
 * allocator then rejects the old block (double free, wrong layout), the new
 * block is freed again and the HeapError is rethrown: every live block is
 * intact, though the inner allocator's counters show the undone alloc.
 *
 * ```ts
 * const heap = new BumpAllocator(StaticRegion.forBoard(PICO))
 * const a = new GlobalAllocAdapter(heap)
 * const b = a.allocateZeroed(Layout.fromSizeAlign(32, 8)) // 32 zero bytes in heap.region
 * ```
 */
export class GlobalAllocAdapter implements Allocator {
    constructor(public heap: HeapAllocator) {}

    region(): StaticRegion {
        return this.heap.region
    }

    allocate(layout: Layout): Block {
        if (layout.size === 0) return dangling(layout, "allocate")
        const p = this.heap.alloc(layout)
        if (p === 0) throw new AllocError(layout)
        return new Block(p, layout.size)
    }

    allocateZeroed(layout: Layout): Block {
        if (layout.size === 0) return dangling(layout, "allocateZeroed")
        const p = this.heap.allocZeroed(layout)
        if (p === 0) throw new AllocError(layout)
        return new Block(p, layout.size)
    }

    deallocate(ptr: number, layout: Layout): void {
        if (layout.size === 0) {
            checkDangling(ptr, layout, "deallocate")
            return
        }
        this.heap.dealloc(ptr, layout)
    }

    grow(ptr: number, oldLayout: Layout, newLayout: Layout): Block {
        return this.resize(ptr, oldLayout, newLayout, 1)
    }

    growZeroed(ptr: number, oldLayout: Layout, newLayout: Layout): Block {
        return this.resize(ptr, oldLayout, newLayout, 2)
    }

    shrink(ptr: number, oldLayout: Layout, newLayout: Layout): Block {
        return this.resize(ptr, oldLayout, newLayout, 0)
    }

    /** mode 0 = shrink, 1 = grow, 2 = growZeroed. One body keeps the rules in one place. */
    private resize(ptr: number, oldLayout: Layout, newLayout: Layout, mode: number): Block {
        const oldSize = oldLayout.size
        const newSize = newLayout.size
        // Both layouts first: the size-0 and align-change paths below act on
        // them before any inner allocator could validate them. Two calls.
        if (!layoutOk(oldSize, oldLayout.align)) throw layoutError(oldLayout, mode === 0 ? "shrink" : "grow")
        if (!layoutOk(newSize, newLayout.align)) throw layoutError(newLayout, mode === 0 ? "shrink" : "grow")
        if (mode === 0 ? newSize > oldSize : newSize < oldSize)
            throw new HeapError(
                HeapErrorCode.BadArgument,
                ptr,
                (mode === 0 ? "shrink" : "grow") + " of " + ptrText(ptr) + " from " + oldSize + " to " + newSize + " bytes: " + (mode === 0 ? "shrink needs new size ≤ old size" : "grow needs new size ≥ old size"),
            )
        if (oldSize === 0) {
            // A zero-size block owns nothing: growing it is a fresh allocation.
            checkDangling(ptr, oldLayout, mode === 0 ? "shrink" : "grow")
            return mode === 2 ? this.allocateZeroed(newLayout) : this.allocate(newLayout)
        }
        const heap = this.heap
        if (newSize === 0) {
            // Only shrink gets here (grow has newSize ≥ oldSize > 0).
            heap.dealloc(ptr, oldLayout)
            return dangling(newLayout, "shrink")
        }
        if (oldLayout.align === newLayout.align) {
            const p = heap.realloc(ptr, oldLayout, newSize)
            if (p === 0) throw new AllocError(newLayout)
            if (mode === 2 && newSize > oldSize) heap.region.fill(p + oldSize, newSize - oldSize, 0)
            return new Block(p, newSize)
        }
        // The alignment changes: realloc would keep the old one, so move the block.
        const region: StaticRegion = heap.region
        region.offsetOf(ptr, oldSize) // HeapError(OutOfRegion) before anything changes
        if (ptr - Math.floor(ptr / oldLayout.align) * oldLayout.align !== 0)
            throw new HeapError(HeapErrorCode.Misaligned, ptr, "resize of " + ptrText(ptr) + ": not aligned to its layout's align " + oldLayout.align)
        const q = mode === 2 ? heap.allocZeroed(newLayout) : heap.alloc(newLayout)
        if (q === 0) throw new AllocError(newLayout)
        if (q < ptr + oldSize && ptr < q + newSize) {
            // A live old block cannot overlap a fresh one: ptr was already free.
            heap.dealloc(q, newLayout)
            throw new HeapError(HeapErrorCode.NotAllocated, ptr, "resize of " + ptrText(ptr) + ": not a live block (a new block was allocated over it)")
        }
        region.copy(q, ptr, oldSize < newSize ? oldSize : newSize)
        try {
            heap.dealloc(ptr, oldLayout)
        } catch (e) {
            heap.dealloc(q, newLayout)
            throw e
        }
        return new Block(q, newSize)
    }
}

/**
 * Rust's std::alloc::Global: an Allocator that forwards every call to the
 * allocator registered with setGlobalAllocator() at the time of the call
 * (HeapError(BadArgument) when none is). It keeps no state of its own
 * besides a cached adapter, so any number of Global handles share one heap.
 *
 * The registered allocator must be a HeapAllocator (every bareheap allocator
 * is): growZeroed and alignment changes need its region (see
 * GlobalAllocAdapter); other GlobalAlloc objects are rejected with
 * HeapError(BadArgument).
 *
 * ```ts
 * setGlobalAllocator(new BuddyAllocator(StaticRegion.forBoard(PICO)))
 * const b = new Global().allocate(Layout.fromSizeAlign(8, 8))
 * ```
 */
export class Global implements Allocator {
    private adapter: GlobalAllocAdapter = null
    private inner: GlobalAlloc = null

    /** The adapter over the current global allocator (rebuilt only when the registration changed). */
    private current(): GlobalAllocAdapter {
        const g = globalAllocator()
        if (g !== this.inner) {
            const heap = g as HeapAllocator
            if (heap.region === undefined || heap.region === null)
                throw new HeapError(HeapErrorCode.BadArgument, 0, "Global needs the registered global allocator to be a HeapAllocator (with a region)")
            this.adapter = new GlobalAllocAdapter(heap)
            this.inner = g
        }
        return this.adapter
    }

    region(): StaticRegion {
        return this.current().heap.region
    }
    allocate(layout: Layout): Block {
        return this.current().allocate(layout)
    }
    allocateZeroed(layout: Layout): Block {
        return this.current().allocateZeroed(layout)
    }
    deallocate(ptr: number, layout: Layout): void {
        this.current().deallocate(ptr, layout)
    }
    grow(ptr: number, oldLayout: Layout, newLayout: Layout): Block {
        return this.current().grow(ptr, oldLayout, newLayout)
    }
    growZeroed(ptr: number, oldLayout: Layout, newLayout: Layout): Block {
        return this.current().growZeroed(ptr, oldLayout, newLayout)
    }
    shrink(ptr: number, oldLayout: Layout, newLayout: Layout): Block {
        return this.current().shrink(ptr, oldLayout, newLayout)
    }
}

/** The forwarding view byRef returns. */
class ByRef implements Allocator {
    constructor(public target: Allocator) {}
    region(): StaticRegion {
        return this.target.region()
    }
    allocate(layout: Layout): Block {
        return this.target.allocate(layout)
    }
    allocateZeroed(layout: Layout): Block {
        return this.target.allocateZeroed(layout)
    }
    deallocate(ptr: number, layout: Layout): void {
        this.target.deallocate(ptr, layout)
    }
    grow(ptr: number, oldLayout: Layout, newLayout: Layout): Block {
        return this.target.grow(ptr, oldLayout, newLayout)
    }
    growZeroed(ptr: number, oldLayout: Layout, newLayout: Layout): Block {
        return this.target.growZeroed(ptr, oldLayout, newLayout)
    }
    shrink(ptr: number, oldLayout: Layout, newLayout: Layout): Block {
        return this.target.shrink(ptr, oldLayout, newLayout)
    }
}

/**
 * Rust's Allocator::by_ref: a view of `a` that allocates from the same heap.
 * In Rust it lends an allocator to a container without moving it; in
 * JavaScript every object is already passed by reference, so passing `a`
 * itself shares it just as well. byRef exists for API parity and for code that
 * wants a distinct object: blocks from the view and from `a` are
 * interchangeable (allocate through one, deallocate through the other). It
 * costs one extra call per operation.
 *
 * ```ts
 * const view = byRef(a)
 * const b = view.allocate(l)
 * a.deallocate(b.ptr, l) // same heap
 * ```
 */
export function byRef(a: Allocator): Allocator {
    return new ByRef(a)
}
