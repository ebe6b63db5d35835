/**
 * oom_hook.ts — OomHookAllocator: an out-of-memory hook around any
 * HeapAllocator, like FreeRTOS's vApplicationMallocFailedHook but able to
 * recover: when alloc, allocZeroed or realloc would return null, the hook is
 * called with the request and the attempt number; it may free memory (drop a
 * cache, release a bump mark) and return true to ask for a retry, or return
 * false (log, give up) so the caller gets null as usual.
 *
 * Invariants:
 *   - the hook runs only when the inner allocator returned null, never on
 *     success and never for a misuse (a HeapError passes straight through);
 *   - at most `maxRetries` retries per request (default 3), so a hook that
 *     keeps asking cannot loop forever — and a VM fiber stays bounded;
 *   - a failed realloc leaves the old block valid through every retry (the
 *     inner allocator's contract), so the hook may not free *that* block.
 *   - with setEvents(events), every hook call is reported as
 *     events.oomHook(op, size, align, attempt, retry) right after the hook
 *     returned ("A" alloc, "Z" allocZeroed, "R" realloc; for realloc the new
 *     size), so a LoggingAllocator above streams it as a ~O line.
 * Cost: nothing on success beyond the wrapper's call; on failure one hook
 * call per attempt (and one event call when events are set) plus the retried request.
 *
 * ```ts
 * const heap = new OomHookAllocator(new BuddyAllocator(region), (layout, attempt) => {
 *     console.log("out of memory for " + layout.size + " bytes, attempt " + attempt)
 *     return cache.dropOne() // true: something was freed, try again
 * })
 * const logged = new LoggingAllocator(heap, "pico")
 * heap.setEvents(logged) // each hook call is streamed: > ~O 9 A 40 8 1 1
 * ```
 */
import { HeapEvents } from "../core/events"
import { ForwardingAllocator } from "./forwarding"
import { HeapAllocator } from "../api/global_alloc"
import { Layout } from "../core/layout"

/**
 * Called when a request failed: `layout` is what was asked for (for realloc:
 * the new size with the block's alignment), `attempt` counts from 1. Return
 * true to retry the request, false to give up (the caller gets 0).
 */
export type OomHook = (layout: Layout, attempt: number) => boolean

export class OomHookAllocator extends ForwardingAllocator {
    /** How many times the hook was called, and how many of those ended in success. */
    hookCalls = 0
    recovered = 0
    private events: HeapEvents = null

    constructor(inner: HeapAllocator, public readonly hook: OomHook, public readonly maxRetries?: number) {
        super(inner)
        if (maxRetries === undefined) this.maxRetries = 3
    }

    /**
     * Reports every hook call to `events` from now on (null: to nobody).
     *
     * ```ts
     * hooked.setEvents(logger) // logger: a LoggingAllocator over `hooked`
     * ```
     */
    setEvents(events: HeapEvents): void {
        this.events = events
    }

    /** Runs the hook after a failure of `op`; true when the caller should retry. */
    private retry(op: string, layout: Layout, attempt: number): boolean {
        if (attempt > this.maxRetries) return false
        this.hookCalls++
        const again = this.hook(layout, attempt)
        if (this.events) this.events.oomHook(op, layout.size, layout.align, attempt, again)
        return again
    }

    override alloc(layout: Layout): number {
        let p = this.inner.alloc(layout)
        for (let attempt = 1; p === 0 && this.retry("A", layout, attempt); attempt++) {
            p = this.inner.alloc(layout)
            if (p !== 0) this.recovered++
        }
        return p
    }

    override allocZeroed(layout: Layout): number {
        let p = this.inner.allocZeroed(layout)
        for (let attempt = 1; p === 0 && this.retry("Z", layout, attempt); attempt++) {
            p = this.inner.allocZeroed(layout)
            if (p !== 0) this.recovered++
        }
        return p
    }

    override realloc(ptr: number, layout: Layout, newSize: number): number {
        let p = this.inner.realloc(ptr, layout, newSize)
        if (p !== 0) return p
        // Only build the request's Layout when the hook will see it.
        const wanted = new Layout(newSize, layout.align)
        for (let attempt = 1; p === 0 && this.retry("R", wanted, attempt); attempt++) {
            p = this.inner.realloc(ptr, layout, newSize)
            if (p !== 0) this.recovered++
        }
        return p
    }
}
