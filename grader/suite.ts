/**
 * grader/suite.ts — the grader's correctness suites as one portable runner
 * (devs + tsc): probes (grader/probes.ts), the GlobalAlloc contract cases
 * (tests/contract/conformance.ts, the same the project's allocators pass),
 * and trace replay with payload checks (bench/replay.ts). The host grader
 * (grader/grade.ts) and the in-VM grading program (grader/vm.ts writes it)
 * both call these, so an item has the same name and code in both places.
 *
 * Each item runs on a fresh allocator; whatever it throws becomes an Outcome
 * with a code (grader/diagnosis.ts codeOf): an item never stops the run.
 */
import * as ds from "@devicescript/core"
import { HeapAllocator } from "../src/api/global_alloc"
import { EncodedTrace, replay, ReplayOptions, ReplayResult, ReplayScratch } from "../bench/replay"
import { settle } from "../tests/contract/check"
import { CONFORMANCE_CASES, ConformanceTarget } from "../tests/contract/conformance"
import { codeOf, errorText, Outcome } from "./diagnosis"
import { PROBES } from "./probes"

/** Runs one item; its failure is `fallback` unless the error carries a more specific code. */
export async function runItem(part: string, name: string, fallback: string, t: ConformanceTarget, run: (t: ConformanceTarget) => Promise<void>): Promise<Outcome> {
    await settle()
    try {
        await run(t)
        return new Outcome(part, name, "", "")
    } catch (e) {
        return new Outcome(part, name, codeOf(e, fallback), errorText(e))
    }
}

/** Every probe, in order. */
export async function runProbes(t: ConformanceTarget, out: Outcome[]): Promise<void> {
    for (const p of PROBES) out.push(await runItem("probe", p.name, p.code, t, p.run))
}

/** Every contract case, in order. */
export async function runContract(t: ConformanceTarget, out: Outcome[]): Promise<void> {
    for (const c of CONFORMANCE_CASES) out.push(await runItem("contract", c.name, "contract", t, c.run))
}

/** A replay's outcome, its counts (null when it threw) and its time. */
export class TraceRun {
    constructor(public outcome: Outcome, public result: ReplayResult, public ms: number) {}
}

/**
 * Replays `trace` on a fresh allocator: with `verify` the payload checks are on
 * (correctness), without them the run is timed (throughput, CS:APP's way).
 * `yieldEvery` > 0 and a `scratch` kept across replays in the VM (bench/replay.ts). The time comes from ds.millis(): whole ms in the
 * VM and on the host (the host grader times its throughput runs with
 * performance.now() itself).
 */
export async function runTrace(make: () => HeapAllocator, trace: EncodedTrace, verify: boolean, yieldEvery: number, scratch?: ReplayScratch): Promise<TraceRun> {
    await settle()
    const opts = new ReplayOptions()
    opts.verify = verify
    opts.yieldEvery = yieldEvery
    if (scratch !== undefined) opts.scratch = scratch
    let heap: HeapAllocator = null
    try {
        heap = make()
    } catch (e) {
        return new TraceRun(new Outcome("trace", trace.name, codeOf(e, "no-allocator"), errorText(e)), null, 0)
    }
    const t0 = ds.millis()
    try {
        const r = await replay(heap, trace, opts)
        return new TraceRun(new Outcome("trace", trace.name, "", ""), r, ds.millis() - t0)
    } catch (e) {
        return new TraceRun(new Outcome("trace", trace.name, codeOf(e, "clobbered"), errorText(e)), null, ds.millis() - t0)
    }
}
