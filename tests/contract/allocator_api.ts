/**
 * tests/contract/allocator_api.ts — the Allocator API contract
 * (src/api/allocator_api.ts) as portable test cases, run against every allocator
 * kind: by vitest on the host (tests/api/allocator_api.test.ts) and by
 * @devicescript/test inside the DeviceScript VM (tests/vm/selftest_api.ts).
 *
 * Each case goes through GlobalAllocAdapter (or Global / byRef) over a fresh
 * HeapAllocator and checks, besides return values, the payload of every live
 * block, the heap's own invariants and its live-block count, so a lost copy,
 * a leak or a clobbered neighbour fails the case.
 */
import { AllocError, Allocator, Block, byRef, Global, GlobalAllocAdapter } from "../../src/api/allocator_api"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { HeapAllocator, setGlobalAllocator } from "../../src/api/global_alloc"
import { ptrText } from "../../src/core/hex"
import { Layout } from "../../src/core/layout"
import { assert, assertEq, expectConsistent, expectHeapError, thrown, expectPattern, fillPattern, settle } from "./check"
import { ConformanceCase, ConformanceTarget } from "./conformance"

function L(size: number, align: number): Layout {
    return Layout.fromSizeAlign(size, align)
}

function aligned(p: number, align: number): boolean {
    return p - Math.floor(p / align) * align === 0
}

/** Checks a non-empty block: aligned, usable size ≥ request, inside the region. */
function expectBlock(heap: HeapAllocator, b: Block, layout: Layout, what: string): void {
    assert(b.ptr !== 0, what + ": null pointer")
    assert(aligned(b.ptr, layout.align), what + ": " + ptrText(b.ptr) + " not aligned to " + layout.align)
    assert(b.size >= layout.size, what + ": usable size " + b.size + " < " + layout.size)
    assert(heap.region.contains(b.ptr, b.size), what + ": " + ptrText(b.ptr) + "+" + b.size + " outside the region")
}

/** Throws unless [ptr, ptr+len) reads all zero. */
function expectZero(heap: HeapAllocator, ptr: number, len: number, what: string): void {
    if (len === 0) return
    const buf = heap.region.bufferOf(ptr, len)
    const off = heap.region.offsetOf(ptr, len)
    for (let i = 0; i < len; i++) {
        const v = buf.getAt(off + i, "u8")
        if (v !== 0) throw new Error(what + ": byte " + i + " of " + ptrText(ptr) + " is " + v + ", expected 0")
    }
}

function expectAllocError(e: any, layout: Layout, what: string): void {
    assert(e instanceof AllocError, what + ": expected AllocError, got " + (e === null ? "no error" : "" + e))
    const m = (e as AllocError).message
    assert(m.indexOf("" + layout.size) >= 0 && m.indexOf("align " + layout.align) >= 0, what + ": message does not name the layout: " + m)
}

function live(heap: HeapAllocator): number {
    return heap.stats().liveBlocks
}

/** Dirties the first `len` bytes a fresh heap will hand out, then frees them again. */
async function dirty(heap: HeapAllocator, len: number): Promise<void> {
    const p = heap.alloc(L(len, 8))
    assert(p !== 0, "dirty alloc failed")
    heap.region.fill(p, len, 0xa5)
    heap.dealloc(p, L(len, 8))
    await settle()
}

/** A neighbour block on each side of the block under test, to catch overruns. */
class Bed {
    heap: HeapAllocator
    a: GlobalAllocAdapter
    before: Block
    after: Block
    async intact(what: string): Promise<void> {
        await expectPattern(this.heap, this.before.ptr, 40, 201, "neighbour before, after " + what)
        await expectPattern(this.heap, this.after.ptr, 40, 202, "neighbour after, after " + what)
        await settle()
        expectConsistent(this.heap, what)
    }
}

/** Heap with [before 40 B][subject of `size`/`align`][after 40 B]; returns the subject, filled with seed 7. */
async function bed(t: ConformanceTarget, size: number, align: number): Promise<{ bed: Bed; b: Block }> {
    const s = new Bed()
    s.heap = t.make()
    s.a = new GlobalAllocAdapter(s.heap)
    s.before = s.a.allocate(L(40, 8))
    await fillPattern(s.heap, s.before.ptr, 40, 201)
    const b = s.a.allocate(L(size, align))
    await fillPattern(s.heap, b.ptr, size, 7)
    s.after = s.a.allocate(L(40, 8))
    await fillPattern(s.heap, s.after.ptr, 40, 202)
    return { bed: s, b: b }
}

/** grow/growZeroed/shrink from (oldSize, oldAlign) to (newSize, newAlign), checking contents and neighbours. */
async function resizeCase(t: ConformanceTarget, op: number, oldSize: number, oldAlign: number, newSize: number, newAlign: number): Promise<void> {
    const r = await bed(t, oldSize, oldAlign)
    const s = r.bed
    const heap = s.heap
    const oldL = L(oldSize, oldAlign)
    const newL = L(newSize, newAlign)
    const n = live(heap)
    const what = (op === 0 ? "shrink" : op === 1 ? "grow" : "growZeroed") + " " + oldSize + "/" + oldAlign + " → " + newSize + "/" + newAlign
    const b = op === 0 ? s.a.shrink(r.b.ptr, oldL, newL) : op === 1 ? s.a.grow(r.b.ptr, oldL, newL) : s.a.growZeroed(r.b.ptr, oldL, newL)
    expectBlock(heap, b, newL, what)
    const kept = oldSize < newSize ? oldSize : newSize
    await expectPattern(heap, b.ptr, kept, 7, what + ": kept bytes")
    if (op === 2) expectZero(heap, b.ptr + oldSize, newSize - oldSize, what + ": new tail")
    assertEq(live(heap), n, what + ": live blocks (the old block must be freed)")
    await s.intact(what)
    // The new block is fully usable and deallocates with the new layout.
    await fillPattern(heap, b.ptr, newSize, 9)
    await s.intact(what + " then writing all " + newSize + " bytes")
    s.a.deallocate(b.ptr, newL)
    assertEq(live(heap), n - 1, what + ": live blocks after deallocate")
    await s.intact(what + " then deallocate")
}

export const ALLOCATOR_API_CASES: ConformanceCase[] = [
    {
        name: "allocate: aligned blocks in the region, disjoint, usable size ≥ request; deallocate frees them",
        run: async t => {
            const heap = t.make()
            const a = new GlobalAllocAdapter(heap)
            const blocks: Block[] = []
            const layouts: Layout[] = []
            for (let align = 1; align <= 64; align *= 4) {
                for (const size of [1, 5, 24]) {
                    const l = L(size, align)
                    const b = a.allocate(l)
                    expectBlock(heap, b, l, "allocate(" + size + ", " + align + ")")
                    await fillPattern(heap, b.ptr, b.size, blocks.length + 1)
                    blocks.push(b)
                    layouts.push(l)
                }
            }
            for (let i = 0; i < blocks.length; i++) await expectPattern(heap, blocks[i].ptr, blocks[i].size, i + 1, "block " + i)
            assertEq(live(heap), blocks.length, "live blocks")
            for (let i = blocks.length - 1; i >= 0; i--) a.deallocate(blocks[i].ptr, layouts[i])
            assertEq(live(heap), 0, "live blocks after deallocating all")
            await settle()
            expectConsistent(heap, "deallocating all")
        },
    },
    {
        name: "allocateZeroed: the whole usable size reads 0 even over dirty memory",
        run: async t => {
            const heap = t.make()
            await dirty(heap, 256)
            const a = new GlobalAllocAdapter(heap)
            const l = L(200, 8)
            const b = a.allocateZeroed(l)
            expectBlock(heap, b, l, "allocateZeroed")
            expectZero(heap, b.ptr, b.size, "allocateZeroed")
            a.deallocate(b.ptr, l)
            expectConsistent(heap, "allocateZeroed")
        },
    },
    {
        name: "exhaustion is an AllocError naming the layout, and the heap is unchanged",
        run: async t => {
            const r = await bed(t, 16, 8)
            const heap = r.bed.heap
            const n = live(heap)
            const huge = L(heap.region.size * 2, 8)
            expectAllocError(thrown(() => r.bed.a.allocate(huge)), huge, "allocate(huge)")
            expectAllocError(thrown(() => r.bed.a.allocateZeroed(huge)), huge, "allocateZeroed(huge)")
            assertEq(live(heap), n, "live blocks after failed allocations")
            // Fill the heap until it fails: every block before the failure stays intact.
            const l = L(256, 8)
            const got: Block[] = []
            let err: any = null
            while (err === null && got.length < 1000) {
                err = thrown(() => {
                    got.push(r.bed.a.allocate(l))
                })
            }
            expectAllocError(err, l, "allocate until full")
            assert(got.length > 0, "nothing allocated before exhaustion")
            for (const b of got) r.bed.a.deallocate(b.ptr, l)
            await expectPattern(heap, r.b.ptr, 16, 7, "subject after exhaustion")
            await r.bed.intact("exhaustion")
        },
    },
    {
        name: "zero-size: allocate returns the dangling pointer layout.align with size 0, outside the region, without touching the heap",
        run: async t => {
            const heap = t.make()
            const a = new GlobalAllocAdapter(heap)
            const allocs = heap.stats().allocs
            for (let align = 1; align <= 4096; align *= 8) {
                const l = L(0, align)
                const b = a.allocate(l)
                assertEq(b.ptr, align, "dangling pointer for align " + align)
                assertEq(b.size, 0, "size of a zero-size block")
                assert(!heap.region.contains(b.ptr, 1), "dangling pointer " + ptrText(b.ptr) + " is inside the region")
                const z = a.allocateZeroed(l)
                assertEq(z.ptr, align, "allocateZeroed dangling pointer")
                a.deallocate(b.ptr, l)
                a.deallocate(z.ptr, l)
            }
            assertEq(heap.stats().allocs, allocs, "inner allocs after zero-size requests")
            assertEq(live(heap), 0, "live blocks")
            // A zero-size block that is not its dangling pointer is misuse.
            const p = a.allocate(L(8, 8)).ptr
            expectHeapError(thrown(() => a.deallocate(p, L(0, 8))), HeapErrorCode.NotAllocated, 0, "deallocate(real ptr, size 0)")
            expectHeapError(thrown(() => a.grow(16, L(0, 8), L(8, 8))), HeapErrorCode.NotAllocated, 0, "grow(wrong dangling ptr)")
            assertEq(live(heap), 1, "live blocks after rejected zero-size calls")
            a.deallocate(p, L(8, 8))
            expectConsistent(heap, "zero-size requests")
        },
    },
    {
        name: "zero-size: grow from size 0 allocates; shrink to size 0 frees and returns the new dangling pointer",
        run: async t => {
            const heap = t.make()
            await dirty(heap, 128)
            const a = new GlobalAllocAdapter(heap)
            const z = a.allocate(L(0, 4))
            const g = a.growZeroed(z.ptr, L(0, 4), L(100, 16))
            expectBlock(heap, g, L(100, 16), "growZeroed from 0")
            expectZero(heap, g.ptr, 100, "growZeroed from 0")
            assertEq(live(heap), 1, "live blocks after growing from 0")
            const s = a.shrink(g.ptr, L(100, 16), L(0, 32))
            assertEq(s.ptr, 32, "shrink to 0: dangling pointer of the new align")
            assertEq(s.size, 0, "shrink to 0: size")
            assertEq(live(heap), 0, "live blocks after shrinking to 0")
            const s2 = a.shrink(s.ptr, L(0, 32), L(0, 2))
            assertEq(s2.ptr, 2, "shrink 0 → 0 changes the dangling pointer to the new align")
            const g2 = a.grow(s2.ptr, L(0, 2), L(0, 2))
            assertEq(g2.ptr, 2, "grow 0 → 0")
            a.deallocate(g2.ptr, L(0, 2))
            assertEq(heap.stats().liveBlocks, 0, "live blocks at the end")
            expectConsistent(heap, "zero-size grow/shrink")
        },
    },
    {
        name: "grow with the same alignment keeps the contents and frees the old block",
        run: async t => {
            await resizeCase(t, 1, 24, 8, 300, 8)
        },
    },
    {
        name: "grow with a larger and with a smaller alignment moves the contents to an aligned block",
        run: async t => {
            await resizeCase(t, 1, 24, 4, 100, 64)
            await resizeCase(t, 1, 40, 64, 90, 2)
        },
    },
    {
        name: "growZeroed zeroes the new tail over dirty memory (same and changed alignment)",
        run: async t => {
            await resizeCase(t, 2, 20, 8, 200, 8)
            await resizeCase(t, 2, 20, 8, 200, 128)
            const heap = t.make()
            await dirty(heap, 512)
            const a = new GlobalAllocAdapter(heap)
            const b = a.allocate(L(16, 8))
            await fillPattern(heap, b.ptr, 16, 3)
            const g = a.growZeroed(b.ptr, L(16, 8), L(400, 8))
            await expectPattern(heap, g.ptr, 16, 3, "growZeroed head")
            expectZero(heap, g.ptr + 16, 384, "growZeroed tail")
            a.deallocate(g.ptr, L(400, 8))
            expectConsistent(heap, "growZeroed over dirty memory")
        },
    },
    {
        name: "grow to the same size is allowed and keeps everything",
        run: async t => {
            await resizeCase(t, 1, 32, 8, 32, 8)
            await resizeCase(t, 2, 32, 8, 32, 16)
            await resizeCase(t, 0, 32, 8, 32, 8)
        },
    },
    {
        name: "shrink keeps the prefix (same and changed alignment)",
        run: async t => {
            await resizeCase(t, 0, 200, 8, 30, 8)
            await resizeCase(t, 0, 200, 8, 30, 256)
            await resizeCase(t, 0, 200, 64, 1, 1)
        },
    },
    {
        name: "grow to a smaller size or shrink to a larger one is a HeapError(BadArgument) that changes nothing",
        run: async t => {
            const r = await bed(t, 64, 8)
            const heap = r.bed.heap
            const before = heap.stats()
            const e1 = thrown(() => r.bed.a.grow(r.b.ptr, L(64, 8), L(63, 8)))
            expectHeapError(e1, HeapErrorCode.BadArgument, 0, "grow 64 → 63")
            assert((e1 as HeapError).message.indexOf(ptrText(r.b.ptr)) >= 0, "message does not name the pointer: " + (e1 as HeapError).message)
            expectHeapError(thrown(() => r.bed.a.growZeroed(r.b.ptr, L(64, 8), L(8, 16))), HeapErrorCode.BadArgument, 0, "growZeroed 64 → 8")
            expectHeapError(thrown(() => r.bed.a.shrink(r.b.ptr, L(64, 8), L(65, 8))), HeapErrorCode.BadArgument, 0, "shrink 64 → 65")
            const after = heap.stats()
            assert(after.allocs === before.allocs && after.frees === before.frees && after.reallocs === before.reallocs && after.inUse === before.inUse, "stats changed by rejected calls")
            await expectPattern(heap, r.b.ptr, 64, 7, "subject after rejected calls")
            await r.bed.intact("rejected grow/shrink")
            r.bed.a.deallocate(r.b.ptr, L(64, 8))
        },
    },
    {
        name: "a failed grow throws AllocError and the old block stays valid and unchanged",
        run: async t => {
            const r = await bed(t, 48, 8)
            const heap = r.bed.heap
            const n = live(heap)
            const huge = L(heap.region.size * 2, 8)
            expectAllocError(thrown(() => r.bed.a.grow(r.b.ptr, L(48, 8), huge)), huge, "grow to huge")
            const hugeAligned = L(heap.region.size * 2, 64)
            expectAllocError(thrown(() => r.bed.a.growZeroed(r.b.ptr, L(48, 8), hugeAligned)), hugeAligned, "growZeroed to huge, align 64")
            assertEq(live(heap), n, "live blocks after failed grows")
            await expectPattern(heap, r.b.ptr, 48, 7, "old block after failed grows")
            await r.bed.intact("failed grows")
            // Still valid with its old layout: it can grow for real and be freed.
            const g = r.bed.a.grow(r.b.ptr, L(48, 8), L(64, 8))
            await expectPattern(heap, g.ptr, 48, 7, "grow after a failed grow")
            r.bed.a.deallocate(g.ptr, L(64, 8))
            await r.bed.intact("grow after failed grows")
        },
    },
    {
        name: "misuse reaches the inner allocator's HeapError and leaves live blocks intact",
        run: async t => {
            const r = await bed(t, 32, 8)
            const heap = r.bed.heap
            const a = r.bed.a
            const outside = heap.region.base + heap.region.size + 64
            expectHeapError(thrown(() => a.deallocate(outside, L(32, 8))), HeapErrorCode.OutOfRegion, 0, "deallocate outside the region")
            expectHeapError(thrown(() => a.grow(outside, L(32, 8), L(64, 64))), HeapErrorCode.OutOfRegion, 0, "moving grow of a pointer outside the region")
            expectHeapError(thrown(() => a.shrink(r.b.ptr + 4, L(28, 8), L(8, 16))), HeapErrorCode.Misaligned, 0, "moving shrink of a misaligned pointer")
            await r.bed.intact("rejected misuse")
            const n = live(heap)
            a.deallocate(r.b.ptr, L(32, 8))
            const e = thrown(() => a.deallocate(r.b.ptr, L(32, 8)))
            assert(e instanceof HeapError, "double deallocate: expected a HeapError, got " + (e === null ? "no error" : "" + e))
            // A moving grow of a freed block: rejected, and the block it allocated on the way is freed again.
            const e2 = thrown(() => a.grow(r.b.ptr, L(32, 8), L(64, 32)))
            assert(e2 instanceof HeapError, "moving grow of a freed block: expected a HeapError, got " + (e2 === null ? "no error" : "" + e2))
            // Same size class, new alignment: an allocator may hand the freed block itself back as the new one.
            const e3 = thrown(() => a.shrink(r.b.ptr, L(32, 8), L(20, 32)))
            assert(e3 instanceof HeapError, "moving shrink of a freed block: expected a HeapError, got " + (e3 === null ? "no error" : "" + e3))
            assertEq(live(heap), n - 1, "live blocks after rejected misuse")
            await r.bed.intact("double deallocate and grow of a freed block")
        },
    },
    {
        name: "byRef is a view of the same heap: blocks move freely between the view and the original",
        run: async t => {
            const heap = t.make()
            const a = new GlobalAllocAdapter(heap)
            const v: Allocator = byRef(a)
            const vv = byRef(v)
            assert(a.region() === heap.region && v.region() === heap.region && vv.region() === heap.region, "region() of the adapter and its views")
            const b = v.allocate(L(24, 8))
            await fillPattern(heap, b.ptr, 24, 5)
            assertEq(live(heap), 1, "live blocks after allocate through the view")
            const g = vv.growZeroed(b.ptr, L(24, 8), L(80, 8))
            await expectPattern(heap, g.ptr, 24, 5, "grow through a view of a view")
            expectZero(heap, g.ptr + 24, 56, "growZeroed tail through a view")
            const s = a.shrink(g.ptr, L(80, 8), L(10, 8))
            v.deallocate(s.ptr, L(10, 8))
            assertEq(live(heap), 0, "live blocks at the end")
            expectConsistent(heap, "byRef")
        },
    },
    {
        name: "Global forwards to the registered global allocator, and fails clearly when none is registered",
        run: async t => {
            const heap = t.make()
            const g = new Global()
            setGlobalAllocator(null)
            expectHeapError(thrown(() => g.allocate(L(8, 8))), HeapErrorCode.BadArgument, 0, "Global without a registered allocator")
            setGlobalAllocator(heap)
            try {
                assert(g.region() === heap.region, "Global.region() is the registered heap's region")
                const b = g.allocate(L(40, 8))
                expectBlock(heap, b, L(40, 8), "Global.allocate")
                await fillPattern(heap, b.ptr, 40, 11)
                const b2 = new Global().grow(b.ptr, L(40, 8), L(120, 32))
                expectBlock(heap, b2, L(120, 32), "Global.grow with a new alignment")
                await expectPattern(heap, b2.ptr, 40, 11, "Global.grow contents")
                const z = g.allocateZeroed(L(16, 4))
                expectZero(heap, z.ptr, 16, "Global.allocateZeroed")
                assertEq(live(heap), 2, "live blocks in the registered heap")
                g.deallocate(z.ptr, L(16, 4))
                byRef(g).deallocate(b2.ptr, L(120, 32))
                assertEq(live(heap), 0, "live blocks after Global.deallocate")
                // Registering another heap redirects the same handle.
                const other = t.make()
                setGlobalAllocator(other)
                const c = g.allocate(L(8, 8))
                assert(other.region.contains(c.ptr, 8) && live(other) === 1 && live(heap) === 0, "Global did not follow the new registration")
                g.deallocate(c.ptr, L(8, 8))
                expectConsistent(heap, "Global")
                expectConsistent(other, "Global")
            } finally {
                setGlobalAllocator(null)
            }
        },
    },
]
