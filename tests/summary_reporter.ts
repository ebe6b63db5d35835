/**
 * A vitest reporter that ends the run with one plain line,
 * "vitest: N passed, N failed[, N skipped]", which CI reads as the test
 * runner's closing summary. Errors outside tests count as failures.
 */
import type { Reporter, TestModule } from "vitest/node"

export class SummaryReporter implements Reporter {
    onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
        let passed = 0
        let failed = unhandledErrors.length
        let skipped = 0
        for (const m of testModules) {
            if (m.state() === "failed" && [...m.children.allTests()].length === 0) failed++ // a file that failed to load
            for (const t of m.children.allTests()) {
                const state = t.result().state
                if (state === "passed") passed++
                else if (state === "failed") failed++
                else skipped++
            }
        }
        console.log(`vitest: ${passed} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : ""))
    }
}
