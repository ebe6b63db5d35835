/**
 * tests/contract/robustness.ts — hostile and careless input (issue 9) as
 * portable cases, run by vitest for every allocator kind
 * (tests/robustness/robustness.test.ts) and inside the DeviceScript VM
 * (tests/vm/selftest_robust_*.ts), where a pointer of Infinity once panicked
 * the VM with an uncatchable out-of-memory.
 *
 *   GARBAGE   non-finite / negative / fractional / huge pointers to dealloc
 *             and realloc, through every layer stack (STACK_NAMES): a
 *             HeapError with the documented code, naming the value, in a
 *             message of bounded length;
 *   FORGED    forged and mutated Layouts at alloc, allocZeroed, dealloc and
 *             realloc, and garbage realloc sizes: a LayoutError;
 *   DEBUG     the debug layer (Light and Full) gives the inner allocator's
 *             code for every misuse the inner one detects;
 *   REGION    StaticRegion's typed accessors, fill and copy;
 *   API       the Allocator API adapter, the global functions and containers.
 *
 * After every rejected call the case checks that nothing changed: every live
 * block keeps its pattern, check() is clean and stats() are identical. The
 * outcomes are the rows of tests/robustness/catalogue.ts (docs/robustness.md).
 */
import { HeapError, HeapErrorCode, heapErrorName } from "../../src/core/errors"
import { alloc, dealloc, GlobalAlloc, HeapAllocator, setGlobalAllocator } from "../../src/api/global_alloc"
import { GlobalAllocAdapter } from "../../src/api/allocator_api"
import { ptrText } from "../../src/core/hex"
import { Layout, LayoutError } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { HeapStats } from "../../src/core/stats"
import { DebugAllocator, DebugLevel } from "../../src/layers/debug"
import { LoggingAllocator } from "../../src/layers/logging"
import { TrackingAllocator } from "../../src/layers/tracking"
import { OomHookAllocator } from "../../src/layers/oom_hook"
import { Box } from "../../src/collections/boxed"
import { ElemKind, Vec } from "../../src/collections/vec"
import { assert, expectConsistent, expectHeapError, expectPattern, fillPattern, settle } from "./check"
import type { ConformanceCase, ConformanceTarget } from "./conformance"

/** The layer stacks GARBAGE and FORGED run through, in STACK order. */
export const STACK_NAMES = ["plain", "debug light", "debug full", "logging", "tracking", "oom hook", "logging over tracking"]

/** Longest message a rejected call may produce (it quotes at most a few bounded numbers). */
export const MAX_MESSAGE = 400

function noLines(line: string): void {}

/** Stack i of STACK_NAMES over a fresh allocator of the target. */
export function stackOf(i: number, t: ConformanceTarget): HeapAllocator {
    const h = t.make()
    if (i === 1) return new DebugAllocator(h, DebugLevel.Light)
    if (i === 2) return new DebugAllocator(h, DebugLevel.Full)
    if (i === 3) return new LoggingAllocator(h, "pico", { emit: noLines })
    if (i === 4) return new TrackingAllocator(h)
    if (i === 5) return new OomHookAllocator(h, (l: Layout, n: number) => false)
    if (i === 6) return new LoggingAllocator(new TrackingAllocator(h), "pico", { emit: noLines })
    return h
}

/** Three live blocks (24, 40, 64 bytes, align 8) with patterns; the middle one is the victim. */
class Scene {
    ptrs: number[] = []
    layouts: Layout[] = []
    before: HeapStats
    constructor(public heap: HeapAllocator, public name: string) {}
}

async function scene(heap: HeapAllocator, name: string): Promise<Scene> {
    const s = new Scene(heap, name)
    for (let i = 0; i < 3; i++) {
        const l = Layout.fromSizeAlign(24 + 16 * i * (i + 1) / 2, 8)
        const p = heap.alloc(l)
        assert(p !== 0, name + ": setup alloc failed")
        await fillPattern(heap, p, l.size, 50 + i)
        s.ptrs.push(p)
        s.layouts.push(l)
    }
    s.before = heap.stats()
    return s
}

/** Every live block keeps its pattern, check() is clean and stats() did not change. */
async function unchanged(s: Scene, after: string): Promise<void> {
    for (let i = 0; i < 3; i++) await expectPattern(s.heap, s.ptrs[i], s.layouts[i].size, 50 + i, s.name + ": block " + i + " after " + after)
    await settle()
    expectConsistent(s.heap, s.name + ": " + after)
    const a = s.before
    const b = s.heap.stats()
    assert(
        a.inUse === b.inUse && a.free === b.free && a.requested === b.requested && a.liveBlocks === b.liveBlocks && a.largestFree === b.largestFree && a.frees === b.frees && a.reallocs === b.reallocs,
        s.name + ": stats changed by " + after,
    )
}

/** e is a HeapError of `code` naming `ptr` (ptr is a number here, maybe garbage) in a bounded message. */
function expectCode(e: any, code: HeapErrorCode, ptr: number, what: string): void {
    expectHeapError(e, code, 0, what)
    const m = (e as HeapError).message
    assert(m.length <= MAX_MESSAGE, what + ": message of " + m.length + " characters")
    if (ptr !== 0) assert(m.indexOf(ptrText(ptr)) >= 0, what + ": message does not name " + ptrText(ptr) + ": " + m)
}

/** e is a LayoutError with a bounded message. */
function expectLayoutError(e: any, what: string): void {
    assert(e instanceof LayoutError, what + ": expected a LayoutError, got " + (e === null ? "no error" : "" + e))
    assert((e as LayoutError).message.length <= MAX_MESSAGE, what + ": LayoutError message too long")
}

function caught(f: () => void): any {
    try {
        f()
    } catch (e) {
        return e
    }
    return null
}

// The helpers below take their values as arguments: the devs compiler
// rejects closures that capture loop variables.

/** What heap.op(ptr, layout, newSize) threw: op 0 alloc, 1 allocZeroed, 2 dealloc, 3 realloc. */
function heapThrew(heap: HeapAllocator, op: number, ptr: number, layout: Layout, newSize: number): any {
    try {
        if (op === 0) heap.alloc(layout)
        else if (op === 1) heap.allocZeroed(layout)
        else if (op === 2) heap.dealloc(ptr, layout)
        else heap.realloc(ptr, layout, newSize)
    } catch (e) {
        return e
    }
    return null
}

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

/** What f(h) threw. */
function threwOn(f: (h: HeapAllocator) => void, h: HeapAllocator): any {
    try {
        f(h)
    } catch (e) {
        return e
    }
    return null
}

/**
 * The garbage pointers and their codes, for a heap whose victim block is p
 * and whose region is r. -0 is the null pointer (-0 === 0).
 */
export function garbagePointers(p: number, r: StaticRegion): number[] {
    return [NaN, Infinity, -Infinity, -1, -16, 0x20000000000002, 1e300, r.base + r.size, p + 0.5, -0]
}

/** The code of garbagePointers()[i]. */
export function garbageCode(i: number): HeapErrorCode {
    return i === 8 ? HeapErrorCode.Misaligned : i === 9 ? HeapErrorCode.NotAllocated : HeapErrorCode.OutOfRegion
}

/** Forged layouts: each breaks one Layout invariant (readonly is TypeScript-only). */
export function forgedLayouts(): Layout[] {
    const mutated = Layout.fromSizeAlign(16, 8)
    ;(mutated as any as { size: number }).size = -8
    const out: any[] = [
        { size: -1, align: 3 },
        { size: -1, align: 8 },
        { size: 16, align: 3 },
        { size: 16, align: 0 },
        { size: 16, align: -8 },
        { size: 16, align: 0.5 },
        { size: 16, align: 8192 },
        { size: NaN, align: 8 },
        { size: Infinity, align: 8 },
        { size: 2.5, align: 8 },
        { size: 16, align: NaN },
        { size: 0x7ffffffe, align: 8 },
        { size: 0x100000000, align: 1 },
        mutated,
    ]
    return out as Layout[]
}

/** Garbage new sizes for realloc. */
export const BAD_NEW_SIZES = [NaN, -1, 2.5, Infinity, -Infinity, 0x80000000]

async function garbageOn(s: Scene): Promise<void> {
    const p = s.ptrs[1]
    const l = s.layouts[1]
    const bad = garbagePointers(p, s.heap.region)
    for (let i = 0; i < bad.length; i++) {
        const v = bad[i]
        expectCode(heapThrew(s.heap, 2, v, l, 0), garbageCode(i), i === 9 ? 0 : v, s.name + ": dealloc(" + ptrText(v) + ")")
        expectCode(heapThrew(s.heap, 3, v, l, 80), garbageCode(i), i === 9 ? 0 : v, s.name + ": realloc(" + ptrText(v) + ")")
        await settle()
    }
    await unchanged(s, "garbage pointers")
}

async function forgedOn(s: Scene): Promise<void> {
    const p = s.ptrs[1]
    const forged = forgedLayouts()
    for (let i = 0; i < forged.length; i++) {
        const f = forged[i]
        const what = s.name + ": forged layout " + i + " (size " + f.size + ", align " + f.align + ")"
        expectLayoutError(heapThrew(s.heap, 0, 0, f, 0), what + " at alloc")
        expectLayoutError(heapThrew(s.heap, 1, 0, f, 0), what + " at allocZeroed")
        expectLayoutError(heapThrew(s.heap, 2, p, f, 0), what + " at dealloc")
        expectLayoutError(heapThrew(s.heap, 3, p, f, 16), what + " at realloc")
        await settle()
    }
    for (let i = 0; i < BAD_NEW_SIZES.length; i++)
        expectLayoutError(heapThrew(s.heap, 3, p, s.layouts[1], BAD_NEW_SIZES[i]), s.name + ": realloc to " + BAD_NEW_SIZES[i])
    await unchanged(s, "forged layouts")
}

/** The misuses DEBUG compares, on a scene: [what, call]. The plain allocator detects each. */
function misuses(s: Scene, freed: number): ((h: HeapAllocator) => void)[] {
    const p = s.ptrs[1]
    const l = s.layouts[1]
    const end = s.heap.region.base + s.heap.region.size
    return [
        h => h.dealloc(p + 0.5, l),
        h => h.dealloc(p + 1, l),
        h => h.dealloc(p + 4, l),
        h => h.dealloc(p + 8, l),
        h => h.dealloc(p + 16, l),
        h => h.dealloc(p - 8, l),
        h => h.realloc(p + 8, l, 100),
        h => h.dealloc(freed, Layout.fromSizeAlign(40, 8)),
        h => h.dealloc(0, l),
        h => h.dealloc(end, l),
        h => h.dealloc(end - 16, l),
        h => h.dealloc(NaN, l),
        h => h.realloc(Infinity, l, 8),
    ]
}

function codeOf(e: any): string {
    if (e instanceof HeapError) return heapErrorName(e.code)
    return e === null ? "no error" : "" + e
}

/** Codes of the misuses on a stack: 0 plain, 1 debug light, 2 debug full. */
async function misuseCodes(t: ConformanceTarget, level: number): Promise<string[]> {
    const h = stackOf(level, t)
    const s = await scene(h, STACK_NAMES[level])
    const l = Layout.fromSizeAlign(40, 8)
    const freed = h.alloc(l)
    h.alloc(l) // keeps the freed block from merging into the free tail (bump)
    h.dealloc(freed, l)
    s.before = h.stats()
    const list = misuses(s, freed)
    const out: string[] = []
    for (let i = 0; i < list.length; i++) out.push(codeOf(threwOn(list[i], h)))
    await unchanged(s, "misuses")
    return out
}

export const ROBUSTNESS_CASES: ConformanceCase[] = [
    {
        name: "garbage pointers (NaN, ±Infinity, negative, fractional, huge, -0) are HeapErrors naming the value, through every layer",
        run: async t => {
            for (let i = 0; i < STACK_NAMES.length; i++) await garbageOn(await scene(stackOf(i, t), STACK_NAMES[i]))
        },
    },
    {
        name: "forged and mutated Layouts and garbage realloc sizes are LayoutErrors, through every layer",
        run: async t => {
            for (let i = 0; i < STACK_NAMES.length; i++) await forgedOn(await scene(stackOf(i, t), STACK_NAMES[i]))
        },
    },
    {
        name: "the debug layer (light and full) gives the allocator's own code for every misuse it detects",
        run: async t => {
            const plain = await misuseCodes(t, 0)
            for (let level = 1; level <= 2; level++) {
                const debug = await misuseCodes(t, level)
                for (let i = 0; i < plain.length; i++)
                    assert(debug[i] === plain[i], t.name + ": misuse " + i + ": " + STACK_NAMES[level] + " says " + debug[i] + ", the allocator says " + plain[i])
            }
        },
    },
    {
        name: "StaticRegion accessors, fill and copy reject garbage addresses and lengths and change no byte",
        run: async t => {
            const heap = t.make()
            const s = await scene(heap, "region")
            const r = heap.region
            const p = s.ptrs[1]
            const calls: (() => void)[] = [
                () => r.readU8(NaN),
                () => r.writeU32(Infinity, 1),
                () => r.readU16(p + 0.5),
                () => r.writeU8(-Infinity, 1),
                () => r.readF64(r.base + r.size - 4),
                () => r.fill(NaN, 4, 0),
                () => r.fill(p, NaN, 0),
                () => r.fill(p, -1, 0),
                () => r.fill(p, 2.5, 0),
                () => r.copy(p + 0.5, p, 4),
                () => r.copy(p, -Infinity, 4),
                () => r.copy(p, p + 8, Infinity),
                () => r.readBytes(p, -4),
            ]
            const codes = [1, 1, 2, 1, 1, 1, 7, 7, 7, 2, 1, 7, 7]
            for (let i = 0; i < calls.length; i++) expectCode(caught(calls[i]), codes[i], 0, "region call " + i)
            await unchanged(s, "region calls")
        },
    },
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
            s.before = heap.stats()
            const vcalls: (() => void)[] = [() => v.get(NaN), () => v.set(Infinity, 1), () => v.get(-0.5), () => v.reserve(NaN), () => v.reserve(-1), () => v.truncate(Infinity)]
            for (let i = 0; i < vcalls.length; i++) expectCode(caught(vcalls[i]), HeapErrorCode.BadArgument, 0, "Vec call " + i)
            assert(v.get(0) === 7 && v.length() === 1, "the Vec changed")
            const g: GlobalAlloc = heap
            setGlobalAllocator(g)
            expectLayoutError(caught(() => alloc(f[0])), "global alloc(forged)")
            expectCode(caught(() => dealloc(Infinity, l)), HeapErrorCode.OutOfRegion, Infinity, "global dealloc(Infinity)")
            setGlobalAllocator(null)
            await unchanged(s, "API calls")
            v.drop()
        },
    },
]
