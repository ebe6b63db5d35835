/**
 * sim/live_view.ts — the live terminal view of a HeapStream (issue 11 §3),
 * used by `bareheap view --live` and by the monitor.
 *
 * On a TTY it owns the screen (alternate screen, cursor hidden) and redraws
 * at most 10 times a second, only when something changed:
 *
 *   bareheap live — <source>                                   [PAUSED]
 *   board … · allocator … · region … at 0x…
 *   in use · peak · free · largest free · fragmentation · failures · lines lost
 *   heap map of the whole region at the terminal's width ('#' used, '=' the
 *   allocator's metadata, '.' free; sim/heapmap.ts)
 *   — a multi-region heap (protocol v3): one usage bar per region instead
 *     (index, kind, tags, [####....], share, live bytes / size, blocks), then
 *     a heap map per region in the rows left (holes are not drawn)
 *   latest events (or console lines, key c)
 *   anomalies: the latest, and how many in all
 *   keys
 *
 * Keys: q quit, p pause (the stream is still decoded; the screen is frozen),
 * c events ⇄ console lines, r redraw, Ctrl-C interrupt. Ctrl-C (raw key or
 * SIGINT), q and the end of the input all end the view with the screen
 * restored; the caller then prints the same summary `bareheap view` prints.
 *
 * When the output is not a TTY it writes plain lines (sim/stream.ts
 * reportLine) and never an escape code.
 *
 * Why plain ANSI and no library: the screen is a handful of text rows
 * rebuilt from the model each frame, so a renderer is ~40 lines (cursor home,
 * each row + erase-to-end, erase below). ink would bring React and a
 * reconciler for that; blessed is unmaintained since 2015. Plain ANSI also
 * keeps control of the one invariant that matters here: every character
 * from the stream goes through escapeText (sim/escape.ts) before it reaches
 * the screen, and rows are cut to the terminal's width, so a hostile stream
 * can neither inject a sequence nor break the layout.
 *
 * Bounds: the latest MAX_RECENT events/console lines and MAX_RECENT
 * anomalies are kept (rings); a frame costs O(rows × columns + live blocks).
 */
import { openSync } from "node:fs"
import { ReadStream } from "node:tty"
import { DecodedEvent } from "./decoder"
import { escapeText } from "./escape"
import { sizeText } from "./heapmap"
import { blocksByRegion, isMultiRegion, shareText, tagsText, usageBar } from "./regions"
import { HeapStream, reportLine, StreamReport } from "./stream"

/** How the view ended: the input ended, the user quit (q), or interrupted (Ctrl-C / SIGINT). */
export type LiveViewEnd = "end" | "quit" | "interrupt"

export interface LiveViewOptions {
    output: NodeJS.WriteStream
    /** Where keys come from (a TTY in raw mode); null = no keys (e.g. stdin is the data and /dev/tty is not there). */
    keys: NodeJS.ReadStream | ReadStream | null
    /** What is being watched: a file name, a port. Shown in the title (escaped). */
    title: string
    /** Redraws per second at most (≤ 10). */
    fps?: number
}

export interface LiveView {
    /** Resolves when the user quits or interrupts, or after endOfInput(). */
    done: Promise<LiveViewEnd>
    /** True once the view has ended (the reader should stop). */
    readonly finished: boolean
    /** The input ended: the view draws a last frame and ends with "end". */
    endOfInput(): LiveViewEnd
    /** Restores the terminal (idempotent). */
    stop(): void
}

/** Latest events, console lines and anomalies kept for the screen. */
export const MAX_RECENT = 200

/** A ring of the latest `cap` strings. */
export class Recent {
    private items: string[] = []
    private start = 0
    constructor(private readonly cap: number) {}
    push(s: string): void {
        if (this.items.length < this.cap) this.items.push(s)
        else {
            this.items[this.start] = s
            this.start = (this.start + 1) % this.cap
        }
    }
    /** The last n, oldest first. */
    last(n: number): string[] {
        const all = [...this.items.slice(this.start), ...this.items.slice(0, this.start)]
        return n <= 0 ? [] : all.slice(-n)
    }
}

const hex = (n: number) => "0x" + n.toString(16)

/** One event as a short line for the events pane. */
export function eventText(e: DecodedEvent): string {
    const at = `${String(e.lineNo).padStart(6)}  `
    switch (e.type) {
        case "header":
            return `${at}header: ${e.board} ${e.allocator} v${e.version}`
        case "alloc":
        case "zeroed":
            return `${at}${e.type === "alloc" ? "alloc " : "zeroed"} ${hex(e.ptr)} ${e.size} B align ${e.align}`
        case "dealloc":
            return `${at}free   ${hex(e.ptr)} ${e.size} B`
        case "realloc":
            return `${at}realloc ${hex(e.old)} → ${hex(e.ptr)} ${e.oldSize} → ${e.size} B (${e.resize})`
        case "fail":
            return `${at}FAILED ${e.op} ${e.size} B align ${e.align}`
        case "error":
            return `${at}misuse ${e.name} at ${hex(e.ptr)} (${e.op})`
        case "stats":
            return `${at}stats: in use ${e.inUse} B, ${e.live} live`
        case "phase":
            return `${at}phase ${e.name}`
        case "oom":
            return `${at}OOM hook ${e.op} ${e.size} B attempt ${e.attempt}${e.retry ? " retry" : ""}`
        case "check":
            return `${at}check failed: ${e.name} at ${hex(e.ptr)}`
        case "leak":
            return `${at}leak ${hex(e.ptr)} ${e.size} B ${e.kind}`
        case "region":
            return `${at}region ${e.index} ${hex(e.base)} ${e.size} B ${e.kind}`
    }
}

/** Cuts a row (already escaped: one column per UTF-16 unit for what escapeText lets through, wide characters aside) to `cols`. */
function fit(s: string, cols: number): string {
    return s.length <= cols ? s : s.slice(0, Math.max(0, cols - 1)) + "…"
}

/** The screen's rows for a stream (no escape codes; every stream character escaped). Exported for tests. */
/** What the screen shows besides the stream's model. */
export interface FrameState {
    recent: Recent
    console: Recent
    anomalies: Recent
    showConsole: boolean
    paused: boolean
    /** Escaped already. */
    title: string
    /** Lines per second over the last second or so. */
    rate: number
}

export function renderFrame(stream: HeapStream, state: FrameState, cols: number, rows: number): string[] {
    const d = stream.decoder
    const h = d.header
    const out: string[] = []
    out.push(`bareheap live — ${state.title} · ${stream.lineNo} lines, ${Math.round(state.rate)} lines/s${state.paused ? "   [PAUSED]" : ""}${stream.ended ? "   [input ended]" : ""}`)
    if (h === null) {
        out.push(`waiting for a stream header (~H)… ${stream.lineNo} lines, ${stream.transport.bytes} bytes so far`)
    } else {
        const board = stream.viewer.board()
        const multi = isMultiRegion(d)
        const heapText = multi ? `${d.regions.length} regions, ${sizeText(d.regions.reduce((n, r) => n + r.size, 0))} in all from ${hex(h.base)}` : `region ${sizeText(h.size)} at ${hex(h.base)}`
        out.push(`board ${h.board}${board ? ` (${board.chip})` : ""} · allocator ${h.allocator} · ${heapText} · protocol v${h.version}`)
        const s = d.stats
        const c = d.counts
        const frag = s && s.free > 0 ? `${Math.round((1 - s.largestFree / s.free) * 100)}%` : "–"
        out.push(
            s
                ? `in use ${s.inUse} B · peak ${s.peak} B · free ${s.free} B · largest free ${s.largestFree} B · fragmentation ${frag} · failures ${s.failures}`
                : `in use (model) ${c.liveBytes} B · peak (model) ${c.peakLiveBytes} B · failures ${c.failures} · no stats line yet`,
        )
        const t = stream.transport
        out.push(
            `live blocks ${c.liveBlocks} · lines lost ${d.linesLost} (gaps ${d.gapCount}) · transport drops ${t.droppedLogs} output, ${t.droppedFrames} frames · anomalies ${d.anomalyCount}${stream.errorCount > 0 ? ` · protocol errors ${stream.errorCount}` : ""}`,
        )
        const blocks: { ptr: number; size: number }[] = []
        d.forEachBlock(b => blocks.push(b))
        const width = Math.max(8, cols - 14)
        const regions = d.regions
        if (!multi) {
            const mapRows = Math.max(1, Math.min(16, rows - 14))
            out.push(...stream.viewer.heapMaps(blocks, width, mapRows).split("\n"))
        } else if (regions.length === 0) out.push("waiting for the region table (~M lines)…")
        else {
            const counts = d.regionCounts
            const labels = regions.map(r => `region ${r.index} ${escapeText(r.kind, 24)} ${tagsText(r)}`)
            const labelWidth = Math.max(...labels.map(l => l.length))
            // Bars of 10..40 cells: on a narrow terminal the numbers after the bar are cut, not the bar.
            regions.forEach((r, i) => {
                const c = counts[i] ?? { liveBlocks: 0, liveBytes: 0 }
                const tail = ` ${shareText(c.liveBytes, r.size).padStart(7)} · ${c.liveBytes} / ${r.size} B · ${c.liveBlocks} blocks`
                out.push(`${labels[i].padEnd(labelWidth)} ${usageBar(c.liveBytes, r.size, Math.max(10, Math.min(40, cols - labelWidth - tail.length - 3)))}${tail}`)
            })
            if (!d.regionsComplete) out.push("(the region table is incomplete: still arriving, or lines lost in a gap)")
            // The rows left for maps are shared: each region's map gets its share (at least one row) and its caption, legend.
            const mapRows = Math.max(1, Math.floor((rows - 14 - regions.length) / regions.length) - 2)
            const groups = blocksByRegion(d, blocks)
            if (rows - 14 - regions.length >= 3 * regions.length)
                regions.forEach((r, i) => out.push(`region ${r.index}:`, ...stream.viewer.regionMap(r, groups[i], width, mapRows).split("\n")))
        }
    }
    const paneRows = Math.max(1, rows - out.length - 6)
    const evRows = Math.max(1, Math.ceil(paneRows / 2))
    out.push(state.showConsole ? "console lines (c: events):" : "latest events (c: console lines):")
    out.push(...(state.showConsole ? state.console : state.recent).last(evRows).map(l => "  " + l))
    out.push(`anomalies (${d.anomalyCount}):`)
    out.push(...state.anomalies.last(Math.max(1, paneRows - evRows)).map(l => "  " + l))
    out.push("q quit · p pause · c events/console · r redraw · Ctrl-C stop")
    return out.slice(0, rows).map(l => fit(l, cols))
}

/** Opens the controlling terminal for keys when stdin carries the data; null where there is none. */
export function openControllingTty(): ReadStream | null {
    if (process.platform === "win32") return null
    try {
        return new ReadStream(openSync("/dev/tty", "r"))
    } catch {
        return null
    }
}

/**
 * Shows `stream` live on `opts.output` until the user quits or the caller
 * calls endOfInput(). The caller pushes the input into the stream.
 */
export function runLiveView(stream: HeapStream, opts: LiveViewOptions): LiveView {
    const out = opts.output
    const tty = out.isTTY === true
    const state: FrameState = { recent: new Recent(MAX_RECENT), console: new Recent(MAX_RECENT), anomalies: new Recent(MAX_RECENT), showConsole: false, paused: false, title: escapeText(opts.title, 80), rate: 0 }
    let rateAt = performance.now()
    let rateLines = 0
    let resolve: (e: LiveViewEnd) => void = () => {}
    const done = new Promise<LiveViewEnd>(r => (resolve = r))
    let finished = false
    let dirty = true
    const unsubscribe = stream.onReport((r: StreamReport) => {
        dirty = true
        if (!tty) {
            const l = reportLine(r)
            if (l !== null) out.write(l + "\n")
            return
        }
        if (r.kind === "event") state.recent.push(eventText(r.event))
        else if (r.kind === "console") state.console.push(`${String(r.lineNo).padStart(6)}  ${r.level ? r.level + " " : ""}${escapeText(r.text, 300)}`)
        else if (r.kind === "anomaly") state.anomalies.push(r.anomaly.message)
        else {
            const l = reportLine(r)
            if (l !== null) state.anomalies.push(l)
        }
    })

    const draw = (force = false) => {
        if (!tty || finished) return
        const now = performance.now()
        if (now - rateAt >= 1000) {
            const rate = ((stream.lineNo - rateLines) * 1000) / (now - rateAt)
            dirty = dirty || Math.round(rate) !== Math.round(state.rate)
            state.rate = rate
            rateAt = now
            rateLines = stream.lineNo
        }
        if ((!dirty && !force) || (state.paused && !force)) return
        dirty = false
        const rows = renderFrame(stream, state, out.columns || 80, out.rows || 24)
        out.write("\x1b[H" + rows.map(r => r + "\x1b[K").join("\r\n") + "\x1b[J")
    }
    const fps = Math.min(10, Math.max(1, opts.fps ?? 10))
    const timer = tty ? setInterval(draw, Math.round(1000 / fps)) : null
    const onResize = () => draw(true)
    const keys = opts.keys
    const onKey = (data: Buffer | string) => {
        for (const ch of data.toString()) {
            if (ch === "q" || ch === "Q") {
                end("quit")
                return
            }
            if (ch === "\x03") {
                end("interrupt")
                return
            }
            if (ch === "p" || ch === "P") {
                state.paused = !state.paused
                draw(true)
            } else if (ch === "c" || ch === "C") {
                state.showConsole = !state.showConsole
                draw(true)
            } else if (ch === "r" || ch === "R") {
                out.write("\x1b[2J")
                draw(true)
            }
        }
    }
    const onSigint = () => end("interrupt")
    process.on("SIGINT", onSigint)
    if (tty) {
        out.write("\x1b[?1049h\x1b[?25l\x1b[2J")
        out.on("resize", onResize)
        draw(true)
    }
    if (keys !== null) {
        if (keys.isTTY) (keys as ReadStream).setRawMode(true)
        keys.on("data", onKey)
        keys.resume()
    }

    function stop(): void {
        if (finished) return
        if (timer !== null) clearInterval(timer)
        process.off("SIGINT", onSigint)
        unsubscribe()
        if (keys !== null) {
            keys.off("data", onKey)
            if (keys.isTTY) (keys as ReadStream).setRawMode(false)
            keys.pause()
            if (keys !== process.stdin) keys.destroy()
        }
        if (tty) {
            out.off("resize", onResize)
            out.write("\x1b[?25h\x1b[?1049l")
        }
        finished = true
    }
    function end(how: LiveViewEnd): LiveViewEnd {
        if (finished) return how
        if (tty) {
            state.paused = false
            draw(true)
        }
        stop()
        resolve(how)
        return how
    }
    return {
        done,
        get finished() {
            return finished
        },
        endOfInput: () => end("end"),
        stop,
    }
}
