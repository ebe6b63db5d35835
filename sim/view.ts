/**
 * sim/view.ts — `npm run view -- <log>`: the heap viewer over a captured
 * console log — a board's serial output saved to a file, `devs run` output,
 * or `npm start` output — or standard input. Other console lines are passed
 * over; protocol lines are decoded strictly. On a board the 4 KB dmesg ring
 * can drop lines: `--allow-gaps` records them and keeps going.
 *
 *   npm start > run.log && npm run view -- run.log
 */
import { readFileSync } from "node:fs"
import { parseOptions, withUsage } from "../cli/args"
import { ProtocolError } from "./decoder"
import { HeapViewer } from "./viewer"

const HELP = `Usage: bareheap view [--allow-gaps] [<log file>]   (npm run view -- …; reads standard input without a file)

Decodes a bareheap event stream (docs/protocol.md) from a captured console log
and prints the board's memory map, heap maps and statistics.`

/** `bareheap view [options] [<file>]`: returns the exit code (1 anomalies or a protocol error, 2 usage). */
export async function main(argv: string[]): Promise<number> {
    return withUsage(HELP, () => view(argv))
}

async function view(argv: string[]): Promise<number> {
    const parsed = parseOptions(argv, { "allow-gaps": { type: "boolean" } }, 1)
    if (parsed.flag("help")) {
        console.log(HELP)
        return 0
    }
    const file = parsed.positionals[0]
    let text: string
    try {
        text = readFileSync(file ?? 0, "utf8")
    } catch (e) {
        console.error(`error: cannot read ${file ?? "standard input"}: ${(e as Error).message}`)
        return 2
    }
    const viewer = new HeapViewer({ allowGaps: parsed.flag("allow-gaps") })
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
