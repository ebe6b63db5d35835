/**
 * grader/grade.ts — host only: grades an allocator class on the host.
 *
 *   1. load the file (grader/target.ts); a file with no allocator class is
 *      diagnosis "no-allocator", score 0;
 *   2. smoke: build one and alloc(16); "not implemented" there ends the grade
 *      at once with that diagnosis and score 0 (a starter, untouched);
 *   3. correctness: probes, contract cases, the lab's own cases, random
 *      programs (fast-check, shrunk), trace replay with payload checks — all
 *      on fresh allocators; a failed replay is explained by grader/forensics.ts;
 *   4. score (grader/score.ts): utilization from the checked replays, then
 *      throughput from timed replays (checks off) of the graded class and of
 *      every reference, interleaved round by round, the fastest of `rounds`.
 * Regions: 8 KiB for probes, contract and programs (as the VM self-tests),
 * the Pico's 32 KiB (0x20020000) for traces.
 */
import { performance } from "node:perf_hooks"
import path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { HeapAllocator } from "../src/api/global_alloc"
import { makeAllocator } from "../src/allocators/registry"
import { Layout } from "../src/core/layout"
import { StaticRegion } from "../src/core/region"
import { EncodedTrace, replay, ReplayOptions } from "../bench/replay"
import { encodeTrace, MCU_TRACES, readTrace } from "../bench/trace/encode"
import { Trace } from "../bench/trace/rep"
import { MCU_ALL, windowTrace } from "../bench/trace/windows"
import { ConformanceCase, ConformanceTarget } from "../tests/contract/conformance"
import { codeOf, errorText, isNotImplemented, Outcome } from "./diagnosis"
import { explainReplayFailure, Forensics } from "./forensics"
import { footprintOf, utilization } from "./footprint"
import { checkProperties, snippetOf } from "./properties"
import { diagnose, GradeReport, TraceRow } from "./report"
import { FORMULA, Measured, meanUtil, score, Score } from "./score"
import { runContract, runItem, runProbes, runTrace } from "./suite"
import { AllocatorClass, loadTarget, TargetError } from "./target"

/** The repository root (snippets import from it). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

export const REGION_BASE = 0x20020000
export const CASE_REGION = 8192
export const TRACE_REGION = 32768

/** The default trace set: every MCU trace but realloc2-bal, whose 28 KiB peak leaves no room for metadata in 32 KiB. */
export const GRADE_TRACES = MCU_ALL.filter(n => n !== "realloc2-bal")

/** The general-purpose reference allocators (bump is the reference of lab 2 only). */
export const GENERAL_REFS = ["buddy", "tlsf", "pool"]

export interface GradeOptions {
    file: string
    className?: string
    lab?: number | null
    /** Trace names (default GRADE_TRACES). */
    traces?: string[]
    /** Reference allocator kinds (default GENERAL_REFS). */
    references?: string[]
    /** A module exporting LAB_CASES: ConformanceCase[] (a lab's tests.ts), relative to the repository root. */
    labCasesFile?: string | null
    /** Random programs (default 40). */
    propertyRuns?: number
    /** Timed rounds per allocator (default 5; the fastest counts). */
    rounds?: number
}

/** A trace by name, as the host reader's Trace (for forensics) and encoded (for replay). */
export function hostTrace(name: string): Trace {
    return MCU_TRACES.indexOf(name) >= 0 ? readTrace(name) : windowTrace(name)
}

function emptyReport(file: string, className: string, lab: number | null, references: string[]): GradeReport {
    return { file, className, where: "host", lab, outcomes: [], correct: false, diagnosis: null, traces: [], measured: [], references, score: new Score(), formula: FORMULA, snippet: "", forensics: null, ms: 0 }
}

/**
 * Times replays of every trace with checks off for each maker, interleaved
 * round by round (a warm-up round first, for the JIT; each round starts with
 * a different maker). In a round a maker replays all the traces again and
 * again until ≥ 30 ms have passed, so a fast allocator is not timed over a
 * few milliseconds of timer and GC noise. Returns ops/s per maker in its
 * fastest round (on a shared machine noise only ever adds time).
 */
async function throughput(makers: (() => HeapAllocator)[], traces: EncodedTrace[], rounds: number): Promise<number[]> {
    const opts = new ReplayOptions()
    opts.verify = false
    const perPass = traces.reduce((n, t) => n + t.count, 0)
    const best: number[] = makers.map(() => 0)
    for (let round = -1; round < rounds; round++) {
        for (let j = 0; j < makers.length; j++) {
            const k = (j + round + 1) % makers.length
            let ms = 0
            let ops = 0
            while (ms < 30 || ops === 0) {
                for (const t of traces) {
                    const heap = makers[k]()
                    const t0 = performance.now()
                    await replay(heap, t, opts)
                    ms += performance.now() - t0
                }
                ops += perPass
            }
            if (round >= 0) best[k] = Math.max(best[k], ops / (ms / 1000))
        }
    }
    return best
}

/** Per-trace footprints of one allocator (grader/footprint.ts). */
export async function footprints(make: (bytes: number) => HeapAllocator, traces: EncodedTrace[]): Promise<number[]> {
    const out: number[] = []
    for (const t of traces) out.push(await footprintOf(make, t, TRACE_REGION, 0))
    return out
}

/** Grades `opts.file` on the host. */
export async function gradeHost(opts: GradeOptions): Promise<GradeReport> {
    const t0 = performance.now()
    const lab = opts.lab ?? null
    const refs = opts.references ?? GENERAL_REFS
    let ctor: AllocatorClass
    let report: GradeReport
    try {
        const t = await loadTarget(opts.file, opts.className)
        ctor = t.ctor
        report = emptyReport(t.file, t.className, lab, refs)
    } catch (e) {
        report = emptyReport(path.resolve(opts.file), opts.className ?? "?", lab, refs)
        report.outcomes.push(new Outcome("load", "the file exports an allocator class", e instanceof TargetError ? "no-allocator" : codeOf(e, "no-allocator"), errorText(e)))
        report.diagnosis = diagnose(report.outcomes)
        report.ms = performance.now() - t0
        return report
    }
    const make = () => new ctor(new StaticRegion(REGION_BASE, CASE_REGION))
    const makeBig = () => new ctor(new StaticRegion(REGION_BASE, TRACE_REGION))
    const target: ConformanceTarget = { name: report.className, make }
    const out = report.outcomes

    // 2. smoke
    const smoke = await runItem("smoke", "construct over a region and alloc(16)", "no-allocator", target, async t => {
        const h = t.make()
        const l = Layout.fromSizeAlign(16, 8)
        const p = h.alloc(l)
        if (p !== 0) h.dealloc(p, l)
    })
    out.push(smoke)
    if (smoke.code === "not-implemented" || smoke.code === "no-allocator") {
        report.diagnosis = diagnose(out)
        report.ms = performance.now() - t0
        return report
    }

    // 3. correctness
    await runProbes(target, out)
    await runContract(target, out)
    for (const c of await labCases(opts.labCasesFile)) out.push(await runItem("lab", c.name, "contract", target, c.run))
    const prop = await checkProperties(make, (log, failure) => snippetOf(ROOT, report.file, report.className, CASE_REGION, log, failure), opts.propertyRuns ?? 40)
    out.push(prop.outcome)
    report.snippet = prop.snippet
    const names = opts.traces ?? GRADE_TRACES
    const encoded = names.map(n => encodeTrace(hostTrace(n)))
    for (let i = 0; i < encoded.length; i++) {
        const run = await runTrace(makeBig, encoded[i], true, 0)
        out.push(run.outcome)
        if (run.result) {
            const r = run.result
            report.traces.push({ name: names[i], ops: r.ops, peakPayload: r.peakPayload, failures: r.failures, footprint: 0, util: 0 })
        } else if (report.forensics === null && !isNotImplemented(run.outcome.detail)) {
            report.forensics = explain(makeBig, hostTrace(names[i]))
        }
    }
    report.correct = out.every(o => o.code === "")
    report.diagnosis = diagnose(out)

    // 4. score
    if (report.correct) {
        const fp = await footprints(bytes => new ctor(new StaticRegion(REGION_BASE, bytes)), encoded)
        report.traces.forEach((t, i) => {
            t.footprint = fp[i]
            t.util = utilization(t.peakPayload, fp[i])
        })
        const util = meanUtil(report.traces.map(t => t.util))
        const refUtil: number[] = []
        for (const k of refs) {
            const f = await footprints(bytes => makeAllocator(k, new StaticRegion(REGION_BASE, bytes)), encoded)
            refUtil.push(meanUtil(f.map((x, i) => utilization(encoded[i].peakPayload, x))))
        }
        const refMakers = refs.map(k => () => makeAllocator(k, new StaticRegion(REGION_BASE, TRACE_REGION)))
        const tput = await throughput([makeBig, ...refMakers], encoded, opts.rounds ?? 5)
        const mine = new Measured(report.className, util, tput[0])
        const refMeasured = refs.map((k, i) => new Measured(k, refUtil[i], tput[i + 1]))
        report.measured = [mine, ...refMeasured]
        report.score = score(true, mine, refMeasured)
    }
    report.ms = performance.now() - t0
    return report
}

/** The LAB_CASES of a lab's tests.ts ([] for none). */
export async function labCases(file: string | null | undefined): Promise<ConformanceCase[]> {
    if (!file) return []
    const mod = (await import(pathToFileURL(path.resolve(ROOT, file)).href)) as { LAB_CASES?: ConformanceCase[] }
    if (!Array.isArray(mod.LAB_CASES)) throw new Error(`${file} exports no LAB_CASES array`)
    return mod.LAB_CASES
}

function explain(make: () => HeapAllocator, trace: Trace): Forensics {
    try {
        return explainReplayFailure(make, trace)
    } catch (e) {
        return { op: -1, line: "", text: "the deep replay itself failed: " + errorText(e), map: "" }
    }
}
