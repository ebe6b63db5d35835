/**
 * sim/view.ts — `bareheap view [--allow-gaps] [--live] [<file>]`: the heap
 * viewer over a captured stream — a board's raw USB serial bytes (Jacdac
 * frames and all, e.g. a monitor's `--record raw.bin`), a saved console log,
 * `devs run` output, `npm start` output — or standard input, read as it
 * arrives through the streaming decoder (sim/stream.ts).
 *
 * Output, in stream order while the input arrives: the stream header, each
 * phase, each anomaly, gap, transport drop and overlong line as one plain
 * line (stdout; stream content escaped). At the end: the summary (memory map,
 * heap maps, statistics, anomalies). With --live on a terminal, the live view
 * (sim/live_view.ts) instead, and the same summary when it ends.
 *
 * Exit codes: 0 a whole, clean stream; 1 a protocol error, an anomaly, or no
 * stream header at all (empty, garbage or plain-text input); 2 a usage error
 * or an unreadable file. A stream that ends with live blocks and no final ~S
 * line gets a warning on stderr that it may be cut off (exit code unchanged).
 * The exit code is returned, never process.exit(): output drains through a pipe.
 *
 *   npm start > run.log && bareheap view run.log
 *   npm start | bareheap view --live
 *   bareheap view run.log --html report.html   one self-contained HTML report (sim/html/report_file.ts)
 *   bareheap view --serve 8080 < run.log       the live page on 127.0.0.1 (sim/html/serve.ts)
 */
import { createReadStream, fstatSync, openSync } from "node:fs"
import { Socket } from "node:net"
import { Readable } from "node:stream"
import { parseOptions, UsageError, withUsage } from "../cli/args"
import { escapeText } from "./escape"
import { LiveView, LiveViewEnd, openControllingTty, runLiveView } from "./live_view"
import { takeServeOption } from "./html/serve_option"
import { HeapStream, reportLine } from "./stream"

const HELP = `Usage: bareheap view [--allow-gaps] [--live | --html <report.html> | --serve [<port>]] [<file>]
       (npm run view -- …; reads standard input without a file)

Decodes a bareheap event stream (docs/protocol.md) as it arrives — a board's
raw USB serial bytes (Jacdac frames are stripped), a console log, or the
output of npm start / devs run — and prints what it finds as it goes, then
the board's memory map, heap maps and statistics.

  --allow-gaps   record lost lines (sequence gaps) and go on; without it a gap is an error
  --live         on a terminal, a live view redrawn up to 10 times a second
                 (keys: q quit, p pause, c console lines / events); plain lines otherwise
  --html <file>  write one self-contained HTML report (opens with no network): the heap
                 at any event with a scrubber, a timeline, leaks, anomalies, per-tag totals
  --serve [<port>]  serve the live page on http://127.0.0.1:<port>/ (default: a free
                 port) and push the stream to it as it is read; Ctrl-C stops
  --help         this text

Exit code: 0 clean, 1 protocol error / anomaly / no stream header, 2 usage or unreadable file.`

/**
 * Opens a file, a FIFO or a socket for streaming reads. A FIFO is read as a
 * pipe (non-blocking, like stdin), not through the fs thread pool: a pending
 * pool read on a FIFO that stays open but silent cannot be cancelled, and
 * would keep the process alive after the user quits the live view.
 */
export function openInput(file: string): Readable {
    const fd = openSync(file, "r")
    const st = fstatSync(fd)
    if (st.isFIFO() || st.isSocket()) return new Socket({ fd, readable: true, writable: false })
    return createReadStream("", { fd })
}

/** Feeds a byte source into the stream until it ends, `stop()` returns true, or it fails. */
export async function pump(source: AsyncIterable<Uint8Array | string>, stream: HeapStream, stop: () => boolean = () => false): Promise<void> {
    for await (const chunk of source) {
        stream.push(chunk)
        if (stop()) return
    }
}

/** `bareheap view [options] [<file>]`: returns the exit code. */
export async function main(argv: string[]): Promise<number> {
    return withUsage(HELP, () => view(argv))
}

async function view(argv: string[]): Promise<number> {
    let served
    try {
        served = takeServeOption(argv)
    } catch (e) {
        throw new UsageError((e as Error).message)
    }
    const serve = served.serve
    // One file at most: a second is a usage error (cli/args), not silently ignored.
    const parsed = parseOptions(served.args, { "allow-gaps": { type: "boolean" }, live: { type: "boolean" }, html: { type: "string" } }, 1)
    if (parsed.flag("help")) {
        console.log(HELP)
        return 0
    }
    const live = parsed.flag("live")
    if ([serve !== null, parsed.string("html") !== undefined, live].filter(x => x).length > 1) throw new UsageError("--live, --html and --serve do not go together")
    const file = parsed.positionals[0]
    if (live && file === undefined && process.stdin.isTTY) {
        // The terminal would be both the data and the keys.
        console.error(`error: --live reads the stream from a file or a pipe (e.g. npm start | bareheap view --live), not from the terminal\n\n${HELP}`)
        return 2
    }
    const name = file === undefined ? "standard input" : escapeText(file, 200)
    let source: Readable
    if (file === undefined) source = process.stdin
    else {
        try {
            source = openInput(file)
        } catch (e) {
            console.error(`error: cannot read ${name}: ${escapeText((e as Error).message, 300)}`)
            return 2
        }
    }
    const allowGaps = parsed.flag("allow-gaps")
    const html = parsed.string("html")
    try {
        if (html !== undefined) return await htmlReport(source, name, html, allowGaps)
        if (serve !== null) return await serveStream(source, name, serve, allowGaps)
    } catch (e) {
        console.error(`error: cannot read ${name}: ${escapeText((e as Error).message, 300)}`)
        return 2
    } finally {
        if (html !== undefined || serve !== null) source.destroy()
    }
    const stream = new HeapStream({ allowGaps })
    let ending: LiveViewEnd = "end"
    let liveView: LiveView | null = null
    try {
        if (live && process.stdout.isTTY) {
            // Keys: from stdin when the data comes from a file, else from the controlling terminal.
            const keys = file !== undefined && process.stdin.isTTY ? process.stdin : openControllingTty()
            const view = runLiveView(stream, { output: process.stdout, keys, title: name })
            liveView = view
            const reading = pump(source, stream, () => view.finished).then(() => stream.end())
            ending = await Promise.race([view.done, reading.then(() => view.endOfInput())])
        } else {
            stream.onReport(r => {
                if (r.kind === "error") return // printed once below, on stderr
                const l = reportLine(r)
                if (l !== null) process.stdout.write(l + "\n")
            })
            // Ctrl-C ends the reading, not the process: the summary of what came so far follows.
            let interrupted = false
            const onSigint = () => {
                interrupted = true
                source.destroy()
            }
            process.once("SIGINT", onSigint)
            try {
                await pump(source, stream, () => interrupted || (!stream.decoding && file !== undefined))
            } catch (e) {
                if (!interrupted) throw e
            } finally {
                process.off("SIGINT", onSigint)
            }
            if (interrupted) ending = "interrupt"
            stream.end()
        }
    } catch (e) {
        console.error(`error: cannot read ${name}: ${escapeText((e as Error).message, 300)}`)
        return 2
    } finally {
        liveView?.stop() // the terminal is restored whatever happened (a read error included)
        source.destroy()
    }
    return finish(stream, name, ending)
}

/** Prints the summary and the verdict; returns the exit code. Shared by `view` and the monitor. */
export function finish(stream: HeapStream, name: string, ending: LiveViewEnd = "end"): number {
    const { noHeader, warnings } = stream.endingProblems()
    if (noHeader) {
        const t = stream.transportLine()
        console.error(`error: ${name}: no bareheap stream found (no ~H header line in ${stream.lineNo} lines)${t === null ? "" : `; ${t}`}`)
        return 1
    }
    console.log(stream.summary())
    if (ending === "quit" || ending === "interrupt") console.log(`(stopped by the user before the end of ${name})`)
    if (stream.failed !== null) console.error(`error: ${name}: ${stream.failed.message}`)
    else if (ending === "end") for (const w of warnings) console.error(w) // a user who stopped it knows it is cut off
    return stream.failed !== null || stream.decoder.anomalyCount > 0 ? 1 : 0
}

/** `--html <out>`: the whole input decoded once into the self-contained report. */
async function htmlReport(source: AsyncIterable<Uint8Array | string>, name: string, out: string, allowGaps: boolean): Promise<number> {
    const chunks: Buffer[] = []
    for await (const c of source) chunks.push(typeof c === "string" ? Buffer.from(c) : Buffer.from(c))
    const { writeReport } = await import("./html/report_file")
    let r
    try {
        r = writeReport(Buffer.concat(chunks), out, { allowGaps, source: name })
    } catch (e) {
        console.error(`error: cannot write ${escapeText(out, 200)}: ${escapeText((e as Error).message, 300)}`)
        return 2
    }
    for (const m of r.protocolErrors) console.error(`error: ${name}: ${m}`)
    if (r.errorCount > r.protocolErrors.length) console.error(`error: ${name}: ${r.errorCount - r.protocolErrors.length} more protocol errors`)
    console.log(`wrote ${escapeText(out, 200)}: ${r.events} events, ${r.bytes} bytes, ${r.anomalies} anomalies, ${r.errorCount} protocol errors`)
    return r.errorCount > 0 || r.anomalies > 0 || r.events === 0 ? 1 : 0
}

/** `--serve [port]`: the live page, fed the input as it is read, until SIGINT/SIGTERM. */
async function serveStream(source: AsyncIterable<Uint8Array | string>, name: string, port: number, allowGaps: boolean): Promise<number> {
    const { serveLive } = await import("./html/serve")
    const stream = new HeapStream({ allowGaps, onError: "continue" })
    let live
    try {
        live = await serveLive(stream, { port, source: name })
    } catch (e) {
        console.error(`error: cannot listen on 127.0.0.1:${port}: ${escapeText((e as Error).message, 300)}`)
        return 2
    }
    console.log(`serving the live heap page at ${live.url} (Ctrl-C stops)`)
    stream.onReport(r => {
        const l = reportLine(r)
        if (l !== null) process.stdout.write(l + "\n")
    })
    let stopped = false
    const stop = new Promise<void>(resolve => {
        process.once("SIGINT", resolve)
        process.once("SIGTERM", resolve)
    }).then(() => (stopped = true))
    const reading = pump(source, stream, () => stopped).then(() => {
        stream.end()
        live.flush()
        if (!stopped) console.log(`end of ${name}: ${live.builder.eventCount} events; still serving (Ctrl-C stops)`)
    }, (e: Error) => console.error(`error: cannot read ${name}: ${escapeText(e.message, 300)}; still serving what arrived`))
    await Promise.race([stop, reading.then(() => stop)])
    ;(source as { destroy?: () => void }).destroy?.() // an open stdin pipe would keep the process alive
    await live.close()
    return 0
}
