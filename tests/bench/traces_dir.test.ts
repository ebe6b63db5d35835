/**
 * `npm run bench -- --traces DIR`: any folder of .rep files is benchmarked
 * and scored (the CS:APP driver's rule over every trace in it); a folder
 * that is missing or holds no .rep file, or a malformed trace, is a clear
 * error before anything is measured.
 */
import { spawnSync } from "node:child_process"
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, describe, expect, test } from "vitest"

const dir = mkdtempSync(path.join(tmpdir(), "bareheap-traces-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function bench(args: string[]) {
    const r = spawnSync("node", ["--import", "tsx", "bench/run.ts", ...args], { encoding: "utf8", timeout: 120_000 })
    return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" }
}

describe("npm run bench -- --traces DIR", () => {
    test("benchmarks and scores every .rep file in the folder, and nothing else", () => {
        copyFileSync("bench/traces/malloclab/short1-bal.rep", path.join(dir, "tiny.rep"))
        copyFileSync("bench/traces/malloclab/short2-bal.rep", path.join(dir, "small.rep"))
        writeFileSync(path.join(dir, "notes.txt"), "not a trace\n")
        const r = bench(["--traces", dir, "--runs", "1"])
        expect(r.status, r.stderr.slice(-2000)).toBe(0)
        expect(r.stdout).toContain(`Traces: 2 from ${dir}.`)
        expect(r.stdout).toMatch(/^\| small \| 18314 \|/m)
        expect(r.stdout).toMatch(/^\| tiny \| 8144 \|/m)
        expect(r.stdout).toContain(`The CS:APP driver's rule over 2 traces (every trace of ${dir}).`)
        expect(r.stdout).toMatch(/^\| tlsf \| [\d.]+ \| [\d.]+ M \| [\d.]+ \|$/m)
        expect(r.stdout).not.toContain("Correctness on the boards' real regions")
    })

    test("a missing folder, an empty one and a malformed trace are clear errors", () => {
        expect(bench(["--traces", path.join(dir, "nope")]).stderr).toMatch(/error: --traces: cannot read the trace folder ".*nope"/)
        const empty = mkdtempSync(path.join(tmpdir(), "bareheap-empty-"))
        const e = bench(["--traces", empty])
        expect(e.status).toBe(2)
        expect(e.stderr).toContain(`error: --traces: no .rep files in ${JSON.stringify(empty)}`)
        rmSync(empty, { recursive: true })
        writeFileSync(path.join(dir, "bad.rep"), "garbage\n")
        const b = bench(["--traces", dir])
        expect(b.status).toBe(2)
        expect(b.stderr).toMatch(/error: --traces: .*bad/)
    })
})
