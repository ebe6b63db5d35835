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
 *   (the Allocator API, global functions and containers: robustness_api.ts;
 *   shared mechanics: robust_scene.ts)
 *
 * After every rejected call the case checks that nothing changed: every live
 * block keeps its pattern, check() is clean and stats() are identical. The
 * outcomes are rows of tests/robustness/rows/firmware.ts (docs/robustness.md).
 */
import { HeapError, HeapErrorCode, heapErrorName } from "../../src/core/errors"
import { HeapAllocator } from "../../src/api/global_alloc"
import { ptrText } from "../../src/core/hex"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { DebugAllocator, DebugLevel } from "../../src/layers/debug"
import { LoggingAllocator } from "../../src/layers/logging"
import { TrackingAllocator } from "../../src/layers/tracking"
import { OomHookAllocator } from "../../src/layers/oom_hook"
import { assert, settle } from "./check"
import { caught, expectCode, expectLayoutError, forgedLayouts, heapThrew, scene, Scene, threwOn, unchanged } from "./robust_scene"
import type { ConformanceCase, ConformanceTarget } from "./conformance"

/** The layer stacks GARBAGE and FORGED run through, in STACK order. */
export const STACK_NAMES = ["plain", "debug light", "debug full", "logging", "tracking", "oom hook", "logging over tracking"]

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

/**
 * True when the debug layer can wrap the target's heap. It needs one
 * contiguous region (its canary list links blocks through region offsets)
 * and refuses a view over separate Buffers — system's handle space,
 * multi's region set (debug.ts's constructor): those kinds run every other
 * stack, and DEBUG checks the refusal instead.
 */
export function debugWraps(t: ConformanceTarget): boolean {
    const r = t.make().region
    return r.buf.length === r.size
}

/** The STACK_NAMES indexes that apply to the target (1 and 2 are the debug layer). */
export function stacksFor(t: ConformanceTarget): number[] {
    const wraps = debugWraps(t)
    const out: number[] = []
    for (let i = 0; i < STACK_NAMES.length; i++) if (wraps || (i !== 1 && i !== 2)) out.push(i)
    return out
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
            for (const i of stacksFor(t)) await garbageOn(await scene(stackOf(i, t), STACK_NAMES[i]))
        },
    },
    {
        name: "forged and mutated Layouts and garbage realloc sizes are LayoutErrors, through every layer",
        run: async t => {
            for (const i of stacksFor(t)) await forgedOn(await scene(stackOf(i, t), STACK_NAMES[i]))
        },
    },
    {
        name: "the debug layer (light and full) gives the allocator's own code for every misuse it detects",
        run: async t => {
            if (!debugWraps(t)) {
                // Cannot apply: the layer refuses the heap (debugWraps); that refusal is the check.
                const e = caught(() => new DebugAllocator(t.make(), DebugLevel.Light))
                assert(e instanceof HeapError && (e as HeapError).code === HeapErrorCode.BadArgument, t.name + ": the debug layer should refuse a heap of separate Buffers, got " + codeOf(e))
                return
            }
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
]
