/** Reference for lab 1 (tests only; see README.md here). */
import { Board } from "../../../boards/board"
import { HeapAllocator } from "../../../src/api/global_alloc"
import { Layout } from "../../../src/core/layout"

export function regionOf(board: Board, addr: number): string {
    const m = board.memory.find(r => addr >= r.base && addr < r.base + r.size)
    return m ? m.name : "unmapped"
}

export function placeOf(board: Board, what: string): string {
    if (what === "stack") return board.stack ? board.stack.region : "unknown"
    if (what === "program heap" || what === "region") return board.heap.region
    if (what === "flash") return board.memory.find(r => r.kind === "flash")?.name ?? "none"
    throw new Error("placeOf: unknown thing " + JSON.stringify(what))
}

export function blockCost(heap: HeapAllocator, bytes: number): number {
    const l = Layout.fromSizeAlign(bytes, 1)
    const before = heap.stats().inUse
    const p = heap.alloc(l)
    const cost = heap.stats().inUse - before
    heap.dealloc(p, l)
    return cost
}
