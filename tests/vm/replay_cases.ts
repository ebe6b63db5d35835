/**
 * replay_cases.ts — in-VM self-tests of trace replay (bench/replay.ts) with traces compiled in
 * as hex`` literals (tests/vm/traces/, written by bench/vm/gen_traces.ts and
 * kept current by tests/bench/vm_traces.test.ts): for every allocator kind on the
 * Pico's 32 KiB region (the traces need it: short2-bal peaks at 18,314 bytes),
 * short1-bal, short2-bal and one window of a big trace (a different one per
 * kind), verify on, replay yielding every 20 ops. Each must replay every op
 * with no failed allocation and reach the trace's peak live payload; a
 * clobbered payload or an overlap would throw ReplayError.
 * Kept small because `devs run --test` turns GC-stress on (~40 µs per call).
 *
 * The programs selftest_replay.ts (buddy, bump, tlsf, pool) and
 * selftest_replay_bestfit.ts register these cases: all five allocators in one
 * program came within a few hundred bytes of DeviceScript's 64 KB of function bytecode.
 */
import { describe, test } from "@devicescript/test"
import { StaticRegion } from "../../src/core/region"
import { EncodedTrace, replay, ReplayOptions } from "../../bench/replay"
import { PICO } from "../../boards/pico"
import { assertEq, settle } from "../contract/check"
import { ConformanceCase, ConformanceTarget } from "../contract/conformance"
import { SHORT1_BAL } from "./traces/short1_bal"
import { SHORT2_BAL } from "./traces/short2_bal"
import { AMPTJP_BAL_W1 } from "./traces/amptjp_bal_w1"
import { CCCP_BAL_W1 } from "./traces/cccp_bal_w1"
import { CP_DECL_BAL_W1 } from "./traces/cp_decl_bal_w1"
import { EXPR_BAL_W1 } from "./traces/expr_bal_w1"
import { HeapAllocator } from "../../src/api/global_alloc"

/** One window per allocator kind: kind number i gets WINDOWS[i % 4]. */
const WINDOWS = [AMPTJP_BAL_W1, CCCP_BAL_W1, CP_DECL_BAL_W1, EXPR_BAL_W1]

/** The case: replay `trace` on a fresh allocator; no failure, every op run, the trace's peak reached. */
function replayCase(trace: EncodedTrace): ConformanceCase {
    return {
        name: "replays " + trace.name + " (" + trace.count + " ops): no failure, peak " + trace.peakPayload + " bytes",
        run: async (t: ConformanceTarget) => {
            const opts = new ReplayOptions()
            opts.yieldEvery = 20
            const r = await replay(t.make(), trace, opts)
            assertEq(r.failures, 0, trace.name + ": failed allocations (first at op " + r.firstFailure + ")")
            assertEq(r.ops, trace.count, trace.name + ": ops replayed")
            assertEq(r.allocs + r.reallocs + r.frees, trace.count, trace.name + ": allocator calls")
            assertEq(r.peakPayload, trace.peakPayload, trace.name + ": peak live payload")
        },
    }
}

/**
 * The one Pico region every case reuses (zeroed for each): a fresh 32 KiB
 * Buffer per case would not find room in the VM's fragmented 64 KiB heap, so
 * this program does not use register_target.ts's region-per-case factory.
 */
const REGION = StaticRegion.forBoard(PICO)

function registerCase(target: ConformanceTarget, c: ConformanceCase): void {
    test(c.name, async () => {
        await settle()
        await c.run(target)
    })
}

function registerKind(kind: string, i: number, make: (r: StaticRegion) => HeapAllocator): void {
    const cases = [replayCase(SHORT1_BAL), replayCase(SHORT2_BAL), replayCase(WINDOWS[i % WINDOWS.length])]
    describe("trace replay: " + kind, () => {
        const target: ConformanceTarget = {
            name: kind + " on the pico's region",
            make: () => {
                REGION.buf.fillAt(0, REGION.size, 0)
                return make(REGION)
            },
        }
        cases.forEach(c => registerCase(target, c))
    })
}

/**
 * Registers the replay cases for each kind (kinds[i] ↔ makers[i]); `first` is
 * the first kind's number, which picks its big-trace window.
 */
export function registerReplays(kinds: string[], makers: ((r: StaticRegion) => HeapAllocator)[], first: number): void {
    for (let i = 0; i < kinds.length; i++) registerKind(kinds[i], first + i, makers[i])
}
