// Memory bounds of the streaming decoder, in a child process capped at 256 MB of V8 heap
// (tests/helpers/bounds_run.ts): unbounded growth would kill it with out-of-memory.
import { spawnSync } from "node:child_process"
import { describe, expect, test } from "vitest"
import { HISTORY_LIMIT } from "../../sim/decoder"
import { MAX_PHASE_MAPS } from "../../sim/viewer"

function run(...args: string[]) {
    const r = spawnSync(process.execPath, ["--max-old-space-size=256", "--expose-gc", "--import", "tsx", "tests/helpers/bounds_run.ts", ...args], {
        encoding: "utf8",
        timeout: 240_000,
        maxBuffer: 1 << 20,
    })
    expect(r.status, r.stderr).toBe(0)
    return JSON.parse(r.stdout)
}

describe("the streaming decoder's memory is bounded", () => {
    test("10^6 hostile lines and raw bytes: history capped, heap small, and a clean stream after them still decodes exactly", () => {
        const r = run("hostile", "1000000")
        expect(r.lines).toBeGreaterThan(1_000_000)
        // The mix really exercised the decoder: errors, anomalies, every transport oddity.
        expect(r.errors).toBeGreaterThan(100_000)
        expect(r.anomalies).toBeGreaterThan(HISTORY_LIMIT)
        expect(r.keptAnomalies).toBe(HISTORY_LIMIT)
        expect(r.keptErrors).toBe(HISTORY_LIMIT)
        expect(r.transport.badEscapes).toBeGreaterThan(0)
        expect(r.transport.overlongLines).toBeGreaterThan(0)
        expect(r.maxHeapMB).toBeLessThan(64)
        expect(r.cleanAfter).toEqual({ newAnomalies: 0, newErrors: 0, sameBlocks: true, sameCounts: true })
    })

    test("issue 11's shapes: 20,000 phases after 3,000 blocks keep only the last phase maps; 30,000 / 40,000 blocks decode", () => {
        const r = run("shapes")
        expect(r.phases.failed).toBeNull()
        expect(r.phases.peaks).toBe(MAX_PHASE_MAPS)
        expect(r.phases.dropped).toBe(20000 - MAX_PHASE_MAPS)
        expect(r.phases.peakBlocks.every((n: number) => n === 3000)).toBe(true)
        expect(r.phases.heapMB).toBeLessThan(64)
        expect(r.allocs).toMatchObject({ failed: null, live: 30000, peaks: 1, peakBlocks: [30000] })
        expect(r.large).toMatchObject({ failed: null, live: 40001 })
    })
})
