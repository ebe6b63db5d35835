/**
 * grader/module_grade.ts — host only: grades a lab that is not an allocator
 * (the memory map, the Allocator API and Vec, locality): the lab's tests.ts
 * exports MODULE_CASES, each given the student's module; the report is the
 * same GradeReport as an allocator's, with the score
 *   100 × passed cases / cases   (and the diagnosis of the first failure).
 */
import path from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath, pathToFileURL } from "node:url"
import { codeOf, errorText, Outcome } from "./diagnosis"
import { diagnose, GradeReport } from "./report"
import { Score } from "./score"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/** A case of a module lab: gets the student's module (its exports by name). */
export interface ModuleCase {
    name: string
    run: (mod: Record<string, any>) => Promise<void>
}

export const MODULE_FORMULA = "score = 100 × passed cases / cases"

/** Grades `file` with the MODULE_CASES of `casesFile`. */
export async function gradeModule(file: string, lab: number, casesFile: string | null): Promise<GradeReport> {
    const t0 = performance.now()
    const report: GradeReport = { file: path.resolve(file), className: path.basename(file), where: "host", lab, outcomes: [], correct: false, diagnosis: null, traces: [], measured: [], references: [], score: new Score(), formula: MODULE_FORMULA, snippet: "", forensics: null, ms: 0 }
    let mod: Record<string, any>
    let cases: ModuleCase[]
    try {
        mod = await import(pathToFileURL(path.resolve(file)).href)
        cases = (await import(pathToFileURL(path.resolve(ROOT, casesFile ?? "")).href)).MODULE_CASES
        if (!Array.isArray(cases)) throw new Error(`${casesFile} exports no MODULE_CASES`)
    } catch (e) {
        report.outcomes.push(new Outcome("load", "the file and the lab's cases load", codeOf(e, "no-allocator"), errorText(e)))
        report.diagnosis = diagnose(report.outcomes)
        return report
    }
    for (const c of cases) {
        try {
            await c.run(mod)
            report.outcomes.push(new Outcome("lab", c.name, "", ""))
        } catch (e) {
            report.outcomes.push(new Outcome("lab", c.name, codeOf(e, "contract"), errorText(e)))
        }
    }
    const passed = report.outcomes.filter(o => o.code === "").length
    report.correct = passed === report.outcomes.length
    report.diagnosis = diagnose(report.outcomes)
    report.score.total = Math.round((1000 * passed) / Math.max(1, report.outcomes.length)) / 10
    report.ms = performance.now() - t0
    return report
}
