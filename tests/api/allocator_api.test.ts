/**
 * The Allocator API (src/api/allocator_api.ts) on the host: the portable contract
 * cases (tests/contract/allocator_api.ts) for every allocator kind on real
 * boards' regions, plus host-only checks of the error types and of Global
 * over a GlobalAlloc that is not a HeapAllocator.
 */
import { afterEach, describe, expect, test } from "vitest"
import { boardById } from "../../boards/index"
import { AllocError, Block, byRef, Global, GlobalAllocAdapter } from "../../src/api/allocator_api"
import { HEAP_KINDS, makeAllocator } from "../../src/allocators/registry"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { GlobalAlloc, setGlobalAllocator } from "../../src/api/global_alloc"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { ALLOCATOR_API_CASES } from "../contract/allocator_api"
import * as api from "../../src/index"

const REGIONS: { name: string; region: () => StaticRegion }[] = [
    { name: "pico (32 KiB)", region: () => StaticRegion.forBoard(boardById("pico")) },
    { name: "esp32s2 (16 KiB)", region: () => StaticRegion.forBoard(boardById("esp32s2")) },
]

for (const kind of HEAP_KINDS) {
    for (const r of REGIONS) {
        describe(`Allocator API contract: ${kind} on ${r.name}`, () => {
            const target = { name: `${kind} on ${r.name}`, make: () => makeAllocator(kind, r.region()) }
            for (const c of ALLOCATOR_API_CASES) test(c.name, () => c.run(target))
        })
    }
}

/** A GlobalAlloc with no region: every request fails. */
class NoRegion implements GlobalAlloc {
    alloc(_l: Layout): number {
        return 0
    }
    allocZeroed(_l: Layout): number {
        return 0
    }
    dealloc(_p: number, _l: Layout): void {}
    realloc(_p: number, _l: Layout, _n: number): number {
        return 0
    }
}

describe("Allocator API on the host", () => {
    afterEach(() => setGlobalAllocator(null))

    test("AllocError is an Error named AllocError that keeps its layout", () => {
        const l = Layout.fromSizeAlign(70000, 16)
        const a = new GlobalAllocAdapter(makeAllocator("buddy", new StaticRegion(0x20020000, 4096)))
        let e: unknown = null
        try {
            a.allocate(l)
        } catch (x) {
            e = x
        }
        expect(e).toBeInstanceOf(AllocError)
        expect(e).toBeInstanceOf(Error)
        expect((e as AllocError).name).toBe("AllocError")
        expect((e as AllocError).layout).toBe(l)
        expect((e as AllocError).message).toBe("allocation of 70000 bytes (align 16) failed")
    })

    test("Global refuses a registered GlobalAlloc that has no region", () => {
        setGlobalAllocator(new NoRegion())
        const g = new Global()
        for (const f of [() => g.allocate(Layout.fromSizeAlign(8, 8)), () => g.deallocate(8, Layout.fromSizeAlign(0, 8))]) {
            let e: unknown = null
            try {
                f()
            } catch (x) {
                e = x
            }
            expect(e).toBeInstanceOf(HeapError)
            expect((e as HeapError).code).toBe(HeapErrorCode.BadArgument)
            expect((e as HeapError).message).toMatch(/HeapAllocator/)
        }
    })

    test("the block's usable size is exactly the request (GlobalAlloc reports no slack)", () => {
        for (const kind of HEAP_KINDS) {
            const a = new GlobalAllocAdapter(makeAllocator(kind, new StaticRegion(0x20020000, 8192))) // multi needs > 4 KiB to carve two parts
            const b: Block = a.allocate(Layout.fromSizeAlign(13, 4))
            expect(b.size).toBe(13)
        }
    })

    test("the public API exports the Allocator API", () => {
        expect(api.AllocError).toBe(AllocError)
        expect(api.GlobalAllocAdapter).toBe(GlobalAllocAdapter)
        expect(api.Global).toBe(Global)
        expect(api.byRef).toBe(byRef)
        expect(api.Block).toBe(Block)
    })
})
