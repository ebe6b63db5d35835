/**
 * sim/run.ts — `npm start`: the firmware's main job in the host simulator.
 *
 * Runs src/firmware/firmware.ts (the same code src/main.ts runs on a board) against
 * the host shim of "@devicescript/core", prints the event stream as a board
 * would send it over serial, decodes it strictly as it goes (sim/viewer.ts),
 * and ends with the viewer's summary: the board's memory map with the heap
 * region in it, a heap map at each phase's peak, and the statistics.
 *
 *   npm start -- --board esp32c3 --allocator bump
 *   npm start -- --debug full --track
 *
 * With --debug and --track the heap is Logging(Tracking(Debug(allocator))):
 * the tracker sees the user's pointers, and both layers report through the
 * logger (~C check failures, ~L leak report entries).
 */
import { parseArgs } from "node:util"
import { BOARDS, DEFAULT_BOARD_ID } from "../boards/index"
import { ALLOCATOR_KINDS, DEFAULT_ALLOCATOR, makeAllocator } from "../src/allocators/registry"
import { DebugAllocator, DebugLevel } from "../src/layers/debug"
import { diagnostics } from "../src/layers/diagnostics"
import { runFirmware } from "../src/firmware/firmware"
import { HeapAllocator } from "../src/api/global_alloc"
import { formatLeakReport, TrackingAllocator } from "../src/layers/tracking"
import { _simSetArch } from "./core"
import { HeapViewer, plural } from "./viewer"

const REAL_BOARDS = BOARDS.filter(b => !b.hostOnly)

const LEVELS: Record<string, DebugLevel> = { off: DebugLevel.Off, light: DebugLevel.Light, full: DebugLevel.Full }

const HELP = `Usage: npm start -- [--board <id>] [--allocator <kind>] [--debug <level>] [--track] [--stats-every <n>] [--quiet]

Runs the bareheap firmware in the host simulator and prints its allocation
event stream (docs/protocol.md), then the board's memory map and heap maps.

  --board <id>         ${REAL_BOARDS.map(b => b.id).join(", ")} (default ${DEFAULT_BOARD_ID})
  --allocator <kind>   ${ALLOCATOR_KINDS.join(", ")} (default ${DEFAULT_ALLOCATOR})
  --debug <level>      off, light (canaries) or full (canaries, fill patterns, quarantine); default off
  --track              track live blocks by container kind and print a leak report at the end
  --stats-every <n>    a stats line after every n events (default 16; 0 = at phase ends only)
  --quiet              do not print the event stream, only the summary
  --help               this text`

class UsageError extends Error {}

function fail(message: string): never {
    throw new UsageError(message)
}

/** `bareheap start [options]`: returns the exit code (1 when the decoder saw an anomaly, 2 for a usage error). */
export async function main(argv: string[]): Promise<number> {
    try {
        return await start(argv)
    } catch (e) {
        if (e instanceof UsageError) {
            console.error(`error: ${e.message}\n\n${HELP}`)
            return 2
        }
        throw e
    }
}

async function start(argv: string[]): Promise<number> {
    let args
    try {
        args = parseArgs({
            args: argv,
            options: {
                board: { type: "string", default: DEFAULT_BOARD_ID },
                allocator: { type: "string", default: DEFAULT_ALLOCATOR },
                "stats-every": { type: "string", default: "16" },
                debug: { type: "string", default: "off" },
                track: { type: "boolean", default: false },
                quiet: { type: "boolean", default: false },
                help: { type: "boolean", default: false },
            },
            strict: true,
        }).values
    } catch (e) {
        fail((e as Error).message)
    }
    if (args.help) {
        console.log(HELP)
        return 0
    }
    const board = REAL_BOARDS.find(b => b.id === args.board)
    if (!board) fail(`unknown board "${args.board}"; known boards: ${REAL_BOARDS.map(b => b.id).join(", ")}`)
    if (!ALLOCATOR_KINDS.includes(args.allocator)) fail(`unknown allocator "${args.allocator}"; known allocators: ${ALLOCATOR_KINDS.join(", ")}`)
    const statsEvery = Number(args["stats-every"])
    if (!Number.isInteger(statsEvery) || statsEvery < 0) fail(`--stats-every must be a whole number ≥ 0, not "${args["stats-every"]}"`)

    if (!(args.debug in LEVELS)) fail(`unknown debug level "${args.debug}"; known levels: ${Object.keys(LEVELS).join(", ")}`)
    const level = LEVELS[args.debug]

    _simSetArch(board.archId)
    const viewer = new HeapViewer()
    const emit = (line: string) => {
        if (!args.quiet) console.log(line)
        viewer.push(line)
    }
    let debug: DebugAllocator | null = null
    let tracker: TrackingAllocator | null = null
    const makeHeap = (region: Parameters<typeof makeAllocator>[1]): HeapAllocator => {
        let h: HeapAllocator = makeAllocator(args.allocator, region)
        if (level !== DebugLevel.Off) h = debug = new DebugAllocator(h, level)
        if (args.track) h = tracker = new TrackingAllocator(h)
        return h
    }
    const heap = await runFirmware(board, makeHeap, {
        emit,
        statsEvery,
        onStart: log => {
            debug?.setEvents(log)
            tracker?.setEvents(log)
        },
    })
    const report: string[] = []
    if (debug) {
        const found = debug.scan()
        report.push(`debug (${args.debug}): ${plural(found, "new check failure")} found by the final scan, ${debug.failures().length} recorded in all`)
        if (debug.quarantined() > 0)
            report.push(`debug quarantine: ${plural(debug.quarantined(), "freed block")}, ${debug.quarantinedBytes()} B held (counted in "in use"; not leaks)`)
    }
    if (tracker) {
        report.push("leak report (tracking):", ...formatLeakReport(tracker.reportLeaks()))
    }
    const s = diagnostics(heap)
    console.log(
        [
            "",
            "=== summary ===",
            viewer.render(),
            `allocator's own count: peak in use ${s.peakInUse} B, min ever free ${s.minFree} B, largest request ${s.peakRequest} B, ` +
                `${s.allocs} allocs, ${s.frees} frees, ${s.reallocs} reallocs, ${s.failures} failures, ${s.liveBlocks} live, ` +
                `fragmentation now ${s.fragmentation.toFixed(1)} %`,
            ...report,
        ].join("\n"),
    )
    return viewer.decoder.anomalies.length > 0 ? 1 : 0
}
