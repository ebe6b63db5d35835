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
 * Peaks without copies (issue 11: a copy of the live set per phase line
 * took 3 GB for 20,000 phases after 3,000 blocks; a sum over the live set per
 * event made 30,000 allocations after one phase line take 48 s). Live bytes
 * come from the decoder's counter, O(1). While a phase is open, the changes
 * of the model since that phase's peak are kept as an undo log (the
 * decoder's onChange); the heap at the peak is the current model with the
 * log undone, built once when the phase closes. A log longer than
 * 2 × live blocks + 1024 is folded into a snapshot at once (O(live + log),
 * paid for by the log's entries), so time is amortised O(1) per event and
 * memory O(live blocks). Only the last MAX_PHASE_MAPS closed phases keep their
 * map (`phasesDropped` counts the others).
 */
import { Board } from "../boards/board"
import { BOARDS } from "../boards/index"
import { DecodedEvent, DecoderOptions, ShadowBlock, StreamDecoder, stripTransport } from "./decoder"
import { renderHeapMap, renderMemoryMap } from "./heapmap"

/** The live blocks at the moment a phase had the most bytes live. */
export interface PhasePeak {
    phase: string
    bytes: number
    blocks: { ptr: number; size: number }[]
}

/** Phases whose peak map is kept (the latest ones). */
export const MAX_PHASE_MAPS = 16

/** The phase being decoded: its peak so far, and how to get back to it from the current model. */
interface OpenPhase {
    phase: string
    bytes: number
    /** The model at the peak, once folded; null while `undo` leads back to it. */
    snapshot: Map<number, ShadowBlock> | null
    /** Model changes since the peak, oldest first (added = true: a block was added). */
    undo: { added: boolean; b: ShadowBlock }[]
}

export class HeapViewer {
    readonly decoder: StreamDecoder
    /** Closed phases' peaks (the last MAX_PHASE_MAPS), then the open phase's as of now: call `peaks` after the stream. */
    private closed: PhasePeak[] = []
    /** Closed phases whose map was not kept. */
    phasesDropped = 0
    private open: OpenPhase | null = null
    /** Protocol lines seen, and their bytes on a board's wire ("> " + line + "\n"). */
    lines = 0
    wireBytes = 0
    private lineNo = 0

    constructor(options: DecoderOptions = {}) {
        this.decoder = new StreamDecoder(options)
        this.decoder.onChange = (added, b) => {
            const o = this.open
            if (o === null || o.snapshot !== null) return
            o.undo.push({ added, b })
            if (o.undo.length > 2 * this.decoder.counts.liveBlocks + 1024) o.snapshot = this.peakModel(o)
        }
    }

    /** One console line (any transport prefix); returns the decoded event or null for other output. */
    push(line: string): DecodedEvent | null {
        return this.pushStripped(stripTransport(line))
    }

    /** `push` for a line whose transport is already off; `lineNo` defaults to the count of lines pushed. */
    pushStripped(text: string, lineNo?: number): DecodedEvent | null {
        this.lineNo++
        const ev = this.decoder.pushStripped(text, lineNo ?? this.lineNo)
        if (!ev) return null
        this.lines++
        this.wireBytes += text.length + 3
        if (ev.type === "header") {
            this.closed = []
            this.phasesDropped = 0
            this.open = null
        }
        if (ev.type === "phase") {
            this.closePhase()
            this.open = { phase: ev.name, bytes: -1, snapshot: null, undo: [] }
        }
        const o = this.open
        if (o !== null && this.decoder.counts.liveBytes > o.bytes) {
            o.bytes = this.decoder.counts.liveBytes
            o.snapshot = null
            o.undo = []
        }
        return ev
    }

    /** Each phase's heap at its peak: the last MAX_PHASE_MAPS closed phases and the open one. */
    get peaks(): PhasePeak[] {
        const o = this.open
        return o === null ? this.closed : [...this.closed, this.toPeak(o)]
    }

    /** The model at the open phase's peak: the current model with the undo log undone. O(live + log). */
    private peakModel(o: OpenPhase): Map<number, ShadowBlock> {
        if (o.snapshot !== null) return o.snapshot
        const m = new Map<number, ShadowBlock>()
        this.decoder.forEachBlock(b => m.set(b.ptr, b))
        for (let i = o.undo.length - 1; i >= 0; i--) {
            const { added, b } = o.undo[i]
            if (added) m.delete(b.ptr)
            else m.set(b.ptr, b)
        }
        return m
    }

    private toPeak(o: OpenPhase): PhasePeak {
        const blocks = [...this.peakModel(o).values()].sort((x, y) => x.ptr - y.ptr).map(b => ({ ptr: b.ptr, size: b.size }))
        return { phase: o.phase, bytes: o.bytes, blocks }
    }

    private closePhase(): void {
        if (this.open === null) return
        this.closed.push(this.toPeak(this.open))
        if (this.closed.length > MAX_PHASE_MAPS) {
            this.closed.shift()
            this.phasesDropped++
        }
        this.open = null
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
        if (this.phasesDropped > 0) out.push("", `(${this.phasesDropped} earlier phases are not drawn: the viewer keeps the last ${MAX_PHASE_MAPS})`)
        for (const p of this.peaks) {
            if (p.bytes <= 0) continue
            out.push("", `heap at the peak of phase "${p.phase}": ${p.blocks.length} live blocks, ${p.bytes} B requested`)
            out.push(renderHeapMap(h.base, h.size, p.blocks, 64, 4))
        }
        const live = this.decoder.blocks()
        out.push("", `at the end: ${live.length} live blocks`)
        if (live.length > 0) out.push(renderHeapMap(h.base, h.size, live, 64, 4))
        const s = this.decoder.stats
        const peakReq = s && s.peakRequest !== null ? `, peak request ${s.peakRequest} B` : ""
        if (s) out.push(`last stats: in use ${s.inUse} B, free ${s.free} B, peak ${s.peak} B, largest free ${s.largestFree} B, ${s.allocs} allocs, ${s.frees} frees, ${s.failures} failures${peakReq}`)
        const d = this.decoder
        out.push(...this.lifeLines())
        out.push(`stream: ${this.lines} lines, mean ${(this.wireBytes / Math.max(1, this.lines)).toFixed(1)} B/line on the wire ("> " and newline included), ${d.gapCount} gaps, ${d.anomalyCount} anomalies${d.linesLost > 0 ? ` (${d.linesLost} lines lost in the gaps)` : ""}`)
        for (const a of d.anomalies) out.push(`  anomaly (line ${a.lineNo}): ${a.kind}: ${a.message}`)
        if (d.anomalyCount > d.anomalies.length) out.push(`  … and ${d.anomalyCount - d.anomalies.length} more anomalies (the first ${d.anomalies.length} are listed)`)
        return out.join("\n")
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
            out.push(`leak report (line ${leaks.lineNo}): ${leaks.count} live blocks, ${leaks.bytes} B`)
            for (const k of leaks.byKind) out.push(`  ${k.kind}: ${k.blocks} blocks, ${k.bytes} B`)
        }
        return out
    }
}
