/**
 * layout.ts — the size and alignment of a memory request (Rust's core::alloc::Layout).
 *
 * Invariants of every Layout object (checked once, when it is built):
 *   - size is an integer ≥ 0;
 *   - align is a power of two, 1 ≤ align ≤ MAX_ALIGN;
 *   - size rounded up to align is ≤ MAX_SIZE (2^31 − 1, Rust's isize::MAX on a
 *     32-bit MCU), so `padToAlign()` can never overflow.
 * A request that breaks them is a LayoutError with a message naming the bad
 * value. A valid Layout may still be larger than a region: that is an
 * allocation failure (null), not a LayoutError, as in Rust.
 *
 * Cost: building a Layout allocates one object; build layouts once (per type)
 * and reuse them, as Rust code does with `Layout::new::<T>()`.
 *
 * Forged layouts. `readonly` exists only in TypeScript: `{ size: -1, align: 3 }
 * as Layout`, or a Layout whose fields were assigned after construction, can
 * reach an allocator. Every allocator entry therefore re-tests the invariants
 * with layoutOk()'s expression, copied inline (a call costs more than the
 * test itself in the VM: bench/layout-guard.md), and throws
 * layoutError(layout, op) — a LayoutError, before any state changes — when it
 * fails. Where an entry compares the layout exactly against metadata that only
 * valid layouts can match (bump's header, the debug layer's canary), the test
 * runs only on the failure path and costs nothing.
 */

/**
 * The largest alignment bareheap supports. Every board places its heap region
 * at an address aligned to this, so an offset aligned to A ≤ MAX_ALIGN inside
 * the region is an address aligned to A on the chip.
 */
export const MAX_ALIGN = 4096

/** Largest size a Layout may describe once padded to its alignment (isize::MAX on 32-bit). */
export const MAX_SIZE = 0x7fffffff

/** An invalid layout request (Rust's LayoutError). */
export class LayoutError extends Error {
    constructor(message: string) {
        super(message)
        this.name = "LayoutError"
    }
}

/**
 * True when (size, align) meets the Layout invariants above, for any values
 * (NaN, Infinity, fractions, non-numbers): `size >>> 0 === size` is "a whole
 * number 0 ≤ size < 2^32"; `(align − 1) & 0xfff === align − 1` is "a whole
 * number 1 ≤ align ≤ MAX_ALIGN (4096)"; then a power of two; then the padded
 * size ≤ MAX_SIZE (size ≤ 2^31 − align). Four integer comparisons; the
 * allocators copy this expression inline at their entries.
 */
export function layoutOk(size: number, align: number): boolean {
    return (size >>> 0) === size && ((align - 1) & 0xfff) === align - 1 && (align & (align - 1)) === 0 && size <= 0x80000000 - align
}

/**
 * The LayoutError for a layout object that failed an allocator's inline
 * layoutOk test: a forged or mutated Layout (or not an object). Names op and
 * the bad field with the constructor's message.
 *
 * ```ts
 * heap.alloc({ size: -1, align: 3 } as Layout) // throws LayoutError "alloc: invalid layout: size -1 must be …"
 * ```
 */
export function layoutError(layout: Layout, op: string): LayoutError {
    if (layout === null || typeof layout !== "object") return new LayoutError(op + ": the layout is " + (layout === null ? "null" : typeof layout) + ", not a Layout")
    try {
        new Layout(layout.size, layout.align)
    } catch (e) {
        if (e instanceof LayoutError) return new LayoutError(op + ": invalid layout: " + e.message)
        throw e
    }
    return new LayoutError(op + ": invalid layout (size " + layout.size + ", align " + layout.align + ")")
}

/** True when x is a power of two ≥ 1 (and ≤ 2^30, which covers every valid align). */
export function isPowerOfTwo(x: number): boolean {
    return x >= 1 && x <= 0x40000000 && x === Math.floor(x) && (x & (x - 1)) === 0
}

/** Rounds n ≥ 0 up to a multiple of align (a power of two); exact for n < 2^53. */
export function alignUp(n: number, align: number): number {
    // Bit operations are int32 in JS and in the VM: use them only while n + align fits.
    if (n < 0x3fffe000) return (n + align - 1) & ~(align - 1)
    return Math.ceil(n / align) * align
}

/** Result of Layout.extend: the combined layout and the offset of the appended field. */
export interface Extended {
    layout: Layout
    offset: number
}

/**
 * Size and alignment of a block.
 *
 * ```ts
 * const point = Layout.fromSizeAlign(8, 4)       // two u32 fields
 * const points = Layout.array(point, 10)          // [Point; 10]: size 80, align 4
 * const bad = () => Layout.fromSizeAlign(8, 3)    // throws LayoutError: align 3 is not a power of two
 * ```
 */
export class Layout {
    /** Bytes requested. */
    readonly size: number
    /** Required alignment of the block's address: a power of two ≤ MAX_ALIGN. */
    readonly align: number

    /** Same as Layout.fromSizeAlign: validates and throws LayoutError. */
    constructor(size: number, align: number) {
        // A non-number is named by its type: its text could be unbounded.
        if (typeof size !== "number") throw new LayoutError("size must be a number, not a " + typeof size)
        if (typeof align !== "number") throw new LayoutError("align must be a number, not a " + typeof align)
        if (!(size >= 0) || size !== Math.floor(size)) throw new LayoutError("size " + size + " must be a whole number of bytes ≥ 0")
        if (!isPowerOfTwo(align)) throw new LayoutError("align " + align + " must be a power of two ≥ 1")
        if (align > MAX_ALIGN)
            throw new LayoutError("align " + align + " exceeds the maximum supported alignment " + MAX_ALIGN)
        if (size > MAX_SIZE - (align - 1))
            throw new LayoutError("size " + size + " rounded up to align " + align + " exceeds " + MAX_SIZE)
        this.size = size
        this.align = align
    }

    /**
     * Rust's `Layout::from_size_align`.
     *
     * ```ts
     * const l = Layout.fromSizeAlign(12, 8) // l.size === 12, l.align === 8
     * ```
     */
    static fromSizeAlign(size: number, align: number): Layout {
        return new Layout(size, align)
    }

    /**
     * Layout of a scalar whose alignment equals its size (1, 2, 4 or 8 bytes),
     * e.g. `Layout.scalar(4)` for a u32.
     */
    static scalar(size: number): Layout {
        return new Layout(size, size)
    }

    /**
     * Rust's `Layout::array::<T>(n)`: n elements of `elem`, each padded to its alignment.
     *
     * ```ts
     * Layout.array(Layout.fromSizeAlign(3, 1), 4).size === 12
     * ```
     */
    static array(elem: Layout, n: number): Layout {
        if (!(n >= 0) || n !== Math.floor(n)) throw new LayoutError("array length " + n + " must be a whole number ≥ 0")
        const stride = alignUp(elem.size, elem.align)
        if (stride > 0 && n > MAX_SIZE / stride)
            throw new LayoutError("array of " + n + " × " + stride + " bytes exceeds " + MAX_SIZE)
        return new Layout(stride * n, elem.align)
    }

    /** Padding needed after `size` bytes so the next address is aligned to `align`. */
    padNeededFor(align: number): number {
        if (!isPowerOfTwo(align)) throw new LayoutError("align " + align + " must be a power of two ≥ 1")
        return alignUp(this.size, align) - this.size
    }

    /** Rust's `pad_to_align`: the size rounded up to the alignment (the array stride). */
    padToAlign(): Layout {
        return new Layout(alignUp(this.size, this.align), this.align)
    }

    /** Rust's `align_to`: the same size with at least `align` alignment. */
    alignTo(align: number): Layout {
        return new Layout(this.size, Math.max(this.align, align))
    }

    /**
     * Rust's `Layout::extend`: a struct of this layout followed by a field of
     * `next`, with padding so the field is aligned. The result is not padded at
     * its end; call padToAlign() when the struct is complete (as in C/Rust repr(C)).
     *
     * ```ts
     * // struct { a: u8, b: u32 }
     * const s = Layout.fromSizeAlign(1, 1).extend(Layout.scalar(4))
     * s.offset === 4; s.layout.size === 8; s.layout.align === 4
     * ```
     */
    extend(next: Layout): Extended {
        const offset = alignUp(this.size, next.align)
        if (offset > MAX_SIZE - next.size) throw new LayoutError("struct size exceeds " + MAX_SIZE)
        const layout = new Layout(offset + next.size, Math.max(this.align, next.align))
        return { layout: layout, offset: offset }
    }

    /** Equal size and align. */
    equals(other: Layout): boolean {
        return this.size === other.size && this.align === other.align
    }
}
