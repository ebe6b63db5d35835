/**
 * bench/counting.ts — host only: a deterministic cost per allocator call,
 * counted as region reads and writes instead of timed.
 *
 * What is counted (the definition every table uses)
 *   Our allocators keep all metadata in the region and reach it only through
 *   region.buf (each caches that Buffer at construction). countCosts builds
 *   the region over a counting view of the Buffer first, then the allocator:
 *     getAt                      1 read
 *     setAt                      1 write
 *     fillAt                     1 write  (+ its byte count in `bytes`)
 *     blitAt region → region     1 read + 1 write (+ its byte count in `bytes`)
 *   One call is one access whatever its width, because in the DeviceScript VM
 *   each is one opcode; fill and blit move payload bytes in proportion to the
 *   block (a realloc's copy, allocZeroed's fill), so their byte counts are a
 *   separate column instead of being mixed into the access counts. A blit
 *   from the region into another Buffer would not be seen (no allocator does
 *   one). Construction is counted apart (`setupAccesses`), never as an op.
 *   thi.ng (@thi.ng/malloc) uses typed arrays, not a ds.Buffer: its u32, u8
 *   and state arrays are swapped for counting Proxies — an indexed element
 *   read is 1 read, an element write 1 write, u8.copyWithin 1 read + 1 write
 *   and u8.fill 1 write (+ bytes) — the same unit (one access to a metadata
 *   word), so its column compares. The adapter's own header reads (for its
 *   statistics, bench/thing.ts) use a separate array and are not counted.
 * Per op: a wrapper around the allocator takes the counts before and after
 *   every alloc/allocZeroed/dealloc/realloc the replay makes, so only the
 *   allocator's work is counted — and the replay runs with verify OFF, so
 *   the harness's pattern fills and checks never run (they would be region
 *   accesses too). A failed call is an op like any other.
 * Costs: a Proxy/closure per access: ~10–50× slower than a plain replay;
 *   meant for deterministic tables, not speed.
 *
 * ```ts
 * const c = await countCosts("tlsf", loadTrace("amptjp-bal"), 8049152)
 * console.log(c.all.meanAccesses(), c.all.maxAccesses) // amptjp-bal at 8 MiB: 22.2, 33
 * ```
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "../src/core/errors"
import { ForwardingAllocator } from "../src/layers/forwarding"
import { HeapAllocator } from "../src/api/global_alloc"
import { Layout } from "../src/core/layout"
import { EncodedTrace, ReplayOptions, ReplayResult, replay } from "./replay"
import { hostRegion, makeBenchHeap, THING } from "./kinds"
import { regionOver } from "./region_over"
import { ThingAllocator } from "./thing"

/** Running totals of region accesses (see the file header for the unit). */
export class Tally {
    reads = 0
    writes = 0
    bytes = 0
}

/**
 * A view of `inner` that counts into `t`: same bytes, same behaviour (every
 * call goes to the real shim Buffer), every other member inherited.
 */
export function countingBuffer(inner: ds.Buffer, t: Tally): ds.Buffer {
    const c = Object.create(inner) as ds.Buffer
    const self = c
    Object.assign(c, {
        getAt(offset: number, fmt: any): number {
            t.reads++
            return inner.getAt(offset, fmt)
        },
        setAt(offset: number, fmt: any, v: number): void {
            t.writes++
            inner.setAt(offset, fmt, v)
        },
        fillAt(offset: number, length: number, v: number): void {
            t.writes++
            t.bytes += length
            inner.fillAt(offset, length, v)
        },
        blitAt(dst: number, src: ds.Buffer, srcOffset: number, length: number): void {
            t.writes++
            if (src === self || src === inner) t.reads++
            t.bytes += length
            inner.blitAt(dst, src === self ? inner : src, srcOffset, length)
        },
    })
    return c
}

/** A typed array whose element reads and writes count into t (see the header). */
function countingArray<T extends Uint8Array | Uint32Array>(a: T, t: Tally): T {
    return new Proxy(a, {
        get(target, p) {
            if (typeof p === "string" && p.charCodeAt(0) >= 48 && p.charCodeAt(0) <= 57) {
                t.reads++
                return (target as any)[p]
            }
            const v = Reflect.get(target, p, target)
            if (typeof v !== "function") return v
            if (p === "copyWithin")
                return (dst: number, start: number, end: number) => {
                    t.reads++
                    t.writes++
                    t.bytes += Math.max(0, (end === undefined ? target.length : end) - start)
                    return target.copyWithin(dst, start, end)
                }
            if (p === "fill")
                return (v2: number, start: number, end: number) => {
                    t.writes++
                    t.bytes += Math.max(0, (end === undefined ? target.length : end) - (start === undefined ? 0 : start))
                    return target.fill(v2, start, end)
                }
            return v.bind(target)
        },
        set(target, p, v) {
            if (typeof p === "string" && p.charCodeAt(0) >= 48 && p.charCodeAt(0) <= 57) t.writes++
            ;(target as any)[p] = v
            return true
        },
    })
}

/** Totals and maximum of one class of op. */
export class OpCosts {
    count = 0
    reads = 0
    writes = 0
    bytes = 0
    /** Largest reads + writes of one op. */
    maxAccesses = 0
    maxReads = 0
    maxWrites = 0

    add(r: number, w: number, b: number): void {
        this.count++
        this.reads += r
        this.writes += w
        this.bytes += b
        if (r + w > this.maxAccesses) this.maxAccesses = r + w
        if (r > this.maxReads) this.maxReads = r
        if (w > this.maxWrites) this.maxWrites = w
    }
    /** Mean reads + writes per op (0 when there was none). */
    meanAccesses(): number {
        return this.count === 0 ? 0 : (this.reads + this.writes) / this.count
    }
    meanReads(): number {
        return this.count === 0 ? 0 : this.reads / this.count
    }
    meanWrites(): number {
        return this.count === 0 ? 0 : this.writes / this.count
    }
    meanBytes(): number {
        return this.count === 0 ? 0 : this.bytes / this.count
    }
}

/** What countCosts measured: per class of op and over all ops. */
export class CostReport {
    all = new OpCosts()
    alloc = new OpCosts()
    free = new OpCosts()
    realloc = new OpCosts()
    /** Accesses of the allocator's constructor (not an op). */
    setupAccesses = 0
    /** reads + writes of every op, in replay order (the distribution the plots show). */
    perOp: number[] = []
    constructor(public kind: string, public trace: string, public regionBytes: number, public replay: ReplayResult) {}
}

/** Forwards to `inner` and books each call's accesses into the report. */
class CountingHeap extends ForwardingAllocator {
    constructor(inner: HeapAllocator, private t: Tally, private rep: CostReport) {
        super(inner)
    }
    private book(into: OpCosts, r0: number, w0: number, b0: number): void {
        const t = this.t
        const r = t.reads - r0
        const w = t.writes - w0
        const b = t.bytes - b0
        into.add(r, w, b)
        this.rep.all.add(r, w, b)
        this.rep.perOp.push(r + w)
    }
    override alloc(layout: Layout): number {
        const t = this.t, r = t.reads, w = t.writes, b = t.bytes
        const p = this.inner.alloc(layout)
        this.book(this.rep.alloc, r, w, b)
        return p
    }
    override allocZeroed(layout: Layout): number {
        const t = this.t, r = t.reads, w = t.writes, b = t.bytes
        const p = this.inner.allocZeroed(layout)
        this.book(this.rep.alloc, r, w, b)
        return p
    }
    override dealloc(ptr: number, layout: Layout): void {
        const t = this.t, r = t.reads, w = t.writes, b = t.bytes
        this.inner.dealloc(ptr, layout)
        this.book(this.rep.free, r, w, b)
    }
    override realloc(ptr: number, layout: Layout, newSize: number): number {
        const t = this.t, r = t.reads, w = t.writes, b = t.bytes
        const p = this.inner.realloc(ptr, layout, newSize)
        this.book(this.rep.realloc, r, w, b)
        return p
    }
}

/**
 * A fresh allocator of `kind` over `regionBytes` whose region accesses count
 * into `t` (construction included: reset t afterwards to leave it out).
 */
export function countedHeap(kind: string, regionBytes: number, t: Tally): HeapAllocator {
    if (kind === THING) {
        const heap = makeBenchHeap(kind, regionBytes) as ThingAllocator
        const pool = heap.pool as any
        pool.u32 = countingArray(pool.u32 as Uint32Array, t)
        pool.u8 = countingArray(pool.u8 as Uint8Array, t)
        pool.state = countingArray(pool.state as Uint32Array, t)
        return heap
    }
    const plain = hostRegion(regionBytes)
    return makeBenchHeap(kind, regionBytes, undefined, regionOver(plain.base, countingBuffer(plain.buf, t)))
}

/**
 * Replays `trace` (verify off) on a fresh `kind` over `regionBytes` and
 * counts each op's region reads and writes (see the file header).
 * A correctness failure of the replay propagates (ReplayError/HeapError).
 */
export async function countCosts(kind: string, trace: EncodedTrace, regionBytes: number): Promise<CostReport> {
    const t = new Tally()
    const heap = countedHeap(kind, regionBytes, t)
    const setup = t.reads + t.writes
    const opts = new ReplayOptions()
    opts.verify = false
    const rep = new CostReport(kind, trace.name, regionBytes, null)
    rep.setupAccesses = setup
    rep.replay = await replay(new CountingHeap(heap, t, rep), trace, opts)
    if (rep.all.count === 0) throw new HeapError(HeapErrorCode.BadArgument, 0, "countCosts: trace " + trace.name + " made no allocator calls")
    return rep
}
