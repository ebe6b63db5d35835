/**
 * tests/fuzz/stream.ts — the fuzz run whose event stream must be identical
 * in the DeviceScript VM and on the host (issue 9): STREAM_OPS random
 * operations (tests/fuzz/ops.ts) spread over every allocator kind (HEAP_KINDS:
 * system's blocks are VM Buffers, multi adds a 4 KiB part), each
 * behind a LoggingAllocator on an 8 KiB region, every block freed at the
 * end. Portable: the VM program tests/vm/fuzz_stream.ts runs it with
 * console.log as the sink; tests/vm.test.ts runs it on the host with a
 * collector and compares the lines.
 */
import { HEAP_KINDS, makeAllocator } from "../../src/allocators/registry"
import { StaticRegion } from "../../src/core/region"
import { LoggingAllocator } from "../../src/layers/logging"
import { driveLogged } from "./ops"

/** Operations in the stream run, over all kinds. */
export const STREAM_OPS = 10000

/** The line the VM program prints after the stream. */
export const STREAM_DONE = "fuzz stream done"

/**
 * Runs the stream fuzz with `seed` (kind i uses seed + i), sending every
 * protocol line to `emit` (undefined: console.log, as on a device).
 */
export async function fuzzStream(seed: number, emit?: (line: string) => void): Promise<void> {
    for (let i = 0; i < HEAP_KINDS.length; i++) {
        const inner = makeAllocator(HEAP_KINDS[i], new StaticRegion(0x20020000, 8192))
        const heap = emit === undefined ? new LoggingAllocator(inner, "pico") : new LoggingAllocator(inner, "pico", { emit: emit })
        await driveLogged(heap, (seed + i) >>> 0, Math.floor(STREAM_OPS / HEAP_KINDS.length))
        heap.emitStats()
    }
}
