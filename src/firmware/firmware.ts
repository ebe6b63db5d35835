/**
 * firmware.ts — the firmware's main job, shared by src/main.ts (a board or the
 * DeviceScript VM) and sim/run.ts (the host simulator): build the board's
 * heap (the caller's factory, given the board), put the demo's OOM hook over it and
 * the logging wrapper over that, install it as the global allocator, run the
 * demo workload (demo.ts) and report statistics:
 *
 *     Logging → OomHook(demoOomHook) → makeHeap(board): [Tracking →] [Debug →] allocator
 *
 * The hook sits below the logger, so the stream shows the hook's call (~O)
 * and the retried request's success, not the inner failure.
 *
 * The caller builds the heap (`makeHeap`), so the device build links only the
 * allocator it uses: DeviceScript refuses a program with 64 KB or more of
 * function bytecode, and every allocator and debug layer costs several KB.
 * It gets the board, not a region: a single-region kind makes
 * StaticRegion.forBoard(board), a multi-region heap the board's heapRegions
 * (MultiAllocator.forBoard), and neither pays for the other's bytes.
 */
import { Board } from "../../boards/board"
import { demoOomHook, runDemo } from "./demo"
import { OomHookAllocator } from "../layers/oom_hook"
import { HeapAllocator, setGlobalAllocator } from "../api/global_alloc"
import { LoggingAllocator } from "../layers/logging"

/** Builds the board's heap (an allocator, possibly under debug or tracking layers), e.g. `board => new BuddyAllocator(StaticRegion.forBoard(board))`. */
export type HeapFactory = (board: Board) => HeapAllocator

export interface FirmwareOptions {
    /** Where protocol lines go; the console (the board's serial stream) by default. */
    emit?: (line: string) => void
    /** A stats line after every this many events (default 16; 0 = only at phase ends). */
    statsEvery?: number
    /**
     * Called with the logger right after the stream's header, before the demo:
     * the place to wire layers' events to it (`debug.setEvents(log)`).
     */
    onStart?: (log: LoggingAllocator) => void
}

/**
 * Runs the firmware on `board` with the heap `makeHeap` builds and returns
 * the logging allocator on top of it, still registered as the global one.
 *
 * ```ts
 * const heap = await runFirmware(PICO, board => new BuddyAllocator(StaticRegion.forBoard(board)), {})
 * heap.stats().liveBlocks === 1 // the demo's deliberate leak: a config string
 * ```
 */
export async function runFirmware(board: Board, makeHeap: HeapFactory, options: FirmwareOptions): Promise<LoggingAllocator> {
    const hooked = new OomHookAllocator(makeHeap(board), demoOomHook)
    const heap = new LoggingAllocator(hooked, board.id, {
        emit: options.emit,
        statsEvery: options.statsEvery === undefined ? 16 : options.statsEvery,
    })
    hooked.setEvents(heap)
    if (options.onStart) options.onStart(heap)
    setGlobalAllocator(heap)
    await runDemo(heap, heap.region, name => { // the heap's view: a system heap's blocks are not in the board's region
        heap.emitStats()
        heap.phase(name)
    })
    heap.emitStats()
    const problems = heap.check()
    if (problems.length > 0) throw new Error("heap inconsistent after the demo: " + problems.join("; "))
    return heap
}
