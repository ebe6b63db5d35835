/**
 * bench/record/to_rep.ts — host tool of bench/record/record.sh: turns the logs
 * of bench/record/mtrace.c into balanced CS:APP .rep windows of 32–64 KiB
 * peak payload, and writes them with their provenance into a folder
 * (bench/traces/recorded/, whose README.md it rewrites).
 *
 *   npx tsx bench/record/to_rep.ts --out DIR --date YYYY-MM-DD PROVENANCE
 *
 * PROVENANCE has one line per program: name|debian package|version|command|log.
 *
 * Log → Trace (every pointer is a number < 2^53, read from hex):
 *   a p n     a new id for p (a p still live — its free was not seen, e.g. a
 *             race between threads — is freed first);
 *   r p q n   realloc of p's id to n bytes, now at q (an unknown p: an alloc);
 *   f p       free of p's id (an unknown p — allocated before the recorder
 *             started, or by the dlsym bootstrap — is dropped).
 * Window (bench/trace/windows.ts does the cutting): from every start in steps
 * of ⌈ops / 512⌉, the longest window whose peak live payload stays ≤ 64 KiB
 * keeping ≤ MAX_OPS ops; the one keeping the most ops among those whose peak
 * is ≥ 32 KiB is written as <name>-w1.rep, ids renumbered densely in order of
 * first use. A program with no such window is reported and skipped.
 * Cost: O(ops · 512) time for the search, O(ops) memory.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parseArgs } from "node:util"
import { OP_ALLOC, OP_FREE, OP_REALLOC } from "../replay"
import { parseTrace, Trace } from "../trace/rep"
import { cutWindow, windowFrom, WindowSpan } from "../trace/windows"

/** Window bounds on the peak live payload, bytes. */
export const MIN_PEAK = 32 * 1024
export const MAX_PEAK = 64 * 1024
/** Most ops a window keeps (before its closing frees): footprint searches replay it ~20 times per allocator. */
export const MAX_OPS = 12000

/** The Trace of one mtrace.c log (see the header for the rules). */
export function logToTrace(name: string, text: string): Trace {
    const kinds: number[] = []
    const ids: number[] = []
    const sizes: number[] = []
    const live = new Map<number, number>()
    let next = 0
    let lineNo = 0
    const push = (k: number, id: number, n: number) => {
        kinds.push(k)
        ids.push(id)
        sizes.push(n)
    }
    for (const line of text.split("\n")) {
        lineNo++
        if (line === "") continue
        const f = line.split(" ")
        const num = (i: number) => {
            const v = parseInt(f[i], 16)
            if (!/^[0-9a-f]+$/.test(f[i] ?? "") || !Number.isSafeInteger(v)) throw new Error(name + ": line " + lineNo + ": bad number in " + JSON.stringify(line))
            return v
        }
        if (f[0] === "a" && f.length === 3) {
            const p = num(1)
            const old = live.get(p)
            if (old !== undefined) push(OP_FREE, old, 0)
            live.set(p, next)
            push(OP_ALLOC, next++, num(2))
        } else if (f[0] === "r" && f.length === 4) {
            const p = num(1)
            const q = num(2)
            const id = live.get(p)
            if (id === undefined) {
                const clash = live.get(q)
                if (clash !== undefined) push(OP_FREE, clash, 0)
                live.set(q, next)
                push(OP_ALLOC, next++, num(3))
                continue
            }
            live.delete(p)
            const clash = live.get(q)
            if (clash !== undefined) push(OP_FREE, clash, 0)
            live.set(q, id)
            push(OP_REALLOC, id, num(3))
        } else if (f[0] === "f" && f.length === 2) {
            const p = num(1)
            const id = live.get(p)
            if (id === undefined) continue
            live.delete(p)
            push(OP_FREE, id, 0)
        } else throw new Error(name + ": line " + lineNo + ": not an mtrace line: " + JSON.stringify(line))
    }
    return new Trace(name, next, Uint8Array.from(kinds), Uint32Array.from(ids), Uint32Array.from(sizes), 0, 0, 0, 1)
}

/** The chosen window of `t` (see the header), or null. */
export function chooseRecordedWindow(t: Trace, name: string): Trace | null {
    const step = Math.max(1, Math.ceil(t.count / 512))
    const spans: WindowSpan[] = []
    for (let s = 0; s < t.count; s += step) spans.push(windowFrom(t, s, MAX_PEAK, MAX_OPS))
    spans.sort((a, b) => b.kept - a.kept || a.start - b.start)
    for (const s of spans) {
        const w = cutWindow(t, s.start, s.end, name)
        if (w.peakPayload >= MIN_PEAK) return w
    }
    return null
}

/** A .rep text of `t` with its ids renumbered densely. */
export function toRep(t: Trace): string {
    const dense = new Map<number, number>()
    const lines: string[] = []
    for (let i = 0; i < t.count; i++) {
        let id = dense.get(t.idOf[i])
        if (id === undefined) dense.set(t.idOf[i], (id = dense.size))
        const k = t.kinds[i]
        lines.push(k === OP_FREE ? "f " + id : (k === OP_ALLOC ? "a " : "r ") + id + " " + t.sizes[i])
    }
    return [String(t.peakPayload), String(dense.size), String(t.count), "1", ...lines].join("\n") + "\n"
}

function main(): number {
    const { values, positionals } = parseArgs({ options: { out: { type: "string" }, date: { type: "string" }, help: { type: "boolean" } }, allowPositionals: true })
    if (values.help || positionals.length !== 1 || !values.out || !values.date) {
        console.log("Usage: npx tsx bench/record/to_rep.ts --out DIR --date YYYY-MM-DD PROVENANCE (see bench/record/record.sh)")
        return values.help ? 0 : 2
    }
    const out = values.out
    fs.mkdirSync(out, { recursive: true })
    for (const f of fs.readdirSync(out)) if (f.endsWith(".rep")) fs.unlinkSync(path.join(out, f))
    const rows: string[] = []
    for (const line of fs.readFileSync(positionals[0], "utf8").split("\n")) {
        if (line === "") continue
        const [name, pkg, version, cmd, log] = line.split("|")
        const t = logToTrace(name, fs.readFileSync(log, "utf8"))
        const w = chooseRecordedWindow(t, name + "-w1")
        if (w === null) {
            console.error(name + ": no window with a peak payload of " + MIN_PEAK + ".." + MAX_PEAK + " bytes in " + t.count + " ops; skipped")
            continue
        }
        const text = toRep(w)
        parseTrace(w.name, text) // the reader's rules hold for what we write
        fs.writeFileSync(path.join(out, w.name + ".rep"), text)
        let reallocs = 0
        for (let i = 0; i < w.count; i++) if (w.kinds[i] === OP_REALLOC) reallocs++
        const shown = cmd.replace(/\S*\/bench\/record\//g, "bench/record/")
        rows.push(`| ${w.name} | ${pkg} ${version} | \`${shown.replace(/\|/g, "\\|")}\` | ${t.count} | ${w.count} | ${w.peakPayload} | ${((100 * reallocs) / w.count).toFixed(1)} % |`)
        console.error(`${w.name}: ${w.count} ops of ${t.count}, peak ${w.peakPayload} B, ${reallocs} reallocs`)
    }
    const readme = [
        "# Recorded traces of real programs",
        "",
        "Allocation traces of Debian programs, recorded on this project's machine with",
        "bench/record/mtrace.c (LD_PRELOAD: malloc, calloc, realloc, free and the aligned",
        "family; alignment is not kept) and cut by bench/record/to_rep.ts into one",
        `balanced window of ${MIN_PEAK / 1024}–${MAX_PEAK / 1024} KiB peak live payload (≤ ${MAX_OPS} ops + closing frees) each,`,
        "in the CS:APP .rep format (../malloclab/FORMAT.txt). Re-record with",
        "`bench/record/record.sh` (needs gcc and the packages below; CI never does:",
        "these files are data). Input text: /usr/share/common-licenses/GPL-3 (a.txt;",
        "b.txt is a copy edited by sed). Workloads: bench/record/workloads/.",
        "",
        `Recorded ${values.date} on Debian 12 (x86-64, glibc).`,
        "",
        "| window | package version | command | ops recorded | ops in window | peak payload B | realloc |",
        "|---|---|---|---:|---:|---:|---:|",
        ...rows,
        "",
    ]
    fs.writeFileSync(path.join(out, "README.md"), readme.join("\n"))
    return 0
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join("bench", "record", "to_rep.ts"))) process.exitCode = main()
