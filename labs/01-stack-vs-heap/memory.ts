/**
 * labs/01-stack-vs-heap/memory.ts — YOUR answers to "where does it live, and
 * what does it cost?" on a microcontroller (lab 1; README.md beside this file).
 *
 *     flash   the program (bytecode, hex`` literals): read-only, executed in place
 *     SRAM    the C stack (native frames of the VM and the firmware)
 *             DeviceScript's program heap (JS objects, ds.Buffers — 64 KiB)
 *               └ bareheap's region: one ds.Buffer inside that heap
 *
 * The boards' memory maps are in boards/*.ts (`npm start -- --board pico` draws one).
 * Every function throws "not implemented" until you write it:
 *   npm run grade -- labs/01-stack-vs-heap/memory.ts --lab 1
 * Must compile for DeviceScript too: `npx devs build labs/01-stack-vs-heap/memory.ts`.
 */
import { Board } from "../../boards/board"
import { HeapAllocator } from "../../src/api/global_alloc"

/** The name of the board's memory region that holds `addr`, or "unmapped". */
export function regionOf(board: Board, addr: number): string {
    throw new Error("not implemented: regionOf")
}

/**
 * The name of the memory region where each thing lives on `board`:
 * "stack" (the main C stack), "program heap" (DeviceScript's GC heap, which
 * holds the bareheap region), "region" (bareheap's heap region) and "flash"
 * (the first flash region: where the program is).
 */
export function placeOf(board: Board, what: string): string {
    throw new Error("not implemented: placeOf")
}

/** How many bytes of the region one block of `bytes` takes on `heap` (measure it: stats before and after). */
export function blockCost(heap: HeapAllocator, bytes: number): number {
    throw new Error("not implemented: blockCost")
}
