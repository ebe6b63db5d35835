/**
 * tests/contract/robust_scene.ts — the mechanics the robustness cases share
 * (tests/contract/robustness.ts, robustness_api.ts): a scene of three live
 * blocks with patterns, the "nothing changed" check (patterns, check(),
 * stats), error expectations with bounded messages, and forged layouts.
 * Portable (devs + tsc). Helpers take their values as arguments: the devs
 * compiler rejects closures that capture loop variables.
 */
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { HeapAllocator } from "../../src/api/global_alloc"
import { ptrText } from "../../src/core/hex"
import { Layout, LayoutError } from "../../src/core/layout"
import { HeapStats } from "../../src/core/stats"
import { assert, expectConsistent, expectHeapError, expectPattern, fillPattern, settle } from "./check"

/** Longest message a rejected call may produce (it quotes at most a few bounded numbers). */
export const MAX_MESSAGE = 400

/** Three live blocks (24, 40, 72 bytes, align 8) with patterns; the middle one is the victim. */
export class Scene {
    ptrs: number[] = []
    layouts: Layout[] = []
    before: HeapStats
    constructor(public heap: HeapAllocator, public name: string) {}
}

export async function scene(heap: HeapAllocator, name: string): Promise<Scene> {
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
export async function unchanged(s: Scene, after: string): Promise<void> {
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
export function expectCode(e: any, code: HeapErrorCode, ptr: number, what: string): void {
    expectHeapError(e, code, 0, what)
    const m = (e as HeapError).message
    assert(m.length <= MAX_MESSAGE, what + ": message of " + m.length + " characters")
    if (ptr !== 0) assert(m.indexOf(ptrText(ptr)) >= 0, what + ": message does not name " + ptrText(ptr) + ": " + m)
}

/** e is a LayoutError with a bounded message. */
export function expectLayoutError(e: any, what: string): void {
    assert(e instanceof LayoutError, what + ": expected a LayoutError, got " + (e === null ? "no error" : "" + e))
    assert((e as LayoutError).message.length <= MAX_MESSAGE, what + ": LayoutError message too long")
}

export function caught(f: () => void): any {
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
export function heapThrew(heap: HeapAllocator, op: number, ptr: number, layout: Layout, newSize: number): any {
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

/** What f(h) threw. */
export function threwOn(f: (h: HeapAllocator) => void, h: HeapAllocator): any {
    try {
        f(h)
    } catch (e) {
        return e
    }
    return null
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
