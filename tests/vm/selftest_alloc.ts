/**
 * In-VM self-tests of the allocators: the same conformance cases the host
 * runs (tests/contract/conformance.ts), here inside DeviceScript's VM via
 * @devicescript/test, on an 8 KiB region (GC-stress makes every call cost
 * ~40 µs, so the region is smaller than a board's). The firmware's demo on a
 * board's real region is in selftest_demo.ts, a VM of its own.
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_alloc.ts --test --test-self-exit`.
 */
import { describe, expect, test } from "@devicescript/test"
import { ALLOCATOR_KINDS, makeAllocator } from "../../src/allocators"
import { StaticRegion } from "../../src/region"
import { CONFORMANCE_CASES, ConformanceCase, ConformanceTarget } from "../contract/conformance"

function registerCase(target: ConformanceTarget, c: ConformanceCase): void {
    test(c.name, async () => {
        await c.run(target)
    })
}

function registerAllocator(kind: string): void {
    describe("conformance: " + kind, () => {
        const target: ConformanceTarget = {
            name: kind + " on 8 KiB",
            make: () => makeAllocator(kind, new StaticRegion(0x20020000, 8192)),
        }
        CONFORMANCE_CASES.forEach(c => registerCase(target, c))
    })
}

ALLOCATOR_KINDS.forEach(registerAllocator)
