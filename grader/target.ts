/**
 * grader/target.ts — host only: loads a student's TypeScript file and finds
 * the allocator class to grade: an exported class whose prototype has alloc,
 * dealloc and realloc (the HeapAllocator interface, src/api/global_alloc.ts),
 * constructed as `new C(region: StaticRegion)`.
 *
 * The file is imported in this process (tsx or vitest compile it; its
 * "@devicescript/core" resolves to the shim like the project's own code), so
 * a file that does not load is reported with the loader's message, and a
 * class that throws on construction is the grader's business, not a crash.
 */
import { existsSync } from "node:fs"
import path from "node:path"
import { pathToFileURL } from "node:url"
import { HeapAllocator } from "../src/api/global_alloc"
import { StaticRegion } from "../src/core/region"

/** A class of the HeapAllocator shape. */
export type AllocatorClass = new (region: StaticRegion) => HeapAllocator

export class LoadedTarget {
    constructor(
        /** Absolute path of the graded file. */
        public file: string,
        /** The class's export name. */
        public className: string,
        public ctor: AllocatorClass,
        /** Other allocator-shaped exports that were not chosen. */
        public others: string[],
    ) {}
}

/** A file that cannot be graded: it does not exist, does not load, or exports no allocator class. */
export class TargetError extends Error {
    constructor(message: string) {
        super(message)
        this.name = "TargetError"
    }
}

function isAllocatorClass(v: unknown): boolean {
    if (typeof v !== "function" || !v.prototype) return false
    const p = v.prototype as Record<string, unknown>
    return typeof p["alloc"] === "function" && typeof p["dealloc"] === "function" && typeof p["realloc"] === "function"
}

/** Imports `file` and picks the class named `className`, or the first allocator-shaped export. */
export async function loadTarget(file: string, className?: string): Promise<LoadedTarget> {
    const abs = path.resolve(file)
    if (!existsSync(abs)) throw new TargetError(`no such file: ${JSON.stringify(file)}`)
    let mod: Record<string, unknown>
    try {
        mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>
    } catch (e) {
        throw new TargetError(`cannot load ${JSON.stringify(file)}: ${e instanceof Error ? e.message : String(e)}`)
    }
    const shaped = Object.keys(mod).filter(k => isAllocatorClass(mod[k]))
    if (className !== undefined) {
        if (!isAllocatorClass(mod[className]))
            throw new TargetError(`${JSON.stringify(file)} exports no allocator class ${JSON.stringify(className)}; allocator-shaped exports: ${shaped.map(s => JSON.stringify(s)).join(", ") || "none"}`)
        return new LoadedTarget(abs, className, mod[className] as AllocatorClass, shaped.filter(s => s !== className))
    }
    if (shaped.length === 0)
        throw new TargetError(`${JSON.stringify(file)} exports no class with alloc, dealloc and realloc methods (exports: ${Object.keys(mod).map(s => JSON.stringify(s)).join(", ") || "none"})`)
    return new LoadedTarget(abs, shaped[0], mod[shaped[0]] as AllocatorClass, shaped.slice(1))
}
