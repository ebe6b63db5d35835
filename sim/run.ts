/**
 * sim/run.ts — `npm start`: the firmware's main job in the host simulator.
 *
 * Runs src/firmware.ts (the same code src/main.ts runs on a board) against
 * the host shim of "@devicescript/core", prints the event stream as a board
 * would send it over serial, decodes it with the strict decoder as it goes,
 * and ends with a readable summary: the board's memory map with the heap
 * region in it, heap maps of the stream's shadow model at each phase, and
 * the statistics.
 *
 *   npm start -- --board esp32c3 --allocator bump
 */
import { parseArgs } from "node:util"
import { Board } from "../boards/board"
import { BOARDS, DEFAULT_BOARD_ID } from "../boards/index"
import { ALLOCATOR_KINDS, DEFAULT_ALLOCATOR } from "../src/allocators"
import { runFirmware } from "../src/firmware"
import { _simSetArch } from "./core"
import { StreamDecoder } from "./decoder"
import { renderHeapMap, renderMemoryMap, sizeText } from "./heapmap"

const HELP = `Usage: npm start -- [--board <id>] [--allocator <kind>] [--stats-every <n>] [--quiet]

Runs the bareheap firmware in the host simulator and prints its allocation
event stream (docs/protocol.md), then the board's memory map and heap maps.

  --board <id>         ${BOARDS.filter(b => !b.hostOnly).map(b => b.id).join(", ")} (default ${DEFAULT_BOARD_ID})
  --allocator <kind>   ${ALLOCATOR_KINDS.join(", ")} (default ${DEFAULT_ALLOCATOR})
  --stats-every <n>    a stats line after every n events (default 16; 0 = at phase ends only)
  --quiet              do not print the event stream, only the summary
  --help               this text`

function fail(message: string): never {
    console.error(`error: ${message}\n\n${HELP}`)
    process.exit(2)
}

/** The live blocks at the moment a phase had the most bytes live (its most telling picture). */
interface Snapshot {
    phase: string
    bytes: number
    blocks: { ptr: number; size: number }[]
}

async function main(): Promise<void> {
    let args
    try {
        args = parseArgs({
            options: {
                board: { type: "string", default: DEFAULT_BOARD_ID },
                allocator: { type: "string", default: DEFAULT_ALLOCATOR },
                "stats-every": { type: "string", default: "16" },
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
        return
    }
    const board: Board = BOARDS.find(b => b.id === args.board && !b.hostOnly)
    if (!board) fail(`unknown board "${args.board}"; known boards: ${BOARDS.filter(b => !b.hostOnly).map(b => b.id).join(", ")}`)
    if (!ALLOCATOR_KINDS.includes(args.allocator)) fail(`unknown allocator "${args.allocator}"; known allocators: ${ALLOCATOR_KINDS.join(", ")}`)
    const statsEvery = Number(args["stats-every"])
    if (!Number.isInteger(statsEvery) || statsEvery < 0) fail(`--stats-every must be a whole number ≥ 0, not "${args["stats-every"]}"`)

    _simSetArch(board.archId)
    const decoder = new StreamDecoder()
    const snapshots: Snapshot[] = []
    let lineNo = 0
    let bytes = 0
    const emit = (line: string) => {
        lineNo++
        bytes += line.length + 3 // as on a board: "> " prefix and "\n"
        if (!args.quiet) console.log(line)
        const ev = decoder.push(line, lineNo)
        if (!ev) return
        if (ev.type === "phase") snapshots.push({ phase: ev.name, bytes: -1, blocks: [] })
        const snap = snapshots[snapshots.length - 1]
        if (!snap) return
        const blocks = decoder.blocks()
        const liveBytes = blocks.reduce((n, b) => n + b.size, 0)
        if (liveBytes > snap.bytes) {
            snap.bytes = liveBytes
            snap.blocks = blocks.map(b => ({ ptr: b.ptr, size: b.size }))
        }
    }
    const heap = await runFirmware(board, args.allocator, { emit, statsEvery })

    const s = heap.stats()
    const out: string[] = ["", "=== summary ===", renderMemoryMap(board), ""]
    out.push(`allocator ${args.allocator}: region ${sizeText(heap.region.size)} at 0x${heap.region.base.toString(16)}, capacity ${s.capacity} B`)
    for (const snap of snapshots) {
        if (snap.bytes <= 0) continue
        out.push("", `heap at the peak of phase "${snap.phase}": ${snap.blocks.length} live blocks, ${snap.bytes} B requested`)
        out.push(renderHeapMap(heap.region.base, heap.region.size, snap.blocks, 64, 4))
    }
    out.push("")
    out.push(`stats: peak in use ${s.peakInUse} B, ${s.allocs} allocs, ${s.frees} frees, ${s.reallocs} reallocs, ${s.failures} failures, ${s.liveBlocks} live`)
    out.push(`stream: ${lineNo} lines, mean ${(bytes / Math.max(1, lineNo)).toFixed(1)} B/line with "> " and newline, ${decoder.gaps.length} gaps, ${decoder.anomalies.length} anomalies`)
    for (const a of decoder.anomalies) out.push(`  anomaly: ${typeof a === "string" ? a : JSON.stringify(a)}`)
    console.log(out.join("\n"))
    if (decoder.anomalies.length > 0) process.exit(1)
}

main().catch(e => {
    console.error(e instanceof Error ? `error: ${e.message}` : e)
    process.exit(1)
})
