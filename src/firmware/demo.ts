/**
 * demo.ts — the firmware's main job: a sensor logger's day, sized from the
 * heap it runs on so every board (16 KiB on esp32s2, 32 KiB elsewhere) and
 * every allocator kind (buddy, bump, TLSF, pool, or one added later) reaches
 * 60–90 % of its capacity at the peak. C below is stats().capacity at start.
 *
 *   phase      what the heap sees                                    live at its end
 *   readings   a Vec<u32> of readings grows by doubling (realloc      the Vec (kept)
 *              in place or moved) to ~C/7 bytes of elements
 *   messages   log lines built as HeapStrings from the readings, a    the Vec
 *              window of the 8 newest kept, the oldest dropped (FIFO)
 *   queue      a packet queue: Boxes with a repr(C) header (Layout.   the Vec
 *              extend) and a payload, 3 enqueued per 2 sent, drained
 *   burst      mixed 128–512 B blocks until stats().inUse ≥ 3/4 C, then half the burst
 *              runs of 3 of every 6 freed (holes wider than a map cell)
 *   fragment   a request bigger than the largest hole fails despite    half the burst
 *              the free total
 *   coalesce   the rest freed; holes merge, and one block of 60 % of   the Vec
 *              the largest free block (larger than any hole was)
 *   oom        384–640 B frames cached until no free block holds C/5   the Vec
 *              (≤ 13/16 C used); a C/5 request fails,
 *              the OOM hook (demoOomHook) evicts the newest frames
 *              and the retry succeeds; then the cache is dropped
 *   leak       a config string made and never dropped: the tracker's   the Vec, the leak
 *              leak report (--track) and the final heap map show it
 *   done       the readings dropped                                    the leak
 *
 * Blocks are a few hundred bytes, not tens: the VM's 64 KiB program heap
 * holds the 32 KiB region and every layer's per-block bookkeeping (the
 * tracker's table, the demo's own lists), and with --debug full each free
 * verifies fill patterns word by word, so the OOM hook's evictions (one
 * synchronous call) stay far below the VM's opcode budget per slice.
 * Every value written is read back and checked (a mismatch throws). Phases
 * free all they allocate, so a bump allocator gets its space back at each
 * phase end; the OOM hook evicts newest-first for the same reason. Loops
 * yield (`await ds.sleep(0)`) every few iterations: with --debug full an
 * allocation fills its block byte by byte, and a fiber must stay under the
 * VM's 131,072 opcodes per slice. Deterministic (a fixed LCG), so the host
 * simulator and the VM stream the same bytes. Bounds: O(C / 16) allocations
 * per phase, each O(1) in the allocators' own terms.
 */
import * as ds from "@devicescript/core"
import { Global } from "../api/allocator_api"
import { Box } from "../collections/boxed"
import { alloc, dealloc, HeapAllocator } from "../api/global_alloc"
import { HeapString } from "../collections/heap_string"
import { Layout } from "../core/layout"
import { StaticRegion } from "../core/region"
import { ElemKind, Vec } from "../collections/vec"

/** Receives a phase name before each story (the logging wrapper turns it into a P line). */
export type PhaseHook = (name: string) => void

function check(ok: boolean, what: string): void {
    if (!ok) throw new Error("demo: " + what)
}

/** A deterministic LCG: the same numbers on the host and in the VM. */
class Lcg {
    constructor(private seed: number) {}
    next(n: number): number {
        this.seed = (Math.imul(this.seed, 1103515245) + 12345) & 0x7fffffff
        return (this.seed >> 8) % n
    }
}

/**
 * Raw blocks (align 8) as two number arrays, not an object per block: the
 * VM's program heap (64 KiB) also holds the 32 KiB region. Each block is
 * filled with a byte derived from its address, checked when it is freed.
 */
class Blocks {
    ptrs: number[] = []
    sizes: number[] = []
    constructor(private r: StaticRegion) {}

    /** Allocates and fills a block at the end of the list; false when the heap said no. */
    add(size: number): boolean {
        const p = alloc(Layout.fromSizeAlign(size, 8))
        if (p === 0) return false
        this.r.fill(p, size, (p >> 3) & 0xff)
        this.ptrs.push(p)
        this.sizes.push(size)
        return true
    }

    /** Checks and frees block i (it stays in the list; free each once). */
    free(i: number, what: string): void {
        const p = this.ptrs[i]
        const n = this.sizes[i]
        const fill = (p >> 3) & 0xff
        check(this.r.readU8(p) === fill && this.r.readU8(p + n - 1) === fill, what + " block contents")
        dealloc(p, Layout.fromSizeAlign(n, 8))
    }

    /** Checks, frees and forgets the last block. */
    pop(what: string): number {
        const n = this.sizes[this.sizes.length - 1]
        this.free(this.ptrs.length - 1, what)
        this.ptrs.pop()
        this.sizes.pop()
        return n
    }
}

/** The frame cache the OOM hook evicts from (newest first). */
let cache: Blocks = null

/**
 * The OOM hook the firmware installs (OomHookAllocator): attempt k evicts
 * the newest cached frames until k × the request's size is freed (the third
 * attempt empties the cache), then asks for a retry; with nothing cached it
 * gives up.
 */
export function demoOomHook(layout: Layout, attempt: number): boolean {
    if (cache === null || cache.ptrs.length === 0) return false
    let freed = 0
    while (cache.ptrs.length > 0 && (attempt >= 3 || freed < attempt * layout.size)) freed += cache.pop("evicted frame")
    return true
}

const R = 2000 // readings are centi-degrees: 20.00 °C and up

async function readings(heap: Global, capacity: number, rng: Lcg): Promise<Vec> {
    const v = Vec.newIn(heap, ElemKind.U32)
    const n = Math.floor(capacity / 28) // u32 elements: ~C/7 bytes, up to 2× that in capacity
    for (let i = 0; i < n; i++) {
        v.push(R + rng.next(600))
        if ((i & 15) === 15) await ds.sleep(0)
    }
    let lo = 1e9
    let hi = 0
    for (let i = 0; i < n; i++) {
        const x = v.get(i)
        lo = Math.min(lo, x)
        hi = Math.max(hi, x)
        if ((i & 63) === 63) await ds.sleep(0)
    }
    check(v.length() === n && lo >= R && hi < R + 600, "readings read back")
    return v
}

function line(v: Vec, i: number): string {
    const x = v.get(i % v.length())
    const cents = x % 100
    return "t=" + i + " temp=" + Math.floor(x / 100) + (cents < 10 ? ".0" : ".") + cents + "C"
}

async function messages(heap: Global, v: Vec): Promise<void> {
    const window: HeapString[] = []
    const first: number[] = []
    for (let i = 0; i < 64; i++) {
        window.push(HeapString.fromIn(heap, line(v, i)))
        first.push(i)
        if (window.length > 8) {
            const s = window.shift()
            check(s.toJsString() === line(v, first.shift()), "message text")
            s.drop()
        }
        await ds.sleep(0)
    }
    while (window.length > 0) {
        const s = window.shift()
        check(s.toJsString() === line(v, first.shift()), "message text")
        s.drop()
    }
}

async function queue(heap: Global, rng: Lcg): Promise<void> {
    // struct Packet { kind: u8, seq: u16, len: u32 } + payload: offsets 0, 2, 4; 8 bytes.
    const withSeq = Layout.fromSizeAlign(1, 1).extend(Layout.fromSizeAlign(2, 2))
    const withLen = withSeq.layout.extend(Layout.scalar(4))
    const head = withLen.layout.padToAlign()
    check(withSeq.offset === 2 && withLen.offset === 4 && head.size === 8, "packet header layout")
    const q: Box[] = []
    let sent = 0
    let seq = 0
    while (seq < 60 || q.length > 0) {
        for (let k = 0; k < 3 && seq < 60; k++) {
            const len = 16 + rng.next(104)
            const b = Box.newIn(heap, Layout.fromSizeAlign(head.size + len, 4))
            b.setU8(0, 7)
            b.setU16(withSeq.offset, seq)
            b.setU32(withLen.offset, len)
            b.setU8(head.size + len - 1, seq & 0xff)
            q.push(b)
            seq++
        }
        for (let k = 0; k < 2 && q.length > 0; k++) {
            const b = q.shift()
            const len = b.getU32(withLen.offset)
            check(b.getU8(0) === 7 && b.getU16(withSeq.offset) === sent && b.getU8(head.size + len - 1) === (sent & 0xff), "packet " + sent)
            sent++
            b.drop()
        }
        await ds.sleep(0)
    }
    check(sent === 60, "every packet sent")
}

async function burst(h: HeapAllocator, r: StaticRegion, capacity: number, rng: Lcg, onPhase: PhaseHook): Promise<void> {
    const blocks = new Blocks(r)
    for (let i = 0; h.stats().inUse < (capacity * 3) / 4; i++) {
        check(blocks.add(128 + 32 * rng.next(13)), "burst block " + i)
        if ((i & 3) === 3) await ds.sleep(0)
    }
    // Runs of three freed, three kept: holes of ~1 KiB, wider than a heap map's cell.
    const n = blocks.ptrs.length
    for (let i = 0; i < n; i++) {
        if (i % 6 < 3) blocks.free(i, "burst")
        if ((i & 3) === 3) await ds.sleep(0)
    }
    onPhase("fragment")
    const s = h.stats()
    // Free space, but in holes: a request 64 B above the largest hole cannot fit
    // (64 B is more than a debug layer's canaries, which stats() already subtracts).
    const tooBig = Layout.fromSizeAlign(s.largestFree + 64, 8)
    const p = alloc(tooBig) // fails, unless a debug quarantine (--debug full) drains on the failure and merges holes
    await ds.sleep(0)
    if (p !== 0) dealloc(p, tooBig)
    onPhase("coalesce")
    for (let i = 0; i < n; i++) {
        if (i % 6 >= 3) blocks.free(i, "burst")
        if ((i & 3) === 3) await ds.sleep(0)
    }
    // Usually larger than any hole was; a debug quarantine (--debug full) may still hold some of the freed blocks.
    const big = new Blocks(r)
    await ds.sleep(0)
    check(big.add(Math.floor((h.stats().largestFree * 3) / 5) & ~7), "a block of 3/5 of the coalesced largest free block")
    await ds.sleep(0)
    big.pop("coalesced")
}

async function oom(h: HeapAllocator, r: StaticRegion, capacity: number, rng: Lcg): Promise<void> {
    // A frame of C/5 must not fit: cache frames until no free block holds one (or 13/16 C is used).
    const want = Math.floor(capacity / 5) & ~7
    cache = new Blocks(r)
    for (let i = 0; h.stats().largestFree >= want && h.stats().inUse < (capacity * 13) / 16; i++) {
        check(cache.add(384 + 64 * rng.next(5)), "frame " + i)
        if ((i & 3) === 3) await ds.sleep(0)
    }
    await ds.sleep(0) // the hook runs inside the next alloc and evicts ~C/5 of frames: start a fresh slice
    const before = cache.ptrs.length
    const frame = new Blocks(r)
    // Fails, the hook evicts, the retry succeeds (a debug quarantine may make room first).
    check(frame.add(want), "the OOM hook made room (frames cached " + before + ", now " + cache.ptrs.length + ")")
    await ds.sleep(0) // with --debug full, each of these steps verifies kilobytes of fill patterns
    frame.pop("big frame")
    await ds.sleep(0)
    for (let i = 0; cache.ptrs.length > 0; i++) {
        cache.pop("cached frame")
        if ((i & 3) === 3) await ds.sleep(0)
    }
    cache = null
}

/**
 * Runs the sensor logger on `heap` (the registered global allocator, which
 * the firmware built with demoOomHook below its logger) over `region`.
 * `onPhase` gets each phase's name (and "done" at the end). Leaves exactly
 * one block live: the leaked config string.
 */
export async function runDemo(heap: HeapAllocator, region: StaticRegion, onPhase: PhaseHook): Promise<void> {
    const g = new Global()
    const capacity = heap.stats().capacity
    const rng = new Lcg(12345)
    onPhase("readings")
    const v = await readings(g, capacity, rng)
    onPhase("messages")
    await messages(g, v)
    onPhase("queue")
    await queue(g, rng)
    onPhase("burst")
    await burst(heap, region, capacity, rng, onPhase)
    onPhase("oom")
    await oom(heap, region, capacity, rng)
    onPhase("leak")
    const config = HeapString.fromIn(g, "interval=" + v.length() + ";unit=C")
    check(config.toJsString() === "interval=" + v.length() + ";unit=C", "config string")
    // …and never dropped: the tracker's leak report shows it.
    onPhase("done")
    v.drop()
}
