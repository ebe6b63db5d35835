/**
 * buddy.ts — a binary buddy allocator over a StaticRegion, with every byte of
 * its metadata inside the region (a dump of `region.buf` is the whole truth).
 *
 * What it does
 *   Blocks are powers of two from 16 bytes (order 0) up to the arena, the
 *   smallest power of two ≥ the region size and ≥ 512 (order K − 1). A block of order k
 *   is 16 << k bytes and starts at an offset that is a multiple of 16 << k
 *   from the region start; its buddy is the block at `offset ^ (16 << k)`.
 *   A request of Layout(size, align) gets the order k, the smallest with
 *   16 << k ≥ max(size, align, 1) (size 0 is served like 1, see
 *   global_alloc.ts), so a block is aligned to its own size and alignment
 *   needs no padding. alloc pops the first non-empty free list of order ≥ k
 *   and splits it down, pushing each upper half; dealloc merges the block with
 *   its free buddy while there is one. Any region size works (24 KiB, 40,000
 *   bytes…): the metadata takes the top of the region and at construction the
 *   usable range [0, metaStart) is cut into maximal aligned power-of-two free
 *   blocks (the first is the largest power of two ≤ metaStart, at offset 0);
 *   arena space past metaStart is never handed out, and a block whose buddy
 *   lies outside the usable range simply never coalesces (the buddy's FREE bit
 *   is never set).
 *   Why the metadata is at the END: blocks are aligned to their size from the
 *   region start, so metadata at the start would forbid every block that
 *   overlaps it (an 8 KiB block would need offset 8 KiB, a 16 KiB region).
 *   With it at the end, a region of 8 KiB + 576 bytes holds an 8 KiB block.
 *
 * Metadata (offsets from the region start; K = order count; end = the size
 * rounded down to 16 (a tail of < 16 bytes is never used); M = metaStart =
 * end − the metadata rounded up to 16):
 *
 *     0                   M        M+16          M+16+4K=F        U=F+B          end   size
 *     ┌───────────────────┬────────┬─────────────┬────────────────┬───────────────┬──┬──┐
 *     │ blocks …          │ header │ heads[K]    │ FREE bitmap    │ USED bitmap   │▒▒│░░│
 *     └───────────────────┴────────┴─────────────┴────────────────┴───────────────┴──┴──┘
 *     header  u32 magic 0x59444442 ("BDDY"), u32 region size, u32 metaStart,
 *             u8 K, u8 layout version (2), u16 0
 *     heads   u32 per order: offset of the first free block of that order, or NIL
 *     bitmaps B bytes each, one row per order, 0 first: row k has n_k bits,
 *             n_k = ceil(end / (16 << k)) rounded up to even (a last block's
 *             buddy is then a padding bit, never the next row's first bit),
 *             padded to whole u32 words (padding bits stay 0); block i of
 *             order k is bit R_k + i, R_k = 32 · Σ_{j<k} ceil(n_j / 32). Rows
 *             sized to the region, not the arena: ≈ end / 64 bytes each. R_k
 *             lives in a field array (derived from the size, like K).
 *     ▒▒      padding so the metadata is a multiple of 16 bytes
 *     ░░      the size's last (size & 15) bytes, never used
 *
 *     a free block: +0 u32 next free offset (NIL = 0xFFFFFFFF), +4 u32 prev, rest unspecified
 *     a live block: all of it belongs to the caller (no header)
 *
 * Invariants (check() verifies each):
 *   I1 the blocks tile [0, metaStart) in address order; each block has exactly
 *      one head bit: FREE(k, i) iff a free block of order k starts there,
 *      USED(k, i) iff a live one does; no bit is set anywhere else;
 *   I2 list k holds exactly the blocks with a FREE bit in row k, doubly linked
 *      by offsets (next/prev), ending in NIL;
 *   I3 no two free buddies of the same order (coalescing is complete);
 *   I4 stats: inUse = Σ live block sizes, liveBlocks = their count,
 *      free = Σ free block sizes = capacity − inUse, plus HeapStats.problems().
 *   A few scalars live in fields: region bounds, K, bitmap offsets, row
 *   starts R_k, counters.
 *
 * Costs
 *   alloc: O(K) — a scan of at most K list heads, then at most K splits; no
 *   list is ever searched. dealloc: O(K) — each merge tests one FREE bit and
 *   unlinks the buddy in O(1) thanks to the prev link. realloc: O(K) in place,
 *   else alloc + one blitAt + dealloc. allocZeroed: alloc + one fillAt.
 *   All of them are one call from the user; the loops are inline.
 *   Metadata: 16 + 4K + 2B bytes rounded up to 16, ≈ 3.1 % of the region
 *   (4 bits per 16-byte unit) plus ≤ 8 bytes per order: 1,120 bytes (3.4 %)
 *   for a 32 KiB region, 1,904 bytes (3.3 %) for 57,344 bytes, 64.1 KiB for
 *   2 MiB. (Bitmaps sized to the arena, as in layout 1, cost up to 6.25 %
 *   just above a power of two.) Internal
 *   fragmentation: a request gets the next power of two ≥ 16.
 *   In the VM (every expression node is an opcode): an alloc + dealloc pair
 *   of 16 bytes costs ≈ 490 opcodes with no split or merge, ≈ 860 splitting
 *   and merging two levels, so a loop of them must yield every ~100 pairs.
 *   check(): O(bitmap words + free blocks), synchronous: ≈ 17k opcodes for a
 *   32 KiB region split into 1,980 blocks, ≈ 72k when 990 of them are free;
 *   details at check(). walk(): O(blocks).
 *
 * Misuse detection (dealloc and realloc; throws HeapError before any change)
 *   pointer 0                                → NotAllocated ("null pointer")
 *   outside [base, base + size)              → OutOfRegion
 *   not a whole number, not a multiple of 16,
 *   or not a multiple of layout.align        → Misaligned
 *   in the metadata, or not the start of a
 *   block (inside one: the message names it) → NotAllocated
 *   start of a free block (any order)        → DoubleFree
 *   start of a live block of another order   → WrongLayout (both size classes named)
 *   Cost: the valid case costs one USED-bit test; diagnosing a bad pointer
 *   costs O(K) bit tests. Not detectable: a layout whose size and align map to
 *   the block's own order (e.g. freeing a 20-byte block as 30 bytes: both are
 *   the 32-byte class); that also skews `requested`, which trusts layout.size.
 *   A double free after the block merged with its buddy is DoubleFree when
 *   the merged block starts at the pointer, else NotAllocated naming the free
 *   block it lies in; once the space is reused by a later alloc, the pointer
 *   names the new owner's block, as in every allocator without per-block tags.
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "./errors"
import { BlockVisitor, HeapAllocator, checkNewSize } from "./global_alloc"
import { ptrText } from "./hex"
import { Layout } from "./layout"
import { StaticRegion } from "./region"
import { HeapStats } from "./stats"

/** "BDDY" as a little-endian u32 at offset 0 of a buddy region. */
export const BUDDY_MAGIC = 0x59444442
/** Version of the metadata layout described in the header comment. */
export const BUDDY_VERSION = 2
/** End of a free list: an offset no block can have. Stored with setAt "u32" (a positive value, no saturation). */
export const BUDDY_NIL = 0xffffffff
/** Offset of heads[0] from the metadata start (BuddyAllocator.metaStart); heads[k] is at metaStart + BUDDY_HEADS + 4k. */
export const BUDDY_HEADS = 16
/** Size of an order-0 block, the grain of every block offset. */
export const BUDDY_MIN_BLOCK = 16

/**
 * Binary buddy allocator; see the header comment for layout and costs.
 *
 * ```ts
 * const heap = new BuddyAllocator(new StaticRegion(0x20020000, 32768))
 * const l = Layout.fromSizeAlign(24, 8)
 * const p = heap.alloc(l)            // a 32-byte block, 32-aligned
 * const q = heap.realloc(p, l, 60)   // grows in place when the buddy is free
 * heap.dealloc(q, Layout.fromSizeAlign(60, 8))
 * heap.check()                       // [] — every invariant holds
 * ```
 */
export class BuddyAllocator implements HeapAllocator {
    readonly kind: string = "buddy"
    readonly region: StaticRegion
    /** Highest order: blocks of order maxOrder are the arena's size. Orders 0..maxOrder (K = maxOrder + 1). */
    readonly maxOrder: number
    /** Offset of the FREE bitmap. */
    readonly freeMap: number
    /** Offset of the USED bitmap. */
    readonly usedMap: number
    /** Bytes in each bitmap (a multiple of 4). */
    readonly mapBytes: number
    /** Offset of the metadata (header first): the blocks tile [0, metaStart); everything from here on is metadata. */
    readonly metaStart: number
    /** Offset of heads[0] (metaStart + BUDDY_HEADS); heads[k] is at heads + 4k. */
    readonly heads: number

    private buf: ds.Buffer
    private base: number
    private size: number
    /** Smallest power of two ≥ size, at least 512. */
    private arena: number
    /** rows[k]: the bit where row k of each bitmap starts (see the header comment). */
    private rows: number[]
    /** Bits in row k that stand for blocks (the rest of its last word is padding). */
    private rowBits: number[]
    private capacity: number
    // Counters (HeapStats definitions), updated inline on the fast paths.
    private inUse = 0
    private requested = 0
    private peakInUse = 0
    private allocs = 0
    private frees = 0
    private reallocs = 0
    private failures = 0
    /** Largest size ever asked of alloc/allocZeroed/realloc (stats().peakRequest). */
    private peakRequest = 0

    /**
     * Lays the metadata out at the end of the region and frees the rest.
     * HeapError(BadArgument) when the region cannot hold the metadata plus one
     * 16-byte block.
     *
     * ```ts
     * const heap = new BuddyAllocator(new StaticRegion(0x20020000, 40000)) // any size works
     * ```
     */
    constructor(region: StaticRegion) {
        this.region = region
        this.buf = region.buf
        this.base = region.base
        const size = region.size
        this.size = size
        // At least 512 bytes (N ≥ 32): check() then finds every bitmap row of
        // 32 bits or more on a word boundary, and the shorter rows in the last word.
        let arena = 512
        let maxOrder = 5
        while (arena < size) {
            arena *= 2
            maxOrder++
        }
        this.arena = arena
        this.maxOrder = maxOrder
        // Row k has a bit per order-k block that can start below end (rounded up to
        // even, so a last block's buddy is a padding bit, never the next row's
        // first), padded to whole u32 words so check() reads a row a word at a time.
        const end = size - (size & 15)
        const rows: number[] = []
        const rowBits: number[] = []
        let bits = 0
        for (let k = 0; k <= maxOrder; k++) {
            let n = Math.ceil(end / (16 << k))
            n += n & 1
            rows.push(bits)
            rowBits.push(n)
            bits += Math.ceil(n / 32) * 32
        }
        this.rows = rows
        this.rowBits = rowBits
        const mapBytes = bits >> 3
        this.mapBytes = mapBytes
        // The metadata sits at the END of the region so that the blocks start at
        // offset 0: a block is aligned to its size from the region start, so
        // metadata at the start would forbid every block that overlaps it (a
        // 16 KiB region could not hold an 8 KiB block at 0).
        const metaLen = Math.ceil((BUDDY_HEADS + 4 * (maxOrder + 1) + 2 * mapBytes) / 16) * 16
        const metaStart = end - metaLen
        if (metaStart < 16)
            throw new HeapError(HeapErrorCode.BadArgument, region.base, "buddy: a region of " + size + " bytes cannot hold its " + metaLen + " bytes of metadata and a 16-byte block")
        this.metaStart = metaStart
        this.heads = metaStart + BUDDY_HEADS
        this.freeMap = this.heads + 4 * (maxOrder + 1)
        this.usedMap = this.freeMap + mapBytes
        this.capacity = metaStart

        const buf = this.buf
        buf.fillAt(metaStart, metaLen, 0)
        buf.setAt(metaStart, "u32", BUDDY_MAGIC)
        buf.setAt(metaStart + 4, "u32", size)
        buf.setAt(metaStart + 8, "u32", metaStart)
        buf.setAt(metaStart + 12, "u8", maxOrder + 1)
        buf.setAt(metaStart + 13, "u8", BUDDY_VERSION)
        for (let k = 0; k <= maxOrder; k++) buf.setAt(this.heads + 4 * k, "u32", BUDDY_NIL)
        // Greedy decomposition of [0, metaStart) into maximal aligned blocks. It never creates two
        // free buddies (I3): had it taken a left buddy of order j, their parent was
        // aligned but did not fit, so neither does the right buddy.
        let off = 0
        while (off < metaStart) {
            let k = 0
            while (k < maxOrder && (off & (16 << k)) === 0 && off + (32 << k) <= metaStart) k++
            this.pushFree(off, k)
            off += 16 << k
        }
    }

    /**
     * Rust's GlobalAlloc::alloc: a block of the order of max(size, align, 1), or 0
     * when no free block of that order or larger exists. O(K), no list search.
     *
     * ```ts
     * const p = heap.alloc(Layout.fromSizeAlign(100, 4)) // 128-byte block; p % 128 === 0
     * ```
     */
    alloc(layout: Layout): number {
        const size = layout.size
        if (size > this.peakRequest) this.peakRequest = size
        let need = layout.align
        if (size > need) need = size
        if (need > this.arena) {
            this.failures++
            return 0
        }
        let k = 0
        let bs = 16
        while (bs < need) {
            bs <<= 1
            k++
        }
        const buf = this.buf
        const H = this.heads
        const maxOrder = this.maxOrder
        // First non-empty list of order ≥ k: O(K) head reads.
        let j = k
        let off = 0
        while (j <= maxOrder) {
            off = buf.getAt(H + (j << 2), "u32") // heads[j]
            if (off !== 0xffffffff) break
            j++
        }
        if (j > maxOrder) {
            this.failures++
            return 0
        }
        // Pop off (it is the head, so its prev is NIL).
        const next = buf.getAt(off, "u32")
        buf.setAt(H + (j << 2), "u32", next)
        if (next !== 0xffffffff) buf.setAt(next + 4, "u32", 0xffffffff)
        const rows = this.rows
        const F = this.freeMap
        let bit = rows[j] + (off >> (4 + j))
        let a = F + (bit >> 3)
        buf.setAt(a, "u8", buf.getAt(a, "u8") & ~(1 << (bit & 7)))
        // Split down to k. Lists k..j−1 were empty (the scan skipped them), so each
        // upper half becomes the only entry of its list: no neighbour to relink.
        while (j > k) {
            j--
            const upper = off + (16 << j)
            buf.setAt(upper, "u32", 0xffffffff)
            buf.setAt(upper + 4, "u32", 0xffffffff)
            buf.setAt(H + (j << 2), "u32", upper)
            bit = rows[j] + (upper >> (4 + j))
            a = F + (bit >> 3)
            buf.setAt(a, "u8", buf.getAt(a, "u8") | (1 << (bit & 7)))
        }
        bit = rows[k] + (off >> (4 + k))
        a = this.usedMap + (bit >> 3)
        buf.setAt(a, "u8", buf.getAt(a, "u8") | (1 << (bit & 7)))
        this.allocs++
        this.requested += size
        const inUse = this.inUse + bs
        this.inUse = inUse
        if (inUse > this.peakInUse) this.peakInUse = inUse
        return this.base + off
    }

    /**
     * Rust's GlobalAlloc::alloc_zeroed: alloc, then one fillAt over layout.size bytes.
     *
     * ```ts
     * const p = heap.allocZeroed(Layout.fromSizeAlign(64, 4)) // 64 bytes reading 0
     * ```
     */
    allocZeroed(layout: Layout): number {
        const p = this.alloc(layout)
        if (p !== 0 && layout.size > 0) this.buf.fillAt(p - this.base, layout.size, 0)
        return p
    }

    /**
     * Rust's GlobalAlloc::dealloc, merging with free buddies. Misuse (see the
     * header) throws HeapError before anything changes. O(K).
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
        let need = layout.align
        if (size > need) need = size
        if (need > this.arena) throw this.misuse(ptr, layout, "dealloc")
        let k = 0
        let bs = 16
        while (bs < need) {
            bs <<= 1
            k++
        }
        let off = ptr - this.base
        // One test for: inside the usable range, a whole number, aligned to the
        // order's block size (which implies 16 and layout.align). (off | 0) is
        // safe here: 0 ≤ off < size < 2^31.
        if (!(off >= 0 && off < this.metaStart) || (off | 0) !== off || (off & (bs - 1)) !== 0)
            throw this.misuse(ptr, layout, "dealloc")
        const buf = this.buf
        const H = this.heads
        const rows = this.rows
        let bit = rows[k] + (off >> (4 + k))
        let a = this.usedMap + (bit >> 3)
        let b = buf.getAt(a, "u8")
        let m = 1 << (bit & 7)
        if ((b & m) === 0) throw this.misuse(ptr, layout, "dealloc")
        // Valid: from here on state changes.
        buf.setAt(a, "u8", b & ~m)
        this.frees++
        this.inUse -= bs
        this.requested -= size
        const F = this.freeMap
        const maxOrder = this.maxOrder
        // Merge while the buddy is free (one FREE-bit test per level, I3).
        while (k < maxOrder) {
            const bud = off ^ (16 << k)
            bit = rows[k] + (bud >> (4 + k))
            a = F + (bit >> 3)
            b = buf.getAt(a, "u8")
            m = 1 << (bit & 7)
            if ((b & m) === 0) break
            buf.setAt(a, "u8", b & ~m)
            const nx = buf.getAt(bud, "u32")
            const pv = buf.getAt(bud + 4, "u32")
            if (pv === 0xffffffff) buf.setAt(H + (k << 2), "u32", nx)
            else buf.setAt(pv, "u32", nx)
            if (nx !== 0xffffffff) buf.setAt(nx + 4, "u32", pv)
            off &= ~(16 << k)
            k++
        }
        // Push the (merged) block on list k.
        const h = buf.getAt(H + (k << 2), "u32")
        buf.setAt(off, "u32", h)
        buf.setAt(off + 4, "u32", 0xffffffff)
        if (h !== 0xffffffff) buf.setAt(h + 4, "u32", off)
        buf.setAt(H + (k << 2), "u32", off)
        bit = rows[k] + (off >> (4 + k))
        a = F + (bit >> 3)
        buf.setAt(a, "u8", buf.getAt(a, "u8") | (1 << (bit & 7)))
    }

    /**
     * Rust's GlobalAlloc::realloc. Same order: nothing moves. Smaller order:
     * shrinks in place, freeing the upper halves. Larger order: grows in place
     * when the block is the left buddy at every level and those buddies are
     * free; otherwise allocates, copies min(old, new) bytes and frees the old
     * block. On failure returns 0 and the old block is valid and unchanged.
     * newSize is validated like a Layout (LayoutError); misuse throws HeapError.
     *
     * ```ts
     * const l = Layout.fromSizeAlign(16, 4)
     * const p = heap.alloc(l)
     * const q = heap.realloc(p, l, 40) // a 64-byte block; q === p when p is 64-aligned and its next 48 bytes are free
     * ```
     */
    realloc(ptr: number, layout: Layout, newSize: number): number {
        const align = layout.align
        checkNewSize(newSize, align)
        const k = this.liveOrder(ptr, layout, "realloc")
        if (newSize > this.peakRequest) this.peakRequest = newSize
        const off = ptr - this.base
        let need = align
        if (newSize > need) need = newSize
        if (need > this.arena) {
            this.failures++
            return 0
        }
        let nk = 0
        while (16 << nk < need) nk++
        if (nk > k) {
            // Grow in place: off aligned to the new size means it is the left
            // buddy at every level k..nk−1; then each right buddy must be free.
            let inPlace = (off & ((16 << nk) - 1)) === 0
            for (let j = k; inPlace && j < nk; j++) inPlace = this.hasBit(this.freeMap, j, off + (16 << j))
            if (inPlace) {
                for (let j = k; j < nk; j++) this.unlinkFree(off + (16 << j), j)
                this.flipBit(this.usedMap, k, off, false)
                this.flipBit(this.usedMap, nk, off, true)
            } else {
                const noff = this.carve(nk)
                if (noff < 0) {
                    this.failures++
                    return 0
                }
                const n = layout.size < newSize ? layout.size : newSize
                // Disjoint blocks (both live), so memcpy is fine.
                if (n > 0) this.buf.blitAt(noff, this.buf, off, n)
                this.release(off, k)
                this.reallocs++
                this.requested += newSize - layout.size
                this.inUse += (16 << nk) - (16 << k)
                if (this.inUse > this.peakInUse) this.peakInUse = this.inUse
                return this.base + noff
            }
        } else if (nk < k) {
            // Shrink in place: free the upper halves, largest first. Each one's buddy
            // is the part we keep, which is live, so none can merge (I3 holds).
            this.flipBit(this.usedMap, k, off, false)
            this.flipBit(this.usedMap, nk, off, true)
            for (let j = k - 1; j >= nk; j--) this.pushFree(off + (16 << j), j)
        }
        this.reallocs++
        this.requested += newSize - layout.size
        this.inUse += (16 << nk) - (16 << k)
        if (this.inUse > this.peakInUse) this.peakInUse = this.inUse
        return ptr
    }

    /**
     * A snapshot of the statistics (stats.ts). largestFree is the block size of
     * the highest non-empty free list: O(K).
     *
     * ```ts
     * heap.stats().largestFree // e.g. 16384 for a fresh 32 KiB region
     * ```
     */
    stats(): HeapStats {
        // liveBlocks is allocs − frees: one field write less per call.
        return HeapStats.of(this.capacity, this.capacity - this.inUse, this.requested, this.peakInUse, this.largestFreeBlock(), this.peakRequest).counted(
            this.allocs - this.frees,
            this.allocs,
            this.frees,
            this.reallocs,
            this.failures,
        )
    }

    /**
     * Verifies I1–I4 (header comment) and returns every problem as a sentence,
     * [] when the heap is consistent. Two passes, both synchronous:
     *
     *   1. The bitmaps, row by row from the top order down, a u32 word (32
     *      blocks of one order) at a time. `cover` is, per block of the row, "a
     *      head bit of this order or above covers it": a row's cover is its own
     *      FREE|USED bits OR its parent row's cover with every bit doubled (a
     *      block's two halves). In each word: a head bit under a covered parent
     *      is a nested head (two blocks overlap); FREE and USED both set is an
     *      error; two FREE buddies break I3; the bits are counted (SWAR
     *      popcount) per row; each row's padding bits must be clear (a head
     *      bit there could hide from the cover, whose rows are cut to the
     *      region). At row 0 the cover must equal exactly the
     *      16-byte units of [0, metaStart): that proves the blocks tile the
     *      usable range with exactly one head each and no head bit elsewhere
     *      (I1), which an address-order walk would show block by block, at a
     *      cost per block instead of per 32 blocks.
     *   2. Every free list: each entry aligned to its order, with its FREE bit
     *      and a prev link equal to the entry before it (which also ends any
     *      cycle); as many entries as its FREE row has bits (I2).
     * Then the counters against what the bitmaps describe (I4), and
     * HeapStats.problems(). At most 50 problems are listed per pass.
     *
     * Cost: pass 1 is O(bitmap words), 2N/32 words whatever the heap holds;
     * pass 2 is O(free blocks), ≈ 51 VM opcodes each; one scratch Buffer of
     * ≈ size/128 bytes (256 for 32 KiB). Measured in the VM (131,072 opcodes per
     * slice; ± 1.3k):
     *     32 KiB, 1,980 live 16-byte blocks          ≈ 17k opcodes
     *     32 KiB,   990 live 32-byte blocks          ≈ 20k
     *     32 KiB, 1,733 live blocks of 16 and 32 B   ≈ 26k
     *     32 KiB,   990 live + 990 free (worst case) ≈ 72k
     *     57,000 B, 3,429 live 16-byte blocks        ≈ 32k
     *     57,000 B, 1,714 live + 1,715 free (worst)  ≈ 125k
     * So call it at the start of a slice (right after an `await`): on the
     * largest device region its worst case leaves only ~6k opcodes.
     *
     * ```ts
     * expect(heap.check()).toEqual([])
     * ```
     */
    check(): string[] {
        const out: string[] = []
        const buf = this.buf
        const size = this.size
        const metaStart = this.metaStart
        const maxOrder = this.maxOrder
        const F = this.freeMap
        const D = this.usedMap - F // USED bit = the FREE bit's byte + D
        const base = this.base
        const rows = this.rows
        const rowBits = this.rowBits
        if (buf.getAt(metaStart, "u32") !== BUDDY_MAGIC || buf.getAt(metaStart + 4, "u32") !== size || buf.getAt(metaStart + 8, "u32") !== metaStart || buf.getAt(metaStart + 12, "u8") !== maxOrder + 1 || buf.getAt(metaStart + 13, "u8") !== BUDDY_VERSION)
            out.push("header: expected magic BDDY, size " + size + ", metaStart " + metaStart + ", " + (maxOrder + 1) + " orders, version " + BUDDY_VERSION + " at offsets metaStart + 0..13 (" + metaStart + ")")

        // Pass 1. S holds the cover of the row last done: row k's word w is
        // built from the parent's u16 at 2w, so writing word w in place (w
        // descending) never clobbers a parent half-word still to be read.
        // Row k has W_k words, W_k ≤ 2·W_(k+1), so the parent half-words a row reads
        // were all written by its parent row (the top row reads zeros).
        const S = ds.Buffer.alloc(rows[1] >> 3)
        const freeInRow: number[] = []
        for (let k = 0; k <= maxOrder; k++) freeInRow.push(0)
        let freeBits = 0
        let usedBits = 0
        let freeBytes = 0
        let usedBytes = 0
        let largest = 0
        for (let k = maxOrder; k >= 0; k--) {
            const n = rowBits[k]
            const row = F + (rows[k] >> 3) // byte of the row's first word
            const lastW = (n - 1) >> 5
            // Bits past n in the row's last word are padding: they must be clear.
            const pad = (n & 31) === 0 ? 0 : -1 << (n & 31)
            if (((buf.getAt(row + 4 * lastW, "i32") | buf.getAt(row + D + 4 * lastW, "i32")) & pad) !== 0)
                out.push("bitmap: a padding bit after row " + k + " (" + n + " blocks of " + (16 << k) + " B) is set")
            let fc = 0 // FREE bits in the row
            let hc = 0 // head bits (FREE or USED)
            for (let w = lastW; w >= 0; w--) {
                const fw = buf.getAt(row + 4 * w, "i32")
                const uw = buf.getAt(row + D + 4 * w, "i32")
                // Parent cover, each bit doubled (16 → 32 bits).
                let p = S.getAt(2 * w, "u16")
                if ((fw | uw | p) === 0) {
                    S.setAt(4 * w, "i32", 0) // nothing here: the common case in the upper rows
                    continue
                }
                if (p === 0xffff) p = -1
                else if (p !== 0) {
                    p = (p | (p << 8)) & 0x00ff00ff
                    p = (p | (p << 4)) & 0x0f0f0f0f
                    p = (p | (p << 2)) & 0x33333333
                    p = (p | (p << 1)) & 0x55555555
                    p = p | (p << 1)
                }
                const h = fw | uw
                if (((h & p) | (fw & uw) | (fw & (fw >>> 1) & 0x55555555)) !== 0 && out.length < 50) this.rowProblems(out, k, w << 5, fw, uw, p)
                S.setAt(4 * w, "i32", h | p)
                if (fw === -1) fc += 32
                else if (fw !== 0) {
                    let x = fw - ((fw >>> 1) & 0x55555555)
                    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
                    x = (x + (x >>> 4)) & 0x0f0f0f0f
                    x = x + (x >>> 8)
                    fc += (x + (x >>> 16)) & 0x3f
                }
                // USED count = heads − FREE (+ the bits set in both, an error already reported).
                if (h === -1) hc += 32
                else if (h !== 0) {
                    let x = h - ((h >>> 1) & 0x55555555)
                    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
                    x = (x + (x >>> 4)) & 0x0f0f0f0f
                    x = x + (x >>> 8)
                    hc += (x + (x >>> 16)) & 0x3f
                }
                if ((fw & uw) !== 0) hc += this.bitCount(fw & uw)
            }
            const uc = hc - fc
            freeInRow[k] = fc
            freeBits += fc
            usedBits += uc
            freeBytes += fc * (16 << k)
            usedBytes += uc * (16 << k)
            if (fc > 0 && largest === 0) largest = 16 << k
        }
        // Row 0's cover must be exactly the units of [0, metaStart).
        const lo = 0
        const hi = metaStart >> 4
        let gaps = 0
        for (let a = 0; a < rows[1] && gaps < 10; a += 32) {
            let want = 0
            if (a >= lo && a + 32 <= hi) want = -1
            else if (a + 32 > lo && a < hi) {
                const from = lo > a ? lo - a : 0
                const to = hi < a + 32 ? hi - a : 32
                want = to - from === 32 ? -1 : ((1 << (to - from)) - 1) << from
            }
            const c = S.getAt(a >> 3, "i32")
            if (c !== want) {
                const t = this.lowBit(c ^ want)
                gaps++
                if (((c >>> t) & 1) !== 0)
                    out.push("tiling: a block covers " + ptrText(base + 16 * (a + t)) + ", outside the usable range " + ptrText(base) + ".." + ptrText(base + metaStart))
                else out.push("tiling: no block covers " + ptrText(base + 16 * (a + t)) + " (a gap in the usable range)")
            }
        }

        // Pass 2. Free lists. The walk needs no step bound: an entry reached a
        // second time has a prev link naming the entry before its first visit
        // (or NIL), never the current one, so the prev test ends any cycle.
        // Entries are 16-aligned offsets with a FREE bit in row k, so an entry
        // past the usable range either has no FREE bit (pass 1 already proved
        // none is set outside it) or lies past the buffer, where getAt reads
        // undefined and the prev test fails.
        for (let k = 0; k <= maxOrder; k++) {
            const msk = (16 << k) - 1
            const sh = 4 + k
            const rs = rows[k]
            // Links read as i32, so NIL is -1 (an int, cheaper than the double
            // 0xFFFFFFFF in the VM); a wild link ≥ 2^31 reads negative, its bit
            // index is negative, getAt gives undefined and the FREE test fails.
            let e = buf.getAt(this.heads + 4 * k, "i32")
            let prev = -1
            let count = 0
            while (e !== -1) {
                // One test, no short-circuits (fewer VM opcodes): misaligned,
                // FREE bit clear, or prev link wrong. listProblem() says which.
                const bit = rs + (e >> sh)
                if ((e & msk) | (((buf.getAt(F + (bit >> 3), "u8") >> (bit & 7)) & 1) ^ 1) | (buf.getAt(e + 4, "i32") ^ prev)) break
                prev = e
                e = buf.getAt(e, "i32")
                count++
            }
            if (e !== -1) out.push(this.listProblem(k, e >>> 0, prev >>> 0, count))
            else if (count !== freeInRow[k]) out.push("free list " + k + " (" + (16 << k) + " B): " + count + " entries, but its FREE row has " + freeInRow[k] + " bits set")
        }

        // Counters against the bitmaps, then the record's own invariants.
        const s = this.stats()
        if (usedBytes !== s.inUse) out.push("stats: inUse " + s.inUse + " but the USED bits describe " + usedBytes + " bytes")
        if (usedBits !== s.liveBlocks) out.push("stats: liveBlocks " + s.liveBlocks + " but " + usedBits + " USED bits are set")
        if (freeBytes !== s.free) out.push("stats: free " + s.free + " but the FREE bits describe " + freeBytes + " bytes")
        if (largest !== s.largestFree) out.push("stats: largestFree " + s.largestFree + " (from the list heads) but the largest FREE row is of " + largest + "-byte blocks")
        if (s.requested < 0) out.push("stats: requested " + s.requested + " < 0 (a dealloc passed a larger size than allocated)")
        const more = s.problems()
        for (let i = 0; i < more.length; i++) out.push(more[i])
        return out
    }

    /**
     * Calls visit(ptr, size, used) for every block in address order (the same
     * head-bit probe as check()). Throws HeapError(Corrupt) when no block starts
     * where the previous one ended.
     *
     * ```ts
     * heap.walk((p, size, used) => console.log(ptrText(p), size, used))
     * ```
     */
    walk(visit: BlockVisitor): void {
        const buf = this.buf
        const F = this.freeMap
        const U = this.usedMap
        const maxOrder = this.maxOrder
        const end = this.metaStart
        const rows = this.rows
        let off = 0
        while (off < end) {
            let u = off >> 4
            let j = 0
            let used = false
            while (true) {
                const bit = rows[j] + u
                const m = 1 << (bit & 7)
                if ((buf.getAt(U + (bit >> 3), "u8") & m) !== 0) {
                    used = true
                    break
                }
                if ((buf.getAt(F + (bit >> 3), "u8") & m) !== 0) break
                if ((u & 1) !== 0 || j === maxOrder) {
                    j = -1
                    break
                }
                u >>= 1
                j++
            }
            if (j < 0 || off + (16 << j) > end)
                throw new HeapError(HeapErrorCode.Corrupt, this.base + off, "buddy walk: no valid block starts at " + ptrText(this.base + off) + "; run check()")
            visit(this.base + off, 16 << j, used)
            off += 16 << j
        }
    }

    // ---- slow paths and realloc helpers (not on the alloc/dealloc fast paths) ----

    /** Block size of the highest non-empty free list, 0 when all are empty. O(K). */
    private largestFreeBlock(): number {
        for (let k = this.maxOrder; k >= 0; k--) if (this.buf.getAt(this.heads + 4 * k, "u32") !== BUDDY_NIL) return 16 << k
        return 0
    }

    /** Bit of (order k, block at off) in the bitmap at `map`. */
    private hasBit(map: number, k: number, off: number): boolean {
        const bit = this.rows[k] + (off >> (4 + k))
        return (this.buf.getAt(map + (bit >> 3), "u8") & (1 << (bit & 7))) !== 0
    }

    private flipBit(map: number, k: number, off: number, on: boolean): void {
        const bit = this.rows[k] + (off >> (4 + k))
        const a = map + (bit >> 3)
        const b = this.buf.getAt(a, "u8")
        this.buf.setAt(a, "u8", on ? b | (1 << (bit & 7)) : b & ~(1 << (bit & 7)))
    }

    /** Pushes the free block (off, k) on list k and sets its FREE bit. */
    private pushFree(off: number, k: number): void {
        const buf = this.buf
        const h = buf.getAt(this.heads + 4 * k, "u32")
        buf.setAt(off, "u32", h)
        buf.setAt(off + 4, "u32", BUDDY_NIL)
        if (h !== BUDDY_NIL) buf.setAt(h + 4, "u32", off)
        buf.setAt(this.heads + 4 * k, "u32", off)
        this.flipBit(this.freeMap, k, off, true)
    }

    /** Unlinks the free block (off, k) from list k in O(1) and clears its FREE bit. */
    private unlinkFree(off: number, k: number): void {
        const buf = this.buf
        const nx = buf.getAt(off, "u32")
        const pv = buf.getAt(off + 4, "u32")
        if (pv === BUDDY_NIL) buf.setAt(this.heads + 4 * k, "u32", nx)
        else buf.setAt(pv, "u32", nx)
        if (nx !== BUDDY_NIL) buf.setAt(nx + 4, "u32", pv)
        this.flipBit(this.freeMap, k, off, false)
    }

    /** alloc's list work for realloc: an order-k block marked USED, its offset, or -1. No counters. */
    private carve(k: number): number {
        const buf = this.buf
        let j = k
        while (j <= this.maxOrder && buf.getAt(this.heads + 4 * j, "u32") === BUDDY_NIL) j++
        if (j > this.maxOrder) return -1
        const off = buf.getAt(this.heads + 4 * j, "u32")
        this.unlinkFree(off, j)
        while (j > k) {
            j--
            this.pushFree(off + (16 << j), j)
        }
        this.flipBit(this.usedMap, k, off, true)
        return off
    }

    /** dealloc's list work for realloc: clears USED of the live block (off, k), merges, pushes. No counters. */
    private release(off: number, k: number): void {
        this.flipBit(this.usedMap, k, off, false)
        while (k < this.maxOrder) {
            const bud = off ^ (16 << k)
            if (!this.hasBit(this.freeMap, k, bud)) break
            this.unlinkFree(bud, k)
            off &= ~(16 << k)
            k++
        }
        this.pushFree(off, k)
    }

    /** Validates ptr as the live block of `layout` (as dealloc does) and returns its order; throws misuse. */
    private liveOrder(ptr: number, layout: Layout, op: string): number {
        let need = layout.align
        if (layout.size > need) need = layout.size
        if (need > this.arena) throw this.misuse(ptr, layout, op)
        let k = 0
        while (16 << k < need) k++
        const off = ptr - this.base
        if (!(off >= 0 && off < this.metaStart) || (off | 0) !== off || (off & ((16 << k) - 1)) !== 0 || !this.hasBit(this.usedMap, k, off))
            throw this.misuse(ptr, layout, op)
        return k
    }

    /**
     * Names what is wrong with (ptr, layout), in the order of the header's
     * table. Only called once the fast test failed; O(K) bit tests.
     */
    private misuse(ptr: number, layout: Layout, op: string): HeapError {
        const p = ptrText(ptr)
        const base = this.base
        const size = this.size
        if (ptr === 0) return new HeapError(HeapErrorCode.NotAllocated, 0, op + ": null pointer")
        if (typeof ptr !== "number" || !(ptr >= base && ptr < base + size))
            return new HeapError(HeapErrorCode.OutOfRegion, ptr, `${op}: pointer ${p} is outside the region ${ptrText(base)}..${ptrText(base + size)}`)
        const off = ptr - base
        if (off !== Math.floor(off)) return new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${p} is not a whole address`)
        if ((off & 15) !== 0)
            return new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${p} is not a multiple of 16, the buddy block grain`)
        if ((off & (layout.align - 1)) !== 0)
            return new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${p} is not aligned to the layout's align ${layout.align}`)
        if (off >= this.metaStart)
            return new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${p} lies in the allocator's metadata (${ptrText(base + this.metaStart)}..${ptrText(base + size)}), not in a block`)
        let need = layout.align
        if (layout.size > need) need = layout.size
        const cls = need > this.arena ? "no size class (larger than the arena)" : "the " + this.classOf(need) + "-byte size class"
        const lay = "(size " + layout.size + ", align " + layout.align + ")"
        // A head at off? Orders 0, 1, … while off is aligned to the block size.
        for (let j = 0; j <= this.maxOrder && (off & ((16 << j) - 1)) === 0; j++) {
            if (this.hasBit(this.usedMap, j, off))
                return new HeapError(HeapErrorCode.WrongLayout, ptr, `${op}: pointer ${p} is a live ${16 << j}-byte block, but the layout ${lay} maps to ${cls}`)
            if (this.hasBit(this.freeMap, j, off))
                return new HeapError(HeapErrorCode.DoubleFree, ptr, `${op}: pointer ${p} is the start of a free ${16 << j}-byte block: it was already freed (expected a live block of ${cls})`)
        }
        // Inside some block: name it (the smallest enclosing head).
        for (let j = 1; j <= this.maxOrder; j++) {
            const h = off & ~((16 << j) - 1)
            const used = this.hasBit(this.usedMap, j, h)
            if (used || this.hasBit(this.freeMap, j, h))
                return new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${p} is not the start of a block: it lies ${off - h} bytes into the ${used ? "live" : "free"} ${16 << j}-byte block at ${ptrText(base + h)}`)
        }
        return new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${p} is not the start of any block (expected a live block of ${cls}; run check())`)
    }

    /**
     * check()'s messages for one bitmap word of row k (blocks i0..i0+31) that
     * failed: the first nested head, FREE∧USED and pair of free buddies in it.
     */
    private rowProblems(out: string[], k: number, i0: number, fw: number, uw: number, p: number): void {
        const nest = (fw | uw) & p
        if (nest !== 0) {
            const i = i0 + this.lowBit(nest)
            // Name the nearest head above it (O(K) bit tests).
            let where = "a bigger block"
            for (let j = k + 1; j <= this.maxOrder; j++) {
                const a = (i >> (j - k)) * (16 << j)
                if (this.hasBit(this.usedMap, j, a) || this.hasBit(this.freeMap, j, a)) {
                    where = "the " + (this.hasBit(this.usedMap, j, a) ? "live " : "free ") + (16 << j) + "-byte block at " + ptrText(this.base + a)
                    break
                }
            }
            out.push("bitmap: " + this.blockText(k, i) + " has a head bit but lies inside " + where + " (overlapping blocks)")
        }
        const both = fw & uw
        if (both !== 0) out.push("bitmap: " + this.blockText(k, i0 + this.lowBit(both)) + " has both its FREE and USED bits set")
        const pairs = fw & (fw >>> 1) & 0x55555555
        if (pairs !== 0) out.push("coalescing: " + this.blockText(k, i0 + this.lowBit(pairs)) + " and its buddy are both free, not merged")
    }

    /** check()'s message for the free-list entry e of order k that stopped the list walk. */
    private listProblem(k: number, e: number, prev: number, count: number): string {
        const bs = 16 << k
        const what = "free list " + k + " (" + bs + " B), entry " + count + " (offset " + e + "): "
        if (e % bs !== 0 || e >= this.metaStart) return what + "not a " + bs + "-aligned block inside the usable range 0.." + this.metaStart
        if (!this.hasBit(this.freeMap, k, e)) return what + "its FREE bit is clear"
        const p = this.buf.getAt(e + 4, "u32")
        // A prev naming an entry already passed means the list loops back here.
        return what + "its prev link is " + p + ", expected " + (prev === BUDDY_NIL ? "NIL" : "" + prev) + (count > 0 ? " (a cycle, if this entry was already visited)" : "")
    }

    /** Number of set bits of an int32 (error paths only). */
    private bitCount(x: number): number {
        let c = 0
        while (x !== 0) {
            x &= x - 1
            c++
        }
        return c
    }

    /** Index of the lowest set bit of a non-zero int32 (messages only). */
    private lowBit(x: number): number {
        let t = 0
        while (t < 31 && ((x >>> t) & 1) === 0) t++
        return t
    }

    /** "the 64-byte block at 0x…" for block i of order k (messages only). */
    private blockText(k: number, i: number): string {
        return "the " + (16 << k) + "-byte block at " + ptrText(this.base + i * (16 << k))
    }

    /** The block size serving `need` bytes (need ≤ arena). */
    private classOf(need: number): number {
        let bs = 16
        while (bs < need) bs <<= 1
        return bs
    }
}
