/**
 * tests/contract/robustness_api.ts — hostile input to the Allocator API
 * adapter, the global functions and the containers (issue 9) as a portable
 * case, beside tests/contract/robustness.ts (own file: a VM program holding
 * both passes DeviceScript's 64 KB of function bytecode). Run on the host
 * by tests/robustness/robustness.test.ts and in the VM by
 * tests/vm/selftest_robust_api.ts.
 */
import { HeapErrorCode } from "../../src/core/errors"
import { alloc, dealloc, GlobalAlloc, setGlobalAllocator } from "../../src/api/global_alloc"
import { GlobalAllocAdapter } from "../../src/api/allocator_api"
import { Layout } from "../../src/core/layout"
import { Box } from "../../src/collections/boxed"
import { ElemKind, Vec } from "../../src/collections/vec"
import { HeapString } from "../../src/collections/heap_string"
import { assert } from "./check"
import { caught, expectCode, expectLayoutError, forgedLayouts, scene, unchanged } from "./robust_scene"
import type { ConformanceCase } from "./conformance"

/** What a.op threw: 0 allocate(l1), 1 deallocate(ptr, l1), 2 grow(ptr, l1, l2), 3 shrink(ptr, l1, l2), 4 Box.newIn(a, l1). */
function apiThrew(a: GlobalAllocAdapter, op: number, ptr: number, l1: Layout, l2: Layout): any {
    try {
        if (op === 0) a.allocate(l1)
        else if (op === 1) a.deallocate(ptr, l1)
        else if (op === 2) a.grow(ptr, l1, l2)
        else if (op === 3) a.shrink(ptr, l1, l2)
        else Box.newIn(a, l1)
    } catch (e) {
        return e
    }
    return null
}

export const ROBUSTNESS_API_CASES: ConformanceCase[] = [
    {
        name: "the Allocator API, the global functions and containers reject garbage pointers and forged layouts",
        run: async t => {
            const heap = t.make()
            const s = await scene(heap, "api")
            const a = new GlobalAllocAdapter(heap)
            const p = s.ptrs[1]
            const l = s.layouts[1]
            const big = Layout.fromSizeAlign(80, 8)
            expectCode(caught(() => a.deallocate(NaN, l)), HeapErrorCode.OutOfRegion, NaN, "deallocate(NaN)")
            expectCode(caught(() => a.grow(Infinity, l, big)), HeapErrorCode.OutOfRegion, Infinity, "grow(Infinity)")
            expectCode(caught(() => a.grow(p + 0.5, l, Layout.fromSizeAlign(80, 16))), HeapErrorCode.Misaligned, p + 0.5, "grow(p + 0.5) with a new align")
            expectCode(caught(() => a.shrink(-16, l, Layout.fromSizeAlign(8, 8))), HeapErrorCode.OutOfRegion, -16, "shrink(-16)")
            const f = forgedLayouts()
            for (let i = 0; i < f.length; i++) {
                expectLayoutError(apiThrew(a, 0, 0, f[i], null), "allocate(forged " + i + ")")
                expectLayoutError(apiThrew(a, 1, p, f[i], null), "deallocate(p, forged " + i + ")")
                expectLayoutError(apiThrew(a, 2, p, l, f[i]), "grow(p, l, forged " + i + ")")
                expectLayoutError(apiThrew(a, 3, p, f[i], l), "shrink(p, forged " + i + ", l)")
                expectLayoutError(apiThrew(a, 4, 0, f[i], null), "Box.newIn(forged " + i + ")")
            }
            const zero: any = { size: 0, align: 3 }
            expectLayoutError(caught(() => a.allocate(zero as Layout)), "allocate(size 0, align 3)")
            expectLayoutError(caught(() => a.deallocate(3, zero as Layout)), "deallocate(3, size 0, align 3)")
            expectLayoutError(caught(() => a.shrink(p, l, zero as Layout)), "shrink to (size 0, align 3)")
            const v = Vec.withCapacityIn(a, ElemKind.U32, 4)
            v.push(7)
            const b = Box.newIn(a, Layout.fromSizeAlign(16, 8))
            const str = HeapString.fromIn(a, "ok")
            s.before = heap.stats()
            const vcalls: (() => void)[] = [
                () => v.get(NaN),
                () => v.set(Infinity, 1),
                () => v.get(-0.5),
                () => v.reserve(NaN),
                () => v.reserve(-1),
                () => v.truncate(Infinity),
                () => b.getU32(NaN),
                () => b.setU8(Infinity, 1),
                () => b.getF64(0.5),
                () => str.byteAt(NaN),
                () => str.pushCodePoint(Infinity),
                () => str.reserve(-1),
            ]
            for (let i = 0; i < vcalls.length; i++) expectCode(caught(vcalls[i]), HeapErrorCode.BadArgument, 0, "Vec call " + i)
            assert(v.get(0) === 7 && v.length() === 1 && str.length() === 2 && str.byteAt(1) === 107, "a container changed")
            const g: GlobalAlloc = heap
            setGlobalAllocator(g)
            expectLayoutError(caught(() => alloc(f[0])), "global alloc(forged)")
            expectCode(caught(() => dealloc(Infinity, l)), HeapErrorCode.OutOfRegion, Infinity, "global dealloc(Infinity)")
            setGlobalAllocator(null)
            await unchanged(s, "API calls")
            v.drop()
            b.drop()
            str.drop()
        },
    },
]
