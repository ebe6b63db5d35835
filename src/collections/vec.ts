/**
 * vec.ts — Vec: a growable array of typed numbers in the heap, owned through
 * an Allocator (Rust's Vec<T, A> for T = u8/u16/u32/i32/f32/f64).
 *
 * A Vec holds `length` elements of one ElemKind in a block of `capacity`
 * elements (width = 1, 2, 4, 4, 4, 8 bytes, aligned to the width,
 * little-endian as on every supported chip).
 *
 * Invariants:
 *   - 0 ≤ length ≤ capacity; capacity 0 means no block: ptr is the dangling
 *     pointer (the width, as Rust's NonNull::dangling) and nothing was asked of
 *     the allocator (Vec.newIn allocates nothing until the first push);
 *   - capacity > 0 means the Vec owns exactly one block of
 *     Layout(capacity × width, width) — the layout drop() deallocates with;
 *   - growth doubles the capacity (at least 8 elements for u8, 4 otherwise,
 *     as Rust's RawVec) through allocator.grow, which is realloc: in place
 *     when the allocator can (bump's newest block, buddy's free buddy), else
 *     a move that copies with Buffer.blitAt;
 *   - a failed growth (AllocError, Rust's try_reserve Err) leaves the Vec
 *     exactly as it was: same ptr, length, capacity and contents; the error
 *     propagates (tryPush turns it into `false`);
 *   - misuse is a HeapError thrown before any change: an index outside
 *     [0, length) is BadArgument naming the index, the length and the ptr;
 *     after drop() every call is NotAllocated ("use after drop") and a second
 *     drop() is DoubleFree.
 *
 * Costs: get/set/push (without growth)/pop are one call, a few comparisons, a
 * switch on the kind and one Buffer access. Growth is one allocator call plus
 * one Layout (amortized O(1) per push). forEach calls fn once per element;
 * toArray builds a JS array (8 bytes per element of the VM's 64 KiB GC heap,
 * so keep it to small vectors there).
 */
import * as ds from "@devicescript/core"
import { AllocTag, claimAllocTag, setAllocTag } from "../layers/alloc_tag"
import { AllocError, Allocator, Block } from "../api/allocator_api"
import { HeapError, HeapErrorCode } from "../core/errors"
import { ptrText } from "../core/hex"
import { Layout, MAX_SIZE } from "../core/layout"
import { StaticRegion } from "../core/region"

/**
 * Element kinds of a Vec (Box has typed accessors but no kind type, so the
 * kinds are defined here). Values are stable: they may be stored.
 *
 * ```ts
 * const v = Vec.newIn(a, ElemKind.F32)
 * ```
 */
export const enum ElemKind {
    U8 = 1,
    U16 = 2,
    U32 = 3,
    I32 = 4,
    F32 = 5,
    F64 = 6,
}

/**
 * Bytes per element of a kind (its alignment too); HeapError(BadArgument) for
 * anything that is not an ElemKind.
 *
 * ```ts
 * elemWidth(ElemKind.U16) === 2
 * ```
 */
export function elemWidth(kind: ElemKind): number {
    switch (kind) {
        case ElemKind.U8:
            return 1
        case ElemKind.U16:
            return 2
        case ElemKind.U32:
        case ElemKind.I32:
        case ElemKind.F32:
            return 4
        case ElemKind.F64:
            return 8
    }
    throw new HeapError(HeapErrorCode.BadArgument, 0, "unknown element kind " + kind + " (expected ElemKind.U8 ... ElemKind.F64)")
}

/** True when n is a whole number in [0, 2^31). */
function isCount(n: number): boolean {
    return (n | 0) === n && n >= 0
}

/**
 * A growable array of numbers of one ElemKind in the heap.
 *
 * ```ts
 * const v = Vec.newIn(new GlobalAllocAdapter(heap), ElemKind.U32) // no allocation yet
 * v.push(7); v.push(0xdeadbeef)                                     // capacity 4
 * v.get(1) === 0xdeadbeef
 * v.set(0, -1)                                                      // stores 0xffffffff
 * v.pop() === 0xdeadbeef
 * v.drop()                                                          // v.get(0) now throws HeapError(NotAllocated)
 * ```
 */
export class Vec {
    /** Where the block comes from and goes back to. */
    readonly allocator: Allocator
    /** The element kind; fixed for the Vec's life. */
    readonly kind: ElemKind
    /** Bytes per element (also the block's alignment). */
    readonly width: number
    /** The name errors use ("Vec", or "HeapString" for a string's bytes). */
    private what: string
    /** Address of element 0 (the dangling pointer `width` while capacity is 0). */
    private ptr: number
    private cap = 0
    private len = 0
    /** The Buffer holding the block: the region's, or the block's own under a view (system.ts). */
    private buf: ds.Buffer
    /** Where the blocks live: element i is at buf offset region.offsetOf(ptr) + i × width. */
    private region: StaticRegion
    /** region.offsetOf(ptr), cached for the accessors (0 while capacity is 0). */
    private off = 0
    private dropped = false
    /** The AllocTag its blocks carry (AllocTag.Vec, or AllocTag.String for a string's bytes). */
    private tag: number

    /**
     * Use Vec.newIn or Vec.withCapacityIn; `what` names the owner in error
     * messages, `tag` (default AllocTag.Vec) the kind a TrackingAllocator
     * reports for its blocks.
     */
    constructor(allocator: Allocator, kind: ElemKind, what: string, tag?: number) {
        this.tag = tag === undefined ? AllocTag.Vec : tag
        this.width = elemWidth(kind)
        this.allocator = allocator
        this.kind = kind
        this.what = what
        this.ptr = this.width
        this.region = allocator.region()
        this.buf = this.region.buf
    }

    /**
     * Rust's Vec::new_in: an empty Vec that allocates nothing until the first push.
     *
     * ```ts
     * const v = Vec.newIn(new Global(), ElemKind.U8) // v.capacity() === 0
     * ```
     */
    static newIn(allocator: Allocator, kind: ElemKind): Vec {
        return new Vec(allocator, kind, "Vec")
    }

    /**
     * Rust's Vec::with_capacity_in: an empty Vec with room for exactly
     * `capacity` elements (no block when 0). Throws AllocError when the
     * allocator cannot serve it, HeapError(BadArgument) for a capacity that is
     * not a whole number ≥ 0.
     *
     * ```ts
     * const v = Vec.withCapacityIn(a, ElemKind.F64, 16) // 128 bytes, 8-aligned
     * ```
     */
    static withCapacityIn(allocator: Allocator, kind: ElemKind, capacity: number): Vec {
        const v = new Vec(allocator, kind, "Vec")
        if (!isCount(capacity)) throw new HeapError(HeapErrorCode.BadArgument, 0, "Vec capacity " + capacity + " is not a whole number >= 0")
        if (capacity > 0) v.resizeTo(capacity)
        return v
    }

    /** Number of elements. */
    length(): number {
        if (this.dropped) throw this.useAfterDrop()
        return this.len
    }

    /** Number of elements the current block holds (0: no block). */
    capacity(): number {
        if (this.dropped) throw this.useAfterDrop()
        return this.cap
    }

    /**
     * Address of element 0 (Rust's as_ptr): the dangling pointer `width` while
     * the capacity is 0. It changes when a growth or shrink moves the block.
     */
    asPtr(): number {
        if (this.dropped) throw this.useAfterDrop()
        return this.ptr
    }

    /** True once drop() has run. */
    isDropped(): boolean {
        return this.dropped
    }

    private useAfterDrop(): HeapError {
        return new HeapError(HeapErrorCode.NotAllocated, this.ptr, "use after drop: " + this.what + " at " + ptrText(this.ptr) + " was dropped")
    }

    /** The error of a bad index (or of any call after drop). Only called on failure. */
    private reject(index: number): HeapError {
        if (this.dropped) return this.useAfterDrop()
        return new HeapError(
            HeapErrorCode.BadArgument,
            this.ptr,
            "index " + index + " out of bounds for " + this.what + " of length " + this.len + " at " + ptrText(this.ptr),
        )
    }

    /**
     * Element i (0 ≤ i < length), as a number of the Vec's kind.
     *
     * ```ts
     * v.get(0)      // first element
     * v.get(v.length()) // throws HeapError(BadArgument): "index 3 out of bounds for Vec of length 3 ..."
     * ```
     */
    get(i: number): number {
        if (this.dropped || (i | 0) !== i || i < 0 || i >= this.len) throw this.reject(i)
        const o = this.off + i * this.width
        switch (this.kind) {
            case ElemKind.U8:
                return this.buf.getAt(o, "u8")
            case ElemKind.U16:
                return this.buf.getAt(o, "u16")
            case ElemKind.U32:
                return this.buf.getAt(o, "u32")
            case ElemKind.I32:
                return this.buf.getAt(o, "i32")
            case ElemKind.F32:
                return this.buf.getAt(o, "f32")
        }
        return this.buf.getAt(o, "f64")
    }

    /**
     * Stores v at index i (0 ≤ i < length). Integer kinds wrap like the chip's
     * stores (modulo 2^8 / 2^16 / 2^32); f32 rounds to single precision.
     *
     * ```ts
     * v.set(0, 300) // a u8 Vec now holds 44 there
     * ```
     */
    set(i: number, v: number): void {
        if (this.dropped || (i | 0) !== i || i < 0 || i >= this.len) throw this.reject(i)
        this.store(this.off + i * this.width, v)
    }

    /** Writes v at buf offset o in the Vec's kind (o already checked). */
    private store(o: number, v: number): void {
        switch (this.kind) {
            case ElemKind.U8:
                this.buf.setAt(o, "u8", v & 0xff)
                return
            case ElemKind.U16:
                this.buf.setAt(o, "u16", v & 0xffff)
                return
            case ElemKind.U32:
                // setAt "u32" saturates (-1 would store 0): wrap first.
                this.buf.setAt(o, "u32", v >>> 0)
                return
            case ElemKind.I32:
                this.buf.setAt(o, "i32", v | 0)
                return
            case ElemKind.F32:
                this.buf.setAt(o, "f32", v)
                return
        }
        this.buf.setAt(o, "f64", v)
    }

    /**
     * Appends v, growing the block (doubling) when it is full. Throws
     * AllocError when the growth fails; the Vec is then unchanged.
     *
     * ```ts
     * v.push(1.5)
     * ```
     */
    push(v: number): void {
        if (this.dropped) throw this.useAfterDrop()
        if (this.len === this.cap) this.growTo(this.len + 1)
        this.store(this.off + this.len * this.width, v)
        this.len++
    }

    /**
     * push that reports a failed growth as `false` instead of AllocError (Rust's
     * try_reserve(1) + push); the Vec is then unchanged. Misuse (after drop)
     * still throws HeapError.
     *
     * ```ts
     * if (!v.tryPush(x)) console.log("heap full, dropped sample")
     * ```
     */
    tryPush(v: number): boolean {
        if (this.dropped) throw this.useAfterDrop()
        if (this.len === this.cap) {
            try {
                this.growTo(this.len + 1)
            } catch (e) {
                if (e instanceof AllocError) return false
                throw e
            }
        }
        this.store(this.off + this.len * this.width, v)
        this.len++
        return true
    }

    /**
     * Removes and returns the last element; undefined when empty. The capacity stays.
     *
     * ```ts
     * while (v.pop() !== undefined) {}
     * ```
     */
    pop(): number {
        if (this.dropped) throw this.useAfterDrop()
        if (this.len === 0) return undefined
        const v = this.get(this.len - 1)
        this.len--
        return v
    }

    /**
     * Makes room for at least `additional` more elements (Rust's reserve:
     * amortized, so the capacity at least doubles when it grows). Throws
     * AllocError when the heap cannot serve it (the Vec unchanged),
     * LayoutError when the bytes would exceed MAX_SIZE, and
     * HeapError(BadArgument) for an `additional` that is not a whole number ≥ 0.
     *
     * ```ts
     * v.reserve(100) // then 100 pushes do not allocate
     * ```
     */
    reserve(additional: number): void {
        if (this.dropped) throw this.useAfterDrop()
        if (!isCount(additional))
            throw new HeapError(HeapErrorCode.BadArgument, this.ptr, "reserve(" + additional + ") of " + this.what + " at " + ptrText(this.ptr) + ": not a whole number >= 0")
        if (this.len + additional > this.cap) this.growTo(this.len + additional)
    }

    /**
     * Rust's reserve_exact: like reserve, but a growth makes the capacity
     * exactly length + additional (no doubling), for a Vec whose final size
     * is known. Same errors as reserve.
     *
     * ```ts
     * v.reserveExact(3) // capacity === length + 3 if it had to grow
     * ```
     */
    reserveExact(additional: number): void {
        if (this.dropped) throw this.useAfterDrop()
        if (!isCount(additional))
            throw new HeapError(HeapErrorCode.BadArgument, this.ptr, "reserveExact(" + additional + ") of " + this.what + " at " + ptrText(this.ptr) + ": not a whole number >= 0")
        if (this.len + additional > this.cap) this.resizeTo(this.len + additional)
    }

    /**
     * Grows the block to max(2 × capacity, needed, minimum) elements. On any
     * throw nothing has changed (the allocator's grow keeps the old block).
     */
    private growTo(needed: number): void {
        const w = this.width
        let n = this.cap * 2
        if (n < needed) n = needed
        const min = w === 1 ? 8 : 4
        if (n < min) n = min
        // Capacity overflow: with doubling, cap×2 may pass MAX_SIZE bytes while `needed` still fits.
        if (n * w > MAX_SIZE) n = needed
        this.resizeTo(n)
    }

    /** Grows the block to exactly n > capacity elements; on any throw nothing has changed. */
    private resizeTo(n: number): void {
        const w = this.width
        const newLayout = Layout.fromSizeAlign(n * w, w) // LayoutError past MAX_SIZE
        let b: Block
        const prev = claimAllocTag(this.tag) // alloc_tag.ts; restored even on AllocError
        try {
            if (this.cap === 0) b = this.allocator.allocate(newLayout)
            else b = this.allocator.grow(this.ptr, Layout.fromSizeAlign(this.cap * w, w), newLayout)
        } finally {
            setAllocTag(prev)
        }
        this.ptr = b.ptr
        // The block's Buffer may change even when ptr does not (system.ts realloc).
        this.buf = this.region.bufferOf(b.ptr, n * w)
        this.off = this.region.offsetOf(b.ptr, n * w)
        this.cap = n
    }

    /**
     * Shrinks the block to `length` elements (Rust's shrink_to_fit); an empty
     * Vec gives its block back and has capacity 0. Through allocator.shrink
     * (realloc, in place for every bareheap allocator); on AllocError the Vec
     * is unchanged.
     *
     * ```ts
     * v.shrinkToFit() // v.capacity() === v.length()
     * ```
     */
    shrinkToFit(): void {
        if (this.dropped) throw this.useAfterDrop()
        if (this.cap === this.len) return
        const w = this.width
        const old = Layout.fromSizeAlign(this.cap * w, w)
        if (this.len === 0) {
            this.allocator.deallocate(this.ptr, old)
            this.ptr = w
            this.off = 0
            this.cap = 0
            return
        }
        let b: Block
        const prev = claimAllocTag(this.tag)
        try {
            b = this.allocator.shrink(this.ptr, old, Layout.fromSizeAlign(this.len * w, w))
        } finally {
            setAllocTag(prev)
        }
        this.ptr = b.ptr
        this.buf = this.region.bufferOf(b.ptr, this.len * w)
        this.off = this.region.offsetOf(b.ptr, this.len * w)
        this.cap = this.len
    }

    /**
     * Sets the length to `newLength` ≤ length, forgetting the rest (Rust's
     * truncate); a larger value does nothing, as in Rust. The capacity stays.
     */
    truncate(newLength: number): void {
        if (this.dropped) throw this.useAfterDrop()
        if (!isCount(newLength))
            throw new HeapError(HeapErrorCode.BadArgument, this.ptr, "truncate(" + newLength + ") of " + this.what + " at " + ptrText(this.ptr) + ": not a whole number >= 0")
        if (newLength < this.len) this.len = newLength
    }

    /** Removes every element; the capacity (and the block) stays. */
    clear(): void {
        if (this.dropped) throw this.useAfterDrop()
        this.len = 0
    }

    /**
     * Appends every value of `values` with one reserve first, so either all
     * are appended or (AllocError) none.
     *
     * ```ts
     * v.extendFromArray([1, 2, 3])
     * ```
     */
    extendFromArray(values: number[]): void {
        this.reserve(values.length)
        const w = this.width
        for (let i = 0; i < values.length; i++) this.store(this.off + (this.len + i) * w, values[i])
        this.len += values.length
    }

    /**
     * Calls fn(value, index) for each element in order. fn must not push or
     * pop (the length is read once, as Rust's borrow rules would enforce).
     *
     * ```ts
     * let sum = 0
     * v.forEach(x => { sum += x })
     * ```
     */
    forEach(fn: (value: number, index: number) => void): void {
        if (this.dropped) throw this.useAfterDrop()
        const n = this.len
        for (let i = 0; i < n; i++) fn(this.get(i), i)
    }

    /** The elements as a new JS array (8 bytes per element of GC heap in the VM). */
    toArray(): number[] {
        if (this.dropped) throw this.useAfterDrop()
        const out: number[] = []
        for (let i = 0; i < this.len; i++) out.push(this.get(i))
        return out
    }

    /**
     * Sets the length to n ≤ capacity without writing (Rust's set_len): the
     * elements between the old and new length are whatever bytes the block
     * holds, so write them first (e.g. through region().buf at asPtr()). It
     * cannot reach outside the block: n > capacity is HeapError(BadArgument).
     */
    setLength(n: number): void {
        if (this.dropped) throw this.useAfterDrop()
        if (!isCount(n) || n > this.cap)
            throw new HeapError(HeapErrorCode.BadArgument, this.ptr, "setLength(" + n + ") of " + this.what + " at " + ptrText(this.ptr) + ": capacity is " + this.cap)
        this.len = n
    }

    /**
     * Gives the block back to its allocator (none while the capacity is 0).
     * The Vec is dead afterwards: every call is HeapError(NotAllocated), a
     * second drop HeapError(DoubleFree).
     */
    drop(): void {
        if (this.dropped) throw new HeapError(HeapErrorCode.DoubleFree, this.ptr, this.what + " at " + ptrText(this.ptr) + " dropped twice")
        if (this.cap > 0) this.allocator.deallocate(this.ptr, Layout.fromSizeAlign(this.cap * this.width, this.width))
        this.dropped = true
    }
}
