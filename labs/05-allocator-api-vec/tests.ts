/**
 * labs/05-allocator-api-vec/tests.ts — lab 5's cases (host): each gets the
 * student's module and checks LabVec over a TLSF heap on an 8 KiB region,
 * through the Allocator API adapter (src/api/allocator_api.ts).
 */
import { AllocError, GlobalAllocAdapter } from "../../src/api/allocator_api"
import { HeapAllocator } from "../../src/api/global_alloc"
import { TlsfAllocator } from "../../src/allocators/tlsf"
import { StaticRegion } from "../../src/core/region"
import { assert, assertEq } from "../../tests/contract/check"
import { ModuleCase } from "../../grader/module_grade"

interface Vec {
    len(): number
    capacity(): number
    push(v: number): void
    get(i: number): number
    pop(): number
    shrinkToFit(): void
    drop(): void
}

function setup(mod: Record<string, any>, bytes = 8192): { heap: HeapAllocator; v: Vec } {
    const heap = new TlsfAllocator(new StaticRegion(0x20020000, bytes))
    assert(typeof mod["LabVec"] === "function", "the file exports no LabVec class")
    return { heap, v: mod["LabVec"].newIn(new GlobalAllocAdapter(heap)) as Vec }
}

export const MODULE_CASES: ModuleCase[] = [
    {
        name: "an empty vector allocates nothing",
        run: async mod => {
            const { heap, v } = setup(mod)
            assertEq(v.len(), 0, "len")
            assertEq(v.capacity(), 0, "capacity")
            assertEq(heap.stats().liveBlocks, 0, "live blocks")
        },
    },
    {
        name: "push keeps every value; capacity doubles, so 100 pushes grow ≤ 8 times",
        run: async mod => {
            const { heap, v } = setup(mod)
            for (let i = 0; i < 100; i++) v.push(i * 7 + 0x10000)
            assertEq(v.len(), 100, "len")
            for (let i = 0; i < 100; i++) assertEq(v.get(i), i * 7 + 0x10000, "element " + i)
            assert(v.capacity() >= 100 && v.capacity() <= 200, "capacity " + v.capacity())
            assertEq(heap.stats().liveBlocks, 1, "one block holds the elements")
            assert(heap.stats().reallocs + heap.stats().allocs <= 9, "grew " + (heap.stats().reallocs + heap.stats().allocs) + " times")
        },
    },
    {
        name: "pop returns the last value; shrinkToFit makes capacity = len; drop frees the block",
        run: async mod => {
            const { heap, v } = setup(mod)
            for (let i = 0; i < 20; i++) v.push(i)
            assertEq(v.pop(), 19, "pop")
            v.shrinkToFit()
            assertEq(v.capacity(), 19, "capacity after shrinkToFit")
            assertEq(heap.stats().requested, 19 * 4, "bytes requested after shrinkToFit")
            for (let i = 0; i < 19; i++) assertEq(v.get(i), i, "element " + i + " after shrinkToFit")
            v.drop()
            assertEq(heap.stats().liveBlocks, 0, "live blocks after drop")
        },
    },
    {
        name: "a grow that fails throws AllocError and leaves the vector as it was",
        run: async mod => {
            const { v } = setup(mod, 1024)
            let caught: unknown = null
            let n = 0
            try {
                for (; n < 1000; n++) v.push(n)
            } catch (e) {
                caught = e
            }
            assert(caught instanceof AllocError, "expected AllocError, got " + caught)
            assertEq(v.len(), n, "len after the failed push")
            for (let i = 0; i < n; i++) assertEq(v.get(i), i, "element " + i + " after the failed push")
        },
    },
]
