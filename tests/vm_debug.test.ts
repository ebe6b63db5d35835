/**
 * The debug and tracking layers in the VM, through the verb a user runs,
 * on the combinations that once failed there:
 *   - over the allocators whose region is a view: `--allocator system` and
 *     `--allocator multi` (pico's two declared regions), each `--debug full
 *     --track` on a 32 KiB board;
 *   - `--debug full --track` on a 32 KiB board (pico), where the final leak
 *     report ran out of the VM's heap (buddy: the radix sort's number[]
 *     counts, now a Buffer in tracking.ts) or out of the opcode slice
 *     (bestfit: check + scan + report in one slice; sim/vm_entry.ts yields
 *     before each).
 * Each streams exactly what `bareheap start` streams for the same options,
 * without a gap or an anomaly.
 *
 * Cost: four devs builds, in a temporary project so they never race
 * tests/vm.test.ts over .devicescript/bin, and four host runs.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, describe, expect, test } from "vitest"

const project = mkdtempSync(path.join(tmpdir(), "bareheap-vmdebug-"))
writeFileSync(path.join(project, "devsconfig.json"), "{}\n")
afterAll(() => rmSync(project, { recursive: true, force: true }))

const proto = (s: string) => s.split("\n").filter(l => l.startsWith("~"))

describe.sequential("the debug and tracking layers in the VM", () => {
    for (const args of [
        ["--board", "pico", "--allocator", "system", "--debug", "full", "--track"],
        ["--board", "pico", "--allocator", "multi", "--debug", "full", "--track"],
        ["--board", "pico", "--allocator", "buddy", "--debug", "full", "--track"],
        ["--board", "pico", "--allocator", "bestfit", "--debug", "full", "--track"],
    ]) {
        test(`bareheap vm ${args.join(" ")}: the host's stream, no gaps, no check failures`, () => {
            const vm = spawnSync("node", [path.resolve("bin/bareheap.mjs"), "vm", ...args], { cwd: project, encoding: "utf8", timeout: 240_000 })
            expect(vm.status, vm.stderr + vm.stdout.slice(-2000)).toBe(0)
            expect(vm.stderr).toMatch(/vm: ended after [\d.]+ s/)
            const host = spawnSync("node", ["bin/bareheap.mjs", "start", ...args], { encoding: "utf8", timeout: 120_000 })
            expect(host.status, host.stderr).toBe(0)
            const lines = proto(vm.stdout)
            expect(lines[0]).toMatch(new RegExp(`^~H 0 ${args[3] === "multi" ? 3 : 2} ${args[1]} ${args[3]} `)) // 3: a multi-region stream (docs/protocol.md)
            expect(lines.length).toBeGreaterThan(300)
            expect(lines.join("\n")).toBe(proto(host.stdout).join("\n"))
            expect(lines.filter(l => l.startsWith("~C "))).toEqual([]) // the final scan found nothing
            if (args.includes("--track")) expect(lines.filter(l => l.startsWith("~L ")).length).toBe(1) // the demo's deliberate leak
            expect(vm.stdout).toMatch(/0 gaps, 0 anomalies/)
            expect(host.stdout).toMatch(/debug \((full|light)\): 0 new check failures found by the final scan, 0 recorded in all/)
        })
    }
})
