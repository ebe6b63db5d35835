/**
 * labs/03-global-alloc-wrapper/tests.ts — lab 3's own cases, run by
 * `bareheap grade --lab 3` on CountingAllocator after the probes and the
 * contract (the wrapper must keep the whole contract of its inner allocator).
 */
import { HeapAllocator } from "../../src/api/global_alloc"
import { ptrText } from "../../src/core/hex"
import { Layout } from "../../src/core/layout"
import { assert, assertEq } from "../../tests/contract/check"
import { ConformanceCase } from "../../tests/contract/conformance"

/** What the lab's wrappers add to a HeapAllocator. */
interface Wrapper extends HeapAllocator {
    inner: HeapAllocator
    printed: string[]
    leaks(): string[]
}

function last(w: Wrapper): string {
    return w.printed.length === 0 ? "(nothing printed)" : w.printed[w.printed.length - 1]
}

export const LAB_CASES: ConformanceCase[] = [
    {
        name: "logging: alloc(24) prints \"Allocating 24 bytes\"",
        run: async t => {
            const w = t.make() as Wrapper
            assert(w.printed !== undefined, "the wrapper has no printed lines")
            w.alloc(Layout.fromSizeAlign(24, 8))
            assert(last(w) === "Allocating 24 bytes", "printed " + JSON.stringify(last(w)))
            w.allocZeroed(Layout.fromSizeAlign(7, 1))
            assert(last(w) === "Allocating 7 bytes", "allocZeroed printed " + JSON.stringify(last(w)))
        },
    },
    {
        name: "logging: the inner allocator does the work (its stats count the block)",
        run: async t => {
            const w = t.make() as Wrapper
            const p = w.alloc(Layout.fromSizeAlign(40, 8))
            assert(p !== 0, "alloc failed")
            assertEq(w.inner.stats().liveBlocks, 1, "inner liveBlocks")
            assertEq(w.inner.stats().requested, 40, "inner requested")
        },
    },
    {
        name: "counting: leaks() lists every live block, in allocation order",
        run: async t => {
            const w = t.make() as Wrapper
            const a = w.alloc(Layout.fromSizeAlign(24, 8))
            const b = w.alloc(Layout.fromSizeAlign(100, 8))
            const c = w.alloc(Layout.fromSizeAlign(8, 4))
            w.dealloc(b, Layout.fromSizeAlign(100, 8))
            const l = w.leaks()
            assertEq(l.length, 2, "leak lines")
            assert(l[0] === "leak: 24 bytes at " + ptrText(a), "first line " + JSON.stringify(l[0]))
            assert(l[1] === "leak: 8 bytes at " + ptrText(c), "second line " + JSON.stringify(l[1]))
        },
    },
    {
        name: "counting: a realloc'd block is reported at its new place and size; none after freeing all",
        run: async t => {
            const w = t.make() as Wrapper
            const a = w.alloc(Layout.fromSizeAlign(16, 8))
            w.alloc(Layout.fromSizeAlign(16, 8))
            const q = w.realloc(a, Layout.fromSizeAlign(16, 8), 300)
            assert(q !== 0, "realloc failed")
            const l = w.leaks()
            assert(l.indexOf("leak: 300 bytes at " + ptrText(q)) >= 0, "leaks() " + JSON.stringify(l))
            assertEq(l.length, 2, "leak lines")
        },
    },
]
