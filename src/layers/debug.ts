/**
 * debug.ts — DebugAllocator: canaries, fill patterns and a quarantine around
 * any HeapAllocator, over one region or a view (the system allocator's
 * Buffers, a multi-region heap), so heap bugs show up where they happen (the
 * debug modes of dlmalloc/umm_malloc "integrity" and ASan's quarantine, as
 * one layer).
 *
 * Levels
 *   Off    plain pass-through: every call goes straight to the inner allocator.
 *   Light  every block gets a head canary word (bound to the block's pointer,
 *          size and alignment) and 4 tail canary bytes right after its last
 *          byte, checked on dealloc/realloc and on demand (scan(), check()):
 *          an overflow past the end by one byte, or an underflow by one byte
 *          before the start, is caught. Double free, wrong layout and foreign
 *          pointers get their own error codes, for every inner allocator.
 *   Full   Light, plus: a fresh payload is filled with 0xCD (uninitialised
 *          reads show), a freed payload with 0xDD (reads after free show), and
 *          freed blocks wait in a FIFO quarantine of up to `quarantineBytes`
 *          before going back to the inner allocator; their 0xDD fill is
 *          verified when they leave it (and by scan()/check()), so a write
 *          after free is caught.
 *
 * Block layout (Light and Full). Each user block of Layout(size, align) lives
 * inside an inner block of Layout(H + size + 4, max(align, 4)), H = max(16, align):
 *
 *     q = inner block            p = q + H = the user's pointer
 *     ┌────────────┬──────┬──────┬──────┬────────┬──────────────┬────┬─ ─ ─
 *     │ (H − 16)   │ next │ prev │ size │ canary │ payload      │ FD │ inner's
 *     │ padding    │ u32  │ u32  │ u32  │ u32    │ size bytes   │ ×4 │ rounding
 *     └────────────┴──────┴──────┴──────┴────────┴──────────────┴────┴─ ─ ─
 *                  p−16   p−12   p−8    p−4      p              p+size
 *
 *   canary  live:  mix(p) ^ sizeTerm(size) ^ (LIVE_TAG | log2(align))
 *           freed: mix(p) ^ FREED_TAG (does not depend on the size word)
 *     A live canary is only valid for its own pointer and size, so a stale or
 *     forged pointer, a wrong size and a clobbered word all fail to decode;
 *     the alignment is read back from its low 4 bits (WrongLayout on mismatch).
 *   next/prev  live blocks: a doubly-linked list (newest first, user pointers,
 *     0 ends it), so scan() and check() cost O(live) and need no side table;
 *     quarantined blocks: next = the next newer quarantined block, prev = align.
 *   The tail canary is 4 bytes of 0xFD written byte-wise at p + size, so even
 *   a 1-byte overflow (and an unaligned one) hits it; the head canary is the
 *   word right before p, so a 1-byte underflow hits it.
 *
 * Resolution: which Buffer holds a block. A debug block is one inner block,
 * and an inner block never spans two Buffers, so head, payload and tail of
 * block p lie in one Buffer at one offset o:
 *     one region (`flat`)   the region's Buffer, o = p − base
 *     a view                region.locate(p − 16, 20): a system block's own
 *                           Buffer, or the part of a RegionSet holding it
 * at(p) finds (Buffer, o) once per block touched, and returns null for an
 * address no one Buffer holds (a gap, past a system block's Buffer), so a
 * garbage link or user pointer is a finding, never an access elsewhere;
 * bounds read from a block (its size) are checked against that Buffer's
 * length. The links next/prev (user pointers of other blocks) go through
 * at() too. On a flat region the per-op paths (allocate, dealloc, realloc)
 * compute o inline instead of calling at() (`this.flat ? … : this.at(p)`),
 * allocate, dealloc and unlink write links inline instead of calling
 * setLink(), evict finds its block inline, and at() itself tests inline: a VM call costs 5–10 Buffer accesses
 * (shared/devicescript.md §2), and the flat path stays what it was before
 * views (bench/debug-cost.md: `npm run bench:debug`).
 *
 * Invariants (check() verifies them)
 *   D1 the live list from `head` visits exactly liveBlocks blocks, each prev
 *      link names the block before it, every canary decodes as LIVE and every
 *      tail is 0xFD ×4; the sizes sum to stats().requested;
 *   D2 the quarantine from qHead visits qCount blocks ending at qTail, each
 *      with a FREED canary, a 0xDD payload and an intact tail, whose inner
 *      sizes sum to qBytes ≤ quarantineBytes (after every call);
 *   D3 a misuse throws before any state changes (errors.ts), naming the
 *      user's pointer; a failure found where nothing may throw (eviction,
 *      drain, scan) is recorded once per (code, pointer), reported to
 *      HeapEvents.checkFailed and listed by check(), and the call succeeds;
 *   D4 stats() keep the HeapStats invariants: the inner's bytes (quarantined
 *      blocks count as in use: they are), this layer's call and block counts.
 *
 * Costs
 *   Overhead per block: Off 0; Light and Full H + 4 bytes = 20 bytes for
 *   align ≤ 16 (align + 4 above), plus the inner allocator's rounding of the
 *   bigger block; Full also keeps up to quarantineBytes of freed blocks
 *   (default min(capacity / 8, 4096)), which go back at once when an
 *   allocation would otherwise fail, so a debug level costs only its per-block
 *   overhead in capacity.
 *   Light: alloc/dealloc/realloc O(1) on top of the inner call: a handful of
 *   word reads/writes, one 4-byte fillAt, one Layout object.
 *   Full: + one native fillAt of the payload on alloc, free and realloc-grow
 *   (one VM opcode), and O(size / 4) word reads to verify each block that
 *   leaves the quarantine (at most quarantineBytes / 4 per call, plus one
 *   oversized block).
 *   A view adds its locate() per block touched (system O(1), multi O(log
 *   regions)) and one call per link followed.
 *   Misuse detection O(1), except a pointer that is no debug block: O(blocks)
 *   (one inner walk; two on a view when no Buffer holds its head).
 *   scan()/check(): O(live + quarantineBytes / 4).
 *   Inner bytes per 24-byte block (align 4) on a 32 KiB region (set by the
 *   block layouts, not timing),
 *   without → with the debug head and tail: buddy 32 → 64, bump 32 → 52,
 *   tlsf 32 → 56, pool 32 → 64; per 100-byte block: 108..128 → 128.
 *
 * Design notes (refinements of the first sketch, and limits)
 *   - The live canary also binds the alignment (its low 4 bits), so a
 *     dealloc with the right size but the wrong align is WrongLayout and the
 *     inner allocator never sees a wrong inner layout.
 *   - The FREED canary does not depend on the size word, and Light writes it
 *     too (just before the inner dealloc, which in every region kind here
 *     leaves that word alone): a double free is DoubleFree at every level,
 *     until the inner allocator hands that memory out again (then
 *     NotAllocated, or for an identical block at the same address an
 *     undetectable ABA, as in the inner allocators). The system allocator
 *     drops a freed block's Buffer, canary and all: then the allocator
 *     beneath is asked about the inner block (its DoubleFree for a free slot).
 *   - A quarantine link that leads out of every Buffer (a write after free
 *     that the fill check could not see first) is recorded as Corrupt and
 *     the rest of the quarantine is abandoned (leaked), never followed.
 *   - realloc marks the old place FREED first (restored when it stays or
 *     fails), so a stale pointer after a move is DoubleFree too. In Full the
 *     old place goes back to the inner allocator at once (the inner realloc
 *     moves it), not through the quarantine.
 *   - Misuse codes are the inner allocator's (issue 9): null, outside the
 *     region (NaN and ±Infinity included), not whole or not aligned to the
 *     layout are checked in its order; a pointer that is no debug block gets
 *     the code the inner allocator gives for it (asked only when the inner
 *     walk shows it starts no used block, so that call cannot free anything);
 *     Corrupt only for a valid LIVE head whose list links are broken. The
 *     valid dealloc/realloc path builds no strings (verify → misuse()).
 *   - A forged or mutated Layout is a LayoutError: allocate() runs layoutOk's
 *     inline test; dealloc/realloc compare the layout with the canary, which
 *     only a valid layout can match, and test it on the failure path.
 *   - Failures are recorded once per (code, pointer), at most 32 kept
 *     (droppedFailures counts the rest); clearFailures() forgets them.
 *   - Quarantined blocks stay in use in stats(): a caller that expects a
 *     freed block to be free or reused at once sees otherwise at Full unless
 *     quarantineBytes is 0 (tests/layers/debug.test.ts lists the conformance cases).
 *
 * ```ts
 * const heap = new DebugAllocator(new BuddyAllocator(region), DebugLevel.Full)
 * const l = Layout.fromSizeAlign(8, 4)
 * const p = heap.alloc(l)                // payload reads 0xCD
 * heap.region.writeU8(p + 8, 1)          // one byte past the end
 * heap.dealloc(p, l)                     // throws HeapError canary-clobbered naming p
 * heap.scan()                            // 1: the failure is recorded and reported
 * heap.check()                           // ["debug: canary-clobbered: ... tail ..."]
 * ```
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "../core/errors"
import { HeapEvents } from "../core/events"
import { BlockVisitor, checkNewSize, HeapAllocator } from "../api/global_alloc"
import { ptrText } from "../core/hex"
import { Layout, layoutError, layoutOk } from "../core/layout"
import { StaticRegion } from "../core/region"
import { HeapStats } from "../core/stats"

/** How much checking DebugAllocator does (see the file comment). */
export const enum DebugLevel {
    Off = 0,
    Light = 1,
    Full = 2,
}

/** Options of DebugAllocator. */
export interface DebugOptions {
    /**
     * Full level: how many bytes of freed blocks (inner block sizes) the
     * quarantine holds before the oldest goes back to the inner allocator.
     * 0 turns the quarantine off (fills stay on). Default min(capacity / 8, 4096).
     */
    quarantineBytes?: number
}

/** Fill of a fresh payload at Full level (alloc; allocZeroed zeroes). */
export const FILL_ALLOC = 0xcd
/** Fill of a freed payload at Full level. */
export const FILL_FREED = 0xdd
/** The tail canary byte (4 of them right after a block's last byte). */
export const CANARY_BYTE = 0xfd
/** Bytes of head metadata right before every payload: next, prev, size, canary. */
export const DEBUG_HEAD = 16
/** Tail canary bytes after every payload. */
export const DEBUG_TAIL = 4

const TAIL_WORD = 0xfdfdfdfd
const FREED_WORD = 0xdddddddd
/** LIVE tag: its low 4 bits hold log2(align). Compared as tag >>> 4. */
const LIVE_TAG = 0xa11ce550
const LIVE_TAG_HI = 0x0a11ce55
const FREED_TAG = 0xf4eedd0b
/** Most failures recorded (later ones are counted in droppedFailures). */
const MAX_RECORDED = 32

function mixPtr(p: number): number {
    return (Math.imul(p ^ 0x5bd1e995, 0x27d4eb2d) ^ (p >>> 13)) >>> 0
}

function sizeTerm(s: number): number {
    return Math.imul(s ^ 0x3c6ef372, 0x9e3779b1) >>> 0
}

function log2(align: number): number {
    let n = 0
    while (1 << n < align) n++
    return n
}

/**
 * A HeapAllocator that adds canaries (Light) and fills plus a quarantine
 * (Full) around `inner`. kind, region and walk() are the inner's, so it can
 * stand wherever the inner allocator stood (including setGlobalAllocator,
 * under a LoggingAllocator).
 *
 * ```ts
 * const debug = new DebugAllocator(new TlsfAllocator(region), DebugLevel.Light)
 * const heap = new LoggingAllocator(debug, "pico")
 * debug.setEvents(heap) // failures found by scan() stream as ~C lines
 * ```
 */
export class DebugAllocator implements HeapAllocator {
    readonly kind: string
    readonly region: StaticRegion
    /** Full level: the quarantine's capacity in bytes (inner block sizes). */
    readonly quarantineBytes: number
    /** Failures beyond the 32 recorded ones (counted, not kept). */
    droppedFailures = 0
    /** flat: the region's one Buffer (offset = pointer − base); a view's is empty. */
    private buf: ds.Buffer
    private base: number
    private end: number
    /** True when the region is one Buffer: the hot paths then find a block's offset inline (see at()). */
    private flat: boolean
    /** Offset of block p in the Buffer the last at(p) returned. */
    private o = 0
    private events: HeapEvents = null
    private recorded: HeapError[] = []
    /** Newest live block (user pointer), 0 when none. */
    private head = 0
    private live = 0
    private requested = 0
    /** Quarantine: oldest, newest, count and inner bytes. */
    private qHead = 0
    private qTail = 0
    private qCount = 0
    private qBytes = 0
    private allocs = 0
    private frees = 0
    private reallocs = 0
    private failed = 0
    private peakRequest = 0

    /**
     * Wraps `inner` at `level`. Throws HeapError(BadArgument) for a level
     * other than 0..2 or a quarantineBytes that is not a whole number ≥ 0.
     */
    constructor(public readonly inner: HeapAllocator, public readonly level: DebugLevel, options?: DebugOptions) {
        const lv = level as number
        if (lv !== 0 && lv !== 1 && lv !== 2)
            throw new HeapError(HeapErrorCode.BadArgument, 0, "debug level " + lv + " must be 0 (off), 1 (light) or 2 (full)")
        const q = options === undefined || options === null ? undefined : options.quarantineBytes
        let qb = 0
        if (q === undefined) {
            qb = Math.min(Math.floor(inner.stats().capacity / 8), 4096)
        } else {
            if (typeof q !== "number" || !(q >= 0) || q !== Math.floor(q))
                throw new HeapError(HeapErrorCode.BadArgument, 0, "quarantineBytes " + q + " must be a whole number ≥ 0")
            qb = q
        }
        this.quarantineBytes = qb
        this.kind = inner.kind
        this.region = inner.region
        this.buf = inner.region.buf
        this.base = inner.region.base
        this.end = inner.region.base + inner.region.size
        this.flat = inner.region.buf.length === inner.region.size
    }

    /**
     * Where failures found outside a throwing call are reported (null: nowhere).
     *
     * ```ts
     * debug.setEvents(logger) // logger.checkFailed(code, ptr) → a ~C line
     * ```
     */
    setEvents(events: HeapEvents): void {
        this.events = events
    }

    /** The failures recorded so far (a copy), oldest first. */
    failures(): HeapError[] {
        return this.recorded.slice(0)
    }

    /** Forgets the recorded failures (e.g. after a test provoked one on purpose). */
    clearFailures(): void {
        this.recorded = []
        this.droppedFailures = 0
    }

    /** Blocks waiting in the quarantine (Full level). */
    quarantined(): number {
        return this.qCount
    }

    /** Bytes the quarantine holds (inner block sizes; counted in stats().inUse). */
    quarantinedBytes(): number {
        return this.qBytes
    }

    alloc(layout: Layout): number {
        if (this.level === DebugLevel.Off) return this.inner.alloc(layout)
        return this.allocate(layout, false)
    }

    allocZeroed(layout: Layout): number {
        if (this.level === DebugLevel.Off) return this.inner.allocZeroed(layout)
        return this.allocate(layout, true)
    }

    /**
     * Verifies the block (throws before any change: DoubleFree, WrongLayout,
     * CanaryClobbered, NotAllocated, OutOfRegion, Misaligned), unlinks it and
     * frees it (Light) or fills and quarantines it (Full).
     */
    dealloc(ptr: number, layout: Layout): void {
        if (this.level === DebugLevel.Off) {
            this.inner.dealloc(ptr, layout)
            return
        }
        // at(ptr) inline when flat: a VM call costs 5–10 Buffer accesses (header: Resolution)
        const buf = this.flat ? this.buf : this.at(ptr)
        const o = this.flat ? ptr - this.base : this.o
        const size = this.verify(ptr, layout, "dealloc", buf, o)
        this.unlink(ptr, buf, o)
        this.live--
        this.requested -= size
        this.frees++
        const align = layout.align
        const h = align > 16 ? align : 16
        buf.setAt(o - 4, "u32", (mixPtr(ptr) ^ FREED_TAG) >>> 0)
        if (this.level === DebugLevel.Full) {
            if (size > 0) buf.fillAt(o, size, FILL_FREED)
            buf.setAt(o - 16, "u32", 0)
            buf.setAt(o - 12, "u32", align)
            if (this.qTail === 0) this.qHead = ptr
            else if (this.flat) buf.setAt(this.qTail - this.base - 16, "u32", ptr) // setLink inline: a call less (header: Resolution)
            else this.setLink(this.qTail, -16, ptr)
            this.qTail = ptr
            this.qCount++
            this.qBytes += h + size + 4
            while (this.qBytes > this.quarantineBytes && this.qCount > 0) this.evict()
            return
        }
        this.inner.dealloc(ptr - h, new Layout(h + size + 4, align > 4 ? align : 4))
    }

    /**
     * Verifies the block like dealloc, then resizes it through the inner
     * allocator (in place when it can); in Full the grown part reads 0xCD.
     * Returns 0 (block unchanged) when it cannot be served, after draining
     * the quarantine once.
     */
    realloc(ptr: number, layout: Layout, newSize: number): number {
        if (this.level === DebugLevel.Off) return this.inner.realloc(ptr, layout, newSize)
        checkNewSize(newSize, layout.align)
        const buf = this.flat ? this.buf : this.at(ptr) // as in dealloc
        const o = this.flat ? ptr - this.base : this.o
        const size = this.verify(ptr, layout, "realloc", buf, o)
        if (newSize > this.peakRequest) this.peakRequest = newSize
        const align = layout.align
        const h = align > 16 ? align : 16
        if (h + newSize + 4 > this.region.size) {
            this.failed++
            return 0
        }
        const old = new Layout(h + size + 4, align > 4 ? align : 4)
        // Mark the old place freed first, so a stale pointer to it after a
        // move is a DoubleFree; restored when the block stays or nothing changes.
        const oldMarker = buf.getAt(o - 4, "u32")
        buf.setAt(o - 4, "u32", (mixPtr(ptr) ^ FREED_TAG) >>> 0)
        let q = this.inner.realloc(ptr - h, old, h + newSize + 4)
        if (q === 0 && this.qCount > 0) {
            this.drain()
            q = this.inner.realloc(ptr - h, old, h + newSize + 4)
        }
        if (q === 0) {
            buf.setAt(o - 4, "u32", oldMarker) // the inner block is unchanged, so is its Buffer
            this.failed++
            return 0
        }
        const p = q + h
        // The new place: another Buffer when moved, or in place (a system block gets a new Buffer at the same address).
        const nb = this.flat ? buf : this.at(p)
        const no = this.flat ? p - this.base : this.o
        if (p !== ptr) {
            // Moved: the head came along; point the neighbours at the new place.
            const next = nb.getAt(no - 16, "u32")
            const prev = nb.getAt(no - 12, "u32")
            if (prev !== 0) this.setLink(prev, -16, p)
            else this.head = p
            if (next !== 0) this.setLink(next, -12, p)
        }
        if (this.level === DebugLevel.Full && newSize > size) nb.fillAt(no + size, newSize - size, FILL_ALLOC)
        nb.setAt(no - 8, "u32", newSize)
        nb.setAt(no - 4, "u32", (mixPtr(p) ^ sizeTerm(newSize) ^ (LIVE_TAG | log2(align))) >>> 0)
        nb.fillAt(no + newSize, 4, CANARY_BYTE)
        this.requested += newSize - size
        this.reallocs++
        return p
    }

    /**
     * Empties the quarantine now, verifying every block's fill (failures are
     * recorded and reported, not thrown). alloc and realloc do this by
     * themselves before they would return 0.
     */
    drain(): void {
        while (this.qCount > 0) this.evict()
    }

    /**
     * The check on demand: every live block's canaries and every quarantined
     * block's fill. Failures not recorded before are recorded and reported to
     * HeapEvents.checkFailed; returns how many new ones it found. Never throws
     * for a failure it finds. O(live + quarantineBytes / 4).
     *
     * ```ts
     * if (heap.scan() > 0) console.log(heap.failures()[0].message)
     * ```
     */
    scan(): number {
        let found = 0
        let p = this.head
        for (let n = 0; p !== 0 && n < this.live; n++) {
            const buf = this.at(p)
            if (buf === null) {
                if (this.record(HeapErrorCode.Corrupt, p, "the live list reaches an invalid address " + ptrText(p))) found++
                break
            }
            const o = this.o
            const e = this.liveProblem(p, buf, o)
            if (e !== null && this.recordError(e)) found++
            p = buf.getAt(o - 16, "u32")
        }
        p = this.qHead
        for (let n = 0; p !== 0 && n < this.qCount; n++) {
            const buf = this.at(p)
            if (buf === null) {
                if (this.record(HeapErrorCode.Corrupt, p, "the quarantine reaches an invalid address " + ptrText(p))) found++
                break
            }
            const o = this.o
            const e = this.freedProblem(p, buf, o)
            if (e !== null && this.recordError(e)) found++
            p = buf.getAt(o - 16, "u32")
        }
        return found
    }

    /**
     * Statistics: the inner's bytes (capacity, free, inUse, peakInUse), this
     * layer's counts (requested = user payload bytes, liveBlocks = user
     * blocks; quarantined blocks are neither live nor free), and largestFree
     * as the largest align-1 user request the inner's largest free block holds.
     */
    stats(): HeapStats {
        const s = this.inner.stats()
        if (this.level === DebugLevel.Off) return s
        // Head, tail and up to 3 bytes of rounding to the inner's align 4.
        const largest = s.largestFree > DEBUG_HEAD + DEBUG_TAIL + 3 ? s.largestFree - (DEBUG_HEAD + DEBUG_TAIL + 3) : 0
        return HeapStats.of(s.capacity, s.free, this.requested, s.peakInUse, largest, this.peakRequest).counted(this.live, this.allocs, this.frees, this.reallocs, this.failed)
    }

    /**
     * inner.check(), then this layer's invariants D1, D2 and D4, then every
     * recorded failure, as sentences; [] when all is well. A canary or fill
     * problem already recorded is listed once (as the recorded failure).
     */
    check(): string[] {
        const out = this.inner.check()
        if (this.level !== DebugLevel.Off) {
            this.checkLive(out)
            this.checkQuarantine(out)
            const sp = this.stats().problems()
            for (let i = 0; i < sp.length; i++) out.push("debug " + sp[i])
        }
        for (let i = 0; i < this.recorded.length; i++) out.push("debug: " + this.recorded[i].message)
        if (this.droppedFailures > 0) out.push("debug: " + this.droppedFailures + " more failures were not recorded")
        return out
    }

    /** The inner allocator's walk (user blocks appear with their debug head and tail). */
    walk(visit: BlockVisitor): void {
        this.inner.walk(visit)
    }

    // ---- internals -------------------------------------------------------

    private allocate(layout: Layout, zeroed: boolean): number {
        const size = layout.size
        const align = layout.align
        // layoutOk() inline (layout.ts: a forged Layout is a LayoutError; a call would cost more than the test)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, zeroed ? "allocZeroed" : "alloc")
        if (size > this.peakRequest) this.peakRequest = size
        const h = align > 16 ? align : 16
        if (h + size + 4 > this.region.size) {
            this.failed++
            return 0
        }
        const il = new Layout(h + size + 4, align > 4 ? align : 4)
        let q = this.inner.alloc(il)
        if (q === 0 && this.qCount > 0) {
            this.drain()
            q = this.inner.alloc(il)
        }
        if (q === 0) {
            this.failed++
            return 0
        }
        const p = q + h
        // at(p) inline when flat: a VM call costs 5–10 Buffer accesses (header: Resolution)
        const buf = this.flat ? this.buf : this.at(p)
        const o = this.flat ? p - this.base : this.o
        if (size > 0 && (zeroed || this.level === DebugLevel.Full)) buf.fillAt(o, size, zeroed ? 0 : FILL_ALLOC)
        buf.setAt(o - 16, "u32", this.head)
        buf.setAt(o - 12, "u32", 0)
        buf.setAt(o - 8, "u32", size)
        buf.setAt(o - 4, "u32", (mixPtr(p) ^ sizeTerm(size) ^ (LIVE_TAG | log2(align))) >>> 0)
        buf.fillAt(o + size, 4, CANARY_BYTE)
        if (this.head !== 0) {
            if (this.flat) buf.setAt(this.head - this.base - 12, "u32", p) // setLink inline: a call less (header: Resolution)
            else this.setLink(this.head, -12, p)
        }
        this.head = p
        this.live++
        this.requested += size
        this.allocs++
        return p
    }

    /**
     * The Buffer holding block p's head and first 4 payload bytes [p − 16,
     * p + 4), with p's offset in it left in this.o; null when p is not a
     * whole word-aligned address or no one Buffer holds that range (outside
     * the region, in a gap between regions, past a system block's Buffer).
     * The rest of p's inner block is in the same Buffer (an inner block
     * never spans two), so one at() per block touched is enough. Never
     * throws: links and user pointers may be garbage.
     */
    private at(p: number): ds.Buffer {
        if (this.flat) {
            // The range test inline (what linkOk() tested before views): no locate() call per link followed.
            // p is whole: links are u32 reads, user pointers passed verify's or misuse's whole-number test.
            if ((p & 3) !== 0 || !(p - 16 >= this.base && p + 4 <= this.end)) return null
            this.o = p - this.base
            return this.buf
        }
        const b = (p & 3) === 0 ? this.region.locate(p - 16, 20) : null
        this.o = this.region.located + 16
        return b
    }

    /** Sets the link word at `field` (−16 next, −12 prev) of live or quarantined block p, reached by a link. */
    private setLink(p: number, field: number, v: number): void {
        if (this.flat) this.buf.setAt(p - this.base + field, "u32", v)
        else {
            const b = this.at(p) // bound first: the VM evaluates setAt's arguments before its Buffer (routed_region.ts)
            b.setAt(this.o + field, "u32", v)
        }
    }

    /** True when p's list neighbours point back at it (p at offset o of buf): p is a live block even if its canary is gone. */
    private linked(p: number, buf: ds.Buffer, o: number): boolean {
        const next = buf.getAt(o - 16, "u32")
        const prev = buf.getAt(o - 12, "u32")
        if (prev === 0) {
            if (this.head !== p) return false
        } else {
            const b = this.at(prev)
            if (b === null || b.getAt(this.o - 16, "u32") !== p) return false
        }
        if (next !== 0) {
            const b = this.at(next)
            if (b === null || b.getAt(this.o - 12, "u32") !== p) return false
        }
        return true
    }

    /**
     * Checks that (ptr, layout) is a live block of this layer, before any
     * change; returns its size or throws. The valid case does no string work:
     * a whole, word-aligned pointer with room for its head whose canary
     * decodes as LIVE for exactly this size and align, an intact tail and
     * list neighbours that point back. Only a valid layout can match a
     * canary, so a forged one fails here too; misuse() names what is wrong.
     */
    private verify(ptr: number, layout: Layout, op: string, buf: ds.Buffer, o: number): number {
        // buf, o: the caller's at(ptr) (inline when flat: then o may be anything, tested here).
        // (o | 0) === o: a whole offset (NaN and ±Infinity fail the range test first).
        if (buf !== null && o >= 16 && o < buf.length && (o | 0) === o && (o & 3) === 0) {
            const size = buf.getAt(o - 8, "u32")
            const x = (buf.getAt(o - 4, "u32") ^ mixPtr(ptr) ^ sizeTerm(size)) >>> 0
            if (x >>> 4 === LIVE_TAG_HI && size === layout.size && 1 << (x & 15) === layout.align && o + size + 4 <= buf.length && buf.getAt(o + size, "u32") === TAIL_WORD && this.linked(ptr, buf, o))
                return size
        }
        throw this.misuse(ptr, layout, op)
    }

    /**
     * What is wrong with (ptr, layout), once verify's fast test failed. The
     * order and codes are the inner allocators' (errors.ts, each allocator's
     * header): a forged layout (LayoutError), null (NotAllocated), outside the
     * region incl. NaN/±Infinity (OutOfRegion), not whole or not aligned to
     * layout.align (Misaligned); then this layer's own findings: a LIVE head
     * with another size/align (WrongLayout), a clobbered tail or head
     * (CanaryClobbered), a FREED head (DoubleFree), and Corrupt only for a
     * valid LIVE head whose list links are broken (check() reports it too).
     */
    private misuse(ptr: number, layout: Layout, op: string): Error {
        if (!layoutOk(layout.size, layout.align)) return layoutError(layout, op)
        if (ptr === 0) return new HeapError(HeapErrorCode.NotAllocated, 0, op + ": null pointer")
        const call = op + "(" + ptrText(ptr) + "): "
        if (typeof ptr !== "number" || !(ptr >= this.base && ptr < this.end))
            return new HeapError(HeapErrorCode.OutOfRegion, ptr, call + "outside the region " + ptrText(this.base) + ".." + ptrText(this.end))
        const o = ptr - this.base
        if (o !== Math.floor(o)) return new HeapError(HeapErrorCode.Misaligned, ptr, call + "not a whole address")
        if ((o & (layout.align - 1)) !== 0) return new HeapError(HeapErrorCode.Misaligned, ptr, call + "not aligned to " + layout.align)
        if ((o & 3) !== 0 || o < 16) return new HeapError(HeapErrorCode.NotAllocated, ptr, call + "not a block of this debug layer (no room for its head)")
        const buf = this.at(ptr)
        if (buf === null) {
            // No one Buffer holds its head (a gap, a system block's first bytes or past its Buffer):
            // no debug block, or one whose memory went back to the allocator beneath (the system
            // allocator drops a freed block's Buffer, FREED canary and all): that one knows its inner block.
            const h = layout.align > 16 ? layout.align : 16
            const freed = layout.size <= 0x7fffffff - h - 4 ? this.innerError(ptr - h, new Layout(h + layout.size + 4, layout.align > 4 ? layout.align : 4)) : null
            if (freed !== null && freed.code === HeapErrorCode.DoubleFree) return new HeapError(HeapErrorCode.DoubleFree, ptr, call + "the block was already freed (the allocator beneath says " + freed.message + ")")
            return this.innerVerdict(ptr, layout, call)
        }
        const bo = this.o
        const size = buf.getAt(bo - 8, "u32")
        const c = buf.getAt(bo - 4, "u32")
        const m = mixPtr(ptr)
        const x = (c ^ m ^ sizeTerm(size)) >>> 0
        if (x >>> 4 === LIVE_TAG_HI) {
            const align = 1 << (x & 15)
            if (size !== layout.size || align !== layout.align)
                return new HeapError(HeapErrorCode.WrongLayout, ptr, call + "the block was allocated with size " + size + ", align " + align + "; got size " + layout.size + ", align " + layout.align)
            if (bo + size + 4 > buf.length || !this.linked(ptr, buf, bo))
                return new HeapError(HeapErrorCode.Corrupt, ptr, call + "the block's head is valid but its list links are broken; run check()")
            return new HeapError(HeapErrorCode.CanaryClobbered, ptr, call + "tail canary after byte " + size + " changed: a write past the block's end")
        }
        if ((c ^ m) >>> 0 === FREED_TAG) return new HeapError(HeapErrorCode.DoubleFree, ptr, call + "the block was already freed")
        if (this.linked(ptr, buf, bo)) return new HeapError(HeapErrorCode.CanaryClobbered, ptr, call + "head canary changed: a write before the block's start")
        return this.innerVerdict(ptr, layout, call)
    }

    /**
     * ptr is no block of this layer. Which code? The one the allocator
     * beneath gives for the same pointer, so a program sees the same codes
     * with and without the debug layer (buddy's 16-byte grain makes p + 8
     * Misaligned; a free block's start is DoubleFree for buddy, bump, pool).
     * inner.dealloc(ptr, layout) is asked only when the inner walk shows
     * that ptr starts no used inner block, so by the inner allocators'
     * contract it throws before any change. O(blocks): misuse path only.
     */
    private innerVerdict(ptr: number, layout: Layout, call: string): HeapError {
        const e = this.innerError(ptr, layout)
        if (e !== null) return new HeapError(e.code, ptr, call + "not a block handed out by this debug layer (the allocator beneath says " + e.message + ")")
        return new HeapError(HeapErrorCode.NotAllocated, ptr, call + "not a block handed out by this debug layer (no valid head canary)")
    }

    /**
     * The HeapError inner.dealloc(p, layout) throws, asked only when the
     * inner walk shows p starts no used inner block (so by the inner
     * allocators' contract the call changes nothing); null when p starts
     * a used block or nothing is thrown. O(blocks): misuse path only.
     */
    private innerError(p: number, layout: Layout): HeapError {
        let used = false
        this.inner.walk((q, size, u) => {
            if (u && q === p) used = true
        })
        if (used) return null
        try {
            this.inner.dealloc(p, layout)
        } catch (e) {
            if (e instanceof HeapError) return e
        }
        return null
    }

    /** Removes live block p (at offset o of buf) from the live list. */
    private unlink(p: number, buf: ds.Buffer, o: number): void {
        const next = buf.getAt(o - 16, "u32")
        const prev = buf.getAt(o - 12, "u32")
        // setLink inline when flat: a call less per link (header: Resolution)
        if (prev === 0) this.head = next
        else if (this.flat) buf.setAt(prev - this.base - 16, "u32", next)
        else this.setLink(prev, -16, next)
        if (next === 0) return
        if (this.flat) buf.setAt(next - this.base - 12, "u32", prev)
        else this.setLink(next, -12, prev)
    }

    /** The problem with live block p's canaries (p at offset o of buf), or null. */
    private liveProblem(p: number, buf: ds.Buffer, o: number): HeapError {
        const size = buf.getAt(o - 8, "u32")
        const x = (buf.getAt(o - 4, "u32") ^ mixPtr(p) ^ sizeTerm(size)) >>> 0
        if (x >>> 4 !== LIVE_TAG_HI) return new HeapError(HeapErrorCode.CanaryClobbered, p, "live block " + ptrText(p) + ": head canary changed: a write before the block's start")
        if (o + size + 4 > buf.length) return new HeapError(HeapErrorCode.Corrupt, p, "live block " + ptrText(p) + ": size " + size + " passes the end of its memory")
        if (buf.getAt(o + size, "u32") !== TAIL_WORD)
            return new HeapError(HeapErrorCode.CanaryClobbered, p, "live block " + ptrText(p) + " of " + size + " bytes: tail canary changed: a write past the block's end")
        return null
    }

    /** The problem with quarantined block p (at offset o of buf: FREED canary, 0xDD fill, tail), or null. O(size / 4). */
    private freedProblem(p: number, buf: ds.Buffer, o: number): HeapError {
        if ((buf.getAt(o - 4, "u32") ^ mixPtr(p)) >>> 0 !== FREED_TAG)
            return new HeapError(HeapErrorCode.WriteAfterFree, p, "freed block " + ptrText(p) + ": head canary changed after free")
        const size = buf.getAt(o - 8, "u32")
        if (o + size + 4 > buf.length) return new HeapError(HeapErrorCode.Corrupt, p, "freed block " + ptrText(p) + ": size " + size + " passes the end of its memory")
        let i = 0
        while (i + 4 <= size && buf.getAt(o + i, "u32") === FREED_WORD) i += 4
        while (i < size && buf.getAt(o + i, "u8") === FILL_FREED) i++
        if (i < size) return new HeapError(HeapErrorCode.WriteAfterFree, p, "freed block " + ptrText(p) + " of " + size + " bytes: byte " + i + " changed after free")
        if (buf.getAt(o + size, "u32") !== TAIL_WORD)
            return new HeapError(HeapErrorCode.CanaryClobbered, p, "freed block " + ptrText(p) + " of " + size + " bytes: tail canary changed")
        return null
    }

    /** Takes the oldest block out of the quarantine, verifies it and returns it to the inner allocator. */
    private evict(): void {
        const p = this.qHead
        const buf = this.flat ? this.buf : this.at(p) // inline when flat: a call less per eviction (header: Resolution)
        const o = this.flat ? p - this.base : this.o
        if (buf === null || !(o >= 16 && o + 4 <= buf.length)) {
            // A clobbered link led here: the rest of the quarantine cannot be followed; leak it, never throw.
            this.record(HeapErrorCode.Corrupt, p, "the quarantine reaches an invalid address " + ptrText(p) + "; its " + this.qCount + " blocks are abandoned")
            this.qHead = 0
            this.qTail = 0
            this.qCount = 0
            this.qBytes = 0
            return
        }
        const next = buf.getAt(o - 16, "u32")
        const align = buf.getAt(o - 12, "u32")
        const size = buf.getAt(o - 8, "u32")
        this.qHead = next
        if (next === 0) this.qTail = 0
        this.qCount--
        const h = align > 16 ? align : 16
        this.qBytes -= h + size + 4
        if (this.qCount === 0) this.qBytes = 0 // a clobbered size word cannot leave a residue
        const e = this.freedProblem(p, buf, o)
        if (e !== null) this.recordError(e)
        if (e !== null && e.code !== HeapErrorCode.WriteAfterFree && e.code !== HeapErrorCode.CanaryClobbered) return // size unknown: leak it
        try {
            this.inner.dealloc(p - h, new Layout(h + size + 4, align > 4 ? align : 4))
        } catch (err) {
            // The head was clobbered in a way the canary missed: keep the block (leaked) rather than throw.
            this.record(HeapErrorCode.Corrupt, p, "freed block " + ptrText(p) + " could not be returned to the inner allocator: " + (err instanceof Error ? err.message : "?"))
        }
    }

    private isRecorded(code: number, ptr: number): boolean {
        for (let i = 0; i < this.recorded.length; i++) if (this.recorded[i].code === code && this.recorded[i].ptr === ptr) return true
        return false
    }

    /** Records e unless (code, ptr) is already recorded; reports it. True when new. */
    private recordError(e: HeapError): boolean {
        if (this.isRecorded(e.code, e.ptr)) return false
        if (this.recorded.length < MAX_RECORDED) this.recorded.push(e)
        else this.droppedFailures++
        if (this.events !== null) this.events.checkFailed(e.code, e.ptr)
        return true
    }

    private record(code: HeapErrorCode, ptr: number, message: string): boolean {
        if (this.isRecorded(code, ptr)) return false
        return this.recordError(new HeapError(code, ptr, message))
    }

    /** D1 into out. */
    private checkLive(out: string[]): void {
        let p = this.head
        let prev = 0
        let n = 0
        let sum = 0
        while (p !== 0 && n <= this.live) {
            const buf = this.at(p)
            if (buf === null) {
                out.push("debug: live list: invalid block address " + ptrText(p) + " after " + n + " blocks")
                return
            }
            const o = this.o
            if (buf.getAt(o - 12, "u32") !== prev) out.push("debug: live block " + ptrText(p) + ": prev link " + ptrText(buf.getAt(o - 12, "u32")) + ", expected " + ptrText(prev))
            const e = this.liveProblem(p, buf, o)
            if (e !== null && !this.isRecorded(e.code, p)) out.push("debug: " + e.message)
            sum += buf.getAt(o - 8, "u32")
            n++
            prev = p
            p = buf.getAt(o - 16, "u32")
        }
        if (n !== this.live) out.push("debug: live list has " + (p !== 0 ? "more than " : "") + n + " blocks, expected " + this.live)
        else if (sum !== this.requested) out.push("debug: live blocks hold " + sum + " bytes, expected requested " + this.requested)
    }

    /** D2 into out. */
    private checkQuarantine(out: string[]): void {
        let p = this.qHead
        let last = 0
        let n = 0
        let bytes = 0
        while (p !== 0 && n <= this.qCount) {
            const buf = this.at(p)
            if (buf === null) {
                out.push("debug: quarantine: invalid block address " + ptrText(p) + " after " + n + " blocks")
                return
            }
            const o = this.o
            const e = this.freedProblem(p, buf, o)
            if (e !== null && !this.isRecorded(e.code, p)) out.push("debug: " + e.message)
            const align = buf.getAt(o - 12, "u32")
            bytes += (align > 16 ? align : 16) + buf.getAt(o - 8, "u32") + 4
            n++
            last = p
            p = buf.getAt(o - 16, "u32")
        }
        if (n !== this.qCount) out.push("debug: quarantine has " + (p !== 0 ? "more than " : "") + n + " blocks, expected " + this.qCount)
        else if (last !== this.qTail) out.push("debug: quarantine ends at " + ptrText(last) + ", expected " + ptrText(this.qTail))
        else if (bytes !== this.qBytes) out.push("debug: quarantine holds " + bytes + " bytes, expected " + this.qBytes)
        if (this.qBytes > this.quarantineBytes) out.push("debug: quarantine holds " + this.qBytes + " bytes, more than its " + this.quarantineBytes)
    }
}
