/**
 * In-VM self-test of the firmware's main job: the demo workload on the
 * default board's real 32 KiB region, for every allocator kind. A file of its
 * own because the region needs 32 KiB of contiguous VM heap (of 64 KiB),
 * which a VM that has already run many tests may not have.
 *
 * Run by tests/vm.test.ts as `devs run tests/vm/selftest_demo.ts --test --test-self-exit`.
 */
import { describe, expect, test } from "@devicescript/test"
import { boardById } from "../../boards/index"
import { ALLOCATOR_KINDS, makeAllocator } from "../../src/allocators"
import { runFirmware } from "../../src/firmware"
import { setGlobalAllocator } from "../../src/global_alloc"

function registerDemo(kind: string): void {
    test("demo workload with " + kind + " on pico: streams events and frees everything", async () => {
        // Count the lines rather than keep them: a 32 KiB region already takes
        // half of the VM's 64 KiB heap.
        let count = 0
        let first = ""
        const heap = await runFirmware(boardById("pico"), region => makeAllocator(kind, region), {
            emit: l => {
                if (count === 0) first = l
                count++
            },
        })
        expect(heap.stats().liveBlocks).toBe(0)
        expect(heap.check().length).toBe(0)
        expect(count > 100).toBe(true)
        expect(first.slice(0, 2)).toBe("~H")
        // Unregister, so the next demo's 32 KiB region fits in the VM's 64 KiB heap.
        setGlobalAllocator(null)
    })
}

describe("firmware", () => {
    ALLOCATOR_KINDS.forEach(registerDemo)
})
