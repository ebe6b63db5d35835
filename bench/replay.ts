/**
 * bench/replay.ts — replays an encoded allocation trace (malloc-lab .rep, see
 * bench/trace/) against any HeapAllocator and checks every block it gets back.
 * DeviceScript-compatible: the same file runs in Node (vitest, npm run bench)
 * and inside the VM (ops in a hex`` literal in flash).
 *
 * Trace encoding (EncodedTrace.ops): OP_BYTES = 8 bytes per op, little-endian:
 *     +0 u16 slot   +2 u8 kind (OP_ALLOC / OP_REALLOC / OP_FREE)   +3 u8 0   +4 u32 size
 * Ids are renumbered to dense slots (a slot is reused once its block is freed),
 * so the slot table is `slots` entries however many ids the trace names.
 *
 * What replay checks (a failure throws ReplayError naming the op index, slot,
 * pointer and what broke; the heap is left as it is, for a post-mortem):
 *   - every pointer is aligned to options.align and [p, p + max(size, 1)) lies
 *     inside heap.region;
 *   - overlap, at once: a shadow map (one byte per granule of min(align, 8)
 *     bytes of the region, outside the region) marks the granules of every live
 *     block; a new (or reallocated) block whose first or last granule is
 *     already marked overlaps a live block. A new block that swallows a live
 *     block whole (neither end inside it) destroys that block's head tag, which
 *     the next check of that block finds;
 *   - contents (options.verify): each payload is written with a pattern from
 *     its slot and the op that (re)allocated it: one fill byte F over the whole
 *     block (one native fillAt), a 4-byte head tag at +0 (size ≥ 4) and a
 *     4-byte tail tag (≠ head) at size − 4 (size ≥ 8). Before a free or
 *     realloc the block is checked: head and tail tags exactly, the fill byte
 *     at up to 64 evenly spaced interior bytes (every 64th byte, or sparser for
 *     blocks above 4 KiB) and blocks under 8 bytes byte by byte. After a
 *     realloc the kept prefix min(old, new) is checked the same way against the
 *     old pattern, then the block is rewritten with the realloc's pattern. On a
 *     mismatch the whole block is scanned to name the first bad byte offset.
 *     Why sampled: a getAt costs ~0.3 µs in the VM, and a full read of every
 *     byte would cost milliseconds per 4 KiB block; the tags sit where
 *     allocator metadata lives (next to block boundaries), overlap is caught
 *     exactly by the shadow map, and a stray write into the middle of a block
 *     is caught when it hits a sampled byte (always, in blocks ≤ 64 bytes);
 *   - a HeapError thrown by the allocator becomes a ReplayError naming the op.
 * A failed allocation (0) is no correctness error: it is counted (failures,
 * firstFailure); the slot stays empty and later ops on it (realloc, free)
 * are counted in `skipped` instead of run. A failed realloc leaves the old
 * block valid and unchanged in its slot (the allocators' contract, checked),
 * and later ops use it with its old size. stopOnFailure ends the replay at the first one (a
 * footprint search only needs to know whether a region size works).
 *
 * Costs per op (VM, GC-stress off; measured numbers in the report of the
 * bench): 3 getAt to decode the op, one Layout object per allocator call, 2
 * getAt + one fillAt on the shadow map, and with verify: one fillAt + 2 setAt
 * to write and ≤ 66 getAt to check. Memory outside the region: the slot table
 * (12 bytes per slot, in Buffers of ≤ 4,096 slots) and the shadow map
 * (region.size / min(align, 8) bytes, in Buffers of ≤ 32 KiB).
 *
 * ```ts
 * const heap = new TlsfAllocator(StaticRegion.forBoard(PICO))
 * const opts = new ReplayOptions()
 * opts.yieldEvery = 20 // in the VM
 * const r = await replay(heap, trace, opts) // throws ReplayError on a correctness failure
 * console.log(r.failures === 0 ? "fits" : "first failure at op " + r.firstFailure)
 * ```
 */
import * as ds from "@devicescript/core"
import { HeapError } from "../src/core/errors"
import { HeapAllocator } from "../src/api/global_alloc"
import { hex, ptrText } from "../src/core/hex"
import { Layout } from "../src/core/layout"

/** One op of an encoded trace: 8 bytes little-endian: u16 slot, u8 kind, u8 0, u32 size. */
export const OP_BYTES = 8
/** a: allocate `size` bytes into slot. */
export const OP_ALLOC = 0
/** r: reallocate the block in slot to `size`. */
export const OP_REALLOC = 1
/** f: free the block in slot (size field = 0). */
export const OP_FREE = 2

/**
 * A trace ready to replay: ids renumbered to dense slots (a slot is reused after its block is
 * freed, so slots ≤ max live blocks), ops in a ds.Buffer (a hex`` literal in flash in the VM).
 */
export class EncodedTrace {
    constructor(public name: string, public ops: ds.Buffer, public count: number, public slots: number, public peakPayload: number) {}
}

/** How to replay. */
export class ReplayOptions {
    /** Yield (await ds.sleep(0)) every this many ops; 0 = never (Node). */
    yieldEvery = 0
    /** Fill each payload with a slot/op pattern and verify it on realloc and free (default true). */
    verify = true
    /** Stop at the first failed allocation (footprint search) instead of counting and going on. */
    stopOnFailure = false
    /** Alignment of every request (malloc-lab uses 8). */
    align = 8
    /**
     * Working buffers to reuse instead of allocating new ones (null: allocate). In the VM, a
     * program that replays dozens of times fragments the 64 KiB GC heap with the 4 KiB shadow
     * maps until one no longer fits; one ReplayScratch kept across its replays avoids that.
     * Replays sharing a scratch must not run at the same time.
     */
    scratch: ReplayScratch = null
}

/** Slot-table and shadow-map Buffers kept between replays (ReplayOptions.scratch). */
export class ReplayScratch {
    table: ds.Buffer[] = []
    shadow: ds.Buffer[] = []
}

/** Buffer i of `kept` zeroed if it holds ≥ n bytes, else a new one stored there. */
function scratchBuffer(kept: ds.Buffer[], i: number, n: number): ds.Buffer {
    if (i < kept.length && kept[i].length >= n) {
        kept[i].fillAt(0, n, 0)
        return kept[i]
    }
    const b = ds.Buffer.alloc(n)
    if (i < kept.length) kept[i] = b
    else kept.push(b)
    return b
}

/** What a replay did. */
export class ReplayResult {
    /** ops processed, skipped ones included (< trace.count only after stopOnFailure). */
    ops = 0
    /** allocator calls made, by kind (skipped ops are not calls). */
    allocs = 0
    reallocs = 0
    frees = 0
    /** alloc/realloc that returned 0; a failed alloc leaves its slot empty and later ops on it are skipped. */
    failures = 0
    /** index of the first failed op, −1 if none. */
    firstFailure = -1
    /** peak of the sum of live requested sizes (a realloc counts its new size) */
    peakPayload = 0
    /** ops not run because their slot was left empty by a failed alloc. */
    skipped = 0
}

/**
 * Thrown for a correctness failure: `op` is the op index, the message names op, slot and what broke.
 * `code` says what broke, for graders: "overlap", "misaligned", "out-of-region", "clobbered" (a
 * payload byte changed; `addr` is its address, `slot` the block's), "allocator-error" (the
 * allocator threw) or "encoding" (a bad trace).
 */
export class ReplayError extends Error {
    constructor(public op: number, message: string, public code?: string, public slot?: number, public addr?: number) {
        super(message)
        this.name = "ReplayError"
    }
}

/** Slots per slot-table Buffer: 4,096 × 12 bytes stays below the 0xE000 Buffer limit. */
const SLOT_CHUNK = 4096
const SLOT_BYTES = 12
/** Bytes per shadow-map Buffer. */
const SHADOW_CHUNK = 0x8000
/** Interior bytes checked per block at most. */
const MAX_SAMPLES = 64

/** Head tag of the pattern written by op `op` into slot `slot`: unique per (op, slot) for ops < 2^16. */
function headTag(op: number, slot: number): number {
    return ((((op & 0xffff) << 16) | (slot & 0xffff)) ^ 0x5aa5c33c) >>> 0
}

/** Tail tag: the head tag with every bit flipped, so a head copied to the tail does not pass. */
function tailTag(tag: number): number {
    return (tag ^ 0xffffffff) >>> 0
}

/** Fill byte: mixes all four tag bytes, never 0 (fresh and zeroed memory is 0). */
function fillByte(tag: number): number {
    const f = (tag ^ (tag >>> 8) ^ (tag >>> 16) ^ (tag >>> 24)) & 0xff
    return f === 0 ? 0x77 : f
}

/** The byte the pattern (tag, size) holds at offset i. */
function expectedByte(tag: number, size: number, i: number): number {
    if (size >= 4 && i < 4) return (tag >>> (i * 8)) & 0xff
    if (size >= 8 && i >= size - 4) return (tailTag(tag) >>> ((i - size + 4) * 8)) & 0xff
    return fillByte(tag)
}

/** Writes the pattern of `tag` into [off, off + size) of buf. */
function writePattern(buf: ds.Buffer, off: number, tag: number, size: number): void {
    if (size === 0) return
    buf.fillAt(off, size, fillByte(tag))
    if (size >= 4) buf.setAt(off, "u32", tag)
    if (size >= 8) buf.setAt(off + size - 4, "u32", tailTag(tag))
}

/** First offset in [0, limit) where the block differs from the pattern (tag, size), or −1: a full scan, for error messages. */
function firstBad(buf: ds.Buffer, off: number, tag: number, size: number, limit: number): number {
    for (let i = 0; i < limit; i++) if (buf.getAt(off + i, "u8") !== expectedByte(tag, size, i)) return i
    return -1
}

/**
 * True when the sampled bytes of [0, limit) match the pattern (tag, size):
 * blocks or prefixes under 8 bytes byte by byte, else the head tag, the tail
 * tag (when limit reaches it) and ≤ MAX_SAMPLES interior bytes.
 */
function sampleOk(buf: ds.Buffer, off: number, tag: number, size: number, limit: number): boolean {
    if (limit < 8 || size < 8) {
        for (let i = 0; i < limit; i++) if (buf.getAt(off + i, "u8") !== expectedByte(tag, size, i)) return false
        return true
    }
    if (buf.getAt(off, "u32") !== tag) return false
    if (limit >= size && buf.getAt(off + size - 4, "u32") !== tailTag(tag)) return false
    const end = limit < size - 4 ? limit : size - 4
    if (end <= 4) return true
    const f = fillByte(tag)
    let stride = 64
    while ((end - 4) / stride > MAX_SAMPLES) stride *= 2
    for (let i = 4; i < end; i += stride) if (buf.getAt(off + i, "u8") !== f) return false
    return buf.getAt(off + end - 1, "u8") === f
}

const KIND_NAMES = "arf"

/**
 * The replay's working state: slot table, shadow map and result. One per
 * replay() call; kept in a class so the hot loop's helpers share it without
 * closures (a closure may not capture loop variables in DeviceScript).
 */
class Replayer {
    res = new ReplayResult()
    table: ds.Buffer[] = []
    shadow: ds.Buffer[] = []
    gshift = 0
    buf: ds.Buffer
    base: number
    end: number
    live = 0

    constructor(public heap: HeapAllocator, public trace: EncodedTrace, public opts: ReplayOptions) {
        const r = heap.region
        this.buf = r.buf
        this.base = r.base
        this.end = r.base + r.size
        for (let s = 0; s < trace.slots; s += SLOT_CHUNK) {
            const n = trace.slots - s < SLOT_CHUNK ? trace.slots - s : SLOT_CHUNK
            this.table.push(opts.scratch === null ? ds.Buffer.alloc(n * SLOT_BYTES) : scratchBuffer(opts.scratch.table, this.table.length, n * SLOT_BYTES))
        }
        let g = 1
        while (g < opts.align && g < 8) {
            g *= 2
            this.gshift++
        }
        const granules = (r.size + g - 1) >> this.gshift
        for (let s = 0; s < granules; s += SHADOW_CHUNK) {
            const n = granules - s < SHADOW_CHUNK ? granules - s : SHADOW_CHUNK
            this.shadow.push(opts.scratch === null ? ds.Buffer.alloc(n) : scratchBuffer(opts.scratch.shadow, this.shadow.length, n))
        }
    }

    /** "op 12 (f slot 3)": how messages name an op. */
    who(i: number, kind: number, slot: number): string {
        return "op " + i + " (" + KIND_NAMES[kind] + " slot " + slot + ")"
    }

    shadowAt(g: number): number {
        return this.shadow[g >> 15].getAt(g & 0x7fff, "u8")
    }

    /** Sets the shadow bytes of the block [p, p + max(size, 1)) to v (1 live, 0 free). */
    mark(p: number, size: number, v: number): void {
        let g = (p - this.base) >> this.gshift
        const last = (p - this.base + (size > 0 ? size : 1) - 1) >> this.gshift
        while (g <= last) {
            const c = g >> 15
            const o = g & 0x7fff
            const n = last - g + 1 < SHADOW_CHUNK - o ? last - g + 1 : SHADOW_CHUNK - o
            this.shadow[c].fillAt(o, n, v)
            g += n
        }
    }

    /** The live slot whose block holds address a (for messages), or −1. */
    ownerOf(a: number): number {
        for (let s = 0; s < this.trace.slots; s++) {
            const p = this.ptrOf(s)
            if (p !== 0 && a >= p && a < p + (this.sizeOf(s) > 0 ? this.sizeOf(s) : 1)) return s
        }
        return -1
    }

    ptrOf(s: number): number {
        return this.table[s >> 12].getAt((s & 4095) * SLOT_BYTES, "u32")
    }
    sizeOf(s: number): number {
        return this.table[s >> 12].getAt((s & 4095) * SLOT_BYTES + 4, "u32")
    }
    opOf(s: number): number {
        return this.table[s >> 12].getAt((s & 4095) * SLOT_BYTES + 8, "u32")
    }
    setSlot(s: number, p: number, size: number, op: number): void {
        const t = this.table[s >> 12]
        const o = (s & 4095) * SLOT_BYTES
        t.setAt(o, "u32", p)
        t.setAt(o + 4, "u32", size)
        t.setAt(o + 8, "u32", op)
    }

    /** Checks a pointer the allocator returned and claims its granules; throws ReplayError. */
    accept(i: number, kind: number, slot: number, p: number, size: number): void {
        const n = size > 0 ? size : 1
        if ((p & (this.opts.align - 1)) !== 0)
            throw new ReplayError(i, this.who(i, kind, slot) + ": " + ptrText(p) + " (" + size + " bytes) is not aligned to " + this.opts.align, "misaligned", slot, p)
        if (p < this.base || p + n > this.end)
            throw new ReplayError(i, this.who(i, kind, slot) + ": " + ptrText(p) + " (" + size + " bytes) is outside the region " + ptrText(this.base) + ".." + ptrText(this.end), "out-of-region", slot, p)
        const g0 = (p - this.base) >> this.gshift
        const g1 = (p - this.base + n - 1) >> this.gshift
        if (this.shadowAt(g0) !== 0 || this.shadowAt(g1) !== 0) {
            const at = this.shadowAt(g0) !== 0 ? p : p + n - 1
            const other = this.ownerOf(at)
            throw new ReplayError(i, this.who(i, kind, slot) + ": block " + ptrText(p) + " (" + size + " bytes) overlaps live block " + (other < 0 ? "?" : "of slot " + other + " at " + ptrText(this.ptrOf(other)) + " (" + this.sizeOf(other) + " bytes)") + " at " + ptrText(at), "overlap", slot, at)
        }
        this.mark(p, size, 1)
    }

    /** Throws ReplayError unless [0, limit) of the block in `slot` still holds its pattern. */
    verify(i: number, kind: number, slot: number, p: number, tag: number, size: number, limit: number, what: string): void {
        const off = p - this.base
        if (sampleOk(this.buf, off, tag, size, limit)) return
        const bad = firstBad(this.buf, off, tag, size, limit)
        const got = bad < 0 ? -1 : this.buf.getAt(off + bad, "u8")
        throw new ReplayError(i, this.who(i, kind, slot) + ": " + what + " block " + ptrText(p) + " (" + size + " bytes): byte " + bad + " (" + ptrText(p + bad) + ") is 0x" + hex(got) + ", expected 0x" + hex(expectedByte(tag, size, bad)), "clobbered", slot, p + bad)
    }

    fail(i: number): boolean {
        this.res.failures++
        if (this.res.firstFailure < 0) this.res.firstFailure = i
        return this.opts.stopOnFailure
    }

    /** Runs op i; returns true when the replay must stop (stopOnFailure). */
    step(i: number): boolean {
        const ops = this.trace.ops
        const slot = ops.getAt(i * OP_BYTES, "u16")
        const kind = ops.getAt(i * OP_BYTES + 2, "u8")
        const size = ops.getAt(i * OP_BYTES + 4, "u32")
        const res = this.res
        const heap = this.heap
        const align = this.opts.align
        const verify = this.opts.verify
        res.ops++
        if (kind === OP_ALLOC) {
            if (this.ptrOf(slot) !== 0) throw new ReplayError(i, this.who(i, kind, slot) + ": slot is still live (a bad encoding)", "encoding")
            res.allocs++
            let p = 0
            try {
                p = heap.alloc(new Layout(size, align))
            } catch (e) {
                throw this.wrap(i, kind, slot, e)
            }
            if (p === 0) return this.fail(i)
            this.accept(i, kind, slot, p, size)
            if (verify) writePattern(this.buf, p - this.base, headTag(i, slot), size)
            this.setSlot(slot, p, size, i)
            this.live += size
            if (this.live > res.peakPayload) res.peakPayload = this.live
            return false
        }
        const p = this.ptrOf(slot)
        if (p === 0) {
            // Left empty by a failed alloc (the reader rejects traces that free unknown ids).
            res.skipped++
            return false
        }
        const old = this.sizeOf(slot)
        const tag = headTag(this.opOf(slot), slot)
        if (verify) this.verify(i, kind, slot, p, tag, old, old, "before " + (kind === OP_FREE ? "free," : "realloc,"))
        if (kind === OP_FREE) {
            res.frees++
            this.mark(p, old, 0)
            try {
                heap.dealloc(p, new Layout(old, align))
            } catch (e) {
                throw this.wrap(i, kind, slot, e)
            }
            this.setSlot(slot, 0, 0, 0)
            this.live -= old
            return false
        }
        if (kind !== OP_REALLOC) throw new ReplayError(i, "op " + i + ": unknown kind " + kind + " (a bad encoding)", "encoding")
        res.reallocs++
        let q = 0
        try {
            q = heap.realloc(p, new Layout(old, align), size)
        } catch (e) {
            throw this.wrap(i, kind, slot, e)
        }
        if (q === 0) return this.fail(i) // the old block stays valid and unchanged
        this.mark(p, old, 0)
        this.accept(i, kind, slot, q, size)
        if (verify) {
            this.verify(i, kind, slot, q, tag, old, old < size ? old : size, "after realloc from " + ptrText(p) + " (" + old + " bytes), kept prefix of")
            writePattern(this.buf, q - this.base, headTag(i, slot), size)
        }
        this.setSlot(slot, q, size, i)
        this.live += size - old
        if (this.live > res.peakPayload) res.peakPayload = this.live
        return false
    }

    /** A HeapError from the allocator as a ReplayError naming the op; anything else unchanged. */
    wrap(i: number, kind: number, slot: number, e: any): any {
        if (e instanceof HeapError) return new ReplayError(i, this.who(i, kind, slot) + ": the allocator threw " + e.message, "allocator-error", slot, e.ptr)
        return e
    }
}

/**
 * Replays `trace` against `heap` (which should be empty: the trace's blocks
 * are all it is checked against). Resolves to the counts; throws ReplayError
 * on a correctness failure (see the file header).
 *
 * ```ts
 * const r = await replay(new BuddyAllocator(region), loadTrace("short1-bal"))
 * r.failures === 0 && r.peakPayload === 8192
 * ```
 */
export async function replay(heap: HeapAllocator, trace: EncodedTrace, options?: ReplayOptions): Promise<ReplayResult> {
    const opts = options === undefined || options === null ? new ReplayOptions() : options
    const r = new Replayer(heap, trace, opts)
    const every = opts.yieldEvery
    let since = 0
    for (let i = 0; i < trace.count; i++) {
        if (r.step(i)) break
        if (every > 0 && ++since >= every) {
            since = 0
            await ds.sleep(0)
        }
    }
    return r.res
}
