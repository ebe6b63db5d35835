/**
 * tests/vm/register.ts — how the in-VM self-test programs turn a list of
 * portable cases (tests/contract/) into @devicescript/test tests: one
 * describe per allocator kind, each case run on a fresh allocator of that
 * kind over a region of `regionBytes` (kept small: GC-stress makes every
 * call cost ~40 µs).
 */
import { describe, test } from "@devicescript/test"
import { makeAllocator } from "../../src/allocators"
import { StaticRegion } from "../../src/region"
import { ConformanceCase, ConformanceTarget } from "../contract/conformance"

function registerCase(target: ConformanceTarget, c: ConformanceCase): void {
    test(c.name, async () => {
        await c.run(target)
    })
}

/** `describe(title + ": " + kind)` with every case run against `kind` on a fresh region. */
export function registerCases(title: string, kind: string, regionBytes: number, cases: ConformanceCase[]): void {
    describe(title + ": " + kind, () => {
        const target: ConformanceTarget = {
            name: kind + " on " + regionBytes + " bytes",
            make: () => makeAllocator(kind, new StaticRegion(0x20020000, regionBytes)),
        }
        cases.forEach(c => registerCase(target, c))
    })
}
