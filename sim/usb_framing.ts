/**
 * sim/usb_framing.ts — bytes from a DeviceScript board's USB serial (in any
 * chunking) → text lines: the transport stripper of the streaming decoder.
 *
 * A board's USB CDC serial carries Jacdac frames and the dmesg console text
 * on one byte stream (jacdac-c jd_usb.c; shared/devicescript.md §5):
 *
 *     FE FC <frame bytes> FE FD   a Jacdac frame: dropped, counted in `frames`
 *     FE F8                       a literal 0xFE byte (in text or in a frame)
 *     FE FA                       the board dropped console output (`droppedLogs`)
 *     FE FB                       the board dropped Jacdac frames (`droppedFrames`)
 *     FE <other>                  not in the framing: counted in `badEscapes`, both bytes dropped
 *     any other byte              console text (UTF-8)
 *
 * A frame, an escape, a UTF-8 sequence or a line may be split across chunks
 * at any byte: the state between chunks is `state` (text / after FE / in a
 * frame / after FE in a frame), the TextDecoder's pending bytes and the
 * current partial line. Text is decoded as UTF-8 (bad bytes become U+FFFD).
 * Lines end at LF, CR or CRLF (a CRLF split across chunks is one end).
 *
 * Bounds (memory O(maxLine), whatever the input):
 *   - a line longer than `maxLine` characters keeps its first `maxLine`, is
 *     delivered with `overlong` = its real length when it ends, and is counted
 *     in `overlongLines`; the rest is never stored;
 *   - a frame longer than MAX_FRAME bytes without its FE FD end is taken as a
 *     lost end: the deframer goes back to text (`brokenFrames`), so one lost
 *     byte cannot swallow the console for good. Jacdac frames are ≤ 252 bytes,
 *     ≤ 504 escaped.
 * Time: O(bytes), one pass.
 *
 * Lines come out raw (ANSI, "> " prefixes still on): sim/console_line.ts
 * takes those off. `UsbDeframer` knows nothing about the protocol.
 */

/** The escape byte of DeviceScript's USB serial framing and the bytes after it. */
export const USB_ESC = 0xfe
export const USB_FRAME_START = 0xfc
export const USB_FRAME_END = 0xfd
export const USB_LITERAL_FE = 0xf8
export const USB_DROPPED_LOGS = 0xfa
export const USB_DROPPED_FRAMES = 0xfb

/** Longest frame (raw bytes between FE FC and FE FD) before the end is taken as lost. */
export const MAX_FRAME = 1024
/** Default longest line kept, in characters (a protocol line is ≤ ~150, dmesg cuts at 160). */
export const MAX_LINE = 4096

const enum State {
    Text,
    Esc,
    Frame,
    FrameEsc,
}

/** One text line out of the byte stream. */
export interface RawLine {
    kind: "line"
    /** The line without its end (LF, CR or CRLF); at most maxLine characters. */
    text: string
    /** 0, or the line's real length in characters when it was longer than maxLine (then `text` is its start). */
    overlong: number
}
/** A drop marker (FE FA / FE FB): the board lost console output or frames at this point of the stream. */
export interface DropMark {
    kind: "drop"
    what: "logs" | "frames"
}
/** What the deframer hands on, in stream order. */
export type UsbItem = RawLine | DropMark

/** What the transport reported or did, so far. */
export interface TransportCounts {
    /** Bytes pushed (characters, for string chunks). */
    bytes: number
    /** Complete Jacdac frames skipped. */
    frames: number
    /** FE FA markers: the board dropped console output there. */
    droppedLogs: number
    /** FE FB markers: the board dropped Jacdac frames there. */
    droppedFrames: number
    /** FE followed by a byte the framing does not define, and FE FD outside a frame. */
    badEscapes: number
    /** Frames abandoned after MAX_FRAME bytes without an end, or cut by a new FE FC. */
    brokenFrames: number
    /** Lines longer than maxLine. */
    overlongLines: number
}

/**
 * Streaming USB-serial deframer and line splitter.
 *
 * ```ts
 * const d = new UsbDeframer()
 * d.push(chunk)            // returns the lines completed by this chunk and drop marks, in stream order
 * d.end()                  // the last line if the stream did not end with a newline
 * d.counts.droppedLogs     // FE FA markers seen
 * ```
 */
export class UsbDeframer {
    readonly counts: TransportCounts = { bytes: 0, frames: 0, droppedLogs: 0, droppedFrames: 0, badEscapes: 0, brokenFrames: 0, overlongLines: 0 }
    private state = State.Text
    private frameBytes = 0
    private readonly utf8 = new TextDecoder("utf-8", { fatal: false })
    private line = ""
    private lineLength = 0
    private afterCR = false
    private linesOut = 0

    constructor(readonly maxLine = MAX_LINE) {}

    /** Feeds a chunk of bytes (or already-decoded text, which skips the framing). Returns the lines it completed. */
    push(chunk: Uint8Array | string): UsbItem[] {
        const out: UsbItem[] = []
        if (typeof chunk === "string") {
            this.counts.bytes += chunk.length
            this.text(chunk, out)
            return out
        }
        this.counts.bytes += chunk.length
        if (this.state === State.Text && chunk.indexOf(USB_ESC) < 0) {
            // No framing in this chunk (a UART log pin, a plain capture): decode it as it is.
            this.text(this.utf8.decode(chunk, { stream: true }), out)
            return out
        }
        // Text bytes of this chunk, copied without the framing, decoded at the end or at a marker.
        const text = new Uint8Array(chunk.length)
        let n = 0
        const flush = () => {
            if (n > 0) this.text(this.utf8.decode(text.subarray(0, n), { stream: true }), out)
            n = 0
        }
        for (let i = 0; i < chunk.length; i++) {
            const b = chunk[i]
            switch (this.state) {
                case State.Text:
                    if (b === USB_ESC) this.state = State.Esc
                    else text[n++] = b
                    break
                case State.Esc:
                    this.state = State.Text
                    if (b === USB_LITERAL_FE) text[n++] = USB_ESC
                    else if (b === USB_FRAME_START) {
                        this.state = State.Frame
                        this.frameBytes = 0
                    } else if (b === USB_DROPPED_LOGS || b === USB_DROPPED_FRAMES) {
                        flush()
                        this.drop(b === USB_DROPPED_LOGS ? "logs" : "frames", out)
                    } else this.counts.badEscapes++
                    break
                case State.Frame:
                    if (b === USB_ESC) this.state = State.FrameEsc
                    else if (++this.frameBytes > MAX_FRAME) this.abandonFrame()
                    break
                case State.FrameEsc:
                    this.state = State.Frame
                    if (b === USB_FRAME_END) {
                        this.counts.frames++
                        this.state = State.Text
                    } else if (b === USB_FRAME_START) {
                        this.counts.brokenFrames++ // a new frame starts: the previous one lost its end
                        this.frameBytes = 0
                    } else if (b === USB_DROPPED_LOGS || b === USB_DROPPED_FRAMES) {
                        flush()
                        this.drop(b === USB_DROPPED_LOGS ? "logs" : "frames", out)
                    } else if (b !== USB_LITERAL_FE) this.counts.badEscapes++
                    if (this.state === State.Frame && (this.frameBytes += 2) > MAX_FRAME) this.abandonFrame()
                    break
            }
        }
        flush()
        return out
    }

    /** Ends the stream: returns the last line if it had no line end. */
    end(): UsbItem[] {
        const out: UsbItem[] = []
        const tail = this.utf8.decode()
        if (tail.length > 0) this.text(tail, out)
        if (this.state === State.Frame || this.state === State.FrameEsc) this.counts.brokenFrames++
        else if (this.state === State.Esc) this.counts.badEscapes++
        this.state = State.Text
        if (this.lineLength > 0) this.emit(out)
        return out
    }

    /**
     * The link broke (a serial port unplugged, a socket closed) and will carry
     * a new byte stream: forgets the partial line, frame and UTF-8 sequence,
     * whose rest will never come. Returns the characters of the partial line dropped.
     */
    reset(): number {
        const dropped = this.lineLength
        this.utf8.decode() // flush and forget pending bytes
        this.state = State.Text
        this.line = ""
        this.lineLength = 0
        this.afterCR = false
        return dropped
    }

    /** Lines completed so far. */
    get lines(): number {
        return this.linesOut
    }

    private drop(what: "logs" | "frames", out: UsbItem[]): void {
        if (what === "logs") this.counts.droppedLogs++
        else this.counts.droppedFrames++
        out.push({ kind: "drop", what })
    }

    private abandonFrame(): void {
        this.counts.brokenFrames++
        this.state = State.Text
    }

    /**
     * Splits decoded text into lines, keeping at most maxLine characters of the
     * current one. Line ends are found with indexOf (native), each searched
     * again only once passed: O(length).
     */
    private text(s: string, out: UsbItem[]): void {
        let start = 0
        if (this.afterCR && s.length > 0) {
            // The LF of a CRLF whose CR ended the previous piece of text.
            if (s.charCodeAt(0) === 10) start = 1
            this.afterCR = false
        }
        let cr = s.indexOf("\r", start)
        let lf = s.indexOf("\n", start)
        while (start < s.length) {
            if (cr >= 0 && cr < start) cr = s.indexOf("\r", start)
            if (lf >= 0 && lf < start) lf = s.indexOf("\n", start)
            const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf)
            if (end < 0) {
                this.append(s, start, s.length)
                return
            }
            this.append(s, start, end)
            this.emit(out)
            start = end + 1
            if (end === cr) {
                if (start === s.length) this.afterCR = true
                else if (s.charCodeAt(start) === 10) start++
            }
        }
    }

    private append(s: string, from: number, to: number): void {
        if (to <= from) return
        const room = this.maxLine - this.line.length
        if (room > 0) this.line += to - from <= room ? s.slice(from, to) : s.slice(from, from + room)
        this.lineLength += to - from
    }

    private emit(out: UsbItem[]): void {
        const overlong = this.lineLength > this.maxLine ? this.lineLength : 0
        if (overlong) this.counts.overlongLines++
        out.push({ kind: "line", text: this.line, overlong })
        this.linesOut++
        this.line = ""
        this.lineLength = 0
    }
}
