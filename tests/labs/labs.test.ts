/**
 * The lab kit (labs/): `bareheap lab` lists and shows the exercises; every
 * starter compiles for DeviceScript (one devs build of a program importing
 * them all, in a private folder) and for the host, and grades as "not
 * implemented" with score 0; every lab's cases can be passed — by the
 * project's own allocators (labs 2, 4, 7) or by the reference answers in
 * tests/labs/reference/ (labs 1, 3, 5, 6).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { describe, expect, test } from "vitest"
import { QUICK_TRACES } from "../../cli/grade"
import { gradeHost } from "../../grader/grade"
import { gradeModule } from "../../grader/module_grade"
import { Lab, LABS } from "../../labs/labs"

const ROOT = path.resolve(__dirname, "..", "..")

async function grade(lab: Lab, file: string, className?: string) {
    if (!lab.graded) return gradeModule(file, lab.id, lab.casesFile)
    return gradeHost({ file, className: className ?? lab.className, lab: lab.id, references: lab.references, labCasesFile: lab.casesFile, traces: QUICK_TRACES, propertyRuns: 10, rounds: 2 })
}

/** What passes each lab's cases: a project allocator or a reference answer. */
const PASSING: Record<number, [string, string | undefined]> = {
    1: ["tests/labs/reference/memory.ts", undefined],
    2: ["src/allocators/bump.ts", "BumpAllocator"],
    3: ["tests/labs/reference/wrapper.ts", "CountingAllocator"],
    4: ["src/allocators/buddy.ts", "BuddyAllocator"],
    5: ["tests/labs/reference/vec.ts", undefined],
    6: ["tests/labs/reference/locality.ts", undefined],
    7: ["src/allocators/tlsf.ts", "TlsfAllocator"],
}

test("bareheap lab lists the seven exercises, easiest first, and shows one", () => {
    const list = spawnSync(process.execPath, ["bin/bareheap.mjs", "lab"], { encoding: "utf8" })
    expect(list.status).toBe(0)
    expect(list.stdout.match(/^  \d\. /gm)).toEqual(["  1. ", "  2. ", "  3. ", "  4. ", "  5. ", "  6. ", "  7. "])
    expect(list.stdout).toMatch(/7\. The malloc lab/)
    const one = spawnSync(process.execPath, ["bin/bareheap.mjs", "lab", "4"], { encoding: "utf8" })
    expect(one.stdout).toMatch(/^# Lab 4 — A buddy allocator/)
    expect(one.stdout).toMatch(/Grade in the VM: npm run grade -- labs\/04-buddy\/buddy.ts --lab 4 --vm/)
    const bad = spawnSync(process.execPath, ["bin/bareheap.mjs", "lab", "9"], { encoding: "utf8" })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/no lab "9"/)
})

test("every starter compiles for DeviceScript", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "labs-devs-"))
    try {
        writeFileSync(path.join(dir, "devsconfig.json"), "{}\n")
        symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir")
        // Every exported class and function of every starter, referenced so the compiler keeps them all.
        const names: string[] = []
        const imports = LABS.map((l, i) => {
            const exported = [...readFileSync(path.join(ROOT, l.starter), "utf8").matchAll(/^export (?:class|function) (\w+)/gm)].map(m => m[1])
            expect(exported.length, l.starter).toBeGreaterThan(0)
            names.push(...exported.map(n => `${n}${i + 1}`))
            return `import { ${exported.map(n => `${n} as ${n}${i + 1}`).join(", ")} } from ${JSON.stringify(path.relative(dir, path.join(ROOT, l.starter)).replace(/\.ts$/, ""))}`
        })
        writeFileSync(path.join(dir, "starters.ts"), [...imports, `const all: any[] = [${names.join(", ")}]`, `console.log("starters: " + all.length)`, ""].join("\n"))
        const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/@devicescript/cli/devicescript"), "--no-colors", "build", "starters.ts"], { cwd: dir, encoding: "utf8" })
        expect(r.status, r.stdout + r.stderr).toBe(0)
        expect(r.stdout + r.stderr).not.toMatch(/error/i)
    } finally {
        rmSync(dir, { recursive: true, force: true })
    }
})

describe("each untouched starter scores 0 with \"not implemented\"", () => {
    for (const lab of LABS) {
        test(`lab ${lab.id}: ${lab.starter}`, async () => {
            const r = await grade(lab, lab.starter)
            expect(r.score.total).toBe(0)
            expect(r.correct).toBe(false)
            expect(r.diagnosis?.code).toBe("not-implemented")
            expect(r.diagnosis?.detail).toMatch(/not implemented: /)
        })
    }
})

describe("each lab's cases can be passed", () => {
    for (const lab of LABS) {
        test(`lab ${lab.id} by ${PASSING[lab.id][0]}`, async () => {
            const [file, cls] = PASSING[lab.id]
            const r = await grade(lab, file, cls)
            expect(r.outcomes.filter(o => o.code !== "")).toEqual([])
            expect(r.correct).toBe(true)
            if (lab.casesFile) expect(r.outcomes.filter(o => o.part === "lab").length).toBeGreaterThanOrEqual(3)
            if (!lab.graded) expect(r.score.total).toBe(100)
        })
    }
})
