/**
 * sim/html/report_model.ts — ReportBuilder: listens to a HeapStream
 * (sim/stream.ts: the stream is decoded once, in Node) and keeps what the HTML heap report (sim/html/page.ts) needs to redraw
 * the heap at ANY event without decoding again: block lives, per-event
 * columns, a sampled timeline and the tables.
 *
 * Layout of the data (ReportData, sent to the page as JSON + base64 columns):
 *
 *   events (one per protocol line, index e = 0..E−1; the scrubber's unit)
 *     type[e]  life[e]                    life: the block the event made or freed, −1 if none
 *     seqBreaks [e, seq, …]               seq of e = the last break's seq + (e − its e): seqs
 *                                         follow on except at restarts and gaps, so no seq column
 *   lives (one per block life: alloc → free; a realloc ends one life and starts another)
 *     ptr[l] size[l] alignLog2[l] from[l] to[l] origin[l] tag[l]
 *       live at event e  ⇔  from[l] ≤ e < to[l]        (to = STILL_LIVE while live)
 *       origin = the event that allocated the block (a realloc keeps it: the
 *       tracker keeps a block's seq and tag across realloc too)
 *       tag = index into `tags`; 0 = "untagged": the protocol carries a
 *       block's container kind only in a leak report (~L), so only blocks a
 *       leak report names get one (docs/protocol.md §3.11)
 *   samples (≤ 2·SAMPLE_TARGET points, every `stride` events, for the timeline)
 *   regions (the decoder's list, sim/regions.ts: one for a v1/v2 stream, the
 *     v3 header's table otherwise); meta = each region's fixed metadata and
 *     the holes between regions (regionsMetadata), as offsets from the
 *     header's base; holes and whatever no known region covers are never
 *     free (largest gap and fragmentation stop at them)
 *
 * Lives are appended in order of `from`, so the page finds the lives started
 * in (a, b] as one index range, and rebuilds the live set at e from a
 * snapshot every 1,024 events in O(live + 1,024) (client.js SNAP, `liveAt`).
 *
 * Invariant (checked by tests/sim/html_report.test.ts against the decoder):
 * after every push, the open lives are exactly decoder.blocks() (ptr, size,
 * align). The builder mirrors the decoder's model from the events; when the
 * decoder drops blocks the events do not name (an unsynced model forgets
 * stale overlapping blocks, docs/protocol.md §9.2), the counts differ and the
 * builder re-reads blocks() (O(live), rare).
 *
 * Costs: O(1) amortized per event, plus O(live · log live) per sample
 * (largest free gap); the stride doubles each time the points reach
 * 2·SAMPLE_TARGET, so O(E + SAMPLE_TARGET · log(E) · live log live) in all.
 * Memory: 13 bytes per event and 30 bytes per life in typed arrays, for the
 * whole stream (a live server keeps them as long as it runs: about 20 MB per
 * 10^6 events of the bench workload). In a report file each column is
 * gzipped (columns.ts). Measured sizes and times: bench/html.md.
 */
import { Board } from "../../boards/board"
import { BOARDS } from "../../boards/index"
import { makeAllocator } from "../../src/allocators/registry"
import { StaticRegion } from "../../src/core/region"
import { DecodedEvent, DecodedRegion, DecoderOptions, HeaderEvent, HISTORY_LIMIT, StreamDecoder } from "../decoder"
import { shareText } from "../regions"
import { HeapStream, StreamReport } from "../stream"
import { Column, EncodedColumn } from "./columns"

/** `to` of a life that is still live. */
export const STILL_LIVE = 0x7fffffff
/** The timeline keeps between SAMPLE_TARGET and 2·SAMPLE_TARGET points. */
export const SAMPLE_TARGET = 2000
/** Most rows of a table sent to the page (the total is sent too). */
export const MAX_ROWS = 1000

/** Event type codes of the `type` column; the page gets this list as `typeNames`. */
export const EVENT_TYPES = ["header", "alloc", "zeroed", "dealloc", "realloc", "fail", "error", "stats", "phase", "oom", "check", "leak", "region"] as const
const TYPE_CODE = new Map<string, number>(EVENT_TYPES.map((t, i) => [t, i]))

/** A region span the allocator keeps for itself (offsets from the base, end exclusive). */
export interface Span {
    start: number
    end: number
}

export interface SampleSeries {
    /** Event index of each point. */
    ev: number[]
    /** Live payload bytes of the model. */
    live: number[]
    /** Largest run of bytes in no live block and no fixed metadata (model). */
    gap: number[]
    /** The last ~S so far (null before the first): in use, free, largest free. */
    inUse: (number | null)[]
    free: (number | null)[]
    largest: (number | null)[]
    /** Fragmentation in %: 1 − largest free / free, from ~S when the stream has it, else from the model. */
    frag: (number | null)[]
    /** Failed calls (~X) so far. */
    fails: number[]
}

export interface Row {
    [key: string]: string | number | null
}

export interface Table {
    /** Rows sent (at most MAX_ROWS) and how many there are. */
    rows: Row[]
    total: number
}

/** Everything the page shows; JSON-able. */
export interface ReportData {
    format: 1
    live: boolean
    /** Where the stream came from: a file name, "standard input" (user text: the page shows it as text). */
    source: string
    header: { version: number; board: string; allocator: string; base: number; size: number; maxAlign: number } | null
    /** The heap's regions in address order (one for a v1/v2 stream; [] before a header); false `regionsComplete`: a v3 table still arriving or lost in a gap. */
    regions: DecodedRegion[]
    regionsComplete: boolean
    board: { id: string; name: string; chip: string; memory: { name: string; kind: string; base: number; size: number }[]; heap: { region: string; base: number; size: number } } | null
    /** Fixed metadata spans (from an empty allocator of each region's kind; offsets from the header's base), or null when no kind is known. */
    meta: Span[] | null
    typeNames: readonly string[]
    tags: string[]
    events: { type: EncodedColumn; life: EncodedColumn }
    /** [e, seq] pairs: event e has this seq, and each later event the previous seq + 1 until the next pair (restarts, gaps). */
    seqBreaks: number[]
    lives: { ptr: EncodedColumn; size: EncodedColumn; alignLog2: EncodedColumn; from: EncodedColumn; to: EncodedColumn; origin: EncodedColumn; tag: EncodedColumn }
    /** [life, to] pairs: lives (sent earlier) that ended since the last delta. */
    closed: number[]
    /** [life, tag] pairs: lives (sent earlier) a leak report named since the last delta. */
    retagged: number[]
    samples: SampleSeries
    phases: { name: string; ev: number }[]
    restarts: number[]
    /** Event index with the most live payload bytes (−1 if none). */
    peakEv: number
    tables: { leaks: Table & { source: string }; anomalies: Table; tagsAtPeak: Table; final: Table; regions: Table }
}

export interface BuilderOptions extends DecoderOptions {
    /** Keep going after a ProtocolError (it becomes an anomaly row): HeapStream's onError "continue". Default false ("stop"). */
    tolerant?: boolean
}

/** Fixed metadata of an empty `kind` allocator over the region: the bytes its walk() does not cover. */
export function fixedMetadata(kind: string, base: number, size: number): Span[] | null {
    let walked: Span[] = []
    try {
        const a = makeAllocator(kind, new StaticRegion(base, size, size))
        a.walk((p, s) => walked.push({ start: p - base, end: p - base + s }))
    } catch {
        return null // an allocator bareheap does not have, or a region it cannot build
    }
    walked = walked.sort((x, y) => x.start - y.start)
    const out: Span[] = []
    let at = 0
    for (const w of walked) {
        if (w.start > at) out.push({ start: at, end: w.start })
        at = Math.max(at, w.end)
    }
    if (at < size) out.push({ start: at, end: size })
    return out
}

/**
 * The spans of a multi-region heap's span that hold no block: each region's
 * fixed metadata (fixedMetadata of its own kind) and the holes between
 * regions (outside the heap), as offsets from `base`. Null when any
 * region's metadata is unknown.
 */
export function regionsMetadata(regions: DecodedRegion[], base: number): Span[] | null {
    const out: Span[] = []
    let at = 0
    for (const r of regions) {
        const off = r.base - base
        if (off > at) out.push({ start: at, end: off })
        const m = fixedMetadata(r.kind, r.base, r.size)
        if (m === null) return null
        for (const x of m) out.push({ start: x.start + off, end: x.end + off })
        at = off + r.size
    }
    return out
}

function boardData(b: Board | undefined): ReportData["board"] {
    if (!b) return null
    return {
        id: b.id,
        name: b.name,
        chip: b.chip,
        memory: b.memory.map(m => ({ name: m.name, kind: m.kind, base: m.base, size: m.size })),
        heap: { region: b.heap.region, base: b.heap.base, size: b.heap.size },
    }
}

/** The first MAX_ROWS rows; `total` counts also those the decoder no longer keeps (past HISTORY_LIMIT). */
function table(rows: Row[], total = rows.length): Table {
    return { rows: rows.slice(0, MAX_ROWS), total: Math.max(total, rows.length) }
}

export class ReportBuilder {
    /** The stream this builder listens to (its own, or the one a caller such as the monitor passed). */
    readonly stream: HeapStream
    /** Shown in the page's title: the file name or "standard input". */
    source = ""
    // events
    private seq = new Column("f64") // kept here for rows and breaks; the page gets seqBreaks
    private seqBreaks: number[] = []
    private type = new Column("u8")
    private evLife = new Column("i32")
    // lives
    private ptr = new Column("f64")
    private size = new Column("f64")
    private alignLog2 = new Column("u8")
    private from = new Column("i32")
    private to = new Column("i32")
    private origin = new Column("i32")
    private tag = new Column("u8")
    private open = new Map<number, number>() // ptr → life
    private openBytes = 0
    private tagIndex = new Map<string, number>([["untagged", 0]])
    private tagNames = ["untagged"]
    private closedPairs: number[] = []
    private retagPairs: number[] = []
    // timeline
    private stride = 1
    private samples: SampleSeries = { ev: [], live: [], gap: [], inUse: [], free: [], largest: [], frag: [], fails: [] }
    private fails = 0
    private meta: Span[] | null = null
    private phases: { name: string; ev: number }[] = []
    private restarts: number[] = []
    private peakEv = -1
    private peakBytes = -1
    private leakRows: Row[] = []
    private lastType = ""
    /** The first HISTORY_LIMIT ProtocolErrors (a tolerant stream went past them), as anomaly-table rows. */
    readonly protocolErrors: Row[] = []
    /** The first HISTORY_LIMIT protocol errors, anomalies and gaps, in stream order: the anomaly table. */
    private findings: Row[] = []
    private lastEvent: DecodedEvent | null = null
    // what the last delta() sent
    private sentEvents = 0
    private sentLives = 0
    private sentBreaks = 0
    private sentErrors = 0

    /**
     * Listens to `source` from now on (attach before pushing: earlier lines are not seen), or to a
     * new HeapStream with these options.
     */
    constructor(source: HeapStream | BuilderOptions = {}) {
        this.stream = source instanceof HeapStream ? source : new HeapStream({ allowGaps: source.allowGaps, onError: source.tolerant ? "continue" : "stop" })
        this.stream.onReport(r => this.report(r))
    }

    get decoder(): StreamDecoder {
        return this.stream.decoder
    }

    /** Events decoded so far. */
    get eventCount(): number {
        return this.seq.length
    }

    /** Live blocks of the mirror (equal to decoder.blocks(), see the header). */
    openLives(): { ptr: number; size: number; align: number; life: number }[] {
        return [...this.open.values()].map(l => ({ ptr: this.ptr.get(l), size: this.size.get(l), align: this.alignOf(l), life: l })).sort((a, b) => a.ptr - b.ptr)
    }

    private alignOf(l: number): number {
        return 2 ** this.alignLog2.get(l)
    }

    /** One console line (a line end is added). Returns its decoded event, or null (another console line, or a ProtocolError). */
    push(line: string): DecodedEvent | null {
        this.lastEvent = null
        this.stream.push(line + "\n")
        return this.lastEvent
    }

    private report(r: StreamReport): void {
        if (r.kind === "event") {
            this.lastEvent = r.event
            this.record(r.event)
        } else if (this.findings.length >= HISTORY_LIMIT) return
        // ev: the event this finding belongs to (an anomaly or gap is reported just before its line's event)
        else if (r.kind === "error") {
            const row: Row = { kind: "protocol-error", lineNo: r.error.lineNo, seq: null, message: r.error.message, ev: this.seq.length }
            this.protocolErrors.push(row)
            this.findings.push(row)
        } else if (r.kind === "anomaly") this.findings.push({ kind: r.anomaly.kind, lineNo: r.anomaly.lineNo, seq: r.anomaly.seq, message: r.anomaly.message, ev: this.seq.length })
        else if (r.kind === "gap") {
            const g = r.gap
            this.findings.push({ kind: "lost-lines", lineNo: g.lineNo, seq: g.from, message: `seq 0x${g.from.toString(16)}..0x${g.to.toString(16)} lost (${g.to - g.from + 1} lines)`, ev: this.seq.length })
        }
    }

    private record(ev: DecodedEvent): void {
        const e = this.seq.push(ev.seq)
        if (e === 0 || ev.seq !== this.seq.get(e - 1) + 1) this.seqBreaks.push(e, ev.seq)
        this.type.push(TYPE_CODE.get(ev.type) as number)
        let life = -1
        const d = this.decoder
        switch (ev.type) {
            case "header":
                for (const l of this.open.values()) this.close(l, e)
                this.open.clear()
                this.openBytes = 0
                this.restarts.push(e)
                // A version-3 heap's metadata is known once its region table is (below).
                this.meta = ev.version >= 3 ? null : fixedMetadata(ev.allocator, ev.base, ev.size)
                break
            case "region":
                if (d.regionsComplete && d.header !== null) this.meta = regionsMetadata(d.regions, d.header.base)
                break
            case "alloc":
            case "zeroed":
                if (d.modelled) life = this.openLife(ev.ptr, ev.size, ev.align, e, e, 0)
                break
            case "dealloc":
                if (d.modelled) life = this.closeAt(ev.ptr, e)
                break
            case "realloc":
                if (d.modelled) {
                    const old = this.closeAt(ev.old, e)
                    life = this.openLife(ev.ptr, ev.size, ev.align, e, old >= 0 ? this.origin.get(old) : e, old >= 0 ? this.tag.get(old) : 0)
                }
                break
            case "fail":
                this.fails++
                break
            case "phase":
                if (this.phases.length < HISTORY_LIMIT) this.phases.push({ name: ev.name, ev: e }) // marks on the timeline: more would be a smear
                break
            case "leak": {
                if (this.lastType !== "leak") this.leakRows = []
                const l = this.open.get(ev.ptr)
                if (l !== undefined) {
                    this.tag.set(l, this.tagOf(ev.kind))
                    if (l < this.sentLives) this.retagPairs.push(l, this.tag.get(l))
                }
                this.leakRows.push({ ptr: ev.ptr, size: ev.size, align: ev.align, kind: ev.kind, allocSeq: l !== undefined ? this.seq.get(this.origin.get(l)) : null })
                life = l ?? -1
                break
            }
        }
        this.lastType = ev.type
        this.evLife.push(life)
        if (d.modelled && (this.open.size !== d.counts.liveBlocks || this.openBytes !== d.counts.liveBytes)) this.resync(e)
        if (this.openBytes > this.peakBytes) {
            this.peakBytes = this.openBytes
            this.peakEv = e
        }
        if (e % this.stride === 0) this.sample(e)
    }

    private tagOf(kind: string): number {
        let t = this.tagIndex.get(kind)
        if (t === undefined) {
            t = this.tagNames.length
            if (t > 255) return 0 // the u8 column's limit; the protocol's trackers have ≤ 32 tags
            this.tagNames.push(kind)
            this.tagIndex.set(kind, t)
        }
        return t
    }

    private openLife(ptr: number, size: number, align: number, e: number, origin: number, tag: number): number {
        this.closeAt(ptr, e) // the decoder replaces a block at the very same address
        const l = this.ptr.push(ptr)
        this.size.push(size)
        this.alignLog2.push(Math.log2(align)) // a power of two ≤ maxalign (the decoder checked): exact
        this.from.push(e)
        this.to.push(STILL_LIVE)
        this.origin.push(origin)
        this.tag.push(tag)
        this.open.set(ptr, l)
        this.openBytes += size
        return l
    }

    private close(l: number, e: number): void {
        this.to.set(l, e)
        if (l < this.sentLives) this.closedPairs.push(l, e)
    }

    private closeAt(ptr: number, e: number): number {
        const l = this.open.get(ptr)
        if (l === undefined) return -1
        this.close(l, e)
        this.open.delete(ptr)
        this.openBytes -= this.size.get(l)
        return l
    }

    /** Makes the open lives equal the decoder's blocks() again (after it dropped blocks no event named). */
    private resync(e: number): void {
        const want = new Map(this.decoder.blocks().map(b => [b.ptr, b]))
        for (const [p, l] of [...this.open]) {
            const b = want.get(p)
            if (!b || b.size !== this.size.get(l) || b.align !== this.alignOf(l)) this.closeAt(p, e)
        }
        for (const b of want.values()) if (!this.open.has(b.ptr)) this.openLife(b.ptr, b.size, b.align, e, e, 0)
    }

    /** One timeline point at event e; halves the points when there are 2·SAMPLE_TARGET. */
    private sample(e: number): void {
        const s = this.samples
        const h = this.decoder.header as HeaderEvent
        const st = this.decoder.stats
        const gap = h ? this.largestGap(h) : 0
        s.ev.push(e)
        s.live.push(this.openBytes)
        s.gap.push(gap)
        s.inUse.push(st ? st.inUse : null)
        s.free.push(st ? st.free : null)
        s.largest.push(st ? st.largestFree : null)
        const metaBytes = (this.meta ?? []).reduce((n, m) => n + m.end - m.start, 0)
        // meta covers the holes too (regionsMetadata); without it (an unknown kind, a v3 table not whole) the known regions are all free space.
        const heapBytes = this.meta ? h.size - metaBytes : this.decoder.regions.reduce((n, r) => n + r.size, 0)
        const free = st ? st.free : h ? heapBytes - this.openBytes : 0
        const largest = st ? st.largestFree : gap
        s.frag.push(free > 0 ? Math.round(1000 * (1 - largest / free)) / 10 : null)
        s.fails.push(this.fails)
        if (s.ev.length >= 2 * SAMPLE_TARGET) {
            for (const k of Object.keys(s) as (keyof SampleSeries)[]) s[k] = (s[k] as unknown[]).filter((_, i) => i % 2 === 0) as never
            this.stride *= 2
        }
    }

    /** Largest run of region bytes in no live block (a zero-size block owns one byte), no fixed metadata and no hole between regions. O(live log live + regions). */
    private largestGap(h: HeaderEvent): number {
        const used: Span[] = (this.meta ?? []).slice()
        // What no known region covers (the holes; all of it while a v3 table is still arriving) is not free space.
        let covered = 0
        for (const r of this.decoder.regions) {
            if (r.base - h.base > covered) used.push({ start: covered, end: r.base - h.base })
            covered = r.base - h.base + r.size
        }
        if (covered < h.size) used.push({ start: covered, end: h.size })
        for (const l of this.open.values()) {
            const start = this.ptr.get(l) - h.base
            used.push({ start, end: start + Math.max(1, this.size.get(l)) })
        }
        used.sort((a, b) => a.start - b.start)
        let at = 0
        let best = 0
        for (const u of used) {
            if (u.start > at) best = Math.max(best, u.start - at)
            at = Math.max(at, u.end)
        }
        return Math.max(best, h.size - at)
    }

    /** Finishes the timeline at the last event (so the chart reaches the end). */
    private sampleLast(): void {
        const last = this.seq.length - 1
        if (last >= 0 && this.samples.ev[this.samples.ev.length - 1] !== last) this.sample(last)
    }

    private tables(): ReportData["tables"] {
        const d = this.decoder
        const leakSource = d.leakReport ? `leak report (~L) at seq 0x${d.leakReport.seq.toString(16)}` : "blocks still live at the end of the stream (no ~L leak report)"
        const leaks: Row[] = d.leakReport
            ? this.leakRows
            : this.openLives().map(b => ({ ptr: b.ptr, size: b.size, align: b.align, kind: this.tagNames[this.tag.get(b.life)], allocSeq: this.seq.get(this.origin.get(b.life)) }))
        const anomalies = this.findings
        const perTag = new Map<number, { blocks: number; bytes: number }>()
        let peakTotal = 0
        if (this.peakEv >= 0)
            for (let l = 0; l < this.ptr.length && this.from.get(l) <= this.peakEv; l++) {
                if (this.to.get(l) <= this.peakEv) continue
                const t = perTag.get(this.tag.get(l)) ?? { blocks: 0, bytes: 0 }
                t.blocks++
                t.bytes += this.size.get(l)
                peakTotal += this.size.get(l)
                perTag.set(this.tag.get(l), t)
            }
        const tagsAtPeak = [...perTag]
            .sort((a, b) => b[1].bytes - a[1].bytes)
            .map(([t, v]) => ({ tag: this.tagNames[t], blocks: v.blocks, bytes: v.bytes, share: peakTotal > 0 ? Math.round((1000 * v.bytes) / peakTotal) / 10 : 0 }))
        return {
            leaks: { source: leakSource, ...table(leaks) },
            anomalies: table(anomalies, this.stream.errorCount + d.gapCount + d.anomalyCount),
            tagsAtPeak: table(tagsAtPeak),
            final: table(this.finalRows()),
            regions: table(this.regionRows()),
        }
    }

    /** Per region at the end: live blocks and bytes, the peak of live bytes (the decoder's regionCounts) and the share of the region live. */
    private regionRows(): Row[] {
        const counts = this.decoder.regionCounts
        return this.decoder.regions.map((r, i) => {
            const c = counts[i] ?? { liveBlocks: 0, liveBytes: 0, peakLiveBytes: 0 }
            return { index: r.index, liveBlocks: c.liveBlocks, liveBytes: c.liveBytes, peakLiveBytes: c.peakLiveBytes, share: shareText(c.liveBytes, r.size) }
        })
    }

    private finalRows(): Row[] {
        const d = this.decoder
        const c = d.counts
        const rows: [string, number | string][] = [
            ["events (protocol lines)", this.seq.length],
            ["other console lines", d.passed],
            ["stream restarts (~H)", d.restarts],
            ["live blocks at the end", this.open.size],
            ["live bytes at the end", this.openBytes],
            ["peak live bytes (model)", Math.max(0, this.peakBytes)],
            ["allocs", c.allocs],
            ["zeroed allocs", c.zeroed],
            ["deallocs", c.deallocs],
            ["reallocs in place", c.reallocsInPlace],
            ["reallocs moved", c.reallocsMoved],
            ["failed calls (~X)", c.failures],
            ["misuse reported (~E)", c.errors],
            ["OOM hook calls", c.oomCalls],
            ["debug check failures", c.checkFailures],
            ["largest request", c.maxRequest],
            ["protocol errors", this.stream.errorCount],
            ["anomalies", d.anomalyCount],
            ["lost-line gaps", d.gapCount],
        ]
        const s = d.stats
        if (s)
            rows.push(
                ["last ~S: in use", s.inUse],
                ["last ~S: free", s.free],
                ["last ~S: peak in use", s.peak],
                ["last ~S: largest free", s.largestFree],
                ["last ~S: live blocks", s.live],
                ["last ~S: allocs", s.allocs],
                ["last ~S: frees", s.frees],
                ["last ~S: failures", s.failures],
            )
        if (s && s.peakRequest !== null) rows.push(["last ~S: peak request", s.peakRequest])
        return rows.map(([name, value]) => ({ name, value }))
    }

    private headerData(): ReportData["header"] {
        const h = this.decoder.header
        return h ? { version: h.version, board: h.board, allocator: h.allocator, base: h.base, size: h.size, maxAlign: h.maxAlign } : null
    }

    /**
     * Everything so far, for a report file (`live` false: columns gzipped, which the page inflates
     * with DecompressionStream) or a page that just connected to the live server (plain columns).
     */
    data(live = false): ReportData {
        this.sampleLast()
        const out = this.payload(0, 0, 0, live)
        this.sentEvents = this.seq.length
        this.sentLives = this.ptr.length
        this.sentBreaks = this.seqBreaks.length
        this.sentErrors = this.findings.length
        this.closedPairs = []
        this.retagPairs = []
        return out
    }

    /** What changed since the last data()/delta(): appended events and lives, closed lives, and the (small) rest whole. */
    delta(): ReportData {
        this.sampleLast()
        const out = this.payload(this.sentEvents, this.sentLives, this.sentBreaks, true)
        out.closed = this.closedPairs
        out.retagged = this.retagPairs
        this.closedPairs = []
        this.retagPairs = []
        this.sentErrors = this.findings.length
        this.sentEvents = this.seq.length
        this.sentLives = this.ptr.length
        this.sentBreaks = this.seqBreaks.length
        return out
    }

    /** Whether there is anything a delta would carry. */
    get changed(): boolean {
        return this.seq.length > this.sentEvents || this.closedPairs.length > 0 || this.retagPairs.length > 0 || this.findings.length !== this.sentErrors
    }

    private payload(evFrom: number, lifeFrom: number, breakFrom: number, live: boolean): ReportData {
        const h = this.decoder.header
        const gzip = !live
        return {
            format: 1,
            live,
            source: this.source,
            header: this.headerData(),
            regions: this.decoder.regions.map(r => ({ index: r.index, base: r.base, size: r.size, kind: r.kind, tags: r.tags.slice() })),
            regionsComplete: this.decoder.regionsComplete,
            board: boardData(h ? BOARDS.find(b => b.id === h.board) : undefined),
            meta: this.meta,
            typeNames: EVENT_TYPES,
            tags: this.tagNames.slice(),
            events: { type: this.type.encode(evFrom, gzip), life: this.evLife.encode(evFrom, gzip) },
            seqBreaks: this.seqBreaks.slice(breakFrom),
            lives: {
                ptr: this.ptr.encode(lifeFrom, gzip),
                size: this.size.encode(lifeFrom, gzip),
                alignLog2: this.alignLog2.encode(lifeFrom, gzip),
                from: this.from.encode(lifeFrom, gzip),
                to: this.to.encode(lifeFrom, gzip),
                origin: this.origin.encode(lifeFrom, gzip),
                tag: this.tag.encode(lifeFrom, gzip),
            },
            closed: [],
            retagged: [],
            samples: this.samples,
            phases: this.phases,
            restarts: this.restarts,
            peakEv: this.peakEv,
            tables: this.tables(),
        }
    }
}
