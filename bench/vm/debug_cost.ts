/**
 * bench/vm/debug_cost.ts — the layer workload (bench/debug_workload.ts)
 * inside the DeviceScript VM. Prints one line per measurement, read by
 * bench/debug_cost.ts:
 *   bench time <kind> <layer> <run> <ms>     for PAIRS alloc+dealloc pairs, minus
 *                                            the same run's bare yields
 *   bench fit <kind> <layer> <blocks>        16-byte blocks that fit in 8 KiB
 * (<layer> is an index into LAYER_NAMES.)
 *   bench done
 * Lines start with "bench", never "~" (reserved for the event protocol).
 */
import * as ds from "@devicescript/core"
import { ALLOCATOR_KINDS } from "../../src/allocators/registry"
import { LAYER_NAMES, blocksThatFit, debugHeap, timePairs, timeYields } from "../debug_workload"

const PAIRS = 3000
const RUNS = 3
const YIELD_EVERY = 40

async function measure(kind: string, level: number): Promise<void> {
    for (let run = 0; run < RUNS; run++) {
        const ms = (await timePairs(debugHeap(kind, level, 8192), PAIRS, ds.millis, YIELD_EVERY)) - (await timeYields(PAIRS, ds.millis, YIELD_EVERY))
        console.log("bench time " + kind + " " + level + " " + run + " " + ms)
        await ds.sleep(0)
    }
    console.log("bench fit " + kind + " " + level + " " + (await blocksThatFit(debugHeap(kind, level, 8192))))
    await ds.sleep(0)
}

for (const kind of ALLOCATOR_KINDS) {
    for (let level = 0; level < LAYER_NAMES.length; level++) await measure(kind, level)
}
console.log("bench done " + PAIRS)
