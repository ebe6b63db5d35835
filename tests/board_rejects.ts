/**
 * board_rejects.ts — test helpers for boards/validate.ts: a deep copy of a
 * shipped board to break, and the expectation that validateBoard rejects it
 * with a message naming the board and containing every fragment.
 *
 * ```ts
 * const b = copy(PICO); b.heap.base += 1
 * expectRejected(b, "heap.base")
 * ```
 */
import { expect } from "vitest"
import { Board } from "../boards/board"
import { BoardError, validateBoard } from "../boards/validate"

/** A deep copy to mutate, so the shipped board stays intact. */
export function copy(b: Board): Board {
    return structuredClone(b)
}

/** Expects validateBoard(b) to throw a BoardError whose message contains every fragment. */
export function expectRejected(b: Board, ...fragments: string[]): void {
    let caught: unknown = null
    try {
        validateBoard(b)
    } catch (e) {
        caught = e
    }
    expect(caught, "validateBoard accepted a bad board").toBeInstanceOf(BoardError)
    const msg = (caught as BoardError).message
    expect(msg.startsWith(`board "${b.id}": `), msg).toBe(true)
    for (const f of fragments) expect(msg).toContain(f)
}
