/**
 * sim/monitor.ts — `bareheap monitor`: watch a running board's heap, live.
 *
 *   source (sim/transport/)        HeapStream (sim/stream.ts)       out
 *   --port / auto  serial ──┐
 *   --devtools [url]  ──────┼─bytes─▶ push ─▶ model ──reports──▶ live view on a TTY (sim/live_view.ts)
 *   --file <path|->   ──────┘     │                              plain lines otherwise
 *                                 └─▶ --record raw.bin (the raw bytes, for `bareheap view raw.bin`)
 *
 * The decoder runs with allowGaps and onError "continue": a board drops
 * lines when its 4 KB console ring overflows and a watcher should keep
 * going; each gap, drop marker, protocol error and anomaly is reported as it
 * happens. When the link breaks (unplug, devtools restarted) the source
 * reconnects and the model is kept: the unfinished line is dropped
 * (HeapStream.linkLost), the lines lost show up as a sequence gap, and the
 * summary lists every disconnect with how long the link was down.
 *
 * It ends on the end of a file or pipe, on Ctrl-C (SIGINT) and on q in the
 * live view, always with the summary `bareheap view` prints (sim/view.ts
 * finish) plus the link's history. Exit code: 1 when an anomaly or a protocol
 * error was seen or no stream header arrived, 0 otherwise (gaps and drops alone
 * are a board's normal life and are reported, not failed); 2 for a usage error or
 * a source that cannot be opened.
 */
import { parseArgs } from "node:util"
import { escapeText } from "./escape"
import { LiveViewEnd, openControllingTty, runLiveView } from "./live_view"
import { Recorder } from "./recorder"
import { serveLive } from "./html/serve"
import { takeServeOption } from "./html/serve_option"
import { HeapStream, reportLine } from "./stream"
import { DEFAULT_DEVTOOLS_URL, DevtoolsSource } from "./transport/devtools"
import { FileSource } from "./transport/file"
import { DEFAULT_BAUD, SerialSource } from "./transport/serial"
import { choosePort, formatPorts, listPorts } from "./transport/serial_ports"
import { ByteSource, TransportError, TransportEvent } from "./transport/source"
import { finish } from "./view"

const HELP = `Usage: bareheap monitor [--port <path>] [--baud <n>] [--record <raw.bin>] [--plain]
       bareheap monitor --devtools [<ws://host:port>] [--sim <file.ts>]
       bareheap monitor --file <path|->
       bareheap monitor --list

Watches a running bareheap firmware's event stream (docs/protocol.md) and its
heap, live: on a terminal a view redrawn up to 10 times a second (q quits,
p pauses, c shows console lines), otherwise one plain line per finding. Ends on
Ctrl-C, q or the end of the input with the summary \`bareheap view\` prints.

  --port <path>       a board's serial port (USB CDC or a USB-UART). Without --port,
                      --devtools or --file: the only port with a known board vendor
  --baud <n>          ${DEFAULT_BAUD} (USB CDC, DeviceScript's USB bridge) or 115200 (a UART log pin)
  --list              the serial ports: path, manufacturer, VID:PID, what board it looks like
  --devtools [<url>]  a running \`devs devtools\` (default ${DEFAULT_DEVTOOLS_URL}): the console of the
                      board it serves (\`devs devtools --serial\`)
  --sim <file.ts>     with --devtools: run <file.ts> in devtools' own simulator and watch it
                      (devtools' deploy times out after 3 s on a busy machine: it is retried)
  --file <path|->     a file, named pipe or standard input (-), read as it arrives
                      (e.g. \`devs run src/main.ts | bareheap monitor --file -\`)
  --record <raw.bin>  also save the raw bytes, for a later \`bareheap view raw.bin\`
  --plain             plain lines even on a terminal
  --serve [<port>]    also serve the live heap page (sim/html/) on http://127.0.0.1:<port>/
                      (default: a free port); after the input ends it serves on until Ctrl-C
  --help              this text

After an unplug the serial port is reopened as soon as it is back (the model is
kept; the lines lost show as a gap). Exit code: 1 an anomaly, a protocol error or
no stream header; 0 otherwise; 2 usage error or a source that cannot be opened.`

class UsageError extends Error {}

/** `--devtools` may stand alone or take a URL: make it `--devtools=<url>` for parseArgs. */
function normalizeDevtools(argv: string[]): string[] {
    const out: string[] = []
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] !== "--devtools") out.push(argv[i])
        else if (i + 1 < argv.length && /^wss?:\/\//.test(argv[i + 1])) out.push(`--devtools=${argv[++i]}`)
        else out.push(`--devtools=${DEFAULT_DEVTOOLS_URL}`)
    }
    return out
}

function parse(argv: string[]) {
    try {
        const { args, serve } = takeServeOption(argv)
        return { serve, ...parseFlags(args) }
    } catch (e) {
        throw new UsageError((e as Error).message)
    }
}

function parseFlags(argv: string[]) {
    return parseArgs({
        args: normalizeDevtools(argv),
        options: {
            port: { type: "string" },
            baud: { type: "string" },
            list: { type: "boolean", default: false },
            devtools: { type: "string" },
            sim: { type: "string" },
            file: { type: "string" },
            record: { type: "string" },
            plain: { type: "boolean", default: false },
            help: { type: "boolean", default: false },
        },
        strict: true,
    }).values
}

/** `bareheap monitor [options]`: returns the exit code. */
export async function main(argv: string[]): Promise<number> {
    try {
        return await monitor(argv)
    } catch (e) {
        if (e instanceof UsageError) {
            console.error(`error: ${escapeText(e.message, 300)}\n\n${HELP}`)
            return 2
        }
        if (e instanceof TransportError) {
            console.error(`error: ${escapeText(e.message, 2000).replace(/\\n/g, "\n")}`)
            return 2
        }
        throw e
    }
}

async function makeSource(a: ReturnType<typeof parse>): Promise<ByteSource> {
    const chosen = [a.port !== undefined, a.devtools !== undefined, a.file !== undefined].filter(Boolean).length
    if (chosen > 1) throw new UsageError("give one source: --port, --devtools or --file")
    if (a.sim !== undefined && a.devtools === undefined) throw new UsageError("--sim runs a program in devtools' simulator: it needs --devtools")
    if (a.baud !== undefined && a.devtools === undefined && a.file === undefined) {
        if (!/^[1-9][0-9]{2,7}$/.test(a.baud)) throw new UsageError(`--baud must be a whole number of bits per second (e.g. 115200 or 1000000), not "${a.baud}"`)
    } else if (a.baud !== undefined) throw new UsageError("--baud is for a serial port")
    if (a.devtools !== undefined) return new DevtoolsSource({ url: a.devtools, sim: a.sim })
    if (a.file !== undefined) return new FileSource(a.file)
    const baud = a.baud === undefined ? DEFAULT_BAUD : Number(a.baud)
    if (a.port !== undefined) return new SerialSource({ path: a.port, baud })
    const port = choosePort(await listPorts())
    console.error(`monitor: using ${port.path} (${port.manufacturer ?? "no manufacturer"}, ${port.vendorId}:${port.productId ?? "????"})`)
    return new SerialSource({ path: port.path, baud })
}

/** One line for a transport event (stream content never appears in these; the port name is escaped). */
function eventLine(e: TransportEvent): string {
    switch (e.type) {
        case "connected":
            return `monitor: connected to ${escapeText(e.what, 200)}`
        case "disconnected":
            return `monitor: lost ${escapeText(e.what, 200)} (${escapeText(e.reason, 200)}); reconnecting, the model is kept`
        case "error":
            return `monitor: ${escapeText(e.message, 500)}`
        case "end":
            return `monitor: ${escapeText(e.reason, 200)}`
    }
}

/** The link's history for the summary: every disconnect and how long the link was down. */
class LinkLog {
    private downSince = 0
    readonly outages: { at: number; ms: number; reason: string; cut: boolean }[] = []
    private readonly t0 = Date.now()

    down(reason: string): void {
        this.downSince = Date.now()
        this.outages.push({ at: this.downSince - this.t0, ms: -1, reason, cut: false })
    }

    /** The last disconnect cut a line short. */
    cutLine(): void {
        const o = this.outages[this.outages.length - 1]
        if (o) o.cut = true
    }

    up(): void {
        const o = this.outages[this.outages.length - 1]
        if (o && o.ms < 0) o.ms = Date.now() - this.downSince
    }

    lines(): string[] {
        if (this.outages.length === 0) return []
        return [
            `link: ${this.outages.length} disconnect${this.outages.length === 1 ? "" : "s"} (lines lost meanwhile count in the gaps)`,
            ...this.outages.map(
                o =>
                    `  at ${(o.at / 1000).toFixed(1)} s: ${escapeText(o.reason, 200)}; ${o.ms < 0 ? "not back when the monitor ended" : `back after ${(o.ms / 1000).toFixed(1)} s`}` +
                    (o.cut ? "; an unfinished line was cut" : ""),
            ),
        ]
    }
}

async function monitor(argv: string[]): Promise<number> {
    const a = parse(argv)
    if (a.help) {
        console.log(HELP)
        return 0
    }
    if (a.list) {
        const ports = await listPorts()
        console.log(formatPorts(ports).join("\n"))
        return 0
    }
    const source = await makeSource(a)
    let recorder: Recorder | null = null
    if (a.record !== undefined) {
        try {
            recorder = await Recorder.open(a.record)
        } catch (e) {
            throw new TransportError(`cannot write ${a.record}: ${(e as Error).message}`)
        }
    }
    const link = new LinkLog()
    const stream = new HeapStream({ allowGaps: true, onError: "continue", record: recorder ? chunk => recorder.write(chunk) : undefined })
    stream.onReport(r => {
        if (r.kind === "link" && r.partialChars > 0) link.cutLine()
    })
    const name = escapeText(source.what, 200)
    const served = a.serve === null ? null : await serveLive(stream, { port: a.serve, source: name })
    if (served) console.error(`monitor: live heap page at ${served.url}`)
    const live = !a.plain && process.stdout.isTTY === true
    // Plain lines go to stdout, which may be a pipe slower than the stream: when it is full, the source
    // waits (pause) until it drains, so lines neither pile up in memory nor get lost.
    let waiting = false
    const write = (l: string) => {
        if (process.stdout.write(l + "\n") || waiting) return
        waiting = true
        source.pause()
        process.stdout.once("drain", () => {
            waiting = false
            source.resume()
        })
    }
    const say = (l: string) => (live ? undefined : write(l))
    if (!live)
        stream.onReport(r => {
            const l = reportLine(r)
            if (l !== null) write(l)
        })

    let endOfInput: () => void = () => {}
    const inputEnded = new Promise<void>(resolve => (endOfInput = resolve))
    const sink = {
        data: (chunk: Uint8Array) => {
            if (!stream.ended) stream.push(chunk)
        },
        event: (e: TransportEvent) => {
            if (e.type === "disconnected") {
                recorder?.cut()
                link.down(e.reason)
                // Reported in stream order as a "link" report (plain line, live view), which also says if a line was cut.
                stream.linkLost(eventLine(e).replace(/^monitor: /, ""))
            } else if (e.type !== "end" || e.reason !== "stopped") say(eventLine(e))
            if (e.type === "connected") link.up()
            if (e.type === "end") endOfInput()
        },
    }

    let ending: LiveViewEnd = "end"
    let interrupted: () => void = () => {}
    const interrupt = new Promise<LiveViewEnd>(resolve => (interrupted = () => resolve("interrupt")))
    const onSigint = () => interrupted()
    process.on("SIGINT", onSigint)
    try {
        // Ctrl-C while the source is still starting (devtools building for --sim) ends the monitor too.
        const starting = source.start(sink)
        starting.catch(() => {}) // after an interrupt its rejection ("stopped") is expected
        if ((await Promise.race([starting.then(() => "started"), interrupt])) === "interrupt") ending = "interrupt"
        else if (live) {
            const keys = a.file !== "-" && process.stdin.isTTY ? process.stdin : openControllingTty()
            const view = runLiveView(stream, { output: process.stdout, keys, title: name })
            ending = await Promise.race([view.done, interrupt, inputEnded.then(() => view.endOfInput())])
            view.stop()
        } else {
            ending = await Promise.race([interrupt, inputEnded.then((): LiveViewEnd => "end")])
        }
        if (served && ending === "end") {
            served.flush()
            console.error(`monitor: end of input; the live heap page stays at ${served.url} until Ctrl-C`)
            ending = await interrupt
        }
    } finally {
        process.off("SIGINT", onSigint)
        await source.stop()
        stream.end()
        await recorder?.close()
        await served?.close()
    }
    const code = finish(stream, name, ending)
    for (const l of link.lines()) console.log(l)
    if (recorder)
        console.log(
            `recorded ${recorder.bytes - recorder.cutBytes} bytes to ${escapeText(a.record, 200)}` +
                (recorder.cutBytes > 0 ? ` (${recorder.cutBytes} bytes of lines cut by a disconnect left out)` : "") +
                `: \`bareheap view --allow-gaps ${escapeText(a.record, 200)}\``,
        )
    return code === 0 && stream.errorCount > 0 ? 1 : code
}
