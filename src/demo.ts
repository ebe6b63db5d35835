/**
 * demo.ts — the firmware's demo workload: the four stories every heap tells,
 * run through the global allocator (so the logging wrapper streams them).
 *
 *   boxes    Box-like single values: a u32, an f64 and a small struct laid out
 *            with Layout.extend, written, read back and dropped.
 *   vec      a vector of u32 that doubles its capacity with realloc (in place
 *            when the allocator can, moved otherwise) — 200 pushes.
 *   strings  ten strings copied into the heap as bytes, freed in the order
 *            they were made (FIFO: the hard case for a bump allocator).
 *   burst    48 small blocks, every other one freed (fragmentation: free space
 *            but small holes), then the rest (coalescing gives it back).
 *
 * Every value written is read back and checked; a mismatch throws. Loops
 * yield (`await ds.sleep(0)`) so no fiber runs near the VM's 131,072-opcode limit.
 */
import * as ds from "@devicescript/core"
import { alloc, allocZeroed, dealloc, handleAllocError, realloc } from "./global_alloc"
import { Layout } from "./layout"
import { StaticRegion } from "./region"

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

async function boxes(r: StaticRegion): Promise<void> {
    const u32 = Layout.scalar(4)
    const f64 = Layout.scalar(8)
    // struct Reading { tag: u8, id: u32, celsius: f32 } — repr(C) field offsets 0, 4, 8.
    const tagField = Layout.fromSizeAlign(1, 1)
    const withId = tagField.extend(Layout.scalar(4))
    const withTemp = withId.layout.extend(Layout.scalar(4))
    const reading = withTemp.layout.padToAlign()
    check(withId.offset === 4 && withTemp.offset === 8 && reading.size === 12, "struct layout")

    const a = mustAlloc(u32)
    r.writeU32(a, 0xdeadbeef)
    const b = mustAlloc(f64)
    r.writeF64(b, 3.25)
    const c = allocZeroed(reading)
    if (c === 0) handleAllocError(reading)
    check(r.readU32(c + withId.offset) === 0, "zeroed struct")
    r.writeU8(c, 7)
    r.writeU32(c + withId.offset, 1234)
    r.writeF32(c + withTemp.offset, 21.5)
    check(r.readU32(a) === 0xdeadbeef && r.readF64(b) === 3.25, "box values")
    check(r.readU8(c) === 7 && r.readU32(c + 4) === 1234 && r.readF32(c + 8) === 21.5, "struct fields")
    dealloc(c, reading)
    dealloc(b, f64)
    dealloc(a, u32)
}

async function vec(r: StaticRegion): Promise<void> {
    const elem = Layout.scalar(4)
    let cap = 4
    let layout = Layout.array(elem, cap)
    let ptr = mustAlloc(layout)
    for (let i = 0; i < 200; i++) {
        if (i === cap) {
            const grown = realloc(ptr, layout, cap * 2 * 4)
            if (grown === 0) handleAllocError(Layout.array(elem, cap * 2))
            ptr = grown
            cap = cap * 2
            layout = Layout.array(elem, cap)
            await ds.sleep(0)
        }
        r.writeU32(ptr + i * 4, i * i)
    }
    let ok = true
    for (let i = 0; i < 200; i++) if (r.readU32(ptr + i * 4) !== i * i) ok = false
    check(ok, "vector contents after growth")
    // shrink_to_fit, then drop
    const fitted = realloc(ptr, layout, 200 * 4)
    check(fitted !== 0, "shrink to fit")
    dealloc(fitted, Layout.array(elem, 200))
}

const WORDS = ["alloc", "dealloc", "realloc", "buddy", "bump", "coalesce", "fragment", "region", "layout", "serial"]

async function strings(r: StaticRegion): Promise<void> {
    const ptrs: number[] = []
    const layouts: Layout[] = []
    for (let w = 0; w < WORDS.length; w++) {
        // A String's bytes: ASCII words, so one byte per character (UTF-8 of ASCII).
        const text = WORDS[w] + "-" + w
        const l = Layout.fromSizeAlign(text.length, 1)
        const p = mustAlloc(l)
        for (let i = 0; i < text.length; i++) r.writeU8(p + i, text.charCodeAt(i))
        ptrs.push(p)
        layouts.push(l)
    }
    for (let w = 0; w < WORDS.length; w++) {
        const text = WORDS[w] + "-" + w
        let same = true
        for (let i = 0; i < text.length; i++) if (r.readU8(ptrs[w] + i) !== text.charCodeAt(i)) same = false
        check(same, "string " + w)
        dealloc(ptrs[w], layouts[w]) // freed in the order made
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
    onPhase("boxes")
    await boxes(region)
    await ds.sleep(0)
    onPhase("vec")
    await vec(region)
    await ds.sleep(0)
    onPhase("strings")
    await strings(region)
    await ds.sleep(0)
    onPhase("fragment")
    await burst(region, onPhase)
    await ds.sleep(0)
    onPhase("done")
}
