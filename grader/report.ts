/**
 * grader/report.ts — the grade as data (GradeReport: what the JSON output
 * holds), and its two renderings: the terminal report and Markdown for an
 * autograder. Host only. Every string that came from the graded code (error
 * messages, class names) is escaped before it is printed (escapeText).
 */
import { showText as escapeText } from "../cli/escape"
import { CODES, explain, Outcome } from "./diagnosis"
import { FORMULA, Measured, Score } from "./score"
import { Forensics } from "./forensics"

export interface TraceRow {
    name: string
    ops: number
    peakPayload: number
    /** Smallest region that serves the trace (−1: not even 32 KiB). */
    footprint: number
    failures: number
    util: number
}

export interface GradeReport {
    file: string
    className: string
    where: "host" | "vm"
    lab: number | null
    /** Every correctness item, in the order run. */
    outcomes: Outcome[]
    correct: boolean
    /** The first failure's code in CODES order, with its explanation and detail; null when correct. */
    diagnosis: { code: string; explanation: string; item: string; detail: string } | null
    traces: TraceRow[]
    measured: Measured[]
    references: string[]
    score: Score
    formula: string
    /** The shrunk failing random program, as TypeScript ("" if none). */
    snippet: string
    forensics: Forensics | null
    ms: number
}

/** The first failing outcome by CODES order (the most specific diagnosis), or null. */
export function diagnose(outcomes: Outcome[]): GradeReport["diagnosis"] {
    let best: Outcome | null = null
    let rank = CODES.length
    for (const o of outcomes) {
        if (o.code === "") continue
        let r = CODES.findIndex(c => c[0] === o.code)
        if (r < 0) r = CODES.length - 1
        if (best === null || r < rank) {
            best = o
            rank = r
        }
    }
    return best === null ? null : { code: best.code, explanation: explain(best.code), item: `${best.part}: ${best.name}`, detail: best.detail }
}

const pct = (x: number) => (100 * x).toFixed(1) + " %"
const kops = (x: number) => (x / 1000).toFixed(1) + " Kops/s"

export function renderText(r: GradeReport): string {
    const L: string[] = []
    L.push(`bareheap grade: ${escapeText(r.className)} from ${escapeText(r.file)} (${r.where === "vm" ? "in the DeviceScript VM" : "on the host"}${r.lab === null ? "" : `, lab ${r.lab}`})`)
    L.push("")
    L.push("Correctness")
    const parts = [...new Set(r.outcomes.map(o => o.part))]
    for (const part of parts) {
        const items = r.outcomes.filter(o => o.part === part)
        const bad = items.filter(o => o.code !== "")
        L.push(`  ${part}: ${items.length - bad.length}/${items.length} passed`)
        for (const o of bad) L.push(`    FAIL [${o.code}] ${escapeText(o.name)}\n         ${escapeText(o.detail)}`)
    }
    if (r.forensics) {
        L.push("")
        L.push("Trace failure, replayed with every byte checked after every op:")
        L.push("  " + escapeText(r.forensics.text))
        if (r.forensics.map) L.push(r.forensics.map)
    }
    if (r.snippet) {
        L.push("")
        L.push("Smallest failing random program (fast-check, shrunk):")
        L.push(r.snippet.split("\n").map(l => "  " + escapeText(l)).join("\n"))
    }
    L.push("")
    if (r.traces.length > 0) {
        L.push("Traces (failures on the 32 KiB region; utilization = peak live payload / footprint)")
        for (const t of r.traces) L.push(`  ${t.name.padEnd(18)} ${String(t.ops).padStart(6)} ops  peak ${String(t.peakPayload).padStart(6)} B  ${String(t.failures).padStart(3)} failed  footprint ${t.footprint < 0 ? "  > 32 KiB" : String(t.footprint).padStart(6) + " B"}  ${pct(t.util)}`)
        L.push("")
    }
    if (r.measured.length > 0) {
        L.push(`Measured in this run (references: ${r.references.join(", ")})`)
        for (const m of r.measured) L.push(`  ${escapeText(m.name).padEnd(22)} U ${pct(m.util).padStart(8)}   T ${kops(m.opsPerSec).padStart(14)}`)
        L.push("")
    }
    const s = r.score
    if (r.formula !== FORMULA) L.push(`Score: ${s.total.toFixed(1)} / 100`)
    else L.push(`Score: ${s.total.toFixed(1)} / 100   (utilization ${s.utilPoints.toFixed(1)} / 60: U ${pct(s.util)} vs U_ref ${pct(s.utilRef)}; throughput ${s.speedPoints.toFixed(1)} / 40: T ${kops(s.opsPerSec)} vs T_ref ${kops(s.opsPerSecRef)})`)
    L.push(`  ${FORMULA}`)
    if (r.diagnosis) {
        L.push("")
        L.push(`Diagnosis: ${r.diagnosis.code} — ${r.diagnosis.explanation}`)
        L.push(`  first seen in ${escapeText(r.diagnosis.item)}: ${escapeText(r.diagnosis.detail)}`)
    } else L.push("Diagnosis: every correctness item passed")
    L.push(`(${(r.ms / 1000).toFixed(1)} s)`)
    return L.join("\n") + "\n"
}

function md(s: string): string {
    return escapeText(s).replace(/\|/g, "\\|").replace(/</g, "&lt;")
}

export function renderMarkdown(r: GradeReport): string {
    const L: string[] = []
    L.push(`# Grade: ${md(r.className)} (${r.where}${r.lab === null ? "" : `, lab ${r.lab}`})`)
    L.push("")
    L.push(`**Score: ${r.score.total.toFixed(1)} / 100** — ${r.diagnosis ? `diagnosis \`${r.diagnosis.code}\`: ${md(r.diagnosis.explanation)}` : "every correctness item passed"}`)
    L.push("")
    L.push(`Formula: ${md(r.formula)}`)
    L.push("")
    L.push("| part | item | result |")
    L.push("|---|---|---|")
    for (const o of r.outcomes) L.push(`| ${o.part} | ${md(o.name)} | ${o.code === "" ? "pass" : `**${o.code}**: ${md(o.detail)}`} |`)
    if (r.traces.length > 0) {
        L.push("")
        L.push("| trace | ops | peak payload B | failures (32 KiB) | footprint B | utilization |")
        L.push("|---|---:|---:|---:|---:|---:|")
        for (const t of r.traces) L.push(`| ${t.name} | ${t.ops} | ${t.peakPayload} | ${t.failures} | ${t.footprint} | ${t.util.toFixed(3)} |`)
    }
    if (r.measured.length > 0) {
        L.push("")
        L.push("| allocator | U | T (ops/s) |")
        L.push("|---|---:|---:|")
        for (const m of r.measured) L.push(`| ${md(m.name)} | ${m.util.toFixed(3)} | ${Math.round(m.opsPerSec)} |`)
    }
    if (r.forensics) L.push("", "## Trace failure", "", md(r.forensics.text), "", "```", r.forensics.map, "```")
    if (r.snippet) L.push("", "## Smallest failing program", "", "```ts", r.snippet, "```")
    return L.join("\n") + "\n"
}
