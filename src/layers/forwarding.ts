/**
 * forwarding.ts — ForwardingAllocator: the base of the wrapper layers that
 * stand in front of another allocator and change only some of its calls
 * (LoggingAllocator, OomHookAllocator, the benchmark's counting wrapper).
 * Every HeapAllocator method forwards to `inner` unchanged; a subclass
 * overrides the ones it cares about, so the forwarding is written once.
 *
 * Invariants: kind and region are the inner allocator's, so the wrapper can
 * stand wherever the allocator stood (setGlobalAllocator, another layer);
 * a method a subclass does not override behaves exactly as the inner one.
 * Cost: one extra method call per forwarded call.
 *
 * ```ts
 * class Counting extends ForwardingAllocator {
 *     calls = 0
 *     alloc(layout: Layout): number {
 *         this.calls++
 *         return this.inner.alloc(layout)
 *     }
 * }
 * ```
 */
import { BlockVisitor, HeapAllocator } from "../api/global_alloc"
import { Layout } from "../core/layout"
import { StaticRegion } from "../core/region"
import { HeapStats } from "../core/stats"

export class ForwardingAllocator implements HeapAllocator {
    readonly kind: string
    readonly region: StaticRegion
    /** The wrapped allocator. */
    readonly inner: HeapAllocator

    constructor(inner: HeapAllocator) {
        this.inner = inner
        this.kind = inner.kind
        this.region = inner.region
    }

    alloc(layout: Layout): number {
        return this.inner.alloc(layout)
    }
    allocZeroed(layout: Layout): number {
        return this.inner.allocZeroed(layout)
    }
    dealloc(ptr: number, layout: Layout): void {
        this.inner.dealloc(ptr, layout)
    }
    realloc(ptr: number, layout: Layout, newSize: number): number {
        return this.inner.realloc(ptr, layout, newSize)
    }
    /** The inner allocator's statistics. */
    stats(): HeapStats {
        return this.inner.stats()
    }
    /** The inner allocator's invariant check. */
    check(): string[] {
        return this.inner.check()
    }
    /** The inner allocator's walk. */
    walk(visit: BlockVisitor): void {
        this.inner.walk(visit)
    }
}
