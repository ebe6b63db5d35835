/**
 * tests/vm/register.ts — registerCases(title, kind, …): the portable cases
 * against an allocator named by kind (src/allocators/registry.ts), through
 * register_target.ts. Importing it links all four allocators into the program.
 */
import { makeAllocator } from "../../src/allocators/registry"
import { ConformanceCase } from "../contract/conformance"
import { registerCasesWith } from "./register_target"

/** `describe(title + ": " + kind)` with every case run against `kind` on a fresh region. */
export function registerCases(title: string, kind: string, regionBytes: number, cases: ConformanceCase[]): void {
    registerCasesWith(title, kind, regionBytes, r => makeAllocator(kind, r), cases)
}
