/**
 * bench/grade_time.ts — `npm run bench:grade`: how long grading one reference
 * allocator takes, on the host and with --vm, with the CLI's defaults (every
 * MCU trace but realloc2-bal on the host, 40 random programs, 5 timed rounds;
 * in the VM the six trace fixtures, 10 programs, 3 rounds). The target is
 * ≤ 2 minutes each (issue 13). Writes bench/grade-time.md.
 *
 * Method: each grade runs `runs` times (default 2) one after the other in this
 * process; the table gives every wall time and the phases of the last run.
 * The machine is shared (2 cores, 8 engineers): read the numbers as an upper
 * bound, and compare host and VM measured side by side in one run.
 *
 *   npm run bench:grade [-- --kind tlsf] [--runs N]
 */
import { writeFileSync } from "node:fs"
import path from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { gradeHost } from "../grader/grade"
import { gradeVm } from "../grader/vm"

const CLASSES: Record<string, string> = { buddy: "BuddyAllocator", tlsf: "TlsfAllocator", pool: "PoolAllocator", bump: "BumpAllocator" }

async function main(): Promise<number> {
    const { values } = parseArgs({ options: { kind: { type: "string", default: "tlsf" }, runs: { type: "string", default: "2" } }, strict: true })
    const kind = values.kind!
    const runs = Number(values.runs)
    if (!CLASSES[kind] || !(runs >= 1)) {
        process.stderr.write(`usage: npm run bench:grade -- [--kind ${Object.keys(CLASSES).join("|")}] [--runs N ≥ 1]\n`)
        return 2
    }
    const file = `src/allocators/${kind}.ts`
    const rows: string[] = []
    const seconds = (ms: number) => (ms / 1000).toFixed(1)
    for (const where of ["host", "vm"] as const) {
        const times: number[] = []
        let correct = true
        let score = 0
        for (let i = 0; i < runs; i++) {
            const t0 = performance.now()
            const r = where === "host" ? await gradeHost({ file, className: CLASSES[kind] }) : await gradeVm({ file, className: CLASSES[kind] }, l => process.stderr.write(l + "\n"))
            times.push(performance.now() - t0)
            correct = correct && r.correct
            score = r.score.total
            process.stderr.write(`${where} run ${i + 1}: ${seconds(times[i])} s, score ${score}\n`)
        }
        rows.push(`| ${where} | ${times.map(seconds).join(", ")} | ${seconds(Math.max(...times))} | ${correct ? "yes" : "NO"} | ${score.toFixed(1)} |`)
    }
    const md = [
        "# Time to grade one reference allocator",
        "",
        `Written by \`npm run bench:grade -- --kind ${kind} --runs ${runs}\` (bench/grade_time.ts; method in its header), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, on a shared 2-core machine while other work ran: upper bounds. Target: ≤ 120 s each.`,
        "",
        `Graded: ${CLASSES[kind]} (${file}) with the CLI's defaults.`,
        "",
        "| where | wall time per run, s | worst, s | all items passed | score |",
        "|---|---:|---:|---:|---:|",
        ...rows,
        "",
    ].join("\n")
    const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "grade-time.md")
    writeFileSync(out, md)
    process.stdout.write(md)
    return 0
}

main().then(
    code => {
        process.exitCode = code
    },
    e => {
        process.stderr.write(`bench:grade: ${e instanceof Error ? e.message : String(e)}\n`)
        process.exitCode = 1
    },
)
