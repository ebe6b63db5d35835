/**
 * grader/program.ts — random programs of alloc / allocZeroed / dealloc /
 * realloc run against an allocator and the grader's shadow of its live blocks
 * (grader/blocks.ts), recording every call as a line of TypeScript so a
 * failing program can be printed as a runnable snippet. Portable: fast-check
 * drives it on the host (grader/properties.ts, with shrinking), a seeded Rng
 * in the VM.
 *
 * An op is four numbers (kind 0..9, a, b, c): kinds 0-3 alloc, 4 allocZeroed,
 * 5-7 dealloc (a third of them the newest block), 8-9 realloc; sizes mostly
 * 0..64, some to 512, a few to capacity/4; aligns mostly 1..8, some to 256
 * (the same model as tests/properties.ts). After every op: the touched block
 * is verified, check() must be [], stats().liveBlocks must match; every 16
 * ops all live blocks are verified. Cost O(ops × live) plus check()'s walk.
 * `vmYield`: yield often enough for the VM's per-slice opcode limit.
 */
import { HeapAllocator } from "../src/api/global_alloc"
import { ptrText } from "../src/core/hex"
import { Layout } from "../src/core/layout"
import { fillPattern, tick } from "../tests/contract/check"
import { Blocks, numbersWithout } from "./blocks"
import { GradeFailure } from "./diagnosis"

/** One random op: kind 0..9 and three raw numbers that pick block, size and align. */
export class Op {
    constructor(public kind: number, public a: number, public b: number, public c: number) {}
}

/** A size with a realistic spread: mostly small (zero included), some medium, a few large (also tests/properties.ts's). */
export function sizeOf(b: number, capacity: number): number {
    const r = b % 100
    if (r < 60) return b % 65
    if (r < 90) return 65 + (b % 448)
    const cap = capacity >> 2 < 4096 ? capacity >> 2 : 4096
    return 513 + (b % (cap > 1 ? cap : 1))
}

/** 1..8 mostly, 16..256 sometimes. */
export function alignOf(c: number): number {
    const r = c % 16
    return r < 12 ? 1 << (r % 4) : 1 << (4 + (r % 5))
}

function layoutText(l: Layout): string {
    return "Layout.fromSizeAlign(" + l.size + ", " + l.align + ")"
}

/**
 * Runs `ops` on `heap`; every call made is appended to `log` as a TypeScript
 * statement (blocks are p1, p2, … in order of allocation). Throws GradeFailure
 * (code "property" unless the failure is more specific) at the first broken rule.
 */
export async function runProgram(heap: HeapAllocator, ops: Op[], log: string[], vmYield?: boolean): Promise<number> {
    const b = new Blocks(heap)
    let names: number[] = []
    const capacity = heap.region.size
    let next = 1
    let n = 0
    for (const op of ops) {
        n++
        if (op.kind <= 4) {
            const layout = Layout.fromSizeAlign(sizeOf(op.b, capacity), alignOf(op.c))
            const zeroed = op.kind === 4
            const name = "p" + next
            log.push("const " + name + " = heap." + (zeroed ? "allocZeroed" : "alloc") + "(" + layoutText(layout) + ")")
            const p = zeroed ? heap.allocZeroed(layout) : heap.alloc(layout)
            log[log.length - 1] += " // " + ptrText(p)
            if (p === 0) continue
            b.claim(p, layout, "op " + n + ": " + name + " = " + (zeroed ? "allocZeroed" : "alloc") + "(size " + layout.size + ", align " + layout.align + ")")
            if (zeroed) {
                const off = p - heap.region.base
                for (let i = 0; i < layout.size; i++)
                    if (heap.region.buf.getAt(off + i, "u8") !== 0) throw new GradeFailure("property", "op " + n + ": allocZeroed block " + ptrText(p) + " has byte " + i + " ≠ 0")
                await tick(layout.size)
            }
            b.ptrs.push(p)
            b.layouts.push(layout)
            b.seeds.push(next)
            names.push(next)
            next++
            await fillPattern(heap, p, layout.size, b.seeds[b.seeds.length - 1])
        } else if (op.kind <= 7) {
            if (b.ptrs.length === 0) continue
            const i = op.a % 3 === 0 ? b.ptrs.length - 1 : op.a % b.ptrs.length
            const name = "p" + names[i]
            await tick(b.layouts[i].size)
            b.verifyOne(i, "op " + n)
            log.push("heap.dealloc(" + name + ", " + layoutText(b.layouts[i]) + ")")
            const p = b.ptrs[i]
            const l = b.layouts[i]
            b.drop(i)
            names = numbersWithout(names, i)
            heap.dealloc(p, l)
        } else {
            if (b.ptrs.length === 0) continue
            const i = op.a % b.ptrs.length
            const name = "p" + names[i]
            const newSize = sizeOf(op.b, capacity)
            const old = b.layouts[i]
            await tick(old.size)
            b.verifyOne(i, "op " + n)
            log.push("const q" + n + " = heap.realloc(" + name + ", " + layoutText(old) + ", " + newSize + ")")
            const q = heap.realloc(b.ptrs[i], old, newSize)
            log[log.length - 1] += " // " + ptrText(q)
            if (q === 0) {
                b.verifyOne(i, "op " + n + " (a failed realloc must leave the block unchanged)")
            } else {
                const seed = b.seeds[i]
                const keep = old.size < newSize ? old.size : newSize
                b.drop(i)
                names = numbersWithout(names, i)
                const nl = Layout.fromSizeAlign(newSize, old.align)
                b.claim(q, nl, "op " + n + ": realloc(" + name + ", size " + old.size + " → " + newSize + ")")
                // The kept prefix must hold the old pattern.
                b.ptrs.push(q)
                b.layouts.push(Layout.fromSizeAlign(keep, old.align))
                b.seeds.push(seed)
                await tick(keep)
                b.verifyOne(b.ptrs.length - 1, "op " + n + ": realloc kept " + keep + " bytes")
                b.layouts[b.layouts.length - 1] = nl
                names.push(next)
                log.push("const p" + next + " = q" + n)
                next++
                await fillPattern(heap, q, newSize, seed)
            }
        }
        const problems = heap.check()
        if (problems.length > 0) throw new GradeFailure("property", "op " + n + ": check() reports: " + problems.join("; "))
        const live = heap.stats().liveBlocks
        if (live !== b.ptrs.length) throw new GradeFailure("property", "op " + n + ": stats().liveBlocks is " + live + ", but " + b.ptrs.length + " blocks are live")
        if ((n & 15) === 0) await b.verify("op " + n)
        // In the VM check() walks the heap within one 131,072-opcode slice: count it as work that
        // grows with the live blocks. On the host a yield costs ~1 ms (setTimeout), so only the VM asks.
        await tick(vmYield ? 300 + 60 * b.ptrs.length : 16)
    }
    await b.verify("the last op")
    return n
}
