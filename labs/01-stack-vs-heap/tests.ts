/**
 * labs/01-stack-vs-heap/tests.ts — lab 1's cases (host): each gets the
 * student's module and asks about the boards' memory maps (boards/*.ts) and
 * the cost of a block on the project's allocators.
 */
import { ESP32C3 } from "../../boards/esp32c3"
import { PICO } from "../../boards/pico"
import { makeAllocator } from "../../src/allocators/registry"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { assert, assertEq } from "../../tests/contract/check"
import { ModuleCase } from "../../grader/module_grade"

type Fn = (...args: any[]) => any

function fn(mod: Record<string, any>, name: string): Fn {
    assert(typeof mod[name] === "function", "the file exports no function " + name)
    return mod[name] as Fn
}

function same(got: unknown, want: string, what: string): void {
    assert(got === want, what + ": got " + JSON.stringify(got) + ", expected " + JSON.stringify(want))
}

export const MODULE_CASES: ModuleCase[] = [
    {
        name: "regionOf names the region that holds an address",
        run: async mod => {
            const f = fn(mod, "regionOf")
            same(f(PICO, 0x20020010), "SRAM0-3 (striped)", "pico 0x20020010")
            same(f(PICO, 0x10000100), "XIP flash", "pico 0x10000100")
            same(f(PICO, 0x20041ffc), "SRAM5", "pico 0x20041ffc (the top of core 0's stack)")
            same(f(PICO, 0x30000000), "unmapped", "pico 0x30000000")
            same(f(ESP32C3, 0x3fca0000), "SRAM1 (DRAM)", "esp32c3 0x3fca0000")
        },
    },
    {
        name: "placeOf: the stack, the program heap, the region and flash on the pico and the esp32c3",
        run: async mod => {
            const f = fn(mod, "placeOf")
            same(f(PICO, "stack"), "SRAM5", "pico stack")
            same(f(PICO, "program heap"), "SRAM0-3 (striped)", "pico program heap")
            same(f(PICO, "region"), "SRAM0-3 (striped)", "pico region")
            same(f(PICO, "flash"), "XIP flash", "pico flash")
            same(f(ESP32C3, "stack"), "SRAM1 (DRAM)", "esp32c3 stack")
            same(f(ESP32C3, "flash"), "External flash (data)", "esp32c3 flash")
        },
    },
    {
        name: "blockCost: what a block really takes, on every allocator, and the heap is left as it was",
        run: async mod => {
            const f = fn(mod, "blockCost")
            for (const kind of ["bump", "buddy", "tlsf", "pool"]) {
                for (const bytes of [1, 12, 100]) {
                    const heap = makeAllocator(kind, new StaticRegion(0x20020000, 8192))
                    const before = heap.stats().inUse
                    const p = heap.alloc(Layout.fromSizeAlign(bytes, 1))
                    const want = heap.stats().inUse - before
                    heap.dealloc(p, Layout.fromSizeAlign(bytes, 1))
                    const got = f(heap, bytes)
                    assertEq(got, want, kind + ": blockCost(" + bytes + ")")
                    assert(got >= bytes, kind + ": a block of " + bytes + " bytes cannot cost " + got)
                    assertEq(heap.stats().liveBlocks, 0, kind + ": live blocks after blockCost")
                }
            }
        },
    },
]
