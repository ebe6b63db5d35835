/**
 * demo.ts — the firmware's demo workload: the four stories every heap tells.
 * The first three use the containers (Box, Vec, HeapString) through the
 * Allocator API's `Global` handle; the burst uses the raw GlobalAlloc
 * functions. Both end in the registered global allocator, so the logging
 * wrapper streams every event.
 *
 *   boxes    Box-like single values: a u32, an f64 and a small struct laid out
 *            with Layout.extend, written, read back and dropped.
 *   vec      a Vec<u32> that doubles its capacity through grow → realloc (in
 *            place when the allocator can, moved otherwise) — 200 pushes,
 *            then shrinkToFit.
 *   strings  ten HeapStrings (UTF-8 in the heap), dropped in the order they
 *            were made (FIFO: the hard case for a bump allocator).
 *   burst    48 small blocks, every other one freed (fragmentation: free space
 *            but small holes), then the rest (coalescing gives it back).
 *
 * Every value written is read back and checked; a mismatch throws. Loops
 * yield (`await ds.sleep(0)`) so no fiber runs near the VM's 131,072-opcode limit.
 */
import * as ds from "@devicescript/core"
import { Global } from "../api/allocator_api"
import { Box } from "../collections/boxed"
import { alloc, dealloc, handleAllocError } from "../api/global_alloc"
import { HeapString } from "../collections/heap_string"
import { Layout } from "../core/layout"
import { StaticRegion } from "../core/region"
import { ElemKind, Vec } from "../collections/vec"

/** Receives a phase name before each story (the logging wrapper turns it into a P line). */
export type PhaseHook = (name: string) => void

function check(ok: boolean, what: string): void {
    if (!ok) throw new Error("demo: " + what)
}

/** alloc, or handleAllocError (which throws) when the heap cannot serve it. */
function mustAlloc(layout: Layout): number {
    const p = alloc(layout)
    if (p === 0) handleAllocError(layout)
    return p
}

async function boxes(heap: Global): Promise<void> {
    // struct Reading { tag: u8, id: u32, celsius: f32 } — repr(C) field offsets 0, 4, 8.
    const withId = Layout.fromSizeAlign(1, 1).extend(Layout.scalar(4))
    const withTemp = withId.layout.extend(Layout.scalar(4))
    const reading = withTemp.layout.padToAlign()
    check(withId.offset === 4 && withTemp.offset === 8 && reading.size === 12, "struct layout")

    const a = Box.newIn(heap, Layout.scalar(4))
    a.setU32(0, 0xdeadbeef)
    const b = Box.newIn(heap, Layout.scalar(8))
    b.setF64(0, 3.25)
    const c = Box.newIn(heap, reading) // zeroed, like Box::new_zeroed_in
    check(c.getU32(withId.offset) === 0, "zeroed struct")
    c.setU8(0, 7)
    c.setU32(withId.offset, 1234)
    c.setF32(withTemp.offset, 21.5)
    check(a.getU32(0) === 0xdeadbeef && b.getF64(0) === 3.25, "box values")
    check(c.getU8(0) === 7 && c.getU32(4) === 1234 && c.getF32(8) === 21.5, "struct fields")
    c.drop()
    b.drop()
    a.drop()
}

async function vec(heap: Global): Promise<void> {
    const v = Vec.newIn(heap, ElemKind.U32)
    for (let i = 0; i < 200; i++) {
        v.push(i * i)
        if ((i & 63) === 63) await ds.sleep(0)
    }
    let ok = v.length() === 200 && v.capacity() === 256
    for (let i = 0; i < 200; i++) if (v.get(i) !== i * i) ok = false
    check(ok, "vector contents after growth")
    v.shrinkToFit()
    check(v.capacity() === 200 && v.get(199) === 199 * 199, "shrink to fit")
    v.drop()
}

const WORDS = ["alloc", "dealloc", "realloc", "buddy", "bump", "coalesce", "fragment", "region", "layout", "serial"]

async function strings(heap: Global): Promise<void> {
    const made: HeapString[] = []
    for (let w = 0; w < WORDS.length; w++) made.push(HeapString.fromIn(heap, WORDS[w] + "-" + w))
    for (let w = 0; w < WORDS.length; w++) {
        check(made[w].toJsString() === WORDS[w] + "-" + w, "string " + w)
        made[w].drop() // freed in the order made
    }
}

async function burst(r: StaticRegion, onPhase: PhaseHook): Promise<void> {
    const l = Layout.fromSizeAlign(24, 8)
    const ptrs: number[] = []
    for (let i = 0; i < 48; i++) {
        const p = mustAlloc(l)
        r.fill(p, 24, i)
        ptrs.push(p)
    }
    await ds.sleep(0)
    for (let i = 0; i < 48; i += 2) dealloc(ptrs[i], l)
    onPhase("coalesce")
    for (let i = 1; i < 48; i += 2) {
        check(r.readU8(ptrs[i]) === i && r.readU8(ptrs[i] + 23) === i, "burst block " + i)
        dealloc(ptrs[i], l)
    }
}

/**
 * Runs the four stories on the registered global allocator over `region`.
 * `onPhase` is called with each story's name (and "fragment"/"coalesce"
 * inside the burst, and "done" at the end).
 */
export async function runDemo(region: StaticRegion, onPhase: PhaseHook): Promise<void> {
    const heap = new Global()
    onPhase("boxes")
    await boxes(heap)
    await ds.sleep(0)
    onPhase("vec")
    await vec(heap)
    await ds.sleep(0)
    onPhase("strings")
    await strings(heap)
    await ds.sleep(0)
    onPhase("fragment")
    await burst(region, onPhase)
    await ds.sleep(0)
    onPhase("done")
}
