/**
 * bestfit.ts — a best-fit allocator of the umm_malloc family (4-byte headers
 * of 15-bit block indices, 8-byte blocks) with TLSF-style segregated free
 * lists, over a StaticRegion, every byte of its metadata inside the region.
 *
 * Why this design (issue 14): on small heaps the footprint is decided by the
 * per-block overhead and by placement. umm_malloc's 4-byte header (next and
 * previous block as 15-bit indices of 8-byte units) costs half of TLSF's
 * 8 bytes, and best fit keeps big free blocks whole. umm_malloc finds the best
 * fit by scanning one free list of every free block; here the free blocks are
 * filed in 104 size classes (a bitmap finds the first non-empty class in
 * O(1)), and only the one class list that holds the answer is scanned. The
 * answer is the exact best fit: the smallest free block ≥ the need (the first
 * one found of that size). realloc grows in place into the next free block,
 * into the previous one (moving the payload down with a memmove), or both,
 * before it moves the block elsewhere — as umm_malloc does.
 *
 * Units: U = 8 << shift bytes. shift is 0 (U = 8) for regions up to ≈ 256 KiB
 *   (32,767 units); a bigger region doubles U until its unit count fits 15
 *   bits (host benchmarks only: 16 MiB → U = 512), trading rounding for reach.
 * Blocks: block i spans units [i, next(i)); its 4-byte header sits at
 *   A(i) = G + U·i and its payload at P(i) = A(i) + 4, where G + 4 is a
 *   multiple of U (and of 8), so payloads are U-aligned. Block 0 is a live
 *   start sentinel (one unit, no payload), block E (the last unit) the live
 *   end sentinel (next = 0); blocks 1..E−1 tile the heap.
 *
 *     0      4      8        12          H = 12 + 4·W   H + 2·C    G               A(E)
 *     ┌──────┬──────┬────────┬───────────┬───────────┬──────┬─── … ──────┬────┬──┐
 *     │ magic│ size │ flags  │ bitmap    │ heads     │ pad  │ blocks 0..E │ E  │▒▒│
 *     └──────┴──────┴────────┴───────────┴───────────┴──────┴─── … ──────┴────┴──┘
 *     +0 u32 magic 0x54494642 ("BFIT"), +4 u32 region size, +8 u8 shift, +9 u8 version (1),
 *     +10 u16 E; +12 bitmap (W i32 words: bit 31 needs a signed store): bit c set iff heads[c] ≠ 0;
 *     H heads: u16 first free block of class c (0 = empty), for the C classes a block of
 *     this region can have (C ≤ 104, W = ⌈C / 32⌉: 64 classes for 8 KiB, 80 for 32 KiB)
 *
 *     header (u32 at A(i)): bits 0..14 next(i), bit 15 FREE, bits 16..30 prev(i)
 *     free block:  +4 u16 next free, +6 u16 previous free (block indices, 0 = none)
 *     live block:  +4 … the caller's payload: U·(next − i) − 4 bytes
 *     absorbed header (merged into a neighbour): BFIT_DEAD (next = 0, never valid)
 *
 *   A layout of `size` bytes needs n = max(1, ⌈(size + 4) / U⌉) units, and a
 *   live block has exactly n units: any tail of ≥ 1 unit is split off (one
 *   unit is a whole free block: header + links), so dealloc can check the
 *   exact size. Classes of a free block of n units: n for n < 16; else, with
 *   m = msb(n), 16 + 8·(m − 4) + (the 3 bits of n below its msb): 104 classes.
 * Placement: the best fit; a request of ≤ SMALL_UNITS (8 units, 60 bytes) is
 *   cut from the END of its free block, a larger one from the start. Small,
 *   short-lived blocks then gather at the top of free space instead of right
 *   after a big block that may grow: on malloc-lab's realloc2 (a block grown
 *   4,800 times with a 16-byte block allocated after each growth) this takes
 *   the footprint from 35,840 to 28,416 bytes (threshold 4–8 units measured
 *   best; 16 and 32 lose binary2's windows again: bench/RESULTS.md).
 *   The free part of a block cut at its end keeps its place in its list when
 *   its class does not change: no list work at all.
 *
 * Invariants (check() verifies each):
 *   I1 blocks 0..E tile the units in order: next(i) > i, prev(next(i)) = i;
 *      block 0 and E are live; A(E) + 4 ≤ region size;
 *   I2 class list c holds exactly the free blocks of class c, doubly linked,
 *      and bitmap bit c is set iff the list is non-empty;
 *   I3 no two free blocks are adjacent (coalescing is complete);
 *   I4 inUse = Σ live block bytes (U per unit, headers included), free =
 *      capacity − inUse, liveBlocks = live blocks; HeapStats.problems().
 *
 * Costs (n = free blocks in the one class list scanned)
 *   alloc: O(1) bitmap search (≤ 4 words) + a scan of one class list for the
 *     smallest block that fits, stopping at an exact fit: O(n) worst case.
 *     Why acceptable: a class spans ≤ 1/8 of a power of two, so its blocks
 *     are near one size; a scan stops at the first block of exactly the need
 *     (common: programs free and reallocate the same sizes); umm_malloc scans
 *     every free block. Worst case: the list holds every free block, at
 *     most E/2 (every other unit free and all of one class: ≈ 2,000 on a
 *     32 KiB region), each entry 2 getAt and a compare; a firmware that
 *     makes such a heap should yield between allocations (131,072 opcodes
 *     a slice). Measured costs per pair: bench/RESULTS.md ("DeviceScript VM").
 *   Unit scaling's price: on a region past 256 KiB a block is rounded to the
 *     larger unit (host benchmarks only: binary2-bal's 16-byte blocks take
 *     64 bytes at U = 64, so its footprint is 1.4× TLSF's there).
 *   dealloc: O(1): 3 header reads to validate, ≤ 2 unlinks, one push.
 *   realloc: O(1) in place (shrink; grow into the next, the previous or both
 *     free neighbours, the previous one costing a memmove of the payload);
 *     else alloc + one copy + dealloc. allocZeroed: alloc + one fillAt.
 *   stats(): O(n) of the highest class list (its largest block). check(),
 *   walk(), misuse diagnosis: O(blocks).
 *   Metadata: 12 + 4·W + 2·C bytes of control, < U of padding, a start
 *   sentinel unit and a 4-byte end header: 160 bytes for 8 KiB, 200 for
 *   32 KiB; 4 bytes of header per block.
 *
 * Misuse detection (dealloc and realloc; throws HeapError before any change)
 *   pointer 0                                   → NotAllocated ("null pointer")
 *   outside [base, base + size)                 → OutOfRegion
 *   not whole, not on the U grid of payloads,
 *   or not a multiple of layout.align           → Misaligned
 *   in the control structure or a sentinel      → NotAllocated
 *   start of a free block                       → DoubleFree
 *   start of an absorbed (DEAD) header inside
 *   a free block: freed and merged              → DoubleFree
 *   inside a block, not its start               → NotAllocated
 *   start of a live block of another size       → WrongLayout
 *   a header whose neighbours disagree with it  → Corrupt (run check())
 *   Cost of the valid case: one header compare (not FREE, the exact unit
 *   count) and the two neighbours' links back to it. A failed test falls into
 *   the diagnosis (a walk of the chain). A random interior pointer passes only
 *   if user data forges a header whose neighbours both link back to it.
 *   Not detectable: a layout size with the same unit count.
 *
 * ```ts
 * const heap = new BestfitAllocator(new StaticRegion(0x20020000, 32768))
 * const l = Layout.fromSizeAlign(100, 8)
 * const p = heap.alloc(l)             // a 104-byte block: 4 header + 100
 * const q = heap.realloc(p, l, 300)   // grows in place when a neighbour is free
 * heap.dealloc(q, Layout.fromSizeAlign(300, 8))
 * heap.check()                        // []
 * ```
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "../core/errors"
import { allocThenZero, BlockVisitor, checkNewSize, HeapAllocator } from "../api/global_alloc"
import { ptrText } from "../core/hex"
import { Layout, layoutError } from "../core/layout"
import { StaticRegion } from "../core/region"
import { HeapCounters } from "../core/counters"
import { HeapStats } from "../core/stats"
import { tlsfMsb } from "./tlsf"

/** "BFIT" as a little-endian u32 at offset 0 of a bestfit region. */
export const BFIT_MAGIC = 0x54494642
/** Version of the layout in the header comment. */
export const BFIT_VERSION = 1
/** Header word of an absorbed header: next = 0, which no real block has. */
export const BFIT_DEAD = 0x5ead0000
/** FREE flag of a header word. */
export const BFIT_FREE = 0x8000
/** Size classes of the largest region (see the header comment); a smaller one keeps only those its blocks can reach. */
export const BFIT_CLASSES = 104
/** Offset of the class bitmap (i32 words). */
const BITMAP = 12
/** Requests of at most this many units are cut from the end of their free block (see the header). */
const SMALL_UNITS = 8
/** Largest block index (15 bits). */
const MAX_INDEX = 0x7fff

/** msb of each byte value, for the inline class computations (built with tlsfMsb). */
const MSB8 = msb8()

function msb8(): ds.Buffer {
    const t = ds.Buffer.alloc(256)
    for (let i = 1; i < 256; i++) t.setAt(i, "u8", tlsfMsb(i))
    return t
}

/**
 * The class of a free block of n units (1 ≤ n ≤ 32,767).
 *
 * ```ts
 * bestFitClass(3) === 3; bestFitClass(16) === 16; bestFitClass(31) === 23; bestFitClass(32767) === 103
 * ```
 */
export function bestFitClass(n: number): number {
    if (n < 16) return n
    const m = n < 256 ? MSB8.getAt(n, "u8") : 8 + MSB8.getAt(n >> 8, "u8")
    return 16 + ((m - 4) << 3) + ((n >> (m - 3)) & 7)
}

/**
 * Best-fit allocator; see the header comment for layout, invariants and costs.
 *
 * ```ts
 * const heap = new BestfitAllocator(StaticRegion.forBoard(PICO))
 * const p = heap.alloc(Layout.fromSizeAlign(24, 8))
 * ```
 */
export class BestfitAllocator extends HeapCounters implements HeapAllocator {
    readonly kind: string = "bestfit"
    readonly region: StaticRegion
    /** log2(U / 8). */
    readonly shift: number
    /** Offset of block 0's header. */
    readonly grid: number
    /** Index of the end sentinel. */
    readonly last: number
    /** Size classes kept (those a block of this region can have), bitmap words, offset of heads[0]. */
    readonly classes: number
    readonly words: number
    readonly heads: number

    private buf: ds.Buffer
    private base: number
    private size: number
    /** U = 8 << shift, and 3 + shift (units ↔ bytes). */
    private unit: number
    private ushift: number

    /**
     * Lays out the control structure and makes blocks 1..E−1 one free block.
     * HeapError(BadArgument) when the region cannot hold the metadata, the
     * two sentinels and one free unit.
     *
     * ```ts
     * const heap = new BestfitAllocator(new StaticRegion(0x20020000, 4096))
     * ```
     */
    constructor(region: StaticRegion) {
        super()
        this.region = region
        this.buf = region.buf
        this.base = region.base
        const size = region.size
        this.size = size
        // Unit and class count: the fewest classes that cover the largest
        // block, found from an upper bound of the unit count (the count with
        // the smallest control structure), so the final count never needs more.
        let shift = 0
        let classes = 1
        for (;;) {
            const upper = size > 24 ? Math.floor((size - 24) / (8 << shift)) : 0
            if (upper <= MAX_INDEX) {
                // The largest block has ≤ last − 1 ≤ upper − 1 units.
                classes = upper < 2 ? 2 : bestFitClass(upper - 1) + 1
                break
            }
            shift++
        }
        const words = (classes + 31) >> 5
        const u = 8 << shift
        const grid = ((BITMAP + 4 * words + 2 * classes + 4 + u - 1) & -u) - 4
        const last = size > grid + 4 ? Math.floor((size - grid - 4) / u) : 0
        if (last < 2)
            throw new HeapError(HeapErrorCode.BadArgument, region.base, "bestfit: a region of " + size + " bytes cannot hold its " + (grid + 20) + " bytes of metadata and one free unit")
        this.shift = shift
        this.unit = 8 << shift
        this.ushift = 3 + shift
        this.grid = grid
        this.last = last
        this.classes = classes
        this.words = words
        this.heads = BITMAP + 4 * words
        this.capacity = (last - 1) * this.unit
        const buf = this.buf
        buf.fillAt(0, grid, 0)
        buf.setAt(0, "u32", BFIT_MAGIC)
        buf.setAt(4, "u32", size)
        buf.setAt(8, "u8", shift)
        buf.setAt(9, "u8", BFIT_VERSION)
        buf.setAt(10, "u16", last)
        buf.setAt(grid, "u32", 1)
        buf.setAt(grid + this.unit, "u32", last | BFIT_FREE)
        buf.setAt(grid + last * this.unit, "u32", 1 << 16)
        this.pushFree(1, last - 1)
    }

    /**
     * Rust's GlobalAlloc::alloc: the best-fitting free block, split to the
     * exact unit count; 0 when none is big enough. See the header for the cost.
     *
     * ```ts
     * const p = heap.alloc(Layout.fromSizeAlign(100, 64)) // p % 64 === 0
     * ```
     */
    alloc(layout: Layout): number {
        const size = layout.size
        const align = layout.align
        // layoutOk() inline (layout.ts: a forged Layout is a LayoutError; a call would cost more than the test)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, "alloc")
        if (size > this.peakRequest) this.peakRequest = size
        if (size > this.capacity) {
            this.failures++
            return 0
        }
        const n = (size + 3 + this.unit) >> this.ushift
        const i = this.carve(n, align)
        if (i < 0) {
            this.failures++
            return 0
        }
        this.allocs++
        this.requested += size
        const inUse = this.inUse + (n << this.ushift)
        this.inUse = inUse
        if (inUse > this.peakInUse) this.peakInUse = inUse
        return this.base + this.grid + (i << this.ushift) + 4
    }

    /**
     * Rust's GlobalAlloc::alloc_zeroed: alloc, then one fillAt over layout.size bytes.
     *
     * ```ts
     * const p = heap.allocZeroed(Layout.fromSizeAlign(64, 4))
     * ```
     */
    allocZeroed(layout: Layout): number {
        return allocThenZero(this, layout)
    }

    /**
     * Rust's GlobalAlloc::dealloc, merging with free neighbours. Misuse (see
     * the header) throws HeapError before anything changes. O(1).
     *
     * ```ts
     * heap.dealloc(p, l)
     * heap.dealloc(p, l) // throws HeapError double-free
     * ```
     */
    dealloc(ptr: number, layout: Layout): void {
        const size = layout.size
        const align = layout.align
        // layoutOk() inline (layout.ts: a forged Layout is a LayoutError; a call would cost more than the test)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, "dealloc")
        // liveBlock's fast test, written out here (one VM frame less per free).
        const grid = this.grid
        const off = ptr - this.base - grid - 4
        const us = this.ushift
        if (!(off >= this.unit && off < this.last << us) || (off | 0) !== off || (off & (this.unit - 1)) !== 0 || ((ptr - this.base) & (layout.align - 1)) !== 0 || size > this.capacity)
            throw this.misuse(ptr, layout, "dealloc")
        const buf = this.buf
        const i = off >> us
        const w = buf.getAt(off + grid, "u32")
        const nx = w & (MAX_INDEX | BFIT_FREE)
        if (nx !== i + ((size + 3 + this.unit) >> us) || buf.getAt(grid + (nx << us), "u32") >>> 16 !== i || (buf.getAt(grid + ((w >>> 16) << us), "u32") & MAX_INDEX) !== i)
            throw this.misuse(ptr, layout, "dealloc")
        this.frees++
        this.inUse -= (nx - i) << us
        this.requested -= size
        this.release(i, nx - i)
    }

    /**
     * Rust's GlobalAlloc::realloc. In place when it can: a shrink splits the
     * tail off; a grow absorbs the next free block, else the previous one
     * (with the next one too when free; the payload moves down by a memmove).
     * Otherwise alloc + copy + dealloc. On failure returns 0 and the old
     * block is valid and unchanged. newSize is checked like a Layout.
     *
     * ```ts
     * const q = heap.realloc(p, Layout.fromSizeAlign(16, 4), 40)
     * ```
     */
    realloc(ptr: number, layout: Layout, newSize: number): number {
        const size = layout.size
        const align = layout.align
        // layoutOk() inline (layout.ts: a forged Layout is a LayoutError; a call would cost more than the test)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, "realloc")
        checkNewSize(newSize, align)
        const i = this.liveBlock(ptr, layout, "realloc")
        if (newSize > this.peakRequest) this.peakRequest = newSize
        if (newSize > this.capacity) {
            this.failures++
            return 0
        }
        const buf = this.buf
        const grid = this.grid
        const us = this.ushift
        const need = (newSize + 3 + this.unit) >> us
        const w = buf.getAt(grid + (i << us), "u32")
        const nx = w & MAX_INDEX
        const n = nx - i
        const nw = buf.getAt(grid + (nx << us), "u32")
        const nfree = (nw & BFIT_FREE) !== 0 ? (nw & MAX_INDEX) - nx : 0
        let b = -1
        let total = 0
        if (need <= n + nfree) {
            // In place, with the next block when needed (a shrink keeps it free).
            b = i
            total = n
            if (need > n) {
                this.unlinkFree(nx, nfree)
                buf.setAt(grid + (nx << us), "u32", BFIT_DEAD)
                total += nfree
            }
        } else {
            const pv = w >>> 16
            const pw = buf.getAt(grid + (pv << us), "u32")
            // (An over-aligned block moves down only to a payload that keeps its alignment.)
            if ((pw & BFIT_FREE) !== 0 && need <= i - pv + n + nfree && ((grid + (pv << us) + 4) & (layout.align - 1)) === 0) {
                // Into the previous free block (and the next one when free): move the payload down.
                this.unlinkFree(pv, i - pv)
                if (nfree > 0) {
                    this.unlinkFree(nx, nfree)
                    buf.setAt(grid + (nx << us), "u32", BFIT_DEAD)
                }
                // The old header goes first: the moved payload may cover it.
                buf.setAt(grid + (i << us), "u32", BFIT_DEAD)
                const len = layout.size < newSize ? layout.size : newSize
                // The ranges overlap when the previous block is small: region.copy is a memmove (blitAt is memcpy).
                this.region.copy(this.base + grid + (pv << us) + 4, ptr, len)
                b = pv
                total = i - pv + n + nfree
            }
        }
        if (b >= 0) {
            // [b, b + total) is ours; keep need units and free a tail of ≥ 1 unit.
            const end = b + total
            buf.setAt(grid + (b << us), "u32", (buf.getAt(grid + (b << us), "u32") & 0x7fff0000) | (b + need))
            if (total > need) {
                buf.setAt(grid + ((b + need) << us), "u32", ((b << 16) | end) & 0x7fffffff)
                buf.setAt(grid + (end << us), "u32", (buf.getAt(grid + (end << us), "u32") & 0xffff) | ((b + need) << 16))
                // A shrink's tail may touch a free next block: release merges it.
                this.release(b + need, total - need)
            } else buf.setAt(grid + (end << us), "u32", (buf.getAt(grid + (end << us), "u32") & 0xffff) | (b << 16))
            this.reallocs++
            this.requested += newSize - layout.size
            this.inUse += (need - n) << us
            if (this.inUse > this.peakInUse) this.peakInUse = this.inUse
            return this.base + grid + (b << us) + 4
        }
        const nb = this.carve(need, layout.align)
        if (nb < 0) {
            this.failures++
            return 0
        }
        const len = layout.size < newSize ? layout.size : newSize
        // Disjoint blocks (both live), so memcpy is fine.
        if (len > 0) buf.blitAt(grid + (nb << us) + 4, buf, ptr - this.base, len)
        this.release(i, n)
        this.reallocs++
        this.requested += newSize - layout.size
        this.inUse += (need - n) << us
        if (this.inUse > this.peakInUse) this.peakInUse = this.inUse
        return this.base + grid + (nb << us) + 4
    }

    /**
     * A snapshot of the statistics (stats.ts); largestFree is the payload of
     * the largest block of the highest non-empty class. O(that list).
     *
     * ```ts
     * heap.stats().largestFree
     * ```
     */
    stats(): HeapStats {
        return this.snapshot(this.largestFreeBlock())
    }

    /**
     * Verifies I1–I4 (header comment); [] when consistent, else at most 50
     * sentences. O(blocks + classes); a scratch Buffer of one bit per unit.
     *
     * ```ts
     * expect(heap.check()).toEqual([])
     * ```
     */
    check(): string[] {
        const out: string[] = []
        const buf = this.buf
        const grid = this.grid
        const us = this.ushift
        const last = this.last
        if (buf.getAt(0, "u32") !== BFIT_MAGIC || buf.getAt(4, "u32") !== this.size || buf.getAt(8, "u8") !== this.shift || buf.getAt(9, "u8") !== BFIT_VERSION || buf.getAt(10, "u16") !== last)
            out.push("header: expected magic BFIT, size " + this.size + ", shift " + this.shift + ", version " + BFIT_VERSION + ", last block " + last + " at offsets 0..11")
        const marks = ds.Buffer.alloc((last >> 3) + 1)
        let i = 0
        let prev = 0
        let prevFree = false
        let freeUnits = 0
        let liveCount = 0
        while (i < last && out.length < 50) {
            const w = buf.getAt(grid + (i << us), "u32")
            const nx = w & MAX_INDEX
            const free = (w & BFIT_FREE) !== 0
            if (nx <= i || nx > last || (w & 0x80000000) !== 0) {
                out.push("chain: block " + i + " at " + ptrText(this.base + grid + (i << us)) + " has next " + nx + " (word " + w + "): the blocks do not tile the region")
                break
            }
            if (w >>> 16 !== prev) out.push("chain: block " + i + " links back to " + (w >>> 16) + ", expected " + prev)
            if (free) {
                if (i === 0) out.push("chain: the start sentinel is marked free")
                if (prevFree) out.push("chain: free blocks " + prev + " and " + i + " are adjacent (coalescing is incomplete)")
                freeUnits += nx - i
                marks.setAt(i >> 3, "u8", marks.getAt(i >> 3, "u8") | (1 << (i & 7)))
            } else if (i > 0) liveCount++
            prevFree = free
            prev = i
            i = nx
        }
        if (i === last) {
            const w = buf.getAt(grid + (last << us), "u32")
            if (w !== prev << 16) out.push("sentinel: expected word " + (prev << 16) + " at block " + last + ", got " + w)
        }
        // The class lists and the bitmap.
        for (let c = 0; c < this.classes && out.length < 50; c++) {
            const bit = (buf.getAt(BITMAP + 4 * (c >> 5), "i32") >>> (c & 31)) & 1
            let e = buf.getAt(this.heads + 2 * c, "u16")
            if ((e === 0) !== (bit === 0)) out.push("bitmap: class " + c + " is " + (e === 0 ? "empty" : "non-empty") + " but its bit is " + bit)
            let pe = 0
            while (e !== 0) {
                const w = e < last ? buf.getAt(grid + (e << us), "u32") : 0
                if (e >= last || (marks.getAt(e >> 3, "u8") & (1 << (e & 7))) === 0) {
                    out.push("list " + c + ": entry " + e + " is not a free block (or is listed twice)")
                    break
                }
                marks.setAt(e >> 3, "u8", marks.getAt(e >> 3, "u8") & ~(1 << (e & 7)))
                if (bestFitClass((w & MAX_INDEX) - e) !== c) out.push("list " + c + ": block " + e + " of " + ((w & MAX_INDEX) - e) + " units belongs to class " + bestFitClass((w & MAX_INDEX) - e))
                const p = grid + (e << us) + 4
                if (buf.getAt(p + 2, "u16") !== pe) out.push("list " + c + ": block " + e + " links back to " + buf.getAt(p + 2, "u16") + ", expected " + pe)
                pe = e
                e = buf.getAt(p, "u16")
            }
        }
        for (let k = 0; k < marks.length && out.length < 50; k++)
            if (marks.getAt(k, "u8") !== 0) out.push("lists: a free block among units " + 8 * k + ".." + (8 * k + 7) + " is on no class list")
        const freeBytes = freeUnits << us
        if (this.capacity - this.inUse !== freeBytes) out.push("counters: free is " + (this.capacity - this.inUse) + " bytes, the free blocks hold " + freeBytes)
        if (this.allocs - this.frees !== liveCount) out.push("counters: " + (this.allocs - this.frees) + " live blocks counted, " + liveCount + " in the chain")
        const problems = this.stats().problems()
        for (const p of problems) out.push("stats: " + p)
        return out
    }

    /**
     * Calls visit(ptr, payload bytes, used) for blocks 1..E−1 in address order. O(blocks).
     *
     * ```ts
     * heap.walk((p, n, used) => console.log(p, n, used))
     * ```
     */
    walk(visit: BlockVisitor): void {
        const buf = this.buf
        const grid = this.grid
        const us = this.ushift
        let i = buf.getAt(grid, "u32") & MAX_INDEX
        while (i < this.last) {
            const w = buf.getAt(grid + (i << us), "u32")
            const nx = w & MAX_INDEX
            if (nx <= i || nx > this.last) throw new HeapError(HeapErrorCode.Corrupt, this.base + grid + (i << us), "bestfit walk: block " + i + " has next " + nx + "; run check()")
            visit(this.base + grid + (i << us) + 4, ((nx - i) << us) - 4, (w & BFIT_FREE) === 0)
            i = nx
        }
    }

    // ---- the work ----

    /**
     * The best free block for n units at `align`, taken off its list and
     * split to exactly n units (plus a leading free gap for align > U);
     * returns its index, or −1. See the header for the search.
     */
    private carve(n: number, align: number): number {
        const buf = this.buf
        const grid = this.grid
        const us = this.ushift
        // An over-aligned request looks for room for the worst gap.
        const extra = align > this.unit ? (align >> us) - 1 : 0
        const want = n + extra
        if (want > MAX_INDEX) return -1
        let c = want < 16 ? want : bestFitClass(want)
        if (c >= this.classes) return -1
        const heads = this.heads
        let best = 0
        let bestN = 0x10000
        // The request's own class: its blocks may be smaller than want.
        let e = buf.getAt(heads + 2 * c, "u16")
        while (e !== 0) {
            const s = (buf.getAt(grid + (e << us), "u32") & MAX_INDEX) - e
            if (s >= want && s < bestN) {
                best = e
                bestN = s
                if (s === want) break
            }
            e = buf.getAt(grid + (e << us) + 4, "u16")
        }
        if (best === 0) {
            // The first non-empty class above: every block fits; take its smallest.
            c++
            let k = c >> 5
            const words = this.words
            let bits = k < words ? buf.getAt(BITMAP + 4 * k, "i32") & (-1 << (c & 31)) : 0
            while (bits === 0 && k < words - 1) {
                k++
                bits = buf.getAt(BITMAP + 4 * k, "i32")
            }
            if (bits === 0) return -1
            // The lowest set bit as a positive number (bit 31 is negative in an i32).
            bits = (bits & -bits) >>> 0
            c = (k << 5) + (bits < 256 ? MSB8.getAt(bits, "u8") : bits < 65536 ? 8 + MSB8.getAt(bits >> 8, "u8") : bits < 16777216 ? 16 + MSB8.getAt(bits >>> 16, "u8") : 24 + MSB8.getAt(bits >>> 24, "u8"))
            e = buf.getAt(heads + 2 * c, "u16")
            // Sizes of classes ≥ 16 start at a multiple of 2^(m − 3): the smallest possible one ends the scan.
            while (e !== 0) {
                const s = (buf.getAt(grid + (e << us), "u32") & MAX_INDEX) - e
                if (s < bestN) {
                    best = e
                    bestN = s
                    if (c < 16) break
                }
                e = buf.getAt(grid + (e << us) + 4, "u16")
            }
        }
        const end = best + bestN
        if (n <= SMALL_UNITS && extra === 0 && bestN > n) {
            // A small block is cut from the free block's end (see the header):
            // the free part keeps its place, and its list when its class stays.
            const t = end - n
            const rest = bestN - n
            if ((rest < 16 ? rest : bestFitClass(rest)) !== c) {
                this.unlinkFree(best, bestN)
                this.pushFree(best, rest)
            }
            buf.setAt(grid + (best << us), "u32", (buf.getAt(grid + (best << us), "u32") & 0x7fff0000) | t | BFIT_FREE)
            buf.setAt(grid + (t << us), "u32", (best << 16) | end)
            buf.setAt(grid + (end << us), "u32", (buf.getAt(grid + (end << us), "u32") & 0xffff) | (t << 16))
            return t
        }
        this.unlinkFree(best, bestN)
        let b = best
        let s = bestN
        if (extra > 0) {
            // Leading gap to the alignment: a free block of ≥ 1 unit, or none.
            // Offsets, not addresses: the region base is aligned to MAX_ALIGN.
            const p = grid + (b << us) + 4
            const gap = (((p + align - 1) & -align) - p) >> us
            if (gap > 0) {
                buf.setAt(grid + (b << us), "u32", (buf.getAt(grid + (b << us), "u32") & 0x7fff0000) | (b + gap) | BFIT_FREE)
                this.pushFree(b, gap)
                buf.setAt(grid + ((b + gap) << us), "u32", (b << 16) | end)
                buf.setAt(grid + (end << us), "u32", (buf.getAt(grid + (end << us), "u32") & 0xffff) | ((b + gap) << 16))
                b += gap
                s -= gap
            }
        }
        const hw = buf.getAt(grid + (b << us), "u32") & 0x7fff0000
        if (s > n) {
            // Split: the tail is free; its next is live (b was free, I3).
            const t = b + n
            buf.setAt(grid + (b << us), "u32", hw | t)
            buf.setAt(grid + (t << us), "u32", (b << 16) | end | BFIT_FREE)
            buf.setAt(grid + (end << us), "u32", (buf.getAt(grid + (end << us), "u32") & 0xffff) | (t << 16))
            this.pushFree(t, s - n)
        } else buf.setAt(grid + (b << us), "u32", hw | end)
        return b
    }

    /**
     * Frees block i of n units (its header is rewritten, not trusted):
     * merges it with a free next and a free previous block, marking absorbed
     * headers DEAD, and files the result. No counters. O(1).
     */
    private release(i: number, n: number): void {
        // The unlink of the next block and the push are written out inline:
        // this is dealloc's whole list work, and a call costs a VM frame
        // (DESIGN.md, "Cost on the device"); a merge with the previous block
        // (rarer in LIFO use) calls unlinkFree.
        const buf = this.buf
        const grid = this.grid
        const us = this.ushift
        const heads = this.heads
        let end = i + n
        let ea = grid + (end << us)
        const nw = buf.getAt(ea, "u32")
        if ((nw & BFIT_FREE) !== 0) {
            const ne = nw & MAX_INDEX
            const nx = buf.getAt(ea + 4, "u16")
            const pv = buf.getAt(ea + 6, "u16")
            if (nx !== 0) buf.setAt(grid + (nx << us) + 6, "u16", pv)
            if (pv !== 0) buf.setAt(grid + (pv << us) + 4, "u16", nx)
            else {
                // The next block headed its list: its class (bestFitClass, inline).
                const s = ne - end
                let c = s
                if (s >= 16) {
                    const m = s < 256 ? MSB8.getAt(s, "u8") : 8 + MSB8.getAt(s >> 8, "u8")
                    c = 16 + ((m - 4) << 3) + ((s >> (m - 3)) & 7)
                }
                buf.setAt(heads + 2 * c, "u16", nx)
                if (nx === 0) buf.setAt(BITMAP + 4 * (c >> 5), "i32", buf.getAt(BITMAP + 4 * (c >> 5), "i32") & ~(1 << (c & 31)))
            }
            buf.setAt(ea, "u32", BFIT_DEAD)
            end = ne
            ea = grid + (end << us)
        }
        let ia = grid + (i << us)
        let w = buf.getAt(ia, "u32")
        const pv = w >>> 16
        const pa = grid + (pv << us)
        const pw = buf.getAt(pa, "u32")
        if ((pw & BFIT_FREE) !== 0) {
            this.unlinkFree(pv, i - pv)
            buf.setAt(ia, "u32", BFIT_DEAD)
            i = pv
            ia = pa
            w = pw
        }
        buf.setAt(ia, "u32", (w & 0x7fff0000) | end | BFIT_FREE)
        buf.setAt(ea, "u32", (buf.getAt(ea, "u32") & 0xffff) | (i << 16))
        // Push i on the list of its class (pushFree, inline).
        const s = end - i
        let c = s
        if (s >= 16) {
            const m = s < 256 ? MSB8.getAt(s, "u8") : 8 + MSB8.getAt(s >> 8, "u8")
            c = 16 + ((m - 4) << 3) + ((s >> (m - 3)) & 7)
        }
        const hp = heads + 2 * c
        const h = buf.getAt(hp, "u16")
        buf.setAt(ia + 4, "u32", h) // next = h, previous = 0: one u32 store
        if (h !== 0) buf.setAt(grid + (h << us) + 6, "u16", i)
        else buf.setAt(BITMAP + 4 * (c >> 5), "i32", buf.getAt(BITMAP + 4 * (c >> 5), "i32") | (1 << (c & 31)))
        buf.setAt(hp, "u16", i)
    }

    /** Pushes free block i of n units on its class list and sets the class bit. O(1). */
    private pushFree(i: number, n: number): void {
        const buf = this.buf
        const c = n < 16 ? n : bestFitClass(n)
        const hp = this.heads + 2 * c
        const h = buf.getAt(hp, "u16")
        const p = this.grid + (i << this.ushift) + 4
        buf.setAt(p, "u16", h)
        buf.setAt(p + 2, "u16", 0)
        if (h !== 0) buf.setAt(this.grid + (h << this.ushift) + 6, "u16", i)
        else {
            const bw = BITMAP + 4 * (c >> 5)
            buf.setAt(bw, "i32", buf.getAt(bw, "i32") | (1 << (c & 31)))
        }
        buf.setAt(hp, "u16", i)
    }

    /** Unlinks free block i of n units from its class list, clearing the class bit when it empties. O(1). */
    private unlinkFree(i: number, n: number): void {
        const buf = this.buf
        const p = this.grid + (i << this.ushift) + 4
        const nx = buf.getAt(p, "u16")
        const pv = buf.getAt(p + 2, "u16")
        if (nx !== 0) buf.setAt(this.grid + (nx << this.ushift) + 6, "u16", pv)
        if (pv !== 0) buf.setAt(this.grid + (pv << this.ushift) + 4, "u16", nx)
        else {
            const c = n < 16 ? n : bestFitClass(n)
            buf.setAt(this.heads + 2 * c, "u16", nx)
            if (nx === 0) {
                const bw = BITMAP + 4 * (c >> 5)
                buf.setAt(bw, "i32", buf.getAt(bw, "i32") & ~(1 << (c & 31)))
            }
        }
    }

    // ---- slow paths ----

    /** Payload bytes of the largest free block in the highest non-empty class, 0 when none. */
    private largestFreeBlock(): number {
        const buf = this.buf
        for (let k = this.words - 1; k >= 0; k--) {
            const bits = buf.getAt(BITMAP + 4 * k, "i32")
            if (bits === 0) continue
            const c = (k << 5) + (bits < 0 || bits >= 16777216 ? 24 + tlsfMsb(bits >>> 24) : tlsfMsb(bits))
            let e = buf.getAt(this.heads + 2 * c, "u16")
            let most = 0
            while (e !== 0) {
                const s = (buf.getAt(this.grid + (e << this.ushift), "u32") & MAX_INDEX) - e
                if (s > most) most = s
                e = buf.getAt(this.grid + (e << this.ushift) + 4, "u16")
            }
            return (most << this.ushift) - 4
        }
        return 0
    }

    /** The index of the live block (ptr, layout) after the fast validation, or throws misuse. */
    private liveBlock(ptr: number, layout: Layout, op: string): number {
        const size = layout.size
        const off = ptr - this.base - this.grid - 4
        const us = this.ushift
        // In the block range, a whole number, on the payload grid and layout-aligned.
        if (!(off >= this.unit && off < this.last << us) || (off | 0) !== off || (off & (this.unit - 1)) !== 0 || ((ptr - this.base) & (layout.align - 1)) !== 0 || size > this.capacity)
            throw this.misuse(ptr, layout, op)
        const buf = this.buf
        const i = off >> us
        const w = buf.getAt(off + this.grid, "u32")
        const nx = w & (MAX_INDEX | BFIT_FREE)
        // Not FREE and the exact unit count; the neighbours link back here.
        if (nx !== i + ((size + 3 + this.unit) >> us) || (buf.getAt(this.grid + (nx << us), "u32") >>> 16) !== i || (buf.getAt(this.grid + ((w >>> 16) << us), "u32") & MAX_INDEX) !== i)
            throw this.misuse(ptr, layout, op)
        return i
    }

    /**
     * Names what is wrong with (ptr, layout), in the order of the header's
     * table. Only called once the fast test failed: walks the chain, O(blocks).
     */
    private misuse(ptr: number, layout: Layout, op: string): HeapError {
        const p = ptrText(ptr)
        const base = this.base
        if (ptr === 0) return new HeapError(HeapErrorCode.NotAllocated, 0, op + ": null pointer")
        if (typeof ptr !== "number" || !(ptr >= base && ptr < base + this.size))
            return new HeapError(HeapErrorCode.OutOfRegion, ptr, `${op}: pointer ${p} is outside the region ${ptrText(base)}..${ptrText(base + this.size)}`)
        const off = ptr - base
        if (off !== Math.floor(off)) return new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${p} is not a whole address`)
        if (((off - this.grid - 4) & (this.unit - 1)) !== 0)
            return new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${p} is not on the bestfit payload grid (a multiple of ${this.unit})`)
        if ((off & (layout.align - 1)) !== 0) return new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${p} is not aligned to the layout's align ${layout.align}`)
        const us = this.ushift
        const grid = this.grid
        const first = grid + this.unit + 4
        const end = grid + (this.last << us) + 4
        if (off < first) return new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${p} lies in the allocator's control structure or start sentinel (${ptrText(base)}..${ptrText(base + first)})`)
        if (off >= end) return new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${p} lies in the end sentinel or the unused tail (from ${ptrText(base + end - 4)})`)
        const lay = "(size " + layout.size + ", align " + layout.align + ")"
        const need = layout.size > this.capacity ? -1 : (layout.size + 3 + this.unit) >> us
        const k = (off - grid - 4) >> us
        const buf = this.buf
        let i = buf.getAt(grid, "u32") & MAX_INDEX
        while (i < this.last) {
            const w = buf.getAt(grid + (i << us), "u32")
            const nx = w & MAX_INDEX
            if (nx <= i || nx > this.last) return new HeapError(HeapErrorCode.Corrupt, ptr, `${op}: pointer ${p}: the block chain is broken at block ${i}; run check()`)
            const free = (w & BFIT_FREE) !== 0
            const bytes = (nx - i) << us
            if (k === i) {
                if (free) return new HeapError(HeapErrorCode.DoubleFree, ptr, `${op}: pointer ${p} is the start of a free ${bytes}-byte block: it was already freed`)
                if (nx - i !== need)
                    return new HeapError(HeapErrorCode.WrongLayout, ptr, `${op}: pointer ${p} is a live block of ${bytes - 4} payload bytes, but the layout ${lay} needs ${need < 0 ? "more than the heap" : need * this.unit - 4 + " bytes (" + need + " units)"}`)
                return new HeapError(HeapErrorCode.Corrupt, ptr, `${op}: pointer ${p} is a live block whose neighbours' links disagree with it; run check()`)
            }
            if (k < nx) {
                const what = (free ? "free " : "live ") + bytes + "-byte block at " + ptrText(base + grid + (i << us) + 4)
                const dead = buf.getAt(off - 4, "u32") === BFIT_DEAD
                if (dead && free) return new HeapError(HeapErrorCode.DoubleFree, ptr, `${op}: pointer ${p} was already freed: its block was merged into the ${what}`)
                return new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${p} is not the start of a block: it lies ${off - grid - (i << us) - 4} bytes into the payload of the ${what}` + (dead ? " (a block freed earlier started here: a stale pointer)" : ""))
            }
            i = nx
        }
        return new HeapError(HeapErrorCode.Corrupt, ptr, `${op}: pointer ${p}: the block chain does not reach it; run check()`)
    }
}
