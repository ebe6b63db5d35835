/**
 * tests/grader/granule_alloc.ts — a test fixture for the grader's self-tests:
 * GranuleAllocator, a small correct allocator (it passes every probe, contract
 * case, random program and trace), and broken_allocators.ts derives one
 * deliberately broken allocator per classic bug from it through the protected
 * hooks below. Host only; not a model allocator: its metadata lives in two
 * side Buffers, not in the region, so the region holds nothing but payloads
 * (block geometry bugs then show as exact byte overlaps).
 *
 * Layout: the region is n = size / 8 granules of 8 bytes. state[g]:
 *   0 free, 1 start of a live block, 2 inside a live block,
 *   3 start of a freed block (free; remembered so a second free is DoubleFree).
 * info[g] (at a live block's start): u32 requested size, u32 align.
 * alloc is first fit over granules aligned to max(1, align / 8); free runs are
 * simply free granules, so coalescing is implicit. realloc shrinks in place and
 * always moves to grow. Costs O(n) per call (fine for a fixture).
 */
import * as ds from "@devicescript/core"
import { HeapCounters } from "../../src/core/counters"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { BlockVisitor, checkNewSize, HeapAllocator } from "../../src/api/global_alloc"
import { ptrText } from "../../src/core/hex"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { HeapStats } from "../../src/core/stats"

export const G = 8
const FREE = 0
const START = 1
const INSIDE = 2
const FREED = 3

export class GranuleAllocator extends HeapCounters implements HeapAllocator {
    readonly kind: string = "granule"
    protected n: number
    protected state: ds.Buffer
    protected info: ds.Buffer

    constructor(readonly region: StaticRegion) {
        super()
        this.n = Math.floor(region.size / G)
        this.state = ds.Buffer.alloc(this.n)
        this.info = ds.Buffer.alloc(this.n * 8)
        this.capacity = this.n * G
    }

    /** Granules a block of `size` bytes takes. */
    protected granulesFor(size: number): number {
        return Math.max(1, Math.ceil(size / G))
    }
    /** The granule stride for an alignment. */
    protected alignGranules(align: number): number {
        return Math.max(1, align / G)
    }
    /** What alloc returns when no run fits. */
    protected whenFull(_layout: Layout): number {
        return 0
    }
    /** A second free of a block: throws by default. */
    protected onDoubleFree(ptr: number): void {
        throw new HeapError(HeapErrorCode.DoubleFree, ptr, `${ptrText(ptr)} was already freed`)
    }
    /** Marks the granules [g, g + k) free; g is the block's start. */
    protected release(g: number, k: number): void {
        this.state.setAt(g, "u8", FREED)
        for (let i = 1; i < k; i++) this.state.setAt(g + i, "u8", FREE)
    }
    /** The free run search: the first aligned start with k free granules, or −1. */
    protected findRun(k: number, ga: number): number {
        for (let g = 0; g + k <= this.n; g += ga) {
            let ok = true
            for (let i = 0; i < k && ok; i++) ok = this.isFree(g + i)
            if (ok) return g
        }
        return -1
    }
    protected isFree(g: number): boolean {
        const s = this.state.getAt(g, "u8")
        return s === FREE || s === FREED
    }
    protected blockLength(g: number): number {
        let k = 1
        while (g + k < this.n && this.state.getAt(g + k, "u8") === INSIDE) k++
        return k
    }

    /** Places a block without touching the counters; 0 when nothing fits. */
    protected place(layout: Layout): number {
        const k = this.granulesFor(layout.size)
        const g = this.findRun(k, this.alignGranules(layout.align))
        if (g < 0) return 0
        this.state.setAt(g, "u8", START)
        for (let i = 1; i < k; i++) this.state.setAt(g + i, "u8", INSIDE)
        this.info.setAt(g * 8, "u32", layout.size)
        this.info.setAt(g * 8 + 4, "u32", layout.align)
        return this.region.base + g * G
    }

    alloc(layout: Layout): number {
        if (layout.size > this.peakRequest) this.peakRequest = layout.size
        const p = this.place(layout)
        if (p === 0) {
            this.failures++
            return this.whenFull(layout)
        }
        this.allocs++
        this.inUse += this.blockLength((p - this.region.base) / G) * G
        this.requested += layout.size
        if (this.inUse > this.peakInUse) this.peakInUse = this.inUse
        return p
    }

    allocZeroed(layout: Layout): number {
        const p = this.alloc(layout)
        if (p !== 0 && p >= this.region.base && p + layout.size <= this.region.end()) this.region.buf.fillAt(p - this.region.base, layout.size, 0)
        return p
    }

    /** The start granule of a live block, after every misuse check (nothing changes on a throw). */
    protected validate(ptr: number, layout: Layout): number {
        if (ptr === 0) throw new HeapError(HeapErrorCode.NotAllocated, 0, "null pointer")
        const r = this.region
        if (ptr < r.base || ptr >= r.base + this.n * G) throw new HeapError(HeapErrorCode.OutOfRegion, ptr, `${ptrText(ptr)} is outside the region`)
        if (ptr % layout.align !== 0) throw new HeapError(HeapErrorCode.Misaligned, ptr, `${ptrText(ptr)} is not aligned to ${layout.align}`)
        const off = ptr - r.base
        if (off % G !== 0) throw new HeapError(HeapErrorCode.NotAllocated, ptr, `${ptrText(ptr)} is not a block start`)
        const g = off / G
        const s = this.state.getAt(g, "u8")
        if (s === FREED) {
            this.onDoubleFree(ptr)
            return -1
        }
        if (s !== START) throw new HeapError(HeapErrorCode.NotAllocated, ptr, `${ptrText(ptr)} is not a live block`)
        const size = this.info.getAt(g * 8, "u32")
        const align = this.info.getAt(g * 8 + 4, "u32")
        if (size !== layout.size || align !== layout.align)
            throw new HeapError(HeapErrorCode.WrongLayout, ptr, `${ptrText(ptr)} has layout (${size}, ${align}), not (${layout.size}, ${layout.align})`)
        return g
    }

    dealloc(ptr: number, layout: Layout): void {
        const g = this.validate(ptr, layout)
        if (g < 0) return
        const k = this.blockLength(g)
        this.release(g, k)
        this.frees++
        this.inUse -= k * G
        this.requested -= layout.size
    }

    realloc(ptr: number, layout: Layout, newSize: number): number {
        const g = this.validate(ptr, layout)
        if (g < 0) return 0
        checkNewSize(newSize, layout.align)
        if (newSize > this.peakRequest) this.peakRequest = newSize
        const k = this.blockLength(g)
        const k2 = this.granulesFor(newSize)
        if (k2 <= k) {
            for (let i = k2; i < k; i++) this.state.setAt(g + i, "u8", FREE)
            this.info.setAt(g * 8, "u32", newSize)
            this.inUse -= (k - k2) * G
            this.requested += newSize - layout.size
            this.reallocs++
            return ptr
        }
        const q = this.place(Layout.fromSizeAlign(newSize, layout.align))
        if (q === 0) {
            this.failures++
            return 0
        }
        this.region.buf.blitAt(q - this.region.base, this.region.buf, g * G, Math.min(layout.size, newSize))
        this.moved(g, k)
        this.inUse += (this.granulesFor(newSize) - k) * G
        if (this.inUse > this.peakInUse) this.peakInUse = this.inUse
        this.requested += newSize - layout.size
        this.reallocs++
        return q
    }

    /** After realloc moved a block away from granule g (k granules): frees it. */
    protected moved(g: number, k: number): void {
        this.release(g, k)
    }

    largestFree(): number {
        let best = 0
        let run = 0
        for (let g = 0; g < this.n; g++) {
            run = this.isFree(g) ? run + 1 : 0
            if (run > best) best = run
        }
        return best * G
    }

    stats(): HeapStats {
        return this.snapshot(this.largestFree())
    }

    check(): string[] {
        const out: string[] = []
        let live = 0
        let used = 0
        let requested = 0
        for (let g = 0; g < this.n; g++) {
            const s = this.state.getAt(g, "u8")
            if (s === INSIDE && (g === 0 || this.isFree(g - 1))) out.push(`granule ${g} is inside a block with no start`)
            if (s === START) {
                live++
                used += this.blockLength(g) * G
                requested += this.info.getAt(g * 8, "u32")
            }
        }
        const st = this.stats()
        if (live !== st.liveBlocks) out.push(`${live} live blocks, stats say ${st.liveBlocks}`)
        if (used !== st.inUse) out.push(`${used} bytes in use, stats say ${st.inUse}`)
        if (requested !== st.requested) out.push(`${requested} bytes requested, stats say ${st.requested}`)
        return out.concat(st.problems())
    }

    walk(visit: BlockVisitor): void {
        let g = 0
        while (g < this.n) {
            const s = this.state.getAt(g, "u8")
            let k = 1
            if (s === START) k = this.blockLength(g)
            else while (g + k < this.n && this.isFree(g + k) && this.state.getAt(g + k, "u8") !== START) k++
            visit(this.region.base + g * G, k * G, s === START || s === INSIDE)
            g += k
        }
    }
}
