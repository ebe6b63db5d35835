/**
 * bench/locality.ts — host only: how local an allocator's work is, measured
 * on a trace replay for any of our allocator kinds (lab 6's reference).
 *
 * Per op (alloc, allocZeroed, dealloc, realloc; replay with checks off, so
 * only the allocator's own accesses are seen):
 *   lines  distinct 32-byte lines of the region the allocator read or wrote
 *          (its metadata: headers, free lists, bitmaps; a realloc's copy too)
 *   pages  distinct 4 KiB pages of the same accesses
 * Over the trace:
 *   distance  mean |pᵢ − pᵢ₋₁| over consecutive blocks handed out (alloc and
 *          realloc results in trace order): do blocks allocated close in time
 *          land close in memory? (a program walking them touches fewer lines)
 * How: the region is built over a tracing view of its Buffer (the pattern of
 * bench/counting.ts: same bytes, every access reported), and a forwarding
 * wrapper opens and closes an op around each call. An access of a format
 * ("u8", "u16", "u32", "i32", …) covers its width; fillAt/blitAt their
 * length. Costs: a closure per access and a Set per op: ~10× a plain replay.
 *
 * ```ts
 * const l = await localityOf("tlsf", mcuTrace("short1-bal"), 32768)
 * console.log(l.linesPerOp(), l.pagesPerOp(), l.meanDistance())
 * ```
 */
import * as ds from "@devicescript/core"
import { HeapAllocator } from "../src/api/global_alloc"
import { Layout } from "../src/core/layout"
import { ForwardingAllocator } from "../src/layers/forwarding"
import { hostRegion, makeBenchHeap } from "./kinds"
import { regionOver } from "./region_over"
import { EncodedTrace, replay, ReplayOptions } from "./replay"

export const LINE_BYTES = 32
export const PAGE_BYTES = 4096

/** Bytes an access of format `fmt` covers ("u8" 1, "u16"/"i16" 2, "u32"/"i32"/"f32" 4, else 8). */
function widthOf(fmt: string): number {
    if (fmt === "u8" || fmt === "i8") return 1
    if (fmt === "u16" || fmt === "i16") return 2
    if (fmt === "u32" || fmt === "i32" || fmt === "f32") return 4
    return 8
}

/** A view of `inner` that reports every access [offset, offset + length) to `visit`. */
export function tracingBuffer(inner: ds.Buffer, visit: (offset: number, length: number) => void): ds.Buffer {
    const t = Object.create(inner) as ds.Buffer
    const self = t
    Object.assign(t, {
        getAt(offset: number, fmt: any): number {
            visit(offset, widthOf(fmt))
            return inner.getAt(offset, fmt)
        },
        setAt(offset: number, fmt: any, v: number): void {
            visit(offset, widthOf(fmt))
            inner.setAt(offset, fmt, v)
        },
        fillAt(offset: number, length: number, v: number): void {
            visit(offset, length)
            inner.fillAt(offset, length, v)
        },
        blitAt(dst: number, src: ds.Buffer, srcOffset: number, length: number): void {
            visit(dst, length)
            if (src === self || src === inner) visit(srcOffset, length)
            inner.blitAt(dst, src === self ? inner : src, srcOffset, length)
        },
    })
    return t
}

/** What localityOf measured. */
export class Locality {
    ops = 0
    lines = 0
    pages = 0
    distanceSum = 0
    distances = 0
    constructor(public kind: string, public trace: string) {}
    linesPerOp(): number {
        return this.ops === 0 ? 0 : this.lines / this.ops
    }
    pagesPerOp(): number {
        return this.ops === 0 ? 0 : this.pages / this.ops
    }
    meanDistance(): number {
        return this.distances === 0 ? 0 : this.distanceSum / this.distances
    }
}

/** Opens an op before each call and books its lines and pages after; records block distances. */
class LocalityHeap extends ForwardingAllocator {
    lines = new Set<number>()
    pages = new Set<number>()
    last = 0
    constructor(inner: HeapAllocator, private l: Locality) {
        super(inner)
    }
    touch(offset: number, length: number): void {
        for (let line = Math.floor(offset / LINE_BYTES); line <= Math.floor((offset + Math.max(1, length) - 1) / LINE_BYTES); line++) this.lines.add(line)
        for (let page = Math.floor(offset / PAGE_BYTES); page <= Math.floor((offset + Math.max(1, length) - 1) / PAGE_BYTES); page++) this.pages.add(page)
    }
    private done(p: number): void {
        this.l.ops++
        this.l.lines += this.lines.size
        this.l.pages += this.pages.size
        this.lines.clear()
        this.pages.clear()
        if (p !== 0) {
            if (this.last !== 0) {
                this.l.distanceSum += Math.abs(p - this.last)
                this.l.distances++
            }
            this.last = p
        }
    }
    override alloc(layout: Layout): number {
        const p = this.inner.alloc(layout)
        this.done(p)
        return p
    }
    override allocZeroed(layout: Layout): number {
        const p = this.inner.allocZeroed(layout)
        this.done(p)
        return p
    }
    override dealloc(ptr: number, layout: Layout): void {
        this.inner.dealloc(ptr, layout)
        this.done(0)
    }
    override realloc(ptr: number, layout: Layout, newSize: number): number {
        const p = this.inner.realloc(ptr, layout, newSize)
        this.done(p)
        return p
    }
}

/** Replays `trace` on a fresh `kind` over `regionBytes` and measures its locality (see the header). */
export async function localityOf(kind: string, trace: EncodedTrace, regionBytes: number): Promise<Locality> {
    const l = new Locality(kind, trace.name)
    const plain = hostRegion(regionBytes)
    let wrapper: LocalityHeap | null = null
    const region = regionOver(plain.base, tracingBuffer(plain.buf, (o, n) => wrapper?.touch(o, n)))
    const inner = makeBenchHeap(kind, regionBytes, undefined, region)
    wrapper = new LocalityHeap(inner, l) // construction is not an op: nothing was recorded before this
    const opts = new ReplayOptions()
    opts.verify = false
    await replay(wrapper, trace, opts)
    return l
}

/**
 * The Markdown table of `npm run bench` (bench/RESULTS.md): per trace (MCU
 * traces, replayed on a 32 KiB region) and kind, lines / pages per op and the
 * mean distance in bytes between consecutive blocks.
 */
export async function localityTable(traces: string[], kinds: string[], load: (name: string) => EncodedTrace): Promise<string[]> {
    const rows: string[] = [
        "Per op: distinct 32-byte lines / 4 KiB pages of the region the allocator itself read or wrote; distance: mean bytes between consecutive blocks handed out. 32 KiB region; lower is more local.",
        "",
        "| trace | " + kinds.join(" | ") + " |",
        "|---|" + kinds.map(() => "---:").join("|") + "|",
    ]
    for (const name of traces) {
        const cells: string[] = []
        for (const kind of kinds) {
            try {
                const l = await localityOf(kind, load(name), 32768)
                cells.push(`${l.linesPerOp().toFixed(1)} / ${l.pagesPerOp().toFixed(2)} / ${Math.round(l.meanDistance())}`)
            } catch (e) {
                cells.push("–")
            }
        }
        rows.push(`| ${name} | ${cells.join(" | ")} |`)
    }
    return rows
}
