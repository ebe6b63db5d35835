/**
 * sim/transport/file.ts — a file, a FIFO or standard input as a ByteSource,
 * streamed: each chunk reaches the sink as it is read, so a pipe from a
 * running program (`devs run src/main.ts | bareheap monitor -`) is watched
 * live, and a file of any size is read in O(chunk) memory.
 *
 *   "-"     standard input
 *   <path>  a file (or named pipe); ENOENT / EACCES / EISDIR are TransportErrors
 *
 * Events: connected once, then data…, then end ("end of file" or "stopped").
 * Bounds: chunks of at most 64 KiB (Node's stream default for files).
 */
import { createReadStream } from "node:fs"
import { Socket } from "node:net"
import { open } from "node:fs/promises"
import { ByteSink, ByteSource, TransportError } from "./source"

export class FileSource implements ByteSource {
    readonly what: string
    private stream: NodeJS.ReadableStream | null = null
    private ended = false
    private sink: ByteSink | null = null

    constructor(private readonly path: string) {
        this.what = path === "-" ? "standard input" : path
    }

    async start(sink: ByteSink): Promise<void> {
        this.sink = sink
        let stream: NodeJS.ReadableStream
        if (this.path === "-") stream = process.stdin
        else {
            // Open first, so a missing or unreadable file is a clear error before anything is shown.
            let fd
            try {
                fd = await open(this.path, "r")
                if ((await fd.stat()).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" })
            } catch (e) {
                await fd?.close()
                throw new TransportError(`cannot read ${this.path}: ${(e as Error).message}`)
            }
            // A named pipe is read as a socket (non-blocking): a file stream's blocking read of an idle
            // pipe would hold a thread and keep the process alive after stop() until the writer wrote again.
            stream = (await fd.stat()).isFIFO() ? new Socket({ fd: fd.fd, readable: true, writable: false }) : createReadStream("", { fd })
        }
        this.stream = stream
        sink.event({ type: "connected", what: this.what })
        stream.on("data", (chunk: Buffer | string) => {
            if (this.ended) return
            sink.data(typeof chunk === "string" ? new TextEncoder().encode(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))
        })
        stream.on("end", () => this.finish("end of input"))
        stream.on("error", (e: Error) => {
            sink.event({ type: "error", message: `reading ${this.what}: ${e.message}` })
            this.finish("read error")
        })
    }

    private finish(reason: string): void {
        if (this.ended) return
        this.ended = true
        this.sink?.event({ type: "end", reason })
    }

    pause(): void {
        this.stream?.pause()
    }

    resume(): void {
        this.stream?.resume()
    }

    async stop(): Promise<void> {
        const s = this.stream
        this.stream = null
        if (s && s !== process.stdin) (s as unknown as { destroy(): void }).destroy()
        else if (s) process.stdin.pause()
        this.finish("stopped")
    }
}
