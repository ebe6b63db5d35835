/**
 * bench/trace/windows.ts — host-only: MCU-sized windows cut from the big
 * malloc-lab traces, so real-program allocation patterns (amptjp, cccp, …)
 * also run on every board's real region and in the VM.
 *
 * A window is a contiguous range [start, end) of a trace's ops, made balanced:
 *   - an op on an id whose alloc lies before `start` is dropped (the block was
 *     never allocated in the window);
 *   - whatever is still live at `end` is freed right after, in id order.
 * So the window is itself a valid trace (parseTrace's rules hold) that frees
 * everything, and its live payload at every op equals the original trace's
 * payload from blocks born inside the window.
 *
 * Choice (deterministic, chooseWindows): a window from a start is extended op
 * by op while its peak live payload stays ≤ WINDOW_PEAK (12 KiB: with
 * allocator overhead it fits esp32s2's 16 KiB region, the smallest board's)
 * and it keeps ≤ WINDOW_OPS ops (VM time and flash for the hex`` literal); the
 * peak only grows as a window grows, so the first op that would break a limit
 * ends it. Of the starts every ⌈count / 256⌉ ops, "<trace>-w1" is the window
 * keeping the most ops and "<trace>-w2" the best one not overlapping it. A
 * window keeping under MIN_WINDOW_OPS ops is not offered: random-bal and
 * random2-bal (median block ~16 KiB) have none, and the real-program traces
 * (amptjp, cccp, cp-decl, expr: mostly 4,072-byte blocks) only short ones.
 *
 * ```ts
 * const w = mcuTrace("amptjp-bal-w1")       // EncodedTrace, peak ≤ 12 KiB
 * const all = MCU_TRACES.concat(MCU_WINDOWS) // every trace a board can replay
 * ```
 */
import { EncodedTrace, OP_ALLOC, OP_FREE } from "../replay"
import { encodeTrace, loadTrace, MCU_TRACES, readTrace } from "./encode"
import { Trace } from "./rep"

/** Largest peak live payload of a window: 12 KiB. */
export const WINDOW_PEAK = 12 * 1024
/** Most ops a window keeps (its closing frees come on top). */
export const WINDOW_OPS = 1000
/** Windows keeping fewer ops than this are not offered. */
export const MIN_WINDOW_OPS = 40

/** The big traces windows are cut from (the others fit a board whole, see MCU_TRACES). */
export const WINDOW_SOURCES = ["amptjp-bal", "cccp-bal", "cp-decl-bal", "expr-bal", "random-bal", "random2-bal", "binary-bal", "binary2-bal", "realloc-bal"]

/**
 * The balanced window [start, end) of `trace` (see the file header), named `name`.
 *
 * ```ts
 * const w = cutWindow(readTrace("cccp-bal"), 100, 400, "cccp-bal[100,400)")
 * ```
 */
export function cutWindow(trace: Trace, start: number, end: number, name: string): Trace {
    if (!(start >= 0 && start <= end && end <= trace.count)) throw new RangeError(name + ": window [" + start + ", " + end + ") is not inside 0.." + trace.count)
    const inside = new Uint8Array(trace.ids) // 1: allocated in the window and live
    const size = new Float64Array(trace.ids)
    const kinds: number[] = []
    const ids: number[] = []
    const sizes: number[] = []
    let live = 0
    let blocks = 0
    let peak = 0
    let maxLive = 0
    for (let i = start; i < end; i++) {
        const id = trace.idOf[i]
        const kind = trace.kinds[i]
        if (kind === OP_ALLOC) {
            inside[id] = 1
            size[id] = trace.sizes[i]
            live += trace.sizes[i]
            blocks++
        } else if (inside[id] === 0) {
            continue // born before the window
        } else if (kind === OP_FREE) {
            inside[id] = 0
            live -= size[id]
            blocks--
        } else {
            live += trace.sizes[i] - size[id]
            size[id] = trace.sizes[i]
        }
        kinds.push(kind)
        ids.push(id)
        sizes.push(kind === OP_FREE ? 0 : trace.sizes[i])
        if (live > peak) peak = live
        if (blocks > maxLive) maxLive = blocks
    }
    for (let id = 0; id < trace.ids; id++) {
        if (inside[id] === 0) continue
        kinds.push(OP_FREE)
        ids.push(id)
        sizes.push(0)
    }
    return new Trace(name, trace.ids, Uint8Array.from(kinds), Uint32Array.from(ids), Uint32Array.from(sizes), peak, maxLive, trace.suggestedHeap, trace.weight)
}

/** A candidate window: [start, end) and how many of its ops are kept (closing frees not counted). */
export interface WindowSpan {
    start: number
    end: number
    kept: number
}

/**
 * The longest window from `start` whose peak live payload stays ≤ `maxPeak`
 * and that keeps ≤ `maxKept` ops (ops on blocks born before `start` are
 * dropped, so they do not count).
 */
export function windowFrom(trace: Trace, start: number, maxPeak: number, maxKept: number): WindowSpan {
    const size = new Float64Array(trace.ids)
    const inside = new Uint8Array(trace.ids)
    let live = 0
    let kept = 0
    for (let i = start; i < trace.count; i++) {
        const id = trace.idOf[i]
        const kind = trace.kinds[i]
        let next = live
        if (kind === OP_ALLOC) next += trace.sizes[i]
        else if (inside[id] === 0) continue
        else if (kind === OP_FREE) next -= size[id]
        else next += trace.sizes[i] - size[id]
        if (next > maxPeak || kept === maxKept) return { start, end: i, kept }
        live = next
        kept++
        if (kind === OP_ALLOC) {
            inside[id] = 1
            size[id] = trace.sizes[i]
        } else if (kind === OP_FREE) inside[id] = 0
        else size[id] = trace.sizes[i]
    }
    return { start, end: trace.count, kept }
}

/**
 * The windows offered for a trace: the one keeping the most ops among starts
 * every ⌈count / 256⌉ ops (the earliest on a tie), then the best one that does
 * not overlap it; each only if it keeps ≥ MIN_WINDOW_OPS ops.
 */
export function chooseWindows(trace: Trace): WindowSpan[] {
    const step = Math.max(1, Math.ceil(trace.count / 256))
    const spans: WindowSpan[] = []
    for (let s = 0; s < trace.count; s += step) spans.push(windowFrom(trace, s, WINDOW_PEAK, WINDOW_OPS))
    const best = (ok: (w: WindowSpan) => boolean): WindowSpan | null => {
        let b: WindowSpan | null = null
        for (const w of spans) if (ok(w) && w.kept >= MIN_WINDOW_OPS && (b === null || w.kept > b.kept)) b = w
        return b
    }
    const w1 = best(() => true)
    if (w1 === null) return []
    const w2 = best(w => w.end <= w1.start || w.start >= w1.end)
    return w2 === null ? [w1] : [w1, w2]
}

const windows: Record<string, Trace> = {}

/** Builds every offered window once (deterministic), returning their names in order. */
function buildWindows(): string[] {
    const names: string[] = []
    for (const src of WINDOW_SOURCES) {
        const t = readTrace(src)
        const spans = chooseWindows(t)
        for (let k = 0; k < spans.length; k++) {
            const name = src + "-w" + (k + 1)
            windows[name] = cutWindow(t, spans[k].start, spans[k].end, name)
            names.push(name)
        }
    }
    return names
}

/** Names of the windows offered, e.g. "amptjp-bal-w1" (see the file header for the choice). */
export const MCU_WINDOWS: string[] = buildWindows()

/** The window `name` as a Trace (for its ids, peak, maxLive). */
export function windowTrace(name: string): Trace {
    const w = windows[name]
    if (!w) throw new Error("no window " + JSON.stringify(name) + "; known: " + MCU_WINDOWS.join(", "))
    return w
}

/** Every trace a board's real region can replay: MCU_TRACES then MCU_WINDOWS. */
export const MCU_ALL: string[] = MCU_TRACES.concat(MCU_WINDOWS)

/**
 * The EncodedTrace of an MCU trace: a whole trace of MCU_TRACES or a window of MCU_WINDOWS.
 *
 * ```ts
 * await replay(heap, mcuTrace("short1-bal"))
 * await replay(heap, mcuTrace("binary-bal-w1"))
 * ```
 */
export function mcuTrace(name: string): EncodedTrace {
    if (MCU_TRACES.indexOf(name) >= 0) return encodeTrace(readTrace(name))
    if (windows[name]) return encodeTrace(windows[name])
    throw new Error("no MCU trace " + JSON.stringify(name) + "; known: " + MCU_ALL.join(", "))
}

/** Any trace by name: a window of MCU_WINDOWS, or a malloc-lab or recorded trace (loadTrace). */
export function benchTrace(name: string): EncodedTrace {
    return windows[name] ? encodeTrace(windows[name]) : loadTrace(name)
}
