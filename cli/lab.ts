/**
 * cli/lab.ts — `bareheap lab [N]`: lists the lab exercises (labs/labs.ts),
 * or shows one: its README and the commands to test and grade it.
 * Exit code 0, 2 for an unknown lab or a bad option.
 */
import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { labById, LABS } from "../labs/labs"

const HELP = `Usage: bareheap lab [N]      (npm run lab -- [N])

Without N: lists the exercises of the lab kit (labs/), easiest first.
With N: prints exercise N's README and how to test and grade it.`

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

export async function main(argv: string[]): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) {
        process.stdout.write(HELP + "\n")
        return 0
    }
    if (argv.length > 1 || (argv.length === 1 && argv[0].startsWith("-"))) {
        process.stderr.write(`bareheap lab: unexpected arguments ${JSON.stringify(argv)}\n\n${HELP}\n`)
        return 2
    }
    if (argv.length === 0) {
        const lines = ["Lab exercises (bareheap lab N shows one):", ""]
        for (const l of LABS) lines.push(`  ${l.id}. ${l.title} — ${l.summary}`, `     start: ${l.starter}    test: ${l.testCommand}`)
        process.stdout.write(lines.join("\n") + "\n")
        return 0
    }
    const lab = labById(argv[0])
    if (!lab) {
        process.stderr.write(`bareheap lab: no lab ${JSON.stringify(argv[0])}; labs are ${LABS.map(l => l.id).join(", ")}\n`)
        return 2
    }
    const readme = readFileSync(path.join(ROOT, "labs", lab.dir, "README.md"), "utf8")
    process.stdout.write(`${readme.trimEnd()}\n\n---\nStarter: ${lab.starter}\nTest:    ${lab.testCommand}\n${lab.graded ? `Grade in the VM: npm run grade -- ${lab.starter} --lab ${lab.id} --vm\n` : ""}`)
    return 0
}
