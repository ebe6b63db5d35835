/**
 * cli/grade.ts — `bareheap grade <file.ts> [--lab N] [--vm] [--class Name]
 * [--json out.json] [--markdown out.md] [--quick]`: grades an allocator class
 * (grader/grade.ts on the host, grader/vm.ts in the DeviceScript VM), prints
 * the terminal report and writes JSON / Markdown for an autograder.
 * Exit code: 0 every correctness item passed, 1 something failed (or the
 * file could not be graded), 2 usage error.
 */
import { writeFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { GradeOptions, gradeHost } from "../grader/grade"
import { renderMarkdown, renderText } from "../grader/report"
import { labById, LABS } from "../labs/labs"

const HELP = `Usage: bareheap grade <file.ts> [options]      (npm run grade -- <file.ts> …)

Grades the allocator class a TypeScript file exports (the HeapAllocator
interface of src/api/global_alloc.ts, built as new C(region)): probes that name
classic bugs, the GlobalAlloc contract cases, random programs (fast-check; the
smallest failing one is printed as a runnable snippet) and malloc-lab trace
replay with payload checks; then, if all of that passes, the score:
  100 × (0.6 × min(1, U / U_ref) + 0.4 × min(1, T / (0.8 × T_ref)))
against the project's reference allocators measured in the same run.

  --lab N         grade as lab N (its references and extra cases; see bareheap lab)
  --vm            run everything inside DeviceScript's WASM VM (the file built with devs)
  --class Name    the exported class to grade (default: the first allocator-shaped export)
  --json FILE     write the report as JSON
  --markdown FILE write the report as Markdown
  --quick         fewer traces, programs and timing rounds (what the self-tests use)`

/** `bareheap grade …`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
    let parsed
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                lab: { type: "string" },
                vm: { type: "boolean", default: false },
                class: { type: "string" },
                json: { type: "string" },
                markdown: { type: "string" },
                quick: { type: "boolean", default: false },
                help: { type: "boolean", default: false },
            },
            strict: true,
        })
    } catch (e) {
        process.stderr.write(`bareheap grade: ${(e as Error).message}\n\n${HELP}\n`)
        return 2
    }
    const v = parsed.values
    if (v.help) {
        process.stdout.write(HELP + "\n")
        return 0
    }
    if (parsed.positionals.length !== 1) {
        process.stderr.write(`bareheap grade: expected one file to grade, got ${parsed.positionals.length}\n\n${HELP}\n`)
        return 2
    }
    const opts: GradeOptions = { file: parsed.positionals[0], className: v.class, lab: null }
    let moduleLab = null
    if (v.lab !== undefined) {
        const lab = labById(v.lab)
        if (!lab) {
            process.stderr.write(`bareheap grade: no lab ${JSON.stringify(v.lab)}; labs are ${LABS.map(l => l.id).join(", ")}\n`)
            return 2
        }
        if (!lab.graded && v.vm) {
            process.stderr.write(`bareheap grade: lab ${lab.id} (${lab.title}) is not an allocator lab: its cases run on the host only (drop --vm)\n`)
            return 2
        }
        opts.lab = lab.id
        opts.className = v.class ?? lab.className
        opts.references = lab.references
        opts.labCasesFile = lab.casesFile
        if (!lab.graded) moduleLab = lab
    }
    if (v.quick) {
        opts.traces = QUICK_TRACES
        opts.propertyRuns = 15
        opts.rounds = 2
    }
    let report
    if (moduleLab) {
        const { gradeModule } = await import("../grader/module_grade")
        report = await gradeModule(opts.file, moduleLab.id, moduleLab.casesFile)
    } else if (v.vm) {
        const { gradeVm } = await import("../grader/vm")
        report = await gradeVm(opts, line => process.stderr.write(line + "\n"))
    } else report = await gradeHost(opts)
    process.stdout.write(renderText(report))
    if (v.json) writeFileSync(v.json, JSON.stringify(report, null, 2) + "\n")
    if (v.markdown) writeFileSync(v.markdown, renderMarkdown(report))
    return report.correct ? 0 : 1
}

/** The traces of --quick: two whole traces and two windows (≈ 2,600 ops). */
export const QUICK_TRACES = ["short1-bal", "short2-bal", "amptjp-bal-w1", "binary-bal-w1"]
