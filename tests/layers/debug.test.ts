/**
 * The debug modes (src/layers/debug.ts) over every region allocator: the
 * suites of debug_suite.ts (its header says what runs and why four
 * conformance cases skip the quarantine). System and multi run in
 * debug_views.test.ts.
 */
import { expect, test } from "vitest"
import { ALLOCATOR_KINDS } from "../../src/allocators/registry"
import { CONFORMANCE_CASES } from "../contract/conformance"
import { debugSuites, QUARANTINE_EXCLUDED } from "./debug_suite"

test("QUARANTINE_EXCLUDED names existing conformance cases", () => {
    const names = CONFORMANCE_CASES.map(c => c.name)
    for (const n of QUARANTINE_EXCLUDED) if (names.indexOf(n) < 0) expect.fail(`no conformance case named "${n}"`)
})

for (const kind of ALLOCATOR_KINDS) debugSuites(kind)
