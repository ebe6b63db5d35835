/**
 * The grader on the host (grader/grade.ts): the project's allocators pass every
 * correctness item and get full marks; each deliberately broken allocator
 * (broken_allocators.ts) gets its own diagnosis and score 0; a failed trace is
 * explained with the op, the victim, the culprit and a heap map; the shrunk
 * failing program is a snippet that really reproduces the failure. Graded on
 * the --quick trace set (the CLI's default is every MCU trace).
 */
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { describe, expect, test } from "vitest"
import { GradeOptions, gradeHost } from "../../grader/grade"
import { QUICK_TRACES } from "../../cli/grade"
import { BROKEN } from "./broken_allocators"

const quick = (o: GradeOptions): GradeOptions => ({ traces: QUICK_TRACES, propertyRuns: 15, rounds: 3, ...o })

describe("the project's allocators get full marks", () => {
    for (const [kind, cls, refs] of [
        ["tlsf", "TlsfAllocator", undefined],
        ["buddy", "BuddyAllocator", undefined],
        ["pool", "PoolAllocator", undefined],
        ["bump", "BumpAllocator", ["bump"]],
    ] as [string, string, string[] | undefined][]) {
        test(`${kind} (references ${refs ? refs.join(", ") : "buddy, tlsf, pool"})`, async () => {
            const r = await gradeHost(quick({ file: `src/allocators/${kind}.ts`, className: cls, references: refs }))
            expect(r.outcomes.filter(o => o.code !== "")).toEqual([])
            expect(r.correct).toBe(true)
            expect(r.diagnosis).toBeNull()
            expect(r.score.utilPoints).toBe(60)
            // Throughput is timed on a shared machine: the fastest of 3 rounds against 0.8 × the slowest reference.
            expect(r.score.total).toBeGreaterThanOrEqual(90)
            expect(r.outcomes.length).toBeGreaterThan(30)
        })
    }
})

describe("each broken allocator gets its diagnosis and score 0", () => {
    for (const [cls, code] of BROKEN) {
        test(`${cls} → ${code}`, async () => {
            const r = await gradeHost(quick({ file: "tests/grader/broken_allocators.ts", className: cls }))
            expect(r.correct).toBe(false)
            expect(r.score.total).toBe(0)
            expect(r.diagnosis?.code, JSON.stringify(r.diagnosis)).toBe(code)
        })
    }
})

test("a clobbered trace names the op, the victim, the culprit (the allocator's metadata) and draws the heap", async () => {
    const r = await gradeHost(quick({ file: "tests/grader/broken_allocators.ts", className: "HeaderOverPayload" }))
    const f = r.forensics
    expect(f).not.toBeNull()
    expect(f!.op).toBeGreaterThanOrEqual(0)
    expect(f!.text).toMatch(/^op \d+ \(trace line "f \d+"\) clobbered byte 0 of the block of id \d+ at 0x2002[0-9a-f]{4} .*is 0x0d, expected 0x[0-9a-f]{2}; written by the allocator while freeing 0x2002[0-9a-f]{4}: no live block covers that byte/)
    expect(f!.map).toMatch(/← holds the clobbered byte/)
    expect(f!.map).toMatch(/one cell = \d+ B/)
})

test("an overlapping trace names the block that was handed out over a live one", async () => {
    const r = await gradeHost(quick({ file: "tests/grader/broken_allocators.ts", className: "OverlappingBlocks" }))
    expect(r.forensics!.text).toMatch(/^op \d+ \(trace line "a \d+ \d+"\) handed out 0x[0-9a-f]+ \(\d+ B\), whose bytes from 0x[0-9a-f]+ belong to the live block of id \d+/)
})

test("the smallest failing random program is a snippet that reproduces the failure", async () => {
    const r = await gradeHost(quick({ file: "tests/grader/broken_allocators.ts", className: "OffByOnePastTheEnd" }))
    const prop = r.outcomes.find(o => o.part === "property")!
    expect(prop.code).not.toBe("")
    expect(r.snippet).toMatch(/^\/\/ Save in the repository root/)
    const calls = r.snippet.split("\n").filter(l => /heap\.(alloc|dealloc|realloc|allocZeroed)\(/.test(l))
    expect(calls.length).toBeGreaterThanOrEqual(1)
    expect(calls.length).toBeLessThanOrEqual(4) // shrunk: one or two blocks show the bug
    // Run it: the pointers it prints as comments are the ones the grader saw, and check() says what the grader saw.
    const names = calls.map(l => /const (p\d+)/.exec(l)?.[1]).filter(Boolean)
    const dir = mkdtempSync(path.join(process.cwd(), ".repro-"))
    try {
        const file = path.join(dir, "repro.ts")
        writeFileSync(file, r.snippet.replace(/"\.\//g, '"../') + `\nconsole.log(JSON.stringify([${names.join(", ")}]))\n`)
        const out = execFileSync(process.execPath, ["--import", "tsx", file], { encoding: "utf8" }).trim().split("\n")
        const ptrs = JSON.parse(out.pop()!) as number[]
        const comments = calls.filter(l => /const p\d+/.test(l)).map(l => parseInt(/\/\/ (0x[0-9a-f]+)/.exec(l)![1], 16))
        expect(ptrs).toEqual(comments)
        const seen = /check\(\) reports: ([^(]*?)(?: \(smallest|$)/.exec(prop.detail)
        if (seen) expect(out.join("\n")).toContain(seen[1])
        else expect(prop.detail).toMatch(/one-byte intersection/)
    } finally {
        rmSync(dir, { recursive: true, force: true })
    }
})

test("a file with no allocator class is diagnosed, not a crash", async () => {
    const r = await gradeHost({ file: "src/core/layout.ts" })
    expect(r.diagnosis?.code).toBe("no-allocator")
    expect(r.diagnosis?.detail).toMatch(/exports no class with alloc, dealloc and realloc/)
    expect(r.score.total).toBe(0)
})

describe("bareheap grade (the CLI)", () => {
    const cli = (args: string[]) => spawnSync(process.execPath, ["bin/bareheap.mjs", "grade", ...args], { encoding: "utf8" })
    test("--help and usage errors", () => {
        const h = cli(["--help"])
        expect(h.status).toBe(0)
        expect(h.stdout).toMatch(/0\.6 × min\(1, U \/ U_ref\) \+ 0\.4 × min\(1, T \/ \(0\.8 × T_ref\)\)/)
        expect(cli([]).status).toBe(2)
        expect(cli(["a.ts", "--lab", "99"]).stderr).toMatch(/no lab "99"/)
        expect(cli(["a.ts", "--bogus"]).status).toBe(2)
    })
    test("a broken allocator: exit 1, the report, JSON and Markdown", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "grade-cli-"))
        try {
            const r = cli(["tests/grader/broken_allocators.ts", "--class", "ZeroSizeNull", "--quick", "--json", path.join(dir, "g.json"), "--markdown", path.join(dir, "g.md")])
            expect(r.status, r.stderr).toBe(1)
            expect(r.stdout).toMatch(/^Diagnosis: zero-size — /m)
            expect(r.stdout).toMatch(/^Score: 0\.0 \/ 100/m)
            const j = JSON.parse(readFileSync(path.join(dir, "g.json"), "utf8"))
            expect(j.diagnosis.code).toBe("zero-size")
            expect(j.className).toBe("ZeroSizeNull")
            expect(readFileSync(path.join(dir, "g.md"), "utf8")).toMatch(/\*\*Score: 0\.0 \/ 100\*\* — diagnosis `zero-size`/)
        } finally {
            rmSync(dir, { recursive: true, force: true })
        }
    })
})
