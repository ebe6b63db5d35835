/**
 * tests/vm/register_target.ts — registers portable cases against one given
 * target, like register.ts but without makeAllocator: a program that imports
 * src/allocators.ts compiles all four allocators, and the tracking cases
 * (containers, logging and the tracker on top) only fit DeviceScript's 64 KB
 * of function bytecode with two allocators per program
 * (tests/vm/selftest_tracking*.ts).
 */
import { describe, test } from "@devicescript/test"
import { HeapAllocator } from "../../src/global_alloc"
import { StaticRegion } from "../../src/region"
import { ConformanceCase, ConformanceTarget } from "../contract/conformance"

function registerCase(target: ConformanceTarget, c: ConformanceCase): void {
    test(c.name, async () => {
        await c.run(target)
    })
}

/** `describe(title + ": " + kind)` with every case run on a fresh `make(region)` over `regionBytes`. */
export function registerCasesWith(title: string, kind: string, regionBytes: number, make: (r: StaticRegion) => HeapAllocator, cases: ConformanceCase[]): void {
    describe(title + ": " + kind, () => {
        const target: ConformanceTarget = {
            name: kind + " on " + regionBytes + " bytes",
            make: () => make(new StaticRegion(0x20020000, regionBytes)),
        }
        cases.forEach(c => registerCase(target, c))
    })
}
