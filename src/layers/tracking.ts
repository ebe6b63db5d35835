/**
 * tracking.ts — TrackingAllocator: wraps any HeapAllocator and keeps, outside
 * the region, a record of every live block it handed out (pointer, size,
 * alignment, the container kind that made it — an AllocTag, see alloc_tag.ts —
 * and an allocation sequence number), with counts, current and peak live
 * bytes, and leak reports at a point in time.
 *
 * Drop is explicit in bareheap (Box/Vec/HeapString.drop()), so a forgotten
 * drop is a leak; a leak report lists the blocks still live, with the kind
 * that made them:
 *
 * ```ts
 * const heap = new TrackingAllocator(new BuddyAllocator(region))
 * const a = new GlobalAllocAdapter(heap)
 * const m = heap.mark()                     // a point in time
 * const v = Vec.newIn(a, ElemKind.U32); v.push(1)
 * const b = Box.newIn(a, Layout.scalar(8))
 * v.drop()                                  // b is never dropped
 * heap.leakReport(m).count === 1            // b, kind "box"
 * formatLeakReport(heap.leakReport(m))      // ["1 live block, 8 bytes: box 1 (8 B)", "  0x20020010 8 B align 8 box #1"]
 * ```
 *
 * Composes with LoggingAllocator in either order (both are HeapAllocators
 * that forward kind/region/stats/check/walk): Logging(Tracking(x)) and
 * Tracking(Logging(x)) give the same results and the same reports. To stream a
 * report, give the tracker the logger as its HeapEvents: `tracker.setEvents(log)`
 * and `tracker.reportLeaks()` sends one events.leak() per live block.
 *
 * Invariants:
 *   - the wrapper changes no allocator result: every pointer, null and error
 *     is the inner allocator's; a HeapError or LayoutError the inner allocator
 *     throws passes through unchanged and leaves the tracker's state as it was
 *     (the record is updated only after the inner call succeeded);
 *   - the record holds exactly the blocks allocated through this wrapper and
 *     not yet freed through it: live === allocs − frees, liveBytes is the sum
 *     of their layout sizes, peakBytes ≥ liveBytes (check() verifies these);
 *   - realloc keeps a block's tag and seq, in place or moved (the record moves
 *     with the pointer): a grown Vec is still the Vec made at seq n;
 *   - blocks the inner allocator had before wrapping are untracked: freeing or
 *     reallocating them works and counts in `untracked`, not in frees.
 *
 * The record: an open-addressing hash table keyed by pointer (DeviceScript has
 * no Map), linear probing with Fibonacci hashing, and deletion by backward
 * shift (no tombstones, so thousands of frees never slow lookups down). Keys
 * live in one ds.Buffer (4 bytes a slot, 0 = empty: null is never a block) and
 * the values in another (size, seq, align·256 + tag: 12 bytes a slot) rather
 * than in number[] arrays, which cost 8 bytes per element of the VM's 64 KiB
 * GC heap. The table starts at 16 slots, doubles when it would pass 3/4 full
 * and never shrinks; at most MAX_TRACKED_SLOTS slots (one Buffer ≤ 57,344
 * bytes), so at most 3/4 of that many blocks are tracked at once: past that,
 * alloc returns null (counted as a failure) without asking the inner allocator.
 *
 * Costs: memory 16 bytes per slot, i.e. 21–43 bytes per live block (load
 * 3/8..3/4), nothing in the region. Per operation, on top of the inner call:
 * alloc/allocZeroed one hash (Math.imul) and an expected 1–2 probes plus four
 * Buffer writes; dealloc a lookup plus the backward shift of the probe run
 * (short at load ≤ 3/4); realloc a lookup plus one size write (in place) or a
 * delete and insert (moved). A doubling rehashes every entry once (amortized
 * O(1)). Time per pair, against the bare allocator: bench/debug-cost.md,
 * the "tracking" rows (npm run bench:debug).
 * leakReport is O(slots + n) (a radix sort by address) and builds one
 * LeakBlock per reported block: meant for the end of a phase, not the fast
 * path. In the VM a report holds one object per block in the 64 KiB GC heap
 * while it is alive, beside the region and the table: a report of a few
 * hundred blocks can exhaust it, so narrow big reports with `since`.
 * Sequence numbers are exact up to 2^32 − 1 allocations.
 */
import * as ds from "@devicescript/core"
import { allocTagCount, allocTagName, currentAllocTag } from "./alloc_tag"
import { HeapError, HeapErrorCode } from "../core/errors"
import { HeapEvents } from "../core/events"
import { BlockVisitor, HeapAllocator } from "../api/global_alloc"
import { ptrText } from "../core/hex"
import { Layout } from "../core/layout"
import { StaticRegion } from "../core/region"
import { HeapStats } from "../core/stats"

/** Largest table: the value Buffer (12 bytes a slot) must stay ≤ 57,344 bytes. */
export const MAX_TRACKED_SLOTS = 4096

/** Slots of a new tracker's table. */
const INITIAL_SLOTS = 16

/** One live block of a leak report (or of liveBlock()). */
export class LeakBlock {
    constructor(
        /** The block's address. */
        public ptr: number,
        /** Its layout's size (the last realloc's new size). */
        public size: number,
        /** Its layout's alignment. */
        public align: number,
        /** The AllocTag's name: "raw", "box", "vec", "string" or a registered kind. */
        public kind: string,
        /** Its allocation sequence number (kept across realloc). */
        public seq: number,
    ) {}
}

/** Totals of one kind in a leak report. */
export class KindTotal {
    constructor(public kind: string, public count: number, public bytes: number) {}
}

/** What leakReport returns: the live blocks and their totals. */
export class LeakReport {
    /** The blocks allocated at or after `since`, sorted by address. */
    blocks: LeakBlock[] = []
    /** One entry per kind present, by bytes (largest first), then by tag. */
    kinds: KindTotal[] = []
    /** blocks.length, and the sum of their sizes. */
    count = 0
    bytes = 0
    /** The mark the report starts at (0: every live block). */
    since = 0
}

/** A snapshot of the tracker's counters. */
export class TrackingCounts {
    /** Successful alloc/allocZeroed calls (tracked blocks made). */
    allocs = 0
    /** Successful deallocs of tracked blocks. */
    frees = 0
    /** Successful reallocs (in place or moved). */
    reallocs = 0
    /** Null results of alloc, allocZeroed and realloc (incl. a full table). */
    failures = 0
    /** Frees and reallocs of blocks the tracker did not know (made before wrapping). */
    untracked = 0
    /** Tracked live blocks, and the sum of their layout sizes. */
    live = 0
    liveBytes = 0
    /** The largest liveBytes ever seen, and the most live blocks ever. */
    peakBytes = 0
    peakLive = 0
}

/**
 * A HeapAllocator that records every live block of `inner` (see the header).
 * kind, region, stats() and walk() are the inner allocator's; check() adds
 * the tracker's own invariants to the inner allocator's.
 */
export class TrackingAllocator implements HeapAllocator {
    readonly kind: string
    readonly region: StaticRegion
    private events: HeapEvents = null
    /** Slot i's key at keys[4i] (u32, 0 = empty). */
    private keys: ds.Buffer
    /** Slot i's size, seq, align·256 + tag at vals[12i], [12i + 4], [12i + 8]. */
    private vals: ds.Buffer
    private slots = 0
    /** 32 − log2(slots): the Fibonacci hash's shift. */
    private shift = 0
    private live = 0
    private liveBytes = 0
    private peakBytes = 0
    private peakLive = 0
    private allocs = 0
    private frees = 0
    private reallocs = 0
    private failures = 0
    private untracked = 0
    /** seq of the next allocation. */
    private seq = 0

    constructor(public readonly inner: HeapAllocator) {
        this.kind = inner.kind
        this.region = inner.region
        this.resize(INITIAL_SLOTS)
    }

    /**
     * Where reportLeaks() sends its blocks (null: nowhere). Typically the
     * LoggingAllocator above or below this one, which streams them as ~L lines.
     */
    setEvents(events: HeapEvents): void {
        this.events = events
    }

    /** Allocates an empty table of n slots (a power of two) and re-inserts every entry. */
    private resize(n: number): void {
        const oldKeys = this.keys
        const oldVals = this.vals
        const old = this.slots
        this.keys = ds.Buffer.alloc(n * 4)
        this.vals = ds.Buffer.alloc(n * 12)
        this.slots = n
        let s = 32
        for (let m = n; m > 1; m >>= 1) s--
        this.shift = s
        for (let i = 0; i < old; i++) {
            const k = oldKeys.getAt(i * 4, "u32")
            if (k === 0) continue
            let j = Math.imul(k, 0x9e3779b1) >>> s
            while (this.keys.getAt(j * 4, "u32") !== 0) j = (j + 1) & (n - 1)
            this.keys.setAt(j * 4, "u32", k)
            this.vals.blitAt(j * 12, oldVals, i * 12, 12)
        }
    }

    /** The slot holding ptr, or -1. */
    private find(ptr: number): number {
        const keys = this.keys
        const mask = this.slots - 1
        let i = Math.imul(ptr, 0x9e3779b1) >>> this.shift
        while (true) {
            const k = keys.getAt(i * 4, "u32")
            if (k === ptr) return i
            if (k === 0) return -1
            i = (i + 1) & mask
        }
    }

    /** Records a new entry (ptr not in the table, and a free slot guaranteed). */
    private insert(ptr: number, size: number, seq: number, meta: number): void {
        const keys = this.keys
        const mask = this.slots - 1
        let i = Math.imul(ptr, 0x9e3779b1) >>> this.shift
        while (keys.getAt(i * 4, "u32") !== 0) i = (i + 1) & mask
        keys.setAt(i * 4, "u32", ptr)
        const v = this.vals
        v.setAt(i * 12, "u32", size)
        v.setAt(i * 12 + 4, "u32", seq)
        v.setAt(i * 12 + 8, "u32", meta)
    }

    /**
     * Empties slot i and shifts back later entries of its probe run that
     * would otherwise become unreachable (Knuth's algorithm R): no tombstones.
     */
    private remove(i: number): void {
        const keys = this.keys
        const vals = this.vals
        const mask = this.slots - 1
        const shift = this.shift
        let j = i
        while (true) {
            j = (j + 1) & mask
            const k = keys.getAt(j * 4, "u32")
            if (k === 0) break
            const h = Math.imul(k, 0x9e3779b1) >>> shift
            // Move k into the hole at i unless its home h lies cyclically in (i, j].
            if (i <= j ? i < h && h <= j : i < h || h <= j) continue
            keys.setAt(i * 4, "u32", k)
            vals.blitAt(i * 12, vals, j * 12, 12)
            i = j
        }
        keys.setAt(i * 4, "u32", 0)
    }

    /** Makes room for one more entry; false when the table is at its largest and full. */
    private room(): boolean {
        // Load ≤ 3/4 after the insert.
        if ((this.live + 1) * 4 <= this.slots * 3) return true
        if (this.slots >= MAX_TRACKED_SLOTS) return false
        this.resize(this.slots * 2)
        return true
    }

    /** Records a block the inner allocator just made (p ≠ 0). */
    private track(p: number, layout: Layout): void {
        this.insert(p, layout.size, this.seq, layout.align * 256 + currentAllocTag())
        this.seq++
        this.allocs++
        this.live++
        if (this.live > this.peakLive) this.peakLive = this.live
        this.liveBytes += layout.size
        if (this.liveBytes > this.peakBytes) this.peakBytes = this.liveBytes
    }

    alloc(layout: Layout): number {
        if (!this.room()) {
            this.failures++
            return 0
        }
        const p = this.inner.alloc(layout)
        if (p === 0) this.failures++
        else this.track(p, layout)
        return p
    }

    allocZeroed(layout: Layout): number {
        if (!this.room()) {
            this.failures++
            return 0
        }
        const p = this.inner.allocZeroed(layout)
        if (p === 0) this.failures++
        else this.track(p, layout)
        return p
    }

    dealloc(ptr: number, layout: Layout): void {
        this.inner.dealloc(ptr, layout)
        // The inner allocator accepted it: ptr was live, so only now forget it.
        const i = this.find(ptr)
        if (i < 0) {
            this.untracked++
            return
        }
        this.liveBytes -= this.vals.getAt(i * 12, "u32")
        this.remove(i)
        this.live--
        this.frees++
    }

    realloc(ptr: number, layout: Layout, newSize: number): number {
        const p = this.inner.realloc(ptr, layout, newSize)
        if (p === 0) {
            this.failures++
            return 0
        }
        this.reallocs++
        const i = this.find(ptr)
        if (i < 0) {
            this.untracked++
            return p
        }
        const vals = this.vals
        const old = vals.getAt(i * 12, "u32")
        this.liveBytes += newSize - old
        if (this.liveBytes > this.peakBytes) this.peakBytes = this.liveBytes
        if (p === ptr) {
            vals.setAt(i * 12, "u32", newSize)
        } else {
            // Moved: the same block (tag, seq) under its new address. Remove first, so no growth is needed.
            const seq = vals.getAt(i * 12 + 4, "u32")
            const meta = vals.getAt(i * 12 + 8, "u32")
            this.remove(i)
            this.insert(p, newSize, seq, meta)
        }
        return p
    }

    /**
     * A point in time for leakReport/reportLeaks: the seq the next allocation
     * will get. Blocks allocated after the mark (and reallocated since, which
     * keeps their seq) are in leakReport(mark).
     *
     * ```ts
     * const m = heap.mark(); runPhase(); formatLeakReport(heap.leakReport(m)).forEach(l => console.log(l))
     * ```
     */
    mark(): number {
        return this.seq
    }

    /**
     * The tracked live block at ptr, or null (never allocated through this
     * wrapper, or already freed).
     *
     * ```ts
     * heap.liveBlock(v.asPtr()).kind === "vec"
     * ```
     */
    liveBlock(ptr: number): LeakBlock {
        const i = typeof ptr === "number" && ptr > 0 && ptr === ptr >>> 0 ? this.find(ptr) : -1
        if (i < 0) return null
        return this.entry(i)
    }

    /** Slot i as a LeakBlock. */
    private entry(i: number): LeakBlock {
        const v = this.vals
        const meta = v.getAt(i * 12 + 8, "u32")
        return new LeakBlock(this.keys.getAt(i * 4, "u32"), v.getAt(i * 12, "u32"), meta >>> 8, allocTagName(meta & 0xff), v.getAt(i * 12 + 4, "u32"))
    }

    /** A snapshot of the counters. */
    counts(): TrackingCounts {
        const c = new TrackingCounts()
        c.allocs = this.allocs
        c.frees = this.frees
        c.reallocs = this.reallocs
        c.failures = this.failures
        c.untracked = this.untracked
        c.live = this.live
        c.liveBytes = this.liveBytes
        c.peakBytes = this.peakBytes
        c.peakLive = this.peakLive
        return c
    }

    /**
     * The live blocks allocated at or after `since` (a mark(); default 0:
     * all), sorted by address, with totals per kind and overall.
     * HeapError(BadArgument) for a since that is not a whole number ≥ 0.
     *
     * ```ts
     * const r = heap.leakReport()
     * r.count === 2; r.kinds[0].kind === "vec"; r.blocks[0].ptr < r.blocks[1].ptr
     * ```
     */
    leakReport(since?: number): LeakReport {
        const from = since === undefined ? 0 : since
        if (typeof from !== "number" || !(from >= 0) || from !== Math.floor(from))
            throw new HeapError(HeapErrorCode.BadArgument, 0, "leak report since " + from + ": not a mark (a whole number >= 0)")
        const r = new LeakReport()
        r.since = from
        // Per-tag totals in two small arrays indexed by tag (≤ MAX_ALLOC_TAGS).
        const count: number[] = []
        const bytes: number[] = []
        for (let i = 0; i < this.slots; i++) {
            if (this.keys.getAt(i * 4, "u32") === 0 || this.vals.getAt(i * 12 + 4, "u32") < from) continue
            const b = this.entry(i)
            r.blocks.push(b)
            r.count++
            r.bytes += b.size
            const tag = this.vals.getAt(i * 12 + 8, "u32") & 0xff
            while (count.length <= tag) {
                count.push(0)
                bytes.push(0)
            }
            count[tag]++
            bytes[tag] += b.size
        }
        r.blocks = sortByAddress(r.blocks, this.region.base)
        // Kinds by bytes, largest first, ties in tag order: an insertion sort of ≤ 32 entries
        // (Array.sort's stability is not something to lean on in two runtimes).
        for (let t = 0; t < count.length; t++) {
            if (count[t] === 0) continue
            const k = new KindTotal(allocTagName(t), count[t], bytes[t])
            let at = r.kinds.length
            while (at > 0 && r.kinds[at - 1].bytes < k.bytes) at--
            r.kinds.push(k)
            for (let j = r.kinds.length - 1; j > at; j--) r.kinds[j] = r.kinds[j - 1]
            r.kinds[at] = k
        }
        return r
    }

    /**
     * leakReport(since), and one events.leak(ptr, size, align, kind) per block
     * (in address order) to the HeapEvents given by setEvents, if any.
     *
     * ```ts
     * heap.setEvents(logger)         // a LoggingAllocator
     * heap.reportLeaks(m)            // one ~L line per leaked block
     * ```
     */
    reportLeaks(since?: number): LeakReport {
        const r = this.leakReport(since)
        const ev = this.events
        if (ev !== null) for (let i = 0; i < r.blocks.length; i++) {
            const b = r.blocks[i]
            ev.leak(b.ptr, b.size, b.align, b.kind)
        }
        return r
    }

    /** The inner allocator's statistics (the tracker's own are counts()). */
    stats(): HeapStats {
        return this.inner.stats()
    }

    /**
     * The inner allocator's problems, then the tracker's: the table's entries
     * are all reachable from their hash slots, their count and sizes match
     * live and liveBytes, live === allocs − frees, every block lies in the
     * region aligned to its alignment with a registered tag, and the inner
     * allocator has at least as many live blocks as are tracked.
     */
    check(): string[] {
        const out = this.inner.check()
        const keys = this.keys
        const vals = this.vals
        const mask = this.slots - 1
        const r = this.region
        let n = 0
        let sum = 0
        for (let i = 0; i < this.slots; i++) {
            const k = keys.getAt(i * 4, "u32")
            if (k === 0) continue
            n++
            const size = vals.getAt(i * 12, "u32")
            const meta = vals.getAt(i * 12 + 8, "u32")
            const align = meta >>> 8
            sum += size
            // Reachable: no empty slot between its home and i.
            for (let j = Math.imul(k, 0x9e3779b1) >>> this.shift; j !== i; j = (j + 1) & mask) {
                if (keys.getAt(j * 4, "u32") === 0) {
                    out.push("tracking: block " + ptrText(k) + " in slot " + i + " is unreachable from its hash slot")
                    break
                }
            }
            if (k < r.base || k + size > r.base + r.size) out.push("tracking: block " + ptrText(k) + " (" + size + " B) is outside the region")
            if (align < 1 || (k & (align - 1)) !== 0) out.push("tracking: block " + ptrText(k) + " is not aligned to its align " + align)
            if ((meta & 0xff) >= allocTagCount()) out.push("tracking: block " + ptrText(k) + " has an unregistered tag " + (meta & 0xff))
        }
        if (n !== this.live) out.push("tracking: " + n + " entries in the table, but live is " + this.live)
        if (sum !== this.liveBytes) out.push("tracking: entries hold " + sum + " bytes, but liveBytes is " + this.liveBytes)
        if (this.live !== this.allocs - this.frees) out.push("tracking: live " + this.live + " != allocs " + this.allocs + " - frees " + this.frees)
        if (this.peakBytes < this.liveBytes) out.push("tracking: peakBytes " + this.peakBytes + " < liveBytes " + this.liveBytes)
        if (this.live * 4 > this.slots * 3) out.push("tracking: " + this.live + " entries in " + this.slots + " slots: over 3/4 full")
        const innerLive = this.inner.stats().liveBlocks
        if (innerLive < this.live) out.push("tracking: " + this.live + " blocks tracked but the inner allocator has only " + innerLive + " live")
        return out
    }

    walk(visit: BlockVisitor): void {
        this.inner.walk(visit)
    }
}

/**
 * The blocks in address order: an LSD radix sort on the offset in the region,
 * 8 bits a pass (two passes for any region ≤ 64 KiB), O(n) with no comparison
 * callbacks. Not Array.sort: the VM's is an insertion sort, O(n²) calls, and a
 * few hundred blocks already exceed a fiber's 131,072-opcode slice.
 * The digit counts live in one 1,028-byte Buffer, reused by every pass: as
 * a number[] of 257 they took 4 KiB of the VM's heap per pass (8 bytes an
 * element, capacity doubled to 512), which a 32 KiB board under --debug
 * --track no longer had at the final report (OutOfMemory).
 */
function sortByAddress(blocks: LeakBlock[], base: number): LeakBlock[] {
    let max = 0
    for (let i = 0; i < blocks.length; i++) if (blocks[i].ptr - base > max) max = blocks[i].ptr - base
    let src = blocks
    // start[d + 1] counts digit d; after the prefix sum, start[d] is digit d's first index (u32 at 4·d).
    const start = ds.Buffer.alloc(257 * 4)
    for (let shift = 0; shift === 0 || max >>> shift > 0; shift += 8) {
        start.fillAt(0, 257 * 4, 0)
        for (let i = 0; i < src.length; i++) {
            const at = ((((src[i].ptr - base) >>> shift) & 255) + 1) * 4
            start.setAt(at, "u32", start.getAt(at, "u32") + 1)
        }
        for (let d = 0; d < 256; d++) start.setAt(d * 4 + 4, "u32", start.getAt(d * 4 + 4, "u32") + start.getAt(d * 4, "u32"))
        const out: LeakBlock[] = []
        for (let i = 0; i < src.length; i++) out.push(null)
        for (let i = 0; i < src.length; i++) {
            const b = src[i]
            const at = (((b.ptr - base) >>> shift) & 255) * 4
            const to = start.getAt(at, "u32")
            start.setAt(at, "u32", to + 1)
            out[to] = b
        }
        src = out
    }
    return src
}

/**
 * Human-readable lines of a report: a summary, then one line per block in
 * address order. Every line stays under 150 characters (the device's dmesg
 * line limit): the per-kind list continues on further lines when long.
 *
 * ```ts
 * formatLeakReport(heap.leakReport())
 * // ["3 live blocks, 96 bytes: vec 1 (64 B), box 2 (32 B)",
 * //  "  0x20020000 16 B align 8 box #0", "  0x20020010 64 B align 4 vec #1", "  0x20020050 16 B align 8 box #2"]
 * ```
 */
export function formatLeakReport(report: LeakReport): string[] {
    const out: string[] = []
    let line = report.count + (report.count === 1 ? " live block, " : " live blocks, ") + report.bytes + (report.bytes === 1 ? " byte" : " bytes")
    if (report.since > 0) line += " since #" + report.since
    for (let i = 0; i < report.kinds.length; i++) {
        const k = report.kinds[i]
        const part = k.kind + " " + k.count + " (" + k.bytes + " B)"
        // ≤ 24-char name + two numbers < 2^32: a part is < 50 characters.
        if (line.length + part.length > 140) {
            out.push(line + ",")
            line = "  " + part
        } else {
            line += (i === 0 ? ": " : ", ") + part
        }
    }
    out.push(line)
    for (let i = 0; i < report.blocks.length; i++) {
        const b = report.blocks[i]
        out.push("  " + ptrText(b.ptr) + " " + b.size + " B align " + b.align + " " + b.kind + " #" + b.seq)
    }
    return out
}
