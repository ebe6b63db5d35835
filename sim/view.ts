/**
 * sim/view.ts — `bareheap view <log>`: the heap viewer over a captured
 * console log — a board's serial output saved to a file, `devs run` output,
 * or `npm start` output — or standard input. Other console lines are passed
 * over; protocol lines are decoded strictly. On a board the 4 KB dmesg ring
 * can drop lines: `--allow-gaps` records them and keeps going.
 *
 *   npm start > run.log && npm run view -- run.log
 *   bareheap view run.log --html report.html      one self-contained HTML report (sim/html/)
 *   bareheap view --serve 8080 < run.log          the live page on 127.0.0.1 (sim/html/serve.ts)
 */
import { readFileSync } from "node:fs"
import { createInterface } from "node:readline"
import { parseArgs } from "node:util"
import { ProtocolError } from "./decoder"
import { HeapViewer } from "./viewer"

const HELP = `Usage: bareheap view [--allow-gaps] [--html <report.html> | --serve [<port>]] [<log file>]
       (reads standard input without a file)

Decodes a bareheap event stream (docs/protocol.md) from a captured console log
and prints the board's memory map, heap maps and statistics.

  --allow-gaps        record lost lines (gaps in the seq numbers) and go on
  --html <file>       write one self-contained HTML report (no network needed to view it):
                      the heap at any event, a timeline, leaks, anomalies, per-tag totals
  --serve [<port>]    serve the live page on http://127.0.0.1:<port>/ (default: a free
                      port) and push lines to it as they are read; Ctrl-C stops
  --help              this text`

/** `--serve` takes an optional port: parseArgs cannot, so the port is taken out first. */
function splitServe(argv: string[]): { args: string[]; serve: number | null } {
    const i = argv.indexOf("--serve")
    if (i < 0) return { args: argv, serve: null }
    const next = argv[i + 1]
    const hasPort = next !== undefined && /^\d+$/.test(next)
    return { args: [...argv.slice(0, i), ...argv.slice(i + (hasPort ? 2 : 1))], serve: hasPort ? Number(next) : 0 }
}

/** `bareheap view [options] [<file>]`: returns the exit code (1 anomalies or a protocol error, 2 usage). */
export async function main(argv: string[]): Promise<number> {
    let parsed
    const { args, serve } = splitServe(argv)
    try {
        parsed = parseArgs({
            args,
            options: { "allow-gaps": { type: "boolean", default: false }, html: { type: "string" }, help: { type: "boolean", default: false } },
            allowPositionals: true,
            strict: true,
        })
        if (serve !== null && serve > 65535) throw new Error(`--serve port must be 0..65535, got ${serve}`)
        if (serve !== null && parsed.values.html !== undefined) throw new Error("--html and --serve do not go together")
    } catch (e) {
        console.error(`error: ${(e as Error).message}\n\n${HELP}`)
        return 2
    }
    if (parsed.values.help) {
        console.log(HELP)
        return 0
    }
    const file = parsed.positionals[0]
    const allowGaps = parsed.values["allow-gaps"]
    if (serve !== null) return serveStream(file, serve, allowGaps)
    let text: string
    try {
        text = readFileSync(file ?? 0, "utf8")
    } catch (e) {
        console.error(`error: cannot read ${file ?? "standard input"}: ${(e as Error).message}`)
        return 2
    }
    if (parsed.values.html !== undefined) return htmlReport(text, file, parsed.values.html, allowGaps)
    const viewer = new HeapViewer({ allowGaps })
    try {
        for (const line of text.split("\n")) viewer.push(line.replace(/\r$/, ""))
    } catch (e) {
        if (e instanceof ProtocolError) {
            console.error(`error: ${file ?? "stdin"}: ${e.message}`)
            return 1
        }
        throw e
    }
    console.log(viewer.render())
    return viewer.decoder.anomalies.length > 0 ? 1 : 0
}

async function htmlReport(text: string, file: string | undefined, out: string, allowGaps: boolean): Promise<number> {
    const { writeReport } = await import("./html/report_file")
    let r
    try {
        r = writeReport(text, out, { allowGaps, source: file ?? "standard input" })
    } catch (e) {
        console.error(`error: cannot write ${out}: ${(e as Error).message}`)
        return 2
    }
    for (const m of r.protocolErrors) console.error(`error: ${file ?? "stdin"}: ${m}`)
    console.log(`wrote ${out}: ${r.events} events, ${r.bytes} bytes, ${r.anomalies} anomalies, ${r.protocolErrors.length} protocol errors`)
    return r.protocolErrors.length > 0 || r.anomalies > 0 ? 1 : 0
}

/** Serves the live page and feeds it the file's or stdin's lines as they are read, until SIGINT/SIGTERM. */
async function serveStream(file: string | undefined, port: number, allowGaps: boolean): Promise<number> {
    const { serveLive } = await import("./html/serve")
    const { createReadStream } = await import("node:fs")
    let live
    try {
        live = await serveLive({ port, allowGaps, source: file ?? "standard input" })
    } catch (e) {
        console.error(`error: cannot listen on 127.0.0.1:${port}: ${(e as Error).message}`)
        return 2
    }
    console.log(`serving the live heap page at ${live.url} (Ctrl-C stops)`)
    const input = file ? createReadStream(file) : process.stdin
    input.on("error", (e: Error) => console.error(`error: cannot read ${file ?? "standard input"}: ${e.message}`))
    const rl = createInterface({ input, crlfDelay: Infinity })
    rl.on("line", line => live.push(line))
    rl.on("close", () => {
        live.flush()
        console.log(`end of ${file ?? "standard input"}: ${live.builder.eventCount} events; still serving`)
    })
    await new Promise<void>(resolve => {
        process.once("SIGINT", resolve)
        process.once("SIGTERM", resolve)
    })
    rl.close()
    input.destroy() // an open stdin pipe would keep the process alive
    await live.close()
    return 0
}
