/**
 * bench/vm/debug_cost.ts — the debug-level workload (bench/debug_workload.ts)
 * inside the DeviceScript VM. Prints one line per measurement, read by
 * bench/debug_cost.ts:
 *   bench time <kind> <level> <run> <ms>     for PAIRS alloc+dealloc pairs, minus
 *                                            the same run's bare yields
 *   bench fit <kind> <level> <blocks>        16-byte blocks that fit in 8 KiB
 *   bench done
 * Lines start with "bench", never "~" (reserved for the event protocol).
 */
import * as ds from "@devicescript/core"
import { ALLOCATOR_KINDS } from "../../src/allocators/registry"
import { DebugLevel } from "../../src/layers/debug"
import { blocksThatFit, debugHeap, timePairs, timeYields } from "../debug_workload"

const PAIRS = 3000
const RUNS = 3
const YIELD_EVERY = 40
const LEVELS = [DebugLevel.Off, DebugLevel.Light, DebugLevel.Full]

async function measure(kind: string, level: DebugLevel): Promise<void> {
    for (let run = 0; run < RUNS; run++) {
        const ms = (await timePairs(debugHeap(kind, level, 8192), PAIRS, ds.millis, YIELD_EVERY)) - (await timeYields(PAIRS, ds.millis, YIELD_EVERY))
        console.log("bench time " + kind + " " + level + " " + run + " " + ms)
        await ds.sleep(0)
    }
    console.log("bench fit " + kind + " " + level + " " + (await blocksThatFit(debugHeap(kind, level, 8192))))
    await ds.sleep(0)
}

for (const kind of ALLOCATOR_KINDS) {
    for (const level of LEVELS) await measure(kind, level)
}
console.log("bench done " + PAIRS)
