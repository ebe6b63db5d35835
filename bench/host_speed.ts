/**
 * bench/host_speed.ts — host only: ops per second of a trace replay in Node,
 * for each of our allocators and for @thi.ng/malloc in the same run, and the
 * ratio ours / thi.ng (geometric mean over the traces).
 *
 * Method
 *   One timed run = replays of the whole trace with verify OFF (no pattern
 *   fill or check), each on a fresh allocator (construction not timed), until
 *   ≥ MIN_RUN_OPS (30,000) ops; ops/s = ops / CPU time of the replays
 *   (cpuSeconds(): the machine is shared, and waiting for a core is no cost
 *   of the allocator). A short trace is so replayed many times: one replay
 *   of short1's 12 ops is a few µs, below the timer's and the JIT's grain. What is timed is the
 *   replay engine as the other benchmarks use it: op decoding, one Layout per
 *   call and the shadow-map overlap check are included, the same for every
 *   kind, so a ratio understates the gap between two allocators a little.
 *   Each (trace, kind) gets one untimed warm-up run (≥ 30,000 ops), then `runs` timed runs,
 *   interleaved across kinds (run 1 of every kind, then run 2, …) so a drift
 *   in machine speed hits every kind alike; the result is the median.
 *   Region: speedRegion(trace) bytes for every kind — 4 × the peak payload,
 *   at least 64 KiB, at most HOST.maxRegion (16 MiB) — "large enough" for
 *   all but bump and the random traces; failed allocations are counted and
 *   shown (a failed call is cheaper, and later ops on its slot are skipped).
 *   thi.ng runs with its realloc leak fixed (bench/thing.ts: one more scan
 *   of its used list per moving realloc, which its own code already makes).
 * Costs: (runs + 1) replays per trace × kind.
 *
 * ```ts
 * const s = await hostSpeed("tlsf", loadTrace("amptjp-bal"), 1 << 22, 5)
 * console.log(s.median) // ops/s
 * ```
 * CLI: `tsx bench/host_speed.ts [--runs N] [--direct] [trace …]` prints the
 * table; --direct times the allocator calls alone (directRun).
 */
import "./jit"
import { EncodedTrace, OP_ALLOC, OP_BYTES, OP_FREE, OP_REALLOC, ReplayOptions, replay } from "./replay"
import { Layout } from "../src/core/layout"
import { BENCH_KINDS, BENCH_MAX_REGION, makeBenchHeap, THING } from "./kinds"
import { TRACE_NAMES } from "./trace/encode"
import { benchTrace } from "./trace/windows"

/** The timed runs of one kind on one trace. */
export class SpeedResult {
    /** ops/s of each timed run, in run order. */
    opsPerSec: number[] = []
    /** Failed allocations of one run (the same in every run: replays are deterministic). */
    failures = 0
    constructor(public kind: string, public trace: string, public regionBytes: number) {}

    /** The median of the timed runs (ops/s). */
    median(): number {
        return median(this.opsPerSec)
    }
}

/** The median of xs (mean of the middle two for an even count). */
export function median(xs: number[]): number {
    const s = xs.slice().sort((a, b) => a - b)
    const n = s.length
    return n === 0 ? 0 : n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
}

/** The geometric mean of positive xs (0 for none). */
export function geoMean(xs: number[]): number {
    if (xs.length === 0) return 0
    let s = 0
    for (const x of xs) s += Math.log(x)
    return Math.exp(s / xs.length)
}

/** The region every kind gets for a speed run of `trace` (see the header). */
export function speedRegion(trace: EncodedTrace): number {
    const want = Math.ceil((4 * trace.peakPayload) / 256) * 256
    return Math.min(BENCH_MAX_REGION, Math.max(65536, want))
}

/**
 * CPU seconds this process has used (user + system, every thread). The
 * clock of every timed run: on a shared machine a process waits for a core
 * for a large, varying share of the wall time (load average 14 on 2 cores
 * while these were measured), and CPU time does not count that wait.
 */
export function cpuSeconds(): number {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1e6
}

/** Ops a timed run replays at least (whole replays of the trace, each on a fresh heap). */
export const MIN_RUN_OPS = 30000

/**
 * One timed run: replays (or, direct, directRuns) of trace, each on a fresh
 * kind over bytes, until ≥ MIN_RUN_OPS ops; only the replays are timed (a
 * 12-op trace would otherwise time a few µs, and leave the JIT cold).
 * [seconds, failures of one replay, ops].
 */
async function timedRun(kind: string, trace: EncodedTrace, bytes: number, direct: boolean): Promise<number[]> {
    let secs = 0
    let failures = 0
    let ops = 0
    while (ops < MIN_RUN_OPS) {
        if (direct) {
            const [t, f] = directRun(kind, trace, bytes)
            secs += t
            failures = f
        } else {
            const heap = makeBenchHeap(kind, bytes)
            const o = new ReplayOptions()
            o.verify = false
            const t0 = cpuSeconds()
            const r = await replay(heap, trace, o)
            secs += cpuSeconds() - t0
            failures = r.failures
        }
        ops += trace.count
    }
    return [secs, failures, ops]
}

/**
 * Seconds of the allocator calls alone for one pass over `trace` on a fresh
 * kind over bytes: the ops are decoded and every Layout is built before the
 * clock starts, and nothing is checked (no shadow map, no slot Buffers), so
 * this is the allocator's own throughput without the replay engine. A failed
 * alloc leaves its slot empty and later ops on it are skipped, as in replay.
 * [seconds, failures].
 */
export function directRun(kind: string, trace: EncodedTrace, bytes: number): number[] {
    const n = trace.count
    const slot = new Int32Array(n)
    const kindOf = new Int32Array(n)
    const size = new Int32Array(n)
    const ops = trace.ops
    for (let i = 0; i < n; i++) {
        slot[i] = ops.getAt(i * OP_BYTES, "u16")
        kindOf[i] = ops.getAt(i * OP_BYTES + 2, "u8")
        size[i] = ops.getAt(i * OP_BYTES + 4, "u32")
    }
    // The layout each op passes: alloc its new size, free/realloc the block's current one.
    // after: the layout a realloc leaves the block with.
    const layouts: Layout[] = new Array(n)
    const after: Layout[] = new Array(n)
    const cur: Layout[] = new Array(trace.slots)
    for (let i = 0; i < n; i++) {
        const s = slot[i]
        if (kindOf[i] === OP_ALLOC) cur[s] = layouts[i] = new Layout(size[i], 8)
        else {
            layouts[i] = cur[s]
            if (kindOf[i] === OP_REALLOC) cur[s] = after[i] = new Layout(size[i], 8)
        }
    }
    const heap = makeBenchHeap(kind, bytes)
    const ptr = new Float64Array(trace.slots)
    const live: Layout[] = new Array(trace.slots)
    let failures = 0
    const t0 = cpuSeconds()
    for (let i = 0; i < n; i++) {
        const s = slot[i]
        const k = kindOf[i]
        if (k === OP_ALLOC) {
            const p = heap.alloc(layouts[i])
            if (p === 0) failures++
            ptr[s] = p
            live[s] = layouts[i]
        } else if (ptr[s] !== 0) {
            if (k === OP_FREE) {
                heap.dealloc(ptr[s], live[s])
                ptr[s] = 0
            } else {
                const q = heap.realloc(ptr[s], live[s], size[i])
                if (q === 0) failures++
                else {
                    ptr[s] = q
                    live[s] = after[i]
                }
            }
        }
    }
    return [cpuSeconds() - t0, failures]
}

/**
 * Speed of every kind in `kinds` on `trace`: a warm-up run each, then `runs`
 * interleaved timed runs (see the header). Results in the order of `kinds`.
 */
export async function compareSpeed(trace: EncodedTrace, kinds: string[], runs: number, bytes?: number, direct?: boolean): Promise<SpeedResult[]> {
    const size = bytes === undefined ? speedRegion(trace) : bytes
    const d = direct === true
    const out = kinds.map(k => new SpeedResult(k, trace.name, size))
    for (const r of out) r.failures = (await timedRun(r.kind, trace, size, d))[1]
    for (let i = 0; i < runs; i++)
        for (const r of out) {
            const [s, , ops] = await timedRun(r.kind, trace, size, d)
            r.opsPerSec.push(ops / s)
        }
    return out
}

/** Speed of one kind on one trace (warm-up + `runs` timed runs; direct: directRun instead of replay). */
export async function hostSpeed(kind: string, trace: EncodedTrace, bytes: number, runs: number, direct?: boolean): Promise<SpeedResult> {
    return (await compareSpeed(trace, [kind], runs, bytes, direct))[0]
}

/** One table row per trace: median ops/s per kind and each of ours / thi.ng. */
export class SpeedRow {
    constructor(public trace: string, public results: SpeedResult[]) {}
    /** median ops/s of kind / median of thi.ng (NaN without a thi.ng column). */
    ratio(kind: string): number {
        const t = this.results.find(r => r.kind === THING)
        const k = this.results.find(r => r.kind === kind)
        return t === undefined || k === undefined ? NaN : k.median() / t.median()
    }
}

/** compareSpeed over several traces, reporting progress through `progress`. */
export async function speedTable(names: string[], kinds: string[], runs: number, progress?: (line: string) => void, direct?: boolean): Promise<SpeedRow[]> {
    const rows: SpeedRow[] = []
    for (const name of names) {
        const t = benchTrace(name)
        const res = await compareSpeed(t, kinds, runs, undefined, direct)
        rows.push(new SpeedRow(name, res))
        if (progress) progress(name + ": " + res.map(r => r.kind + " " + fmtOps(r.median()) + (r.failures > 0 ? " (" + r.failures + " failed)" : "")).join(", "))
    }
    return rows
}

/** "1.23 M" / "456 k" ops/s. */
export function fmtOps(x: number): string {
    return x >= 1e6 ? (x / 1e6).toFixed(2) + " M" : (x / 1e3).toFixed(0) + " k"
}

async function main(argv: string[]): Promise<void> {
    let runs = 5
    let direct = false
    const names: string[] = []
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--runs") runs = Number(argv[++i])
        else if (argv[i] === "--direct") direct = true
        else names.push(argv[i])
    }
    const traces = names.length > 0 ? names : TRACE_NAMES
    const rows = await speedTable(traces, BENCH_KINDS, runs, l => console.error(l), direct)
    const ours = BENCH_KINDS.filter(k => k !== THING)
    console.log("| trace | " + BENCH_KINDS.join(" | ") + " | " + ours.map(k => k + "/thi.ng").join(" | ") + " |")
    console.log("|---".repeat(BENCH_KINDS.length + ours.length + 1) + "|")
    for (const row of rows)
        console.log("| " + row.trace + " | " + row.results.map(r => fmtOps(r.median()) + (r.failures > 0 ? " (" + r.failures + "✗)" : "")).join(" | ") + " | " + ours.map(k => row.ratio(k).toFixed(2)).join(" | ") + " |")
    const lab = rows.filter(r => !r.trace.startsWith("short"))
    console.log("| geomean (" + lab.length + " traces) | " + BENCH_KINDS.map(() => "").join(" | ") + " | " + ours.map(k => geoMean(lab.map(r => r.ratio(k))).toFixed(2)).join(" | ") + " |")
}

if (process.argv[1] !== undefined && process.argv[1].endsWith("host_speed.ts")) main(process.argv.slice(2))
