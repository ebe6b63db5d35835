/**
 * labs/02-bump/tests.ts — lab 2's own cases, run by `bareheap grade --lab 2`
 * after the probes and the contract (portable, like tests/contract/).
 * What a bump allocator must do beyond the contract: freeing the newest
 * block gives its space back at once, and reset() empties the heap.
 */
import { HeapAllocator } from "../../src/api/global_alloc"
import { Layout } from "../../src/core/layout"
import { assert, assertEq } from "../../tests/contract/check"
import { ConformanceCase } from "../../tests/contract/conformance"

/** The reset() a lab-2 allocator offers (BumpAllocator's too). */
interface Resettable extends HeapAllocator {
    reset(): void
}

export const LAB_CASES: ConformanceCase[] = [
    {
        name: "bump: freeing the newest block gives its space back to the next alloc",
        run: async t => {
            const heap = t.make()
            const l = Layout.fromSizeAlign(40, 8)
            heap.alloc(l)
            const b = heap.alloc(l)
            heap.dealloc(b, l)
            assertEq(heap.alloc(l), b, "the block after freeing the newest")
        },
    },
    {
        name: "bump: blocks are handed out at rising addresses",
        run: async t => {
            const heap = t.make()
            let last = 0
            for (let i = 1; i <= 10; i++) {
                const p = heap.alloc(Layout.fromSizeAlign(i * 3, 4))
                assert(p > last, "block " + i + " at " + p + " is not above the previous one at " + last)
                last = p
            }
        },
    },
    {
        name: "bump: reset() frees every block and starts again at the bottom",
        run: async t => {
            const heap = t.make() as Resettable
            assert(typeof heap.reset === "function", "the allocator has no reset() method")
            const l = Layout.fromSizeAlign(100, 8)
            const first = heap.alloc(l)
            for (let i = 0; i < 5; i++) heap.alloc(l)
            heap.reset()
            assertEq(heap.stats().liveBlocks, 0, "liveBlocks after reset")
            assertEq(heap.alloc(l), first, "the first block after reset")
        },
    },
]
