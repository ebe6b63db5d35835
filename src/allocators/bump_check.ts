/**
 * bump_check.ts — the bump allocator's verifier, kept apart from its fast
 * paths (as o1heap keeps its invariant checks apart): check() (invariants
 * B1–B6 of bump.ts's header comment), walk(), and the sentences that name a
 * misused pointer. None of it runs on a valid alloc or dealloc:
 * BumpAllocator.check/walk and its reject path call in here.
 *
 *     bump_layout.ts  header word fields and tags (NIL, masks, TAG0/TAG1)
 *          ▲     ▲
 *     bump.ts ──► bump_check.ts (reads the allocator through BumpView, and
 *                 the mutable top/last/gen passed as arguments)
 *
 * Reads only: nothing here writes the region (walk() allocates one scratch
 * Buffer of 4 bytes per block).
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "../core/errors"
import { BlockVisitor } from "../api/global_alloc"
import { ptrText } from "../core/hex"
import { Layout, layoutError, layoutOk } from "../core/layout"
import { HeapStats } from "../core/stats"
import { ALIGN_MASK, ALIGN_SHIFT, LIVE, NIL, PREV, SIZE, TAG0, TAG1, TAG1_LIVE, TAG1_LIVE_MASK, TAG1_MASK, W0_TAG_MASK } from "./bump_layout"

/** What the verifier reads of a BumpAllocator that never changes, and stats(). */
export interface BumpView {
    readonly buf: ds.Buffer
    readonly base: number
    readonly size: number
    stats(): HeapStats
}

/**
 * Walks the chain from the last block down and returns every broken
 * invariant (B1–B4) as a sentence; [] when the heap is consistent. O(n),
 * at most top / 12 + 1 steps even on a corrupt chain.
 *
 * ```ts
 * expect(heap.check()).toEqual([])
 * ```
 */
export function bumpCheck(a: BumpView, top: number, last: number, gen: number): string[] {
    const out: string[] = []
    const st = a.stats()
    const buf = a.buf
    const base = a.base
    if (!(top >= 0 && top <= a.size)) {
        out.push("top " + top + " is outside the region's 0.." + a.size)
        return out
    }
    if ((last === NIL) !== (top === 0))
        out.push("last " + (last === NIL ? "NIL" : ptrText(base + last)) + " disagrees with top " + top + " (NIL iff top is 0)")
    let complete = true
    if (last !== NIL) {
        // The last block: inside [0, top), word-aligned, LIVE, ending at top (B1–B3).
        if (!(last >= 0 && last + 9 <= top) || (last & 3) !== 0) {
            out.push("last " + ptrText(base + last) + " (offset " + last + ") is not a word-aligned header offset below top " + top)
            return out
        }
        const lw = buf.getAt(last + 4, "i32")
        const ls = lw & SIZE
        if ((lw & TAG1_LIVE_MASK) === TAG1_LIVE && last + 8 + (ls === 0 ? 1 : ls) !== top)
            out.push(hdrText(a, last) + ": the last block ends at offset " + (last + 8 + (ls === 0 ? 1 : ls)) + " but top is " + top)
        if ((lw & TAG1_LIVE_MASK) === TAG1) out.push(hdrText(a, last) + ": the last block is dead (it should have been reclaimed)")
    }
    // One pass down the chain. Every test is a plain comparison and the
    // sentences are built only for a problem (ptrText costs a loop), so
    // the pass stays cheap per block. Links must go down by ≥ 12 bytes,
    // which also bounds the pass to top / 12 steps on a corrupt chain.
    let h = last
    let upper = top // the header above h (top for the last block)
    let acc = 0 // Σ (LIVE bit + size): 2^24 per live block plus its bytes
    const w0Tag = (gen << 24) | TAG0 // as reset() sets the allocator's
    while (h !== NIL) {
        const w = buf.getAt(h + 4, "i32")
        const w0 = buf.getAt(h, "i32")
        if ((w & TAG1_MASK) !== TAG1 || (w0 & W0_TAG_MASK) !== w0Tag) {
            if ((w & TAG1_MASK) !== TAG1 || (w0 & 3) !== TAG0) {
                out.push(hdrText(a, h) + ": tags missing (words " + ptrText(w0 >>> 0) + " " + ptrText(w >>> 0) + ")")
                complete = false
                break
            }
            out.push(hdrText(a, h) + ": generation " + (w0 >>> 24) + " but the heap is at " + gen)
        }
        const v = w & 0x1ffffff
        acc += v
        const size = w & SIZE
        const lg = (w & ALIGN_MASK) >> ALIGN_SHIFT
        if (lg > 12) out.push(hdrText(a, h) + ": align 2^" + lg + " exceeds 4096")
        else if (((h + 8) & ((1 << lg) - 1)) !== 0) out.push(hdrText(a, h) + ": payload " + ptrText(base + h + 8) + " is not aligned to its align " + (1 << lg))
        // (A zero-size block needs h + 9 ≤ upper: the link test below
        // already keeps every header ≥ 12 bytes under the one above.)
        if (h + 8 + size > upper)
            out.push(hdrText(a, h) + ": its block of " + size + " bytes ends at offset " + (h + 8 + size) + ", past " + (upper === top ? "top " : "the next header at ") + upper)
        // v in 1 .. 2^24 − 1: not LIVE but a size (B6). One comparison.
        if ((v - 1) >>> 0 < SIZE) out.push(hdrText(a, h) + ": dead block with size " + size + " (B6: dead blocks record 0)")
        const below = w0 & PREV
        if (below + 12 > h && below !== NIL) {
            out.push(hdrText(a, h) + ": prev link " + below + " is not at least 12 bytes below it")
            complete = false
            break
        }
        upper = h
        h = below
    }
    if (complete) {
        const live = Math.floor(acc / LIVE)
        const bytes = acc - live * LIVE
        if (live !== st.liveBlocks) out.push("stats: liveBlocks " + st.liveBlocks + " but the chain has " + live + " LIVE blocks")
        if (bytes !== st.requested) out.push("stats: requested " + st.requested + " but the LIVE blocks hold " + bytes + " bytes")
    }
    const p = st.problems()
    for (let i = 0; i < p.length; i++) out.push(p[i])
    return out
}

/**
 * Calls visit(ptr, size, used) for every block in address order: ptr is
 * the payload address; a live block reports its recorded size and used =
 * true; a dead block (freed, not reclaimed) reports used = false and the
 * bytes from its payload to the next header (all it holds back); then the
 * space from top to the region end comes as one free block. Headers and
 * padding before them are not reported. Throws HeapError(Corrupt) on a
 * broken chain (run check()).
 *
 * ```ts
 * heap.walk((p, size, used) => console.log(ptrText(p), size, used))
 * ```
 */
export function bumpWalk(a: BumpView, top: number, last: number, visit: BlockVisitor): void {
    const buf = a.buf
    const maxSteps = Math.floor(top / 12) + 1
    let n = 0
    let h = last
    while (h !== NIL) {
        const below = buf.getAt(h, "i32") & PREV
        if (++n > maxSteps || (below !== NIL && !(below + 12 <= h)))
            throw new HeapError(HeapErrorCode.Corrupt, a.base + h, "bump walk: broken prev link at " + ptrText(a.base + h) + "; run check()")
        h = below
    }
    if (n > 0) {
        // The chain runs downwards: collect the headers, then visit upwards.
        const stack = ds.Buffer.alloc(n * 4)
        h = last
        for (let i = n - 1; i >= 0; i--) {
            stack.setAt(i * 4, "u32", h)
            h = buf.getAt(h, "i32") & PREV
        }
        for (let i = 0; i < n; i++) {
            const hh = stack.getAt(i * 4, "u32")
            const w = buf.getAt(hh + 4, "i32")
            // A dead block is never the last (B3): it spans up to the next header.
            if ((w & LIVE) !== 0) visit(a.base + hh + 8, w & SIZE, true)
            else visit(a.base + hh + 8, stack.getAt(i * 4 + 4, "u32") - hh - 8, false)
        }
    }
    if (top < a.size) visit(a.base + top, a.size - top, false)
}

/** Throws the specific HeapError for a pointer/layout that failed the fast check. */
export function bumpReject(a: BumpView, ptr: number, layout: Layout, op: string, top: number, gen: number): void {
    // Only a valid layout can match a header, so a forged one ends up here.
    if (!layoutOk(layout.size, layout.align)) throw layoutError(layout, op)
    const base = a.base
    const call = op + "(" + ptrText(ptr) + ", size " + layout.size + ", align " + layout.align + "): "
    if (ptr === 0) throw new HeapError(HeapErrorCode.NotAllocated, ptr, call + "null pointer; expected a block returned by alloc")
    if (typeof ptr !== "number" || !(ptr >= base && ptr < base + a.size))
        throw new HeapError(HeapErrorCode.OutOfRegion, ptr, call + "outside the region " + ptrText(base) + ".." + ptrText(base + a.size))
    const off = ptr - base
    if (off !== Math.floor(off) || (off & (layout.align - 1)) !== 0)
        throw new HeapError(HeapErrorCode.Misaligned, ptr, call + "not aligned to the layout's align " + layout.align)
    if (off >= top)
        throw new HeapError(HeapErrorCode.DoubleFree, ptr, call + "double free or never allocated: the address is at or above the top " + ptrText(base + top))
    if (off < 8 || (off & 3) !== 0)
        throw new HeapError(HeapErrorCode.NotAllocated, ptr, call + "not a block start: block payloads are word-aligned and follow an 8-byte header")
    const w = a.buf.getAt(off - 4, "i32")
    const w0 = a.buf.getAt(off - 8, "i32")
    if ((w & TAG1_MASK) !== TAG1 || (w0 & 3) !== TAG0)
        throw new HeapError(HeapErrorCode.NotAllocated, ptr, call + "not a block start: no block header (tags) at " + ptrText(ptr - 8))
    const size = w & SIZE
    const lg = (w & ALIGN_MASK) >> ALIGN_SHIFT
    const below = w0 & PREV
    if (lg > 12 || off + (size === 0 ? 1 : size) > top || (below !== NIL && below + 12 > off - 8))
        throw new HeapError(HeapErrorCode.NotAllocated, ptr, call + "not a block start: the header-like bytes at " + ptrText(ptr - 8) + " are inconsistent")
    if ((w0 & W0_TAG_MASK) !== ((gen << 24) | TAG0))
        throw new HeapError(HeapErrorCode.DoubleFree, ptr, call + "double free: the block was freed by reset() (its header is from generation " + (w0 >>> 24) + ", now " + gen + ")")
    if ((w & LIVE) === 0) throw new HeapError(HeapErrorCode.DoubleFree, ptr, call + "double free: the block is already freed")
    if (size !== layout.size)
        throw new HeapError(HeapErrorCode.WrongLayout, ptr, call + "wrong layout: size " + layout.size + " but the block was allocated with size " + size)
    if ((1 << lg) !== layout.align)
        throw new HeapError(HeapErrorCode.WrongLayout, ptr, call + "wrong layout: align " + layout.align + " but the block was allocated with align " + (1 << lg))
    throw new HeapError(HeapErrorCode.Corrupt, ptr, call + "the header check failed for no known reason")
}

/** "block header at 0x…", for check()'s sentences. */
function hdrText(a: BumpView, h: number): string {
    return "block header at " + ptrText(a.base + h)
}
