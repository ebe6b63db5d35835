/**
 * In-VM self-tests of the allocators: the same conformance cases the host
 * runs (tests/contract/conformance.ts), here inside DeviceScript's VM via
 * @devicescript/test, on an 8 KiB region (GC-stress makes every call cost
 * ~40 µs, so the region is smaller than a board's), plus the firmware's demo
 * on the default board's real region.
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_alloc.ts --test --test-self-exit`.
 */
import { describe, expect, test } from "@devicescript/test"
import { boardById } from "../../boards/index"
import { ALLOCATOR_KINDS, makeAllocator } from "../../src/allocators"
import { runFirmware } from "../../src/firmware"
import { setGlobalAllocator } from "../../src/global_alloc"
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

function registerDemo(kind: string): void {
    test("demo workload with " + kind + " on pico: streams events and frees everything", async () => {
        const lines: string[] = []
        const heap = await runFirmware(boardById("pico"), kind, { emit: l => lines.push(l) })
        expect(heap.stats().liveBlocks).toBe(0)
        expect(heap.check().length).toBe(0)
        expect(lines.length > 100).toBe(true)
        expect(lines[0].slice(0, 2)).toBe("~H")
        // Unregister, so the next demo's 32 KiB region fits in the VM's 64 KiB heap.
        setGlobalAllocator(null)
    })
}

describe("firmware", () => {
    ALLOCATOR_KINDS.forEach(registerDemo)
})
