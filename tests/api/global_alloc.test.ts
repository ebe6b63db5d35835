/**
 * The global registration point (setGlobalAllocator and the free functions
 * that forward to it) and handleAllocError, Rust's std::alloc surface.
 */
import { afterEach, describe, expect, test } from "vitest"
import { BuddyAllocator } from "../../src/allocators/buddy"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import {
    AllocFailedError,
    alloc,
    allocZeroed,
    dealloc,
    globalAllocator,
    handleAllocError,
    realloc,
    setAllocErrorHandler,
    setGlobalAllocator,
} from "../../src/api/global_alloc"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"

afterEach(() => {
    setGlobalAllocator(null)
    setAllocErrorHandler(null)
})

describe("global allocator", () => {
    test("without a registered allocator, every call is a clear HeapError", () => {
        const l = Layout.fromSizeAlign(8, 8)
        for (const call of [() => alloc(l), () => allocZeroed(l), () => dealloc(0x20020000, l), () => realloc(0x20020000, l, 16), () => globalAllocator()]) {
            let e: unknown
            try {
                call()
            } catch (x) {
                e = x
            }
            expect(e).toBeInstanceOf(HeapError)
            expect((e as HeapError).code).toBe(HeapErrorCode.BadArgument)
            expect((e as HeapError).message).toContain("no global allocator registered")
        }
    })

    test("alloc, allocZeroed, realloc and dealloc go to the registered allocator", () => {
        const heap = new BuddyAllocator(new StaticRegion(0x20020000, 4096))
        setGlobalAllocator(heap)
        expect(globalAllocator()).toBe(heap)
        const l = Layout.fromSizeAlign(24, 8)
        const p = alloc(l)
        const z = allocZeroed(l)
        expect(heap.stats().liveBlocks).toBe(2)
        heap.region.writeU32(p, 0xcafe)
        const q = realloc(p, l, 100)
        expect(heap.region.readU32(q)).toBe(0xcafe)
        dealloc(q, Layout.fromSizeAlign(100, 8))
        dealloc(z, l)
        expect(heap.stats()).toMatchObject({ liveBlocks: 0, allocs: 2, frees: 2, reallocs: 1 })
        expect(heap.check()).toEqual([])
    })

    test("registering again replaces the allocator", () => {
        const a = new BuddyAllocator(new StaticRegion(0x20020000, 4096))
        const b = new BuddyAllocator(new StaticRegion(0x20030000, 4096))
        setGlobalAllocator(a)
        setGlobalAllocator(b)
        const p = alloc(Layout.fromSizeAlign(8, 1))
        expect(b.region.contains(p, 8)).toBe(true)
        expect(a.stats().allocs).toBe(0)
    })
})

describe("handleAllocError", () => {
    test("throws AllocFailedError naming the layout by default", () => {
        const l = Layout.fromSizeAlign(70000, 16)
        expect(() => handleAllocError(l)).toThrow(AllocFailedError)
        expect(() => handleAllocError(l)).toThrow("memory allocation of 70000 bytes (align 16) failed")
    })

    test("runs the registered handler first; a handler that returns still ends in AllocFailedError", () => {
        const seen: Layout[] = []
        setAllocErrorHandler(l => {
            seen.push(l)
        })
        const l = Layout.fromSizeAlign(12, 4)
        expect(() => handleAllocError(l)).toThrow(AllocFailedError)
        expect(seen).toEqual([l])
    })

    test("a handler may throw its own error instead", () => {
        setAllocErrorHandler(() => {
            throw new Error("out of heap: rebooting")
        })
        expect(() => handleAllocError(Layout.fromSizeAlign(1, 1))).toThrow("out of heap: rebooting")
    })

    test("the pattern alloc → 0 → handleAllocError on a full heap", () => {
        setGlobalAllocator(new BuddyAllocator(new StaticRegion(0x20020000, 1024)))
        const big = Layout.fromSizeAlign(4096, 8)
        const p = alloc(big)
        expect(p).toBe(0)
        expect(() => handleAllocError(big)).toThrow("memory allocation of 4096 bytes (align 8) failed")
    })
})
