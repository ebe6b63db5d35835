/**
 * grader/properties.ts — host only: fast-check drives grader/program.ts's
 * random programs; a failing program is shrunk to the smallest one fast-check
 * finds and printed as a TypeScript snippet that reproduces it (the calls, with
 * the pointers the allocator returned as comments, and the failure).
 *
 * Bounds: `runs` programs of 1..150 ops (no minimum, so a failure shrinks to its few ops) (default 40), at most `timeLimitMs`
 * for the search and the shrinking together (fast-check stops and reports the
 * smallest failure found so far).
 */
import fc from "fast-check"
import path from "node:path"
import { HeapAllocator } from "../src/api/global_alloc"
import { codeOf, errorText, Outcome } from "./diagnosis"
import { Op, runProgram } from "./program"

const opArb: fc.Arbitrary<Op> = fc
    .tuple(fc.integer({ min: 0, max: 9 }), fc.nat({ max: 1 << 20 }), fc.nat({ max: 1 << 20 }), fc.nat({ max: 1 << 20 }))
    .map(([k, a, b, c]) => new Op(k, a, b, c))

export interface PropertyResult {
    outcome: Outcome
    /** The shrunk failing program as a runnable snippet ("" when it passed). */
    snippet: string
    ops: number
}

/** The snippet that replays `log` on a fresh `className` from `file` (paths relative to the repository root). */
export function snippetOf(root: string, file: string, className: string, regionBytes: number, log: string[], failure: string): string {
    let rel = path.relative(root, file).replace(/\\/g, "/").replace(/\.ts$/, "")
    if (!rel.startsWith(".")) rel = "./" + rel
    return [
        `// Save in the repository root as repro.ts and run: npx tsx repro.ts`,
        `import { Layout } from "./src/core/layout"`,
        `import { StaticRegion } from "./src/core/region"`,
        `import { ${className} } from ${JSON.stringify(rel)}`,
        ``,
        `const heap = new ${className}(new StaticRegion(0x20020000, ${regionBytes}))`,
        ...log,
        `console.log(heap.check()) // the grader saw: ${failure.replace(/[\r\n]+/g, " ")}`,
    ].join("\n")
}

/** Runs the property; on failure, the shrunk program's outcome and snippet. */
export async function checkProperties(make: () => HeapAllocator, snippet: (log: string[], failure: string) => string, runs = 40, timeLimitMs = 20_000): Promise<PropertyResult> {
    let total = 0
    const name = `${runs} random programs of 1–150 ops keep the contract`
    const res = await fc.check(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 150 }), async ops => {
            total += await runProgram(make(), ops, [])
        }),
        { numRuns: runs, interruptAfterTimeLimit: timeLimitMs, markInterruptAsFailure: false, seed: 42 },
    )
    if (!res.failed || res.counterexample === null) return { outcome: new Outcome("property", name, "", ""), snippet: "", ops: total }
    const ops = res.counterexample[0]
    const log: string[] = []
    let err: unknown = res.errorInstance
    try {
        await runProgram(make(), ops, log)
    } catch (e) {
        err = e
    }
    const text = errorText(err)
    return { outcome: new Outcome("property", name, codeOf(err, "property"), `${text} (smallest failing program: ${log.length} calls, after ${res.numShrinks} shrinks)`), snippet: snippet(log, text), ops: total }
}
