/**
 * bench/run.ts — `npm run bench`: every benchmark of bareheap in one run,
 * printed as tables and written to bench/RESULTS.md, bench/results.csv and two
 * SVG plots (bench/utilization.svg, bench/op-cost.svg).
 *
 * What it measures, per trace × allocator (ours: buddy, bump, tlsf, pool;
 * the peer: @thi.ng/malloc, an npm ArrayBuffer allocator):
 *   footprint    smallest region in 256-byte steps that serves the whole trace
 *                with no failed allocation (bench/footprint.ts), and
 *                utilization = peak live payload / footprint (CS:APP's);
 *   failures     failed allocations at 64 KiB and at 1.25 × peak payload;
 *   host speed   ops/s of a replay in Node, median of several interleaved
 *                runs, and the ratio to thi.ng in the same run (host_speed.ts);
 *   accesses     region reads + writes per op, mean and max: the cost that
 *                does not depend on the machine (counting.ts);
 *   system/multi not host columns (why, and which traces system could hold:
 *                bench/view_kinds.ts); timed in the VM part;
 *   VM           (bench/vm_speed.ts) in DeviceScript's WASM VM, GC-stress off:
 *                µs per alloc+free pair against the VM's own Buffer.alloc of
 *                the same sizes, worst size class against the median, and the
 *                MCU traces replayed on the pico's region;
 *   stream       bytes per event line on the wire for the MCU traces and the
 *                event rate a 115200-baud UART sustains (stream.ts);
 *   locality     32-byte lines and 4 KiB pages the allocator touches per op,
 *                mean distance between consecutive blocks (locality.ts);
 *   score        the CS:APP driver's (mdriver.c): 100 × (0.6 × mean
 *                utilization + 0.4 × min(1, throughput / 600 Kops/s)), the
 *                mean over the traces scored and the throughput their total
 *                ops over their total time. Scored: the driver's default list,
 *                the 11 -bal traces (short1/2 are smoke tests), or every trace
 *                of --traces DIR. A trace that does not fit 16 MiB counts as
 *                utilization 0 (the driver marks it invalid).
 * Correctness comes first: every footprint is confirmed by a replay with
 * payload checks on, and every MCU trace is replayed with checks on for
 * every allocator on every real board's region; a ReplayError (a clobbered
 * byte, an overlap, a bad pointer) makes the run fail (exit 1).
 *
 *   npm run bench                    everything (≈ 5 min on 2 cores), writes the files
 *                                    (and bench/vm.csv: the VM's µs per pair by size)
 *   npm run bench -- --quick         a small subset for CI: correctness + short traces, no files
 *   npm run bench -- --quick --out DIR   … and write the files into DIR
 *   npm run bench -- --no-vm         skip the VM part
 *   npm run bench -- --traces DIR    the host part and the score for every .rep file in DIR
 *
 * Replay rules for a failed request (bench/replay.ts): a failed alloc
 * leaves its id empty and every later realloc or free of that id is skipped
 * (counted, not run); a failed realloc keeps the old block, unchanged, under
 * the id, and later ops use it. Footprints are searched for a region where
 * nothing fails, so the rules matter only for "failures at" counts.
 */
import "./jit"
import { mkdirSync, writeFileSync } from "node:fs"
import path from "node:path"
import { BOARDS } from "../boards/index"
import { ALLOCATOR_KINDS, makeAllocator } from "../src/allocators/registry"
import { StaticRegion } from "../src/core/region"
import { countCosts, CostReport } from "./counting"
import { Footprint, failureSizes, failuresAt, footprint } from "./footprint"
import { geoMean, speedRegion, SpeedRow, speedTable } from "./host_speed"
import { BENCH_KINDS, THING } from "./kinds"
import { replay, ReplayError, ReplayOptions } from "./replay"
import { localityTable } from "./locality"
import { streamCost, StreamCost } from "./stream"
import { formatVmSpeed, runVmSpeed, VmSpeedResult } from "./vm_speed"
import { groupedBars, quantile, quantileChart } from "./svg"
import { MCU_TRACES, RECORDED_TRACES, TRACE_NAMES, useTraceDir } from "./trace/encode"
import { targetLines } from "./targets"
import { viewKindLines } from "./view_kinds"
import { quote, showText } from "../cli/escape"
import { parseOptions, UsageError } from "../cli/args"
import { benchTrace as loadTrace, MCU_ALL, MCU_WINDOWS, mcuTrace } from "./trace/windows"

const HELP = `Usage: npm run bench -- [--quick] [--out DIR] [--no-vm] [--runs N] [--traces DIR]

Replays the CS:APP malloc-lab traces (bench/traces) on every allocator and
@thi.ng/malloc: footprint and utilization, failures at fixed sizes, host ops/s,
region accesses per op, VM speed, stream cost, CS:APP score.

  --quick     a small subset (short traces, 1 speed run, quick VM): for CI; no files unless --out
  --out DIR   where RESULTS.md, results.csv and the SVGs go (default bench/ for a full run)
  --no-vm     skip the DeviceScript VM measurements
  --runs N    timed runs per trace × allocator for host speed (default 7; quick 1)
  --traces DIR  every .rep file in DIR (CS:APP malloc-lab format) instead of the built-in
              traces: the host tables and a score over all of them; no MCU/VM part;
              no files unless --out

A failed alloc leaves its id empty (later reallocs and frees of it are skipped);
a failed realloc keeps the old block. Score: the CS:APP driver's rule.`

/** The 11 lab traces of the reference table (short1/short2 are smoke tests, not scored). */
const LAB_TRACES = TRACE_NAMES.filter(n => n !== "short1-bal" && n !== "short2-bal")
const QUICK_TRACES = ["short1-bal", "short2-bal", "coalescing-bal"]

function progress(line: string): void {
    process.stderr.write(line + "\n")
}

function fmt(x: number, digits = 2): string {
    return Number.isFinite(x) ? x.toFixed(digits) : "–"
}

function table(head: string[], rows: string[][]): string[] {
    return ["| " + head.join(" | ") + " |", "|" + head.map((_, i) => (i === 0 ? "---" : "---:")).join("|") + "|", ...rows.map(r => "| " + r.join(" | ") + " |")]
}

/** Every MCU trace × our allocators × every real board's region, payload checks on. */
async function correctness(traces: string[]): Promise<{ lines: string[]; replays: number; errors: string[] }> {
    const boards = BOARDS.filter(b => !b.hostOnly)
    const errors: string[] = []
    const rows: string[][] = []
    let replays = 0
    for (const name of traces) {
        const trace = mcuTrace(name)
        const row = [name, String(trace.peakPayload)]
        for (const kind of ALLOCATOR_KINDS) {
            const failedOn: string[] = []
            for (const board of boards) {
                replays++
                try {
                    const r = await replay(makeAllocator(kind, StaticRegion.forBoard(board)), trace, new ReplayOptions())
                    if (r.failures > 0) failedOn.push(board.id)
                } catch (e) {
                    errors.push(`${name} × ${kind} on ${board.id}: ${e instanceof ReplayError ? e.message : String(e)}`)
                    failedOn.push(board.id + "!")
                }
            }
            row.push(failedOn.length === 0 ? "all" : failedOn.length === boards.length ? "none" : "all but " + failedOn.join(", "))
        }
        rows.push(row)
        progress(`correctness: ${name} done`)
    }
    const lines = [
        `Boards: ${boards.map(b => `${b.id} (${b.heap.size} B)`).join(", ")}. A cell lists the boards whose region serves the whole trace with no failed allocation; payloads were checked on every realloc and free.`,
        "",
        ...table(["trace", "peak payload B", ...ALLOCATOR_KINDS], rows),
    ]
    return { lines, replays, errors }
}

interface HostResults {
    fp: Map<string, Footprint>
    fails: Map<string, number[]>
    speed: SpeedRow[]
    costs: Map<string, CostReport>
}

const key = (trace: string, kind: string) => trace + "|" + kind

async function host(traces: string[], runs: number): Promise<HostResults> {
    const fp = new Map<string, Footprint>()
    const fails = new Map<string, number[]>()
    for (const name of traces) {
        const trace = loadTrace(name)
        for (const kind of BENCH_KINDS) {
            const f = await footprint(kind, trace)
            fp.set(key(name, kind), f)
            const sizes = failureSizes(trace)
            fails.set(key(name, kind), [await failuresAt(kind, trace, sizes[0]), await failuresAt(kind, trace, sizes[1])])
            progress(`footprint: ${name} × ${kind}: ${f.text()} (utilization ${fmt(f.utilization)}, ${f.probes} replays, ${f.ms} ms)`)
        }
    }
    const speed = await speedTable(traces, BENCH_KINDS, runs, line => progress("host speed: " + line))
    const costs = new Map<string, CostReport>()
    for (const name of traces) {
        const trace = loadTrace(name)
        for (const kind of BENCH_KINDS) {
            const c = await countCosts(kind, trace, speedRegion(trace))
            costs.set(key(name, kind), c)
        }
        progress(`accesses: ${name} done`)
    }
    return { fp, fails, speed, costs }
}

function hostTables(traces: string[], h: HostResults): { md: string[]; csv: string[] } {
    const md: string[] = []
    const csv = ["trace,allocator,peak_payload,footprint,utilization,failures_64k,failures_1.25x,host_ops_per_s,ratio_to_thing,mean_accesses,max_accesses"]
    md.push("### Footprint and utilization", "", "Smallest region (256-byte steps) with no failed allocation; utilization = peak live payload / that region. `> 16 MiB`: does not fit the host board's limit.", "")
    md.push(
        ...table(
            ["trace", "peak payload B", ...BENCH_KINDS],
            traces.map(n => [n, String(h.fp.get(key(n, BENCH_KINDS[0])).peakPayload), ...BENCH_KINDS.map(k => {
                const f = h.fp.get(key(n, k))
                return f.fits ? `${fmt(f.utilization)} (${f.footprint})` : f.text()
            })]),
        ),
        "",
    )
    md.push("### Failed allocations at fixed region sizes", "", "64 KiB / 1.25 × peak payload (rounded up to 256 B); −1: the allocator cannot be built that small.", "")
    md.push(...table(["trace", ...BENCH_KINDS], traces.map(n => [n, ...BENCH_KINDS.map(k => h.fails.get(key(n, k)).join(" / "))])), "")
    md.push("### Host speed (Node)", "", "Replay ops/s, median of the timed runs, interleaved; in parentheses: ratio to thi.ng in the same run; ✗ n: failed allocations at that region (4 × peak payload, 64 KiB..16 MiB).", "")
    const speedRows: string[][] = []
    for (const row of h.speed) {
        speedRows.push([row.trace, ...BENCH_KINDS.map(k => {
            const r = row.results.find(x => x.kind === k)
            const ops = r.median()
            const ratio = k === THING ? "" : ` (${fmt(row.ratio(k))}×)`
            return `${(ops / 1e6).toFixed(2)} M${ratio}${r.failures > 0 ? " ✗ " + r.failures : ""}`
        })])
    }
    const lab = h.speed.filter(r => LAB_TRACES.includes(r.trace))
    const mean = (title: string, rows: SpeedRow[]) => speedRows.push([`**geometric mean of ratios (${title})**`, ...BENCH_KINDS.map(k => (k === THING ? "1" : fmt(geoMean(rows.map(r => r.ratio(k)))) + "×"))])
    if (lab.length > 0) mean("lab traces", lab)
    if (h.speed.length > lab.length) mean("all traces", h.speed)
    md.push(...table(["trace", ...BENCH_KINDS], speedRows), "")
    md.push("### Region accesses per op", "", "reads + writes of region metadata per allocator call (mean / max), replay with payload checks off; region as for speed.", "")
    md.push(...table(["trace", ...BENCH_KINDS], traces.map(n => [n, ...BENCH_KINDS.map(k => {
        const c = h.costs.get(key(n, k))
        return `${fmt(c.all.meanAccesses(), 1)} / ${c.all.maxAccesses}`
    })])), "")
    for (const n of traces) {
        const row = h.speed.find(r => r.trace === n)
        for (const k of BENCH_KINDS) {
            const f = h.fp.get(key(n, k))
            const fl = h.fails.get(key(n, k))
            const c = h.costs.get(key(n, k))
            const sp = row.results.find(x => x.kind === k)
            csv.push([n, k, f.peakPayload, f.fits ? f.footprint : "", f.fits ? f.utilization.toFixed(4) : "", fl[0], fl[1], Math.round(sp.median()), k === THING ? "" : row.ratio(k).toFixed(3), c.all.meanAccesses().toFixed(2), c.all.maxAccesses].join(","))
        }
    }
    return { md, csv }
}

/** CS:APP score per allocator over `scored` (the driver's default list, or every trace of --traces). */
function scores(scored: string[], h: HostResults): string[] {
    const lab = scored
    if (lab.length === 0) return ["(no scored traces in this run)"]
    const rows = BENCH_KINDS.map(k => {
        const util = lab.map(n => h.fp.get(key(n, k)).utilization)
        const meanU = util.reduce((a, b) => a + b, 0) / util.length
        let ops = 0
        let secs = 0
        for (const n of lab) {
            const r = h.speed.find(s => s.trace === n).results.find(x => x.kind === k)
            const count = h.costs.get(key(n, k)).replay.ops
            ops += count
            secs += count / r.median()
        }
        const kops = ops / secs / 1000
        const score = 100 * (0.6 * meanU + 0.4 * Math.min(1, kops / 600))
        return [k, fmt(meanU), (kops / 1000).toFixed(2) + " M", fmt(score, 1)]
    })
    return table(["allocator", "mean utilization", "throughput ops/s", "score"], rows)
}

function streamTable(costs: StreamCost[]): string[] {
    const total = costs.reduce((a, c) => a + c.eventLines, 0)
    const bytes = costs.reduce((a, c) => a + c.meanEventBytes * c.eventLines, 0)
    return [
        "Each MCU trace replayed through LoggingAllocator (protocol v2) over buddy on the pico's region; bytes per event line (A/Z/F/R/X) on the wire including \"> \" and \"\\n\"; events/s a 115200-baud 8N1 UART sustains (11,520 bytes/s).",
        "",
        ...table(
            ["trace", "event lines", "mean B/line", "max B/line", "events/s at 115200"],
            costs.map(c => [c.trace, String(c.eventLines), fmt(c.meanEventBytes, 1), String(c.maxEventBytes), String(Math.round(c.eventsPerSecond))]),
        ),
        "",
        `Over all ${total} event lines: mean ${fmt(bytes / total, 2)} bytes, ${Math.round(11520 / (bytes / total))} events/s at 115200 baud.`,
    ]
}

function plots(traces: string[], h: HostResults): { utilization: string; opCost: string } {
    const utilization = groupedBars(
        "Utilization (peak payload / smallest region) per trace",
        traces,
        BENCH_KINDS,
        traces.map(n => BENCH_KINDS.map(k => {
            const f = h.fp.get(key(n, k))
            return f.fits ? f.utilization : null
        })),
        1,
        "utilization",
    )
    const rows = BENCH_KINDS.map(k => ({ name: k, values: ([] as number[]).concat(...traces.map(n => h.costs.get(key(n, k)).perOp)) }))
    const opCost = quantileChart("Region reads + writes per allocator call, all traces", rows, "accesses per call")
    return { utilization, opCost }
}

async function main(): Promise<void> {
    let parsed
    try {
        parsed = parseOptions(process.argv.slice(2), { quick: { type: "boolean" }, out: { type: "string" }, "no-vm": { type: "boolean" }, runs: { type: "string" }, traces: { type: "string" } })
    } catch (e) {
        if (!(e instanceof UsageError)) throw e
        console.error(`error: ${e.message}\n\n${HELP}`)
        process.exit(2)
    }
    if (parsed.flag("help")) {
        console.log(HELP)
        return
    }
    const args = { quick: parsed.flag("quick"), out: parsed.string("out"), "no-vm": parsed.flag("no-vm"), runs: parsed.string("runs"), traces: parsed.string("traces") }
    const quick = args.quick
    const runs = args.runs === undefined ? (quick ? 1 : 7) : /^\d+$/.test(args.runs) ? Number(args.runs) : NaN
    if (!Number.isInteger(runs) || runs < 1) {
        console.error(`error: --runs must be a whole number ≥ 1, not ${quote(args.runs)}\n\n${HELP}`)
        process.exit(2)
    }
    let custom: string[] | null = null
    if (args.traces !== undefined) {
        try {
            custom = useTraceDir(args.traces)
            // A malformed file fails here, before any measuring.
            for (const n of custom) {
                try {
                    loadTrace(n)
                } catch (e) {
                    throw new Error(`${path.join(args.traces, n + ".rep")}: ${(e as Error).message}`)
                }
            }
        } catch (e) {
            console.error(`error: --traces: ${showText((e as Error).message)}`)
            process.exit(2)
        }
    }
    const out = args.out ?? (quick || custom !== null ? null : "bench")
    const t0 = Date.now()
    const traces = custom ?? (quick ? QUICK_TRACES : TRACE_NAMES.concat(MCU_WINDOWS, RECORDED_TRACES))
    const scored = custom ?? traces.filter(t => LAB_TRACES.includes(t))
    // The MCU windows and the VM part are cut from the built-in traces: not for --traces.
    const mcu = custom !== null ? [] : quick ? ["short1-bal", "short2-bal", MCU_ALL.find(n => n.includes("-w"))] : MCU_ALL
    const noVm = args["no-vm"] || custom !== null

    progress(`bench: ${traces.length} traces × ${BENCH_KINDS.length} allocators on the host${noVm ? "" : ", then the VM"}${quick ? " (quick)" : ""}`)
    const corr = await correctness(mcu)
    const h = await host(traces, runs)
    const stream = await Promise.all(mcu.map(n => streamCost(n, "buddy")))
    let vm: VmSpeedResult | null = null
    if (!noVm) {
        vm = await runVmSpeed({ quick, onProgress: progress }) // its messages already start with "vm: "
        for (const r of vm.replays) if (r.error !== null) corr.errors.push(`VM: ${r.trace} × ${r.kind}: ${r.error}`)
    }

    const md: string[] = [
        "# Benchmark results",
        "",
        `Written by \`npm run bench${quick ? " -- --quick" : ""}\` (bench/run.ts; the method of each part is in the header of the file named). ` +
            `Node ${process.version}, ${runs} timed run(s) per cell, ${new Date().toISOString().slice(0, 10)}, on a noisy 2-core machine: ` +
            "compare within a run (ratios), not absolute numbers across runs. Traces: " +
            (custom !== null ? `${custom.length} from ${args.traces}.` : "bench/traces/malloclab (CS:APP malloc lab, -bal set), its MCU windows (bench/trace/windows.ts) and windows recorded from real programs (bench/traces/recorded)."),
        "",
        ...(mcu.length === 0
            ? []
            : ["## Correctness on the boards' real regions", "", ...corr.lines, "", `${corr.replays} replays, ${corr.errors.length} correctness errors.`, ""]),
        "## Host (Node, shim of @devicescript/core)",
        "",
    ]
    const ht = hostTables(traces, h)
    md.push(...ht.md)
    md.push("### system and multi on the host (bench/view_kinds.ts)", "", ...viewKindLines(traces, loadTrace), "")
    md.push("### CS:APP score", "", `The CS:APP driver's rule over ${scored.length} traces (${custom !== null ? "every trace of " + args.traces : "its default list: the 11 -bal traces"}).`, "", ...scores(scored, h), "")
    if (vm !== null) md.push("## DeviceScript VM (bench/vm_speed.ts)", "", formatVmSpeed(vm), "")
    const mcuHere = traces.filter(n => MCU_TRACES.includes(n) || MCU_WINDOWS.includes(n) || RECORDED_TRACES.includes(n))
    md.push("## Targets of issue 14 (bench/targets.ts)", "", ...targetLines(mcuHere, (t, k) => h.fp.get(key(t, k)), loadTrace, h.speed, vm))
    md.push("## Event stream", "", ...streamTable(stream), "")
    if (mcu.length > 0) md.push("## Locality (bench/locality.ts: lines / pages per op / mean distance)", "", ...(await localityTable(mcu, ALLOCATOR_KINDS, mcuTrace)), "")
    md.push("## Plots", "", "![utilization](utilization.svg)", "", "![per-op cost](op-cost.svg)", "")
    const text = md.join("\n") + "\n"
    console.log(text)
    console.log(`correctness: ${corr.replays} replays, ${corr.errors.length} errors`)
    if (out !== null) {
        mkdirSync(out, { recursive: true })
        const p = plots(traces, h)
        writeFileSync(path.join(out, "RESULTS.md"), text)
        writeFileSync(path.join(out, "results.csv"), ht.csv.join("\n") + "\n")
        if (vm !== null)
            writeFileSync(path.join(out, "vm.csv"), ["allocator,size,us_per_pair,buffer_alloc_us,ratio", ...vm.pairs.map(p => [p.kind, p.size, p.us.toFixed(3), p.bufferUs.toFixed(3), p.ratio.toFixed(2)].join(","))].join("\n") + "\n")
        writeFileSync(path.join(out, "utilization.svg"), p.utilization)
        writeFileSync(path.join(out, "op-cost.svg"), p.opCost)
        progress(`wrote ${out}/RESULTS.md, results.csv${vm !== null ? ", vm.csv" : ""}, utilization.svg, op-cost.svg`)
    }
    progress(`bench: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
    if (corr.errors.length > 0) {
        console.error("correctness errors:\n" + corr.errors.join("\n"))
        process.exit(1)
    }
    process.exit(0)
}

main().catch(e => {
    console.error(e instanceof Error ? `error: ${e.stack ?? e.message}` : e)
    process.exit(1)
})
