/**
 * bench/html_stream.ts — a deterministic workload stream for the HTML heap
 * report's tests, benchmark (bench/html.ts) and README screenshots: the real
 * encoder (LoggingAllocator) over a TrackingAllocator over a real allocator
 * on the Pico's region, so the lines are exactly what a board would send.
 *
 *   heapStream({ events: 1e5 }) → ["~H 0 2 pico buddy 20020000 8000 1000 7ff 0", "~P 1 fill", "~A 2 …", …]
 *
 * Shape: rounds of three phases — "fill" (allocations grow the live set to
 * ~target blocks, or until the region is full), "churn" (random alloc / realloc / free), "drain" (frees
 * down to a few) — with blocks tagged raw, box, vec, string or the user tag
 * "sensor-log" (setAllocTag, as containers do), an occasional request too
 * large to fit (a ~X failure), ~S every 64 calls, and a leak report (~L)
 * of the blocks live at the end of each churn phase and at the end: the
 * protocol carries a block's tag only there. Cost: O(events) allocator calls.
 */
import { PICO } from "../boards/pico"
import { makeAllocator } from "../src/allocators/registry"
import { Layout } from "../src/core/layout"
import { StaticRegion } from "../src/core/region"
import { AllocTag, registerAllocTag, setAllocTag } from "../src/layers/alloc_tag"
import { LoggingAllocator } from "../src/layers/logging"
import { TrackingAllocator } from "../src/layers/tracking"
import { Rng } from "../tests/contract/check"

export interface StreamOptions {
    /** Stop once about this many protocol lines were emitted (the leak report comes on top). */
    events: number
    seed?: number
    allocator?: string
    /** Live blocks the fill phase aims at (it also ends at the first failed allocation). */
    target?: number
}

export function heapStream(o: StreamOptions): string[] {
    const lines: string[] = []
    const rng = new Rng(o.seed ?? 12)
    const tracker = new TrackingAllocator(makeAllocator(o.allocator ?? "buddy", StaticRegion.forBoard(PICO)))
    const log = new LoggingAllocator(tracker, PICO.id, { emit: l => lines.push(l), statsEvery: 64 })
    tracker.setEvents(log)
    const tags = [AllocTag.Raw, AllocTag.Box, AllocTag.Vec, AllocTag.String, registerAllocTag("sensor-log")]
    const live: { p: number; size: number; align: number }[] = []
    const target = o.target ?? 120
    /** Returns whether the allocation succeeded. */
    const alloc = (size: number): boolean => {
        const align = 1 << rng.below(4)
        const prev = setAllocTag(tags[rng.below(tags.length)])
        try {
            const p = log.alloc(new Layout(size, align))
            if (p !== 0) live.push({ p, size, align })
            return p !== 0
        } finally {
            setAllocTag(prev)
        }
    }
    const free = () => {
        const b = live.splice(rng.below(live.length), 1)[0]
        log.dealloc(b.p, new Layout(b.size, b.align))
    }
    const grow = () => {
        const b = live[rng.below(live.length)]
        const size = b.size + 8 + rng.below(64)
        const q = log.realloc(b.p, new Layout(b.size, b.align), size)
        if (q !== 0) {
            b.p = q
            b.size = size
        }
    }
    const small = () => 8 + rng.below(rng.below(4) === 0 ? 400 : 48)
    for (let round = 0; lines.length < o.events; round++) {
        log.phase("fill")
        while (live.length < target && lines.length < o.events && alloc(small())) {} // a full region ends the fill
        log.phase("churn")
        for (let i = 0; i < 4 * target && lines.length < o.events; i++) {
            const r = rng.below(100)
            if (r < 2) alloc(8192 + rng.below(16384)) // usually too large: a ~X failure
            else if (r < 12 && live.length > 0) grow()
            else if (r < 55 || live.length === 0) alloc(small())
            else free()
        }
        tracker.reportLeaks() // what is live now, with its container kind: ~L lines tag these blocks in the report
        log.phase("drain")
        while (live.length > 5 + (round % 7) && lines.length < o.events) free()
    }
    tracker.reportLeaks()
    return lines
}
