/**
 * tests/numbers_home.test.ts — measured numbers have one home: bench/RESULTS.md
 * and bench/debug-cost.md, written by the benchmarks. Source headers, the
 * README, docs/ and the host code's comments state complexity and bounds and
 * point to a result row; a quoted measurement there goes stale the day the
 * code changes. This test fails on the forms such figures take: a time in µs,
 * an opcode count (other than the VM's documented 131,072-opcode slice), a
 * mean in B/line, a rate in lines/s, events/s or ops/s. Format properties
 * (bytes per line of each kind, lines/s at a baud rate) are computed by
 * tests/layers/protocol_budget.test.ts and stated once, in docs/protocol.md §8,
 * as a table without these units in its cells.
 */
import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import { describe, expect, test } from "vitest"

const MEASUREMENT = [
    /\d[\d.,–-]*\s?µs\b/,
    /\d[\d.,]*k?\s?(VM )?opcodes\b/,
    /\d[\d.]*\s?B\/line\b/,
    /\d[\d.,]*\s?(lines|events|ops)\/s\b/,
]
/** The VM's slice budget is a documented limit, not a measurement of ours. */
const ALLOWED = /131,072(-opcode| VM)? opcodes?/g

function files(dir: string, ext: string[]): string[] {
    const out: string[] = []
    for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.posix.join(dir, e.name)
        if (e.isDirectory()) out.push(...files(p, ext))
        else if (ext.some(x => p.endsWith(x))) out.push(p)
    }
    return out
}

/** "file:line: text" for every line that quotes a measurement. */
export function quotedMeasurements(file: string, text: string): string[] {
    const hits: string[] = []
    text.split("\n").forEach((line, i) => {
        const clean = line.replace(ALLOWED, "")
        if (MEASUREMENT.some(re => re.test(clean))) hits.push(`${file}:${i + 1}: ${line.trim()}`)
    })
    return hits
}

describe("measured numbers live in bench/", () => {
    test("the detector catches each form and lets the slice limit through", () => {
        expect(quotedMeasurements("x", "costs 9–11 µs per call")).toHaveLength(1)
        expect(quotedMeasurements("x", "≈ 64k opcodes for 32 KiB")).toHaveLength(1)
        expect(quotedMeasurements("x", "mean 20.2 B/line on the wire")).toHaveLength(1)
        expect(quotedMeasurements("x", "~570 lines/s at 115200 baud")).toHaveLength(1)
        expect(quotedMeasurements("x", "fits one 131,072-opcode slice; 131,072 opcodes per slice")).toEqual([])
        expect(quotedMeasurements("x", "the VM's µs per pair: bench/RESULTS.md")).toEqual([])
    })

    test("src/, boards/, sim/, cli/, docs/ and the README quote none", () => {
        const targets = [...files("src", [".ts"]), ...files("boards", [".ts"]), ...files("sim", [".ts"]), ...files("cli", [".ts"]), ...files("docs", [".md"]), "README.md"]
        expect(targets.length).toBeGreaterThan(40)
        const hits = targets.flatMap(f => quotedMeasurements(f, readFileSync(f, "utf8")))
        expect(hits, "move these figures to a bench/ result and point to its row:\n" + hits.join("\n")).toEqual([])
    })
})
