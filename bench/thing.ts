/**
 * bench/thing.ts — host only: @thi.ng/malloc's MemPool as a bareheap
 * HeapAllocator, so the same replay engine (bench/replay.ts), footprint
 * search and speed runs measure the peer exactly as they measure ours.
 *
 * What it does
 *   The pool manages its own ArrayBuffer of `size` bytes; `region` is a
 *   StaticRegion over those very bytes (sim/core.ts `_simBufferOver`, no
 *   copy), at `base`. thi.ng hands out byte offsets into its ArrayBuffer; an
 *   address here is base + offset, so the replay's pattern fill and check
 *   (region.buf at address − base) touch the peer's real payload bytes.
 *   Requests of 0 bytes are served as 1 (bareheap's rule; thi.ng refuses 0).
 *   The pool's alignment is fixed at construction (default 8, malloc-lab's);
 *   a Layout with a larger align is a HeapError(BadArgument).
 *
 * The peer's realloc bug, and what the adapter does about it
 *   MemPool.realloc (6.1.150), when a block must move, calls
 *   `this.free(block)` with the block's header address instead of its data
 *   address; free() does not find it in the used list and does nothing, so
 *   the old block stays "used" forever — a leak of every moved block (the
 *   copy itself is right: the old block is still intact when it is copied).
 *   With `fixRealloc` (the default) the adapter frees the old block itself
 *   after a moving realloc: malloc + copy + free, which is what the peer meant
 *   minus one ordering detail (the peer meant to free before the malloc, so
 *   the new block could have reused the old one's space). Speed cost of the
 *   fix: one more scan of the used list (the same scan the peer's own free
 *   call already makes and wastes), so the fixed peer does the work a correct
 *   realloc does; it is not made faster than intended. `fixRealloc: false`
 *   measures the peer as shipped (the leak shows up as a larger footprint and
 *   as `leakedBytes`). `moves` counts the moving reallocs either way. If a
 *   later version frees the old block itself, the adapter's free finds
 *   nothing and it counts `peerFreed` instead (no double free).
 *   A second peer bug: a realloc that shrinks the top block by exactly 8
 *   bytes (excess below minSplit) lowers `top` but leaves the block's size
 *   header as it was, so the next block from top overlaps the stale size;
 *   check() reports such overlaps (the adapter does not patch it).
 *
 * Invariants: every live address is in [base + 40, base + size) and 8-aligned;
 *   stats follow src/core/stats.ts (inUse = Σ block sizes in the used list,
 *   headers and rounding included — leaked blocks too when not fixed).
 * Costs: alloc is the peer's first-fit scan of its free list; dealloc scans
 *   the used list (O(live blocks)) and compacts the whole free list; the
 *   adapter adds O(1) per call (two header reads, counters). check() and
 *   walk() are O(blocks log blocks).
 * Misuse: an address outside the region is OutOfRegion; dealloc of an
 *   address that is not a live block (including a double free) is
 *   NotAllocated — the peer cannot tell the two apart; a wrong layout size
 *   is not detected (the peer stores no request size). All before any change.
 *
 * ```ts
 * const heap = new ThingAllocator(0x20000000, 1 << 20)
 * const p = heap.alloc(Layout.fromSizeAlign(100, 8)) // 0x20000028
 * heap.dealloc(p, Layout.fromSizeAlign(100, 8))
 * ```
 */
import { MemPool } from "@thi.ng/malloc"
import { _simBufferOver } from "@devicescript/core"
import { HeapError, HeapErrorCode } from "../src/core/errors"
import { BlockVisitor, HeapAllocator, checkNewSize } from "../src/api/global_alloc"
import { ptrText } from "../src/core/hex"
import { Layout } from "../src/core/layout"
import { StaticRegion } from "../src/core/region"
import { HeapStats } from "../src/core/stats"
import { regionOver } from "./region_over"

/** MemPool's block header: u32 size (header included), u32 next. */
const HEADER = 8
/** MemPool's state words at `start` (0): free head, used head, top, end. */
const S_FREE = 0
const S_USED = 1
const S_TOP = 2
const S_END = 3

/** Construction options of ThingAllocator. */
export class ThingOptions {
    /** Free the old block after a moving realloc (the peer leaks it). Default true. */
    fixRealloc = true
    /** The pool's alignment (a power of two ≥ 8). */
    align = 8
}

/** @thi.ng/malloc's MemPool behind the HeapAllocator interface (see the file header). */
export class ThingAllocator implements HeapAllocator {
    readonly kind = "thi.ng"
    readonly region: StaticRegion
    /** The peer itself. */
    readonly pool: MemPool
    /** Reallocs that moved the block. */
    moves = 0
    /** Bytes of blocks left in the used list by the peer's realloc (fixRealloc false). */
    leakedBytes = 0
    /** Moving reallocs after which the old block was already gone (a fixed peer). */
    peerFreed = 0

    private readonly u32: Uint32Array
    private readonly base: number
    private readonly size: number
    private readonly fix: boolean
    private readonly alignment: number
    private readonly firstBlock: number
    private inUse = 0
    private requested = 0
    private peakInUse = 0
    private peakRequest = 0
    private allocs = 0
    private frees = 0
    private reallocs = 0
    private failures = 0

    /** A pool of `size` bytes at address `base` (MAX_ALIGN-aligned, like every region). */
    constructor(base: number, size: number, options?: ThingOptions) {
        const o = options === undefined ? new ThingOptions() : options
        if (!(size >= 64) || size % 8 !== 0)
            throw new HeapError(HeapErrorCode.BadArgument, base, "thi.ng: pool size " + size + " must be a multiple of 8, at least 64")
        const ab = new ArrayBuffer(size)
        this.pool = new MemPool({ buf: ab, align: o.align as 8, start: 0 })
        this.region = regionOver(base, _simBufferOver(new Uint8Array(ab)))
        this.u32 = new Uint32Array(ab)
        this.base = base
        this.size = size
        this.fix = o.fixRealloc
        this.alignment = o.align
        this.firstBlock = this.u32[S_TOP]
    }

    alloc(layout: Layout): number {
        return this.allocate(layout, false)
    }

    allocZeroed(layout: Layout): number {
        return this.allocate(layout, true)
    }

    private allocate(layout: Layout, zero: boolean): number {
        const n = layout.size
        if (layout.align > this.alignment)
            throw new HeapError(HeapErrorCode.BadArgument, 0, "thi.ng: align " + layout.align + " > the pool's " + this.alignment)
        if (n > this.peakRequest) this.peakRequest = n
        const off = zero ? this.pool.calloc(n > 0 ? n : 1) : this.pool.malloc(n > 0 ? n : 1)
        if (off === 0) {
            this.failures++
            return 0
        }
        this.allocs++
        this.requested += n
        this.grew(this.u32[(off - HEADER) >> 2])
        return this.base + off
    }

    dealloc(ptr: number, layout: Layout): void {
        const off = this.offset(ptr, "dealloc")
        const blockSize = this.u32[(off - HEADER) >> 2] // read before free: compaction may change it
        if (!this.pool.free(off))
            throw new HeapError(HeapErrorCode.NotAllocated, ptr, "thi.ng dealloc: " + ptrText(ptr) + " is not a live block (never allocated, or already freed)")
        this.frees++
        this.requested -= layout.size
        this.inUse -= blockSize
    }

    realloc(ptr: number, layout: Layout, newSize: number): number {
        checkNewSize(newSize, layout.align)
        const off = this.offset(ptr, "realloc")
        const oldBlock = this.u32[(off - HEADER) >> 2]
        const q = this.pool.realloc(off, newSize > 0 ? newSize : 1)
        if (q === 0) {
            if (!this.isUsed(off - HEADER))
                throw new HeapError(HeapErrorCode.NotAllocated, ptr, "thi.ng realloc: " + ptrText(ptr) + " is not a live block")
            if (newSize > this.peakRequest) this.peakRequest = newSize
            this.failures++
            return 0
        }
        if (newSize > this.peakRequest) this.peakRequest = newSize
        this.reallocs++
        this.requested += newSize - layout.size
        const newBlock = this.u32[(q - HEADER) >> 2]
        if (q === off) {
            this.inUse -= oldBlock
        } else {
            this.moves++
            if (!this.fix) this.leakedBytes += oldBlock
            else if (this.pool.free(off)) this.inUse -= oldBlock
            else this.peerFreed++
        }
        this.grew(newBlock)
        return this.base + q
    }

    /** inUse grew by `bytes`: keep the peak. */
    private grew(bytes: number): void {
        const u = this.inUse + bytes
        this.inUse = u
        if (u > this.peakInUse) this.peakInUse = u
    }

    /** Offset of ptr in the pool; OutOfRegion or Misaligned before any change. */
    private offset(ptr: number, op: string): number {
        const off = ptr - this.base
        if (!(off >= this.firstBlock + HEADER && off < this.size))
            throw new HeapError(HeapErrorCode.OutOfRegion, ptr, "thi.ng " + op + ": " + ptrText(ptr) + " is outside the pool's blocks " + ptrText(this.base + this.firstBlock) + ".." + ptrText(this.base + this.size))
        if (off % this.alignment !== 0)
            throw new HeapError(HeapErrorCode.Misaligned, ptr, "thi.ng " + op + ": " + ptrText(ptr) + " is not aligned to " + this.alignment)
        return off
    }

    /** True when the block header at `block` is in the used list (O(live blocks)). */
    private isUsed(block: number): boolean {
        const u32 = this.u32
        for (let b = u32[S_USED], n = 0; b !== 0 && n < this.size; b = u32[(b >> 2) + 1], n += HEADER) if (b === block) return true
        return false
    }

    /** Every block of one list as [offset, size] pairs; stops (and says so) on a cycle or a wild link. */
    private list(head: number, what: string, out: string[]): number[][] {
        const u32 = this.u32
        const blocks: number[][] = []
        let b = u32[head]
        while (b !== 0) {
            if (blocks.length > this.size / HEADER || b < this.firstBlock || b >= this.size || (b & 3) !== 0) {
                out.push("thi.ng " + what + " list: bad link " + b + " after " + blocks.length + " blocks")
                break
            }
            blocks.push([b, u32[b >> 2]])
            b = u32[(b >> 2) + 1]
        }
        return blocks
    }

    stats(): HeapStats {
        const capacity = this.size - this.firstBlock
        let largest = this.u32[S_END] - this.u32[S_TOP] - HEADER
        for (const [, s] of this.list(S_FREE, "free", [])) if (s - HEADER > largest) largest = s - HEADER
        if (largest < 0) largest = 0
        const free = capacity - this.inUse
        return HeapStats.of(capacity, free, this.requested, this.peakInUse, largest < free ? largest : free, this.peakRequest).counted(
            this.allocs - this.frees,
            this.allocs,
            this.frees,
            this.reallocs,
            this.failures,
        )
    }

    /**
     * The peer's lists against each other and against the adapter's counters:
     * blocks in [first block, top), disjoint, tiling it with the free lists
     * and the space above top; free list sorted; Σ used sizes = inUse (plus
     * the leaked bytes, which are in the used list), block count; stats invariants.
     */
    check(): string[] {
        const out: string[] = []
        const used = this.list(S_USED, "used", out)
        const free = this.list(S_FREE, "free", out)
        const top = this.u32[S_TOP]
        let usedBytes = 0
        for (const [, s] of used) usedBytes += s
        if (usedBytes !== this.inUse) out.push("thi.ng: used blocks hold " + usedBytes + " bytes, the adapter counted " + this.inUse)
        for (let i = 1; i < free.length; i++) if (free[i][0] <= free[i - 1][0]) out.push("thi.ng: free list not sorted at entry " + i)
        const all = used.map(([b, s]) => [b, s, 1]).concat(free.map(([b, s]) => [b, s, 0]))
        all.sort((x, y) => x[0] - y[0])
        let at = this.firstBlock
        for (const [b, s, u] of all) {
            const what = (u ? "used" : "free") + " block " + ptrText(this.base + b) + " (" + s + " bytes)"
            if (s < HEADER || s % 8 !== 0) out.push("thi.ng: " + what + " has a bad size")
            if (b < at) out.push("thi.ng: " + what + " overlaps the block before it (ends at " + ptrText(this.base + at) + ")")
            else if (b > at) out.push("thi.ng: gap of " + (b - at) + " bytes before " + what)
            at = b + s
        }
        if (at > top) out.push("thi.ng: the last block ends at " + ptrText(this.base + at) + ", past top " + ptrText(this.base + top))
        else if (at < top) out.push("thi.ng: gap of " + (top - at) + " bytes below top")
        return out.concat(this.stats().problems())
    }

    walk(visit: BlockVisitor): void {
        const all = this.list(S_USED, "used", [])
            .map(([b, s]) => [b, s, 1])
            .concat(this.list(S_FREE, "free", []).map(([b, s]) => [b, s, 0]))
        all.sort((x, y) => x[0] - y[0])
        for (const [b, s, u] of all) visit(this.base + b + HEADER, s - HEADER, u === 1)
        const top = this.u32[S_TOP]
        if (this.size - top > HEADER) visit(this.base + top + HEADER, this.size - top - HEADER, false)
    }
}
