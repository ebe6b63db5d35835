/**
 * labs/06-locality/tests.ts — lab 6's cases (host): each gets the student's
 * module; the layouts are measured on the project's TLSF and bump allocators.
 */
import { HeapAllocator } from "../../src/api/global_alloc"
import { BumpAllocator } from "../../src/allocators/bump"
import { TlsfAllocator } from "../../src/allocators/tlsf"
import { StaticRegion } from "../../src/core/region"
import { assert, assertEq } from "../../tests/contract/check"
import { ModuleCase } from "../../grader/module_grade"

type Fn = (...args: any[]) => number

function fn(mod: Record<string, any>, name: string): Fn {
    assert(typeof mod[name] === "function", "the file exports no function " + name)
    return mod[name] as Fn
}

const heaps: [string, () => HeapAllocator][] = [
    ["tlsf", () => new TlsfAllocator(new StaticRegion(0x20020000, 8192))],
    ["bump", () => new BumpAllocator(new StaticRegion(0x20020000, 8192))],
]

export const MODULE_CASES: ModuleCase[] = [
    {
        name: "distinctLines counts the lines addresses fall in",
        run: async mod => {
            const f = fn(mod, "distinctLines")
            assertEq(f([0, 1, 31, 32, 64, 95, 96], 32), 4, "distinctLines([0, 1, 31, 32, 64, 95, 96], 32)")
            assertEq(f([0x20020000, 0x20020fff, 0x20021000], 4096), 2, "distinctLines(3 addresses, 4096)")
            assertEq(f([], 32), 0, "distinctLines([], 32)")
        },
    },
    {
        name: "meanDistance is the mean gap between consecutive pointers",
        run: async mod => {
            const f = fn(mod, "meanDistance")
            assertEq(f([0x100, 0x140, 0x100]), 64, "meanDistance([0x100, 0x140, 0x100])")
            assertEq(f([0x100]), 0, "meanDistance of one pointer")
        },
    },
    {
        name: "a Vec of 64 values touches 8 or 9 lines, and frees its block",
        run: async mod => {
            const f = fn(mod, "valuesLayoutLines")
            for (const [name, make] of heaps) {
                const heap = make()
                const lines = f(heap, 64)
                assert(lines === 8 || lines === 9, name + ": " + lines + " lines for 64 × 4 bytes in one block")
                assertEq(heap.stats().liveBlocks, 0, name + ": live blocks afterwards")
            }
        },
    },
    {
        name: "a Vec of 64 boxes touches at least twice the lines of the values, and frees every block",
        run: async mod => {
            const values = fn(mod, "valuesLayoutLines")
            const boxes = fn(mod, "boxesLayoutLines")
            for (const [name, make] of heaps) {
                const heap = make()
                const v = values(heap, 64)
                const b = boxes(heap, 64)
                assert(b >= 2 * v && b <= 64 + 9, name + ": boxes touch " + b + " lines, values " + v)
                assertEq(heap.stats().liveBlocks, 0, name + ": live blocks afterwards")
            }
        },
    },
]
