/**
 * `npm run bench -- --quick` as CI runs it: the replay's correctness results
 * and the shape of what it writes — never its timings (they belong to the
 * benchmark, not to a test).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { describe, expect, test } from "vitest"
import { BOARDS } from "../../boards/index"
import { ALLOCATOR_KINDS } from "../../src/allocators/registry"
import { BENCH_KINDS } from "../../bench/kinds"

describe("npm run bench -- --quick", () => {
    const out = mkdtempSync(path.join(tmpdir(), "bareheap-bench-"))
    const r = spawnSync("node", ["node_modules/tsx/dist/cli.mjs", "bench/run.ts", "--quick", "--no-vm", "--out", out], { encoding: "utf8", timeout: 300_000 })

    test("exits 0 with every replay correct on every board's region", () => {
        expect(r.status, r.stderr.slice(-3000)).toBe(0)
        const boards = BOARDS.filter(b => !b.hostOnly).length
        // 3 MCU traces (short1, short2, one window) × our allocators × the real boards.
        expect(r.stdout).toContain(`correctness: ${3 * ALLOCATOR_KINDS.length * boards} replays, 0 errors`)
        expect(r.stderr).toMatch(/footprint: short1-bal × buddy: \d+/)
    })

    test("results.csv: one row per trace × allocator, footprints that hold the peak payload", () => {
        const rows = readFileSync(path.join(out, "results.csv"), "utf8").trim().split("\n")
        expect(rows[0].split(",")).toEqual(["trace", "allocator", "peak_payload", "footprint", "utilization", "failures_64k", "failures_1.25x", "host_ops_per_s", "ratio_to_thing", "mean_accesses", "max_accesses"])
        expect(rows).toHaveLength(1 + 3 * BENCH_KINDS.length)
        for (const row of rows.slice(1)) {
            const [trace, kind, peak, fp, util, f64] = row.split(",")
            expect(BENCH_KINDS, row).toContain(kind)
            expect(["short1-bal", "short2-bal", "coalescing-bal"], row).toContain(trace)
            // These traces fit every allocator: the footprint serves the peak and utilization is peak / footprint.
            expect(Number(fp), row).toBeGreaterThanOrEqual(Number(peak))
            expect(Number(fp) % 256, row).toBe(0)
            expect(Number(util), row).toBeCloseTo(Number(peak) / Number(fp), 3)
            expect(Number(f64), row).toBe(0) // 64 KiB serves all three
        }
    })

    test("RESULTS.md has every section and the SVG plots are complete documents", () => {
        const md = readFileSync(path.join(out, "RESULTS.md"), "utf8")
        for (const h of ["## Correctness on the boards' real regions", "### Footprint and utilization", "### Failed allocations at fixed region sizes", "### Host speed (Node)", "### Region accesses per op", "### CS:APP score", "### system and multi on the host (bench/view_kinds.ts)", "## Targets of issue 14 (bench/targets.ts)", "### Footprint (MCU-sized traces)", "## Event stream"])
            expect(md).toContain(h)
        for (const f of ["utilization.svg", "op-cost.svg"]) {
            const svg = readFileSync(path.join(out, f), "utf8")
            expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true)
            expect(svg.trimEnd().endsWith("</svg>")).toBe(true)
            for (const k of BENCH_KINDS) expect(svg).toContain(`>${k}<`)
        }
    })
})
