/**
 * boxed.ts — Box: one fixed-size value in the heap, owned through an
 * Allocator (Rust's Box<T, A> with Box::new_zeroed_in).
 *
 * A Box owns exactly one block of its Layout from the moment newIn returns
 * until drop(). Its fields are read and written at byte offsets with typed
 * accessors (u8/u16/u32/i32/f32/f64, little-endian as on every supported
 * chip); the layout's offsets come from Layout.extend, as in a repr(C) struct.
 *
 * Invariants and errors (HeapError, thrown before any change):
 *   - a new Box reads all zero (the block comes from allocateZeroed, so no
 *     stale bytes of an earlier block leak into a new value);
 *   - every access stays inside the box: offset a whole number with
 *     0 ≤ offset and offset + width ≤ layout.size, else BadArgument naming
 *     the box, the offset and the size (an access never reaches a neighbour);
 *   - after drop() the block belongs to the allocator again: any get/set is
 *     NotAllocated ("use after drop") and a second drop() is DoubleFree,
 *     both naming the pointer. Rust makes these compile errors; here they are
 *     caught at run time at the cost of one field test per access.
 *   - a zero-size layout is a dangling Box (ptr = layout.align, no bytes): it
 *     has no fields, and drop() is still required and still checked.
 * Allocation failure is the allocator's AllocError, as Box::try_new_in's Err.
 *
 * Costs: newIn is one allocateZeroed plus one object; each get/set is one call
 * with two comparisons and one Buffer access (the Buffer and the block's
 * offset in it are cached when the box is made).
 */
import * as ds from "@devicescript/core"
import { AllocTag, claimAllocTag, setAllocTag } from "../layers/alloc_tag"
import { Allocator } from "../api/allocator_api"
import { HeapError, HeapErrorCode } from "../core/errors"
import { ptrText } from "../core/hex"
import { Layout } from "../core/layout"

/**
 * A heap-allocated fixed-size value.
 *
 * ```ts
 * // struct Point { x: f32, y: f32, tag: u8 }
 * const xy = Layout.scalar(4).extend(Layout.scalar(4))             // y at 4
 * const all = xy.layout.extend(Layout.scalar(1))                    // tag at 8
 * const p = Box.newIn(new GlobalAllocAdapter(heap), all.layout.padToAlign())
 * p.setF32(0, 1.5); p.setF32(xy.offset, -2); p.setU8(all.offset, 7)
 * p.getF32(0) === 1.5
 * p.drop()            // p.getF32(0) now throws HeapError(NotAllocated)
 * ```
 */
export class Box {
    /** Address of the value (layout.align for a zero-size box). */
    readonly ptr: number
    /** The layout the block was allocated with; drop() deallocates with it. */
    readonly layout: Layout
    /** Where the block came from and goes back to. */
    readonly allocator: Allocator
    private buf: ds.Buffer
    /** ptr's offset in buf. */
    private off: number
    /** layout.size, cached for the bounds check. */
    private size: number
    private dropped = false

    /** Use Box.newIn; the constructor only records an already allocated block. */
    constructor(allocator: Allocator, layout: Layout, ptr: number) {
        this.allocator = allocator
        this.layout = layout
        this.ptr = ptr
        this.size = layout.size
        const region = allocator.region()
        // bufferOf: a region view (system.ts) keeps each block in a Buffer of its own.
        this.buf = layout.size === 0 ? region.buf : region.bufferOf(ptr, layout.size)
        this.off = layout.size === 0 ? 0 : region.offsetOf(ptr, layout.size)
    }

    /**
     * Rust's Box::new_zeroed_in: a box of `layout` from `allocator`, all bytes 0.
     * Throws AllocError when the allocator cannot serve it.
     *
     * ```ts
     * const counter = Box.newIn(new Global(), Layout.scalar(4))
     * counter.setU32(0, counter.getU32(0) + 1)
     * ```
     */
    static newIn(allocator: Allocator, layout: Layout): Box {
        // The block is a "box" for a TrackingAllocator (alloc_tag.ts); the tag is restored even on AllocError.
        const prev = claimAllocTag(AllocTag.Box)
        try {
            const b = allocator.allocateZeroed(layout)
            return new Box(allocator, layout, b.ptr)
        } finally {
            setAllocTag(prev)
        }
    }

    /** True once drop() has run. */
    isDropped(): boolean {
        return this.dropped
    }

    /**
     * Gives the block back to its allocator. The box is dead afterwards:
     * accesses are HeapError(NotAllocated), a second drop HeapError(DoubleFree).
     */
    drop(): void {
        if (this.dropped) throw new HeapError(HeapErrorCode.DoubleFree, this.ptr, "Box at " + ptrText(this.ptr) + " dropped twice")
        this.allocator.deallocate(this.ptr, this.layout)
        this.dropped = true
    }

    /** The error of a bad access: after drop, or outside the box. Only called on failure. */
    private reject(offset: number, width: number): HeapError {
        if (this.dropped) return new HeapError(HeapErrorCode.NotAllocated, this.ptr, "use after drop: Box at " + ptrText(this.ptr) + " was dropped")
        return new HeapError(
            HeapErrorCode.BadArgument,
            this.ptr,
            "field at offset " + offset + " (" + width + " bytes) is outside the " + this.size + "-byte Box at " + ptrText(this.ptr),
        )
    }

    // Each accessor keeps its check inline (one call per access, see the header).
    // `(offset | 0) === offset` admits whole numbers in int32 range only; the
    // size bound then keeps offset + width ≤ size < 2^31.

    getU8(offset: number): number {
        if (this.dropped || (offset | 0) !== offset || offset < 0 || offset + 1 > this.size) throw this.reject(offset, 1)
        return this.buf.getAt(this.off + offset, "u8")
    }
    /** Stores v modulo 2^8. */
    setU8(offset: number, v: number): void {
        if (this.dropped || (offset | 0) !== offset || offset < 0 || offset + 1 > this.size) throw this.reject(offset, 1)
        this.buf.setAt(this.off + offset, "u8", v & 0xff)
    }
    getU16(offset: number): number {
        if (this.dropped || (offset | 0) !== offset || offset < 0 || offset + 2 > this.size) throw this.reject(offset, 2)
        return this.buf.getAt(this.off + offset, "u16")
    }
    /** Stores v modulo 2^16. */
    setU16(offset: number, v: number): void {
        if (this.dropped || (offset | 0) !== offset || offset < 0 || offset + 2 > this.size) throw this.reject(offset, 2)
        this.buf.setAt(this.off + offset, "u16", v & 0xffff)
    }
    getU32(offset: number): number {
        if (this.dropped || (offset | 0) !== offset || offset < 0 || offset + 4 > this.size) throw this.reject(offset, 4)
        return this.buf.getAt(this.off + offset, "u32")
    }
    /** Stores v modulo 2^32 (setAt "u32" alone would saturate -1 to 0). */
    setU32(offset: number, v: number): void {
        if (this.dropped || (offset | 0) !== offset || offset < 0 || offset + 4 > this.size) throw this.reject(offset, 4)
        this.buf.setAt(this.off + offset, "u32", v >>> 0)
    }
    getI32(offset: number): number {
        if (this.dropped || (offset | 0) !== offset || offset < 0 || offset + 4 > this.size) throw this.reject(offset, 4)
        return this.buf.getAt(this.off + offset, "i32")
    }
    /** Stores v modulo 2^32 as a signed value. */
    setI32(offset: number, v: number): void {
        if (this.dropped || (offset | 0) !== offset || offset < 0 || offset + 4 > this.size) throw this.reject(offset, 4)
        this.buf.setAt(this.off + offset, "i32", v | 0)
    }
    getF32(offset: number): number {
        if (this.dropped || (offset | 0) !== offset || offset < 0 || offset + 4 > this.size) throw this.reject(offset, 4)
        return this.buf.getAt(this.off + offset, "f32")
    }
    /** Stores v rounded to single precision. */
    setF32(offset: number, v: number): void {
        if (this.dropped || (offset | 0) !== offset || offset < 0 || offset + 4 > this.size) throw this.reject(offset, 4)
        this.buf.setAt(this.off + offset, "f32", v)
    }
    getF64(offset: number): number {
        if (this.dropped || (offset | 0) !== offset || offset < 0 || offset + 8 > this.size) throw this.reject(offset, 8)
        return this.buf.getAt(this.off + offset, "f64")
    }
    setF64(offset: number, v: number): void {
        if (this.dropped || (offset | 0) !== offset || offset < 0 || offset + 8 > this.size) throw this.reject(offset, 8)
        this.buf.setAt(this.off + offset, "f64", v)
    }
}
