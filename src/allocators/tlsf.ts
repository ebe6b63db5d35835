/**
 * tlsf.ts — a Two-Level Segregated Fit allocator (Masmano et al., 2004; the
 * layout follows mattconte/tlsf) over a StaticRegion, with every byte of its
 * metadata inside the region (a dump of `region.buf` is the whole truth).
 *
 * What it does
 *   Blocks of any multiple of 8 bytes from 16 up tile the region between the
 *   control structure and an end sentinel. Each block starts with an 8-byte
 *   header; the payload (the pointer handed out) follows it, so payloads are
 *   8-aligned. Free blocks sit in segregated free lists indexed by two
 *   levels: the first level (fl) is the power of two of the block size, the
 *   second (sl) splits each power-of-two range into 16 equal classes
 *   (SL_INDEX_COUNT = 16). Sizes below 128 are classed linearly by 8 (fl 0):
 *
 *     size < 128:  fl = 0,       sl = size / 8
 *     size ≥ 128:  m = msb(size), fl = m − 6, sl = (size >> (m − 4)) − 16
 *
 *   A first-level bitmap says which fl rows have a non-empty list and one u16
 *   bitmap per row says which sl lists are non-empty, so alloc finds a list in
 *   O(1): round the request up to the next class boundary ("good fit": every
 *   block of that class or above is big enough), take the lowest set bit of
 *   the sl map at or above sl, else of the fl map above fl. When that finds
 *   nothing, alloc also tries the head of the request's own class (O(1)), so
 *   the largest free block is usable. The block is split: the tail becomes a
 *   free block when it has ≥ 16 bytes. free merges the block with a free
 *   physical neighbour on either side (boundary tags: each header links to
 *   the previous block, the size leads to the next), so no two free blocks
 *   are ever adjacent. DeviceScript has no Math.clz32: msb() and the lowest
 *   set bit come from a 256-entry byte table (MSB, a module-level ds.Buffer),
 *   at most three lookups for sizes below 2^24.
 *   Alignment above 8 over-allocates size + align + 16 and splits the leading
 *   gap off as a free block (≥ 16 bytes, or 0), as tlsf_memalign does.
 *
 * Metadata (offsets from the region start; FL = flCount, HD = 16 + SLB):
 *
 *     0        12     16            HD                     metaEnd              sentinel  size
 *     ┌────────┬──────┬─────────────┬──────────────────────┬─────────────────────┬────────┬──┐
 *     │ header │flmap │ slmap[FL]   │ heads[FL][16]        │ blocks …            │ S      │▒▒│
 *     └────────┴──────┴─────────────┴──────────────────────┴─────────────────────┴────────┴──┘
 *     header  u32 magic 0x46534C54 ("TLSF"), u32 region size, u8 FL, u8 version (1), u16 0
 *     flmap   u32: bit fl set iff slmap[fl] ≠ 0
 *     slmap   u16 per fl row: bit sl set iff heads[fl][sl] ≠ 0 (SLB = 2·FL rounded up to 4)
 *     heads   u32 offset of the first free block of class (fl, sl), 0 = empty
 *             (offset 0 is the control structure, never a block, so 0 is NIL)
 *     S       end sentinel: an 8-byte header of size 0, never free, whose prev
 *             link names the last block; ▒▒ the < 8-byte tail, never used
 *
 *     every block:  +0 u32 prev: offset of the previous block (0 for the first)
 *                   +4 u32 word: TAG (0x54 << 24) | size | flags, size a multiple of 8 (< 2^24)
 *                      flags: 1 FREE; 4 SLACK (a live block 8 bytes larger than its
 *                      layout needs, because a 8-byte tail cannot be a block);
 *                      a header absorbed by coalescing is overwritten with TAG | 2 (DEAD)
 *     a free block: +8 u32 next free offset, +12 u32 prev free offset (0 = none)
 *     a live block: +8 … the caller's payload (size − 8 bytes)
 *
 *   A layout (size, align) needs a block of need = max(size, 1) + 8 rounded up to
 *   8 (at least 16); a live block's size is need, or need + 8 with SLACK set.
 *   Unlike mattconte's tlsf, every header (live ones too) keeps its prev link,
 *   so there is no PREV_FREE bit: dealloc reads the previous block's word,
 *   which its validation reads anyway, and a header is checked against both
 *   neighbours. Absorbed headers are overwritten (DEAD) so that no stale,
 *   valid-looking header survives inside a bigger block, and so that a second
 *   free of a pointer whose block was merged away is still named DoubleFree.
 *
 * Invariants (check() verifies each):
 *   I1 the blocks tile [metaEnd, sentinel) in address order; each has the TAG,
 *      a size ≥ 16 and a prev link naming the block before it; the sentinel's
 *      prev names the last block;
 *   I2 list (fl, sl) holds exactly the free blocks whose size maps to (fl, sl),
 *      doubly linked (next/prev), and its bits in slmap and flmap are set iff
 *      it is non-empty;
 *   I3 no two free blocks are adjacent (coalescing is complete);
 *   I4 stats: inUse = Σ live block sizes (headers included), liveBlocks = their
 *      count, free = Σ free block sizes = capacity − inUse; HeapStats.problems().
 *   A few scalars live in fields: region bounds, FL, offsets, counters.
 *
 * Costs
 *   alloc: O(1) — two msb lookups, at most two bitmap reads and lowest-bit
 *   lookups, one list pop, at most one split (one list push). dealloc: O(1) —
 *   the validation reads the block's header, the next block's prev link and
 *   the previous block's size word (which coalescing needs anyway); at most
 *   two O(1) unlinks and one push. realloc: O(1) in place (shrink splits off
 *   the tail; grow absorbs the next block when it is free and big enough,
 *   else the previous one and the next one when free, moving the payload
 *   down by a memmove), else carve + one blitAt + release. allocZeroed: alloc + one fillAt.
 *   alloc and dealloc are one call from the user plus one into carve()/
 *   release(), which hold the list work inline (carve calls insertFree only
 *   for the leading gap of an over-aligned request).
 *   Metadata: 16 + SLB + 64·FL bytes rounded up to 8, plus the 8-byte
 *   sentinel: 688 bytes (2.1 %) for a 32 KiB region (FL = 10), 552 for 8 KiB
 *   (FL = 8); 8 bytes of header per block. Internal fragmentation: < 16 bytes
 *   per block (8 header + up to 15 rounding). Good fit may pass over a free
 *   block of the request's own class that would have fitted (it is tried last).
 *   In the VM a pair with a split and a merge costs more than one without
 *   (times per size: bench/RESULTS.md, "DeviceScript VM", tlsf column); a
 *   loop of pairs must yield now and then (the VM kills a fiber that runs
 *   131,072 opcodes without suspending).
 *   check(): O(blocks + list heads), a constant number of reads per block
 *   (more per free block, which is also checked against its list);
 *   synchronous, no allocation but its result and one scratch Buffer. Its
 *   opcodes grow with the blocks, so on a 32 KiB region cut into a couple of
 *   thousand blocks it outgrows one 131,072-opcode slice: call it at the
 *   start of a slice (right after an `await`) and keep test heaps to about a
 *   thousand blocks per check(). walk(): O(blocks). Both are in
 *   tlsf_check.ts; the layout constants and size classes in tlsf_layout.ts.

 * Misuse detection (dealloc and realloc; throws HeapError before any change)
 *   pointer 0                                    → NotAllocated ("null pointer")
 *   outside [base, base + size)                  → OutOfRegion
 *   not whole, not a multiple of 8, or not a
 *   multiple of layout.align                     → Misaligned
 *   in the control structure or the sentinel     → NotAllocated
 *   start of a free block                        → DoubleFree
 *   start of an absorbed (DEAD) header inside a
 *   free block: it was freed and merged          → DoubleFree (names the free block)
 *   inside a block, not its start                → NotAllocated (names the block, live or free)
 *   start of a live block of another size        → WrongLayout (block size and layout named)
 *   a header whose neighbours disagree with it   → Corrupt (run check())
 *   Cost: the valid case is one header-word compare (TAG, not FREE and the exact
 *   block size of the layout in one u32), one prev-link compare of the next block
 *   and one of the previous block's size (which coalescing reads anyway): about
 *   a third of dealloc's work. A failed test falls into the diagnosis,
 *   which walks the block chain from the start to find the block holding the
 *   pointer: O(blocks), like check()'s chain pass. A random interior pointer passes the fast test only if
 *   the 8 payload bytes before it equal TAG|need exactly (2^-32 for random data)
 *   and the bytes at the "next block" hold that pointer's offset and the
 *   "previous" block's size leads to it: user data forging such a consistent
 *   header chain is the residual risk, as in every allocator with in-band headers.
 *   Not detectable: a layout size with the same `need` (e.g. 100 vs 97..104, all
 *   a 112-byte block; that skews `requested`, which trusts layout.size), and an
 *   align that differs but still divides the pointer. A double free after the
 *   merged block was reused is NotAllocated naming the new owner (its DEAD marker
 *   may survive inside that live block; the message mentions it).
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "../core/errors"
import { allocThenZero, BlockVisitor, checkNewSize, HeapAllocator } from "../api/global_alloc"
import { Layout, layoutError } from "../core/layout"
import { StaticRegion } from "../core/region"
import { HeapCounters } from "../core/counters"
import { HeapStats } from "../core/stats"
import { MSB, TLSF_DEAD, TLSF_FREE, TLSF_MAGIC, TLSF_SIZE_MASK, TLSF_SLACK, TLSF_TAG, TLSF_VERSION, tlsfClass, tlsfMsb, tlsfNeed } from "./tlsf_layout"
import { TlsfView, tlsfCheck, tlsfMisuse, tlsfWalk } from "./tlsf_check"

export { TLSF_DEAD, TLSF_FREE, TLSF_HEADER, TLSF_MAGIC, TLSF_MIN_BLOCK, TLSF_SIZE_MASK, TLSF_SLACK, TLSF_SL_COUNT, TLSF_TAG, TLSF_VERSION, tlsfClass, tlsfClassSize, tlsfMsb, tlsfNeed } from "./tlsf_layout"


/**
 * TLSF allocator; see the header comment for layout, invariants and costs.
 *
 * ```ts
 * const heap = new TlsfAllocator(new StaticRegion(0x20020000, 32768))
 * const l = Layout.fromSizeAlign(100, 8)
 * const p = heap.alloc(l)            // a 112-byte block (8 header + 104)
 * const q = heap.realloc(p, l, 300)  // grows in place: the next block is free
 * heap.dealloc(q, Layout.fromSizeAlign(300, 8))
 * heap.check()                       // [] — every invariant holds
 * ```
 */
export class TlsfAllocator extends HeapCounters implements HeapAllocator, TlsfView {
    readonly kind: string = "tlsf"
    readonly region: StaticRegion
    /** First-level rows (fl = 0 .. flCount − 1). */
    readonly flCount: number
    /** Offset of slmap[0]. */
    readonly slMap: number
    /** Offset of heads[0][0]. */
    readonly heads: number
    /** Offset of the first block: everything below is the control structure. */
    readonly metaEnd: number
    /** Offset of the end sentinel's header. */
    readonly sentinel: number

    // Read by the verifier too (TlsfView, tlsf_check.ts); not meant for callers.
    readonly buf: ds.Buffer
    readonly base: number
    readonly size: number
    // The counters (capacity, inUse, requested, peakInUse, allocs, frees,
    // reallocs, failures, peakRequest) are HeapCounters' (counters.ts).

    /**
     * Lays the control structure out at the start of the region and makes the
     * rest one free block. HeapError(BadArgument) when the region cannot hold
     * the metadata, the sentinel and one 16-byte block.
     *
     * ```ts
     * const heap = new TlsfAllocator(new StaticRegion(0x20020000, 40000)) // any size works
     * ```
     */
    constructor(region: StaticRegion) {
        super()
        this.region = region
        this.buf = region.buf
        this.base = region.base
        const size = region.size
        this.size = size
        // Enough rows for a block as big as the region (capacity < size).
        const flCount = (size < 128 ? 0 : tlsfMsb(size) - 6) + 1
        this.flCount = flCount
        this.slMap = 16
        this.heads = 16 + (((2 * flCount + 3) >> 2) << 2)
        const metaEnd = (this.heads + 64 * flCount + 7) & ~7
        this.metaEnd = metaEnd
        const end = size - (size & 7)
        const sentinel = end - 8
        this.sentinel = sentinel
        if (sentinel - metaEnd < 16)
            throw new HeapError(HeapErrorCode.BadArgument, region.base, "tlsf: a region of " + size + " bytes cannot hold its " + (metaEnd + 8) + " bytes of metadata and a 16-byte block")
        this.capacity = sentinel - metaEnd
        const buf = this.buf
        buf.fillAt(0, metaEnd, 0)
        buf.setAt(0, "u32", TLSF_MAGIC)
        buf.setAt(4, "u32", size)
        buf.setAt(8, "u8", flCount)
        buf.setAt(9, "u8", TLSF_VERSION)
        const s = sentinel - metaEnd
        buf.setAt(metaEnd, "u32", 0)
        buf.setAt(metaEnd + 4, "u32", TLSF_TAG | s | TLSF_FREE)
        buf.setAt(sentinel, "u32", metaEnd)
        buf.setAt(sentinel + 4, "u32", TLSF_TAG)
        this.insertFree(metaEnd, s)
    }

    /**
     * Rust's GlobalAlloc::alloc: a block of tlsfNeed(size) bytes (payload 8
     * bytes after its header), or 0 when no free block is big enough. O(1).
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
        const need = size > 8 ? (size + 15) & ~7 : 16
        const b = this.carve(need, layout.align)
        if (b < 0) {
            this.failures++
            return 0
        }
        this.allocs++
        this.requested += size
        const inUse = this.inUse + (this.buf.getAt(b + 4, "u32") & 0x00fffff8)
        this.inUse = inUse
        if (inUse > this.peakInUse) this.peakInUse = inUse
        return this.base + b + 8
    }

    /**
     * Rust's GlobalAlloc::alloc_zeroed: alloc, then one fillAt over layout.size bytes.
     *
     * ```ts
     * const p = heap.allocZeroed(Layout.fromSizeAlign(64, 4)) // 64 bytes reading 0
     * ```
     */
    allocZeroed(layout: Layout): number {
        return allocThenZero(this, layout)
    }

    /**
     * Rust's GlobalAlloc::dealloc, merging with free neighbours on both sides.
     * Misuse (see the header) throws HeapError before anything changes. O(1).
     *
     * ```ts
     * const l = Layout.fromSizeAlign(32, 4)
     * const p = heap.alloc(l)
     * heap.dealloc(p, l)
     * heap.dealloc(p, l) // throws HeapError double-free
     * ```
     */
    dealloc(ptr: number, layout: Layout): void {
        const size = layout.size
        const align = layout.align
        // layoutOk() inline (layout.ts: a forged Layout is a LayoutError; a call would cost more than the test)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, "dealloc")
        const off = ptr - this.base
        const buf = this.buf
        // One test for: inside the block range, a whole number, 8-aligned and
        // layout-aligned. (off | 0) is safe: 0 ≤ off < size < 2^31.
        if (!(off >= this.metaEnd + 8 && off < this.sentinel) || (off | 0) !== off || (off & ((layout.align - 1) | 7)) !== 0 || size > this.capacity)
            throw this.misuse(ptr, layout, "dealloc")
        const b = off - 8
        const need = size > 8 ? (size + 15) & ~7 : 16
        const w = buf.getAt(b + 4, "u32")
        // TAG, not FREE, and the exact size of the layout (with or without SLACK).
        if (w !== 0x54000000 + need && w !== 0x54000000 + need + 12) throw this.misuse(ptr, layout, "dealloc")
        const bs = w & 0x00fffff8
        const pb = buf.getAt(b, "u32")
        // Boundary tags agree: the next block links back here, the previous one ends here.
        if (buf.getAt(b + bs, "u32") !== b || (pb === 0 ? b !== this.metaEnd : pb + (buf.getAt(pb + 4, "u32") & 0x00fffff8) !== b))
            throw this.misuse(ptr, layout, "dealloc")
        // Valid: from here on state changes.
        this.frees++
        this.inUse -= bs
        this.requested -= size
        this.release(b, bs)
    }

    /**
     * Rust's GlobalAlloc::realloc. Shrinking stays in place and frees the tail
     * when it is ≥ 16 bytes (merged with a free next block); growing stays in
     * place when the next block is free and big enough, else grows into a
     * free previous block (with the next one when free too; the payload
     * moves down, so the pointer changes); otherwise it carves a new block,
     * copies min(old, new) bytes and frees the old one. On failure
     * returns 0 and the old block is valid and unchanged. newSize is validated
     * like a Layout (LayoutError); misuse throws HeapError.
     *
     * ```ts
     * const l = Layout.fromSizeAlign(16, 4)
     * const p = heap.alloc(l)
     * const q = heap.realloc(p, l, 40) // q === p when the next block is free
     * ```
     */
    realloc(ptr: number, layout: Layout, newSize: number): number {
        const size = layout.size
        const align = layout.align
        // layoutOk() inline (layout.ts: a forged Layout is a LayoutError; a call would cost more than the test)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, "realloc")
        checkNewSize(newSize, align)
        let b = this.liveBlock(ptr, layout, "realloc")
        if (newSize > this.peakRequest) this.peakRequest = newSize
        const buf = this.buf
        if (newSize > this.capacity) {
            this.failures++
            return 0
        }
        const need = newSize > 8 ? (newSize + 15) & ~7 : 16
        const bs = buf.getAt(b + 4, "u32") & TLSF_SIZE_MASK
        const n = b + bs
        const nw = buf.getAt(n + 4, "u32")
        const ns = (nw & TLSF_FREE) !== 0 ? nw & TLSF_SIZE_MASK : 0
        const pb = buf.getAt(b, "u32")
        const pw = pb !== 0 ? buf.getAt(pb + 4, "u32") : 0
        let total = -1
        if (need <= bs) total = bs
        else if (bs + ns >= need) {
            // Grow in place: absorb the free next block.
            this.unlinkFree(n, ns)
            buf.setAt(n + 4, "u32", TLSF_DEAD)
            total = bs + ns
            buf.setAt(b + total, "u32", b)
        } else if ((pw & TLSF_FREE) !== 0 && (pw & TLSF_SIZE_MASK) + bs + ns >= need && ((pb + 8) & (layout.align - 1)) === 0) {
            // Grow into the free previous block (and the next one when free):
            // the payload moves down, overlapping when the previous block is
            // small, so region.copy (a memmove; blitAt is memcpy).
            this.unlinkFree(pb, pw & TLSF_SIZE_MASK)
            if (ns > 0) {
                this.unlinkFree(n, ns)
                buf.setAt(n + 4, "u32", TLSF_DEAD)
            }
            buf.setAt(b + 4, "u32", TLSF_DEAD)
            this.region.copy(this.base + pb + 8, ptr, layout.size < newSize ? layout.size : newSize)
            total = (pw & TLSF_SIZE_MASK) + bs + ns
            b = pb
            buf.setAt(b + total, "u32", b)
        }
        if (total >= 0) {
            // In place: [b, b + total) is ours; keep need bytes, free a tail ≥ 16.
            const rem = total - need
            if (rem >= 16) {
                buf.setAt(b + 4, "u32", TLSF_TAG | need)
                const t = b + need
                buf.setAt(t, "u32", b)
                buf.setAt(t + 4, "u32", TLSF_TAG | rem)
                // The tail may touch a free next block (when shrinking): release merges it.
                this.release(t, rem)
                total = need
            } else buf.setAt(b + 4, "u32", TLSF_TAG | total | (rem === 8 ? TLSF_SLACK : 0))
            this.reallocs++
            this.requested += newSize - layout.size
            this.inUse += total - bs
            if (this.inUse > this.peakInUse) this.peakInUse = this.inUse
            return this.base + b + 8
        }
        const nb = this.carve(need, layout.align)
        if (nb < 0) {
            this.failures++
            return 0
        }
        const len = layout.size < newSize ? layout.size : newSize
        // Disjoint blocks (both live), so memcpy is fine.
        if (len > 0) buf.blitAt(nb + 8, buf, b + 8, len)
        this.release(b, bs)
        this.reallocs++
        this.requested += newSize - layout.size
        this.inUse += (buf.getAt(nb + 4, "u32") & TLSF_SIZE_MASK) - bs
        if (this.inUse > this.peakInUse) this.peakInUse = this.inUse
        return this.base + nb + 8
    }

    /**
     * A snapshot of the statistics (stats.ts). largestFree is the payload of the
     * head block of the highest non-empty list: alloc serves any request up to
     * it (align ≤ 8), by good fit or by trying the head of its own class. O(1).
     *
     * ```ts
     * heap.stats().largestFree // 32,064 for a fresh 32 KiB region
     * ```
     */
    stats(): HeapStats {
        return this.snapshot(this.largestFreeBlock())
    }

    /**
     * Verifies I1–I4 (header comment) and returns every problem as a sentence,
     * [] when the heap is consistent: tlsfCheck (tlsf_check.ts) lists its
     * passes. O(blocks + lists), synchronous.
     *
     * ```ts
     * expect(heap.check()).toEqual([])
     * ```
     */
    check(): string[] {
        return tlsfCheck(this)
    }

    /**
     * Calls visit(ptr, size, used) for every block in address order; ptr is the
     * block's payload and size its payload bytes (block size − 8). Throws
     * HeapError(Corrupt) when a header does not lead to the next block
     * (tlsfWalk, tlsf_check.ts).
     *
     * ```ts
     * heap.walk((p, size, used) => console.log(ptrText(p), size, used))
     * ```
     */
    walk(visit: BlockVisitor): void {
        tlsfWalk(this, visit)
    }


    // ---- the list work (carve and release hold alloc's and dealloc's loops inline) ----

    /**
     * Finds, pops and splits a free block of at least `need` bytes whose
     * payload is aligned to `align`; marks it live (size need, or need + 8 with
     * SLACK) and returns its header offset, or −1. No counters. O(1).
     */
    private carve(need: number, align: number): number {
        const buf = this.buf
        const want = align > 8 ? need + align + 16 : need
        // mapping_search: round up to the next class boundary, then classify.
        let fl = 0
        let sl = 0
        if (want < 128) sl = want >> 3
        else {
            let m = want < 256 ? MSB.getAt(want, "u8") : want < 65536 ? 8 + MSB.getAt(want >> 8, "u8") : 16 + MSB.getAt(want >> 16, "u8")
            const r = want + (1 << (m - 4)) - 1
            m = r < 256 ? MSB.getAt(r, "u8") : r < 65536 ? 8 + MSB.getAt(r >> 8, "u8") : 16 + MSB.getAt(r >> 16, "u8")
            fl = m - 6
            sl = (r >> (m - 4)) - 16
        }
        let b = 0
        if (fl < this.flCount) {
            let map = buf.getAt(16 + 2 * fl, "u16") & (-1 << sl)
            if (map === 0) {
                // Lowest non-empty row above fl (slMap = 16, flmap at 12).
                let fm = buf.getAt(12, "u32") & (-1 << (fl + 1))
                if (fm !== 0) {
                    fm = fm & -fm
                    fl = fm < 256 ? MSB.getAt(fm, "u8") : fm < 65536 ? 8 + MSB.getAt(fm >> 8, "u8") : 16 + MSB.getAt(fm >> 16, "u8")
                    map = buf.getAt(16 + 2 * fl, "u16")
                }
            }
            if (map !== 0) {
                map = map & -map
                sl = map < 256 ? MSB.getAt(map, "u8") : 8 + MSB.getAt(map >> 8, "u8")
                b = buf.getAt(this.heads + (fl << 6) + (sl << 2), "u32")
            }
        }
        let gap = 0
        if (b === 0) {
            // Fallback: the head of want's own class may still be big enough.
            if (want > this.capacity) return -1
            const c = tlsfClass(want)
            fl = c >> 4
            sl = c & 15
            b = buf.getAt(this.heads + 4 * c, "u32")
            if (b === 0) return -1
            if (align > 8) {
                gap = ((b + 8 + align - 1) & -align) - (b + 8)
                if (gap > 0 && gap < 16) gap += align
            }
            if ((buf.getAt(b + 4, "u32") & 0x00fffff8) < need + gap) return -1
        } else if (align > 8) {
            gap = ((b + 8 + align - 1) & -align) - (b + 8)
            if (gap > 0 && gap < 16) gap += align
        }
        // Pop b, the head of list (fl, sl).
        const nx = buf.getAt(b + 8, "u32")
        buf.setAt(this.heads + (fl << 6) + (sl << 2), "u32", nx)
        if (nx !== 0) buf.setAt(nx + 12, "u32", 0)
        else {
            const slm = buf.getAt(16 + 2 * fl, "u16") & ~(1 << sl)
            buf.setAt(16 + 2 * fl, "u16", slm)
            if (slm === 0) buf.setAt(12, "u32", buf.getAt(12, "u32") & ~(1 << fl))
        }
        let s = buf.getAt(b + 4, "u32") & 0x00fffff8
        if (gap > 0) {
            // The leading gap stays a free block (its prev is live: I3 held for b).
            buf.setAt(b + 4, "u32", 0x54000001 | gap)
            this.insertFree(b, gap)
            const nb = b + gap
            buf.setAt(nb, "u32", b)
            s -= gap
            b = nb
        }
        const rem = s - need
        if (rem >= 16) {
            // Split: the tail is a free block; its next is live (b was free, I3).
            const t = b + need
            buf.setAt(b + 4, "u32", 0x54000000 | need)
            buf.setAt(t, "u32", b)
            buf.setAt(t + 4, "u32", 0x54000001 | rem)
            buf.setAt(b + s, "u32", t)
            // insertFree(t, rem), inline.
            let fl2 = 0
            let sl2 = 0
            if (rem < 128) sl2 = rem >> 3
            else {
                const m = rem < 256 ? MSB.getAt(rem, "u8") : rem < 65536 ? 8 + MSB.getAt(rem >> 8, "u8") : 16 + MSB.getAt(rem >> 16, "u8")
                fl2 = m - 6
                sl2 = (rem >> (m - 4)) - 16
            }
            const hp = this.heads + (fl2 << 6) + (sl2 << 2)
            const h = buf.getAt(hp, "u32")
            buf.setAt(t + 8, "u32", h)
            buf.setAt(t + 12, "u32", 0)
            if (h !== 0) buf.setAt(h + 12, "u32", t)
            else {
                buf.setAt(16 + 2 * fl2, "u16", buf.getAt(16 + 2 * fl2, "u16") | (1 << sl2))
                buf.setAt(12, "u32", buf.getAt(12, "u32") | (1 << fl2))
            }
            buf.setAt(hp, "u32", t)
        } else {
            buf.setAt(b + 4, "u32", 0x54000000 | s | (rem === 8 ? 4 : 0))
            if (gap > 0) buf.setAt(b + s, "u32", b)
        }
        return b
    }

    /**
     * Frees the block at b of bs bytes (its header word is not trusted): merges
     * it with a free next and a free previous block, marking each absorbed
     * header DEAD, and files the result. No counters. O(1).
     */
    private release(b: number, bs: number): void {
        // unlinkFree and insertFree are written out inline here (this is
        // dealloc's whole list work): each call would cost a VM frame.
        const buf = this.buf
        const heads = this.heads
        let n = b + bs
        const nw = buf.getAt(n + 4, "u32")
        if ((nw & 1) !== 0) {
            const ns = nw & 0x00fffff8
            let fl = 0
            let sl = 0
            if (ns < 128) sl = ns >> 3
            else {
                const m = ns < 256 ? MSB.getAt(ns, "u8") : ns < 65536 ? 8 + MSB.getAt(ns >> 8, "u8") : 16 + MSB.getAt(ns >> 16, "u8")
                fl = m - 6
                sl = (ns >> (m - 4)) - 16
            }
            const nx = buf.getAt(n + 8, "u32")
            const pv = buf.getAt(n + 12, "u32")
            if (pv !== 0) buf.setAt(pv + 8, "u32", nx)
            else {
                buf.setAt(heads + (fl << 6) + (sl << 2), "u32", nx)
                if (nx === 0) {
                    const slm = buf.getAt(16 + 2 * fl, "u16") & ~(1 << sl)
                    buf.setAt(16 + 2 * fl, "u16", slm)
                    if (slm === 0) buf.setAt(12, "u32", buf.getAt(12, "u32") & ~(1 << fl))
                }
            }
            if (nx !== 0) buf.setAt(nx + 12, "u32", pv)
            buf.setAt(n + 4, "u32", 0x54000002)
            bs += ns
            n += ns
        }
        const pb = buf.getAt(b, "u32")
        if (pb !== 0) {
            const pw = buf.getAt(pb + 4, "u32")
            if ((pw & 1) !== 0) {
                const ps = pw & 0x00fffff8
                let fl = 0
                let sl = 0
                if (ps < 128) sl = ps >> 3
                else {
                    const m = ps < 256 ? MSB.getAt(ps, "u8") : ps < 65536 ? 8 + MSB.getAt(ps >> 8, "u8") : 16 + MSB.getAt(ps >> 16, "u8")
                    fl = m - 6
                    sl = (ps >> (m - 4)) - 16
                }
                const nx = buf.getAt(pb + 8, "u32")
                const pv = buf.getAt(pb + 12, "u32")
                if (pv !== 0) buf.setAt(pv + 8, "u32", nx)
                else {
                    buf.setAt(heads + (fl << 6) + (sl << 2), "u32", nx)
                    if (nx === 0) {
                        const slm = buf.getAt(16 + 2 * fl, "u16") & ~(1 << sl)
                        buf.setAt(16 + 2 * fl, "u16", slm)
                        if (slm === 0) buf.setAt(12, "u32", buf.getAt(12, "u32") & ~(1 << fl))
                    }
                }
                if (nx !== 0) buf.setAt(nx + 12, "u32", pv)
                buf.setAt(b + 4, "u32", 0x54000002)
                b = pb
                bs += ps
            }
        }
        buf.setAt(b + 4, "u32", 0x54000001 | bs)
        buf.setAt(n, "u32", b)
        // Push b on the list of its class.
        let fl = 0
        let sl = 0
        if (bs < 128) sl = bs >> 3
        else {
            const m = bs < 256 ? MSB.getAt(bs, "u8") : bs < 65536 ? 8 + MSB.getAt(bs >> 8, "u8") : 16 + MSB.getAt(bs >> 16, "u8")
            fl = m - 6
            sl = (bs >> (m - 4)) - 16
        }
        const hp = heads + (fl << 6) + (sl << 2)
        const h = buf.getAt(hp, "u32")
        buf.setAt(b + 8, "u32", h)
        buf.setAt(b + 12, "u32", 0)
        if (h !== 0) buf.setAt(h + 12, "u32", b)
        else {
            buf.setAt(16 + 2 * fl, "u16", buf.getAt(16 + 2 * fl, "u16") | (1 << sl))
            buf.setAt(12, "u32", buf.getAt(12, "u32") | (1 << fl))
        }
        buf.setAt(hp, "u32", b)
    }

    /** Pushes the free block (b, s) on the list of its class and sets its bitmap bits. O(1). */
    private insertFree(b: number, s: number): void {
        const buf = this.buf
        let fl = 0
        let sl = 0
        if (s < 128) sl = s >> 3
        else {
            const m = s < 256 ? MSB.getAt(s, "u8") : s < 65536 ? 8 + MSB.getAt(s >> 8, "u8") : 16 + MSB.getAt(s >> 16, "u8")
            fl = m - 6
            sl = (s >> (m - 4)) - 16
        }
        const hp = this.heads + (fl << 6) + (sl << 2)
        const h = buf.getAt(hp, "u32")
        buf.setAt(b + 8, "u32", h)
        buf.setAt(b + 12, "u32", 0)
        if (h !== 0) buf.setAt(h + 12, "u32", b)
        else {
            buf.setAt(16 + 2 * fl, "u16", buf.getAt(16 + 2 * fl, "u16") | (1 << sl))
            buf.setAt(12, "u32", buf.getAt(12, "u32") | (1 << fl))
        }
        buf.setAt(hp, "u32", b)
    }

    /** Unlinks the free block (b, s) from its list in O(1), clearing bitmap bits when the list empties. */
    private unlinkFree(b: number, s: number): void {
        const buf = this.buf
        let fl = 0
        let sl = 0
        if (s < 128) sl = s >> 3
        else {
            const m = s < 256 ? MSB.getAt(s, "u8") : s < 65536 ? 8 + MSB.getAt(s >> 8, "u8") : 16 + MSB.getAt(s >> 16, "u8")
            fl = m - 6
            sl = (s >> (m - 4)) - 16
        }
        const nx = buf.getAt(b + 8, "u32")
        const pv = buf.getAt(b + 12, "u32")
        if (pv !== 0) buf.setAt(pv + 8, "u32", nx)
        else {
            buf.setAt(this.heads + (fl << 6) + (sl << 2), "u32", nx)
            if (nx === 0) {
                const slm = buf.getAt(16 + 2 * fl, "u16") & ~(1 << sl)
                buf.setAt(16 + 2 * fl, "u16", slm)
                if (slm === 0) buf.setAt(12, "u32", buf.getAt(12, "u32") & ~(1 << fl))
            }
        }
        if (nx !== 0) buf.setAt(nx + 12, "u32", pv)
    }

    // ---- slow paths ----

    /** Payload bytes of the head of the highest non-empty list, 0 when all are empty. O(1). */
    private largestFreeBlock(): number {
        const fm = this.buf.getAt(12, "u32")
        if (fm === 0) return 0
        const fl = tlsfMsb(fm)
        const sl = tlsfMsb(this.buf.getAt(this.slMap + 2 * fl, "u16"))
        const h = this.buf.getAt(this.heads + (fl << 6) + (sl << 2), "u32")
        return (this.buf.getAt(h + 4, "u32") & TLSF_SIZE_MASK) - 8
    }

    /** dealloc's validation for realloc: the header offset of the live block (ptr, layout), or throws misuse. */
    private liveBlock(ptr: number, layout: Layout, op: string): number {
        const size = layout.size
        const off = ptr - this.base
        const buf = this.buf
        if (!(off >= this.metaEnd + 8 && off < this.sentinel) || (off | 0) !== off || (off & ((layout.align - 1) | 7)) !== 0 || size > this.capacity)
            throw this.misuse(ptr, layout, op)
        const b = off - 8
        const need = tlsfNeed(size)
        const w = buf.getAt(b + 4, "u32")
        if (w !== TLSF_TAG + need && w !== TLSF_TAG + need + 12) throw this.misuse(ptr, layout, op)
        const pb = buf.getAt(b, "u32")
        if (buf.getAt(b + (w & TLSF_SIZE_MASK), "u32") !== b || (pb === 0 ? b !== this.metaEnd : pb + (buf.getAt(pb + 4, "u32") & TLSF_SIZE_MASK) !== b))
            throw this.misuse(ptr, layout, op)
        return b
    }

    /** The HeapError naming what is wrong with (ptr, layout): tlsfMisuse (tlsf_check.ts). O(blocks). */
    private misuse(ptr: number, layout: Layout, op: string): HeapError {
        return tlsfMisuse(this, ptr, layout, op)
    }
}
