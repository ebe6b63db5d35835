/**
 * tests/host_expect.ts — vitest-side helpers the allocator suites share
 * (host only: they use vitest's expect; the portable helpers for cases that
 * also run in the VM are in tests/contract/check.ts).
 */
import { expect } from "vitest"
import { HeapError, HeapErrorCode } from "../src/core/errors"
import { thrown } from "./contract/check"

/**
 * Runs f, expects it to throw a HeapError with `code` whose message contains
 * every fragment, and returns the error.
 *
 * ```ts
 * expectHeapErrorFrom(() => h.dealloc(p, l), HeapErrorCode.DoubleFree, ptrText(p))
 * ```
 */
export function expectHeapErrorFrom(f: () => unknown, code: HeapErrorCode, ...fragments: string[]): HeapError {
    const caught = thrown(() => {
        f()
    })
    expect(caught).toBeInstanceOf(HeapError)
    const e = caught as HeapError
    expect(e.code, e.message).toBe(code)
    for (const s of fragments) expect(e.message).toContain(s)
    return e
}
