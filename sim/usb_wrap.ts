/**
 * sim/usb_wrap.ts — the ENCODER matching sim/usb_framing.ts: wraps console
 * lines the way a DeviceScript board's USB serial sends them, for tests and
 * for a board emulator (the monitor's pseudo-terminal test).
 *
 *   each line      → [level + " "] line + "\r\n", as UTF-8, every 0xFE byte as FE F8
 *   Jacdac frames  → FE FC <random 4..252 bytes, FE escaped as FE F8> FE FD, inserted
 *                    between lines and, with `midLine`, at any byte inside a line
 *                    (a frame glued before or after a line is the case that
 *                    used to lose or break that line)
 *   lost lines     → with `dropLogs`, a line is left out and FE FA marks the place
 *                    (as the board does when its dmesg ring overflows)
 *   lost frames    → with `dropFrames`, FE FB between lines
 *
 * Deterministic for a given seed (mulberry32). `Wrapped` says exactly what
 * was injected, so a test can check the decoder found exactly that. Cost
 * O(output bytes).
 */
import { USB_DROPPED_FRAMES, USB_DROPPED_LOGS, USB_ESC, USB_FRAME_END, USB_FRAME_START, USB_LITERAL_FE } from "./usb_framing"

export interface WrapOptions {
    /** Seed of the generator (default 1). */
    seed?: number
    /** Probability of a frame before each line (default 0.3). */
    frames?: number
    /** Also put frames inside lines, at a random byte (default true). */
    midLine?: boolean
    /** Probability that a line is dropped and replaced by FE FA (default 0). */
    dropLogs?: number
    /** Probability of an FE FB marker before a line (default 0). */
    dropFrames?: number
    /** Prefix of every line (default "> ", as dmesg gives console.log lines). */
    prefix?: string
    /** Line end (default "\r\n"). */
    eol?: string
}

export interface Wrapped {
    bytes: Uint8Array
    /** Frames inserted. */
    frames: number
    /** FE FA markers, and the lines they stand for (indexes into the input). */
    droppedLogs: number
    droppedLines: number[]
    /** FE FB markers. */
    droppedFrames: number
}

/** mulberry32: a small seeded generator, [0, 1). */
export function seededRandom(seed: number): () => number {
    let a = seed >>> 0
    return () => {
        a = (a + 0x6d2b79f5) >>> 0
        let t = a
        t = Math.imul(t ^ (t >>> 15), t | 1)
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
}

/** Growable byte buffer. */
class Bytes {
    buf = new Uint8Array(1024)
    n = 0
    push(b: number): void {
        if (this.n === this.buf.length) {
            const bigger = new Uint8Array(this.buf.length * 2)
            bigger.set(this.buf)
            this.buf = bigger
        }
        this.buf[this.n++] = b
    }
    /** Pushes bytes with 0xFE escaped as FE F8. */
    pushEscaped(bytes: Uint8Array, from = 0, to = bytes.length): void {
        for (let i = from; i < to; i++) {
            this.push(bytes[i])
            if (bytes[i] === USB_ESC) this.push(USB_LITERAL_FE)
        }
    }
}

function frame(out: Bytes, rnd: () => number): void {
    out.push(USB_ESC)
    out.push(USB_FRAME_START)
    const len = 4 + Math.floor(rnd() * 249)
    const body = new Uint8Array(len)
    // Some 0xFE bytes on purpose: they are escaped inside the frame too.
    for (let i = 0; i < len; i++) body[i] = rnd() < 0.05 ? USB_ESC : Math.floor(rnd() * 256)
    out.pushEscaped(body)
    out.push(USB_ESC)
    out.push(USB_FRAME_END)
}

/**
 * Wraps console lines as a board's USB serial carries them.
 *
 * ```ts
 * const w = wrapUsb(["~H 0 2 pico bump 20020000 8000 1000 7ff 0", "~A 1 0 4 4"], { seed: 7, dropLogs: 0.1 })
 * new UsbDeframer().push(w.bytes)   // the lines back (minus w.droppedLines), "> " and CR still on
 * ```
 */
export function wrapUsb(lines: string[], options: WrapOptions = {}): Wrapped {
    const rnd = seededRandom(options.seed ?? 1)
    const pFrame = options.frames ?? 0.3
    const midLine = options.midLine ?? true
    const pDropLogs = options.dropLogs ?? 0
    const pDropFrames = options.dropFrames ?? 0
    const prefix = options.prefix ?? "> "
    const eol = options.eol ?? "\r\n"
    const enc = new TextEncoder()
    const out = new Bytes()
    const w: Wrapped = { bytes: out.buf, frames: 0, droppedLogs: 0, droppedLines: [], droppedFrames: 0 }
    for (let i = 0; i < lines.length; i++) {
        if (rnd() < pFrame) {
            frame(out, rnd)
            w.frames++
        }
        if (rnd() < pDropFrames) {
            out.push(USB_ESC)
            out.push(USB_DROPPED_FRAMES)
            w.droppedFrames++
        }
        if (rnd() < pDropLogs) {
            out.push(USB_ESC)
            out.push(USB_DROPPED_LOGS)
            w.droppedLogs++
            w.droppedLines.push(i)
            continue
        }
        const bytes = enc.encode(prefix + lines[i] + eol)
        if (midLine && rnd() < pFrame) {
            const at = Math.floor(rnd() * (bytes.length + 1))
            out.pushEscaped(bytes, 0, at)
            frame(out, rnd)
            w.frames++
            out.pushEscaped(bytes, at)
        } else out.pushEscaped(bytes)
    }
    w.bytes = out.buf.slice(0, out.n)
    return w
}

/** Cuts bytes into chunks of 1..maxChunk bytes at random points (a serial port's reads). */
export function randomChunks(bytes: Uint8Array, seed: number, maxChunk = 64): Uint8Array[] {
    const rnd = seededRandom(seed)
    const out: Uint8Array[] = []
    for (let i = 0; i < bytes.length; ) {
        const n = 1 + Math.floor(rnd() * maxChunk)
        out.push(bytes.subarray(i, i + n))
        i += n
    }
    return out
}
