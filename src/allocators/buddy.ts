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
 *   With it at the end, a region of 8 KiB + 240 bytes holds an 8 KiB block.
 *
 * Metadata (offsets from the region start; K = order count; end = the size
 * rounded down to 16 (a tail of < 16 bytes is never used); M = metaStart =
 * end − the metadata rounded up to 16):
 *
 *     0                   M        M+16          M+16+4K=S         F=S+B_S        end   size
 *     ┌───────────────────┬────────┬─────────────┬─────────────────┬──────────────┬──┬──┐
 *     │ blocks …          │ header │ heads[K]    │ SPLIT bitmap    │ FREE bitmap  │▒▒│░░│
 *     └───────────────────┴────────┴─────────────┴─────────────────┴──────────────┴──┴──┘
 *     header  u32 magic 0x59444442 ("BDDY"), u32 region size, u32 metaStart,
 *             u8 K, u8 layout version (3), u16 0
 *     heads   u32 per order: offset of the first free block of that order, or NIL
 *     SPLIT   the buddy tree's inner nodes: one row per order k = 1..K−1, row k
 *             has n_k bits, n_k = ceil(end / (16 << k)) rounded up to even (a
 *             last node's buddy is then a padding bit, never the next row's
 *             first), padded to whole u32 words (padding bits stay 0); node i
 *             of order k is bit R_k + i, R_k = 32 · Σ_{1≤j<k} ceil(n_j / 32)
 *             (R_k lives in a field array, derived from the size like K).
 *             SPLIT(k, i): the block (k, i) is cut into its two halves.
 *     FREE    one bit per 16-byte unit (n_0 bits, word padded): a free block
 *             starts at this unit. (At most one block starts at a unit, so the
 *             order need not be stored: it is where the SPLIT bits stop.)
 *     ▒▒      padding so the metadata is a multiple of 16 bytes
 *     ░░      the size's last (size & 15) bytes, never used
 *
 *     a free block: +0 u32 next free offset (NIL = 0xFFFFFFFF), +4 u32 prev, rest unspecified
 *     a live block: all of it belongs to the caller (no header)
 *
 *   The blocks are the leaves of the buddy tree whose root is the arena and
 *   whose inner nodes are the SPLIT bits: block (k, i) exists iff its parent
 *   (k+1, i/2) is split and it is not (k = 0 has no SPLIT row). It is free iff
 *   its first unit's FREE bit is set, else live. The nodes that straddle
 *   metaStart are split; the leaves at or past metaStart are "absent": never
 *   handed out, never free, never split. 2 bits per 16-byte unit in all.
 *
 * Invariants (check() verifies each):
 *   I1 the blocks (leaves below metaStart) tile [0, metaStart): SPLIT bits
 *      only on nodes in the tree (parent split) that start below metaStart,
 *      and set on every node that straddles metaStart; FREE bits only at the
 *      first unit of a block; no padding bit set;
 *   I2 list k holds exactly the free blocks of order k, doubly linked by
 *      offsets (next/prev), ending in NIL: every entry is a block of order k
 *      with its FREE bit, and the lists hold as many entries as FREE bits;
 *   I3 no two free buddies of the same order (coalescing is complete);
 *   I4 stats: inUse = Σ live block sizes, liveBlocks = their count,
 *      free = Σ free block sizes = capacity − inUse, plus HeapStats.problems().
 *   A few scalars live in fields: region bounds, K, bitmap offsets, row
 *   starts R_k, counters, and the non-empty mask (bit k iff heads[k] ≠ NIL, a
 *   cache of the heads that check() compares against them).
 *
 * Costs
 *   alloc: O(K) — a scan of at most K bits of the non-empty mask, then at
 *   most K splits (a SPLIT bit and a FREE bit each); no list is ever searched. dealloc: O(K) —
 *   three bit tests validate the pointer, each merge tests two bits (the
 *   buddy's FREE and SPLIT) and unlinks the buddy in O(1) thanks to the prev
 *   link. realloc: O(K) in place, else alloc + one blitAt + dealloc.
 *   allocZeroed: alloc + one fillAt. All of them are one call from the user;
 *   the loops are inline. Placement: lists are LIFO (the lower half of a
 *   split is kept). On the malloc-lab traces the usable range [0, metaStart)
 *   of the footprint (bench/footprint.ts) is within one 256-byte step of the
 *   lower bound for power-of-two blocks (the peak of the sum of the live
 *   blocks' sizes), and taking
 *   the lowest-addressed block of a list (an unbounded list scan, tried)
 *   changed no footprint, so alloc stays a pop.
 *   Metadata: 16 + 4K + B_S + B_F bytes rounded up to 16, ≈ 1.56 % of the
 *   region (2 bits per 16-byte unit) plus ≤ 8 bytes per order: 592 bytes
 *   (1.8 %) for a 32 KiB region, 992 bytes (1.7 %) for 57,344 bytes,
 *   32.1 KiB (1.57 %) for 2 MiB. (Layouts 1 and 2 kept FREE and USED rows
 *   for every order: 4 bits per unit, and layout 1 sized them to the arena,
 *   up to 6.25 % just above a power of two.) Internal fragmentation: a
 *   request gets the next power of two ≥ 16.
 *   In the VM a pair's time grows with its split + merge levels: none for
 *   8 and 16 B there, six at 32 B (that benchmark's live blocks leave lists
 *   1–6 empty, so every pair splits a 2,048-byte block down and merges it
 *   back). Times per size: bench/RESULTS.md, "DeviceScript VM", buddy column.
 *   Fast-path economies: a field mask of non-empty lists (nonEmpty) replaces
 *   the head scan and the head read of a push onto an empty list; a split
 *   writes bitmap bytes and FREE words lying wholly inside the popped block
 *   without reading them; a merge reads each order's SPLIT byte once (the
 *   buddy's bit and the parent's clear share it), keeps the FREE word of
 *   orders < 5 in a local, and tests "only entry of its list" with one read
 *   (the u32 at bud + 2), setting such heads to NIL with one fillAt. A loop
 *   of pairs must still yield every ~80 pairs.
 *   check(): O(bitmap words + free blocks), synchronous; walk(): O(blocks × K)
 *   (both in buddy_check.ts, beside the layout constants in buddy_layout.ts).
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
 *   Cost: the valid case costs three bit tests (parent SPLIT, own SPLIT,
 *   FREE); diagnosing a bad pointer costs one O(K) descent of the SPLIT bits. Not detectable: a layout whose size and align map to
 *   the block's own order (e.g. freeing a 20-byte block as 30 bytes: both are
 *   the 32-byte class); that also skews `requested`, which trusts layout.size.
 *   A double free after the block merged with its buddy is DoubleFree when
 *   the merged block starts at the pointer, else NotAllocated naming the free
 *   block it lies in; once the space is reused by a later alloc, the pointer
 *   names the new owner's block, as in every allocator without per-block tags.
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "../core/errors"
import { allocThenZero, BlockVisitor, checkNewSize, HeapAllocator } from "../api/global_alloc"
import { Layout, layoutError } from "../core/layout"
import { StaticRegion } from "../core/region"
import { HeapCounters } from "../core/counters"
import { HeapStats } from "../core/stats"
import { BUDDY_HEADS, BUDDY_MAGIC, BUDDY_NIL, BUDDY_VERSION } from "./buddy_layout"
import { BuddyView, buddyCheck, buddyMisuse, buddyWalk } from "./buddy_check"

export { BUDDY_HEADS, BUDDY_MAGIC, BUDDY_MIN_BLOCK, BUDDY_NIL, BUDDY_VERSION } from "./buddy_layout"


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
export class BuddyAllocator extends HeapCounters implements HeapAllocator, BuddyView {
    readonly kind: string = "buddy"
    readonly region: StaticRegion
    /** Highest order: a block of order maxOrder is the arena (never a block itself: the metadata is in it). Orders 0..maxOrder (K = maxOrder + 1). */
    readonly maxOrder: number
    /** Offset of the metadata (header first): the blocks tile [0, metaStart); everything from here on is metadata. */
    readonly metaStart: number
    /** Offset of heads[0] (metaStart + BUDDY_HEADS); heads[k] is at heads + 4k. */
    readonly heads: number
    /** Offset of the SPLIT bitmap (rows for orders 1..maxOrder). */
    readonly splitMap: number
    /** Offset of the FREE bitmap (one bit per 16-byte unit). */
    readonly freeMap: number
    /** Bytes in the SPLIT bitmap (a multiple of 4). */
    readonly splitBytes: number
    /** Bytes in the FREE bitmap (a multiple of 4). */
    readonly freeBytes: number

    // Read by the verifier too (BuddyView, buddy_check.ts); not meant for callers.
    readonly buf: ds.Buffer
    readonly base: number
    readonly size: number
    /** Smallest power of two ≥ size, at least 512. */
    readonly arena: number
    /** rows[k] (k ≥ 1): the bit where row k of the SPLIT bitmap starts; rows[0] is unused (0). */
    readonly rows: number[]
    /** Bits in row k that stand for nodes (the rest of its last word is padding); rowBits[0] is the FREE bitmap's. */
    readonly rowBits: number[]
    // The counters (capacity, inUse, requested, peakInUse, allocs, frees,
    // reallocs, failures, peakRequest) are HeapCounters' (counters.ts).
    /**
     * Bit k set iff free list k is non-empty: a cache of heads[k] !== NIL (the
     * region stays the whole truth; check() compares them), so alloc finds its
     * list and dealloc's push knows an empty list without reading heads.
     */
    private nonEmpty = 0

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
        super()
        this.region = region
        this.buf = region.buf
        this.base = region.base
        const size = region.size
        this.size = size
        let arena = 512
        let maxOrder = 5
        while (arena < size) {
            arena *= 2
            maxOrder++
        }
        this.arena = arena
        this.maxOrder = maxOrder
        // Row k: a bit per order-k node that can start below end, rounded up to
        // even (a last node's buddy is a padding bit, never the next row's first),
        // padded to whole u32 words so check() reads a row a word at a time.
        const end = size - (size & 15)
        const rows: number[] = []
        const rowBits: number[] = []
        let bits = 0
        for (let k = 0; k <= maxOrder; k++) {
            let n = Math.ceil(end / (16 << k))
            n += n & 1
            rows.push(k === 0 ? 0 : bits)
            rowBits.push(n)
            if (k > 0) bits += Math.ceil(n / 32) * 32
        }
        this.rows = rows
        this.rowBits = rowBits
        const splitBytes = bits >> 3
        const freeBytes = Math.ceil(rowBits[0] / 32) * 4
        this.splitBytes = splitBytes
        this.freeBytes = freeBytes
        // The metadata sits at the END of the region so that the blocks start at
        // offset 0: a block is aligned to its size from the region start, so
        // metadata at the start would forbid every block that overlaps it (a
        // 16 KiB region could not hold an 8 KiB block at 0).
        const metaLen = Math.ceil((BUDDY_HEADS + 4 * (maxOrder + 1) + splitBytes + freeBytes) / 16) * 16
        const metaStart = end - metaLen
        if (metaStart < 16)
            throw new HeapError(HeapErrorCode.BadArgument, region.base, "buddy: a region of " + size + " bytes cannot hold its " + metaLen + " bytes of metadata and a 16-byte block")
        this.metaStart = metaStart
        this.heads = metaStart + BUDDY_HEADS
        this.splitMap = this.heads + 4 * (maxOrder + 1)
        this.freeMap = this.splitMap + splitBytes
        this.capacity = metaStart

        const buf = this.buf
        buf.fillAt(metaStart, metaLen, 0)
        buf.setAt(metaStart, "u32", BUDDY_MAGIC)
        buf.setAt(metaStart + 4, "u32", size)
        buf.setAt(metaStart + 8, "u32", metaStart)
        buf.setAt(metaStart + 12, "u8", maxOrder + 1)
        buf.setAt(metaStart + 13, "u8", BUDDY_VERSION)
        for (let k = 0; k <= maxOrder; k++) buf.setAt(this.heads + 4 * k, "u32", BUDDY_NIL)
        // The nodes that straddle metaStart are split (the root always is: 0 < metaStart < arena).
        for (let k = 1; k <= maxOrder; k++) if ((metaStart & ((16 << k) - 1)) !== 0) this.setSplit(k, metaStart, true)
        // Their other children are the greedy decomposition of [0, metaStart) into
        // maximal aligned blocks. It never creates two free buddies (I3): had it
        // taken a left buddy of order j, their parent was aligned but did not
        // fit, so neither does the right buddy.
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
        const align = layout.align
        // layoutOk() inline (layout.ts: a forged Layout is a LayoutError; a call would cost more than the test)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, "alloc")
        if (size > this.peakRequest) this.peakRequest = size
        let need = align
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
        // First non-empty list of order ≥ k, from the field mask of non-empty
        // lists: no head reads (k ≤ maxOrder, and list maxOrder is always empty).
        let m = this.nonEmpty
        if (m >> k === 0) {
            this.failures++
            return 0
        }
        let j = k
        while (((m >> j) & 1) === 0) j++
        const buf = this.buf
        const H = this.heads
        // Pop off (it is the head, so its prev is NIL).
        const ha = H + (j << 2)
        const off = buf.getAt(ha, "u32")
        const next = buf.getAt(off, "u32")
        buf.setAt(ha, "u32", next)
        if (next !== 0xffffffff) buf.setAt(next + 4, "u32", 0xffffffff)
        else m &= ~(1 << j)
        const F = this.freeMap
        if (j === k) {
            // No split: clear off's FREE bit.
            const a = F + (off >> 7)
            buf.setAt(a, "u8", buf.getAt(a, "u8") & ~(1 << ((off >> 4) & 7)))
        } else {
            // Split down to k: mark (j, off) split, keep the lower half. Lists
            // k..j−1 were empty (the mask says so), so each upper half becomes
            // the only entry of its list: links NIL, NIL, no
            // neighbour to relink. Every node and unit strictly inside the popped
            // block had its SPLIT and FREE bits clear, so a bitmap byte or word
            // lying wholly inside it is written without being read.
            m |= (1 << j) - (1 << k)
            const S = this.splitMap
            const rows = this.rows
            const top = j
            let low = 0 // FREE bits of the upper halves of order < 5, from off's unit on
            while (j > k) {
                const bit = rows[j] + (off >> (4 + j))
                const a = S + (bit >> 3)
                // 8 or more order-j nodes in the popped block: the byte is inside it, bit & 7 is 0.
                if (top - j >= 3) buf.setAt(a, "u8", 1)
                else buf.setAt(a, "u8", buf.getAt(a, "u8") | (1 << (bit & 7)))
                j--
                const upper = off + (16 << j)
                buf.setAt(upper, "u32", 0xffffffff)
                buf.setAt(upper + 4, "u32", 0xffffffff)
                buf.setAt(H + (j << 2), "u32", upper)
                // Order ≥ 5: upper starts a FREE word (32 units) lying inside the popped block.
                if (j >= 5) buf.setAt(F + ((upper >> 9) << 2), "i32", 1)
                else low |= 1 << (1 << j)
            }
            // off's FREE word: off's bit cleared, the small upper halves' bits set.
            const wa = F + ((off >> 9) << 2)
            if (top >= 5) buf.setAt(wa, "i32", low)
            else {
                const sh = (off >> 4) & 31
                buf.setAt(wa, "i32", (buf.getAt(wa, "i32") & ~(1 << sh)) | (low << sh))
            }
        }
        this.nonEmpty = m
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
        return allocThenZero(this, layout)
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
        const align = layout.align
        // layoutOk() inline (layout.ts: a forged Layout is a LayoutError; a call would cost more than the test)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, "dealloc")
        let need = align
        if (size > need) need = size
        const maxOrder = this.maxOrder
        let k = 0
        let bs = 16
        while (bs < need && k < maxOrder) {
            bs <<= 1
            k++
        }
        let off = ptr - this.base
        const metaStart = this.metaStart
        // One test for: a size class below the arena's, inside the usable range,
        // a whole number, aligned to the order's block size (which implies 16 and
        // layout.align). (off | 0) is safe here: 0 ≤ off < size < 2^31.
        if (bs < need || k === maxOrder || !(off >= 0 && off < metaStart) || (off | 0) !== off || (off & (bs - 1)) !== 0) throw this.misuse(ptr, layout, "dealloc")
        const buf = this.buf
        const S = this.splitMap
        const F = this.freeMap
        const rows = this.rows
        // A live block of order k: its parent is split, it is not, its FREE bit is clear.
        let bit = rows[k + 1] + (off >> (5 + k))
        let live = (buf.getAt(S + (bit >> 3), "u8") >> (bit & 7)) & 1
        // sb: the SPLIT byte of the current order's row holding off's node (sbit)
        // and its buddy's (sbit ^ 1: rows start on whole words, siblings share a
        // byte), read once per order for both the buddy test and the parent's clear.
        let sa = 0
        let sb = 0
        let sbit = 0
        if (k > 0) {
            bit = rows[k] + (off >> (4 + k))
            sa = S + (bit >> 3)
            sb = buf.getAt(sa, "u8")
            sbit = bit & 7
            live &= ~(sb >> sbit)
        }
        // fw: the FREE word holding off's unit and, below order 5, its buddies'
        // units: read once, written once at the end.
        const fa = F + ((off >> 9) << 2)
        let fw = buf.getAt(fa, "i32")
        live &= ~(fw >> ((off >> 4) & 31))
        if ((live & 1) === 0) throw this.misuse(ptr, layout, "dealloc")
        // Valid: from here on state changes.
        this.frees++
        this.inUse -= bs
        this.requested -= size
        const H = this.heads
        let m = this.nonEmpty
        let sdirty = false
        // Lists lo..lo+run−1 lost their only entry: their heads become NIL in one fillAt.
        let run = 0
        let lo = 0
        // Merge while the buddy is a free block of order k (I3): it starts below
        // metaStart (else it is absent), its FREE bit is set and it is not split.
        while (k < maxOrder) {
            const bud = off ^ (16 << k)
            if (bud >= metaStart) break
            let ba = 0
            let bw = 0
            if (k < 5) {
                if (((fw >> ((bud >> 4) & 31)) & 1) === 0) break
            } else {
                // Order ≥ 5: bud starts its own FREE word (bit 0).
                ba = F + ((bud >> 9) << 2)
                bw = buf.getAt(ba, "i32")
                if ((bw & 1) === 0) break
            }
            if (k > 0 && ((sb >> (sbit ^ 1)) & 1) !== 0) break
            if (k < 5) fw &= ~(1 << ((bud >> 4) & 31))
            else buf.setAt(ba, "i32", bw & ~1)
            // Unlink bud. The u32 at bud + 2 is next's high half and prev's low
            // half: all ones only when both are NIL (a real next is < 2^31, a
            // real prev a multiple of 16), i.e. bud is its list's only entry.
            if (buf.getAt(bud + 2, "u32") === 0xffffffff) {
                if (run === 0) lo = k
                run++
                m &= ~(1 << k)
            } else {
                if (run > 0) {
                    buf.fillAt(H + (lo << 2), run << 2, 0xff)
                    run = 0
                }
                const nx = buf.getAt(bud, "u32")
                const pv = buf.getAt(bud + 4, "u32")
                if (pv === 0xffffffff) buf.setAt(H + (k << 2), "u32", nx)
                else buf.setAt(pv, "u32", nx)
                if (nx !== 0xffffffff) buf.setAt(nx + 4, "u32", pv)
            }
            if (sdirty) buf.setAt(sa, "u8", sb)
            off &= ~(16 << k)
            k++
            // The parent, now one free block, is no longer split.
            bit = rows[k] + (off >> (4 + k))
            sa = S + (bit >> 3)
            sbit = bit & 7
            sb = buf.getAt(sa, "u8") & ~(1 << sbit)
            sdirty = true
        }
        if (run > 0) buf.fillAt(H + (lo << 2), run << 2, 0xff)
        if (sdirty) buf.setAt(sa, "u8", sb)
        // Push the (merged) block on list k and set its FREE bit.
        const ha = H + (k << 2)
        if (((m >> k) & 1) === 0) {
            buf.setAt(off, "u32", 0xffffffff)
            buf.setAt(off + 4, "u32", 0xffffffff)
            m |= 1 << k
        } else {
            const h = buf.getAt(ha, "u32")
            buf.setAt(off, "u32", h)
            buf.setAt(off + 4, "u32", 0xffffffff)
            buf.setAt(h + 4, "u32", off)
        }
        buf.setAt(ha, "u32", off)
        const wa = F + ((off >> 9) << 2)
        if (wa === fa) buf.setAt(fa, "i32", fw | (1 << ((off >> 4) & 31)))
        else {
            // Merged to order ≥ 6: off's word lies inside the block, only its bit 0 is set.
            buf.setAt(fa, "i32", fw)
            buf.setAt(wa, "i32", 1)
        }
        this.nonEmpty = m
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
        const size = layout.size
        const align = layout.align
        // layoutOk() inline (layout.ts: a forged Layout is a LayoutError; a call would cost more than the test)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, "realloc")
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
            // buddy at every level k..nk−1; then each right buddy must be a free block.
            let inPlace = (off & ((16 << nk) - 1)) === 0
            for (let j = k; inPlace && j < nk; j++) inPlace = this.isFreeBlock(j, off + (16 << j))
            if (inPlace) {
                for (let j = k; j < nk; j++) {
                    this.unlinkFree(off + (16 << j), j)
                    this.setSplit(j + 1, off, false)
                }
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
            // Shrink in place: split down, freeing the upper halves, largest first.
            // Each one's buddy is the part we keep, which is live, so none can merge (I3 holds).
            for (let j = k; j > nk; j--) {
                this.setSplit(j, off, true)
                this.pushFree(off + (16 << (j - 1)), j - 1)
            }
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
        return this.snapshot(this.largestFreeBlock())
    }

    /**
     * Verifies I1–I4 (header comment) and returns every problem as a sentence,
     * [] when the heap is consistent: buddyCheck (buddy_check.ts) describes
     * its two passes and bounds. O(bitmap words + free blocks), synchronous.
     *
     * ```ts
     * expect(heap.check()).toEqual([])
     * ```
     */
    check(): string[] {
        return buddyCheck(this, this.nonEmpty)
    }

    /**
     * Calls visit(ptr, size, used) for every block in address order (one
     * descent of the SPLIT bits per block, O(K)). Throws HeapError(Corrupt)
     * when a block crosses the metadata start (buddyWalk, buddy_check.ts).
     *
     * ```ts
     * heap.walk((p, size, used) => console.log(ptrText(p), size, used))
     * ```
     */
    walk(visit: BlockVisitor): void {
        buddyWalk(this, visit)
    }

    // ---- slow paths and realloc helpers (not on the alloc/dealloc fast paths) ----

    /** Block size of the highest non-empty free list, 0 when all are empty. O(K). */
    private largestFreeBlock(): number {
        for (let k = this.maxOrder; k >= 0; k--) if (this.buf.getAt(this.heads + 4 * k, "u32") !== BUDDY_NIL) return 16 << k
        return 0
    }

    /** The order of the tree leaf (block) holding off: the descent from the root along the SPLIT bits. O(K). */
    orderAt(off: number): number {
        let j = this.maxOrder
        while (j > 0 && this.isSplit(j, off)) j--
        return j
    }

    /** SPLIT bit of the order-k (k ≥ 1) node holding off. */
    isSplit(k: number, off: number): boolean {
        const bit = this.rows[k] + (off >> (4 + k))
        return ((this.buf.getAt(this.splitMap + (bit >> 3), "u8") >> (bit & 7)) & 1) !== 0
    }

    private setSplit(k: number, off: number, on: boolean): void {
        const bit = this.rows[k] + (off >> (4 + k))
        const a = this.splitMap + (bit >> 3)
        const b = this.buf.getAt(a, "u8")
        this.buf.setAt(a, "u8", on ? b | (1 << (bit & 7)) : b & ~(1 << (bit & 7)))
    }

    /** FREE bit of the 16-byte unit at off (off < metaStart). */
    isFree(off: number): boolean {
        return ((this.buf.getAt(this.freeMap + (off >> 7), "u8") >> ((off >> 4) & 7)) & 1) !== 0
    }

    private setFree(off: number, on: boolean): void {
        const a = this.freeMap + (off >> 7)
        const b = this.buf.getAt(a, "u8")
        this.buf.setAt(a, "u8", on ? b | (1 << ((off >> 4) & 7)) : b & ~(1 << ((off >> 4) & 7)))
    }

    /**
     * The node (k, off) is a free block: below metaStart, FREE bit set, in the
     * tree (parent split) and not split itself. off aligned to 16 << k, k < maxOrder.
     */
    isFreeBlock(k: number, off: number): boolean {
        return off < this.metaStart && this.isFree(off) && this.isSplit(k + 1, off) && (k === 0 || !this.isSplit(k, off))
    }

    /** Pushes the free block (off, k) on list k and sets its FREE bit. */
    private pushFree(off: number, k: number): void {
        const buf = this.buf
        const h = buf.getAt(this.heads + 4 * k, "u32")
        buf.setAt(off, "u32", h)
        buf.setAt(off + 4, "u32", BUDDY_NIL)
        if (h !== BUDDY_NIL) buf.setAt(h + 4, "u32", off)
        buf.setAt(this.heads + 4 * k, "u32", off)
        this.nonEmpty |= 1 << k
        this.setFree(off, true)
    }

    /** Unlinks the free block (off, k) from list k in O(1) and clears its FREE bit. */
    private unlinkFree(off: number, k: number): void {
        const buf = this.buf
        const nx = buf.getAt(off, "u32")
        const pv = buf.getAt(off + 4, "u32")
        if (pv === BUDDY_NIL) buf.setAt(this.heads + 4 * k, "u32", nx)
        else buf.setAt(pv, "u32", nx)
        if (nx !== BUDDY_NIL) buf.setAt(nx + 4, "u32", pv)
        else if (pv === BUDDY_NIL) this.nonEmpty &= ~(1 << k)
        this.setFree(off, false)
    }

    /** alloc's list work for realloc: a live order-k block, its offset, or -1. No counters. */
    private carve(k: number): number {
        const buf = this.buf
        let j = k
        while (j <= this.maxOrder && buf.getAt(this.heads + 4 * j, "u32") === BUDDY_NIL) j++
        if (j > this.maxOrder) return -1
        const off = buf.getAt(this.heads + 4 * j, "u32")
        this.unlinkFree(off, j)
        while (j > k) {
            this.setSplit(j, off, true)
            j--
            this.pushFree(off + (16 << j), j)
        }
        return off
    }

    /** dealloc's list work for realloc: frees the live block (off, k), merges, pushes. No counters. */
    private release(off: number, k: number): void {
        while (k < this.maxOrder) {
            const bud = off ^ (16 << k)
            if (!this.isFreeBlock(k, bud)) break
            this.unlinkFree(bud, k)
            off &= ~(16 << k)
            k++
            this.setSplit(k, off, false)
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
        if (k >= this.maxOrder || !(off >= 0 && off < this.metaStart) || (off | 0) !== off || (off & ((16 << k) - 1)) !== 0) throw this.misuse(ptr, layout, op)
        if (!this.isSplit(k + 1, off) || (k > 0 && this.isSplit(k, off)) || this.isFree(off)) throw this.misuse(ptr, layout, op)
        return k
    }

    /** The HeapError naming what is wrong with (ptr, layout): buddyMisuse (buddy_check.ts). O(K). */
    private misuse(ptr: number, layout: Layout, op: string): HeapError {
        return buddyMisuse(this, ptr, layout, op)
    }
}
