/**
 * labs/labs.ts — the exercises of the lab kit, easiest first: what
 * `bareheap lab` lists and what `bareheap grade --lab N` needs to grade one.
 * Host only. Each exercise is a folder labs/NN-name/ with README.md, a
 * starter (it compiles for DeviceScript and the host and throws "not
 * implemented") and tests.ts (the cases the grader or vitest runs).
 *
 * An allocator lab (graded: true) is graded like any allocator — probes,
 * contract, random programs, traces — plus its own cases, and scored against
 * `references`. The others (the memory map, the Allocator API, locality) are
 * not allocators: `bareheap grade --lab N` runs their cases (tests.ts exports
 * MODULE_CASES, each given the student's module) on the host.
 */
export interface Lab {
    id: number
    /** Folder under labs/. */
    dir: string
    title: string
    /** One sentence: what the student builds. */
    summary: string
    /** The file the student edits, relative to the repository root. */
    starter: string
    /** An allocator lab: `bareheap grade <starter> --lab N` grades it. */
    graded: boolean
    /** The class the grader takes by default (undefined: the first allocator-shaped export). */
    className?: string
    /** Reference allocator kinds the score compares with (graded labs). */
    references: string[]
    /**
     * The lab's own cases (a module exporting LAB_CASES: ConformanceCase[],
     * portable), run by the grader after the contract, on the host and in the
     * VM; null when the lab adds none.
     */
    casesFile: string | null
    /** How to run the lab's tests. */
    testCommand: string
}

function lab(id: number, dir: string, title: string, summary: string, starter: string, graded: boolean, references: string[], hasCases: boolean): Lab {
    return {
        id,
        dir,
        title,
        summary,
        starter: `labs/${dir}/${starter}`,
        graded,
        references,
        casesFile: hasCases ? `labs/${dir}/tests.ts` : null,
        testCommand: `npm run grade -- labs/${dir}/${starter} --lab ${id}`,
    }
}

export const LABS: Lab[] = [
    lab(1, "01-stack-vs-heap", "Stack vs heap on a microcontroller", "where the C stack, DeviceScript's program heap, the bareheap region and flash sit on each board, and what a local, a ds.Buffer and a region block cost", "memory.ts", false, [], true),
    lab(2, "02-bump", "A bump allocator", "alloc by moving a pointer, dealloc of the newest block, reset: the simplest allocator over a StaticRegion", "bump.ts", true, ["bump"], true),
    { ...lab(3, "03-global-alloc-wrapper", "A GlobalAlloc wrapper", "a logging allocator that prints \"Allocating N bytes\" and delegates to an inner allocator, then a counting one that reports leaks", "wrapper.ts", true, ["tlsf"], true), className: "CountingAllocator" },
    lab(4, "04-buddy", "A buddy allocator", "power-of-two blocks split in halves and merged with their buddy on free", "buddy.ts", true, ["buddy"], false),
    lab(5, "05-allocator-api-vec", "The Allocator API and Vec::new_in", "a growable vector over any Allocator: push, grow, shrink_to_fit, and what a failed grow leaves behind", "vec.ts", false, [], true),
    lab(6, "06-locality", "Memory locality", "distinct cache lines and pages touched per op, and how far apart blocks allocated together land: measure it for every allocator", "locality.ts", false, [], true),
    lab(7, "07-malloc-lab", "The malloc lab", "an explicit free list with coalescing — first fit, then best fit, then segregated lists — scored on traces", "malloc.ts", true, ["buddy", "tlsf", "pool"], false),
]

/** The lab with id `s` ("7", "07" or "07-malloc-lab"), or undefined. */
export function labById(s: string): Lab | undefined {
    const n = /^\d+/.exec(s)
    return n ? LABS.find(l => l.id === Number(n[0])) : undefined
}
