/**
 * multi.ts — MultiAllocator: one heap over several StaticRegions, each
 * managed by its own bareheap allocator (FreeRTOS heap_5, TLSF's add_pool,
 * ESP-IDF's capability heaps).
 *
 *     region (a RegionSet view, region_set.ts)
 *     ┌──────────────┐   ┌────────────┐   ┌──────────────────┐
 *     │ heaps[0]     │   │ heaps[1]   │   │ heaps[2]         │
 *     │ tags "fast"  │   │ tags "dma" │   │ tags ""          │
 *     └──────────────┘   └────────────┘   └──────────────────┘
 *     sorted by base; a pointer's owner is the part that holds it
 *
 * Policy (chosen at construction, MultiPolicy):
 *   First   — the lowest-addressed region that serves the request;
 *   Prefer  — regions whose tags contain `tag` first (in address order), then
 *             the others (ESP-IDF's heap_caps_malloc_prefer);
 *   BySize  — requests ≤ `smallMax` bytes try the first region first, larger
 *             ones the last region first, then the rest (keeps small,
 *             long-lived blocks from splitting the big region).
 *
 * On a board (MultiAllocator.forBoard): one TLSF per region the board
 * declares (Board.heapRegions: RP2040 striped SRAM + SRAM4, an ESP32 chip's
 * DRAM + RTC FAST), Prefer "main": the region the board tags `main` first,
 * then the others in address order, each only when the ones before it cannot
 * serve (FreeRTOS heap_5's overflow rule, with ESP-IDF's order: general DRAM
 * before the special-purpose blocks). Address order alone (First) would fill
 * an ESP32's RTC FAST block before its DRAM, since RTC FAST lies lower, and
 * spend the memory that survives deep sleep on ordinary blocks; on the
 * RP2040, whose main region lies lowest, both orders agree. TLSF for every
 * part: O(1) per op whatever
 * the region (bench/RESULTS.md), and its add_pool is the model here. The
 * regions' sizes sum to at most the board's heap.size (validate.ts); the
 * boards leave 4 KiB of it to the multi heap's own objects
 * (boards/heap_regions.ts, MULTI_VM_MARGIN: measured in the VM), so a multi
 * heap fits DeviceScript's program heap on every board.
 *
 * `new MultiAllocator(region)` (what suites that hand every kind one region
 * build) carves two TLSF parts out of the region's own address range, so
 * its parts hold fewer bytes than the region:
 *
 *     region.base                          region.base + split      end
 *     ┌───────────────────────────────┬────┬──────────────────────────┐
 *     │ part 0 "main": split − hole   │hole│ part 1 "fast"            │
 *     └───────────────────────────────┴────┴──────────────────────────┘
 *     split = ⌊¾·size / MAX_ALIGN⌋·MAX_ALIGN (≥ MAX_ALIGN), hole = split/16
 *
 * so both bases stay MAX_ALIGN-aligned, an address in the hole is outside
 * the heap (HeapError(OutOfRegion)), and a region of ≤ MAX_ALIGN bytes,
 * which cannot hold two aligned parts, is a HeapError(BadArgument). The
 * parts are Buffers of their own (a DeviceScript Buffer cannot be a view of
 * another's bytes); the given region's Buffer is not used.
 *
 * Invariants: every live block lies inside exactly one part and is owned by
 * that part's allocator; stats() is the sum of the parts' (peakInUse and
 * minFree are the multi heap's own: the sum of the parts' peaks can exceed
 * what was ever in use at once); check() is every part's check(), each
 * sentence prefixed with its region, plus the HeapStats invariants.
 * partInUse[i] is heaps[i]'s inUse when last re-read and inUseNow their
 * sum; a part freed from is re-read before the next op that may raise the
 * peak (a free only lowers Σ), so peak = the maximum of Σ parts' inUse
 * after each op, exactly (a realloc moved across parts holds both copies
 * only inside the call, as a single allocator's moving realloc does).
 *
 * Costs: alloc tries at most `parts` allocators (each its own cost);
 * dealloc/realloc find the owner by binary search, O(log parts); a realloc
 * its owner cannot serve moves to another region (alloc + copy + dealloc,
 * O(size)). Keeping the peak costs one stats() per part an alloc or realloc
 * touched plus one per part freed from since (amortised O(1) per op, not
 * O(parts); tests/allocators/multi_board.test.ts counts them). walk()
 * visits parts in address order. Misuse: a pointer outside every part is
 * HeapError(OutOfRegion); inside one, the part's allocator diagnoses it.
 */
import { HeapError, HeapErrorCode } from "../core/errors"
import { BlockVisitor, HeapAllocator, checkNewSize } from "../api/global_alloc"
import { ptrText } from "../core/hex"
import { Layout, MAX_ALIGN, layoutError } from "../core/layout"
import { RegionSet } from "../core/region_set"
import { StaticRegion } from "../core/region"
import { HeapStats } from "../core/stats"
import { Board } from "../../boards/board"
import { TlsfAllocator } from "./tlsf"

/** How alloc orders the regions it tries. */
export const enum MultiPolicy {
    First = 0,
    Prefer = 1,
    BySize = 2,
}

/**
 * A heap over several regions; see the header for policies and costs.
 *
 * ```ts
 * const heap = new MultiAllocator(
 *     [new TlsfAllocator(new StaticRegion(0x20000000, 8192)), new TlsfAllocator(new StaticRegion(0x20040000, 4096))],
 *     ["", "dma"], MultiPolicy.Prefer, "dma")
 * const p = heap.alloc(Layout.fromSizeAlign(64, 4)) // in 0x20040000.. while it has room
 * ```
 */
export class MultiAllocator implements HeapAllocator {
    readonly kind: string = "multi"
    readonly region: RegionSet
    /** The parts' allocators, sorted by region base (parallel to region.parts). */
    readonly heaps: HeapAllocator[]
    /** tags[i]: capability tags of heaps[i], space-separated ("fast dma"). */
    readonly tags: string[]
    /** Indexes of heaps in the order alloc tries them for a small request, and for a large one. */
    private orderSmall: number[]
    private orderLarge: number[]
    private smallMax: number
    private peak = 0
    /** partInUse[i]: heaps[i]'s inUse when last re-read; inUseNow: their sum. */
    private partInUse: number[] = []
    private inUseNow = 0
    /** Parts freed from since their last re-read (each once: isStale), re-read before the peak may rise. */
    private stale: number[] = []
    private isStale: boolean[] = []
    /** The multi heap's own counts (a realloc moved across parts is one realloc, not an alloc and a free). */
    private allocs = 0
    private frees = 0
    private reallocs = 0
    private failures = 0
    private peakRequest = 0

    /**
     * heapsOrRegion: a StaticRegion (the two-region default below), or one
     * allocator per region, any order (sorted here by base; two
     * heaps over overlapping regions are a HeapError(BadArgument)). tags:
     * one string per heap. policy/arg: MultiPolicy.Prefer takes the tag
     * (string), MultiPolicy.BySize the small-request limit in bytes (number).
     */
    constructor(heapsOrRegion: HeapAllocator[] | StaticRegion, tagList?: string[], policy?: MultiPolicy, arg?: string | number) {
        let heaps: HeapAllocator[]
        let tags: string[]
        if (heapsOrRegion instanceof StaticRegion) {
            // `new MultiAllocator(region)`, as for every kind: two TLSF parts carved out of the region (header).
            heaps = []
            for (const part of carve(heapsOrRegion as StaticRegion)) heaps.push(new TlsfAllocator(part))
            tags = ["main", "fast"]
            policy = MultiPolicy.First
        } else {
            heaps = heapsOrRegion as HeapAllocator[]
            tags = tagList === undefined ? [] : tagList
        }
        if (heaps.length === 0 || tags.length !== heaps.length)
            throw new HeapError(HeapErrorCode.BadArgument, 0, "multi: needs ≥ 1 heap and one tag string per heap (" + heaps.length + " heaps, " + tags.length + " tags)")
        // Sort by base (insertion sort: a chip has a handful of regions).
        const hs: HeapAllocator[] = []
        const ts: string[] = []
        for (let i = 0; i < heaps.length; i++) {
            let j = hs.length
            hs.push(heaps[i])
            ts.push(tags[i])
            while (j > 0 && hs[j - 1].region.base > hs[j].region.base) {
                const h = hs[j]
                hs[j] = hs[j - 1]
                hs[j - 1] = h
                const t = ts[j]
                ts[j] = ts[j - 1]
                ts[j - 1] = t
                j--
            }
        }
        const parts: StaticRegion[] = []
        const kinds: string[] = []
        for (const h of hs) {
            parts.push(h.region)
            kinds.push(h.kind)
        }
        this.region = new RegionSet(parts, ts, kinds)
        this.heaps = hs
        this.tags = ts
        for (const h of hs) {
            const u = h.stats().inUse
            this.partInUse.push(u)
            this.isStale.push(false)
            this.inUseNow += u
        }
        this.peak = this.inUseNow
        const all: number[] = []
        for (let i = 0; i < hs.length; i++) all.push(i)
        this.smallMax = 0x7fffffff
        if (policy === MultiPolicy.Prefer) {
            if (typeof arg !== "string" || arg === "") throw new HeapError(HeapErrorCode.BadArgument, 0, "multi: the Prefer policy needs a capability tag")
            const tag = arg as string
            const first: number[] = []
            const rest: number[] = []
            for (let i = 0; i < hs.length; i++) (hasTag(ts[i], tag) ? first : rest).push(i)
            for (const i of rest) first.push(i)
            this.orderSmall = first
            this.orderLarge = first
        } else if (policy === MultiPolicy.BySize) {
            if (typeof arg !== "number" || !(arg >= 0)) throw new HeapError(HeapErrorCode.BadArgument, 0, "multi: the BySize policy needs a small-request limit in bytes ≥ 0")
            this.smallMax = arg as number
            this.orderSmall = all
            const large: number[] = []
            for (let i = hs.length - 1; i >= 0; i--) large.push(i)
            this.orderLarge = large
        } else {
            this.orderSmall = all
            this.orderLarge = all
        }
    }

    /**
     * A multi heap over the board's declared regions (Board.heapRegions), one
     * TLSF each, the region tagged main first (header: why).
     *
     * ```ts
     * const heap = MultiAllocator.forBoard(PICO) // 24 KiB at 0x20020000 "main dma" + 4 KiB at 0x20040000 "fast"
     * ```
     */
    static forBoard(board: Board): MultiAllocator {
        const heaps: HeapAllocator[] = []
        const tags: string[] = []
        for (const r of board.heapRegions) {
            heaps.push(new TlsfAllocator(new StaticRegion(r.base, r.size, board.hostOnly ? board.maxRegion : undefined)))
            tags.push(r.tags)
        }
        return new MultiAllocator(heaps, tags, MultiPolicy.Prefer, "main")
    }

    /** Index of the heap owning ptr; HeapError(OutOfRegion) when no region holds it. O(log parts). */
    private owner(ptr: number, op: string): number {
        if (ptr === 0) throw new HeapError(HeapErrorCode.NotAllocated, 0, "multi: " + op + " of a null pointer")
        const i = this.region.partIndex(ptr)
        if (i < 0) throw new HeapError(HeapErrorCode.OutOfRegion, ptr, "multi: " + op + " of " + ptrText(ptr) + ", outside every region of the heap")
        return i
    }

    private place(layout: Layout, zeroed: boolean): number {
        const size = layout.size
        const align = layout.align
        // layoutOk() inline (layout.ts)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, zeroed ? "allocZeroed" : "alloc")
        if (size > this.peakRequest) this.peakRequest = size
        const order = size <= this.smallMax ? this.orderSmall : this.orderLarge
        for (const i of order) {
            const h = this.heaps[i]
            // Each part counts the failures we pass over; the total counts only ours.
            const p = zeroed ? h.allocZeroed(layout) : h.alloc(layout)
            if (p !== 0) {
                this.allocs++
                this.refresh(i)
                return p
            }
        }
        this.failures++
        return 0
    }

    alloc(layout: Layout): number {
        return this.place(layout, false)
    }

    allocZeroed(layout: Layout): number {
        return this.place(layout, true)
    }

    dealloc(ptr: number, layout: Layout): void {
        const i = this.owner(ptr, "dealloc")
        this.heaps[i].dealloc(ptr, layout)
        this.frees++
        this.markStale(i) // a free never raises the peak: re-read at the next alloc
    }

    /** In the owner when it can; otherwise moved to the first other region (policy order) that serves it. */
    realloc(ptr: number, layout: Layout, newSize: number): number {
        const i = this.owner(ptr, "realloc")
        const h = this.heaps[i]
        checkNewSize(newSize, layout.align)
        const q = h.realloc(ptr, layout, newSize) // throws on misuse before anything changes, here too
        if (newSize > this.peakRequest) this.peakRequest = newSize
        if (q !== 0) {
            this.reallocs++
            this.refresh(i)
            return q
        }
        const nl = Layout.fromSizeAlign(newSize, layout.align)
        const order = newSize <= this.smallMax ? this.orderSmall : this.orderLarge
        for (const j of order) {
            if (j === i) continue
            const p = this.heaps[j].alloc(nl)
            if (p !== 0) {
                const n = newSize < layout.size ? newSize : layout.size
                this.region.copy(p, ptr, n) // the region set routes each side to its part's Buffer
                h.dealloc(ptr, layout)
                this.reallocs++
                this.markStale(i) // both parts re-read before the peak is raised: the old block is gone
                this.refresh(j)
                return p
            }
        }
        this.failures++
        return 0
    }

    private markStale(i: number): void {
        if (!this.isStale[i]) {
            this.isStale[i] = true
            this.stale.push(i)
        }
    }

    /**
     * After an op that may raise the peak (heaps[i] grew): re-reads heaps[i]
     * and every part freed from since its last re-read, then raises the peak.
     * Each re-read is paid for by the alloc or free that made it stale: O(1)
     * amortised per op, whatever the number of parts.
     */
    private refresh(i: number): void {
        this.markStale(i)
        while (this.stale.length > 0) {
            const k = this.stale.pop()
            this.isStale[k] = false
            const u = this.heaps[k].stats().inUse
            this.inUseNow += u - this.partInUse[k]
            this.partInUse[k] = u
        }
        if (this.inUseNow > this.peak) this.peak = this.inUseNow
    }

    /** The parts' sums of bytes; largestFree is the largest of the parts'; peak, counts and peakRequest are the multi heap's own. */
    stats(): HeapStats {
        let cap = 0
        let free = 0
        let requested = 0
        let largest = 0
        for (const h of this.heaps) {
            const s = h.stats()
            cap += s.capacity
            free += s.free
            requested += s.requested
            if (s.largestFree > largest) largest = s.largestFree
        }
        const inUse = cap - free
        if (inUse > this.peak) this.peak = inUse
        return HeapStats.of(cap, free, requested, this.peak, largest, this.peakRequest).counted(this.allocs - this.frees, this.allocs, this.frees, this.reallocs, this.failures)
    }

    /** Per region: its allocator's sentences, prefixed with the region; then the total's HeapStats invariants. */
    check(): string[] {
        const out: string[] = []
        for (let i = 0; i < this.heaps.length; i++) {
            const r = this.heaps[i].region
            for (const p of this.heaps[i].check()) out.push("region " + ptrText(r.base) + " (" + this.heaps[i].kind + "): " + p)
        }
        for (const p of this.stats().problems()) out.push(p)
        return out
    }

    /** Per-region statistics, in address order (stats() is their total). */
    regionStats(): HeapStats[] {
        const out: HeapStats[] = []
        for (const h of this.heaps) out.push(h.stats())
        return out
    }

    /** Every part's blocks, parts in address order. */
    walk(visit: BlockVisitor): void {
        for (const h of this.heaps) h.walk(visit)
    }
}

/**
 * The two parts `new MultiAllocator(region)` carves out of the region's
 * address range (header: the drawing); HeapError(BadArgument) when the region
 * is too small for two MAX_ALIGN-aligned parts with a hole between them.
 */
function carve(r: StaticRegion): StaticRegion[] {
    if (r.size <= MAX_ALIGN)
        throw new HeapError(HeapErrorCode.BadArgument, r.base, "multi: a region of " + r.size + " bytes cannot be carved into two " + MAX_ALIGN + "-aligned regions with a hole between them; give it more than " + MAX_ALIGN + " bytes")
    const pages = Math.floor((r.size * 3) / 4 / MAX_ALIGN)
    const split = (pages > 0 ? pages : 1) * MAX_ALIGN
    const hole = split >> 4
    // The given region's size is its platform's limit too (a host-only region may pass a Buffer's).
    return [new StaticRegion(r.base, split - hole, r.size), new StaticRegion(r.base + split, r.size - split, r.size)]
}

/** True when the space-separated `tags` contain `tag`. */
function hasTag(tags: string, tag: string): boolean {
    const parts = tags.split(" ")
    return parts.indexOf(tag) >= 0
}
