/**
 * tests/contract/debug.ts — the debug modes (src/layers/debug.ts) as portable cases:
 * each case wraps a fresh allocator of the target's kind in a DebugAllocator
 * and provokes one heap bug (overflow, underflow, write after free, double
 * free, foreign / misaligned pointer, wrong layout), then checks that it is
 * caught with its code naming the user's pointer, that every other live block
 * keeps its payload pattern, and that check() lists only that one failure.
 * Run on the host for every allocator kind (tests/layers/debug.test.ts) and in the
 * VM (tests/vm/selftest_debug.ts).
 */
import { DebugAllocator, DebugLevel, FILL_ALLOC, FILL_FREED } from "../../src/layers/debug"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { HeapEvents } from "../../src/core/events"
import { ptrText } from "../../src/core/hex"
import { Layout } from "../../src/core/layout"
import { HeapStats } from "../../src/core/stats"
import { assert, assertEq, expectConsistent, expectHeapError, expectPattern, fillPattern, settle, thrown, tick } from "./check"
import type { ConformanceCase, ConformanceTarget } from "./conformance"

/** A HeapEvents stub that records checkFailed calls as (code, ptr) pairs. */
export class RecordingEvents implements HeapEvents {
    codes: number[] = []
    ptrs: number[] = []
    oomHook(op: string, size: number, align: number, attempt: number, retry: boolean): void {}
    checkFailed(code: number, ptr: number): void {
        this.codes.push(code)
        this.ptrs.push(ptr)
    }
    leak(ptr: number, size: number, align: number, kind: string): void {}
}

class Blk {
    constructor(public ptr: number, public layout: Layout, public seed: number) {}
}

/** A debug heap over the target's allocator, a recording event stub and the live blocks with their patterns. */
class Scene {
    heap: DebugAllocator
    events = new RecordingEvents()
    live: Blk[] = []
    /** The middle block of the three the scene starts with (100 bytes, align 8). */
    victim: Blk
}

async function take(s: Scene, size: number, align: number): Promise<Blk> {
    const layout = Layout.fromSizeAlign(size, align)
    const p = s.heap.alloc(layout)
    assert(p !== 0, "alloc(" + size + ", " + align + ") returned null")
    const b = new Blk(p, layout, s.live.length + 11)
    await fillPattern(s.heap, p, size, b.seed)
    s.live.push(b)
    return b
}

/** Three live blocks (48, 100, 32 bytes, align 8) under a debug heap; victim is the middle one. */
async function scene(t: ConformanceTarget, level: DebugLevel, quarantineBytes?: number): Promise<Scene> {
    const s = new Scene()
    s.heap = quarantineBytes === undefined ? new DebugAllocator(t.make(), level) : new DebugAllocator(t.make(), level, { quarantineBytes: quarantineBytes })
    s.heap.setEvents(s.events)
    await take(s, 48, 8)
    s.victim = await take(s, 100, 8)
    await take(s, 32, 8)
    return s
}

function forget(s: Scene, b: Blk): void {
    s.live = s.live.filter(x => x !== b)
}

/** Every live block still holds its pattern. */
async function intact(s: Scene, what: string): Promise<void> {
    for (const b of s.live) await expectPattern(s.heap, b.ptr, b.layout.size, b.seed, "live block after " + what)
    await settle()
}

/** Other blocks intact, and check() lists exactly one sentence, which names ptr and the code's name. */
async function onlyFailure(s: Scene, ptr: number, name: string, what: string): Promise<void> {
    await intact(s, what)
    const problems = s.heap.check()
    assertEq(problems.length, 1, "check() sentences after " + what + " (" + problems.join("; ") + ")")
    assert(problems[0].indexOf(ptrText(ptr)) >= 0 && problems[0].indexOf(name) >= 0, what + ": check() should name " + ptrText(ptr) + " and " + name + ": " + problems[0])
}

function sameStats(a: HeapStats, b: HeapStats, what: string): void {
    assert(
        a.free === b.free && a.requested === b.requested && a.liveBlocks === b.liveBlocks && a.allocs === b.allocs &&
            a.frees === b.frees && a.reallocs === b.reallocs && a.failures === b.failures,
        "stats changed by " + what,
    )
}

/** f must throw HeapError `code` naming ptr and change nothing: stats, patterns, a clean check(). */
async function expectMisuse(s: Scene, code: HeapErrorCode, ptr: number, what: string, f: () => void): Promise<void> {
    const before = s.heap.stats()
    expectHeapError(thrown(f), code, ptr, what)
    sameStats(s.heap.stats(), before, what)
    await intact(s, what)
    expectConsistent(s.heap, what)
}

/** Throws unless the single recorded event is (code, ptr). */
function expectEvent(s: Scene, code: HeapErrorCode, ptr: number, what: string): void {
    assertEq(s.events.codes.length, 1, what + ": checkFailed calls")
    assertEq(s.events.codes[0], code, what + ": checkFailed code")
    assertEq(s.events.ptrs[0], ptr, what + ": checkFailed ptr")
    const f = s.heap.failures()
    assertEq(f.length, 1, what + ": recorded failures")
    assertEq(f[0].code, code, what + ": recorded code")
    assertEq(f[0].ptr, ptr, what + ": recorded ptr")
}

/** Every byte of [ptr, ptr + len) is `byte`. */
async function expectBytes(s: Scene, ptr: number, len: number, byte: number, what: string): Promise<void> {
    const buf = s.heap.region.locate(ptr, len) // a view (system, multi) routes each block to its Buffer
    assert(buf !== null, "no one Buffer holds " + len + " bytes at " + ptrText(ptr))
    const off = s.heap.region.located
    for (let i = 0; i < len; i++) if (buf.getAt(off + i, "u8") !== byte) throw new Error(what + ": byte " + i + " at " + ptrText(ptr) + " is " + buf.getAt(off + i, "u8") + ", expected " + byte)
    await tick(len)
}

const LEVELS = [DebugLevel.Light, DebugLevel.Full]

function levelName(level: DebugLevel): string {
    return level === DebugLevel.Full ? "full" : "light"
}

/** The overflow-on-dealloc case at one level. */
async function overflowOnDealloc(t: ConformanceTarget, level: DebugLevel): Promise<void> {
    const s = await scene(t, level)
    const v = s.victim
    const what = levelName(level) + ": dealloc after a 1-byte overflow"
    s.heap.region.writeU8(v.ptr + v.layout.size, 0x00) // exactly one byte past the end
    await expectMisuseKeepsFailure(s, v.ptr, what, () => s.heap.dealloc(v.ptr, v.layout))
    // The block is still live: with the byte put back it frees normally.
    s.heap.region.writeU8(v.ptr + v.layout.size, 0xfd)
    s.heap.dealloc(v.ptr, v.layout)
    forget(s, v)
    await intact(s, "dealloc after the repair")
    expectConsistent(s.heap, "dealloc after the repair")
    assertEq(s.events.codes.length, 0, "a thrown failure is not an event")
}

/** dealloc throws CanaryClobbered naming ptr and changes nothing; check() lists just that block. */
async function expectMisuseKeepsFailure(s: Scene, ptr: number, what: string, f: () => void): Promise<void> {
    const before = s.heap.stats()
    expectHeapError(thrown(f), HeapErrorCode.CanaryClobbered, ptr, what)
    sameStats(s.heap.stats(), before, what)
    await onlyFailure(s, ptr, "canary-clobbered", what)
}

/** The four misuses other than canaries, at one level. */
async function misuses(t: ConformanceTarget, level: DebugLevel): Promise<void> {
    const s = await scene(t, level)
    const v = s.victim
    const name = levelName(level)
    const r = s.heap.region
    await expectMisuse(s, HeapErrorCode.OutOfRegion, r.base - 16, name + ": a pointer below the region", () => s.heap.dealloc(r.base - 16, v.layout))
    await expectMisuse(s, HeapErrorCode.OutOfRegion, r.base + r.size, name + ": a pointer past the region", () => s.heap.dealloc(r.base + r.size, v.layout))
    await expectMisuse(s, HeapErrorCode.Misaligned, v.ptr + 4, name + ": a misaligned pointer", () => s.heap.dealloc(v.ptr + 4, v.layout))
    await expectMisuse(s, HeapErrorCode.NotAllocated, v.ptr + 16, name + ": an interior pointer", () => s.heap.dealloc(v.ptr + 16, Layout.fromSizeAlign(16, 8)))
    await expectMisuse(s, HeapErrorCode.NotAllocated, 0, name + ": null", () => s.heap.dealloc(0, v.layout))
    // A block of the inner allocator that never went through the debug layer: foreign to it.
    const foreign = s.heap.inner.alloc(Layout.fromSizeAlign(64, 8))
    assert(foreign !== 0, "inner alloc for the foreign block")
    s.heap.region.fill(foreign, 64, 0x5a)
    await expectMisuse(s, HeapErrorCode.NotAllocated, foreign, name + ": a block the debug layer never handed out", () => s.heap.dealloc(foreign, Layout.fromSizeAlign(64, 8)))
    await expectMisuse(s, HeapErrorCode.WrongLayout, v.ptr, name + ": the wrong size", () => s.heap.dealloc(v.ptr, Layout.fromSizeAlign(101, 8)))
    await expectMisuse(s, HeapErrorCode.WrongLayout, v.ptr, name + ": the wrong align", () => s.heap.dealloc(v.ptr, Layout.fromSizeAlign(100, 4)))
    await expectMisuse(s, HeapErrorCode.WrongLayout, v.ptr, name + ": realloc with the wrong size", () => s.heap.realloc(v.ptr, Layout.fromSizeAlign(99, 8), 8))
    s.heap.dealloc(v.ptr, v.layout)
    forget(s, v)
    await intact(s, name + ": the right layout after the misuses")
    expectConsistent(s.heap, name + ": the right layout after the misuses")
}

/**
 * Addresses past the victim's end, near and far (for the system allocator:
 * inside the block's 64 KiB handle range but past its Buffer; for a region:
 * other blocks' insides, free memory or outside), at one level: each is a
 * HeapError naming it from dealloc and from realloc, never another throw or
 * a VM panic, and nothing changes.
 */
async function pastTheEnd(t: ConformanceTarget, level: DebugLevel): Promise<void> {
    const s = await scene(t, level)
    const v = s.victim
    for (const d of [v.layout.size + 4, v.layout.size + 64, 0x1000, 0x8000, 0xfff0]) notABlock(s, v.ptr + d, levelName(level) + ": " + d + " bytes past the block's start")
    await intact(s, levelName(level) + ": pointers past the end")
    expectConsistent(s.heap, levelName(level) + ": pointers past the end")
}

/** dealloc and realloc of p (layout 8, 4) throw a HeapError naming p and change nothing. A function of its own: the VM's closures cannot capture a loop variable. */
function notABlock(s: Scene, p: number, what: string): void {
    const l = Layout.fromSizeAlign(8, 4)
    const before = s.heap.stats()
    const e1 = thrown(() => s.heap.dealloc(p, l))
    const e2 = thrown(() => s.heap.realloc(p, l, 16))
    assert(e1 instanceof HeapError && (e1 as HeapError).message.indexOf(ptrText(p)) >= 0, what + ": dealloc: expected a HeapError naming " + ptrText(p) + ", got " + e1)
    assert(e2 instanceof HeapError && (e2 as HeapError).message.indexOf(ptrText(p)) >= 0, what + ": realloc: expected a HeapError naming " + ptrText(p) + ", got " + e2)
    sameStats(s.heap.stats(), before, what)
}

/** Double free (and realloc after free) at one level. */
async function doubleFree(t: ConformanceTarget, level: DebugLevel): Promise<void> {
    const s = await scene(t, level)
    const v = s.victim
    const name = levelName(level)
    s.heap.dealloc(v.ptr, v.layout)
    forget(s, v)
    await expectMisuse(s, HeapErrorCode.DoubleFree, v.ptr, name + ": second dealloc", () => s.heap.dealloc(v.ptr, v.layout))
    await expectMisuse(s, HeapErrorCode.DoubleFree, v.ptr, name + ": realloc after dealloc", () => s.heap.realloc(v.ptr, v.layout, 8))
    const last = s.live[s.live.length - 1]
    s.heap.dealloc(last.ptr, last.layout)
    forget(s, last)
    await expectMisuse(s, HeapErrorCode.DoubleFree, last.ptr, name + ": second dealloc of the newest block", () => s.heap.dealloc(last.ptr, last.layout))
    assertEq(s.events.codes.length, 0, "checkFailed calls")
}

/** realloc grow, shrink and move at one level. */
async function reallocKeeps(t: ConformanceTarget, level: DebugLevel): Promise<void> {
    const s = await scene(t, level)
    const name = levelName(level)
    const a = s.live[0]
    const old = a.ptr
    const grown = s.heap.realloc(a.ptr, a.layout, 300)
    assert(grown !== 0, name + ": realloc grow failed")
    assertEq(grown & 7, 0, name + ": alignment after grow")
    await expectPattern(s.heap, grown, 48, a.seed, name + ": grown block")
    if (level === DebugLevel.Full) await expectBytes(s, grown + 48, 300 - 48, FILL_ALLOC, name + ": the grown part")
    a.ptr = grown
    a.layout = Layout.fromSizeAlign(300, 8)
    await fillPattern(s.heap, a.ptr, 300, a.seed)
    await intact(s, name + ": realloc grow")
    expectConsistent(s.heap, name + ": realloc grow") // links of the neighbours fixed when it moved
    if (grown !== old)
        expectHeapError(thrown(() => s.heap.dealloc(old, Layout.fromSizeAlign(48, 8))), HeapErrorCode.DoubleFree, old, name + ": the old place after a move")
    // The new tail canary is right after byte 300.
    s.heap.region.writeU8(a.ptr + 300, 1)
    assertEq(s.heap.scan(), 1, name + ": scan after an overflow of the grown block")
    expectEvent(s, HeapErrorCode.CanaryClobbered, a.ptr, name + ": overflow of the grown block")
    s.heap.region.writeU8(a.ptr + 300, 0xfd)
    s.heap.clearFailures()
    const shrunk = s.heap.realloc(a.ptr, a.layout, 10)
    assert(shrunk !== 0, name + ": realloc shrink failed")
    a.ptr = shrunk
    a.layout = Layout.fromSizeAlign(10, 8)
    await intact(s, name + ": realloc shrink")
    expectConsistent(s.heap, name + ": realloc shrink")
    s.heap.region.writeU8(shrunk + 10, 0)
    expectHeapError(thrown(() => s.heap.dealloc(shrunk, a.layout)), HeapErrorCode.CanaryClobbered, shrunk, name + ": overflow of the shrunk block")
    s.heap.region.writeU8(shrunk + 10, 0xfd)
    for (const b of s.live) s.heap.dealloc(b.ptr, b.layout)
    s.live = []
    expectConsistent(s.heap, name + ": freeing the reallocated blocks")
    assertEq(s.heap.stats().reallocs, 2, "reallocs")
}

export const DEBUG_CASES: ConformanceCase[] = [
    {
        name: "light and full: a write exactly one byte past the end is caught by dealloc; nothing changes",
        run: async t => {
            for (const level of LEVELS) await overflowOnDealloc(t, level)
        },
    },
    {
        name: "light: a one-byte overflow is found by scan() and check() without a call, reported once",
        run: async t => {
            const s = await scene(t, DebugLevel.Light)
            const v = s.victim
            s.heap.region.writeU8(v.ptr + v.layout.size, v.seed) // the byte a loop one step too far would write
            assertEq(s.heap.scan(), 1, "failures found by scan")
            expectEvent(s, HeapErrorCode.CanaryClobbered, v.ptr, "scan")
            assertEq(s.heap.scan(), 0, "a second scan reports nothing new")
            assertEq(s.events.codes.length, 1, "checkFailed calls after a second scan")
            await onlyFailure(s, v.ptr, "canary-clobbered", "scan")
        },
    },
    {
        name: "light: check() alone finds a one-byte overflow",
        run: async t => {
            const s = await scene(t, DebugLevel.Light)
            const v = s.live[2]
            s.heap.region.writeU8(v.ptr + v.layout.size, 0)
            await onlyFailure(s, v.ptr, "canary-clobbered", "check after an overflow")
            assertEq(s.events.codes.length, 0, "check() reports but records nothing")
        },
    },
    {
        name: "light: a write one byte before the start is caught (head canary) on dealloc and by scan",
        run: async t => {
            const s = await scene(t, DebugLevel.Light)
            const v = s.victim
            const keep = s.heap.region.readU8(v.ptr - 1)
            s.heap.region.writeU8(v.ptr - 1, keep ^ 0x40)
            await expectMisuseKeepsFailure(s, v.ptr, "dealloc after a 1-byte underflow", () => s.heap.dealloc(v.ptr, v.layout))
            assertEq(s.heap.scan(), 1, "scan after the underflow")
            expectEvent(s, HeapErrorCode.CanaryClobbered, v.ptr, "scan after the underflow")
            await onlyFailure(s, v.ptr, "canary-clobbered", "scan after the underflow")
            s.heap.region.writeU8(v.ptr - 1, keep)
            s.heap.dealloc(v.ptr, v.layout)
        },
    },
    {
        name: "light: a zero-size block has its tail canary right at the pointer",
        run: async t => {
            const s = await scene(t, DebugLevel.Light)
            const z = Layout.fromSizeAlign(0, 1)
            const p = s.heap.alloc(z)
            assert(p !== 0, "zero-size alloc")
            s.heap.region.writeU8(p, 7)
            await expectMisuseKeepsFailure(s, p, "dealloc of a zero-size block written at its pointer", () => s.heap.dealloc(p, z))
            s.heap.region.writeU8(p, 0xfd)
            s.heap.dealloc(p, z)
            expectConsistent(s.heap, "zero-size dealloc")
        },
    },
    {
        name: "full: a write after free is caught when the block leaves the quarantine; the call succeeds",
        run: async t => {
            const s = await scene(t, DebugLevel.Full, 256)
            const v = s.victim
            s.heap.dealloc(v.ptr, v.layout)
            forget(s, v)
            assertEq(s.heap.quarantined(), 1, "quarantined blocks")
            s.heap.region.writeU8(v.ptr + 50, 0x42) // through a dangling pointer
            // Freeing a 300-byte block pushes the 256-byte quarantine over its bound: the victim leaves first.
            const big = await take(s, 300, 8)
            s.heap.dealloc(big.ptr, big.layout)
            forget(s, big)
            assertEq(s.heap.quarantined(), 0, "quarantined blocks after eviction")
            expectEvent(s, HeapErrorCode.WriteAfterFree, v.ptr, "eviction")
            const f = s.heap.failures()[0]
            assert(f.message.indexOf("byte 50") >= 0, "the failure names the changed byte: " + f.message)
            await onlyFailure(s, v.ptr, "write-after-free", "eviction")
        },
    },
    {
        name: "full: a write after free is found by scan() and reported once",
        run: async t => {
            const s = await scene(t, DebugLevel.Full)
            const v = s.victim
            s.heap.dealloc(v.ptr, v.layout)
            forget(s, v)
            assertEq(s.heap.scan(), 0, "scan of an untouched quarantine")
            s.heap.region.writeU8(v.ptr + v.layout.size - 1, 0) // the freed block's last byte
            assertEq(s.heap.scan(), 1, "scan after the write")
            expectEvent(s, HeapErrorCode.WriteAfterFree, v.ptr, "scan")
            await onlyFailure(s, v.ptr, "write-after-free", "scan")
            s.heap.drain() // leaving the quarantine does not report it again
            assertEq(s.events.codes.length, 1, "checkFailed calls after the drain")
            await onlyFailure(s, v.ptr, "write-after-free", "drain")
        },
    },
    {
        name: "light and full: double free and realloc after free are DoubleFree",
        run: async t => {
            for (const level of LEVELS) await doubleFree(t, level)
        },
    },
    {
        name: "light and full: addresses past a block's end (a system block's: past its Buffer) are HeapErrors naming them; nothing changes",
        run: async t => {
            for (const level of LEVELS) await pastTheEnd(t, level)
        },
    },
    {
        name: "light and full: foreign, misaligned and wrong-layout pointers get their codes",
        run: async t => {
            for (const level of LEVELS) await misuses(t, level)
        },
    },
    {
        name: "full: fresh memory reads 0xCD, freed memory 0xDD; allocZeroed reads 0 at every level",
        run: async t => {
            const s = await scene(t, DebugLevel.Full)
            const l = Layout.fromSizeAlign(64, 4)
            const p = s.heap.alloc(l)
            await expectBytes(s, p, 64, FILL_ALLOC, "an uninitialised block")
            s.heap.region.fill(p, 64, 0x11)
            s.heap.dealloc(p, l)
            await expectBytes(s, p, 64, FILL_FREED, "a freed block")
            const z = s.heap.allocZeroed(l)
            await expectBytes(s, z, 64, 0, "allocZeroed at full")
            const light = await scene(t, DebugLevel.Light)
            const q = light.heap.alloc(l)
            light.heap.region.fill(q, 64, 0x77)
            light.heap.dealloc(q, l)
            await expectBytes(light, light.heap.allocZeroed(l), 64, 0, "allocZeroed at light")
            await intact(s, "fills")
            expectConsistent(s.heap, "fills")
            expectConsistent(light.heap, "allocZeroed at light")
        },
    },
    {
        name: "light and full: realloc grow, move and shrink keep contents, canaries and links",
        run: async t => {
            for (const level of LEVELS) await reallocKeeps(t, level)
        },
    },
    {
        name: "full: the quarantine drains when the region is full; a request that fits without it succeeds",
        run: async t => {
            const inner = t.make()
            const heap = new DebugAllocator(inner, DebugLevel.Full, { quarantineBytes: inner.stats().capacity })
            const fresh = heap.stats().largestFree
            const l = Layout.fromSizeAlign(64, 8)
            const ptrs: number[] = []
            for (let i = 0; i < 1000; i++) {
                const p = heap.alloc(l)
                if (p === 0) break
                ptrs.push(p)
                await tick(64)
            }
            assert(ptrs.length > 4, "only " + ptrs.length + " blocks fit")
            for (let i = 0; i < ptrs.length; i++) {
                heap.dealloc(ptrs[i], l) // a native fillAt of 64 bytes each
                await tick(64)
            }
            assertEq(heap.quarantined(), ptrs.length, "every freed block waits in the quarantine")
            assertEq(heap.stats().liveBlocks, 0, "liveBlocks")
            await settle()
            const big = Layout.fromSizeAlign(fresh, 1)
            const failuresBefore = heap.stats().failures // 1: the alloc that ended the loop
            const p = heap.alloc(big)
            assert(p !== 0, "alloc of the fresh heap's largestFree (" + fresh + ") after the quarantine filled the region")
            assertEq(heap.quarantined(), 0, "the quarantine was drained")
            assertEq(heap.failures().length, 0, "recorded failures")
            assertEq(heap.stats().failures, failuresBefore, "stats.failures: the inner null before the drain is not a failure")
            await settle() // the drain inside alloc verified every quarantined byte: most of a VM slice
            heap.dealloc(p, big)
            heap.drain()
            await settle()
            expectConsistent(heap, "drain")
        },
    },
    {
        name: "options: bad level or quarantine size is BadArgument; Off passes straight through",
        run: async t => {
            const inner = t.make()
            expectHeapError(thrown(() => new DebugAllocator(inner, 3 as DebugLevel)), HeapErrorCode.BadArgument, 0, "level 3")
            expectHeapError(thrown(() => new DebugAllocator(inner, DebugLevel.Full, { quarantineBytes: -1 })), HeapErrorCode.BadArgument, 0, "quarantine -1")
            expectHeapError(thrown(() => new DebugAllocator(inner, DebugLevel.Full, { quarantineBytes: 1.5 })), HeapErrorCode.BadArgument, 0, "quarantine 1.5")
            const off = new DebugAllocator(inner, DebugLevel.Off)
            const l = Layout.fromSizeAlign(24, 8)
            const p = off.alloc(l)
            const direct = inner.alloc(l)
            assert(p !== 0 && direct !== 0, "allocations")
            assertEq(off.stats().liveBlocks, 2, "Off: the inner's stats")
            assertEq(off.stats().requested, 48, "Off: no overhead in requested")
            off.dealloc(direct, l) // a block of the inner is a block of Off
            off.dealloc(p, l)
            assertEq(off.scan(), 0, "Off: scan finds nothing")
            expectConsistent(off, "Off")
            assertEq(inner.stats().liveBlocks, 0, "inner liveBlocks")
        },
    },
]
