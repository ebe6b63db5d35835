/**
 * tests/vm/register_target.ts — how the in-VM self-test programs turn a list
 * of portable cases (tests/contract/) into @devicescript/test tests: one
 * describe per target, each case run on a fresh allocator from `make` over a
 * region of `regionBytes` (kept small: GC-stress makes every call cost
 * ~40 µs). Each case starts on a fresh VM slice (settle()): the test runner
 * does not yield between tests, and a case that follows a busy one could
 * otherwise pass the 131,072-opcode limit of a slice.
 *
 * It takes a factory rather than an allocator kind so that a program can
 * link only the allocators it tests (a program importing src/allocators/registry.ts
 * compiles all four, and the tracking cases only fit DeviceScript's 64 KB of
 * function bytecode with two per program). register.ts is the by-kind form.
 */
import { describe, test } from "@devicescript/test"
import { HeapAllocator } from "../../src/api/global_alloc"
import { StaticRegion } from "../../src/core/region"
import { settle } from "../contract/check"
import { ConformanceCase, ConformanceTarget } from "../contract/conformance"

function registerCase(target: ConformanceTarget, c: ConformanceCase): void {
    test(c.name, async () => {
        await settle()
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

/** Registers `cases` (as "title: kind") for each allocator kind with its factory (kinds[i] ↔ makers[i]). */
export function registerForEach(title: string, regionBytes: number, cases: ConformanceCase[], kinds: string[], makers: ((r: StaticRegion) => HeapAllocator)[]): void {
    for (let i = 0; i < kinds.length; i++) registerCasesWith(title, kinds[i], regionBytes, makers[i], cases)
}
