/**
 * tests/contract/boxed.ts — Box (src/collections/boxed.ts) as portable test cases, run
 * against every allocator kind: by vitest on the host (tests/collections/boxed.test.ts)
 * and by @devicescript/test inside the DeviceScript VM
 * (tests/vm/selftest_api.ts). Each case checks values, the raw bytes in the
 * region, neighbouring blocks and the heap's invariants.
 */
import { AllocError, byRef, Global, GlobalAllocAdapter } from "../../src/api/allocator_api"
import { Box } from "../../src/collections/boxed"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { HeapAllocator, setGlobalAllocator } from "../../src/api/global_alloc"
import { ptrText } from "../../src/core/hex"
import { Layout } from "../../src/core/layout"
import { assert, assertEq, expectConsistent, expectHeapError, rawByte, thrown, settle } from "./check"
import { ConformanceCase, ConformanceTarget } from "./conformance"

function expectBytes(heap: HeapAllocator, ptr: number, len: number, v: number, what: string): void {
    for (let i = 0; i < len; i++) {
        const got = rawByte(heap, ptr + i)
        if (got !== v) throw new Error(what + ": byte " + i + " of " + ptrText(ptr) + " is " + got + ", expected " + v)
    }
}

/** A 16-byte box between two 16-byte neighbours filled with 0x5a. */
class Row {
    heap: HeapAllocator
    left: Box
    mid: Box
    right: Box
}

function row(t: ConformanceTarget): Row {
    const r = new Row()
    r.heap = t.make()
    const a = new GlobalAllocAdapter(r.heap)
    const l = Layout.fromSizeAlign(16, 8)
    r.left = Box.newIn(a, l)
    r.mid = Box.newIn(a, l)
    r.right = Box.newIn(a, l)
    for (let i = 0; i < 16; i++) {
        r.left.setU8(i, 0x5a)
        r.right.setU8(i, 0x5a)
    }
    return r
}

/** Yields (a heap walk needs most of a VM slice), then checks the heap's invariants. */
async function consistent(heap: HeapAllocator, what: string): Promise<void> {
    await settle()
    expectConsistent(heap, what)
}

async function neighboursIntact(r: Row, what: string): Promise<void> {
    expectBytes(r.heap, r.left.ptr, 16, 0x5a, "left neighbour after " + what)
    expectBytes(r.heap, r.right.ptr, 16, 0x5a, "right neighbour after " + what)
    await consistent(r.heap, what)
}

export const BOX_CASES: ConformanceCase[] = [
    {
        name: "Box.newIn: an aligned block of the layout that reads all zero over dirty memory",
        run: async t => {
            await settle()
            const heap = t.make()
            const l = Layout.fromSizeAlign(64, 16)
            const p = heap.alloc(l)
            heap.region.fill(p, 64, 0xee)
            heap.dealloc(p, l)
            const n = heap.stats().liveBlocks
            const b = Box.newIn(new GlobalAllocAdapter(heap), l)
            assert(b.ptr - Math.floor(b.ptr / 16) * 16 === 0 && heap.region.contains(b.ptr, 64), "box at " + ptrText(b.ptr) + " misplaced")
            assert(b.layout === l && !b.isDropped(), "box's layout / dropped state")
            assertEq(heap.stats().liveBlocks, n + 1, "live blocks after newIn")
            for (let i = 0; i < 64; i += 8) assertEq(b.getF64(i), 0, "byte group " + i)
            expectBytes(heap, b.ptr, 64, 0, "new box")
            b.drop()
            assertEq(heap.stats().liveBlocks, n, "live blocks after drop")
            await consistent(heap, "newIn + drop")
        },
    },
    {
        name: "typed fields round-trip, wrap like the chip's stores, and sit little-endian in the region",
        run: async t => {
            await settle()
            const r = row(t)
            const b = r.mid
            b.setU32(0, 0x04030201)
            assertEq(rawByte(r.heap, b.ptr), 1, "u32 byte 0")
            assertEq(rawByte(r.heap, b.ptr + 3), 4, "u32 byte 3")
            b.setU32(0, 0xdeadbeef)
            assertEq(b.getU32(0), 0xdeadbeef, "u32 0xdeadbeef")
            b.setU32(4, -1)
            assertEq(b.getU32(4), 0xffffffff, "u32 -1 wraps")
            assertEq(b.getI32(4), -1, "the same bytes as i32")
            b.setI32(4, 0x80000000)
            assertEq(b.getI32(4), -2147483648, "i32 2^31 wraps")
            b.setU16(8, 70000)
            assertEq(b.getU16(8), 70000 - 65536, "u16 wraps")
            b.setU8(10, 300)
            assertEq(b.getU8(10), 44, "u8 wraps")
            b.setU8(11, -1)
            assertEq(b.getU8(11), 255, "u8 -1")
            b.setF32(12, -2.25)
            assertEq(b.getF32(12), -2.25, "f32")
            b.setF64(8, 1.5e300)
            assertEq(b.getF64(8), 1.5e300, "f64")
            assertEq(b.getU32(0), 0xdeadbeef, "u32 field untouched by the others")
            await neighboursIntact(r, "writing every field")
        },
    },
    {
        name: "a struct laid out with Layout.extend keeps its fields apart",
        run: async t => {
            await settle()
            const heap = t.make()
            // struct { tag: u8, count: u32, scale: f64, id: u16 }
            const a1 = Layout.fromSizeAlign(1, 1).extend(Layout.scalar(4))
            const a2 = a1.layout.extend(Layout.scalar(8))
            const a3 = a2.layout.extend(Layout.scalar(2))
            const l = a3.layout.padToAlign()
            assertEq(l.size, 24, "struct size")
            const s = Box.newIn(new GlobalAllocAdapter(heap), l)
            s.setU8(0, 9)
            s.setU32(a1.offset, 123456789)
            s.setF64(a2.offset, -0.5)
            s.setU16(a3.offset, 65535)
            assertEq(s.getU8(0), 9, "tag")
            assertEq(s.getU32(a1.offset), 123456789, "count")
            assertEq(s.getF64(a2.offset), -0.5, "scale")
            assertEq(s.getU16(a3.offset), 65535, "id")
            s.drop()
            await consistent(heap, "struct box")
        },
    },
    {
        name: "an access outside the box is a HeapError(BadArgument) naming it, and writes nothing",
        run: async t => {
            await settle()
            const r = row(t)
            const b = r.mid
            const p = b.ptr
            expectHeapError(thrown(() => b.setU32(13, 1)), HeapErrorCode.BadArgument, p, "setU32 at 13 of 16")
            expectHeapError(thrown(() => b.setF64(9, 1)), HeapErrorCode.BadArgument, p, "setF64 at 9 of 16")
            expectHeapError(thrown(() => b.setU8(16, 1)), HeapErrorCode.BadArgument, p, "setU8 at 16")
            expectHeapError(thrown(() => b.setU16(-1, 1)), HeapErrorCode.BadArgument, p, "setU16 at -1")
            expectHeapError(thrown(() => b.setI32(1.5, 1)), HeapErrorCode.BadArgument, p, "setI32 at 1.5")
            expectHeapError(thrown(() => b.getU8(0 / 0)), HeapErrorCode.BadArgument, p, "getU8 at NaN")
            expectHeapError(thrown(() => b.getF32(14)), HeapErrorCode.BadArgument, p, "getF32 at 14")
            const e = thrown(() => b.getU16(15)) as HeapError
            expectHeapError(e, HeapErrorCode.BadArgument, p, "getU16 at 15")
            assert(e.message.indexOf("offset 15") >= 0 && e.message.indexOf("16-byte") >= 0, "message names offset and size: " + e.message)
            expectBytes(r.heap, p, 16, 0, "the box after rejected writes")
            await neighboursIntact(r, "rejected accesses")
        },
    },
    {
        name: "use after drop is HeapError(NotAllocated), a second drop HeapError(DoubleFree); the heap is untouched",
        run: async t => {
            await settle()
            const r = row(t)
            const b = r.mid
            b.setU32(0, 77)
            b.drop()
            assert(b.isDropped(), "isDropped after drop")
            const st = r.heap.stats()
            // The freed block may be handed out again: another box there must not see stale writes.
            const again = Box.newIn(new GlobalAllocAdapter(r.heap), Layout.fromSizeAlign(16, 8))
            expectHeapError(thrown(() => b.getU32(0)), HeapErrorCode.NotAllocated, b.ptr, "getU32 after drop")
            expectHeapError(thrown(() => b.setU32(0, 5)), HeapErrorCode.NotAllocated, b.ptr, "setU32 after drop")
            expectHeapError(thrown(() => b.setF64(0, 5)), HeapErrorCode.NotAllocated, b.ptr, "setF64 after drop")
            expectHeapError(thrown(() => b.drop()), HeapErrorCode.DoubleFree, b.ptr, "second drop")
            expectBytes(r.heap, again.ptr, 16, 0, "a new box after the dead one's rejected writes")
            assertEq(r.heap.stats().liveBlocks, st.liveBlocks + 1, "live blocks after misuse of a dropped box")
            again.drop()
            assertEq(r.heap.stats().frees, st.frees + 1, "frees: the second drop freed nothing")
            await neighboursIntact(r, "use after drop")
        },
    },
    {
        name: "a zero-size box is dangling: no fields, no heap block, drop still checked",
        run: async t => {
            await settle()
            const heap = t.make()
            const allocs = heap.stats().allocs
            const z = Box.newIn(new GlobalAllocAdapter(heap), Layout.fromSizeAlign(0, 4))
            assertEq(z.ptr, 4, "dangling pointer")
            expectHeapError(thrown(() => z.getU8(0)), HeapErrorCode.BadArgument, 4, "getU8 of a zero-size box")
            z.drop()
            expectHeapError(thrown(() => z.drop()), HeapErrorCode.DoubleFree, 4, "second drop of a zero-size box")
            assertEq(heap.stats().allocs, allocs, "the heap saw no request")
            await consistent(heap, "zero-size box")
        },
    },
    {
        name: "boxes through Global and byRef; exhaustion is an AllocError; every box keeps its own value",
        run: async t => {
            await settle()
            const heap = t.make()
            setGlobalAllocator(heap)
            try {
                const g = Box.newIn(new Global(), Layout.scalar(8))
                g.setF64(0, 2.5)
                const v = Box.newIn(byRef(new Global()), Layout.scalar(4))
                v.setI32(0, -9)
                assertEq(heap.stats().liveBlocks, 2, "Global boxes live in the registered heap")
                // Big boxes: each Box is also an object on the VM's 64 KiB GC heap, so keep their number small.
                const l = Layout.fromSizeAlign(200, 4)
                const boxes: Box[] = []
                let err: any = null
                while (err === null && boxes.length < 2000) {
                    err = thrown(() => {
                        boxes.push(Box.newIn(new Global(), l))
                    })
                    if (boxes.length > 0 && err === null) boxes[boxes.length - 1].setU32(196, boxes.length * 7919)
                    if ((boxes.length & 63) === 0) await settle()
                }
                assert(err instanceof AllocError, "filling the heap with boxes: expected AllocError, got " + (err === null ? "no error" : "" + err))
                assert(boxes.length > 5, "only " + boxes.length + " boxes fit")
                for (let i = 0; i < boxes.length; i++) assertEq(boxes[i].getU32(196), (i + 1) * 7919, "box " + i)
                await settle()
                assertEq(g.getF64(0), 2.5, "Global box")
                assertEq(v.getI32(0), -9, "byRef box")
                for (const b of boxes) b.drop()
                g.drop()
                v.drop()
                assertEq(heap.stats().liveBlocks, 0, "live blocks after dropping every box")
                await settle()
                await consistent(heap, "many boxes")
            } finally {
                setGlobalAllocator(null)
            }
        },
    },
]
