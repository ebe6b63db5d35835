/**
 * grader/diagnosis.ts — what the grader can say is wrong with an allocator:
 * one stable code per kind of bug, its one-line explanation, and how a thrown
 * error becomes a code. Portable (devs + tsc): the in-VM grading program uses
 * it too, so a diagnosis reads the same on the host and in the VM.
 *
 * An Outcome is one graded item (a conformance case, a probe, a property run,
 * a trace): part + name, code "" when it passed, else a code of CODES and a
 * detail sentence naming pointers, sizes and the op. Codes are the stable
 * interface (self-tests and autograders match on them); details are for people.
 */
import { HeapError, HeapErrorCode } from "../src/core/errors"
import { ReplayError } from "../bench/replay"

/** A graded item: passed when code === "". */
export class Outcome {
    constructor(public part: string, public name: string, public code: string, public detail: string) {}
}

/** A probe or suite found a specific bug: code is one of CODES. */
export class GradeFailure extends Error {
    constructor(public code: string, message: string) {
        super(message)
        this.name = "GradeFailure"
    }
}

/** Every diagnosis code and what it means, in the order a report lists the first one found. */
export const CODES: string[][] = [
    ["not-implemented", "the allocator (or a method it needs) still throws \"not implemented\": implement it"],
    ["no-allocator", "the file exports no class with alloc/dealloc/realloc, or it cannot be built over a region"],
    ["build-failed", "the file does not compile for DeviceScript (devs build): see the compiler's message"],
    ["out-of-region", "a block handed out lies (partly) outside the region: check the end-of-region test before handing out a block"],
    ["misaligned", "a block is not aligned to its layout's align: round the payload address up, not only the size"],
    ["off-by-one", "a block ends one byte inside the next block: a size computed one byte short (or an end computed as p + size - 1)"],
    ["overlap", "two live blocks share bytes: a block was handed out twice, or a free block was split wrongly"],
    ["zero-size", "a zero-size request did not get a real, unique, freeable block (global_alloc.ts: size 0 is served like size 1)"],
    ["metadata-in-payload", "the allocator wrote its own metadata (a header, footer or free-list link) into a live block's payload"],
    ["double-free-undetected", "a second dealloc of the same block was not reported as HeapError double-free"],
    ["realloc-leak", "realloc loses memory: after moving a block, the old one is never freed"],
    ["no-coalescing", "after freeing every block, a request the fresh heap served fails: neighbouring free blocks are not merged"],
    ["clobbered", "a live block's payload changed while the allocator handled other blocks"],
    ["contract", "a case of the GlobalAlloc contract failed (see its message)"],
    ["property", "a random program broke the contract (the smallest failing program is shown)"],
    ["allocator-error", "the allocator threw an unexpected error"],
    ["crash", "the allocator crashed: a non-heap error (TypeError, RangeError…), or in the VM a panic (an endless loop, the VM's heap exhausted)"],
]

/** The explanation of a code ("" for an unknown one). */
export function explain(code: string): string {
    for (const c of CODES) if (c[0] === code) return c[1]
    return ""
}

/** True when anything in the error says "not implemented" (a starter's stub). */
export function isNotImplemented(e: any): boolean {
    if (e === null || e === undefined) return false
    const m = e instanceof Error ? e.message : "" + e
    return m.toLowerCase().indexOf("not implemented") >= 0
}

/** The text of an error as a sentence. */
export function errorText(e: any): string {
    if (e instanceof Error) return e.name + ": " + e.message
    return "" + e
}

/**
 * The code for an error thrown while running an item whose own code is `fallback`:
 * "not-implemented" wins; a GradeFailure and a ReplayError carry their own; a
 * HeapError from the allocator is "allocator-error"; another Error with a
 * known JS error name is "crash"; anything else is the fallback.
 */
export function codeOf(e: any, fallback: string): string {
    if (isNotImplemented(e)) return "not-implemented"
    if (e instanceof GradeFailure) return e.code
    if (e instanceof ReplayError) return e.code === undefined || e.code === "" ? fallback : e.code
    if (e instanceof HeapError) return e.code === HeapErrorCode.Corrupt ? fallback : "allocator-error"
    if (e instanceof TypeError || e instanceof RangeError) return "crash"
    return fallback
}
