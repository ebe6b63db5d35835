/**
 * sim/stream.ts — the one streaming decoder: bytes in, in any chunking;
 * reports and a heap model out as the bytes arrive. `bareheap view`, the
 * live view, the monitor and the HTML report all read a stream through it.
 *
 *   push(chunk) ──▶ UsbDeframer ──▶ stripConsoleLine ──▶ HeapViewer ──▶ StreamDecoder ──▶ model
 *   (bytes or       (Jacdac frames,   ("> ", "WASM> ",    (phase peaks)   (strict protocol,
 *    text)           FE escapes,       ANSI, CR)                          anomalies, gaps)
 *                    UTF-8, lines)
 *
 * Every step reports to the listeners, in stream order:
 *
 *   event     a protocol line decoded (DecodedEvent)
 *   console   any other console line (raw text: escape it before showing, sim/escape.ts)
 *   error     a ProtocolError: the stream is wrong at that line
 *   anomaly   the heap the stream describes is wrong (decoder.anomalies)
 *   gap       sequence numbers skipped: lines lost, seen by the protocol (with allowGaps)
 *   drop      the transport said it dropped console output (FE FA) or frames (FE FB):
 *             counted apart from gaps, which the sequence numbers reveal
 *   overlong  a line longer than maxLine characters (its start is kept)
 *   link      the caller said the link broke and came back (linkLost): the
 *             model is kept; lines lost meanwhile show up as a gap
 *
 * Errors: with `onError: "stop"` (the default, as `bareheap view`), the first
 * ProtocolError ends decoding — later lines cannot be trusted — and
 * `failed` holds it; with "continue" (a monitor watching a board) each error
 * is reported and decoding goes on with the next line (a line that throws
 * changes no decoder state).
 *
 * Memory: O(live blocks + maxLine + bounded history) — see sim/decoder.ts,
 * sim/viewer.ts and sim/usb_framing.ts for each part's bound; at most
 * HISTORY_LIMIT errors are kept (`errorCount` counts all). Time: linear in
 * the bytes. bench/decoder.ts measures both (bench/decoder.md).
 *
 * ```ts
 * const s = new HeapStream({ allowGaps: true, onError: "continue" })
 * s.onReport(r => { if (r.kind === "anomaly") console.log(r.anomaly.message) })
 * port.on("data", (b: Buffer) => s.push(b))
 * port.on("close", () => { s.end(); console.log(s.summary()) })
 * ```
 */
import { stripConsoleLine, ConsoleLevel } from "./console_line"
import { Anomaly, DecodedEvent, DecoderOptions, Gap, HISTORY_LIMIT, ProtocolError, StreamDecoder } from "./decoder"
import { escapeText } from "./escape"
import { MAX_LINE, TransportCounts, UsbDeframer, UsbItem } from "./usb_framing"
import { HeapViewer } from "./viewer"

export type StreamReport =
    | { kind: "event"; event: DecodedEvent }
    | { kind: "console"; lineNo: number; text: string; level: ConsoleLevel }
    | { kind: "error"; error: ProtocolError }
    | { kind: "anomaly"; anomaly: Anomaly }
    | { kind: "gap"; gap: Gap }
    | { kind: "drop"; what: "logs" | "frames"; lineNo: number }
    | { kind: "overlong"; lineNo: number; length: number }
    | { kind: "link"; lineNo: number; message: string; partialChars: number }

export interface HeapStreamOptions extends DecoderOptions {
    /** "stop" (default): the first ProtocolError ends decoding; "continue": report it and go on. */
    onError?: "stop" | "continue"
    /** Longest line kept, in characters (default MAX_LINE = 4096). */
    maxLine?: number
    /** Called with every chunk as it arrives, before decoding: `--record raw.bin` writes them. */
    record?: (chunk: Uint8Array | string) => void
}

export class HeapStream {
    /** The model and the phase peaks (`viewer.decoder` is the strict decoder). */
    readonly viewer: HeapViewer
    /** The transport stripper; `transport.counts` says what it removed and what the board reported lost. */
    readonly deframer: UsbDeframer
    /** The first HISTORY_LIMIT protocol errors; `errorCount` counts all. */
    readonly errors: ProtocolError[] = []
    errorCount = 0
    /** With onError "stop": the error that stopped decoding. */
    failed: ProtocolError | null = null
    /** Lines out of the transport so far (the line numbers every report uses). */
    lineNo = 0
    ended = false
    /** The type of the last protocol event (for the "may be cut off" check). */
    private lastEvent = ""
    private readonly listeners: ((r: StreamReport) => void)[] = []
    private readonly stopOnError: boolean
    private readonly record: ((chunk: Uint8Array | string) => void) | null

    constructor(options: HeapStreamOptions = {}) {
        this.viewer = new HeapViewer({ allowGaps: options.allowGaps })
        this.deframer = new UsbDeframer(options.maxLine ?? MAX_LINE)
        this.stopOnError = (options.onError ?? "stop") === "stop"
        this.record = options.record ?? null
        this.decoder.onAnomaly = anomaly => this.emit({ kind: "anomaly", anomaly })
        this.decoder.onGap = gap => this.emit({ kind: "gap", gap })
    }

    get decoder(): StreamDecoder {
        return this.viewer.decoder
    }

    get transport(): TransportCounts {
        return this.deframer.counts
    }

    /** Adds a listener for every report from now on; returns a function that removes it. */
    onReport(listener: (r: StreamReport) => void): () => void {
        this.listeners.push(listener)
        return () => {
            const i = this.listeners.indexOf(listener)
            if (i >= 0) this.listeners.splice(i, 1)
        }
    }

    /** Decodes a chunk of raw bytes (USB serial, a file) or of text (already-decoded console output). */
    push(chunk: Uint8Array | string): void {
        if (this.ended) throw new Error("HeapStream.push after end()")
        this.record?.(chunk)
        this.items(this.deframer.push(chunk))
    }

    /** The input ended: decodes a last line without a line end. */
    end(): void {
        if (this.ended) return
        this.items(this.deframer.end())
        this.ended = true
    }

    /**
     * The transport broke and reconnected (a monitor after an unplug): keeps
     * the model, drops the partial line and frame, and reports `link` with
     * `message` (escaped when shown). Lines lost meanwhile are a sequence gap
     * the decoder reports itself (decode with allowGaps to go on).
     */
    linkLost(message: string): void {
        this.linkLosses++
        this.emit({ kind: "link", lineNo: this.lineNo, message, partialChars: this.deframer.reset() })
    }

    /** Link losses the caller reported (linkLost). */
    linkLosses = 0

    /** Whether decoding goes on (false after a stopping error). */
    get decoding(): boolean {
        return this.failed === null
    }

    private emit(r: StreamReport): void {
        for (const l of this.listeners) l(r)
    }

    private items(items: UsbItem[]): void {
        for (const it of items) {
            if (it.kind === "drop") {
                this.emit({ kind: "drop", what: it.what, lineNo: this.lineNo })
                continue
            }
            const no = ++this.lineNo
            if (this.failed !== null) continue
            const { text, level } = stripConsoleLine(it.text)
            if (it.overlong > 0) {
                this.emit({ kind: "overlong", lineNo: no, length: it.overlong })
                if (text.startsWith("~")) {
                    this.error(new ProtocolError(no, text, `the line is ${it.overlong} characters long: no protocol line is longer than ${this.deframer.maxLine}`))
                    continue
                }
            }
            let ev: DecodedEvent | null
            try {
                ev = this.viewer.pushStripped(text, no)
            } catch (e) {
                if (!(e instanceof ProtocolError)) throw e
                this.error(e)
                continue
            }
            if (ev === null) this.emit({ kind: "console", lineNo: no, text, level })
            else {
                this.lastEvent = ev.type
                this.emit({ kind: "event", event: ev })
            }
        }
    }

    private error(e: ProtocolError): void {
        this.errorCount++
        if (this.errors.length < HISTORY_LIMIT) this.errors.push(e)
        if (this.stopOnError) this.failed = e
        this.emit({ kind: "error", error: e })
    }

    /**
     * What the end of the stream says about its completeness: no header at
     * all, or live blocks with no ~S line after the last event (a capture
     * that stopped mid-run). Empty when the stream looks whole.
     */
    endingProblems(): { noHeader: boolean; warnings: string[] } {
        const d = this.decoder
        const warnings: string[] = []
        if (d.header === null) return { noHeader: true, warnings }
        if (this.failed === null && d.counts.liveBlocks > 0 && this.lastEvent !== "stats")
            warnings.push(
                `warning: the stream ends with ${d.counts.liveBlocks} live blocks and no stats line (~S) after its last event: it may be cut off`,
            )
        return { noHeader: false, warnings }
    }

    /** One line on what the transport stripped and reported lost; null when it only carried text. */
    transportLine(): string | null {
        const t = this.transport
        const parts: string[] = []
        if (t.frames > 0) parts.push(`${t.frames} Jacdac frames stripped`)
        if (t.droppedLogs > 0) parts.push(`${t.droppedLogs} dropped-output markers (FE FA)`)
        if (t.droppedFrames > 0) parts.push(`${t.droppedFrames} dropped-frame markers (FE FB)`)
        if (t.badEscapes > 0) parts.push(`${t.badEscapes} bad escapes`)
        if (t.brokenFrames > 0) parts.push(`${t.brokenFrames} broken frames`)
        if (t.overlongLines > 0) parts.push(`${t.overlongLines} lines over ${this.deframer.maxLine} characters`)
        if (this.linkLosses > 0) parts.push(`${this.linkLosses} link losses`)
        return parts.length === 0 ? null : `transport: ${parts.join(", ")}`
    }

    /** The summary `bareheap view` prints at the end (the live view prints it too when it ends). */
    summary(): string {
        const out = [this.viewer.render()]
        const t = this.transportLine()
        if (t !== null) out.push(t)
        if (this.errorCount > 0 && this.failed === null) out.push(`protocol errors: ${this.errorCount} (lines skipped)`)
        return out.join("\n")
    }
}

/** A report as one plain line (no escape codes; stream content escaped), or null for reports a plain log leaves out (events). */
export function reportLine(r: StreamReport): string | null {
    switch (r.kind) {
        case "event":
            if (r.event.type === "header") {
                const h = r.event
                const where = h.regions > 1 ? `${h.regions} regions spanning ${h.size} B` : `region ${h.size} B`
                return `line ${h.lineNo}: stream header: board ${h.board}, allocator ${h.allocator}, ${where} at 0x${h.base.toString(16)}, protocol version ${h.version}`
            }
            if (r.event.type === "region") {
                // kind and tags passed the decoder's charset checks ([A-Za-z0-9._-], [a-z0-9_-]): nothing to escape.
                const m = r.event
                return `line ${m.lineNo}: region ${m.index}: ${m.size} B at 0x${m.base.toString(16)}, allocator ${m.kind}, tags ${m.tags.length > 0 ? m.tags.join(",") : "none"}`
            }
            return r.event.type === "phase" ? `line ${r.event.lineNo}: phase ${r.event.name}` : null
        case "console":
            return null
        case "error":
            return `error: ${r.error.message}`
        case "anomaly":
            return `anomaly: ${r.anomaly.kind}: ${r.anomaly.message}`
        case "gap":
            return `gap: line ${r.gap.lineNo}: seq 0x${r.gap.from.toString(16)}..0x${r.gap.to.toString(16)} lost (${r.gap.to - r.gap.from + 1} lines)`
        case "drop":
            return `transport: after line ${r.lineNo} the board reports it dropped ${r.what === "logs" ? "console output" : "Jacdac frames"}`
        case "overlong":
            return `line ${r.lineNo}: ${r.length} characters, longer than any console line: only its start is kept`
        case "link":
            return `link: after line ${r.lineNo}: ${escapeText(r.message, 200)}${r.partialChars > 0 ? ` (a partial line of ${r.partialChars} characters dropped)` : ""}`
    }
}
