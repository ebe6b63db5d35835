/**
 * bench/vm/debug_cost.ts — the layer workload (bench/debug_workload.ts)
 * inside the DeviceScript VM, for the allocators of one program: the
 * programs are debug_cost_<pair>.ts, one per tests/vm/pair_*.ts (two region
 * allocators each: all of them, or the registry's makeAllocator with system
 * and multi, pass DeviceScript's 64 KB of function bytecode, verification
 * error 1051). Prints one line per measurement, read by bench/debug_cost.ts:
 *   bench time <kind> <layer> <run> <ms>     for PAIRS alloc+dealloc pairs, minus
 *                                            the same run's bare yields
 *   bench fit <kind> <layer> <blocks>        16-byte blocks that fit in 8 KiB
 * (<layer> is an index into LAYER_NAMES.)
 *   bench done
 * Lines start with "bench", never "~" (reserved for the event protocol).
 */
import * as ds from "@devicescript/core"
import { HeapAllocator } from "../../src/api/global_alloc"
import { StaticRegion } from "../../src/core/region"
import { LAYER_NAMES, blocksThatFit, debugHeap, timePairs, timeYields } from "../debug_workload"

const PAIRS = 3000
const RUNS = 3
// 40 pairs of "full" over the system allocator passed the VM's 131,072-opcode slice (InfiniteLoop); the yields are timed and subtracted
const YIELD_EVERY = 20

async function measure(kind: string, make: (r: StaticRegion) => HeapAllocator, level: number): Promise<void> {
    for (let run = 0; run < RUNS; run++) {
        const ms = (await timePairs(debugHeap(make(new StaticRegion(0x20020000, 8192)), level), PAIRS, ds.millis, YIELD_EVERY)) - (await timeYields(PAIRS, ds.millis, YIELD_EVERY))
        console.log("bench time " + kind + " " + level + " " + run + " " + ms)
        await ds.sleep(0)
    }
    console.log("bench fit " + kind + " " + level + " " + (await blocksThatFit(debugHeap(make(new StaticRegion(0x20020000, 8192)), level))))
    await ds.sleep(0)
}

/** Every layer of LAYER_NAMES over kinds[i] made by makers[i], then "bench done <pairs>". */
export async function measureKinds(kinds: string[], makers: ((r: StaticRegion) => HeapAllocator)[]): Promise<void> {
    for (let i = 0; i < kinds.length; i++) {
        for (let level = 0; level < LAYER_NAMES.length; level++) await measure(kinds[i], makers[i], level)
    }
    console.log("bench done " + PAIRS)
}
