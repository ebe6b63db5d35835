/**
 * pool_check.ts — the pool allocator's verifier, kept apart from its fast
 * paths (as o1heap keeps its invariant checks apart): check() (invariants
 * P1–P5 of pool.ts's header comment) and walk(). None of it runs on a valid
 * alloc or dealloc. (The misuse messages stay in pool.ts's find(): realloc
 * validates its pointer with the same code, and moving it here would add a
 * VM call to that path.)
 *
 *     pool_layout.ts  constants and derived sizes (magic, kinds, page table)
 *          ▲     ▲
 *     pool.ts ──► pool_check.ts (reads the allocator through PoolView)
 *
 * Reads only: nothing here writes the region.
 */
import { HeapError, HeapErrorCode } from "../core/errors"
import * as ds from "@devicescript/core"
import { BlockVisitor } from "../api/global_alloc"
import { ptrText } from "../core/hex"
import { HeapStats } from "../core/stats"
import { POOL_CLASSES, POOL_FREE_PAGE, POOL_HEADS, POOL_MAGIC, POOL_NIL, POOL_PAGE, POOL_SPAN_HEAD, POOL_SPAN_TAIL, POOL_TABLE, POOL_VERSION } from "./pool_layout"

/** What the verifier reads of a PoolAllocator: numbers fixed at construction, the run-list mapping and stats(). */
export interface PoolView {
    readonly buf: ds.Buffer
    readonly base: number
    readonly size: number
    readonly pages: number
    readonly metaEnd: number
    readonly runs: number
    readonly top: number
    listOf(r: number): number
    stats(): HeapStats
}

/**
 * Verifies P1–P5 (pool.ts's header comment) and returns every problem as a
 * sentence, [] when the heap is consistent (at most ~50 are listed). One
 * pass over the page table, each class page's in-page free list (bounded
 * by its block count, so a cycle cannot hang it), the run lists and the
 * partial lists (bounded by n), then the counters.
 *
 * Cost: O(n + free blocks in class pages), synchronous and not sliced:
 * call it right after an `await` so it has a whole slice (131,072 VM
 * opcodes) to itself.
 *
 * ```ts
 * expect(heap.check()).toEqual([])
 * ```
 */
export function poolCheck(a: PoolView): string[] {
    const out: string[] = []
    const buf = a.buf
    const n = a.pages
    const metaEnd = a.metaEnd
    if (buf.getAt(0, "u32") !== POOL_MAGIC || buf.getAt(4, "u32") !== a.size || buf.getAt(8, "u16") !== n || buf.getAt(10, "u8") !== POOL_CLASSES || buf.getAt(11, "u8") !== POOL_VERSION)
        out.push("header: expected magic POOL, size " + a.size + ", " + n + " pages, " + POOL_CLASSES + " classes, version " + POOL_VERSION + " at offsets 0..11")
    const top = a.top
    // Free runs per run list, counted in the page-table pass.
    const runsIn: number[] = []
    for (let b = 0; b <= top; b++) runsIn.push(0)
    let usedBytes = 0
    let liveCount = 0
    const partial: number[] = []
    for (let c = 0; c < POOL_CLASSES; c++) partial.push(0)
    let longest = 0
    let i = 0
    while (i < n && out.length < 50) {
        const e = POOL_TABLE + 16 * i
        const kind = buf.getAt(e, "u8")
        const carved = buf.getAt(e + 1, "u8")
        const w2 = buf.getAt(e + 2, "u16")
        const live = buf.getAt(e + 4, "i32")
        const shrunk = buf.getAt(e + 8, "i32")
        if (kind === POOL_FREE_PAGE) {
            // The first page of a free run: its length r at +2; the run is
            // pages i … i + r − 1, all free, the last one with r at +2 too,
            // the others NIL; only the first is linked; it is maximal (the
            // page after it is not free; the one before is not, or the
            // run before would have been flagged).
            const r = w2
            if (r < 1 || i + r > n) {
                out.push(pageText(a, i) + ": a free run of " + r + " pages does not fit in the " + n + " pages")
                i++
                continue
            }
            for (let j = 0; j < r; j++) {
                const t = e + 16 * j
                const tw = buf.getAt(t + 2, "u16")
                const want = j === r - 1 ? r : j === 0 ? r : POOL_NIL
                if (buf.getAt(t, "u8") !== POOL_FREE_PAGE || tw !== want) {
                    out.push("page " + j + " of the " + r + "-page free run at page " + i + ": kind " + buf.getAt(t, "u8") + ", +2 " + tw + " (expected free, +2 " + want + ")")
                    break
                }
                if ((buf.getAt(t + 1, "u8") | buf.getAt(t + 4, "i32") | buf.getAt(t + 8, "i32")) !== 0 || (j > 0 && buf.getAt(t + 12, "i32") !== -1))
                    out.push(pageText(a, i + j) + ": a free page with carved, LIVE or SHRUNK ≠ 0, or linked though not a run's first page")
            }
            if (i + r < n && buf.getAt(e + 16 * r, "u8") === POOL_FREE_PAGE) out.push(pageText(a, i + r) + ": free, right after the " + r + "-page free run at page " + i + " (runs must be merged)")
            runsIn[a.listOf(r)]++
            if (r > longest) longest = r
            i += r
            continue
        }
        if (kind === POOL_SPAN_HEAD) {
            if (w2 < 1 || i + w2 > n) {
                out.push(pageText(a, i) + ": a span of " + w2 + " pages does not fit in the " + n + " pages")
                i++
                continue
            }
            if (live !== 1 || (shrunk & ~1) !== 0 || carved !== 0) out.push(pageText(a, i) + ": span head with LIVE " + (live >>> 0) + ", SHRUNK " + (shrunk >>> 0) + ", carved " + carved + " (expected 1, 0 or 1, 0)")
            if (buf.getAt(e + 12, "u16") !== POOL_NIL || buf.getAt(e + 14, "u16") !== POOL_NIL) out.push(pageText(a, i) + ": a span head is linked into a page list")
            for (let j = 1; j < w2; j++) {
                const t = POOL_TABLE + 16 * (i + j)
                if (buf.getAt(t, "u8") !== POOL_SPAN_TAIL || buf.getAt(t + 2, "u16") !== POOL_NIL || (buf.getAt(t + 1, "u8") | buf.getAt(t + 4, "i32") | buf.getAt(t + 8, "i32")) !== 0 || buf.getAt(t + 12, "i32") !== -1)
                    out.push("page " + (i + j) + ": not a clean tail of the " + w2 + "-page span at page " + i + " (kind " + buf.getAt(t, "u8") + ")")
            }
            usedBytes += w2 * POOL_PAGE
            liveCount++
            i += w2
            continue
        }
        if (kind >= POOL_CLASSES) {
            out.push(pageText(a, i) + ": kind " + kind + " is no class, free page or span head (a span tail without its head?)")
            i++
            continue
        }
        const bpp = 32 >> kind
        const bs = 16 << kind
        const all = bpp === 32 ? -1 : (1 << bpp) - 1
        // | 0: for carved = 31, (1 << 31) − 1 is −2^31 − 1 as a number; as a word it is 0x7fffffff.
        const below = carved >= 32 ? -1 : ((1 << carved) - 1) | 0
        if (carved > bpp) out.push(pageText(a, i) + ": carved " + carved + " > its " + bpp + " blocks of " + bs + " bytes")
        if (live === 0) out.push(pageText(a, i) + ": a " + bs + "-byte class page with no live block (it should have been released)")
        if ((live & ~below & all) !== 0 || (live & ~all) !== 0) out.push(pageText(a, i) + ": LIVE bits " + (live >>> 0) + " outside the " + carved + " carved blocks")
        if ((shrunk & ~live) !== 0) out.push(pageText(a, i) + ": SHRUNK bits " + (shrunk >>> 0) + " on blocks that are not live")
        // Live blocks: SWAR popcount of the LIVE word (no loop per bit).
        let x = live - ((live >>> 1) & 0x55555555)
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
        x = (x + (x >>> 4)) & 0x0f0f0f0f
        x = x + (x >>> 8)
        const lc = (x + (x >>> 16)) & 0x3f
        // The in-page free list: `taken` starts as LIVE and gains each entry's
        // bit, so a live block, a repeat (which also ends a cycle) or an entry
        // past the carved blocks stops the walk; at its end `taken` must be
        // exactly the carved blocks (none lost). A constant number of reads per entry.
        const pageOff = metaEnd + i * POOL_PAGE
        const sh = 4 + kind
        const msk = bs - 1
        const lim = carved << sh
        let b = w2
        let taken = live
        while (b !== 0xffff) {
            const m = 1 << (b >> sh)
            // One test, no short-circuits (fewer opcodes): (lim − 1 − b) >> 31 is −1 iff b ≥ lim.
            if (((b & msk) | (taken & m) | ((lim - 1 - b) >> 31)) !== 0) break
            taken |= m
            b = buf.getAt(pageOff + b, "u16")
        }
        if (b !== POOL_NIL) out.push(pageText(a, i) + ": free-list entry at in-page offset " + b + " is not a carved, free " + bs + "-byte block, or is listed twice")
        else if (taken !== below) out.push(pageText(a, i) + ": the free list and the LIVE bits cover blocks " + (taken >>> 0) + " of the " + carved + " carved ones (" + (below >>> 0) + "): a lost free block")
        if (w2 !== POOL_NIL || carved < bpp) partial[kind]++
        usedBytes += lc * bs
        liveCount += lc
        i++
    }
    // Each run list, then each partial list: doubly linked, right kind, right count.
    let p = 0
    let prev = 0
    let count = 0
    for (let b = 0; b <= top; b++) {
        p = buf.getAt(a.runs + 2 * b, "u16")
        prev = POOL_NIL
        count = 0
        while (p !== POOL_NIL && count <= n) {
            const e = POOL_TABLE + 16 * p
            // A run's first page: free, with a non-free page (or none) before it, of a length of this list.
            if (p >= n || buf.getAt(e, "u8") !== POOL_FREE_PAGE || (p > 0 && buf.getAt(e - 16, "u8") === POOL_FREE_PAGE) || buf.getAt(e + 14, "u16") !== prev) break
            const r = buf.getAt(e + 2, "u16")
            if (r < 1 || a.listOf(r) !== b) break
            prev = p
            p = buf.getAt(e + 12, "u16")
            count++
        }
        if (p !== POOL_NIL) out.push("run list " + b + ": entry " + count + " (page " + p + ") is not the first page of a free run of this list's lengths, or its prev link is not " + prev)
        else if (count !== runsIn[b]) out.push("run list " + b + ": " + count + " entries, but the page table has " + runsIn[b] + " free runs of that length")
    }
    for (let c = 0; c < POOL_CLASSES; c++) {
        p = buf.getAt(POOL_HEADS + 2 * c, "u16")
        prev = POOL_NIL
        count = 0
        while (p !== POOL_NIL && count <= n) {
            const e = POOL_TABLE + 16 * p
            if (p >= n || buf.getAt(e, "u8") !== c || buf.getAt(e + 14, "u16") !== prev || (buf.getAt(e + 2, "u16") === POOL_NIL && buf.getAt(e + 1, "u8") >= 32 >> c)) break
            prev = p
            p = buf.getAt(e + 12, "u16")
            count++
        }
        if (p !== POOL_NIL) out.push("partial list " + c + " (" + (16 << c) + " B): entry " + count + " (page " + p + ") is not a " + (16 << c) + "-byte page with a free block, or its prev link is not " + prev)
        else if (count !== partial[c]) out.push("partial list " + c + " (" + (16 << c) + " B): " + count + " entries, but " + partial[c] + " pages of that class have a free block")
    }
    const s = a.stats()
    if (usedBytes !== s.inUse) out.push("stats: inUse " + s.inUse + " but the page table describes " + usedBytes + " bytes in live blocks")
    if (liveCount !== s.liveBlocks) out.push("stats: liveBlocks " + s.liveBlocks + " but the page table has " + liveCount + " live blocks")
    let largest = longest * POOL_PAGE
    for (let c = POOL_CLASSES - 1; largest === 0 && c >= 0; c--) if (partial[c] > 0) largest = 16 << c
    if (largest !== s.largestFree) out.push("stats: largestFree " + s.largestFree + " but the page table gives " + largest)
    if (s.requested < 0) out.push("stats: requested " + s.requested + " < 0 (a dealloc passed a larger size than allocated)")
    const more = s.problems()
    for (let j = 0; j < more.length; j++) out.push(more[j])
    return out
}

/**
 * Calls visit(ptr, size, used) for every block in address order: a free
 * page is one free 512-byte block, a span one block of its pages, a class
 * page its 32 >> c blocks (virgin ones count as free). Throws
 * HeapError(Corrupt) on a page kind it cannot decode.
 *
 * ```ts
 * heap.walk((p, size, used) => console.log(ptrText(p), size, used))
 * ```
 */
export function poolWalk(a: PoolView, visit: BlockVisitor): void {
    const buf = a.buf
    const n = a.pages
    let i = 0
    while (i < n) {
        const e = POOL_TABLE + 16 * i
        const kind = buf.getAt(e, "u8")
        const p = a.base + a.metaEnd + i * POOL_PAGE
        if (kind === POOL_FREE_PAGE) {
            visit(p, POOL_PAGE, false)
            i++
        } else if (kind === POOL_SPAN_HEAD) {
            const k = buf.getAt(e + 2, "u16")
            if (k < 1 || i + k > n) throw new HeapError(HeapErrorCode.Corrupt, p, "pool walk: the span at " + ptrText(p) + " claims " + k + " pages; run check()")
            visit(p, k * POOL_PAGE, true)
            i += k
        } else if (kind < POOL_CLASSES) {
            const live = buf.getAt(e + 4, "i32")
            const bs = 16 << kind
            for (let b = 0; b < 32 >> kind; b++) visit(p + b * bs, bs, ((live >> b) & 1) !== 0)
            i++
        } else throw new HeapError(HeapErrorCode.Corrupt, p, "pool walk: page " + i + " at " + ptrText(p) + " has kind " + kind + "; run check()")
    }
}

/** "page 3 (0x20020800)" for check()'s messages (built only on a problem: it costs a hex conversion). */
function pageText(a: PoolView, i: number): string {
    return "page " + i + " (" + ptrText(a.base + a.metaEnd + i * POOL_PAGE) + ")"
}
