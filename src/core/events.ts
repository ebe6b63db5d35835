/**
 * events.ts — HeapEvents: how the wrapper layers report what happens *inside*
 * a call (an out-of-memory hook run, a debug check that failed, a leak report)
 * to whoever streams events, without knowing who that is.
 *
 * The layers (OomHookAllocator, DebugAllocator, TrackingAllocator) each hold
 * an optional HeapEvents and call it; LoggingAllocator implements HeapEvents
 * and turns each call into one protocol line (~O, ~C, ~L: docs/protocol.md).
 * Wiring is explicit, because a layer below the logger cannot see it:
 *
 * ```ts
 * const debug = new DebugAllocator(new BuddyAllocator(region), DebugLevel.Light)
 * const heap = new LoggingAllocator(debug, "pico")
 * debug.setEvents(heap) // canary failures found outside a call now stream as ~C
 * ```
 *
 * Invariants: a layer with no HeapEvents behaves exactly as with one (events
 * are reports, never decisions); an event method never throws for valid
 * arguments and never calls back into an allocator.
 * Cost: one null test per reportable event; nothing on the fast path.
 */

/** Receives the events that wrapper layers report. */
export interface HeapEvents {
    /**
     * An out-of-memory hook was called. `op` is "A" (alloc), "Z" (allocZeroed)
     * or "R" (realloc); size and align are the request (for realloc the new
     * size); `attempt` counts from 1; `retry` is what the hook answered.
     */
    oomHook(op: string, size: number, align: number, attempt: number, retry: boolean): void
    /**
     * A debug check failed outside a call that could throw it (for example a
     * freed block's fill found changed when it left quarantine, or a scan on
     * demand). `code` is a HeapErrorCode, `ptr` the block's pointer.
     */
    checkFailed(code: number, ptr: number): void
    /**
     * One live block of a leak report: its pointer, layout and the container
     * kind that allocated it (an AllocTag name: "raw", "box", "vec", "string", …).
     */
    leak(ptr: number, size: number, align: number, kind: string): void
}
