/**
 * The compiled-in traces of the VM (bench/vm/gen_traces.ts): every MCU trace
 * is there, whole or cut with its reason (never dropped); each module's
 * hex`` literal holds exactly the encoder's bytes; the limits the VM imposes
 * hold; and the committed VM self-test fixtures (tests/vm/traces/) are what
 * the generator writes now. Regenerate with `npx tsx bench/vm/gen_traces.ts`.
 * (Builds are left to tests/vm.test.ts and bench/vm_speed.ts: a devs build
 * here would race theirs over .devicescript/bin.)
 */
import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import { describe, expect, test } from "vitest"
import { EncodedTrace, OP_BYTES } from "../../bench/replay"
import { encodeTrace, MCU_TRACES, readTrace } from "../../bench/trace/encode"
import { cutWindow, MCU_ALL, MCU_WINDOWS } from "../../bench/trace/windows"
import { FIXTURES_DIR, fixtureFiles, fixtureTraces, GROUP_BYTES, groupProgramText, groupTraces, MAX_HEX_LITERAL, traceModuleText, VM_MAX_OPS, vmTraces } from "../../bench/vm/gen_traces"

const all = vmTraces()

/** The bytes and the constructor arguments of a generated module's text. */
function parseModule(text: string): { name: string; bytes: number[]; count: number; slots: number; peak: number } {
    const m = /new EncodedTrace\(\s*"([^"]+)",\s*hex`([0-9a-f\s]*)`,\s*(\d+),\s*(\d+),\s*(\d+),\s*\)/.exec(text)
    if (!m) throw new Error("not a generated trace module:\n" + text.slice(0, 400))
    const hexText = m[2].replace(/\s+/g, "")
    const bytes: number[] = []
    for (let i = 0; i < hexText.length; i += 2) bytes.push(parseInt(hexText.slice(i, i + 2), 16))
    return { name: m[1], bytes, count: Number(m[3]), slots: Number(m[4]), peak: Number(m[5]) }
}

function opsBytes(t: EncodedTrace): number[] {
    const out: number[] = []
    for (let i = 0; i < t.count * OP_BYTES; i++) out.push(t.ops.getAt(i, "u8"))
    return out
}

describe("VM trace modules (bench/vm/gen_traces.ts)", () => {
    test("every MCU trace is compiled in, whole or as a cut that says why", () => {
        expect(all.map(v => v.source)).toEqual(MCU_ALL)
        for (const v of all) {
            if (v.cut === null) expect(v.name).toBe(v.source)
            else {
                expect(v.name).toBe(v.source + "-head")
                expect(v.cut).toMatch(/over one hex literal/)
            }
        }
        // Exactly the two whole traces over the limits are cut; every window fits whole.
        expect(all.filter(v => v.cut !== null).map(v => v.source)).toEqual(["coalescing-bal", "realloc2-bal"])
        expect(all.filter(v => MCU_WINDOWS.indexOf(v.source) >= 0).every(v => v.cut === null)).toBe(true)
    })

    test("a cut is the balanced window of the first VM_MAX_OPS ops", () => {
        for (const v of all.filter(x => x.cut !== null)) {
            const t = readTrace(v.source)
            expect(t.count * OP_BYTES).toBeGreaterThan(MAX_HEX_LITERAL)
            const head = encodeTrace(cutWindow(t, 0, VM_MAX_OPS, v.name))
            expect(opsBytes(v.trace)).toEqual(opsBytes(head))
            expect(v.trace.peakPayload).toBe(head.peakPayload)
        }
    })

    test("whole traces are the encoder's bytes", () => {
        for (const name of MCU_TRACES) {
            const v = all.find(x => x.name === name)
            if (v) expect(opsBytes(v.trace)).toEqual(opsBytes(encodeTrace(readTrace(name))))
        }
    })

    test("every module's hex literal decodes to its trace's ops, within the literal limit", () => {
        for (const v of all) {
            const p = parseModule(traceModuleText(v, "../../replay"))
            expect(p.name).toBe(v.name)
            expect(p.bytes).toEqual(opsBytes(v.trace))
            expect([p.count, p.slots, p.peak]).toEqual([v.trace.count, v.trace.slots, v.trace.peakPayload])
            expect(p.bytes.length).toBeLessThanOrEqual(MAX_HEX_LITERAL)
        }
    })

    test("groups keep every trace once, small ones first, each within GROUP_BYTES unless alone", () => {
        const groups = groupTraces(all)
        expect(groups.flat().map(v => v.name).sort()).toEqual(all.map(v => v.name).sort())
        for (const g of groups) {
            const bytes = g.reduce((s, v) => s + v.trace.count * OP_BYTES, 0)
            if (g.length > 1) expect(bytes).toBeLessThanOrEqual(GROUP_BYTES)
        }
        expect(groups[0].map(v => v.name)).toContain("short1-bal")
        expect(groups[0].every(v => v.cut === null)).toBe(true)
        const prog = groupProgramText(groups[0], 0)
        for (const v of groups[0]) expect(prog).toContain(`import { ${v.constName} } from "./${v.module}"`)
    })

    test("the committed VM self-test fixtures are current (else: npx tsx bench/vm/gen_traces.ts)", () => {
        const want = fixtureFiles()
        const have = readdirSync(FIXTURES_DIR).sort()
        expect(have).toEqual(Object.keys(want).sort())
        for (const [f, text] of Object.entries(want)) expect(readFileSync(path.join(FIXTURES_DIR, f), "utf8"), f).toBe(text)
    })

    test("the fixtures are short1, short2 and four windows of different traces", () => {
        const names = fixtureTraces().map(v => v.name)
        expect(names.slice(0, 2)).toEqual(["short1-bal", "short2-bal"])
        const windows = names.slice(2)
        expect(windows.length).toBe(4)
        expect(new Set(windows.map(n => n.replace(/-w\d+$/, ""))).size).toBe(4)
        // replay_cases.ts (the cases of selftest_replay*.ts) imports exactly these.
        const selftest = readFileSync(path.join(FIXTURES_DIR, "..", "replay_cases.ts"), "utf8")
        for (const v of fixtureTraces()) expect(selftest).toContain(`import { ${v.constName} } from "./traces/${v.module}"`)
    })
})

describe("the VM replay program (bench/vm/replay_traces.ts)", () => {
    test("replays every region allocator of the registry", async () => {
        const { REPLAY_KINDS } = await import("../../bench/vm/replay_traces")
        const { ALLOCATOR_KINDS } = await import("../../src/allocators/registry")
        // It keeps its own list (the registry links system and multi, too big for the VM beside a 32 KiB region).
        expect(REPLAY_KINDS).toEqual(ALLOCATOR_KINDS)
    })
})
