/**
 * bench/vm/replay_traces.ts — the body of the VM trace-replay programs:
 * replays compiled-in traces (bench/vm/traces/*.ts, hex`` literals in flash,
 * written by bench/vm/gen_traces.ts) with every allocator kind on the Pico's
 * real 32 KiB region, verify on, yielding, and prints one line per trace ×
 * kind. The programs themselves are the generated bench/vm/traces/replay_<n>.ts
 * entries, one per group of traces that fits one program image (a program
 * image is at most 110,464 bytes; see gen_traces.ts), each calling
 * replayTraces with its group. bench/vm_speed.ts builds and runs them.
 *
 * Output (lines start with "bench", never "~", which the event protocol owns):
 *   bench replay <trace> <kind> <ops> <failures> <peak> <firstFailure> <peakOk> <ms> <reps>
 *       ops/failures/peak/firstFailure from ReplayResult; peakOk is 1 when
 *       the replay had no failure and its peak live payload equals the
 *       trace's (a failed alloc lowers the peak, so then it is 0 and says
 *       nothing); ms is the time of `reps` replays (timeReplays) minus the
 *       time of the same number of bare yields. ds.millis() only advances
 *       across a yield (1 ms grain), so a short trace is replayed reps =
 *       ⌈MIN_TIMED_OPS / ops⌉ times, each on a fresh allocator, to time
 *       ≥ MIN_TIMED_OPS ops; the results of the runs are identical (checked)
 *   bench error <trace> <kind> <op> <message>    a correctness failure (ReplayError)
 *   bench done
 *
 * Costs: the region (32 KiB) is allocated once, when the module loads, and
 * zeroed before each run; replay() adds its slot table (12 B per slot) and
 * shadow map (4 KiB) per run, so nothing else may stay alive across runs
 * (see RunCounts).
 *
 * ```ts
 * import { SHORT1_BAL } from "./traces/short1_bal"
 * await replayTraces([SHORT1_BAL], ["buddy"])   // prints "bench replay short1-bal buddy 12 0 8144 -1 1 …"
 * ```
 */
import * as ds from "@devicescript/core"
import { HeapAllocator } from "../../src/api/global_alloc"
import { BestfitAllocator } from "../../src/allocators/bestfit"
import { BuddyAllocator } from "../../src/allocators/buddy"
import { BumpAllocator } from "../../src/allocators/bump"
import { PoolAllocator } from "../../src/allocators/pool"
import { TlsfAllocator } from "../../src/allocators/tlsf"
import { StaticRegion } from "../../src/core/region"
import { PICO } from "../../boards/pico"
import { EncodedTrace, replay, ReplayError, ReplayOptions, ReplayResult } from "../replay"

/** Ops timed at least per trace × kind (short traces are replayed this many ops' worth). */
export const MIN_TIMED_OPS = 1000

/** Ops between two yields: a replay step with verify stays far below the slice's opcode budget at this rate. */
export const REPLAY_YIELD_EVERY = 20

/**
 * What a run found, copied out of its ReplayResult: allocated once, before
 * the region, so nothing that lives across runs lands between the buffers
 * each run allocates and frees. The VM's GC does not move objects, and each
 * run needs a 4 KiB hole for the Replayer's shadow map: a first version that
 * kept the first run's ReplayResult and allocated the region lazily died
 * with "OOM (4108 bytes)" while 22,576 B were free (largest block 3,868 B).
 */
export class RunCounts {
    ops = 0
    failures = 0
    peakPayload = 0
    firstFailure = -1
    skipped = 0

    /** Copies r's counts. */
    take(r: ReplayResult): void {
        this.ops = r.ops
        this.failures = r.failures
        this.peakPayload = r.peakPayload
        this.firstFailure = r.firstFailure
        this.skipped = r.skipped
    }

    /** True when r did exactly what the copied run did. */
    same(r: ReplayResult): boolean {
        return this.ops === r.ops && this.failures === r.failures && this.peakPayload === r.peakPayload && this.firstFailure === r.firstFailure && this.skipped === r.skipped
    }
}

/** The counts of the last timeReplays call (reused: see RunCounts). */
export const COUNTS = new RunCounts()

/** The one Pico-sized region all replays use, allocated when this module loads. */
const REGION = StaticRegion.forBoard(PICO)

/** The region, zeroed. */
function picoRegion(): StaticRegion {
    REGION.buf.fillAt(0, REGION.size, 0)
    return REGION
}

/** ms of `n` bare yields: what a replay's own yields cost, to subtract. */
async function yieldsMs(n: number): Promise<number> {
    const t0 = ds.millis()
    for (let i = 0; i < n; i++) await ds.sleep(0)
    return ds.millis() - t0
}

/**
 * Replays `trace` with allocator `kind` on the Pico region (verify on),
 * `reps` times, each on a fresh allocator; leaves the first run's counts in
 * COUNTS and returns the time of all runs in ms. Each run starts on a fresh
 * slice and is followed by a yield, so the clock sees all of its work and
 * none of the set-up; the same number of bare yields is timed and
 * subtracted. A ReplayError propagates, and so does a run whose counts
 * differ from the first's.
 */
export async function timeReplays(trace: EncodedTrace, kind: string, reps: number): Promise<number> {
    const opts = new ReplayOptions()
    opts.yieldEvery = REPLAY_YIELD_EVERY
    opts.verify = true
    let ms = 0
    let yields = 0
    for (let k = 0; k < reps; k++) {
        const heap = makeRegionAllocator(kind, picoRegion())
        await ds.sleep(0)
        const t0 = ds.millis()
        const r = await replay(heap, trace, opts)
        await ds.sleep(0)
        ms += ds.millis() - t0
        yields += Math.floor(r.ops / REPLAY_YIELD_EVERY) + 1
        if (k === 0) COUNTS.take(r)
        else if (!COUNTS.same(r)) throw new ReplayError(-1, "run " + k + " of " + trace.name + " with " + kind + " differs from the first")
    }
    return ms - (await yieldsMs(yields))
}

async function runOne(trace: EncodedTrace, kind: string): Promise<void> {
    const reps = Math.ceil(MIN_TIMED_OPS / (trace.count > 0 ? trace.count : 1))
    try {
        const ms = await timeReplays(trace, kind, reps)
        const r = COUNTS
        const peakOk = r.failures === 0 && r.peakPayload === trace.peakPayload ? 1 : 0
        // Two halves: console.log takes at most 7 interpolated values.
        const head = "bench replay " + trace.name + " " + kind + " " + r.ops + " " + r.failures
        console.log(head + " " + r.peakPayload + " " + r.firstFailure + " " + peakOk + " " + ms + " " + reps)
    } catch (e) {
        if (!(e instanceof ReplayError)) throw e
        const re = e as ReplayError
        console.log("bench error " + trace.name + " " + kind + " " + re.op + " " + re.message)
    }
}

/**
 * The region allocators this program replays on. Not the registry's makeAllocator: that
 * also links the system and multi-region allocators, and with them this program ran out
 * of the VM's 64 KiB heap (panic 60004) next to the Pico's 32 KiB region.
 */
export const REPLAY_KINDS = ["buddy", "bump", "tlsf", "pool", "bestfit"]

function makeRegionAllocator(kind: string, region: StaticRegion): HeapAllocator {
    if (kind === "buddy") return new BuddyAllocator(region)
    if (kind === "bump") return new BumpAllocator(region)
    if (kind === "tlsf") return new TlsfAllocator(region)
    if (kind === "pool") return new PoolAllocator(region)
    if (kind === "bestfit") return new BestfitAllocator(region)
    throw new Error("replay_traces: no region allocator \"" + kind + "\"")
}

/** Replays every trace with every kind (default: REPLAY_KINDS, the registry's region allocators), then prints "bench done". */
export async function replayTraces(traces: EncodedTrace[], kinds?: string[]): Promise<void> {
    const ks = kinds === undefined ? REPLAY_KINDS : kinds
    for (const trace of traces) {
        for (const kind of ks) await runOne(trace, kind)
    }
    console.log("bench done")
}
