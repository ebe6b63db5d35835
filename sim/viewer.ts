/**
 * sim/viewer.ts — the host heap viewer: feeds an event stream (from the host
 * simulator, the WASM VM or a board's serial log) through the strict
 * decoder and keeps, for every phase, the heap as it was when the phase had
 * the most bytes live — its most telling picture. Then renders a summary:
 * the board's memory map with the heap region(s), one heap map per phase (a
 * multi-region heap: one map per region and phase; the holes between regions
 * are named, never drawn as memory: sim/regions.ts), a per-region usage
 * table, the last statistics, how reallocs resized (grow / shrink, in place / moved),
 * OOM hook calls and recoveries, debug check failures, the last leak report
 * by container kind, the stream's size and every anomaly.
 *
 * Peaks without copies (issue 11: a copy of the live set per phase line
 * took 3 GB for 20,000 phases after 3,000 blocks; a sum over the live set per
 * event made 30,000 allocations after one phase line take 48 s). Live bytes
 * come from the decoder's counter, O(1). The model's changes (the decoder's
 * onChange) go into one change log; each kept phase remembers the log
 * position of its peak, so its heap at the peak is the current model with
 * the log undone back to that position — built only when the peaks are
 * read. When the log grows past 2 × live blocks + 1024 entries, every kept
 * phase still pointing into it is folded into a snapshot in one backward
 * pass (O(kept phases × live + log), paid for by the log's entries) and
 * the log starts empty: time amortised O(MAX_PHASE_MAPS) per event, memory
 * O(MAX_PHASE_MAPS × live blocks). Consecutive phases with the same peak
 * share one snapshot. Only the last MAX_PHASE_MAPS phases keep their map
 * (`phasesDropped` counts the others).
 */
import { Board } from "../boards/board"
import { BOARDS } from "../boards/index"
import { DecodedEvent, DecodedRegion, DecoderOptions, ShadowBlock, StreamDecoder, stripTransport } from "./decoder"
import { escapeText } from "./escape"
import { MapBlock, renderHeapMap, renderMemoryMap } from "./heapmap"
import { heapMetadata, metadataExtents } from "./heapmeta"
import { blocksByRegion, isMultiRegion, rangeText, regionCaption, regionHoles, shareText, tagsText, usageOf } from "./regions"

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

/** Phases whose peak map is kept (the latest ones). */
export const MAX_PHASE_MAPS = 16

/** A kept phase: its peak so far, and where to find the heap at that peak. */
interface KeptPhase {
    phase: string
    bytes: number
    /** The heap at the peak, once folded (shared by phases with the same peak); null while `at` is used. */
    snapshot: ShadowBlock[] | null
    /** Absolute position in the change log at the peak: the heap then is the model with every later change undone. */
    at: number
}

export class HeapViewer {
    readonly decoder: StreamDecoder
    /** The last MAX_PHASE_MAPS phases of the current stream, the open one last. */
    private kept: KeptPhase[] = []
    /** Phases whose map was not kept. */
    phasesDropped = 0
    /** Changes of the model (added = true: a block was added), from absolute position `logBase`. */
    private log: { added: boolean; b: ShadowBlock }[] = []
    private logBase = 0
    /** Protocol lines seen, and their bytes on a board's wire ("> " + line + "\n"). */
    lines = 0
    wireBytes = 0
    private lineNo = 0

    constructor(options: DecoderOptions = {}) {
        this.decoder = new StreamDecoder(options)
        this.decoder.onChange = (added, b) => {
            if (this.kept.length === 0) return
            this.log.push({ added, b })
            if (this.log.length > 2 * this.decoder.counts.liveBlocks + 1024) this.fold()
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
            this.kept = []
            this.phasesDropped = 0
            this.log = []
            this.logBase = 0
        }
        const now = this.logBase + this.log.length
        if (ev.type === "phase") {
            this.kept.push({ phase: ev.name, bytes: -1, snapshot: null, at: now })
            if (this.kept.length > MAX_PHASE_MAPS) {
                this.kept.shift()
                this.phasesDropped++
            }
        }
        const open = this.kept.length > 0 ? this.kept[this.kept.length - 1] : null
        if (open !== null && this.decoder.counts.liveBytes > open.bytes) {
            open.bytes = this.decoder.counts.liveBytes
            open.snapshot = null
            open.at = now
        }
        return ev
    }

    /** Each kept phase's heap at its peak (the last MAX_PHASE_MAPS; the open phase as of now). O(kept × live + log). */
    get peaks(): PhasePeak[] {
        const snaps = this.snapshots()
        return this.kept.map((k, i) => ({ phase: k.phase, bytes: k.bytes, blocks: snaps[i].map(b => ({ ptr: b.ptr, size: b.size })) }))
    }

    /** The heap at each kept phase's peak, by undoing the log from the current model in one backward pass. */
    private snapshots(): ShadowBlock[][] {
        const out: ShadowBlock[][] = this.kept.map(k => k.snapshot ?? [])
        const pending = this.kept.map((k, i) => i).filter(i => this.kept[i].snapshot === null)
        if (pending.length === 0) return out
        const m = new Map<number, ShadowBlock>()
        this.decoder.forEachBlock(b => m.set(b.ptr, b))
        let pos = this.logBase + this.log.length
        let last: { at: number; blocks: ShadowBlock[] } | null = null
        // Later phases have later peaks: walk them newest first while undoing the log.
        for (let j = pending.length - 1; j >= 0; j--) {
            const k = this.kept[pending[j]]
            if (last !== null && last.at === k.at) {
                out[pending[j]] = last.blocks
                continue
            }
            for (; pos > k.at; pos--) {
                const { added, b } = this.log[pos - 1 - this.logBase]
                if (added) m.delete(b.ptr)
                else m.set(b.ptr, b)
            }
            last = { at: k.at, blocks: [...m.values()].sort((x, y) => x.ptr - y.ptr) }
            out[pending[j]] = last.blocks
        }
        return out
    }

    /** Folds every kept phase that points into the log into a snapshot; empties the log. */
    private fold(): void {
        const snaps = this.snapshots()
        this.kept.forEach((k, i) => (k.snapshot = snaps[i]))
        this.logBase += this.log.length
        this.log = []
        // The log keeps recording: the open phase's next peak points into it again.
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
        const regions = this.decoder.regions
        const multi = isMultiRegion(this.decoder)
        const out: string[] = [board ? renderMemoryMap(board, multi ? regions : undefined) : `board "${h.board}" (not one bareheap knows)`, ""]
        if (!multi) out.push(`allocator ${h.allocator}: region ${h.size} B at 0x${h.base.toString(16)}`)
        else {
            const total = regions.reduce((n, r) => n + r.size, 0)
            out.push(`allocator ${h.allocator}: ${regions.length} regions, ${total} B in all, spanning ${rangeText(h.base, h.size)} (the holes between them are not heap)`)
            for (const r of regions) out.push(`  ${regionCaption(r)}`)
        }
        if (!this.decoder.regionsComplete) out.push(`  (the region table is incomplete: lines were lost in a gap; only the regions above are drawn)`)
        if (this.phasesDropped > 0) out.push("", `(${this.phasesDropped} earlier phases are not drawn: the viewer keeps the last ${MAX_PHASE_MAPS})`)
        for (const p of this.peaks) {
            if (p.bytes <= 0) continue
            out.push("", `heap at the peak of phase "${p.phase}": ${plural(p.blocks.length, "live block")}, ${p.bytes} B requested`)
            out.push(this.heapMaps(p.blocks))
        }
        const live = this.decoder.blocks()
        out.push("", `at the end: ${plural(live.length, "live block")}`)
        if (live.length > 0) out.push(this.heapMaps(live))
        if (multi) out.push(...this.regionTable())
        const s = this.decoder.stats
        const peakReq = s && s.peakRequest !== null ? `, peak request ${s.peakRequest} B` : ""
        if (s) out.push(`last stats: in use ${s.inUse} B, free ${s.free} B, peak ${s.peak} B, largest free ${s.largestFree} B, ${s.allocs} allocs, ${s.frees} frees, ${s.failures} failures${peakReq}`)
        // "in use" counts what the allocator holds; with no live block that is a layer's hold, not a leak.
        if (s && live.length === 0 && s.inUse > 0)
            out.push(`  in use with no live block: ${s.inUse} B still held below the logger (with --debug full: freed blocks in the debug layer's quarantine, not leaks)`)
        const d = this.decoder
        out.push(...this.lifeLines())
        // A measurement of THIS run's stream (its mix of kinds); the format's per-kind sizes are docs/protocol.md §8.
        out.push(`stream: ${this.lines} lines, this run's mean ${(this.wireBytes / Math.max(1, this.lines)).toFixed(1)} B/line on the wire ("> " and newline included; per kind: docs/protocol.md §8), ${d.gapCount} gaps, ${d.anomalyCount} anomalies${d.linesLost > 0 ? ` (${d.linesLost} lines lost in the gaps)` : ""}`)
        for (const a of d.anomalies) out.push(`  anomaly (line ${a.lineNo}): ${a.kind}: ${a.message}`)
        if (d.anomalyCount > d.anomalies.length) out.push(`  … and ${d.anomalyCount - d.anomalies.length} more anomalies (the first ${d.anomalies.length} are listed)`)
        return out.join("\n")
    }

    /** A heap map of one region with `blocks` (those in it) live and the metadata of the region's allocator drawn apart. */
    regionMap(r: DecodedRegion, blocks: MapBlock[], width = 64, maxRows = 4): string {
        return renderHeapMap(r.base, r.size, blocks, width, maxRows, metadataExtents(heapMetadata(r.kind, r.base, r.size), blocks))
    }

    /**
     * The heap with `blocks` live: one region's map as it always was; for several regions, a map
     * per region under its caption, and a line for each hole between them (not memory: not drawn).
     */
    heapMaps(blocks: MapBlock[], width = 64, maxRows = 4): string {
        const regions = this.decoder.regions
        if (!isMultiRegion(this.decoder)) return this.regionMap(regions[0], blocks, width, maxRows)
        if (regions.length === 0) return "  (no region of the table has arrived: nothing to draw)"
        const groups = blocksByRegion(this.decoder, blocks)
        const holes = regionHoles(regions)
        const out: string[] = []
        regions.forEach((r, i) => {
            const u = usageOf(groups[i])
            out.push(`  ${regionCaption(r)}: ${plural(u.liveBlocks, "live block")}, ${u.liveBytes} B`)
            out.push(this.regionMap(r, groups[i], width, maxRows))
            const hole = holes.find(x => x.after === i)
            if (hole) out.push(`  hole ${rangeText(hole.base, hole.size)} (${hole.size} B): not heap, not drawn`)
        })
        return out.join("\n")
    }

    /** The per-region usage table at the end: live blocks and bytes now, the peak of live bytes, the share of the region in use. */
    regionTable(): string[] {
        const regions = this.decoder.regions
        const counts = this.decoder.regionCounts
        const cells = regions.map((r, i) => {
            const c = counts[i] ?? { liveBlocks: 0, liveBytes: 0, peakLiveBytes: 0 }
            return [String(r.index), rangeText(r.base, r.size), String(r.size), escapeText(r.kind, 60), tagsText(r), String(c.liveBlocks), String(c.liveBytes), String(c.peakLiveBytes), shareText(c.liveBytes, r.size)]
        })
        const head = ["region", "address range", "size B", "kind", "tags", "live blocks", "live B", "peak live B", "share now"]
        const widths = head.map((t, j) => Math.max(t.length, ...cells.map(c => c[j].length)))
        // Numbers right-aligned; the address range, kind and tags left-aligned.
        const row = (c: string[]) => "  " + c.map((t, j) => ([1, 3, 4].includes(j) ? t.padEnd(widths[j]) : t.padStart(widths[j]))).join("  ").trimEnd()
        return ["", "regions at the end (live payload bytes; share = live B / region size):", row(head), ...cells.map(row)]
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
            out.push(`leak report (line ${leaks.lineNo}): ${plural(leaks.count, "live block")}, ${leaks.bytes} B`)
            for (const k of leaks.byKind) out.push(`  ${k.kind}: ${plural(k.blocks, "block")}, ${k.bytes} B`)
        }
        return out
    }
}
