/**
 * architecture.test.ts — the folders of src/ are layers, and imports point
 * one way: core ← api ← allocators ← layers ← collections ← firmware, with
 * src/main.ts and src/index.ts on top (docs/architecture.md draws it).
 *
 * A file may import from its own layer or any layer below it; never from a
 * layer above, and never in a cycle (not even inside one folder). boards/ is
 * the chips' data: any layer may import it, and it may import only src/core.
 *
 * The graph is read with TypeScript's own pre-processor (ts.preProcessFile),
 * which finds every import, `import type`, re-export and dynamic import
 * without type-checking, so a new file joins the check by existing.
 */
import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import ts from "typescript"
import { describe, expect, test } from "vitest"

/** Layer of each src/ folder; a larger rank may import a smaller or equal one. */
const LAYERS = ["core", "api", "allocators", "layers", "collections", "firmware"]
const TOP = LAYERS.length // src/main.ts, src/index.ts

/** The rank of a repository-relative .ts path, or undefined outside src/ and boards/. */
function rankOf(file: string): number | undefined {
    const parts = file.split("/")
    if (parts[0] === "boards") return -1 // data: checked by its own rule
    if (parts[0] !== "src") return undefined
    if (parts.length === 2) return TOP
    const r = LAYERS.indexOf(parts[1])
    if (r < 0) throw new Error(`${file}: src/${parts[1]}/ is not a layer; known: ${LAYERS.join(", ")}`)
    return r
}

function layerName(file: string): string {
    const parts = file.split("/")
    return parts[0] === "boards" ? "boards" : parts.length === 2 ? parts[1] : parts[1]
}

/** Every .ts file under the folders, repository-relative. */
function sourceFiles(...roots: string[]): Map<string, string> {
    const out = new Map<string, string>()
    const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
            const p = path.posix.join(dir, e.name)
            if (e.isDirectory()) walk(p)
            else if (p.endsWith(".ts")) out.set(p, readFileSync(p, "utf8"))
        }
    }
    for (const r of roots) walk(r)
    return out
}

/** file → the repository-relative files it imports (relative specifiers only). */
export function importGraph(files: Map<string, string>): Map<string, string[]> {
    const graph = new Map<string, string[]>()
    for (const [file, text] of files) {
        const deps: string[] = []
        for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
            if (!ref.fileName.startsWith(".")) continue // packages (@devicescript/core, node:*)
            const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), ref.fileName))
            const target = [base, base + ".ts", base + "/index.ts"].find(c => files.has(c))
            if (target === undefined) throw new Error(`${file}: cannot resolve import "${ref.fileName}"`)
            deps.push(target)
        }
        graph.set(file, deps)
    }
    return graph
}

/** Every import that breaks the layering, and every cycle, as sentences. */
export function layeringProblems(graph: Map<string, string[]>): string[] {
    const problems: string[] = []
    for (const [file, deps] of graph) {
        const from = rankOf(file)
        if (from === undefined) continue
        for (const dep of deps) {
            const to = rankOf(dep)
            if (to === undefined) continue
            if (from === -1) {
                if (!dep.startsWith("src/core/") && to !== -1)
                    problems.push(`${file} imports ${dep}: boards/ may import only src/core/`)
            } else if (to > from) {
                problems.push(`${file} (${layerName(file)}) imports ${dep} (${layerName(dep)}): an import may not point up`)
            }
        }
    }
    // Cycles: depth-first search with colours; report each back edge's cycle once.
    const colour = new Map<string, number>() // 1 = on the stack, 2 = done
    const stack: string[] = []
    const visit = (f: string) => {
        colour.set(f, 1)
        stack.push(f)
        for (const d of graph.get(f) ?? []) {
            if (colour.get(d) === 1) problems.push(`import cycle: ${[...stack.slice(stack.indexOf(d)), d].join(" → ")}`)
            else if (!colour.has(d)) visit(d)
        }
        stack.pop()
        colour.set(f, 2)
    }
    for (const f of [...graph.keys()].sort()) if (!colour.has(f)) visit(f)
    return problems
}

describe("the import graph of src/ and boards/", () => {
    const files = sourceFiles("src", "boards")

    test("every src/ file sits in a layer folder, or is main.ts / index.ts", () => {
        for (const f of files.keys()) {
            if (!f.startsWith("src/")) continue
            const parts = f.split("/")
            if (parts.length === 2) expect(["src/main.ts", "src/index.ts"]).toContain(f)
            else expect(LAYERS, f).toContain(parts[1])
        }
        // every layer has files, so the order above is not a list of empty names
        for (const l of LAYERS) expect([...files.keys()].some(f => f.startsWith(`src/${l}/`)), l).toBe(true)
    })

    test("imports point down the layers and form no cycle", () => {
        const graph = importGraph(files)
        expect(graph.size).toBe(files.size)
        expect(layeringProblems(graph)).toEqual([])
    })

    test("a deliberate upward import is caught, and so is a cycle", () => {
        const broken = new Map(files)
        // core reaching up into collections
        broken.set("src/core/layout.ts", files.get("src/core/layout.ts") + '\nimport { Vec } from "../collections/vec"\n')
        let problems = layeringProblems(importGraph(broken))
        expect(problems.some(p => p.startsWith("src/core/layout.ts (core) imports src/collections/vec.ts (collections)"))).toBe(true)
        // an `import type` counts too: an allocator naming a layer's type
        const typed = new Map(files)
        typed.set("src/allocators/bump.ts", files.get("src/allocators/bump.ts") + '\nimport type { DebugLevel } from "../layers/debug"\n')
        problems = layeringProblems(importGraph(typed))
        expect(problems).toContain("src/allocators/bump.ts (allocators) imports src/layers/debug.ts (layers): an import may not point up")
        // a cycle inside one layer breaks no rank rule but is still refused
        const cyclic = new Map(files)
        cyclic.set("src/core/hex.ts", files.get("src/core/hex.ts") + '\nimport { HeapError } from "./errors"\n')
        cyclic.set("src/core/errors.ts", files.get("src/core/errors.ts") + '\nimport { hex } from "./hex"\n')
        problems = layeringProblems(importGraph(cyclic))
        expect(problems.some(p => p.startsWith("import cycle:") && p.includes("src/core/hex.ts") && p.includes("src/core/errors.ts"))).toBe(true)
        // boards may lean on core only
        const boards = new Map(files)
        boards.set("boards/pico.ts", files.get("boards/pico.ts") + '\nimport { BuddyAllocator } from "../src/allocators/buddy"\n')
        expect(layeringProblems(importGraph(boards))).toContain("boards/pico.ts imports src/allocators/buddy.ts: boards/ may import only src/core/")
    })

    test("an unresolvable relative import is an error, not a silent gap in the graph", () => {
        const bad = new Map(files)
        bad.set("src/core/hex.ts", files.get("src/core/hex.ts") + '\nimport { x } from "./no_such_file"\n')
        expect(() => importGraph(bad)).toThrow(/src\/core\/hex.ts: cannot resolve import "\.\/no_such_file"/)
    })
})
