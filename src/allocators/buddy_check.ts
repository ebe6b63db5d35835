/**
 * buddy_check.ts — the buddy allocator's verifier, kept apart from its fast
 * paths (as o1heap keeps its invariant checks apart): check() (invariants
 * I1–I4 of buddy.ts's header comment), walk(), and the sentences that name a
 * misused pointer or a damaged list. None of it runs on a valid alloc or
 * dealloc: BuddyAllocator.check/walk and its misuse path call in here.
 *
 *     buddy_layout.ts  constants of the metadata layout (magic, NIL, offsets)
 *          ▲      ▲
 *     buddy.ts ──► buddy_check.ts (reads the allocator through BuddyView)
 *
 * The checker reads the allocator only through BuddyView (the region, the
 * layout numbers fixed at construction and the bit tests), never the other
 * way round, so there is no import cycle. Everything here reads; nothing
 * writes the region (check() allocates one scratch Buffer).
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "../core/errors"
import { BlockVisitor } from "../api/global_alloc"
import { ptrText } from "../core/hex"
import { Layout } from "../core/layout"
import { HeapStats } from "../core/stats"
import { BUDDY_MAGIC, BUDDY_NIL, BUDDY_VERSION } from "./buddy_layout"

/** What the verifier reads of a BuddyAllocator: fixed at construction except stats(). */
export interface BuddyView {
    readonly buf: ds.Buffer
    readonly base: number
    readonly size: number
    readonly arena: number
    readonly maxOrder: number
    readonly metaStart: number
    readonly heads: number
    readonly splitMap: number
    readonly freeMap: number
    readonly freeBytes: number
    readonly rows: number[]
    readonly rowBits: number[]
    isSplit(k: number, off: number): boolean
    isFree(off: number): boolean
    isFreeBlock(k: number, off: number): boolean
    orderAt(off: number): number
    stats(): HeapStats
}

/**
 * Verifies I1–I4 (buddy.ts's header comment) and returns every problem as a sentence,
 * [] when the heap is consistent. Two passes, both synchronous:
 *
 *   1. The tree, row by row from the top order down, a u32 word (32 nodes
 *      of one order) at a time. A node is in the tree when its parent's
 *      SPLIT bit is set (the parent row's half-word with every bit
 *      doubled; the root is in the tree). In each word: a SPLIT bit on a
 *      node not in the tree, or at or past metaStart (padding included),
 *      is an error; the blocks of the row (in the tree, not split, below
 *      metaStart) are counted (SWAR popcount). `starts` carries, per node,
 *      "a block starts at this node's first unit" down to row 0 (a block
 *      marks its node; a node inherits its parent's mark when it is the
 *      left child), where every FREE bit must be on such a unit. Each
 *      node straddling metaStart must be split, so no block crosses it:
 *      with the tree, that proves the blocks tile [0, metaStart) (I1).
 *   2. Every free list: each entry aligned to its order, below metaStart,
 *      with its FREE bit, its parent split and itself not (a block of that
 *      order), and a prev link equal to the entry before it (which also
 *      ends any cycle); its buddy must not be a free block of the same
 *      order (I3; a pair that is in the lists is named twice). The entries
 *      of all lists must number the FREE bits (I2).
 * Then the counters against what the bitmaps describe (I4: live blocks of
 * order k = blocks of the row − entries of list k), and HeapStats.problems().
 * At most 50 problems are listed per pass.
 *
 * Cost: pass 1 is O(bitmap words), ≈ 2·size/16/32 words whatever the heap
 * holds; pass 2 is O(free blocks); one scratch Buffer of ≈ size/128 bytes
 * (256 for 32 KiB). Synchronous and not sliced: call it at the start of a
 * slice (right after an `await`), as the VM self-tests do, so its opcodes
 * (linear in the bitmap words plus the free blocks) fit the 131,072 of one
 * slice.
 *
 * ```ts
 * expect(heap.check()).toEqual([]) // BuddyAllocator.check() is buddyCheck(this, this.nonEmpty)
 * ```
 */
export function buddyCheck(h: BuddyView, nonEmpty: number): string[] {
    const out: string[] = []
    const buf = h.buf
    const size = h.size
    const metaStart = h.metaStart
    const maxOrder = h.maxOrder
    const S = h.splitMap
    const F = h.freeMap
    const base = h.base
    const rows = h.rows
    const rowBits = h.rowBits
    if (buf.getAt(metaStart, "u32") !== BUDDY_MAGIC || buf.getAt(metaStart + 4, "u32") !== size || buf.getAt(metaStart + 8, "u32") !== metaStart || buf.getAt(metaStart + 12, "u8") !== maxOrder + 1 || buf.getAt(metaStart + 13, "u8") !== BUDDY_VERSION)
        out.push("header: expected magic BDDY, size " + size + ", metaStart " + metaStart + ", " + (maxOrder + 1) + " orders, version " + BUDDY_VERSION + " at offsets metaStart + 0..13 (" + metaStart + ")")

    // Pass 1. L holds `starts` of the row last done: row k's word w is built
    // from the parent's u16 at 2w, so writing word w in place (w descending)
    // never clobbers a parent half-word still to be read. Row k has W_k ≤
    // 2·W_(k+1) words, so every half-word read was written by the parent row.
    const L = ds.Buffer.alloc(h.freeBytes)
    const blocksInRow: number[] = []
    for (let k = 0; k <= maxOrder; k++) blocksInRow.push(0)
    let freeBits = 0
    for (let k = maxOrder; k >= 0; k--) {
        const n = rowBits[k]
        const row = S + (rows[k] >> 3)
        const prow = k < maxOrder ? S + (rows[k + 1] >> 3) : 0
        // Nodes starting below metaStart: i < m.
        const m = Math.ceil(metaStart / (16 << k))
        if (k > 0 && (metaStart & ((16 << k) - 1)) !== 0 && !h.isSplit(k, metaStart) && out.length < 50)
            out.push("tiling: the " + (16 << k) + "-byte node at " + ptrText(base + (metaStart & ~((16 << k) - 1))) + " straddles the metadata start " + ptrText(base + metaStart) + " but is not split")
        let bc = 0
        for (let w = (n - 1) >> 5; w >= 0; w--) {
            const s = k > 0 ? buf.getAt(row + 4 * w, "i32") : 0
            // In the tree: the parent's SPLIT bits, each doubled (the root: bit 0).
            let t = 0
            if (k === maxOrder) t = w === 0 ? 1 : 0
            else {
                t = buf.getAt(prow + 2 * w, "u16")
                if (t !== 0) {
                    t = spread(t)
                    t = t | (t << 1)
                }
            }
            const i0 = w << 5
            const below = m >= i0 + 32 ? -1 : m <= i0 ? 0 : (1 << (m - i0)) - 1
            if ((s & ~(t & below)) !== 0 && out.length < 50) {
                const bad = s & ~(t & below)
                const i = i0 + lowBit(bad)
                if (((below >>> lowBit(bad)) & 1) === 0)
                    out.push("bitmap: a SPLIT bit is set for the " + (16 << k) + "-byte node " + i + " of row " + k + ", at or past the metadata start " + ptrText(base + metaStart) + " (padding or absent space)")
                else out.push("bitmap: " + blockText(h, k, i) + " is marked split but lies inside a bigger block (its parent is not split)")
            }
            const blocks = t & ~s & below
            if (blocks === -1) bc += 32
            else if (blocks !== 0) bc += popCount(blocks)
            // starts: the row's blocks, plus the parent's marks on left children.
            let st = blocks
            if (k < maxOrder) {
                const ps = L.getAt(2 * w, "u16")
                if (ps !== 0) st |= spread(ps)
            }
            L.setAt(4 * w, "i32", st)
            if (k === 0) {
                const f = buf.getAt(F + 4 * w, "i32")
                if ((f & ~st) !== 0 && out.length < 50) out.push("bitmap: a FREE bit is set at " + ptrText(base + 16 * (i0 + lowBit(f & ~st))) + ", where no block starts")
                if (f === -1) freeBits += 32
                else if (f !== 0) freeBits += popCount(f)
            }
        }
        blocksInRow[k] = bc
    }

    // Pass 2. Free lists. The walk needs no step bound: an entry reached a
    // second time has a prev link naming the entry before its first visit
    // (or NIL), never the current one, so the prev test ends any cycle.
    // Entries are tested against metaStart before any bit is read.
    const inList: number[] = []
    let entries = 0
    let freeBytes = 0
    let largest = 0
    let pairs = 0
    for (let k = 0; k <= maxOrder; k++) {
        const msk = (16 << k) - 1
        // Links read as i32, so NIL is -1 and a wild link ≥ 2^31 is negative.
        let e = buf.getAt(h.heads + 4 * k, "i32")
        let prev = -1
        let count = 0
        while (e !== -1) {
            if ((e & msk) !== 0 || !(e >= 0 && e < metaStart) || k === maxOrder || !h.isFreeBlock(k, e) || (buf.getAt(e + 4, "i32") ^ prev) !== 0) break
            const bud = e ^ (16 << k)
            if (bud < metaStart && h.isFreeBlock(k, bud) && pairs < 10) {
                pairs++
                out.push("coalescing: " + blockText(h, k, e >> (4 + k)) + " and its buddy are both free, not merged")
            }
            prev = e
            e = buf.getAt(e, "i32")
            count++
        }
        if (e !== -1) out.push(listProblem(h, k, e >>> 0, prev >>> 0, count))
        if (((nonEmpty >> k) & 1) !== (buf.getAt(h.heads + 4 * k, "u32") !== BUDDY_NIL ? 1 : 0))
            out.push("free list " + k + " (" + (16 << k) + " B): the non-empty mask says " + ((nonEmpty >> k) & 1 ? "non-empty" : "empty") + ", its head says otherwise")
        inList.push(count)
        entries += count
        freeBytes += count * (16 << k)
        if (count > 0) largest = 16 << k
    }
    if (entries !== freeBits) out.push("free lists: " + entries + " entries in all, but " + freeBits + " FREE bits are set")

    // Counters against the bitmaps, then the record's own invariants.
    let usedBits = 0
    let usedBytes = 0
    for (let k = 0; k <= maxOrder; k++) {
        const u = blocksInRow[k] - inList[k]
        if (u < 0) out.push("free list " + k + " (" + (16 << k) + " B): " + inList[k] + " entries, but the tree has " + blocksInRow[k] + " blocks of that order")
        usedBits += u
        usedBytes += u * (16 << k)
    }
    const s = h.stats()
    if (usedBytes !== s.inUse) out.push("stats: inUse " + s.inUse + " but the bitmaps describe " + usedBytes + " bytes of live blocks")
    if (usedBits !== s.liveBlocks) out.push("stats: liveBlocks " + s.liveBlocks + " but the bitmaps describe " + usedBits + " live blocks")
    if (freeBytes !== s.free) out.push("stats: free " + s.free + " but the free lists hold " + freeBytes + " bytes")
    if (largest !== s.largestFree) out.push("stats: largestFree " + s.largestFree + " (from the list heads) but the largest listed block has " + largest + " bytes")
    if (s.requested < 0) out.push("stats: requested " + s.requested + " < 0 (a dealloc passed a larger size than allocated)")
    const more = s.problems()
    for (let i = 0; i < more.length; i++) out.push(more[i])
    return out
}

/**
 * Calls visit(ptr, size, used) for every block in address order (one
 * descent of the SPLIT bits per block, O(K)). Throws HeapError(Corrupt)
 * when a block crosses the metadata start.
 *
 * ```ts
 * heap.walk((p, size, used) => console.log(ptrText(p), size, used))
 * ```
 */
export function buddyWalk(h: BuddyView, visit: BlockVisitor): void {
    const end = h.metaStart
    let off = 0
    while (off < end) {
        const j = h.orderAt(off)
        if ((off & ((16 << j) - 1)) !== 0 || off + (16 << j) > end)
            throw new HeapError(HeapErrorCode.Corrupt, h.base + off, "buddy walk: no valid block starts at " + ptrText(h.base + off) + "; run check()")
        visit(h.base + off, 16 << j, !h.isFree(off))
        off += 16 << j
    }
}

/**
 * Names what is wrong with (ptr, layout), in the order of buddy.ts's
 * misuse table. Only called once the fast test failed; O(K) bit tests.
 */
export function buddyMisuse(h: BuddyView, ptr: number, layout: Layout, op: string): HeapError {
    const p = ptrText(ptr)
    const base = h.base
    const size = h.size
    if (ptr === 0) return new HeapError(HeapErrorCode.NotAllocated, 0, op + ": null pointer")
    if (typeof ptr !== "number" || !(ptr >= base && ptr < base + size))
        return new HeapError(HeapErrorCode.OutOfRegion, ptr, `${op}: pointer ${p} is outside the region ${ptrText(base)}..${ptrText(base + size)}`)
    const off = ptr - base
    if (off !== Math.floor(off)) return new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${p} is not a whole address`)
    if ((off & 15) !== 0)
        return new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${p} is not a multiple of 16, the buddy block grain`)
    if ((off & (layout.align - 1)) !== 0)
        return new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${p} is not aligned to the layout's align ${layout.align}`)
    if (off >= h.metaStart)
        return new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${p} lies in the allocator's metadata (${ptrText(base + h.metaStart)}..${ptrText(base + size)}), not in a block`)
    let need = layout.align
    if (layout.size > need) need = layout.size
    const cls = need > h.arena ? "no size class (larger than the arena)" : "the " + classOf(need) + "-byte size class"
    const lay = "(size " + layout.size + ", align " + layout.align + ")"
    // The block holding off: the descent along the SPLIT bits.
    const j = h.orderAt(off)
    const start = off & ~((16 << j) - 1)
    const free = h.isFree(start)
    if (start === off) {
        if (free)
            return new HeapError(HeapErrorCode.DoubleFree, ptr, `${op}: pointer ${p} is the start of a free ${16 << j}-byte block: it was already freed (expected a live block of ${cls})`)
        return new HeapError(HeapErrorCode.WrongLayout, ptr, `${op}: pointer ${p} is a live ${16 << j}-byte block, but the layout ${lay} maps to ${cls}`)
    }
    return new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${p} is not the start of a block: it lies ${off - start} bytes into the ${free ? "free" : "live"} ${16 << j}-byte block at ${ptrText(base + start)}`)
}

/** check()'s message for the free-list entry e of order k that stopped the list walk. */
function listProblem(h: BuddyView, k: number, e: number, prev: number, count: number): string {
    const bs = 16 << k
    const what = "free list " + k + " (" + bs + " B), entry " + count + " (offset " + e + "): "
    if (e % bs !== 0 || e >= h.metaStart || k === h.maxOrder) return what + "not a " + bs + "-aligned block inside the usable range 0.." + h.metaStart
    if (!h.isFree(e)) return what + "its FREE bit is clear"
    if (!h.isSplit(k + 1, e) || (k > 0 && h.isSplit(k, e))) return what + "the SPLIT bits make no " + bs + "-byte block start there"
    const p = h.buf.getAt(e + 4, "u32")
    // A prev naming an entry already passed means the list loops back here.
    return what + "its prev link is " + p + ", expected " + (prev === BUDDY_NIL ? "NIL" : "" + prev) + (count > 0 ? " (a cycle, if this entry was already visited)" : "")
}

/** The low 16 bits of x spread to the even bits of an int32 (bit i → bit 2i). */
function spread(x: number): number {
    x = (x | (x << 8)) & 0x00ff00ff
    x = (x | (x << 4)) & 0x0f0f0f0f
    x = (x | (x << 2)) & 0x33333333
    return (x | (x << 1)) & 0x55555555
}

/** Number of set bits of an int32 (SWAR). */
function popCount(x: number): number {
    x = x - ((x >>> 1) & 0x55555555)
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
    x = (x + (x >>> 4)) & 0x0f0f0f0f
    x = x + (x >>> 8)
    return (x + (x >>> 16)) & 0x3f
}

/** Index of the lowest set bit of a non-zero int32 (messages only). */
function lowBit(x: number): number {
    let t = 0
    while (t < 31 && ((x >>> t) & 1) === 0) t++
    return t
}

/** The block size serving `need` bytes (need ≤ arena). */
function classOf(need: number): number {
    let bs = 16
    while (bs < need) bs <<= 1
    return bs
}

/** "the 64-byte block at 0x…" for node i of order k (messages only). */
function blockText(h: BuddyView, k: number, i: number): string {
    return "the " + (16 << k) + "-byte block at " + ptrText(h.base + i * (16 << k))
}
