/**
 * firmware.ts — the firmware's main job, shared by src/main.ts (a board or the
 * DeviceScript VM) and sim/run.ts (the host simulator): take the board's
 * static region, install the chosen allocator as the global one behind the
 * logging wrapper, run the demo workload and report statistics.
 */
import { Board } from "../boards/board"
import { makeAllocator } from "./allocators"
import { runDemo } from "./demo"
import { setGlobalAllocator } from "./global_alloc"
import { LoggingAllocator } from "./logging"
import { StaticRegion } from "./region"

export interface FirmwareOptions {
    /** Where protocol lines go; the console (the board's serial stream) by default. */
    emit?: (line: string) => void
    /** A stats line after every this many events (default 16; 0 = only at phase ends). */
    statsEvery?: number
}

/**
 * Runs the firmware on `board` with the allocator named `kind` and returns the
 * (logging) allocator, still registered as the global one.
 *
 * ```ts
 * const heap = await runFirmware(PICO, "buddy", {})
 * heap.stats().liveBlocks === 0 // the demo frees everything it allocates
 * ```
 */
export async function runFirmware(board: Board, kind: string, options: FirmwareOptions): Promise<LoggingAllocator> {
    const region = StaticRegion.forBoard(board)
    const heap = new LoggingAllocator(makeAllocator(kind, region), board.id, {
        emit: options.emit,
        statsEvery: options.statsEvery === undefined ? 16 : options.statsEvery,
    })
    setGlobalAllocator(heap)
    await runDemo(region, name => {
        heap.emitStats()
        heap.phase(name)
    })
    heap.emitStats()
    const problems = heap.check()
    if (problems.length > 0) throw new Error("heap inconsistent after the demo: " + problems.join("; "))
    return heap
}
