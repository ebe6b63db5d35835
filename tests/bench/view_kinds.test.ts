/**
 * bench/view_kinds.ts: which traces system could hold is decided by the
 * limits SystemAllocator itself enforces (a request over the VM's largest
 * Buffer, more live blocks than handles), and the RESULTS.md section says so
 * per trace.
 */
import * as ds from "@devicescript/core"
import { describe, expect, test } from "vitest"
import { EncodedTrace, OP_ALLOC, OP_BYTES, OP_FREE } from "../../bench/replay"
import { largestRequest, systemMisfit, viewKindLines } from "../../bench/view_kinds"
import { SystemAllocator } from "../../src/allocators/system"
import { MAX_HANDLES } from "../../src/core/handle_space"
import { Layout } from "../../src/core/layout"
import { MAX_DEVICE_REGION } from "../../src/core/region"

/** A trace of allocs of `sizes` into slots 0.., then one free of slot 0. */
function trace(name: string, sizes: number[], slots = sizes.length): EncodedTrace {
    const ops = ds.Buffer.alloc((sizes.length + 1) * OP_BYTES)
    sizes.forEach((size, i) => {
        ops.setAt(i * OP_BYTES, "u16", i)
        ops.setAt(i * OP_BYTES + 2, "u8", OP_ALLOC)
        ops.setAt(i * OP_BYTES + 4, "u32", size)
    })
    ops.setAt(sizes.length * OP_BYTES + 2, "u8", OP_FREE)
    return new EncodedTrace(name, ops, sizes.length + 1, slots, sizes.reduce((a, b) => a + b, 0))
}

describe("system's limits per trace (bench/view_kinds.ts)", () => {
    test("the largest request and the block limit are the allocator's own", () => {
        const sys = new SystemAllocator(4 * MAX_DEVICE_REGION)
        expect(sys.alloc(Layout.fromSizeAlign(MAX_DEVICE_REGION, 1))).not.toBe(0)
        expect(sys.alloc(Layout.fromSizeAlign(MAX_DEVICE_REGION + 1, 1))).toBe(0)
        expect(systemMisfit(trace("edge", [MAX_DEVICE_REGION, 8]))).toBe("")
        expect(largestRequest(trace("over", [8, MAX_DEVICE_REGION + 1]))).toBe(MAX_DEVICE_REGION + 1)
        expect(systemMisfit(trace("over", [8, MAX_DEVICE_REGION + 1]))).toBe(`a ${MAX_DEVICE_REGION + 1}-byte request is over the VM's largest Buffer (${MAX_DEVICE_REGION} B)`)
        expect(systemMisfit(trace("many", [8], MAX_HANDLES + 1))).toBe(`${MAX_HANDLES + 1} blocks live at once, over its ${MAX_HANDLES} handles`)
    })

    test("the section has a row per trace and counts the misfits", () => {
        const ts = [trace("a", [16, 32]), trace("b", [70000])]
        const md = viewKindLines(["a", "b"], n => ts.find(t => t.name === n)!).join("\n")
        expect(md).toContain("| a | 48 | 32 | 2 | fits |")
        expect(md).toContain("| b | 70000 | 70000 | 1 | cannot: a 70000-byte request is over the VM's largest Buffer (57343 B) |")
        expect(md).toContain("1 of 2 traces are beyond system's limits.")
    })
})
