/**
 * tlsf_check.ts — the TLSF allocator's verifier, kept apart from its fast
 * paths (as o1heap keeps its invariant checks apart): check() (invariants
 * I1–I4 of tlsf.ts's header comment), walk(), and the sentences that name a
 * misused pointer or a damaged free list. None of it runs on a valid alloc or
 * dealloc: TlsfAllocator.check/walk and its misuse path call in here.
 *
 *     tlsf_layout.ts  constants and size classes (magic, tags, msb, class)
 *          ▲     ▲
 *     tlsf.ts ──► tlsf_check.ts (reads the allocator through TlsfView)
 *
 * Reads only: nothing here writes the region (check() allocates one scratch
 * Buffer).
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "../core/errors"
import { BlockVisitor } from "../api/global_alloc"
import { ptrText } from "../core/hex"
import { Layout } from "../core/layout"
import { HeapStats } from "../core/stats"
import { TLSF_DEAD, TLSF_FREE, TLSF_MAGIC, TLSF_SIZE_MASK, TLSF_SLACK, TLSF_TAG, TLSF_VERSION, tlsfClass, tlsfClassSize, tlsfNeed } from "./tlsf_layout"

/** What the verifier reads of a TlsfAllocator: numbers fixed at construction, and stats(). */
export interface TlsfView {
    readonly buf: ds.Buffer
    readonly base: number
    readonly size: number
    readonly flCount: number
    readonly slMap: number
    readonly heads: number
    readonly metaEnd: number
    readonly sentinel: number
    stats(): HeapStats
}

/**
 * Verifies I1–I4 (tlsf.ts's header comment) and returns every problem as a sentence,
 * [] when the heap is consistent. Synchronous, O(blocks + lists):
 *   1. the control structure's header;
 *   2. the block chain from metaEnd: TAG, size, prev link, in bounds, no two
 *      adjacent free blocks, ending exactly at the sentinel; each free block
 *      start is marked in a scratch bitmap (one bit per 8 bytes);
 *   3. every list (fl, sl): each entry is a marked free block (its mark is
 *      cleared, so a cycle or a duplicate stops the walk), of that class,
 *      with a prev link equal to the entry before it; the list is non-empty
 *      iff its slmap bit is set; each slmap row non-empty iff its flmap bit;
 *      every marked free block was reached from some list;
 *   4. the counters against the chain, and HeapStats.problems().
 * At most 50 problems are listed. Cost: one Buffer of capacity/64 bytes;
 * a constant number of reads per block (tlsf.ts's header: Costs).
 *
 * ```ts
 * expect(heap.check()).toEqual([])
 * ```
 */
export function tlsfCheck(a: TlsfView): string[] {
    const out: string[] = []
    const buf = a.buf
    const base = a.base
    const metaEnd = a.metaEnd
    const sentinel = a.sentinel
    const flCount = a.flCount
    if (buf.getAt(0, "u32") !== TLSF_MAGIC || buf.getAt(4, "u32") !== a.size || buf.getAt(8, "u8") !== flCount || buf.getAt(9, "u8") !== TLSF_VERSION)
        out.push("header: expected magic TLSF, size " + a.size + ", " + flCount + " fl rows, version " + TLSF_VERSION + " at offsets 0..9")
    // Pass 2: the chain.
    let b = metaEnd
    let prev = 0
    let freeBytes = 0
    let freeCount = 0
    let blocks = 0
    // Per block: one combined test (TAG, not DEAD, prev link, size ≥ 16)
    // and, for a free block, two sums. Adjacent free blocks and flags of
    // free blocks are checked in the list pass, per free block.
    while (b < sentinel) {
        const w = buf.getAt(b + 4, "u32")
        if ((((w & 0x7f000002) ^ 0x54000000) | (buf.getAt(b, "u32") ^ prev)) !== 0 || (w & 0x00fffff8) < 16) {
            if ((w & 0x7f000002) !== 0x54000000 || (w & 0x00fffff8) < 16) {
                out.push("chain: no valid block header at " + ptrText(base + b) + " (word " + w + ", size " + (w & 0x00fffff8) + "): the blocks do not tile the region")
                break
            }
            out.push("chain: the block at " + ptrText(base + b) + " links back to offset " + buf.getAt(b, "u32") + ", expected " + prev)
        }
        if ((w & 1) !== 0) {
            freeBytes += w & 0x00fffff8
            freeCount++
        }
        blocks++
        prev = b
        b += w & 0x00fffff8
    }
    if (b > sentinel) out.push("chain: the block at " + ptrText(base + prev) + " runs past the sentinel at " + ptrText(base + sentinel))
    const liveCount = blocks - freeCount
    const liveBytes = b - metaEnd - freeBytes
    if (b === sentinel) {
        if (buf.getAt(sentinel + 4, "u32") !== TLSF_TAG || buf.getAt(sentinel, "u32") !== prev)
            out.push("sentinel: expected word " + TLSF_TAG + " and prev " + prev + " at " + ptrText(base + sentinel) + ", got " + buf.getAt(sentinel + 4, "u32") + " and " + buf.getAt(sentinel, "u32"))
    }
    // Pass 3: the lists and bitmaps.
    const flmap = buf.getAt(12, "u32")
    if (flmap >>> flCount !== 0) out.push("bitmap: flmap " + flmap + " has bits at or above row " + flCount)
    let listed = 0
    const heads = a.heads
    for (let fl = 0; fl < flCount && out.length < 50; fl++) {
        const slmap = buf.getAt(a.slMap + 2 * fl, "u16")
        if ((slmap !== 0) !== (((flmap >> fl) & 1) !== 0)) out.push("bitmap: row " + fl + " has slmap " + slmap + " but its flmap bit is " + ((flmap >> fl) & 1))
        for (let sl = 0; sl < 16; sl++) {
            const c = (fl << 4) + sl
            let e = buf.getAt(heads + 4 * c, "u32")
            if ((e === 0) !== (((slmap >> sl) & 1) === 0))
                out.push("bitmap: list (" + fl + ", " + sl + ") is " + (e === 0 ? "empty" : "non-empty") + " but its slmap bit is " + ((slmap >> sl) & 1))
            if (e === 0) continue
            // Sizes of class c are lo .. lo + wd − 1.
            const lo = tlsfClassSize(c)
            const wd = tlsfClassSize(c + 1) - lo
            let pe = 0
            let count = 0
            while (e !== 0) {
                // One test, few short-circuits (fewer VM opcodes): 8-aligned;
                // TAG and FREE, not DEAD or SLACK; prev link; the next block
                // links back to e (boundary tags: e is a block of the chain,
                // not a stray or forged header) and is not free (I3: a free
                // block before e would fail this test at its own entry);
                // size in the class. A cycle fails the prev test (an entry
                // reached again has the prev link of its first visit); an
                // entry in two lists fails a class test. No word of the
                // control structure carries the TAG, and an offset past the
                // buffer reads undefined, so no range test is needed.
                const w = buf.getAt(e + 4, "u32")
                const sz = (w & 0x00fffff8) - lo
                const nx = e + lo + sz
                if ((e & 7) | ((w & 0x7f000007) ^ 0x54000001) | (buf.getAt(e + 12, "u32") ^ pe) | (buf.getAt(nx, "u32") ^ e) | (buf.getAt(nx + 4, "u32") & 1) || sz >>> 0 >= wd) {
                    out.push(listProblem(a, fl, sl, e, pe, count))
                    break
                }
                pe = e
                e = buf.getAt(e + 8, "u32")
                count++
            }
            listed += count
        }
    }
    if (listed !== freeCount && out.length < 50) out.push("lists: " + listed + " entries in all, but the chain has " + freeCount + " free blocks (a free block missing from its list)")
    // Counters.
    const st = a.stats()
    if (liveBytes !== st.inUse) out.push("stats: inUse " + st.inUse + " but the live blocks hold " + liveBytes + " bytes")
    if (liveCount !== st.liveBlocks) out.push("stats: liveBlocks " + st.liveBlocks + " but the chain has " + liveCount + " live blocks")
    if (freeBytes !== st.free) out.push("stats: free " + st.free + " but the free blocks hold " + freeBytes + " bytes")
    if (st.requested < 0) out.push("stats: requested " + st.requested + " < 0 (a dealloc passed a larger size than allocated)")
    const more = st.problems()
    for (let i = 0; i < more.length; i++) out.push(more[i])
    return out
}

/**
 * Calls visit(ptr, size, used) for every block in address order; ptr is the
 * block's payload and size its payload bytes (block size − 8). Throws
 * HeapError(Corrupt) when a header does not lead to the next block.
 *
 * ```ts
 * heap.walk((p, size, used) => console.log(ptrText(p), size, used))
 * ```
 */
export function tlsfWalk(a: TlsfView, visit: BlockVisitor): void {
    const buf = a.buf
    const sentinel = a.sentinel
    let b = a.metaEnd
    while (b < sentinel) {
        const w = buf.getAt(b + 4, "u32")
        const s = w & TLSF_SIZE_MASK
        if ((w & 0x7f000002) !== TLSF_TAG || s < 16 || b + s > sentinel)
            throw new HeapError(HeapErrorCode.Corrupt, a.base + b, "tlsf walk: no valid block header at " + ptrText(a.base + b) + "; run check()")
        visit(a.base + b + 8, s - 8, (w & TLSF_FREE) === 0)
        b += s
    }
}

/**
 * Names what is wrong with (ptr, layout), in the order of tlsf.ts's
 * misuse table. Only called once the fast test failed: walks the block chain to
 * find the block holding ptr, O(blocks).
 */
export function tlsfMisuse(a: TlsfView, ptr: number, layout: Layout, op: string): HeapError {
    const p = ptrText(ptr)
    const base = a.base
    if (ptr === 0) return new HeapError(HeapErrorCode.NotAllocated, 0, op + ": null pointer")
    if (typeof ptr !== "number" || !(ptr >= base && ptr < base + a.size))
        return new HeapError(HeapErrorCode.OutOfRegion, ptr, `${op}: pointer ${p} is outside the region ${ptrText(base)}..${ptrText(base + a.size)}`)
    const off = ptr - base
    if (off !== Math.floor(off)) return new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${p} is not a whole address`)
    if ((off & 7) !== 0) return new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${p} is not a multiple of 8, the tlsf payload grain`)
    if ((off & (layout.align - 1)) !== 0)
        return new HeapError(HeapErrorCode.Misaligned, ptr, `${op}: pointer ${p} is not aligned to the layout's align ${layout.align}`)
    if (off < a.metaEnd + 8)
        return new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${p} lies in the allocator's control structure or the first block's header (${ptrText(base)}..${ptrText(base + a.metaEnd + 8)})`)
    if (off >= a.sentinel)
        return new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${p} lies in the end sentinel or the unused tail (from ${ptrText(base + a.sentinel)})`)
    const lay = "(size " + layout.size + ", align " + layout.align + ")"
    // sentinel − metaEnd is the capacity (the constructor sets it so).
    const need = layout.size > a.sentinel - a.metaEnd ? -1 : tlsfNeed(layout.size)
    const needText = need < 0 ? "no block (larger than the heap)" : "a " + need + "-byte block"
    // Find the block holding off.
    const buf = a.buf
    let b = a.metaEnd
    while (b < a.sentinel) {
        const w = buf.getAt(b + 4, "u32")
        const s = w & TLSF_SIZE_MASK
        if ((w & 0x7f000002) !== TLSF_TAG || s < 16 || b + s > a.sentinel)
            return new HeapError(HeapErrorCode.Corrupt, ptr, `${op}: pointer ${p}: the block chain is broken at ${ptrText(base + b)}; run check()`)
        const free = (w & TLSF_FREE) !== 0
        if (b + 8 === off) {
            if (free) return new HeapError(HeapErrorCode.DoubleFree, ptr, `${op}: pointer ${p} is the start of a free ${s}-byte block: it was already freed`)
            const slack = (w & TLSF_SLACK) !== 0 ? 8 : 0
            if (s - slack !== need)
                return new HeapError(HeapErrorCode.WrongLayout, ptr, `${op}: pointer ${p} is a live ${s}-byte block (for sizes ${s - slack - 15}..${s - slack - 8}), but the layout ${lay} needs ${needText}`)
            return new HeapError(HeapErrorCode.Corrupt, ptr, `${op}: pointer ${p} is a live block whose neighbours' boundary tags disagree with it; run check()`)
        }
        if (off === b) {
            const prevText = b === a.metaEnd ? "" : " (right after the end of the previous block's payload)"
            return new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${p} is not the start of a block: it points at the header of the ${free ? "free" : "live"} ${s}-byte block at ${ptrText(base + b + 8)}${prevText}`)
        }
        if (off < b + s) {
            const what = (free ? "free " : "live ") + s + "-byte block at " + ptrText(base + b + 8)
            const dead = buf.getAt(off - 4, "u32") === TLSF_DEAD
            if (dead && free)
                return new HeapError(HeapErrorCode.DoubleFree, ptr, `${op}: pointer ${p} was already freed: its block was merged into the ${what}`)
            return new HeapError(HeapErrorCode.NotAllocated, ptr, `${op}: pointer ${p} is not the start of a block: it lies ${off - b - 8} bytes into the payload of the ${what}` + (dead ? " (a block freed earlier started here: a stale pointer)" : ""))
        }
        b += s
    }
    return new HeapError(HeapErrorCode.Corrupt, ptr, `${op}: pointer ${p}: the block chain does not reach it; run check()`)
}

/** check()'s message for the list entry e of (fl, sl) that stopped the list walk. */
function listProblem(a: TlsfView, fl: number, sl: number, e: number, pe: number, count: number): string {
    const buf = a.buf
    const what = "list (" + fl + ", " + sl + "), entry " + count + " (offset " + e + "): "
    const w = buf.getAt(e + 4, "u32")
    if ((e & 7) !== 0 || e < a.metaEnd || e >= a.sentinel || w === undefined || (w & 0x7f000003) !== (TLSF_TAG | TLSF_FREE))
        return what + "not the header of a free block"
    if ((w & TLSF_SLACK) !== 0) return what + "the free block at " + ptrText(a.base + e) + " has the SLACK flag"
    const p = buf.getAt(e + 12, "u32")
    if (p !== pe) return what + "the entry at " + ptrText(a.base + e) + " has prev link " + p + ", expected " + pe + (count > 0 ? " (a cycle, if this entry was already visited)" : "")
    const s = w & TLSF_SIZE_MASK
    const c = (fl << 4) + sl
    if (s < 16 || tlsfClass(s) !== c) return what + "the free block at " + ptrText(a.base + e) + " of " + s + " bytes belongs to class " + (s < 16 ? "none" : "" + tlsfClass(s)) + ", not " + c
    if (buf.getAt(e + s, "u32") !== e) return what + "the block after the free block at " + ptrText(a.base + e) + " does not link back to it: not a block of the chain"
    return what + "coalescing: the free block at " + ptrText(a.base + e) + " is followed by another free block, not merged"
}
