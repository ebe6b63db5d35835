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
import { makeHeapForBoard } from "../src/allocators/registry"
import { DebugAllocator, DebugLevel } from "../src/layers/debug"
import { diagnostics } from "../src/layers/diagnostics"
import { runFirmware } from "../src/firmware/firmware"
import { HeapAllocator } from "../src/api/global_alloc"
import { formatLeakReport, TrackingAllocator } from "../src/layers/tracking"
import { parseOptions, withUsage } from "../cli/args"
import { _simSetArch } from "./core"
import { FIRMWARE_HELP, FIRMWARE_OPTIONS, firmwareChoice } from "./firmware_options"
import { HeapViewer, plural } from "./viewer"

const HELP = `Usage: bareheap start [options]      (npm start -- [options])

Runs the bareheap firmware in the host simulator and prints its allocation
event stream (docs/protocol.md), then the board's memory map and heap maps.

${FIRMWARE_HELP}
  --quiet              do not print the event stream, only the summary
  --help               this text

Exit code: 0 ok, 1 the decoder found an anomaly, 2 usage error.`

/** `bareheap start [options]`: returns the exit code (1 when the decoder saw an anomaly, 2 for a usage error). */
export async function main(argv: string[]): Promise<number> {
    return withUsage(HELP, () => start(argv))
}

async function start(argv: string[]): Promise<number> {
    const parsed = parseOptions(argv, { ...FIRMWARE_OPTIONS, quiet: { type: "boolean" } })
    if (parsed.flag("help")) {
        console.log(HELP)
        return 0
    }
    const { board, allocator, debug: level, debugName, track, statsEvery } = firmwareChoice(parsed)
    const quiet = parsed.flag("quiet")
    _simSetArch(board.archId)
    const viewer = new HeapViewer()
    const emit = (line: string) => {
        if (!quiet) console.log(line)
        viewer.push(line)
    }
    let debug: DebugAllocator | null = null
    let tracker: TrackingAllocator | null = null
    const makeHeap = (b: typeof board): HeapAllocator => {
        let h: HeapAllocator = makeHeapForBoard(allocator, b)
        if (level !== DebugLevel.Off) h = debug = new DebugAllocator(h, level)
        if (track) h = tracker = new TrackingAllocator(h)
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
        report.push(`debug (${debugName}): ${plural(found, "new check failure")} found by the final scan, ${debug.failures().length} recorded in all`)
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
