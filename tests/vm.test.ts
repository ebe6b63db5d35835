/**
 * The firmware inside DeviceScript's WASM VM: `devs build` of the firmware
 * entry and the in-VM self-tests, each run as
 *   devs run <file> --test --test-self-exit
 * (without --test-self-exit nothing runs and the VM reports a false "test OK").
 * A file passes only if the runner exits 0 AND prints "tests: N, pass: N, error: 0"
 * with N > 0. devs writes .devicescript/bin, so these run one after another.
 */
import { spawnSync } from "node:child_process"
import { readdirSync, writeFileSync } from "node:fs"
import { describe, expect, test } from "vitest"
import { buildBytecode, runInVm } from "../sim/vm_loader"
import { DEFAULT_SEED } from "./fuzz/ops"
import { fuzzSeed } from "./fuzz/shadow"
import { fuzzStream, STREAM_DONE, STREAM_OPS } from "./fuzz/stream"

const DEVS = ["node_modules/@devicescript/cli/devicescript", "--no-colors"]

function devs(args: string[], timeoutMs: number) {
    const r = spawnSync("node", [...DEVS, ...args], { encoding: "utf8", timeout: timeoutMs })
    return { status: r.status, out: (r.stdout ?? "") + (r.stderr ?? "") }
}

describe.sequential("DeviceScript VM", () => {
    test("devs build src/main.ts compiles the firmware", () => {
        const r = devs(["build", "src/main.ts"], 120_000)
        expect(r.out).not.toMatch(/error/i)
        expect(r.status, r.out).toBe(0)
    })

    test("npm run vm: the firmware's stream from the VM (GC-stress off) decodes cleanly", () => {
        const r = spawnSync("node", ["bin/bareheap.mjs", "vm"], { encoding: "utf8", timeout: 180_000 })
        expect(r.status, (r.stderr ?? "") + (r.stdout ?? "").slice(-2000)).toBe(0)
        expect(r.stdout).toMatch(/^~H 0 2 pico buddy 20020000 8000 1000 7ff 0$/m)
        expect(r.stdout).toContain("=== summary: the bareheap stream from the WASM VM ===")
        expect(r.stderr).toMatch(/vm: ended after [\d.]+ s/)
        expect(r.stdout).toMatch(/at the end: 1 live block\n/) // the demo leaks its config string on purpose
        expect(r.stdout).toMatch(/0 gaps, 0 anomalies/)
    })

    test(`fuzz: ${STREAM_OPS} random ops in the VM (GC-stress off) stream the host's events byte for byte`, async () => {
        // The seed is compiled in: another seed (BAREHEAP_FUZZ_SEED) gets a
        // generated entry in .devicescript/ (git-ignored, where devs builds anyway).
        const seed = fuzzSeed(DEFAULT_SEED)
        let entry = "tests/vm/fuzz_stream.ts"
        if (seed !== DEFAULT_SEED) {
            entry = ".devicescript/fuzz_stream_seed.ts"
            writeFileSync(entry, `import { fuzzStream, STREAM_DONE } from "../tests/fuzz/stream"\n\nawait fuzzStream(${seed})\nconsole.log(STREAM_DONE)\n`)
        }
        const vm = await runInVm(buildBytecode(entry), { stopWhen: l => l === STREAM_DONE, timeoutMs: 240_000 })
        const host: string[] = []
        await fuzzStream(seed, l => host.push(l))
        console.log(`VM stream fuzz: seed ${seed}, ${STREAM_OPS} ops, ${host.length} lines, ${vm.ms} ms in the VM`)
        expect(vm.lines.at(-1)).toBe(STREAM_DONE)
        expect(host.length).toBeGreaterThan(STREAM_OPS / 2)
        expect(vm.lines.slice(0, -1).join("\n")).toBe(host.join("\n"))
    })

    // Every tests/vm/selftest_*.ts is a separate VM program (each must stay
    // under DeviceScript's 64 KB of function bytecode).
    const files = readdirSync("tests/vm")
        .filter(f => /^selftest_.*\.ts$/.test(f))
        .sort()
        .map(f => "tests/vm/" + f)
    test("the VM self-test programs are all found", () => {
        expect(files.length).toBeGreaterThanOrEqual(5)
    })
    for (const file of files) {
        test(`self-tests pass in the VM: ${file}`, () => {
            const r = devs(["run", file, "--test", "--test-self-exit", "-T", "240000"], 300_000)
            const m = /tests: (\d+), pass: (\d+), error: (\d+)/.exec(r.out)
            expect(m, `no test summary in the VM output:\n${r.out.slice(-3000)}`).not.toBeNull()
            const [, total, pass, errors] = m.map(Number)
            expect(total).toBeGreaterThan(0)
            expect({ pass, errors }, r.out.slice(-3000)).toEqual({ pass: total, errors: 0 })
            expect(r.status, r.out.slice(-3000)).toBe(0)
        })
    }
})
