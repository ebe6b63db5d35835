/**
 * tests/vm/demo_case.ts — the firmware's main job as an in-VM test: the demo
 * workload (the sensor logger) on the default board's real 32 KiB region,
 * with the heap a factory builds. The programs selftest_demo_*.ts register it for two
 * allocators each: with all four allocators and the demo, one program came
 * within 0.5 KB of DeviceScript's 64 KB function-bytecode limit. Each runs
 * in a program of its own because the region needs 32 KiB of contiguous VM
 * heap (of 64 KiB), which a VM that has run many tests may not have.
 */
import { describe, expect, test } from "@devicescript/test"
import { boardById } from "../../boards/index"
import { runFirmware } from "../../src/firmware/firmware"
import { HeapAllocator, setGlobalAllocator } from "../../src/api/global_alloc"
import { StaticRegion } from "../../src/core/region"

/** An allocator over a region, as the pair_*.ts files list them. */
type RegionMaker = (r: StaticRegion) => HeapAllocator

function registerDemo(kind: string, make: RegionMaker): void {
    test("demo workload with " + kind + " on pico: streams events, peaks at 60-90 % of the region, leaks only its config string", async () => {
        // Count the lines rather than keep them: a 32 KiB region already takes
        // half of the VM's 64 KiB heap.
        let count = 0
        let first = ""
        const heap = await runFirmware(boardById("pico"), board => make(StaticRegion.forBoard(board)), {
            emit: l => {
                if (count === 0) first = l
                count++
            },
        })
        expect(heap.kind).toBe(kind)
        const s = heap.stats()
        expect(s.liveBlocks).toBe(1) // the demo's deliberate leak
        const size = boardById("pico").heap.size
        expect(s.peakInUse * 10 >= size * 6 && s.peakInUse * 10 <= size * 9).toBe(true)
        expect(s.failures >= 2).toBe(true) // the fragmented request and the OOM moment's first try
        expect(heap.check().length).toBe(0)
        expect(count > 100).toBe(true)
        expect(first.slice(0, 2)).toBe("~H")
        // Unregister, so the next demo's 32 KiB region fits in the VM's 64 KiB heap.
        setGlobalAllocator(null)
    })
}

/** `describe("firmware")` with the demo for each named factory. */
export function registerDemos(kinds: string[], makers: RegionMaker[]): void {
    describe("firmware", () => {
        for (let i = 0; i < kinds.length; i++) registerDemo(kinds[i], makers[i])
    })
}
