/**
 * bump.ts — a bump (arena) allocator over a StaticRegion, with an 8-byte
 * header before every block inside the region (a dump of `region.buf` shows
 * the allocator's whole truth), checkpoints (mark/release) and reset.
 *
 * What it does
 *   alloc places each block at the lowest address above the previous one: the
 *   "top" only moves up. Freeing the most recent block moves the top back
 *   down, and keeps going over earlier blocks that were already freed, so a
 *   stack-like (LIFO) pattern reuses memory. Freeing any other block only
 *   marks it dead: its space comes back when every block above it is gone, or
 *   at release(mark) / reset(). realloc of the most recent block grows or
 *   shrinks it in place; another block shrinks in place and moves to grow.
 *
 * Region layout (offsets from the region start; addresses are base + offset)
 *
 *     0                                                  top              size
 *     ┌──┬──────┬────────────┬─┬──────┬───────┬─ ─ ─ ─┬──────────────────┐
 *     │▒▒│ hdrA │ payload A  │▒│ hdrB │ pay B │  ...  │ free             │
 *     └──┴──────┴────────────┴─┴──────┴───────┴─ ─ ─ ─┴──────────────────┘
 *        ▲ h    ▲ p = h + 8                    ▲ the last block ends at top
 *     ▒ padding so the payload is aligned (stale bytes, part of no block)
 *
 *     header at h = p − 8, word-aligned (an RP2040 faults on unaligned words):
 *       +0  word 0  bits  0..1   tag 0b10
 *                   bits  2..23  prev: offset of the header of the block below
 *                                (allocated before; a multiple of 4, so the
 *                                field is `word & 0xFFFFFC`), NIL = 0xFFFFFC
 *                   bits 24..31  generation: reset() count mod 256
 *       +4  word 1  bits  0..23  payload size as requested (layout.size, < 2^24);
 *                                0 once the block is dead (B6)
 *                   bit  24      LIVE (1 = allocated, 0 = dead: freed, not yet reclaimed)
 *                   bits 25..28  log2(layout.align), 0..12
 *                   bits 29..31  tag 0b101
 *     The two tags and the generation (13 bits) make a random word pair
 *     unlikely to pass for a header. A block occupies max(size, 1) payload
 *     bytes: size 0 is served like 1 byte (global_alloc.ts), a real, unique
 *     block. The payload is aligned to max(layout.align, 4), so headers are
 *     word-aligned too. Regions up to 16 MiB (the host board's maximum).
 *     Words are read as "i32" (bit 31 may be set; int32 keeps every bit
 *     operation exact in the VM and in Node) and written as "u32" of
 *     `x >>> 0` (setAt saturates, and the host shim rounds negative "i32"
 *     stores differently from the VM).
 *
 *   Fields (scalars): top (first free offset), last (header offset of the
 *   highest block, or NIL), gen (the generation), the statistics counters.
 *   The generation makes reset() O(1): the old headers stay behind as bytes
 *   but no longer match, so a pointer from before the reset is refused.
 *
 * Invariants
 *   B1 the prev links from `last` visit every block exactly once, each
 *      link ≥ 12 bytes lower, and end in NIL; last === NIL iff top === 0;
 *   B2 every header in the chain has both tags and the current generation,
 *      align ≤ 4096, a payload aligned to its align, and its block ends at or
 *      below the next header; the last block ends exactly at top;
 *   B3 the last block is LIVE (dead blocks at the top are reclaimed at once);
 *   B4 liveBlocks and requested equal the count and the payload sizes of the
 *      LIVE blocks; plus the HeapStats invariants (stats.ts);
 *   B5 no header outside the chain is both LIVE and of the current
 *      generation: dealloc, realloc and release mark every block they give
 *      back dead, reset changes the generation. So a stale pointer never
 *      passes for a live block, and a LIVE current header is in the chain;
 *   B6 a dead block records size 0 (it spans to the next header; release
 *      then sums LIVE + size over blocks with no branch).
 *   check() verifies B1–B4 and B6; B5 holds by construction. Bytes at or
 *   above top are otherwise unspecified.
 *
 * Costs (n = blocks in the chain; every op is one call, loops inline)
 *   alloc: O(1) — an alignment round-up and two header stores (plus ≤ 12
 *     shifts for log2(align)). allocZeroed: alloc + one fillAt.
 *   dealloc: O(1) to mark a block dead; freeing the last block also walks
 *     down over the dead blocks right below it, O(1) each. A block is walked
 *     over at most once before it is reclaimed, so the total is amortised
 *     O(1) per allocation. One call walks at most top / 12 headers (the
 *     smallest block takes 12 bytes), so even a 57,000-byte region of 1-byte
 *     dead blocks fits one 131,072-opcode slice.
 *   realloc: O(1) in place (the last block, or a shrink); otherwise alloc (one
 *     Layout object) + one blitAt + marking the old block dead.
 *   mark(): O(1). release(mark): O(1) to validate a mark whose block is
 *     live (B5), O(k) link reads otherwise; then O(k) for the k blocks
 *     allocated after the mark, each marked dead (B5) and counted for the
 *     stats — like dealloc's walk, amortised O(1) per allocation. A whole
 *     32 KiB region of the smallest blocks (2,730) fits one slice; on bigger
 *     regions release bigger piles in steps through intermediate marks. A mark taken on an empty heap is a reset: O(1).
 *   reset(): O(1).
 *   Overhead: 8 header bytes per block, plus up to max(align, 4) − 1 padding.
 *   check(): O(n). walk(): O(n) plus a 4n-byte Buffer (to visit in address
 *   order). Neither is sliced, so each must fit one VM slice: about a
 *   thousand blocks; they are for tests and modest heaps (bump_check.ts;
 *   header constants in bump_layout.ts).
 *
 * Misuse detection (dealloc and realloc; HeapError thrown before any change)
 *   pointer 0                                   → NotAllocated ("null pointer")
 *   outside [base, base + size)                 → OutOfRegion
 *   not a whole number, or not a multiple of
 *   layout.align                                → Misaligned
 *   at or above top (freed and reclaimed, or
 *   never handed out)                           → DoubleFree ("double free or never allocated")
 *   below top but not a block start: not word-
 *   aligned, no tags at p − 8, or a header
 *   whose fields are inconsistent               → NotAllocated
 *   a header from before the last reset()       → DoubleFree (freed by reset)
 *   a header whose LIVE bit is clear (freed,
 *   released, or moved by realloc)              → DoubleFree
 *   layout.size ≠ the recorded size             → WrongLayout (both sizes named)
 *   layout.align ≠ the recorded align           → WrongLayout (both aligns named)
 *   realloc newSize not a valid size            → LayoutError (checkNewSize)
 *   Cost: a valid call reads and compares the two header words; only a
 *   failing call pays for the diagnosis. Limits: a pointer to a freed
 *   block's spot where a newer block now starts (same address) is that newer
 *   block; a header left from exactly 256·k resets ago matches again; a
 *   pointer into a payload whose 8 preceding bytes hold a LIVE header of the
 *   current generation with exactly that size and align is accepted — only a
 *   deliberate forgery does that (tags + generation + LIVE are 14 bits before
 *   the size and align must also match). Corrupt headers met while
 *   reclaiming are a HeapError(Corrupt), thrown before any change (except in
 *   release's final pass, see Marks).
 *
 * Marks: mark() is an opaque number, generation · 2^32 + the address of the
 *   most recent block's payload (the region base when the heap is empty), so
 *   ptrText(mark) reads as "generation, address". release(mark) frees every
 *   block allocated after that block. A mark from another heap, from before a
 *   reset, at or above top (released already, or its block freed), or that no
 *   block of the chain starts at is a HeapError(BadArgument), before any
 *   change. Limits: as for pointers, a mark whose block was freed and whose
 *   spot a newer block now starts at names that newer block; a LIVE header
 *   of the current generation at the mark is trusted to be in the chain
 *   (B5), so only a forged one, or a corrupt chain, lets the final pass miss
 *   the mark's block: it then stops at the first link that does not go down
 *   and throws HeapError(Corrupt) after marking the blocks it passed dead
 *   (the counters stay true to that).
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "../core/errors"
import { allocThenZero, BlockVisitor, checkNewSize, HeapAllocator } from "../api/global_alloc"
import { ptrText } from "../core/hex"
import { Layout, layoutError } from "../core/layout"
import { StaticRegion } from "../core/region"
import { HeapStats } from "../core/stats"
import { ALIGN_MASK, ALIGN_SHIFT, BUMP_MAX_REGION, DEAD_KEEP, LIVE, NIL, PREV, SIZE, TAG0, TAG1, TAG1_LIVE, TAG1_LIVE_MASK, TAG1_MASK, TWO32, W0_TAG_MASK } from "./bump_layout"
import { BumpView, bumpCheck, bumpReject, bumpWalk } from "./bump_check"

export { BUMP_HEADER, BUMP_LIVE, BUMP_MAX_REGION, BUMP_NIL, BUMP_PREV_MASK, BUMP_SIZE_MASK } from "./bump_layout"


/**
 * Bump allocator with checkpoints; see the header comment for layout and costs.
 *
 * ```ts
 * const heap = new BumpAllocator(new StaticRegion(0x20020000, 4096))
 * const l = Layout.fromSizeAlign(16, 4)
 * const a = heap.alloc(l)                 // 0x20020008: its header is at 0x20020000
 * const m = heap.mark()                   // checkpoint after a
 * const b = heap.alloc(l)
 * const b2 = heap.realloc(b, l, 64)       // b is the last block: grows in place, b2 === b
 * heap.release(m)                         // frees b2; a stays live
 * heap.dealloc(a, l)                      // the last block: the top goes back to 0
 * heap.check()                            // [] — every invariant holds
 * ```
 */
export class BumpAllocator implements HeapAllocator, BumpView {
    readonly kind: string = "bump"
    readonly region: StaticRegion
    // Read by the verifier too (BumpView, bump_check.ts); not meant for callers.
    readonly buf: ds.Buffer
    readonly base: number
    readonly size: number
    /** First free offset; the last block ends here. */
    private top = 0
    /** Header offset of the highest block, or NIL. */
    private last = NIL
    /** reset() count mod 256. */
    private gen = 0
    /** (gen << 24) | TAG0: word 0 of every current header is w0Tag | prev. */
    private w0Tag = TAG0
    private peak = 0
    private requested = 0
    private liveCount = 0
    private allocs = 0
    private frees = 0
    private reallocs = 0
    private failures = 0
    /** Largest size ever asked of alloc/allocZeroed/realloc (stats().peakRequest). */
    private peakRequest = 0

    /**
     * A bump allocator over the whole region (at most BUMP_MAX_REGION bytes).
     *
     * ```ts
     * const heap = new BumpAllocator(StaticRegion.forBoard(PICO))
     * ```
     */
    constructor(region: StaticRegion) {
        if (region.size > BUMP_MAX_REGION)
            throw new HeapError(HeapErrorCode.BadArgument, region.base, "bump: a region of " + region.size + " bytes exceeds the " + BUMP_MAX_REGION + " that 24-bit header fields can describe")
        this.region = region
        this.buf = region.buf
        this.base = region.base
        this.size = region.size
    }

    /**
     * Allocates a block aligned to layout.align just above the top, or
     * returns 0 when the rest of the region is too small. O(1).
     *
     * ```ts
     * const p = heap.alloc(Layout.fromSizeAlign(100, 8)) // p % 8 === 0, or 0 when full
     * ```
     */
    alloc(layout: Layout): number {
        const size = layout.size
        const align = layout.align
        // layoutOk() inline (layout.ts: a forged Layout is a LayoutError; a call would cost more than the test)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, "alloc")
        if (size > this.peakRequest) this.peakRequest = size
        const need = size === 0 ? 1 : size
        // The payload is the first offset ≥ top + 8 aligned to max(align, 4);
        // the header sits right before it. top ≤ 2^24 and a ≤ 4096 keep the
        // bit operations inside int32.
        const a = align < 4 ? 4 : align
        const p = (this.top + 8 + a - 1) & ~(a - 1)
        if (need > this.size - p) {
            this.failures++
            return 0
        }
        let lg = 0
        while ((1 << lg) < align) lg++
        const h = p - 8
        this.buf.setAt(h, "u32", (this.w0Tag | this.last) >>> 0)
        this.buf.setAt(h + 4, "u32", (TAG1_LIVE | (lg << ALIGN_SHIFT) | size) >>> 0)
        this.last = h
        this.top = p + need
        if (this.top > this.peak) this.peak = this.top
        this.requested += size
        this.liveCount++
        this.allocs++
        return this.base + p
    }

    /**
     * alloc, then the payload is zeroed with one fillAt (a bump heap reuses
     * memory after dealloc/release/reset, so it is not zero by itself).
     *
     * ```ts
     * const p = heap.allocZeroed(Layout.fromSizeAlign(32, 4)) // 32 zero bytes
     * ```
     */
    allocZeroed(layout: Layout): number {
        return allocThenZero(this, layout)
    }

    /**
     * Frees a block allocated (or last reallocated) with `layout`. The most
     * recent block is reclaimed together with any dead blocks right below it;
     * any other block is marked dead. Misuse throws HeapError before any change.
     *
     * ```ts
     * heap.dealloc(p, Layout.fromSizeAlign(100, 8))
     * ```
     */
    dealloc(ptr: number, layout: Layout): void {
        const buf = this.buf
        const off = ptr - this.base
        let w = 0
        let w0 = 0
        if (off >= 8 && off < this.top && (off & ~3) === off) {
            w = buf.getAt(off - 4, "i32")
            w0 = buf.getAt(off - 8, "i32")
        }
        // Both header words must read: tags, generation, LIVE, this size and align.
        if ((w & TAG1_LIVE_MASK) !== TAG1_LIVE || (w & SIZE) !== layout.size || (1 << ((w & ALIGN_MASK) >> ALIGN_SHIFT)) !== layout.align || (w0 & W0_TAG_MASK) !== this.w0Tag)
            this.reject(ptr, layout, "dealloc")
        const h = off - 8
        if (h === this.last) {
            // The new last block: the first LIVE one below, over dead blocks.
            // Read only, so a corrupt header throws before anything changes;
            // `below < cur` ends the loop at NIL (the largest value) and on a
            // link that does not go down.
            let cur = h
            let below = w0 & PREV
            let bw = 0
            while (below < cur) {
                bw = buf.getAt(below + 4, "i32")
                if ((bw & TAG1_LIVE_MASK) !== TAG1) break // LIVE, or corrupt
                cur = below
                below = buf.getAt(below, "i32") & PREV
            }
            if (below !== NIL) {
                if (below >= cur) this.corrupt(cur, "links up, to offset " + below)
                if ((bw & TAG1_MASK) !== TAG1) this.corrupt(below, "has no header tags")
            }
            this.last = below
            this.top = below === NIL ? 0 : below + 8 + ((bw & SIZE) === 0 ? 1 : bw & SIZE)
        }
        // The freed header reads dead, reclaimed or not (B5), with size 0 (B6).
        buf.setAt(h + 4, "u32", (w & DEAD_KEEP) >>> 0)
        this.requested -= layout.size
        this.liveCount--
        this.frees++
    }

    /**
     * Resizes a block to newSize bytes (same align), keeping the first
     * min(old, new) bytes: in place for the last block (pointer unchanged) and
     * for any shrink; otherwise a new block + copy, and the old one is freed.
     * Returns 0 on failure; the old block then stays valid and unchanged.
     *
     * ```ts
     * const q = heap.realloc(p, Layout.fromSizeAlign(100, 8), 200) // p's 100 bytes, now in 200
     * ```
     */
    realloc(ptr: number, layout: Layout, newSize: number): number {
        const buf = this.buf
        const off = ptr - this.base
        let w = 0
        let w0 = 0
        if (off >= 8 && off < this.top && (off & ~3) === off) {
            w = buf.getAt(off - 4, "i32")
            w0 = buf.getAt(off - 8, "i32")
        }
        if ((w & TAG1_LIVE_MASK) !== TAG1_LIVE || (w & SIZE) !== layout.size || (1 << ((w & ALIGN_MASK) >> ALIGN_SHIFT)) !== layout.align || (w0 & W0_TAG_MASK) !== this.w0Tag)
            this.reject(ptr, layout, "realloc")
        checkNewSize(newSize, layout.align)
        if (newSize > this.peakRequest) this.peakRequest = newSize
        const h = off - 8
        const oldSize = w & SIZE
        const newNeed = newSize === 0 ? 1 : newSize
        if (h === this.last) {
            // Nothing lies above the last block: if it cannot grow here, a new
            // block (placed above it) could not fit either.
            if (newNeed > this.size - off) {
                this.failures++
                return 0
            }
            buf.setAt(h + 4, "u32", ((w & ~SIZE) | newSize) >>> 0)
            this.top = off + newNeed
            if (this.top > this.peak) this.peak = this.top
            this.requested += newSize - oldSize
            this.reallocs++
            return ptr
        }
        if (newNeed <= (oldSize === 0 ? 1 : oldSize)) {
            // Shrink a non-last block in place: its freed tail becomes padding.
            buf.setAt(h + 4, "u32", ((w & ~SIZE) | newSize) >>> 0)
            this.requested += newSize - oldSize
            this.reallocs++
            return ptr
        }
        // Move: the new block lies above the old top, so the copy never overlaps.
        const q = this.alloc(new Layout(newSize, layout.align))
        if (q === 0) return 0 // alloc counted the failure; the old block is untouched
        buf.blitAt(q - this.base, buf, off, oldSize)
        // The old block is not the last (q is): it only becomes dead (B6: size 0).
        buf.setAt(h + 4, "u32", (w & DEAD_KEEP) >>> 0)
        this.requested -= oldSize
        this.liveCount--
        this.allocs-- // a realloc counts as neither an alloc nor a free (stats.ts)
        this.reallocs++
        return q
    }

    /**
     * A checkpoint for release(): an opaque number, generation · 2^32 + the
     * address of the most recent block (the region base on an empty heap). O(1).
     *
     * ```ts
     * const m = heap.mark()
     * // … temporary allocations …
     * heap.release(m) // frees them all; blocks from before the mark stay
     * ```
     */
    mark(): number {
        return this.gen * TWO32 + this.base + (this.last === NIL ? 0 : this.last + 8)
    }

    /**
     * Frees every block allocated after `mark` (from mark()); blocks from
     * before it stay live and intact (dead ones right below the mark are
     * reclaimed too). O(k) for the k blocks freed. A mark that is not from
     * this heap, stale (released already, its block freed, or from before a
     * reset) or not a block boundary is a HeapError(BadArgument), thrown
     * before any change.
     *
     * ```ts
     * const m = heap.mark(); heap.alloc(l); heap.release(m)
     * heap.release(m) // fine again: nothing was allocated since
     * ```
     */
    release(mark: number): void {
        const buf = this.buf
        const base = this.base
        const g = Math.floor(mark / TWO32)
        const addr = mark - g * TWO32
        if (typeof mark !== "number" || mark !== Math.floor(mark) || !(g >= 0 && g < 256) || addr < base || addr > base + this.size)
            throw new HeapError(HeapErrorCode.BadArgument, mark, "release(" + ptrText(mark) + "): not a mark of this heap: use a value returned by mark()")
        if (g !== this.gen)
            throw new HeapError(HeapErrorCode.BadArgument, mark, "release(" + ptrText(mark) + "): stale mark: taken before a reset() (generation " + g + ", now " + this.gen + ")")
        const off = addr - base
        if (off === 0) {
            this.reset()
            return
        }
        if (off < 8 || (off & 3) !== 0)
            throw new HeapError(HeapErrorCode.BadArgument, mark, "release(" + ptrText(mark) + "): not a block boundary: a mark names the region base or a block returned by mark()")
        if (off >= this.top)
            throw new HeapError(HeapErrorCode.BadArgument, mark, "release(" + ptrText(mark) + "): stale mark: at or above the current top " + ptrText(base + this.top) + " (released already, or its block was freed)")
        const target = off - 8
        // The mark's header must be a current one (tags, generation, sane
        // fields). If it is LIVE it is in the chain (B5: no LIVE current
        // header lies outside it), an O(1) proof; a dead one may be a
        // leftover, so walk the links down to it (read only, links only).
        let tw = buf.getAt(target + 4, "i32")
        const tw0 = buf.getAt(target, "i32")
        const tsize = tw & SIZE
        const tprev = tw0 & PREV
        if ((tw & TAG1_MASK) !== TAG1 || (tw0 & W0_TAG_MASK) !== this.w0Tag || (tprev !== NIL && tprev + 12 > target) || off + (tsize === 0 ? 1 : tsize) > this.top)
            throw new HeapError(HeapErrorCode.BadArgument, mark, "release(" + ptrText(mark) + "): not a block boundary: no current block header at " + ptrText(addr - 8) + " (a stale mark, or not from mark())")
        let h = this.last
        if ((tw & LIVE) === 0) {
            while (h > target) {
                const next = buf.getAt(h, "i32") & PREV
                if (next >= h) {
                    if (next !== NIL) this.corrupt(h, "links up, to offset " + next)
                    break
                }
                h = next
            }
            if (h !== target)
                throw new HeapError(HeapErrorCode.BadArgument, mark, "release(" + ptrText(mark) + "): not a block boundary: no block of this heap starts there (a stale mark, or not from mark())")
            h = this.last
        }
        // The new last block: the mark's own, or the first LIVE one below it
        // if it was freed meanwhile (as dealloc reclaims). Still read only.
        let cur = target
        let below = target
        if ((tw & LIVE) === 0) {
            below = tprev
            while (below < cur) {
                tw = buf.getAt(below + 4, "i32")
                if ((tw & TAG1_LIVE_MASK) !== TAG1) break
                cur = below
                below = buf.getAt(below, "i32") & PREV
            }
            if (below !== NIL) {
                if (below >= cur) this.corrupt(cur, "links up, to offset " + below)
                if ((tw & TAG1_MASK) !== TAG1) this.corrupt(below, "has no header tags")
            }
        }
        // One pass down to the mark: every released block reads dead (B5) and
        // is counted for the stats. This loop bounds how many blocks one
        // release can free within a VM slice, so it is lean: `acc` sums the
        // LIVE bit and size of every block (2^24 + size for a live one, 0 for
        // a dead one by B6; the byte total stays < 2^24), with no branch, and
        // a link that does not go down (NIL included: it exceeds every
        // offset) ends the loop on a corrupt chain.
        let acc = 0
        while (h > target) {
            const w = buf.getAt(h + 4, "i32")
            acc += w & 0x1ffffff
            buf.setAt(h + 4, "u32", (w & DEAD_KEEP) >>> 0)
            const next = buf.getAt(h, "i32") & PREV
            if (next >= h) break
            h = next
        }
        const n = Math.floor(acc / LIVE)
        const bytes = acc - n * LIVE
        if (h !== target) {
            // Only a corrupt chain (or a forged header) gets here; keep the
            // counters true to what was freed, then report it.
            this.liveCount -= n
            this.frees += n
            this.requested -= bytes
            throw new HeapError(HeapErrorCode.Corrupt, mark, "release(" + ptrText(mark) + "): corrupt chain: the walk down from the last block missed the mark's block; " + n + " blocks were freed; run check()")
        }
        this.last = below
        this.top = below === NIL ? 0 : below + 8 + ((tw & SIZE) === 0 ? 1 : tw & SIZE)
        this.liveCount -= n
        this.frees += n
        this.requested -= bytes
    }

    /**
     * Frees every block at once. O(1): the generation changes, so the old
     * headers (left behind as bytes) no longer match any pointer or mark.
     *
     * ```ts
     * heap.reset() // stats().inUse === 0
     * ```
     */
    reset(): void {
        this.gen = (this.gen + 1) & 0xff
        this.w0Tag = (this.gen << 24) | TAG0
        this.frees += this.liveCount
        this.liveCount = 0
        this.requested = 0
        this.top = 0
        this.last = NIL
    }

    /**
     * A snapshot of the statistics (stats.ts): capacity = region size;
     * inUse = top (live and dead blocks, headers, padding); free = size − top;
     * largestFree = the largest align-1 request that fits now.
     *
     * ```ts
     * heap.stats().free // bytes above the top
     * ```
     */
    stats(): HeapStats {
        const lf = this.size - ((this.top + 3) & ~3) - 8
        return HeapStats.of(this.size, this.size - this.top, this.requested, this.peak, lf > 0 ? lf : 0, this.peakRequest).counted(
            this.liveCount,
            this.allocs,
            this.frees,
            this.reallocs,
            this.failures,
        )
    }

    /**
     * Walks the chain from the last block down and returns every broken
     * invariant (B1–B4) as a sentence; [] when the heap is consistent
     * (bumpCheck, bump_check.ts). O(n), at most top / 12 + 1 steps even on a
     * corrupt chain.
     *
     * ```ts
     * expect(heap.check()).toEqual([])
     * ```
     */
    check(): string[] {
        return bumpCheck(this, this.top, this.last, this.gen)
    }

    /**
     * Calls visit(ptr, size, used) for every block in address order (live
     * blocks, dead ones up to the next header, then the space above top as one
     * free block): bumpWalk (bump_check.ts). Throws HeapError(Corrupt) on a
     * broken chain (run check()).
     *
     * ```ts
     * heap.walk((p, size, used) => console.log(ptrText(p), size, used))
     * ```
     */
    walk(visit: BlockVisitor): void {
        bumpWalk(this, this.top, this.last, visit)
    }

    /** Throws the specific HeapError for a pointer/layout that failed the fast check (bumpReject, bump_check.ts). */
    private reject(ptr: number, layout: Layout, op: string): void {
        bumpReject(this, ptr, layout, op, this.top, this.gen)
    }


    /** Throws HeapError(Corrupt): the chain header at offset h is broken (`what` says how). */
    private corrupt(h: number, what: string): void {
        throw new HeapError(HeapErrorCode.Corrupt, this.base + h, "bump: corrupt chain: the block header at " + ptrText(this.base + h) + " " + what + "; nothing was changed; run check()")
    }
}
