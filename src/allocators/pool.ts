/**
 * pool.ts — a segregated pool allocator over a StaticRegion: fixed-size
 * blocks in power-of-two size classes, each class a pool of 512-byte pages
 * whose free blocks are linked inside themselves, with every byte of its
 * metadata inside the region (a dump of `region.buf` is the whole truth).
 *
 * What it does
 *   The region after the metadata is cut into pages of POOL_PAGE = 512 bytes,
 *   each at a multiple of 512 from the region start (the region base is
 *   4096-aligned, so a page is 512-aligned on the chip). A request of
 *   Layout(size, align) with need = max(size, align, 1) ≤ 512 is served by the
 *   size class c, the smallest with 16 << c ≥ need (16, 32, … 512 bytes; size
 *   0 is served like 1, see global_alloc.ts). A page owned by class c holds
 *   32 >> c blocks of 16 << c bytes, so every block is aligned to its own size
 *   and alignment needs no padding. Pages are carved lazily (a page's
 *   `carved` count says how many of its blocks were ever handed out; blocks
 *   past it are virgin and linked nowhere), and a page goes back to the free
 *   pages the moment its last live block is freed, so memory never stays
 *   stranded in one class.
 *   A request with need > 512 gets a span: max(1, ⌈size / 512⌉) consecutive
 *   free pages whose first page is aligned to layout.align.
 *
 * Free pages: maximal runs in size-segregated lists (TLSF on pages)
 *   Free pages form runs: maximal stretches of consecutive free pages (two
 *   runs never touch: a freed page or span merges with the runs on both
 *   sides at once). A run's first and last page carry its length, so a
 *   neighbour finds the run it borders in O(1). Run list b holds the runs of
 *   2^b … 2^(b+1) − 1 pages; the top list (b = L − 1, L = floor(log2 n) − 1
 *   lists, at least 1) also every longer run — and since those runs are
 *   ≥ n / 8 pages long, it never holds more than 7.
 *     span of k pages: look at the first POOL_RUN_SCAN (8) runs of k's list
 *       and take the shortest that fits (an exact fit ends the look); else
 *       the front run of the next non-empty list above (every run there is
 *       longer than k), or the shortest fitting run of the top list. The span
 *       is cut from the run's low end, so the rest of the run stays right
 *       after it and a realloc can grow the span in place.
 *     class page: the last page of the shortest run (the first non-empty
 *       list, its front run): one-page holes are used up first, and the low
 *       ends of runs stay free for the spans before them to grow into.
 *   Best fit among a few beats the old first-fit-by-address scan on every
 *   malloc-lab trace (bench/footprint.ts: utilization 0.91 → 0.95 on
 *   amptjp-bal, 0.82 → 0.95 on realloc2-bal, never worse), and nothing on
 *   these paths walks the page table.
 *
 * Metadata (offsets from the region start; n = page count, L = run lists):
 *
 *     0        12         24                    24+16n       metaEnd              metaEnd+512n
 *     ┌────────┬──────────┬─────────────────────┬─────────┬▒▒┬────────┬────────┬───┬──────┐
 *     │ header │ heads[6] │ page table (16 B/pg)│ runs[L] │▒▒│ page 0 │ page 1 │ … │ tail │
 *     └────────┴──────────┴─────────────────────┴─────────┴▒▒┴────────┴────────┴───┴──────┘
 *     header  u32 magic 0x4C4F4F50 ("POOL"), u32 region size, u16 n,
 *             u8 class count (6), u8 layout version (2)
 *     heads   u16 per class: first page of the class's partial list (pages
 *             with a block to hand out), NIL = 0xFFFF
 *     runs    u16 per run list: its first run's first page (NIL = empty);
 *             L = poolRunLists(n) = max(1, floor(log2 n) − 1): 4 lists
 *             (8 bytes) for 32 KiB, so 24 + 16 × 62 + 8 = 1,024 exactly
 *     entry i (page i, at 24 + 16i):
 *       +0  u8  kind: class 0..5, 0xFF free page, 0xFE span head, 0xFD span tail
 *       +1  u8  carved (class pages; 0 otherwise)
 *       +2  u16 class page: in-page offset of its first free block (NIL 0xFFFF);
 *               span head: its page count; free page: the run's length on
 *               its first and last page; span tail, other free page: NIL
 *       +4  i32 LIVE bitmap: class page, bit b = block b is live; span head: 1
 *       +8  i32 SHRUNK bitmap: bit b = block b was shrunk in place by realloc
 *               to a smaller class (span head: bit 0, shrunk to ≤ 512 bytes)
 *       +12 u16 next, +14 u16 prev page: the run list (a run's first page)
 *               or the class's partial list (class pages with a block to
 *               hand out); NIL everywhere else
 *     ▒▒ padding up to a multiple of 512; tail: the last size % 512 bytes, unused
 *
 *     a free block in a class page: +0 u16 in-page offset of the next free
 *     block of that page (NIL 0xFFFF), rest unspecified
 *     a live block or span: all of it belongs to the caller (no header)
 *
 * Invariants (check() verifies each):
 *   P1 every page is exactly one of: free, a class page with LIVE ≠ 0, a span
 *      head with LIVE = 1 and a count k ≥ 1 followed by k − 1 tails (+2 NIL,
 *      other fields 0/NIL); a free page has carved, LIVE, SHRUNK 0;
 *   P2 a class page's LIVE bits lie below `carved`, SHRUNK ⊆ LIVE, and its free
 *      list holds exactly the blocks below `carved` whose LIVE bit is clear,
 *      each once (so a page with 0 live blocks never exists: it was released);
 *   P3 the partial list of class c holds exactly the class-c pages with a block
 *      to hand out (a free-list entry or carved < 32 >> c), doubly linked;
 *   P4 free pages form maximal runs (no two runs adjacent): a run of r pages
 *      has r at +2 of its first and last page, NIL at +2 of the others, links
 *      NIL except on its first page; run list b holds exactly the runs whose
 *      length maps to b, doubly linked;
 *   P5 stats: inUse = Σ live block sizes + 512 × span pages, liveBlocks = live
 *      blocks + spans, largestFree = 512 × the longest free run (or the
 *      largest class with a partial page when no page is free), plus
 *      HeapStats.problems().
 *   Scalars in fields: region bounds, n, metaEnd, run lists, counters.
 *
 * Costs
 *   alloc of a class block: O(1) — read one list head, pop one in-page free
 *   block (or carve the next virgin one), set one LIVE bit; when the class has
 *   no partial page, cut a page off the shortest run first: O(L) head reads
 *   (L ≤ 14) plus O(1) list work.
 *   dealloc of a class block: O(1) — one LIVE-bit test, one push; releasing an
 *   emptied page cleans its entry and merges it with the runs beside it, O(1).
 *   Spans: alloc is O(POOL_RUN_SCAN + L) to find the run, O(1) to cut it,
 *   plus one kind byte per tail page (O(k)); dealloc is one kind byte per page
 *   plus an O(1) merge; the misuse checks of a valid span dealloc are O(1)
 *   (a fast path like the class one; messages are built only to throw).
 *   align > 512 (rare): the first aligned fit over the runs of k's list and
 *   above, O(free runs).
 *   realloc: O(1) within a class and when shrinking a block (it stays in
 *   place), O(k) for span grow/shrink in place, otherwise alloc + one blitAt
 *   + dealloc. Region accesses per op on the malloc-lab traces (long spans
 *   cost a kind byte per page, so random/random2 read more):
 *   bench/RESULTS.md, "Region accesses per op", pool column.
 *   Metadata: 24 + 16n + 2L bytes rounded up to 512: 1,024 bytes (3.1 %,
 *   n = 62) for 32 KiB, 512 bytes (6.3 %, n = 15) for 8 KiB. Internal
 *   fragmentation: a block is the next power of two ≥ need (≥ 16); a span is
 *   whole pages.
 *   In the VM a pair that keeps its class page owned is cheaper than one that
 *   takes and releases a page, and a span pair costs more again (times per
 *   size: bench/RESULTS.md, "DeviceScript VM", pool column). A loop of
 *   pairs must yield now and then (131,072 opcodes per slice).
 *   check(): O(n + free blocks in class pages), synchronous (pool_check.ts;
 *   constants in pool_layout.ts): even a 57,000-byte region fits one slice.
 *   stats(): O(runs in the highest non-empty run list). walk(): O(blocks).
 *
 * Fragmentation across classes
 *   A page belongs to one class only while it holds a live block. One live
 *   16-byte block pins its whole 512-byte page to class 0, so a workload that
 *   frees all but one block per page strands up to 512 − 16 bytes per page in
 *   that class: other classes and spans cannot use them until that block goes.
 *   Spans need consecutive free pages; class pages scattered through the
 *   region split the free pages into runs (largestFree says how long the
 *   longest run is). Class pages come from the shortest runs, so they fill
 *   holes before they split long runs.
 *
 * Misuse detection (dealloc and realloc; throws HeapError before any change)
 *   pointer 0                                  → NotAllocated ("null pointer")
 *   outside [base, base + size)                → OutOfRegion
 *   not a whole number or not a multiple of
 *   layout.align                               → Misaligned
 *   in the metadata or the unused tail, inside
 *   a block or a span, or a virgin block       → NotAllocated (names the block)
 *   a block whose LIVE bit is clear            → DoubleFree
 *   in a free page, where the layout's block
 *   could start (its page was released)        → DoubleFree ("already freed,
 *                                                or never allocated")
 *   a live block or span of another class or
 *   page count                                 → WrongLayout (names the
 *                                                layout's size and both sizes)
 *   Cost: the valid case costs one LIVE-bit test; diagnosing costs O(1).
 *   Exact guarantee: a second dealloc of a block is DoubleFree as long as its
 *   page was not handed out again (to its class it is DoubleFree while the
 *   block stays free; once reused by a later alloc it is that block's owner's,
 *   as in every allocator without per-block tags; reused by a span, it is
 *   NotAllocated or WrongLayout). Not detectable: a layout of the block's own
 *   class (freeing a 20-byte block as 30 bytes: both are the 32-byte class),
 *   and, for a block shrunk in place by realloc (its SHRUNK bit), a layout of
 *   any class up to the block's own (the exact smaller class is not stored).
 *   `requested` trusts layout.size.
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "../core/errors"
import { allocThenZero, BlockVisitor, checkNewSize, HeapAllocator } from "../api/global_alloc"
import { ptrText } from "../core/hex"
import { Layout, layoutError } from "../core/layout"
import { StaticRegion } from "../core/region"
import { HeapCounters } from "../core/counters"
import { HeapStats } from "../core/stats"
import { POOL_CLASSES, POOL_FREE_PAGE, POOL_HEADS, POOL_MAGIC, POOL_NIL, POOL_PAGE, POOL_RUN_SCAN, POOL_SPAN_HEAD, POOL_SPAN_TAIL, POOL_TABLE, POOL_VERSION, poolMetaEnd, poolRunLists } from "./pool_layout"
import { PoolView, poolCheck, poolWalk } from "./pool_check"

export { POOL_CLASSES, POOL_FREE_PAGE, POOL_HEADS, POOL_MAGIC, POOL_NIL, POOL_PAGE, POOL_RUN_SCAN, POOL_SPAN_HEAD, POOL_SPAN_TAIL, POOL_TABLE, POOL_VERSION, poolRunLists } from "./pool_layout"


/**
 * Segregated pool allocator; see the header comment for layout and costs.
 *
 * ```ts
 * const heap = new PoolAllocator(new StaticRegion(0x20020000, 32768))
 * const l = Layout.fromSizeAlign(24, 8)
 * const p = heap.alloc(l)            // a 32-byte block in a 32-byte-class page
 * heap.dealloc(p, l)                 // O(1); its page goes back to the free runs
 * heap.check()                       // [] — every invariant holds
 * ```
 */
export class PoolAllocator extends HeapCounters implements HeapAllocator, PoolView {
    readonly kind: string = "pool"
    readonly region: StaticRegion
    /** Number of pages. */
    readonly pages: number
    /** Offset of page 0: everything below is metadata. */
    readonly metaEnd: number
    /** Offset of the free-run list heads (u16 each): POOL_TABLE + 16 × pages. */
    readonly runs: number
    /** Number of free-run lists (poolRunLists(pages)); list b holds runs of 2^b … 2^(b+1) − 1 pages, the last one every longer run too. */
    readonly runLists: number

    // Read by the verifier too (PoolView, pool_check.ts); not meant for callers.
    readonly buf: ds.Buffer
    readonly base: number
    readonly size: number
    /** runLists − 1: the list of the longest runs. */
    readonly top: number
    /** 2^top: the shortest run the top list holds. */
    private topMin: number
    // The counters (capacity, inUse, requested, peakInUse, allocs, frees,
    // reallocs, failures, peakRequest) are HeapCounters' (counters.ts).

    /**
     * Lays the metadata out at the start of the region; every page is free.
     * HeapError(BadArgument) when the region cannot hold the metadata and one page.
     *
     * ```ts
     * const heap = new PoolAllocator(new StaticRegion(0x20020000, 8192)) // 15 pages
     * ```
     */
    constructor(region: StaticRegion) {
        super()
        this.region = region
        this.buf = region.buf
        this.base = region.base
        const size = region.size
        this.size = size
        let n = Math.floor(size / POOL_PAGE)
        if (n > 0xfffe) n = 0xfffe
        while (n > 0 && poolMetaEnd(n) + n * POOL_PAGE > size) n--
        if (n < 1)
            throw new HeapError(HeapErrorCode.BadArgument, region.base, "pool: a region of " + size + " bytes cannot hold its metadata and one " + POOL_PAGE + "-byte page")
        const metaEnd = poolMetaEnd(n)
        this.pages = n
        this.metaEnd = metaEnd
        this.capacity = n * POOL_PAGE
        this.runs = POOL_TABLE + 16 * n
        this.runLists = poolRunLists(n)
        this.top = this.runLists - 1
        this.topMin = 1 << this.top
        const buf = this.buf
        buf.fillAt(0, metaEnd, 0)
        buf.setAt(0, "u32", POOL_MAGIC)
        buf.setAt(4, "u32", size)
        buf.setAt(8, "u16", n)
        buf.setAt(10, "u8", POOL_CLASSES)
        buf.setAt(11, "u8", POOL_VERSION)
        for (let c = 0; c < POOL_CLASSES; c++) buf.setAt(POOL_HEADS + 2 * c, "u16", POOL_NIL)
        for (let b = 0; b < this.runLists; b++) buf.setAt(this.runs + 2 * b, "u16", POOL_NIL)
        // Every page free, unlinked (+2 and the links NIL), then one run of all n pages.
        for (let i = 0; i < n; i++) {
            const e = POOL_TABLE + 16 * i
            buf.setAt(e, "u8", POOL_FREE_PAGE)
            buf.setAt(e + 2, "u16", POOL_NIL)
            buf.setAt(e + 12, "i32", -1)
        }
        this.pushRun(0, n)
    }

    /**
     * Rust's GlobalAlloc::alloc. A class block in O(1), a span from the
     * best-fitting free run among a few (header: O(8 + run lists) plus one
     * byte per page); 0 when nothing fits.
     *
     * ```ts
     * const p = heap.alloc(Layout.fromSizeAlign(100, 4)) // a 128-byte block; p % 128 === 0
     * ```
     */
    alloc(layout: Layout): number {
        const size = layout.size
        const align = layout.align
        // layoutOk() inline (layout.ts: a forged Layout is a LayoutError; a call would cost more than the test)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, "alloc")
        if (size > this.peakRequest) this.peakRequest = size
        let need = align
        if (size > need) need = size
        if (need > POOL_PAGE) {
            let k = Math.ceil(size / POOL_PAGE)
            if (k < 1) k = 1
            const pg = this.takeSpan(k, layout.align)
            if (pg < 0) {
                this.failures++
                return 0
            }
            this.allocs++
            this.requested += size
            const inUse = this.inUse + k * POOL_PAGE
            this.inUse = inUse
            if (inUse > this.peakInUse) this.peakInUse = inUse
            return this.base + this.metaEnd + pg * POOL_PAGE
        }
        let c = 0
        while (16 << c < need) c++
        const buf = this.buf
        const ha = POOL_HEADS + 2 * c
        let pg = buf.getAt(ha, "u16")
        if (pg === POOL_NIL) {
            // No partial page: the last page of the shortest free run becomes the class's only partial page.
            pg = this.takePage()
            if (pg < 0) {
                this.failures++
                return 0
            }
            buf.setAt(POOL_TABLE + 16 * pg, "u8", c) // carved 0, free head NIL, LIVE/SHRUNK 0, links NIL already
            buf.setAt(ha, "u16", pg)
        }
        const e = POOL_TABLE + 16 * pg
        const pageOff = this.metaEnd + pg * POOL_PAGE
        let head = buf.getAt(e + 2, "u16")
        let carved = buf.getAt(e + 1, "u8")
        let boff = 0
        if (head !== POOL_NIL) {
            boff = head
            head = buf.getAt(pageOff + boff, "u16")
            buf.setAt(e + 2, "u16", head)
        } else {
            boff = carved << (4 + c)
            carved++
            buf.setAt(e + 1, "u8", carved)
        }
        buf.setAt(e + 4, "i32", buf.getAt(e + 4, "i32") | (1 << (boff >> (4 + c))))
        if (head === POOL_NIL && carved === 32 >> c) {
            // Full: off the partial list (it is the head, so its prev is NIL).
            const nx = buf.getAt(e + 12, "u16")
            buf.setAt(ha, "u16", nx)
            if (nx !== POOL_NIL) buf.setAt(POOL_TABLE + 16 * nx + 14, "u16", POOL_NIL)
            buf.setAt(e + 12, "u16", POOL_NIL)
        }
        this.allocs++
        this.requested += size
        const inUse = this.inUse + (16 << c)
        this.inUse = inUse
        if (inUse > this.peakInUse) this.peakInUse = inUse
        return this.base + pageOff + boff
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
     * Rust's GlobalAlloc::dealloc. O(1) for a class block (an emptied page goes
     * back to the free pages), O(k) for a span. Misuse (see the header) throws
     * HeapError before anything changes.
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
        let need = align
        if (size > need) need = size
        const off = ptr - this.base
        const metaEnd = this.metaEnd
        const buf = this.buf
        if (off >= metaEnd && off < metaEnd + this.capacity && (off | 0) === off) {
            const rel = off - metaEnd
            const pg = rel >> 9
            const e = POOL_TABLE + 16 * pg
            const boff = rel & 511
            if (need <= POOL_PAGE) {
                let c = 0
                while (16 << c < need) c++
                const m = 1 << (boff >> (4 + c))
                const live = buf.getAt(e + 4, "i32")
                // Fast path: the page is of this class, off is a block start, its LIVE bit is set.
                if (buf.getAt(e, "u8") === c && (boff & ((16 << c) - 1)) === 0 && (live & m) !== 0) {
                    this.freeBlock(pg, boff, c, live, m)
                    this.frees++
                    this.inUse -= 16 << c
                    this.requested -= size
                    return
                }
            } else if (boff === 0 && (off & (layout.align - 1)) === 0 && buf.getAt(e, "u8") === POOL_SPAN_HEAD) {
                // Fast path for a span: an aligned span head of exactly the layout's page count.
                const k = buf.getAt(e + 2, "u16")
                if (k === (size > POOL_PAGE ? Math.ceil(size / POOL_PAGE) : 1)) {
                    this.release(pg, 0)
                    this.frees++
                    this.inUse -= k * POOL_PAGE
                    this.requested -= size
                    return
                }
            }
        }
        const pg = this.find(ptr, layout, "dealloc")
        const bytes = this.blockBytes(pg, off - metaEnd - pg * POOL_PAGE)
        this.release(pg, off - metaEnd - pg * POOL_PAGE)
        this.frees++
        this.inUse -= bytes
        this.requested -= size
    }

    /**
     * Rust's GlobalAlloc::realloc. Stays in place when the new size maps to
     * the block's class or span size, and whenever it shrinks (a class block
     * keeps its class and gets its SHRUNK bit; a span gives its tail pages
     * back); a span grows in place when the pages after it are free. Otherwise
     * allocates, copies min(old, new) bytes and frees the old block. On failure
     * returns 0 and the old block is valid and unchanged. newSize is validated
     * like a Layout (LayoutError); misuse throws HeapError.
     *
     * ```ts
     * const l = Layout.fromSizeAlign(20, 4)
     * const p = heap.alloc(l)           // 32-byte class
     * heap.realloc(p, l, 30) === p      // same class: in place
     * ```
     */
    realloc(ptr: number, layout: Layout, newSize: number): number {
        const size = layout.size
        const align = layout.align
        // layoutOk() inline (layout.ts: a forged Layout is a LayoutError; a call would cost more than the test)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, "realloc")
        checkNewSize(newSize, align)
        const pg = this.find(ptr, layout, "realloc")
        if (newSize > this.peakRequest) this.peakRequest = newSize
        const buf = this.buf
        const metaEnd = this.metaEnd
        const off = ptr - this.base
        const boff = off - metaEnd - pg * POOL_PAGE
        const e = POOL_TABLE + 16 * pg
        const kind = buf.getAt(e, "u8")
        const oldBytes = this.blockBytes(pg, boff)
        let need = align
        if (newSize > need) need = newSize
        // The new block's size: a class block (≤ 512) or k pages.
        let k = 0
        let newBytes = 0
        if (need <= POOL_PAGE) {
            newBytes = 16
            while (newBytes < need) newBytes <<= 1
        } else {
            k = Math.ceil(newSize / POOL_PAGE)
            if (k < 1) k = 1
            newBytes = k * POOL_PAGE
        }
        if (newBytes > this.capacity) {
            this.failures++
            return 0
        }
        if (kind < POOL_CLASSES) {
            if (k === 0 && newBytes <= oldBytes) {
                // Same class or smaller: in place; SHRUNK says a smaller class's layout is accepted.
                const m = 1 << (boff >> (4 + kind))
                const sh = buf.getAt(e + 8, "i32")
                buf.setAt(e + 8, "i32", newBytes < oldBytes ? sh | m : sh & ~m)
                return this.reallocDone(ptr, layout.size, newSize, 0)
            }
        } else {
            const count = buf.getAt(e + 2, "u16")
            const want = k === 0 ? 1 : k
            if (want < count) {
                // The tail pages [pg + want, pg + count) become free (their fields are clean already).
                buf.setAt(e + 2, "u16", want)
                this.freeRun(pg + want, count - want)
            } else if (want > count) {
                // Grow over the low end of the free run right after the span, if it is long enough.
                const r = pg + count
                const re = POOL_TABLE + 16 * r
                const rk = r < this.pages && buf.getAt(re, "u8") === POOL_FREE_PAGE ? buf.getAt(re + 2, "u16") : 0
                if (rk >= want - count) {
                    this.carve(r, rk, r, want - count)
                    for (let i = r; i < pg + want; i++) buf.setAt(POOL_TABLE + 16 * i, "u8", POOL_SPAN_TAIL)
                    buf.setAt(e + 2, "u16", want)
                }
            }
            if (buf.getAt(e + 2, "u16") === want) {
                buf.setAt(e + 8, "i32", k === 0 && newBytes < POOL_PAGE ? 1 : 0)
                return this.reallocDone(ptr, layout.size, newSize, want * POOL_PAGE - oldBytes)
            }
        }
        // Move: take the new block first, so a failure changes nothing.
        let npg = 0
        let nboff = 0
        if (k === 0) {
            let c = 0
            while (16 << c < need) c++
            const got = this.takeBlock(c)
            if (got < 0) {
                this.failures++
                return 0
            }
            npg = got >> 9
            nboff = got & 511
        } else {
            npg = this.takeSpan(k, align)
            if (npg < 0) {
                this.failures++
                return 0
            }
        }
        const noff = metaEnd + npg * POOL_PAGE + nboff
        const n = layout.size < newSize ? layout.size : newSize
        if (n > 0) buf.blitAt(noff, buf, off, n) // both blocks live, so disjoint
        this.release(pg, boff)
        return this.reallocDone(this.base + noff, layout.size, newSize, newBytes - oldBytes)
    }

    /**
     * A snapshot of the statistics (stats.ts). largestFree is 512 × the
     * longest run of free pages, or, when no page is free, the largest class
     * with a partial page: O(runs in the highest non-empty run list).
     *
     * ```ts
     * heap.stats().largestFree // 31,744 for a fresh 32 KiB region (62 pages)
     * ```
     */
    stats(): HeapStats {
        return this.snapshot(this.largestFreeNow())
    }

    /**
     * Verifies P1–P5 (header comment) and returns every problem as a
     * sentence, [] when the heap is consistent: poolCheck (pool_check.ts)
     * describes the pass. O(n + free blocks in class pages), synchronous.
     *
     * ```ts
     * expect(heap.check()).toEqual([])
     * ```
     */
    check(): string[] {
        return poolCheck(this)
    }

    /**
     * Calls visit(ptr, size, used) for every block in address order: a free
     * page is one free 512-byte block, a span one block of its pages, a class
     * page its 32 >> c blocks (virgin ones count as free). Throws
     * HeapError(Corrupt) on a page kind it cannot decode (poolWalk, pool_check.ts).
     *
     * ```ts
     * heap.walk((p, size, used) => console.log(ptrText(p), size, used))
     * ```
     */
    walk(visit: BlockVisitor): void {
        poolWalk(this, visit)
    }

    // ---- slow paths and helpers (spans, realloc, misuse) ----

    /** The class-block half of dealloc once validated: clears LIVE/SHRUNK, pushes, releases an emptied page. */
    private freeBlock(pg: number, boff: number, c: number, live: number, m: number): void {
        const buf = this.buf
        const e = POOL_TABLE + 16 * pg
        const head = buf.getAt(e + 2, "u16")
        const wasFull = head === POOL_NIL && buf.getAt(e + 1, "u8") === 32 >> c
        live &= ~m
        if (live === 0) {
            // Last live block: off the partial list (if on it), fields cleaned, back to the free runs.
            if (!wasFull) {
                const nx = buf.getAt(e + 12, "u16")
                const pv = buf.getAt(e + 14, "u16")
                if (pv === POOL_NIL) buf.setAt(POOL_HEADS + 2 * c, "u16", nx)
                else buf.setAt(POOL_TABLE + 16 * pv + 12, "u16", nx)
                if (nx !== POOL_NIL) buf.setAt(POOL_TABLE + 16 * nx + 14, "u16", pv)
            }
            buf.setAt(e, "i32", (POOL_NIL << 16) | POOL_FREE_PAGE) // kind, carved 0, +2 NIL
            buf.setAt(e + 4, "i32", 0)
            buf.setAt(e + 8, "i32", 0)
            buf.setAt(e + 12, "i32", -1)
            this.freeRun(pg, 1)
            return
        }
        buf.setAt(e + 4, "i32", live)
        buf.setAt(e + 8, "i32", buf.getAt(e + 8, "i32") & ~m)
        buf.setAt(this.metaEnd + pg * POOL_PAGE + boff, "u16", head)
        buf.setAt(e + 2, "u16", boff)
        if (wasFull) {
            // It has a block to hand out again: front of its class's partial list.
            const ha = POOL_HEADS + 2 * c
            const h = buf.getAt(ha, "u16")
            buf.setAt(e + 12, "u16", h)
            buf.setAt(e + 14, "u16", POOL_NIL)
            if (h !== POOL_NIL) buf.setAt(POOL_TABLE + 16 * h + 14, "u16", pg)
            buf.setAt(ha, "u16", pg)
        }
    }

    /** Frees the validated live block at (pg, boff): a class block or a whole span. No counters. */
    private release(pg: number, boff: number): void {
        const buf = this.buf
        const e = POOL_TABLE + 16 * pg
        const kind = buf.getAt(e, "u8")
        if (kind === POOL_SPAN_HEAD) {
            // Clean the head's fields (tails are clean), then the pages become one free run.
            const k = buf.getAt(e + 2, "u16")
            buf.setAt(e + 2, "u16", POOL_NIL)
            buf.setAt(e + 4, "i32", 0)
            buf.setAt(e + 8, "i32", 0)
            this.freeRun(pg, k)
            return
        }
        this.freeBlock(pg, boff, kind, buf.getAt(e + 4, "i32"), 1 << (boff >> (4 + kind)))
    }

    /** The run list of a free run of r pages: floor(log2 r), capped at the top list. */
    listOf(r: number): number {
        if (r >= this.topMin) return this.top
        // floor(log2 r) for r < 2^top ≤ 2^13, inline (a call costs more than these tests).
        let b = 0
        if (r >= 256) {
            b = 8
            r >>= 8
        }
        if (r >= 16) {
            b += 4
            r >>= 4
        }
        if (r >= 4) {
            b += 2
            r >>= 2
        }
        if (r >= 2) b++
        return b
    }

    /**
     * Makes pages [h, h + r) one free run: writes r at +2 of its first and
     * last page and puts h at the front of its run list. The pages are free
     * pages already; their other +2 and links are NIL.
     */
    private pushRun(h: number, r: number): void {
        const buf = this.buf
        const e = POOL_TABLE + 16 * h
        buf.setAt(e + 2, "u16", r)
        buf.setAt(e + 16 * (r - 1) + 2, "u16", r)
        const ha = this.runs + 2 * this.listOf(r)
        const first = buf.getAt(ha, "u16")
        buf.setAt(e + 12, "i32", first | (POOL_NIL << 16)) // next = first, prev = NIL
        if (first !== POOL_NIL) buf.setAt(POOL_TABLE + 16 * first + 14, "u16", h)
        buf.setAt(ha, "u16", h)
    }

    /** Takes the free run (h, r) off its run list; its fields stay as they are. O(1). */
    private unlinkRun(h: number, r: number): void {
        const buf = this.buf
        const e = POOL_TABLE + 16 * h
        const nx = buf.getAt(e + 12, "u16")
        const pv = buf.getAt(e + 14, "u16")
        if (pv === POOL_NIL) buf.setAt(this.runs + 2 * this.listOf(r), "u16", nx)
        else buf.setAt(POOL_TABLE + 16 * pv + 12, "u16", nx)
        if (nx !== POOL_NIL) buf.setAt(POOL_TABLE + 16 * nx + 14, "u16", pv)
    }

    /**
     * The run list node of page `from` (list b) moves to page `to`: `to`
     * takes its links and its neighbours (or the list head) point at `to`;
     * `from`'s links become NIL. O(1), for a run whose first page moves but
     * whose list stays the same.
     */
    private moveNode(from: number, to: number, b: number): void {
        const buf = this.buf
        const e = POOL_TABLE + 16 * from
        const links = buf.getAt(e + 12, "i32")
        buf.setAt(POOL_TABLE + 16 * to + 12, "i32", links)
        buf.setAt(e + 12, "i32", -1)
        const nx = links & 0xffff
        const pv = (links >> 16) & 0xffff
        if (pv === POOL_NIL) buf.setAt(this.runs + 2 * b, "u16", to)
        else buf.setAt(POOL_TABLE + 16 * pv + 12, "u16", to)
        if (nx !== POOL_NIL) buf.setAt(POOL_TABLE + 16 * nx + 14, "u16", to)
    }

    /**
     * Cuts pages [s, s + d) out of the free run (h, r) (h ≤ s, s + d ≤ h + r):
     * what is left before and after them become runs of their own. The cut
     * pages stay free pages with +2 and links NIL: the caller gives them
     * their kind. O(1). A cut at a run's low end (a span) keeps the rest's
     * list node when its list does not change: a few writes, no relinking
     * (takePage does the same for a run's last page).
     */
    private carve(h: number, r: number, s: number, d: number): void {
        const buf = this.buf
        const e = POOL_TABLE + 16 * h
        const left = s - h
        const right = h + r - s - d
        if (left === 0 && right > 0) {
            const nh = s + d
            // Same list: both in the top one, or the same highest bit (right ≤ r).
            if (right >= this.topMin || (right ^ r) < right) this.moveNode(h, nh, this.listOf(r))
            else {
                this.unlinkRun(h, r)
                buf.setAt(e + 12, "i32", -1)
                this.pushRun(nh, right)
            }
            buf.setAt(e + 2, "u16", POOL_NIL)
            buf.setAt(POOL_TABLE + 16 * nh + 2, "u16", right)
            buf.setAt(e + 16 * (r - 1) + 2, "u16", right)
            return
        }
        this.unlinkRun(h, r)
        if (left > 0) this.pushRun(h, left)
        else {
            buf.setAt(e + 2, "u16", POOL_NIL)
            buf.setAt(e + 12, "i32", -1)
        }
        if (right > 0) this.pushRun(s + d, right)
        else if (r > 1) buf.setAt(e + 16 * (r - 1) + 2, "u16", POOL_NIL)
    }

    /**
     * Pages [s, s + m) become free: each gets kind FREE (their other fields
     * must be clean already: carved 0, +2 NIL, LIVE/SHRUNK 0, links NIL), and
     * they join the free runs touching them, so runs stay maximal. O(m) kind
     * writes + O(1); a merge that leaves a run in its list keeps its node.
     */
    private freeRun(s: number, m: number): void {
        const buf = this.buf
        for (let i = s; i < s + m; i++) buf.setAt(POOL_TABLE + 16 * i, "u8", POOL_FREE_PAGE)
        const le = POOL_TABLE + 16 * (s - 1)
        const lr = s > 0 && buf.getAt(le, "u8") === POOL_FREE_PAGE ? buf.getAt(le + 2, "u16") : 0
        const t = s + m
        const te = POOL_TABLE + 16 * t
        const rr = t < this.pages && buf.getAt(te, "u8") === POOL_FREE_PAGE ? buf.getAt(te + 2, "u16") : 0
        const h = s - lr
        const r = lr + m + rr
        const he = POOL_TABLE + 16 * h
        if (rr === 0) {
            if (lr === 0) {
                this.pushRun(s, m)
                return
            }
            // Page s − 1 ends a run: it grows to the right, in place when its list stays.
            if (lr > 1) buf.setAt(le + 2, "u16", POOL_NIL)
            if (lr >= this.topMin || (lr ^ r) < lr) {
                buf.setAt(he + 2, "u16", r)
                buf.setAt(he + 16 * (r - 1) + 2, "u16", r)
            } else {
                this.unlinkRun(h, lr)
                this.pushRun(h, r)
            }
            return
        }
        // Page t starts a run: it takes the freed pages (and the run before them) in front.
        buf.setAt(te + 2, "u16", POOL_NIL)
        if (lr === 0 && (rr >= this.topMin || (rr ^ r) < rr)) {
            this.moveNode(t, s, this.listOf(r))
            buf.setAt(he + 2, "u16", r)
            buf.setAt(he + 16 * (r - 1) + 2, "u16", r)
            return
        }
        this.unlinkRun(t, rr)
        buf.setAt(te + 12, "i32", -1)
        if (lr > 0) {
            this.unlinkRun(h, lr)
            if (lr > 1) buf.setAt(le + 2, "u16", POOL_NIL)
        }
        this.pushRun(h, r)
    }

    /**
     * A page for a class: the last page of the shortest free run (first
     * non-empty run list; within it the front run), cut off; -1 when no page
     * is free. Short runs are used up first, and the low end of a run stays
     * free for a span before it to grow into. O(run lists).
     */
    private takePage(): number {
        const buf = this.buf
        const runs = this.runs
        for (let b = 0; b <= this.top; b++) {
            const h = buf.getAt(runs + 2 * b, "u16")
            if (h !== POOL_NIL) {
                const e = POOL_TABLE + 16 * h
                const r = buf.getAt(e + 2, "u16")
                const last = h + r - 1
                if (r > 1 && (r - 1 >= this.topMin || ((r - 1) ^ r) < r - 1)) {
                    // The run stays in its list: only the lengths move (carve's common case, inline).
                    buf.setAt(e + 2, "u16", r - 1)
                    buf.setAt(e + 16 * (r - 2) + 2, "u16", r - 1)
                    buf.setAt(e + 16 * (r - 1) + 2, "u16", POOL_NIL)
                } else this.carve(h, r, last, 1)
                return last
            }
        }
        return -1
    }

    /**
     * A free run of at least k pages, as its first page (its length at +2),
     * or -1. Looks at the first POOL_RUN_SCAN runs of k's own list and takes
     * the shortest that fits (an exact fit ends the look); failing that, the
     * front run of the next non-empty list above (every run there is longer
     * than k) — or, for the top list, the shortest fitting run among its
     * (fewer than 8) runs. O(POOL_RUN_SCAN + run lists).
     */
    private findRun(k: number): number {
        const buf = this.buf
        const top = this.top
        const own = this.listOf(k)
        for (let b = own; b <= top; b++) {
            let h = buf.getAt(this.runs + 2 * b, "u16")
            if (h === POOL_NIL) continue
            if (b > own && b < top) return h
            let best = -1
            let bestLen = 0x10000
            for (let seen = 0; h !== POOL_NIL && seen < POOL_RUN_SCAN; seen++) {
                const e = POOL_TABLE + 16 * h
                const r = buf.getAt(e + 2, "u16")
                if (r >= k && r < bestLen) {
                    best = h
                    bestLen = r
                    if (r === k) break
                }
                h = buf.getAt(e + 12, "u16")
            }
            if (best >= 0) return best
        }
        return -1
    }

    /**
     * k pages whose first page is aligned to `align`, claimed as a span (from
     * the low end of the run findRun picks); its first page index, or -1.
     * align > 512 (rare): the first aligned fit in any run of the lists from
     * k's up, O(free runs).
     */
    private takeSpan(k: number, align: number): number {
        const buf = this.buf
        let h = -1
        let s = -1
        if (align <= POOL_PAGE) {
            h = this.findRun(k)
            s = h
        } else {
            const step = align / POOL_PAGE
            const m0 = this.metaEnd / POOL_PAGE
            for (let b = this.listOf(k); s < 0 && b <= this.top; b++) {
                let p = buf.getAt(this.runs + 2 * b, "u16")
                for (let seen = 0; p !== POOL_NIL && seen < this.pages; seen++) {
                    const e = POOL_TABLE + 16 * p
                    const r = buf.getAt(e + 2, "u16")
                    // The first page at or after p whose address is a multiple of align.
                    const a = p + ((step - ((m0 + p) & (step - 1))) & (step - 1))
                    if (a + k <= p + r) {
                        h = p
                        s = a
                        break
                    }
                    p = buf.getAt(e + 12, "u16")
                }
            }
        }
        if (s < 0) return -1
        this.carve(h, buf.getAt(POOL_TABLE + 16 * h + 2, "u16"), s, k)
        const e = POOL_TABLE + 16 * s
        buf.setAt(e, "u8", POOL_SPAN_HEAD)
        buf.setAt(e + 2, "u16", k)
        buf.setAt(e + 4, "i32", 1)
        for (let t = s + 1; t < s + k; t++) buf.setAt(POOL_TABLE + 16 * t, "u8", POOL_SPAN_TAIL)
        return s
    }

    /** alloc's class path for realloc: a live block of class c as pg * 512 + boff, or -1. No counters. */
    private takeBlock(c: number): number {
        const buf = this.buf
        const ha = POOL_HEADS + 2 * c
        let pg = buf.getAt(ha, "u16")
        if (pg === POOL_NIL) {
            pg = this.takePage()
            if (pg < 0) return -1
            buf.setAt(POOL_TABLE + 16 * pg, "u8", c)
            buf.setAt(ha, "u16", pg)
        }
        const e = POOL_TABLE + 16 * pg
        let head = buf.getAt(e + 2, "u16")
        let carved = buf.getAt(e + 1, "u8")
        let boff = 0
        if (head !== POOL_NIL) {
            boff = head
            head = buf.getAt(this.metaEnd + pg * POOL_PAGE + boff, "u16")
            buf.setAt(e + 2, "u16", head)
        } else {
            boff = carved << (4 + c)
            carved++
            buf.setAt(e + 1, "u8", carved)
        }
        buf.setAt(e + 4, "i32", buf.getAt(e + 4, "i32") | (1 << (boff >> (4 + c))))
        if (head === POOL_NIL && carved === 32 >> c) {
            const nx = buf.getAt(e + 12, "u16")
            buf.setAt(ha, "u16", nx)
            if (nx !== POOL_NIL) buf.setAt(POOL_TABLE + 16 * nx + 14, "u16", POOL_NIL)
            buf.setAt(e + 12, "u16", POOL_NIL)
        }
        return pg * POOL_PAGE + boff
    }

    /** Counters after a successful realloc; returns ptr. */
    private reallocDone(ptr: number, oldSize: number, newSize: number, grown: number): number {
        this.reallocs++
        this.requested += newSize - oldSize
        const inUse = this.inUse + grown
        this.inUse = inUse
        if (inUse > this.peakInUse) this.peakInUse = inUse
        return ptr
    }


    /** Bytes of the live block at (pg, boff): its class size or its span's pages. */
    private blockBytes(pg: number, boff: number): number {
        const e = POOL_TABLE + 16 * pg
        const kind = this.buf.getAt(e, "u8")
        if (kind === POOL_SPAN_HEAD) return this.buf.getAt(e + 2, "u16") * POOL_PAGE
        return 16 << kind
    }

    /**
     * 512 × the longest free run, else the largest class with a partial page,
     * else 0. The longest run is in the highest non-empty run list: O(runs in
     * that list) — fewer than 8 when it is the top list.
     */
    private largestFreeNow(): number {
        const buf = this.buf
        for (let b = this.top; b >= 0; b--) {
            let h = buf.getAt(this.runs + 2 * b, "u16")
            if (h === POOL_NIL) continue
            let longest = 0
            for (let seen = 0; h !== POOL_NIL && seen < this.pages; seen++) {
                const e = POOL_TABLE + 16 * h
                const r = buf.getAt(e + 2, "u16")
                if (r > longest) longest = r
                h = buf.getAt(e + 12, "u16")
            }
            return longest * POOL_PAGE
        }
        for (let c = POOL_CLASSES - 1; c >= 0; c--) if (buf.getAt(POOL_HEADS + 2 * c, "u16") !== POOL_NIL) return 16 << c
        return 0
    }

    /**
     * Validates ptr as a live block that `layout` may free (header table) and
     * returns its page index; otherwise throws the HeapError that names what
     * is wrong, in the order of the header's table. O(1).
     */
    private find(ptr: number, layout: Layout, op: string): number {
        // Messages are built only when throwing: the valid case costs no string work.
        const base = this.base
        const size = this.size
        const buf = this.buf
        if (ptr === 0) throw new HeapError(HeapErrorCode.NotAllocated, 0, op + ": null pointer")
        if (typeof ptr !== "number" || !(ptr >= base && ptr < base + size))
            throw new HeapError(HeapErrorCode.OutOfRegion, ptr, `${op}: pointer ${ptrText(ptr)} is outside the region ${ptrText(base)}..${ptrText(base + size)}`)
        const off = ptr - base
        if (off !== Math.floor(off)) throw new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${ptrText(ptr)} is not a whole address`)
        if ((off & (layout.align - 1)) !== 0) throw new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${ptrText(ptr)} is not aligned to the layout's align ${layout.align}`)
        const metaEnd = this.metaEnd
        if (off < metaEnd) throw new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${ptrText(ptr)} lies in the allocator's metadata (${ptrText(base)}..${ptrText(base + metaEnd)}), not in a block`)
        if (off >= metaEnd + this.capacity) throw new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${ptrText(ptr)} lies in the unused tail after the last page, not in a block`)
        let need = layout.align
        if (layout.size > need) need = layout.size
        // The layout's block size: a class size, or whole pages.
        let lbytes = 16
        if (need <= POOL_PAGE) while (lbytes < need) lbytes <<= 1
        else lbytes = Math.max(1, Math.ceil(layout.size / POOL_PAGE)) * POOL_PAGE
        let pg = (off - metaEnd) >> 9
        const boff = (off - metaEnd) & 511
        const e = POOL_TABLE + 16 * pg
        const kind = buf.getAt(e, "u8")
        if (kind === POOL_FREE_PAGE) {
            const pageAt = ptrText(base + metaEnd + pg * POOL_PAGE)
            if (need <= POOL_PAGE ? (boff & (lbytes - 1)) === 0 : boff === 0)
                throw new HeapError(HeapErrorCode.DoubleFree, ptr, `${op}: pointer ${ptrText(ptr)} lies in the free page at ${pageAt}: it was already freed (and its page released), or never allocated`)
            throw new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${ptrText(ptr)} lies in the free page at ${pageAt} and is not where a block of ${lbytes} bytes could start`)
        }
        if (kind === POOL_SPAN_TAIL) {
            // Tails do not name their head (that would cost a write per page): walk back to it.
            while (pg > 0 && buf.getAt(POOL_TABLE + 16 * pg, "u8") === POOL_SPAN_TAIL) pg--
            throw new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${ptrText(ptr)} is not the start of a block: it lies inside the live span at ${ptrText(base + metaEnd + pg * POOL_PAGE)}`)
        }
        const shrunk = buf.getAt(e + 8, "i32")
        if (kind === POOL_SPAN_HEAD) {
            const k = buf.getAt(e + 2, "u16")
            if (boff !== 0) throw new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${ptrText(ptr)} is not the start of a block: it lies ${boff} bytes into the live ${k * POOL_PAGE}-byte span at ${ptrText(base + metaEnd + pg * POOL_PAGE)}`)
            if (lbytes === k * POOL_PAGE || ((shrunk & 1) !== 0 && lbytes < POOL_PAGE)) return pg
            throw new HeapError(HeapErrorCode.WrongLayout, ptr, `${op}: pointer ${ptrText(ptr)} is a live span of ${k} pages (${k * POOL_PAGE} bytes), but ${layoutText(layout, lbytes)}`)
        }
        if (kind >= POOL_CLASSES) throw new HeapError(HeapErrorCode.Corrupt, ptr, `${op}: the page of ${ptrText(ptr)} has kind ${kind}; run check()`)
        const sh = 4 + kind
        const bs = 1 << sh
        const b = boff >> sh
        const live = buf.getAt(e + 4, "i32")
        if ((boff & (bs - 1)) !== 0)
            throw new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${ptrText(ptr)} is not the start of a block: it lies ${boff & (bs - 1)} bytes into the ${((live >> b) & 1) !== 0 ? "live" : "free"} ${bs}-byte block at ${ptrText(ptr - (boff & (bs - 1)))}`)
        if (((live >> b) & 1) === 0) {
            if (b >= buf.getAt(e + 1, "u8")) throw new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${ptrText(ptr)} is a ${bs}-byte block that was never handed out`)
            throw new HeapError(HeapErrorCode.DoubleFree, ptr, `${op}: pointer ${ptrText(ptr)} is a free ${bs}-byte block: it was already freed`)
        }
        if (lbytes === bs || (((shrunk >> b) & 1) !== 0 && lbytes < bs)) return pg
        throw new HeapError(HeapErrorCode.WrongLayout, ptr, `${op}: pointer ${ptrText(ptr)} is a live ${bs}-byte block, but ${layoutText(layout, lbytes)}`)
    }
}

/** "the layout (size 50, align 8) maps to the 64-byte class" (or "a span of 3 pages"), for WrongLayout messages. */
function layoutText(layout: Layout, lbytes: number): string {
    const what = layout.size <= POOL_PAGE && layout.align <= POOL_PAGE ? "the " + lbytes + "-byte class" : "a span of " + lbytes / POOL_PAGE + " pages"
    return `the layout (size ${layout.size}, align ${layout.align}) maps to ${what}`
}
