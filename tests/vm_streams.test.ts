/**
 * `bareheap vm` and `bareheap start` stream the same bytes: for every real
 * board × allocator, the firmware's protocol lines from DeviceScript's WASM
 * VM equal the host simulator's, line for line.
 *
 * Cost: one devs build per allocator (sim/vm_entry.ts's firmwareEntry: one
 * program for every board, a VM per board picked by its device id), in a temporary project
 * so it never races tests/vm.test.ts over .devicescript/bin; the host side
 * is one `bareheap start` per combination, two at a time. The end of the
 * file checks the verb itself end to end for one combination.
 */
import { execFile, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, test } from "vitest"
import { HEAP_KINDS } from "../src/allocators/registry"
import { parseOptions } from "../cli/args"
import { FIRMWARE_OPTIONS, firmwareChoice, REAL_BOARDS } from "../sim/firmware_options"
import { deviceIdFor, firmwareEntry } from "../sim/vm_entry"
import { buildBytecode, runVm } from "../sim/vm_loader"

const run = promisify(execFile)
const project = mkdtempSync(path.join(tmpdir(), "bareheap-vm-"))
writeFileSync(path.join(project, "devsconfig.json"), "{}\n")
afterAll(() => rmSync(project, { recursive: true, force: true }))

/** Protocol lines split into one stream per ~H header. */
function streams(lines: string[]): string[][] {
    const out: string[][] = []
    for (const l of lines) {
        if (l.startsWith("~H ")) out.push([])
        if (l.startsWith("~") && out.length > 0) out[out.length - 1].push(l)
    }
    return out
}

async function host(board: string, allocator: string): Promise<string[]> {
    const r = await run("node", ["bin/bareheap.mjs", "start", "--board", board, "--allocator", allocator], { maxBuffer: 64 << 20 })
    return r.stdout.split("\n").filter(l => l.startsWith("~"))
}

describe.sequential("host and VM streams are identical", () => {
    const timings: string[] = []
    afterAll(() => console.log(`vm_streams timings: ${timings.join("; ")}`))

    // Every kind, "multi" too: its board-declared regions sum to the board's heap.size (boards/validate.ts).
    for (const allocator of HEAP_KINDS) {
        const boards = REAL_BOARDS
        test(`${allocator} on ${boards.map(b => b.id).join(", ")}`, async () => {
            const t0 = Date.now()
            const choices = boards.map(b => firmwareChoice(parseOptions(["--board", b.id, "--allocator", allocator], FIRMWARE_OPTIONS, 0, {})))
            const entry = firmwareEntry(project, choices)
            const hostRuns = [] as string[][]
            const hostDone = (async () => {
                for (let i = 0; i < boards.length; i += 2) hostRuns.push(...(await Promise.all(boards.slice(i, i + 2).map(b => host(b.id, allocator)))))
            })()
            const bytecode = buildBytecode(entry.file, { projectDir: project, flags: ["testHarness"] })
            const t1 = Date.now()
            const got: string[][] = []
            for (let i = 0; i < boards.length; i++) {
                const vm = await runVm(bytecode, { timeoutMs: 120_000, deviceId: deviceIdFor(i) })
                expect(vm.end, vm.dmesg.slice(-8).join("\n")).toEqual({ how: "panic", code: 0 }) // the harness's restart after the top level
                expect(vm.lines.at(-1)).toBe(entry.endMarker)
                expect(streams(vm.lines), boards[i].id).toHaveLength(1)
                got.push(streams(vm.lines)[0])
            }
            await hostDone
            const t2 = Date.now()
            boards.forEach((b, i) => {
                // A heap over several regions (every board declares two) streams protocol version 3 (its region table); every other, version 2.
                expect(hostRuns[i][0], b.id).toMatch(new RegExp(`^~H 0 ${allocator === "multi" ? "3" : "2"} ${b.id} ${allocator} `))
                expect(got[i].length, `${b.id} ${allocator}`).toBeGreaterThan(100)
                expect(got[i].join("\n"), `${b.id} ${allocator}: VM stream differs from the host's`).toBe(hostRuns[i].join("\n"))
            })
            timings.push(`${allocator}: build ${t1 - t0} ms, VM run + host runs ${t2 - t1} ms`)
        })
    }

    test("the verb: bareheap vm --board esp32s2 --allocator pool --debug light --track in a project of its own prints the stream and the summary", () => {
        const r = spawnSync("node", [path.resolve("bin/bareheap.mjs"), "vm", "--board", "esp32s2", "--allocator", "pool", "--debug", "light", "--track"], { cwd: project, encoding: "utf8", timeout: 180_000 })
        expect(r.status, r.stderr).toBe(0)
        expect(r.stderr).toMatch(/vm: ended after [\d.]+ s/)
        const h = spawnSync("node", ["bin/bareheap.mjs", "start", "--board", "esp32s2", "--allocator", "pool", "--debug", "light", "--track"], { encoding: "utf8" })
        const proto = (s: string) => s.split("\n").filter(l => l.startsWith("~")).join("\n")
        expect(proto(r.stdout)).toBe(proto(h.stdout))
        expect(r.stdout).toContain("=== summary: the bareheap stream from the WASM VM ===")
    })
})
