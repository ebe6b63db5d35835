/**
 * bench/trace/encode.ts — host-only: turns a parsed malloc-lab Trace into the
 * EncodedTrace that bench/replay.ts replays (in Node, or compiled into a VM
 * program as a hex`` literal), and loads the traces of bench/traces/malloclab.
 *
 * Encoding: OP_BYTES = 8 bytes per op, little-endian u16 slot, u8 kind, u8 0,
 * u32 size (0 for a free). Ids become dense slots: an alloc takes the lowest
 * free slot (a binary min-heap of freed slots, so the choice does not depend
 * on the order of frees and slots stay ≤ the most blocks live at once); a
 * free returns its slot. A slot therefore names one block at a time, and
 * `slots` ≤ trace.maxLive ≤ 65,535 (u16).
 *
 * Invariants: decodeOps(encodeTrace(t)) gives back t's kinds and sizes in
 * order, and the op → id → slot mapping is consistent (the same slot for
 * every op on one block). Cost: O(ops · log slots), one Buffer of 8 · ops
 * bytes (made with the shim's host-only _simBufferOver: 192,000 bytes for
 * binary2-bal, beyond a VM Buffer).
 *
 * ```ts
 * const t = loadTrace("short1-bal")   // EncodedTrace, 12 ops, 3 slots
 * const raw = readTrace("amptjp-bal") // Trace, for its ids, sizes, peak
 * ```
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { _simBufferOver } from "@devicescript/core"
import { EncodedTrace, OP_ALLOC, OP_BYTES, OP_FREE } from "../replay"
import { parseTrace, Trace } from "./rep"

/** Every malloc-lab trace in bench/traces/malloclab, in the README's order. */
export const TRACE_NAMES = [
    "amptjp-bal",
    "cccp-bal",
    "cp-decl-bal",
    "expr-bal",
    "coalescing-bal",
    "random-bal",
    "random2-bal",
    "binary-bal",
    "binary2-bal",
    "realloc-bal",
    "realloc2-bal",
    "short1-bal",
    "short2-bal",
]

/** The traces whose peak live payload fits a microcontroller region whole (≤ 32 KiB incl. overhead on a 32 KiB board). */
export const MCU_TRACES = ["coalescing-bal", "realloc2-bal", "short1-bal", "short2-bal"]

/** A min-heap of numbers (the free slots), in a plain array. */
class MinHeap {
    private a: number[] = []
    get size(): number {
        return this.a.length
    }
    push(v: number): void {
        const a = this.a
        let i = a.length
        a.push(v)
        while (i > 0) {
            const up = (i - 1) >> 1
            if (a[up] <= v) break
            a[i] = a[up]
            i = up
        }
        a[i] = v
    }
    pop(): number {
        const a = this.a
        const top = a[0]
        const last = a.pop() as number
        if (a.length > 0) {
            let i = 0
            for (;;) {
                let c = 2 * i + 1
                if (c >= a.length) break
                if (c + 1 < a.length && a[c + 1] < a[c]) c++
                if (a[c] >= last) break
                a[i] = a[c]
                i = c
            }
            a[i] = last
        }
        return top
    }
}

/**
 * Encodes a validated trace (see the file header). `name` defaults to the trace's.
 *
 * ```ts
 * const enc = encodeTrace(parseTrace("x", text))
 * enc.ops.getAt(0, "u16") // slot of op 0
 * ```
 */
export function encodeTrace(trace: Trace, name?: string): EncodedTrace {
    const n = trace.count
    const ops = _simBufferOver(new Uint8Array(n * OP_BYTES))
    const slotOf = new Int32Array(trace.ids).fill(-1)
    const free = new MinHeap()
    let slots = 0
    for (let i = 0; i < n; i++) {
        const id = trace.idOf[i]
        const kind = trace.kinds[i]
        let slot: number
        if (kind === OP_ALLOC) {
            slot = free.size > 0 ? free.pop() : slots++
            if (slot > 0xffff) throw new RangeError(trace.name + ": more than 65,536 blocks live at once do not fit a u16 slot")
            slotOf[id] = slot
        } else {
            slot = slotOf[id]
            if (slot < 0) throw new RangeError(trace.name + ": op " + i + " names id " + id + ", which is not live (parse the trace with parseTrace)")
            if (kind === OP_FREE) {
                slotOf[id] = -1
                free.push(slot)
            }
        }
        const o = i * OP_BYTES
        ops.setAt(o, "u16", slot)
        ops.setAt(o + 2, "u8", kind)
        ops.setAt(o + 4, "u32", kind === OP_FREE ? 0 : trace.sizes[i])
    }
    return new EncodedTrace(name ?? trace.name, ops, n, slots, trace.peakPayload)
}

/** One decoded op (tests and tools). */
export interface DecodedOp {
    slot: number
    kind: number
    size: number
}

/** The ops of an encoded trace as objects (for tests and tools; replay reads the Buffer directly). */
export function decodeOps(t: EncodedTrace): DecodedOp[] {
    const out: DecodedOp[] = []
    for (let i = 0; i < t.count; i++) {
        const o = i * OP_BYTES
        out.push({ slot: t.ops.getAt(o, "u16"), kind: t.ops.getAt(o + 2, "u8"), size: t.ops.getAt(o + 4, "u32") })
    }
    return out
}

/**
 * The malloclab trace folder: bench/traces/malloclab in this repository (a
 * copy kept with the code, so a fresh clone needs nothing else; see
 * bench/traces/README.md), or $BAREHEAP_TRACES when set. Found from this
 * file's location, so the current directory does not matter.
 */
export function traceDir(): string {
    const env = process.env["BAREHEAP_TRACES"]
    if (env) return env
    const here = path.dirname(fileURLToPath(import.meta.url))
    const root = path.resolve(here, "..", "..")
    const candidates = [path.resolve(root, "bench", "traces", "malloclab")]
    for (const c of candidates) if (fs.existsSync(c)) return c
    throw new Error("malloc-lab traces not found; looked in " + candidates.join(" and ") + " (set BAREHEAP_TRACES to the folder)")
}

const parsed: Record<string, Trace> = {}

/** The parsed trace `name` (e.g. "amptjp-bal"), read once and cached. Throws TraceError on a bad file. */
/** Traces from elsewhere (`npm run bench -- --traces DIR`): name → file. */
const extraFiles: Record<string, string> = {}

/**
 * Makes every .rep file of `dir` readable by its base name, before the
 * built-in folder (a name both have means the file in `dir`). Returns the
 * names, sorted; throws a clear error for a missing folder or one without
 * .rep files.
 */
export function useTraceDir(dir: string): string[] {
    let entries: string[]
    try {
        entries = fs.readdirSync(dir)
    } catch (e) {
        throw new Error("cannot read the trace folder " + JSON.stringify(dir) + ": " + (e as Error).message)
    }
    const names = entries.filter(f => f.endsWith(".rep")).map(f => f.slice(0, -4)).sort()
    if (names.length === 0) throw new Error("no .rep files in " + JSON.stringify(dir))
    for (const n of names) {
        extraFiles[n] = path.join(dir, n + ".rep")
        delete parsed[n]
    }
    return names
}

export function readTrace(name: string): Trace {
    const hit = parsed[name]
    if (hit) return hit
    const file = extraFiles[name] ?? path.join(traceDir(), name + ".rep")
    if (!fs.existsSync(file)) throw new Error("no trace " + JSON.stringify(name) + " (" + file + "); known: " + TRACE_NAMES.join(", "))
    const t = parseTrace(name, fs.readFileSync(file, "utf8"))
    parsed[name] = t
    return t
}

/** The encoded trace `name`, ready for replay(). */
export function loadTrace(name: string): EncodedTrace {
    return encodeTrace(readTrace(name))
}
