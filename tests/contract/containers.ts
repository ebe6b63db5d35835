/**
 * tests/contract/containers.ts — Vec (src/collections/vec.ts) and HeapString
 * (src/collections/heap_string.ts) as portable test cases, run against every allocator
 * kind: by vitest on the host (tests/collections/containers.test.ts) and by
 * @devicescript/test inside the DeviceScript VM (tests/vm/selftest_api.ts).
 * Each case checks values, raw bytes in the region, the heap's counters and
 * its invariants. Loops stay short and yield often (the VM runs them with
 * GC-stress and a 131,072-opcode slice).
 */
import { AllocError, GlobalAllocAdapter } from "../../src/api/allocator_api"
import { Box } from "../../src/collections/boxed"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { HeapAllocator } from "../../src/api/global_alloc"
import { HeapString, utf8Length } from "../../src/collections/heap_string"
import { ptrText } from "../../src/core/hex"
import { Layout } from "../../src/core/layout"
import { elemWidth, ElemKind, Vec } from "../../src/collections/vec"
import { assert, assertEq, expectConsistent, expectHeapError, rawByte, thrown, settle } from "./check"
import { ConformanceCase, ConformanceTarget } from "./conformance"

/** The u32 value stored at index i by the growth cases. */
function val(i: number): number {
    return (i * 2654435761 + 12345) >>> 0
}

async function consistent(heap: HeapAllocator, what: string): Promise<void> {
    await settle()
    expectConsistent(heap, what)
}

async function expectValues(v: Vec, n: number, what: string): Promise<void> {
    assertEq(v.length(), n, what + ": length")
    for (let i = 0; i < n; i++) {
        if (v.get(i) !== val(i)) throw new Error(what + ": element " + i + " is " + v.get(i) + ", expected " + val(i))
        if ((i & 63) === 63) await settle()
    }
}

/** Checks every byte of a HeapString against the expected list. */
function expectStringBytes(heap: HeapAllocator, s: HeapString, bytes: number[], what: string): void {
    assertEq(s.length(), bytes.length, what + ": byte length")
    for (let i = 0; i < bytes.length; i++) {
        assertEq(s.byteAt(i), bytes[i], what + ": byteAt(" + i + ")")
        assertEq(rawByte(heap, s.asPtr() + i), bytes[i], what + ": region byte " + i)
    }
}

/** Allocates blocks of `size` until the heap refuses; returns their pointers. */
async function fillHeap(heap: HeapAllocator, size: number, out: number[]): Promise<void> {
    const l = Layout.fromSizeAlign(size, 1)
    let p = heap.alloc(l)
    while (p !== 0) {
        out.push(p)
        if ((out.length & 63) === 0) await settle()
        p = heap.alloc(l)
    }
}

export const CONTAINER_CASES: ConformanceCase[] = [
    {
        name: "Vec.newIn allocates nothing; pushes grow by doubling through realloc and keep every element",
        run: async t => {
            await settle()
            const heap = t.make()
            const before = heap.stats()
            const v = Vec.newIn(new GlobalAllocAdapter(heap), ElemKind.U32)
            assertEq(v.capacity(), 0, "capacity of a new Vec")
            assertEq(v.asPtr(), 4, "a new Vec's dangling pointer")
            assertEq(heap.stats().allocs, before.allocs, "allocs before the first push")
            let growths = 0
            let moves = 0
            let cap = 0
            let ptr = v.asPtr()
            for (let i = 0; i < 100; i++) {
                v.push(val(i))
                if (v.capacity() !== cap) {
                    assertEq(v.capacity(), cap === 0 ? 4 : cap * 2, "capacity after growth " + growths)
                    if (cap > 0 && v.asPtr() !== ptr) moves++
                    growths++
                    cap = v.capacity()
                    ptr = v.asPtr()
                    assertEq(ptr & 3, 0, "block alignment")
                    assertEq(heap.stats().requested - before.requested, cap * 4, "requested bytes = capacity x 4")
                }
                if ((i & 31) === 31) await settle()
            }
            assertEq(growths, 6, "growths for 100 pushes (4, 8, ..., 128)")
            const st = heap.stats()
            assertEq(st.allocs - before.allocs, 1, "one allocation: every growth is a realloc")
            assertEq(st.reallocs - before.reallocs, growths - 1, "reallocs")
            // Alone in a fresh heap, bump's block is always the newest: every growth is in place.
            if (heap.kind === "bump") assertEq(moves, 0, "bump: growths that moved the block")
            await expectValues(v, 100, "after growth (" + moves + " of " + (growths - 1) + " reallocs moved)")
            assertEq(v.get(99), val(99), "last element")
            v.drop()
            assertEq(heap.stats().liveBlocks, before.liveBlocks, "live blocks after drop")
            await consistent(heap, "growing a Vec")
        },
    },
    {
        name: "a Vec hemmed in by a neighbour moves when it grows; contents and neighbour intact",
        run: async t => {
            await settle()
            const heap = t.make()
            const a = new GlobalAllocAdapter(heap)
            const v = Vec.withCapacityIn(a, ElemKind.U16, 4)
            assertEq(v.capacity(), 4, "withCapacityIn")
            const n = Box.newIn(a, Layout.fromSizeAlign(16, 8))
            for (let i = 0; i < 16; i++) n.setU8(i, 0x5a)
            const p0 = v.asPtr()
            for (let i = 0; i < 4; i++) v.push(i * 1000)
            assertEq(v.asPtr(), p0, "no growth within capacity")
            for (let i = 4; i < 40; i++) v.push(i * 1000)
            // Growing from 8 to 80 bytes with a live block right behind: no region allocator can stay
            // in place. system can and must: its blocks have no neighbours (a slot spans 64 KiB) and
            // its realloc keeps the address (system.ts).
            if (heap.kind === "system") assertEq(v.asPtr(), p0, "system: the grown Vec's address")
            else assert(v.asPtr() !== p0, "the Vec grew past its neighbour without moving")
            for (let i = 0; i < 40; i++) assertEq(v.get(i), i * 1000, "element " + i)
            for (let i = 0; i < 16; i++) assertEq(n.getU8(i), 0x5a, "neighbour byte " + i)
            const vEnd = v.asPtr() + v.capacity() * 2
            assert(vEnd <= n.ptr || n.ptr + 16 <= v.asPtr(), "vec " + ptrText(v.asPtr()) + " overlaps its neighbour " + ptrText(n.ptr))
            v.drop()
            n.drop()
            assertEq(heap.stats().liveBlocks, 0, "live blocks")
            await consistent(heap, "moving growth")
        },
    },
    {
        name: "every element kind round-trips, wraps like the chip's stores and sits little-endian",
        run: async t => {
            await settle()
            const heap = t.make()
            const a = new GlobalAllocAdapter(heap)
            const u8 = Vec.newIn(a, ElemKind.U8)
            u8.push(300)
            u8.push(-1)
            assertEq(u8.get(0), 44, "u8 300 wraps")
            assertEq(u8.get(1), 255, "u8 -1")
            assertEq(u8.capacity(), 8, "a u8 Vec starts at 8")
            const u16 = Vec.newIn(a, ElemKind.U16)
            u16.push(70000)
            assertEq(u16.get(0), 70000 - 65536, "u16 wraps")
            const u32 = Vec.newIn(a, ElemKind.U32)
            u32.push(0x04030201)
            u32.push(-1)
            assertEq(rawByte(heap, u32.asPtr()), 1, "u32 byte 0")
            assertEq(rawByte(heap, u32.asPtr() + 3), 4, "u32 byte 3")
            assertEq(u32.get(1), 0xffffffff, "u32 -1 wraps")
            u32.set(0, 0xdeadbeef)
            assertEq(u32.get(0), 0xdeadbeef, "u32 0xdeadbeef")
            const i32 = Vec.newIn(a, ElemKind.I32)
            i32.push(0x80000000)
            assertEq(i32.get(0), -2147483648, "i32 2^31 wraps")
            const f32 = Vec.newIn(a, ElemKind.F32)
            f32.push(-2.25)
            assertEq(f32.get(0), -2.25, "f32")
            const f64 = Vec.newIn(a, ElemKind.F64)
            f64.push(1.5e300)
            f64.push(-0.1)
            assertEq(f64.get(0), 1.5e300, "f64")
            assertEq(f64.get(1), -0.1, "f64 -0.1")
            assertEq(f64.asPtr() & 7, 0, "f64 block 8-aligned")
            assertEq(elemWidth(ElemKind.F64) + elemWidth(ElemKind.U16) + elemWidth(ElemKind.F32), 14, "widths")
            expectHeapError(thrown(() => Vec.newIn(a, 99 as ElemKind)), HeapErrorCode.BadArgument, 0, "unknown kind")
            assertEq(heap.stats().liveBlocks, 6, "one block per Vec")
            u8.drop()
            u16.drop()
            u32.drop()
            i32.drop()
            f32.drop()
            f64.drop()
            assertEq(heap.stats().liveBlocks, 0, "live blocks after drops")
            await consistent(heap, "element kinds")
        },
    },
    {
        name: "bad indices and arguments are HeapError(BadArgument) naming index, length and ptr; nothing changes",
        run: async t => {
            await settle()
            const heap = t.make()
            const v = Vec.newIn(new GlobalAllocAdapter(heap), ElemKind.I32)
            expectHeapError(thrown(() => v.get(0)), HeapErrorCode.BadArgument, 4, "get(0) of an empty Vec")
            assertEq(v.pop(), undefined, "pop of an empty Vec")
            v.extendFromArray([10, 20, 30])
            const p = v.asPtr()
            const e = thrown(() => v.get(3)) as HeapError
            expectHeapError(e, HeapErrorCode.BadArgument, p, "get(3) of length 3")
            assert(e.message.indexOf("index 3") >= 0 && e.message.indexOf("length 3") >= 0, "message names index and length: " + e.message)
            expectHeapError(thrown(() => v.set(3, 1)), HeapErrorCode.BadArgument, p, "set(3)")
            expectHeapError(thrown(() => v.get(-1)), HeapErrorCode.BadArgument, p, "get(-1)")
            expectHeapError(thrown(() => v.set(1.5, 1)), HeapErrorCode.BadArgument, p, "set(1.5)")
            expectHeapError(thrown(() => v.get(0 / 0)), HeapErrorCode.BadArgument, p, "get(NaN)")
            expectHeapError(thrown(() => v.reserve(-1)), HeapErrorCode.BadArgument, p, "reserve(-1)")
            expectHeapError(thrown(() => v.reserve(0.5)), HeapErrorCode.BadArgument, p, "reserve(0.5)")
            expectHeapError(thrown(() => v.setLength(5)), HeapErrorCode.BadArgument, p, "setLength past capacity")
            expectHeapError(thrown(() => v.truncate(-2)), HeapErrorCode.BadArgument, p, "truncate(-2)")
            expectHeapError(
                thrown(() => Vec.withCapacityIn(new GlobalAllocAdapter(heap), ElemKind.U8, -1)),
                HeapErrorCode.BadArgument,
                0,
                "withCapacityIn(-1)",
            )
            assertEq(v.length(), 3, "length after rejected calls")
            assertEq(v.capacity(), 4, "capacity after rejected calls")
            assertEq(v.get(0) + v.get(1) + v.get(2), 60, "contents after rejected calls")
            assertEq(heap.stats().liveBlocks, 1, "live blocks after rejected calls")
            // The other accessors.
            let sum = 0
            v.forEach((x, i) => {
                sum += x * (i + 1)
            })
            assertEq(sum, 10 + 40 + 90, "forEach values and indices")
            assert(v.toArray().join(",") === "10,20,30", "toArray: " + v.toArray().join(","))
            v.truncate(7)
            assertEq(v.length(), 3, "truncate beyond length does nothing")
            v.truncate(1)
            assert(v.toArray().join(",") === "10", "truncate(1): " + v.toArray().join(","))
            assertEq(v.pop(), 10, "pop")
            v.drop()
            await consistent(heap, "bad indices")
        },
    },
    {
        name: "exhaustion: push throws AllocError and tryPush returns false, the Vec unchanged; shrinkToFit gives bytes back",
        run: async t => {
            await settle()
            const heap = t.make()
            const v = Vec.newIn(new GlobalAllocAdapter(heap), ElemKind.F64)
            let err: any = null
            let n = 0
            while (err === null && n < 10000) {
                err = thrown(() => v.push(n * 0.5))
                if (err === null) n++
                if ((n & 63) === 0) await settle()
            }
            assert(err instanceof AllocError, "filling: expected AllocError, got " + (err === null ? "no error" : "" + err))
            assert(n >= 64, "only " + n + " f64 fit")
            const cap = v.capacity()
            const p = v.asPtr()
            assertEq(cap, n, "the failed push came with a full Vec")
            assert(!v.tryPush(1), "tryPush on a full heap")
            err = thrown(() => v.reserve(1000000))
            assert(err instanceof AllocError, "reserve(1e6): expected AllocError, got " + err)
            assertEq(v.length(), n, "length after failures")
            assertEq(v.capacity(), cap, "capacity after failures")
            assertEq(v.asPtr(), p, "ptr after failures")
            for (let i = 0; i < n; i++) {
                if (v.get(i) !== i * 0.5) throw new Error("element " + i + " after failures is " + v.get(i))
                if ((i & 63) === 63) await settle()
            }
            assertEq(heap.stats().requested, cap * 8, "requested bytes: the old block only")
            await consistent(heap, "failed growth")
            // Shrink to half: the block keeps the first half, the heap gets the rest back.
            const half = n >> 1
            v.truncate(half)
            const free0 = heap.stats().free
            v.shrinkToFit()
            assertEq(v.capacity(), half, "capacity after shrinkToFit")
            assertEq(heap.stats().requested, half * 8, "requested after shrinkToFit")
            assert(heap.stats().free >= free0, "free bytes did not shrink")
            for (let i = 0; i < half; i++) {
                if (v.get(i) !== i * 0.5) throw new Error("element " + i + " after shrink is " + v.get(i))
                if ((i & 63) === 63) await settle()
            }
            assert(v.tryPush(7), "tryPush after shrinking")
            assertEq(v.get(half), 7, "pushed value")
            v.drop()
            assertEq(heap.stats().liveBlocks, 0, "live blocks")
            await consistent(heap, "exhaustion and shrink")
        },
    },
    {
        name: "clear keeps the block; shrinkToFit of an empty Vec frees it; drop rules (use after drop, double drop)",
        run: async t => {
            await settle()
            const heap = t.make()
            const a = new GlobalAllocAdapter(heap)
            const v = Vec.withCapacityIn(a, ElemKind.U32, 10)
            v.extendFromArray([1, 2, 3])
            v.clear()
            assertEq(v.length(), 0, "length after clear")
            assertEq(v.capacity(), 10, "capacity after clear")
            assertEq(heap.stats().liveBlocks, 1, "clear keeps the block")
            v.shrinkToFit()
            assertEq(v.capacity(), 0, "capacity after shrinking an empty Vec")
            assertEq(v.asPtr(), 4, "dangling again")
            assertEq(heap.stats().liveBlocks, 0, "the block went back")
            v.push(5)
            const p = v.asPtr()
            const frees = heap.stats().frees
            v.drop()
            assertEq(heap.stats().frees, frees + 1, "drop frees the block")
            assert(v.isDropped(), "isDropped")
            expectHeapError(thrown(() => v.get(0)), HeapErrorCode.NotAllocated, p, "get after drop")
            expectHeapError(thrown(() => v.set(0, 1)), HeapErrorCode.NotAllocated, p, "set after drop")
            expectHeapError(thrown(() => v.push(1)), HeapErrorCode.NotAllocated, p, "push after drop")
            expectHeapError(thrown(() => v.tryPush(1)), HeapErrorCode.NotAllocated, p, "tryPush after drop")
            expectHeapError(thrown(() => v.pop()), HeapErrorCode.NotAllocated, p, "pop after drop")
            expectHeapError(thrown(() => v.length()), HeapErrorCode.NotAllocated, p, "length after drop")
            expectHeapError(thrown(() => v.reserve(1)), HeapErrorCode.NotAllocated, p, "reserve after drop")
            expectHeapError(thrown(() => v.shrinkToFit()), HeapErrorCode.NotAllocated, p, "shrinkToFit after drop")
            expectHeapError(thrown(() => v.clear()), HeapErrorCode.NotAllocated, p, "clear after drop")
            expectHeapError(thrown(() => v.toArray()), HeapErrorCode.NotAllocated, p, "toArray after drop")
            expectHeapError(thrown(() => v.drop()), HeapErrorCode.DoubleFree, p, "second drop")
            assertEq(heap.stats().frees, frees + 1, "the second drop freed nothing")
            // A Vec that never allocated: drop asks nothing of the heap, and is still checked.
            const allocs = heap.stats().allocs
            const e = Vec.newIn(a, ElemKind.F64)
            e.drop()
            expectHeapError(thrown(() => e.drop()), HeapErrorCode.DoubleFree, 8, "second drop of an empty Vec")
            assertEq(heap.stats().allocs, allocs, "an empty Vec never reached the heap")
            assertEq(heap.stats().frees, frees + 1, "nor freed anything")
            await consistent(heap, "drop rules")
        },
    },
    {
        name: "HeapString: UTF-8 bytes of ASCII, Latin-1, the euro sign and an emoji; toJsString round-trips",
        run: async t => {
            await settle()
            const heap = t.make()
            const a = new GlobalAllocAdapter(heap)
            const s = HeapString.fromIn(a, "héllo €")
            expectStringBytes(heap, s, [0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0x20, 0xe2, 0x82, 0xac], "héllo €")
            assertEq(s.capacity(), 10, "fromIn allocates exactly the bytes")
            assert(s.toJsString() === "héllo €", "round trip: got " + s.toJsString())
            s.push("😀!")
            assertEq(utf8Length("😀!"), 5, "utf8Length of an emoji and a byte")
            assertEq(s.length(), 15, "bytes after pushing an emoji")
            assertEq(s.byteAt(10), 0xf0, "emoji byte 0")
            assertEq(s.byteAt(11), 0x9f, "emoji byte 1")
            assertEq(s.byteAt(12), 0x98, "emoji byte 2")
            assertEq(s.byteAt(13), 0x80, "emoji byte 3")
            assert(s.toJsString() === "héllo €😀!", "round trip with emoji: got " + s.toJsString())
            s.pushCodePoint(0x1f600)
            s.pushCodePoint(0x7ff)
            s.pushCodePoint(0x41)
            assert(s.toJsString() === "héllo €😀!😀\u07ffA", "pushCodePoint: got " + s.toJsString())
            const p = s.asPtr()
            const len = s.length()
            expectHeapError(thrown(() => s.pushCodePoint(0xd800)), HeapErrorCode.BadArgument, p, "a surrogate")
            expectHeapError(thrown(() => s.pushCodePoint(0x110000)), HeapErrorCode.BadArgument, p, "past U+10FFFF")
            expectHeapError(thrown(() => s.byteAt(len)), HeapErrorCode.BadArgument, p, "byteAt(length)")
            assertEq(s.length(), len, "length after rejected calls")
            const empty = HeapString.fromIn(a, "")
            assertEq(empty.length(), 0, "empty string")
            assertEq(empty.capacity(), 0, "an empty string has no block")
            assert(empty.toJsString() === "", "empty round trip")
            const ascii = HeapString.newIn(a)
            ascii.push("key=")
            ascii.push("value")
            ascii.push("")
            assert(ascii.toJsString() === "key=value", "pieces: " + ascii.toJsString())
            assertEq(heap.stats().liveBlocks, 2, "blocks: s and ascii")
            s.drop()
            empty.drop()
            ascii.drop()
            assertEq(heap.stats().liveBlocks, 0, "live blocks after drops")
            await consistent(heap, "HeapString round trips")
        },
    },
    {
        name: "HeapString: growth keeps the text; a push the heap cannot hold is AllocError, the string unchanged; drop rules",
        run: async t => {
            await settle()
            const heap = t.make()
            const a = new GlobalAllocAdapter(heap)
            const s = HeapString.withCapacityIn(a, 4)
            assertEq(s.capacity(), 4, "withCapacityIn")
            let want = ""
            for (let i = 0; i < 20; i++) {
                s.push("é" + i)
                want += "é" + i
            }
            assert(s.toJsString() === want, "after 20 pushes: " + s.toJsString())
            assertEq(s.length(), utf8Length(want), "byte length")
            s.shrinkToFit()
            assertEq(s.capacity(), s.length(), "shrinkToFit")
            const big: number[] = []
            const small: number[] = []
            await fillHeap(heap, 64, big)
            await fillHeap(heap, 8, small)
            const p = s.asPtr()
            const len = s.length()
            const err = thrown(() => s.push("more text!"))
            assert(err instanceof AllocError, "push on a full heap: expected AllocError, got " + (err === null ? "no error" : "" + err))
            assertEq(s.length(), len, "length after the failed push")
            assertEq(s.asPtr(), p, "ptr after the failed push")
            assertEq(s.capacity(), len, "capacity after the failed push")
            assert(s.toJsString() === want, "text after the failed push: " + s.toJsString())
            await settle()
            const l64 = Layout.fromSizeAlign(64, 1)
            const l8 = Layout.fromSizeAlign(8, 1)
            for (let i = 0; i < small.length; i++) heap.dealloc(small[i], l8)
            await settle()
            for (let i = 0; i < big.length; i++) {
                heap.dealloc(big[i], l64)
                if ((i & 63) === 63) await settle()
            }
            s.push("more text!")
            want += "more text!"
            assert(s.toJsString() === want, "text after a push with room: " + s.toJsString())
            const q = s.asPtr()
            s.drop()
            assert(s.isDropped(), "isDropped")
            expectHeapError(thrown(() => s.toJsString()), HeapErrorCode.NotAllocated, q, "toJsString after drop")
            expectHeapError(thrown(() => s.push("x")), HeapErrorCode.NotAllocated, q, "push after drop")
            expectHeapError(thrown(() => s.length()), HeapErrorCode.NotAllocated, q, "length after drop")
            expectHeapError(thrown(() => s.drop()), HeapErrorCode.DoubleFree, q, "second drop")
            assertEq(heap.stats().liveBlocks, 0, "live blocks")
            await consistent(heap, "HeapString exhaustion")
        },
    },
]
