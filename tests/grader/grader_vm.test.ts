/**
 * The grader inside DeviceScript's VM (grader/vm.ts): the student's file built
 * with devs into generated programs, run in the WASM VM (GC-stress off). A
 * project allocator gets the same verdict as on the host (every probe,
 * contract case, lab case, random program and trace passes; full
 * utilization marks); an untouched starter scores 0 with "not implemented";
 * a file devs cannot compile is a diagnosis, not a crash.
 * Builds happen in private temporary folders, so this file runs beside the
 * project's own VM suite.
 */
import { describe, expect, test } from "vitest"
import { gradeVm } from "../../grader/vm"
import { labById } from "../../labs/labs"

describe.sequential("bareheap grade --vm", () => {
    test("the project's bump allocator as lab 2: every item passes in the VM, lab cases included", async () => {
        const lab = labById("2")!
        const r = await gradeVm({ file: "src/allocators/bump.ts", className: "BumpAllocator", lab: 2, references: lab.references, labCasesFile: lab.casesFile })
        expect(r.where).toBe("vm")
        expect(r.outcomes.filter(o => o.code !== "")).toEqual([])
        expect(r.outcomes.filter(o => o.part === "lab").length).toBe(3)
        expect(r.outcomes.filter(o => o.part === "contract").length).toBeGreaterThanOrEqual(20)
        expect(r.traces.map(t => t.name)).toEqual(["short1-bal", "short2-bal", "amptjp-bal-w1", "cccp-bal-w1", "cp-decl-bal-w1", "expr-bal-w1"])
        expect(r.correct).toBe(true)
        expect(r.score.utilPoints).toBe(60)
        expect(r.measured.map(m => m.name)).toEqual(["BumpAllocator", "bump"])
        expect(r.measured[0].opsPerSec).toBeGreaterThan(0)
        // VM timing on a shared machine: the fastest of 3 rounds against 0.8 × the reference.
        expect(r.score.total).toBeGreaterThanOrEqual(90)
    }, 240_000)

    test("a file devs cannot compile is diagnosed build-failed with the compiler's message", async () => {
        // The broken allocators are host-only fixtures: Map, Set and splice are not DeviceScript.
        const r = await gradeVm({ file: "tests/grader/broken_allocators.ts", className: "ZeroSizeNull" })
        expect(r.diagnosis?.code).toBe("build-failed")
        expect(r.diagnosis?.detail).toMatch(/^devs build failed: .*error/)
        expect(r.score.total).toBe(0)
    }, 120_000)

    test("an untouched starter scores 0 with not-implemented in the VM", async () => {
        const r = await gradeVm({ file: "labs/07-malloc-lab/malloc.ts" })
        expect(r.score.total).toBe(0)
        expect(r.diagnosis?.code).toBe("not-implemented")
        expect(r.diagnosis?.detail).toMatch(/not implemented: alloc/)
        expect(r.traces).toEqual([])
    }, 120_000)
})
