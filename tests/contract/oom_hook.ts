/**
 * tests/contract/oom_hook.ts — the out-of-memory hook's rules as portable
 * cases, run on the host for every allocator (tests/layers/oom_hook.test.ts) and in
 * the VM (tests/vm/selftest_api.ts).
 */
import { HeapError } from "../../src/core/errors"
import { HeapEvents } from "../../src/core/events"
import { HeapAllocator } from "../../src/api/global_alloc"
import { Layout } from "../../src/core/layout"
import { OomHookAllocator } from "../../src/layers/oom_hook"
import { assert, assertEq, expectConsistent, tick } from "./check"
import { ConformanceCase } from "./conformance"


/**
 * Fills the heap with 64-byte blocks (newest last) until an alloc fails,
 * yielding as it goes (tick): multi's alloc sums its parts' stats, and a
 * fill without yields passed the VM's 131,072-opcode slice (InfiniteLoop).
 */
async function fill(heap: HeapAllocator, l: Layout): Promise<number[]> {
    const ptrs: number[] = []
    for (let i = 0; i < 4096; i++) {
        const p = heap.alloc(l)
        if (p === 0) break
        ptrs.push(p)
        await tick(l.size)
    }
    return ptrs
}

/** Throws unless the recorded calls, joined by ",", are `want`. */
function expectCalls(calls: string[], want: string, what: string): void {
    const got = calls.join(",")
    assert(got === want, what + ": got [" + got + "], expected [" + want + "]")
}

/** A HeapEvents stub that records each oomHook call as "op size align attempt retry". */
class RecordingEvents implements HeapEvents {
    readonly calls: string[] = []
    oomHook(op: string, size: number, align: number, attempt: number, retry: boolean): void {
        this.calls.push(op + " " + size + " " + align + " " + attempt + " " + (retry ? 1 : 0))
    }
    checkFailed(code: number, ptr: number): void {
        this.calls.push("check " + code + " " + ptr)
    }
    leak(ptr: number, size: number, align: number, kind: string): void {
        this.calls.push("leak " + kind)
    }
}

export const OOM_CASES: ConformanceCase[] = [
    {
        name: "success never calls the hook",
        run: async t => {
            let calls = 0
            const heap = new OomHookAllocator(t.make(), () => {
                calls++
                return false
            })
            const l = Layout.fromSizeAlign(32, 8)
            heap.dealloc(heap.alloc(l), l)
            assertEq(calls, 0, "hook calls")
        },
    },
    {
        name: "a hook that frees memory and asks for a retry turns a failure into success",
        run: async t => {
            const inner = t.make()
            const l = Layout.fromSizeAlign(64, 8)
            const ptrs = await fill(inner, l)
            assert(ptrs.length > 0, "nothing allocated")
            const seen: number[] = []
            const heap = new OomHookAllocator(inner, (layout, attempt) => {
                seen.push(layout.size * 100 + attempt)
                const p = ptrs.pop() // free the newest block: every allocator can reuse that
                inner.dealloc(p, l)
                return true
            })
            const q = heap.alloc(l)
            assert(q !== 0, "retry after the hook freed a block failed")
            assertEq(seen.length, 1, "hook calls")
            assertEq(seen[0], 6401, "hook saw the layout and attempt 1")
            assertEq(heap.recovered, 1, "recovered")
            expectConsistent(inner, "a recovered allocation")
        },
    },
    {
        name: "a hook that gives up leaves the caller with null; retries are bounded",
        run: async t => {
            const inner = t.make()
            const l = Layout.fromSizeAlign(64, 8)
            await fill(inner, l)
            let calls = 0
            const giveUp = new OomHookAllocator(inner, () => {
                calls++
                return false
            })
            assertEq(giveUp.alloc(l), 0, "alloc after giving up")
            assertEq(calls, 1, "hook calls when giving up")
            let asks = 0
            const stubborn = new OomHookAllocator(inner, () => {
                asks++
                return true // asks again and again without freeing anything
            }, 2)
            assertEq(stubborn.allocZeroed(l), 0, "allocZeroed with a hook that never frees")
            assertEq(asks, 2, "retries are capped at maxRetries")
            expectConsistent(inner, "bounded retries")
        },
    },
    {
        name: "realloc: the hook sees the new size and the old block stays valid",
        run: async t => {
            const inner = t.make()
            const l = Layout.fromSizeAlign(16, 8)
            const p = inner.alloc(l)
            inner.region.writeU32(p, 0x1234abcd)
            let seenSize = 0
            const heap = new OomHookAllocator(inner, layout => {
                seenSize = layout.size
                return false
            })
            const huge = inner.region.size * 2
            assertEq(heap.realloc(p, l, huge), 0, "realloc beyond the region")
            assertEq(seenSize, huge, "the hook's layout size")
            assertEq(inner.region.readU32(p), 0x1234abcd, "old block contents")
            heap.dealloc(p, l)
            expectConsistent(inner, "dealloc after a failed realloc")
        },
    },
    {
        name: "misuse passes through without calling the hook",
        run: async t => {
            let calls = 0
            const heap = new OomHookAllocator(t.make(), () => {
                calls++
                return true
            })
            let isHeapError = false
            try {
                heap.dealloc(heap.region.base - 64, Layout.fromSizeAlign(8, 8))
            } catch (e) {
                isHeapError = e instanceof HeapError
            }
            assert(isHeapError, "misuse should be a HeapError")
            assertEq(calls, 0, "hook calls")
        },
    },
    {
        name: "setEvents: each hook call is reported with its op, request, attempt and answer",
        run: async t => {
            const inner = t.make()
            const l = Layout.fromSizeAlign(64, 8)
            const ptrs = await fill(inner, l)
            const events = new RecordingEvents()
            let answers = 0
            const heap = new OomHookAllocator(inner, (layout, attempt) => {
                answers++
                if (attempt < 2) return true // retry once without freeing: fails again
                inner.dealloc(ptrs.pop(), l) // then free the newest block and retry
                return true
            })
            heap.setEvents(events)
            const q = heap.alloc(l)
            assert(q !== 0, "recovered alloc")
            expectCalls(events.calls, "A 64 8 1 1,A 64 8 2 1", "alloc events")
            const giveUp = new OomHookAllocator(inner, () => false)
            giveUp.setEvents(events)
            assertEq(giveUp.allocZeroed(l), 0, "allocZeroed after giving up")
            const huge = inner.region.size * 2
            assertEq(giveUp.realloc(q, l, huge), 0, "realloc beyond the region")
            expectCalls(events.calls.slice(2), "Z 64 8 1 0,R " + huge + " 8 1 0", "allocZeroed and realloc events")
            assertEq(answers, 2, "hook calls of the first allocator")
            heap.setEvents(null)
            assertEq(heap.alloc(Layout.fromSizeAlign(inner.region.size * 2, 8)), 0, "alloc beyond the region")
            assertEq(events.calls.length, 4, "no events after setEvents(null)")
            heap.dealloc(q, l)
            expectConsistent(inner, "events change nothing")
        },
    },
    {
        name: "setEvents: success, misuse and the retry cap report nothing",
        run: async t => {
            const events = new RecordingEvents()
            const heap = new OomHookAllocator(t.make(), () => true, 1)
            heap.setEvents(events)
            const l = Layout.fromSizeAlign(32, 8)
            heap.dealloc(heap.alloc(l), l)
            let isHeapError = false
            try {
                heap.dealloc(heap.region.base - 64, l)
            } catch (e) {
                isHeapError = e instanceof HeapError
            }
            assert(isHeapError, "misuse should be a HeapError")
            assertEq(events.calls.length, 0, "events for success and misuse")
            assertEq(heap.alloc(Layout.fromSizeAlign(heap.region.size * 2, 8)), 0, "alloc beyond the region")
            expectCalls(events.calls, "A " + heap.region.size * 2 + " 8 1 1", "one hook call (maxRetries 1), one event")
        },
    },
]
