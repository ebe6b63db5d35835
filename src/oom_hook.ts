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
 * Cost: nothing on success beyond the wrapper's call; on failure one hook
 * call per attempt plus the retried request.
 *
 * ```ts
 * const heap = new OomHookAllocator(new BuddyAllocator(region), (layout, attempt) => {
 *     console.log("out of memory for " + layout.size + " bytes, attempt " + attempt)
 *     return cache.dropOne() // true: something was freed, try again
 * })
 * ```
 */
import { BlockVisitor, HeapAllocator } from "./global_alloc"
import { Layout } from "./layout"
import { StaticRegion } from "./region"
import { HeapStats } from "./stats"

/**
 * Called when a request failed: `layout` is what was asked for (for realloc:
 * the new size with the block's alignment), `attempt` counts from 1. Return
 * true to retry the request, false to give up (the caller gets 0).
 */
export type OomHook = (layout: Layout, attempt: number) => boolean

export class OomHookAllocator implements HeapAllocator {
    readonly kind: string
    readonly region: StaticRegion
    /** How many times the hook was called, and how many of those ended in success. */
    hookCalls = 0
    recovered = 0

    constructor(public readonly inner: HeapAllocator, public readonly hook: OomHook, public readonly maxRetries?: number) {
        this.kind = inner.kind
        this.region = inner.region
        if (maxRetries === undefined) this.maxRetries = 3
    }

    /** Runs the hook after a failure; true when the caller should retry. */
    private retry(layout: Layout, attempt: number): boolean {
        if (attempt > this.maxRetries) return false
        this.hookCalls++
        return this.hook(layout, attempt)
    }

    alloc(layout: Layout): number {
        let p = this.inner.alloc(layout)
        for (let attempt = 1; p === 0 && this.retry(layout, attempt); attempt++) {
            p = this.inner.alloc(layout)
            if (p !== 0) this.recovered++
        }
        return p
    }

    allocZeroed(layout: Layout): number {
        let p = this.inner.allocZeroed(layout)
        for (let attempt = 1; p === 0 && this.retry(layout, attempt); attempt++) {
            p = this.inner.allocZeroed(layout)
            if (p !== 0) this.recovered++
        }
        return p
    }

    dealloc(ptr: number, layout: Layout): void {
        this.inner.dealloc(ptr, layout)
    }

    realloc(ptr: number, layout: Layout, newSize: number): number {
        let p = this.inner.realloc(ptr, layout, newSize)
        if (p !== 0) return p
        // Only build the request's Layout when the hook will see it.
        const wanted = new Layout(newSize, layout.align)
        for (let attempt = 1; p === 0 && this.retry(wanted, attempt); attempt++) {
            p = this.inner.realloc(ptr, layout, newSize)
            if (p !== 0) this.recovered++
        }
        return p
    }

    stats(): HeapStats {
        return this.inner.stats()
    }
    check(): string[] {
        return this.inner.check()
    }
    walk(visit: BlockVisitor): void {
        this.inner.walk(visit)
    }
}
