/**
 * sim/transport/source.ts — what every transport of `bareheap monitor` is:
 * a source of raw bytes that hands them, in whatever chunks they arrive, to
 * one sink, and tells it when the link comes and goes.
 *
 *     transport ──chunk: Uint8Array──▶ sink.data      (any chunking: a frame,
 *               ──TransportEvent────▶ sink.event      an escape or a line may
 *                                                      be split at any byte)
 *
 *   serial.ts    a board's USB CDC serial or a UART log pin (serialport)
 *   devtools.ts  a running `devs devtools` (its WebSocket; console lines)
 *   file.ts      a file or standard input, streamed
 *
 * Invariants every source keeps:
 *   - events come in the order connected → (data…) → disconnected, possibly
 *     repeated (a serial port reconnects after an unplug); `end` comes once,
 *     last, when the source has no more data (end of file, stop());
 *   - after a `disconnected` event the bytes of an unfinished line are lost:
 *     the sink must drop its partial line (the next bytes start afresh);
 *   - stop() is idempotent and resolves when every handle (port, socket,
 *     timer, file) the source opened is closed, so the process can exit;
 *   - pause() stops delivering data until resume(): the reader's backpressure
 *     (a slow pipe on stdout) reaches the source instead of piling up in
 *     memory. A file or pipe waits; a serial port's or socket's kernel buffer
 *     fills and the board drops lines, which the stream then shows as gaps.
 */

/** Something that happened to the link, with a message for people. */
export type TransportEvent =
    | { type: "connected"; what: string }
    | { type: "disconnected"; what: string; reason: string }
    | { type: "error"; message: string }
    | { type: "end"; reason: string }

export interface ByteSink {
    data(chunk: Uint8Array): void
    event(e: TransportEvent): void
}

export interface ByteSource {
    /** A short name for messages: "/dev/ttyACM0 at 1000000 baud", "ws://127.0.0.1:8081", "stdin". */
    readonly what: string
    /** Starts delivering to the sink; rejects with a TransportError when the first connection cannot be made. */
    start(sink: ByteSink): Promise<void>
    /** Stops and closes everything; resolves when closed. */
    stop(): Promise<void>
    /** Stops delivering data until resume() (idempotent). */
    pause(): void
    resume(): void
}

/** A transport cannot start: the message says what was tried and what to do (printed as is, exit code 2). */
export class TransportError extends Error {
    constructor(message: string) {
        super(message)
        this.name = "TransportError"
    }
}
