/**
 * `bareheap vm <file.ts>` on programs of a project of its own: each way a
 * program can end gets its own outcome and exit code (ended 0, threw 1,
 * restarted 3, timed out 124), its console output is printed with control
 * characters escaped, and usage mistakes are specific errors (exit 2).
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, describe, expect, test } from "vitest"

const BIN = path.resolve("bin/bareheap.mjs")
const project = mkdtempSync(path.join(tmpdir(), "bareheap-vmverb-"))
writeFileSync(path.join(project, "devsconfig.json"), "{}\n")
mkdirSync(path.join(project, "src"))
afterAll(() => rmSync(project, { recursive: true, force: true }))

const PROGRAMS: Record<string, string> = {
    "ends.ts": `import * as ds from "@devicescript/core"\nconsole.log("one")\nawait ds.sleep(5)\nconsole.log("bell\\x07 esc\\x1b[2J")\n`,
    "throws.ts": `console.log("before")\nthrow new Error("sensor missing")\n`,
    "restarts.ts": `import * as ds from "@devicescript/core"\nconsole.log("going down")\nds.restart()\n`,
    "waits.ts": `import * as ds from "@devicescript/core"\nwhile (true) await ds.sleep(50)\n`,
}
for (const [name, text] of Object.entries(PROGRAMS)) writeFileSync(path.join(project, "src", name), text)

function vm(args: string[], cwd = project) {
    const r = spawnSync("node", [BIN, "vm", ...args], { cwd, encoding: "utf8", timeout: 180_000 })
    return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" }
}

describe.sequential("bareheap vm <file.ts>", () => {
    test("a program that ends: its output, escaped; exit 0", () => {
        const r = vm(["src/ends.ts"])
        expect(r.status, r.stderr).toBe(0)
        expect(r.stdout).toBe("one\nbell\\x07 esc\\x1b[2J\n")
        expect(r.stderr).toMatch(/vm: ended after [\d.]+ s, 2 console lines/)
    })

    test("a program that throws: the exception and the panic named; exit 1", () => {
        const r = vm(["src/throws.ts"])
        expect(r.status).toBe(1)
        expect(r.stdout).toBe("before\n") // the VM's own "PANIC" print goes to stderr
        expect(r.stderr).toContain("sensor missing")
        expect(r.stderr).toMatch(/vm: panicked after [\d.]+ s: code 60005 \(unhandled exception\)/)
    })

    test("a program that calls ds.restart(): exit 3", () => {
        const r = vm(["src/restarts.ts"])
        expect(r.status).toBe(3)
        expect(r.stderr).toMatch(/vm: restarted after [\d.]+ s \(the program called ds.restart\(\) or ds.reboot\(\)\)/)
    })

    test("a program still running at --timeout: exit 124", () => {
        const r = vm(["src/waits.ts", "--timeout", "1"])
        expect(r.status).toBe(124)
        expect(r.stderr).toContain("vm: timed out: still running after 1 s")
    })

    test("usage mistakes are specific errors", () => {
        expect(vm(["src/nope.ts"]).stderr).toContain('error: no such file: "src/nope.ts"')
        expect(vm(["src/ends.ts", "--board", "pico"]).stderr).toContain("--board choose how bareheap's firmware runs")
        expect(vm(["--timeout", "soon"]).stderr).toContain('error: --timeout must be a number of seconds > 0, not "soon"')
        const bare = mkdtempSync(path.join(tmpdir(), "bareheap-noproject-"))
        const r = vm(["x.ts"], bare)
        expect(r.status).toBe(2)
        expect(r.stderr).toContain("no devsconfig.json in")
        rmSync(bare, { recursive: true })
    })
})
