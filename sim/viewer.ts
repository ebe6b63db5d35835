/**
 * sim/viewer.ts — the host heap viewer: feeds an event stream (from the host
 * simulator, the WASM VM or a board's serial log) through the strict
 * decoder and keeps, for every phase, the heap as it was when the phase had
 * the most bytes live — its most telling picture. Then renders a summary:
 * the board's memory map with the heap region, one heap map per phase, the
 * last statistics, how reallocs resized (grow / shrink, in place / moved),
 * OOM hook calls and recoveries, debug check failures, the last leak report
 * by container kind, the stream's size and every anomaly.
 *
 * Cost: O(live blocks) per event to measure live bytes (host-only; streams
 * are thousands of lines).
 */
import { Board } from "../boards/board"
import { BOARDS } from "../boards/index"
import { DecodedEvent, DecoderOptions, StreamDecoder, stripTransport } from "./decoder"
import { MapBlock, renderHeapMap, renderMemoryMap } from "./heapmap"
import { heapMetadata, metadataExtents } from "./heapmeta"

/** "1 live block", "2 live blocks". */
export function plural(n: number, noun: string): string {
    return `${n} ${noun}${n === 1 ? "" : "s"}`
}

/** The live blocks at the moment a phase had the most bytes live. */
export interface PhasePeak {
    phase: string
    bytes: number
    blocks: { ptr: number; size: number }[]
}

export class HeapViewer {
    readonly decoder: StreamDecoder
    readonly peaks: PhasePeak[] = []
    /** Protocol lines seen, and their bytes on a board's wire ("> " + line + "\n"). */
    lines = 0
    wireBytes = 0
    private lineNo = 0

    constructor(options: DecoderOptions = {}) {
        this.decoder = new StreamDecoder(options)
    }

    /** One console line (any transport prefix); returns the decoded event or null for other output. */
    push(line: string): DecodedEvent | null {
        this.lineNo++
        const ev = this.decoder.push(line, this.lineNo)
        if (!ev) return null
        this.lines++
        this.wireBytes += stripTransport(line).length + 3
        if (ev.type === "header") this.peaks.length = 0
        if (ev.type === "phase") this.peaks.push({ phase: ev.name, bytes: -1, blocks: [] })
        const peak = this.peaks[this.peaks.length - 1]
        if (peak) {
            const blocks = this.decoder.blocks()
            const live = blocks.reduce((n, b) => n + b.size, 0)
            if (live > peak.bytes) {
                peak.bytes = live
                peak.blocks = blocks.map(b => ({ ptr: b.ptr, size: b.size }))
            }
        }
        return ev
    }

    /** The board the stream's header names, if bareheap knows it. */
    board(): Board | undefined {
        const h = this.decoder.header
        return h ? BOARDS.find(b => b.id === h.board) : undefined
    }

    /** The summary: memory map, a heap map per phase peak, stream size and anomalies. */
    render(): string {
        const h = this.decoder.header
        if (!h) return "no bareheap stream found (no ~H header line)"
        const board = this.board()
        const out: string[] = [board ? renderMemoryMap(board) : `board "${h.board}" (not one bareheap knows)`, ""]
        out.push(`allocator ${h.allocator}: region ${h.size} B at 0x${h.base.toString(16)}`)
        for (const p of this.peaks) {
            if (p.bytes <= 0) continue
            out.push("", `heap at the peak of phase "${p.phase}": ${plural(p.blocks.length, "live block")}, ${p.bytes} B requested`)
            out.push(this.heapMap(p.blocks))
        }
        const live = this.decoder.blocks()
        out.push("", `at the end: ${plural(live.length, "live block")}`)
        if (live.length > 0) out.push(this.heapMap(live))
        const s = this.decoder.stats
        const peakReq = s && s.peakRequest !== null ? `, peak request ${s.peakRequest} B` : ""
        if (s) out.push(`last stats: in use ${s.inUse} B, free ${s.free} B, peak ${s.peak} B, largest free ${s.largestFree} B, ${s.allocs} allocs, ${s.frees} frees, ${s.failures} failures${peakReq}`)
        // "in use" counts what the allocator holds; with no live block that is a layer's hold, not a leak.
        if (s && live.length === 0 && s.inUse > 0)
            out.push(`  in use with no live block: ${s.inUse} B still held below the logger (with --debug full: freed blocks in the debug layer's quarantine, not leaks)`)
        const d = this.decoder
        out.push(...this.lifeLines())
        // A measurement of THIS run's stream (its mix of kinds); the format's per-kind sizes are docs/protocol.md §8.
        out.push(`stream: ${this.lines} lines, this run's mean ${(this.wireBytes / Math.max(1, this.lines)).toFixed(1)} B/line on the wire ("> " and newline included; per kind: docs/protocol.md §8), ${d.gaps.length} gaps, ${d.anomalies.length} anomalies`)
        for (const a of d.anomalies) out.push(`  anomaly (line ${a.lineNo}): ${a.kind}: ${a.message}`)
        return out.join("\n")
    }

    /** A heap map of the stream's region with `blocks` live and the allocator's metadata drawn apart. */
    private heapMap(blocks: MapBlock[]): string {
        const h = this.decoder.header as NonNullable<StreamDecoder["header"]>
        return renderHeapMap(h.base, h.size, blocks, 64, 4, metadataExtents(heapMetadata(h.allocator, h.base, h.size), blocks))
    }

    /** Summary lines for resizes, OOM hook calls, check failures and the leak report (only those that occurred). */
    lifeLines(): string[] {
        const d = this.decoder
        const out: string[] = []
        const r = d.resizes
        if (d.counts.reallocsInPlace + d.counts.reallocsMoved > 0)
            out.push(
                `resizes: ${r.growInPlace} grow in place, ${r.growMoved} grow moved, ${r.shrinkInPlace} shrink in place, ${r.shrinkMoved} shrink moved, ${r.sameSize} same size`,
            )
        const c = d.counts
        if (c.oomCalls > 0) out.push(`OOM hook: ${c.oomCalls} calls for ${c.oomRequests} requests, ${c.oomRecovered} recovered`)
        if (c.checkFailures > 0) out.push(`debug checks failed: ${c.checkFailures} (listed with the anomalies)`)
        const leaks = d.leakReport
        if (leaks) {
            const bytes = leaks.entries.reduce((n, e) => n + e.size, 0)
            out.push(`leak report (line ${leaks.lineNo}): ${plural(leaks.entries.length, "live block")}, ${bytes} B`)
            for (const k of leaks.byKind) out.push(`  ${k.kind}: ${plural(k.blocks, "block")}, ${k.bytes} B`)
        }
        return out
    }
}
