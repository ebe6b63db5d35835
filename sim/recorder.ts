/**
 * sim/recorder.ts — `bareheap monitor --record raw.bin`: the raw bytes of the
 * link as they arrived (Jacdac frames, escapes and all), for a later
 * `bareheap view raw.bin`, with one exception: the bytes of a line that a
 * disconnect cut are left out, exactly as the monitor's own decoder drops
 * them (HeapStream.linkLost), so the recording decodes to the same model instead
 * of gluing half a line to the first line after the reconnect.
 *
 *   chunk ──▶ held (bytes since the last line end in text) ──line end──▶ file
 *                      └── cut(): dropped
 *
 * Where a line ends in the raw bytes is known only after the USB framing is
 * undone (a 0x0A byte inside a Jacdac frame ends nothing), so a private
 * UsbDeframer is fed one byte at a time and says when a line completes.
 * Cost: one deframer call per byte (O(bytes)), only while recording.
 * Bounds: at most MAX_HELD bytes are held; past that they are written (a
 * "line" that long is no console line: cutting it would gain nothing).
 */
import { createWriteStream, WriteStream } from "node:fs"
import { UsbDeframer } from "./usb_framing"

export const MAX_HELD = 64 * 1024

export class Recorder {
    /** Bytes written or held so far. */
    bytes = 0
    /** Bytes of cut lines left out of the recording. */
    cutBytes = 0
    private readonly deframer = new UsbDeframer()
    private held: Uint8Array[] = []
    private heldBytes = 0
    private afterLineEnd = false

    private constructor(private readonly out: WriteStream) {}

    /** Opens (creates or truncates) the file; rejects with the system's message. */
    static open(path: string): Promise<Recorder> {
        const out = createWriteStream(path)
        return new Promise((resolve, reject) => {
            out.once("open", () => resolve(new Recorder(out)))
            out.once("error", reject)
        })
    }

    write(chunk: Uint8Array | string): void {
        const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk
        this.bytes += bytes.length
        let from = 0
        for (let i = 0; i < bytes.length; i++) {
            const ended = this.deframer.push(bytes.subarray(i, i + 1)).some(it => it.kind === "line")
            // The LF of a CRLF ends nothing in the deframer (the CR did) but belongs to that line end.
            const crlf = !ended && this.afterLineEnd && bytes[i] === 0x0a
            this.afterLineEnd = ended
            if (!ended && !crlf) continue
            this.hold(bytes.subarray(from, i + 1))
            this.flush()
            from = i + 1
        }
        if (from < bytes.length) this.hold(bytes.subarray(from))
        if (this.heldBytes > MAX_HELD) this.flush()
    }

    /** The link broke: the held bytes (the unfinished line) are not recorded. */
    cut(): void {
        this.deframer.reset()
        this.afterLineEnd = false
        this.cutBytes += this.heldBytes
        this.held = []
        this.heldBytes = 0
    }

    /** Writes what is held and closes the file. */
    close(): Promise<void> {
        this.flush()
        return new Promise(resolve => this.out.end(() => resolve()))
    }

    private hold(b: Uint8Array): void {
        if (b.length === 0) return
        this.held.push(Uint8Array.from(b)) // a copy: serialport may reuse its buffer
        this.heldBytes += b.length
    }

    private flush(): void {
        for (const b of this.held) this.out.write(b)
        this.held = []
        this.heldBytes = 0
    }
}
