/**
 * tests/helpers/firmware_stream.ts — the firmware's actual event stream, as
 * `bareheap start` prints it (the host simulator running src/main.ts's job),
 * and the heap summary `bareheap view` draws from it: what every monitor test
 * compares its result with.
 *
 *   const { lines, summary } = firmwareStream()   // lines: the "~…" protocol lines, in order
 *   modelSection(stdout)                          // a summary from the memory map up to its "stream:" line
 */
import { spawnSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export const ROOT = fileURLToPath(new URL("../..", import.meta.url))
export const BAREHEAP = join(ROOT, "bin", "bareheap.mjs")

/** Runs the host simulator once; returns its protocol lines and `bareheap view`'s model section of them. */
export function firmwareStream(dir: string): { lines: string[]; file: string; model: string } {
    const run = spawnSync(process.execPath, [BAREHEAP, "start"], { encoding: "utf8", cwd: ROOT })
    if (run.status !== 0) throw new Error(`bareheap start failed: ${run.stderr}`)
    const lines = run.stdout.split("\n").filter(l => l.startsWith("~"))
    const file = join(dir, "clean.log")
    writeFileSync(file, lines.join("\n") + "\n")
    const view = spawnSync(process.execPath, [BAREHEAP, "view", file], { encoding: "utf8", cwd: ROOT })
    if (view.status !== 0) throw new Error(`bareheap view of the clean stream failed: ${view.stderr}`)
    return { lines, file, model: modelSection(view.stdout) }
}

/**
 * The part of a summary that is the heap model: from the board's memory map
 * to the line before "stream:" (heap maps at each phase's peak, the live
 * blocks at the end, the last stats, resizes). What follows ("stream:" with
 * its line and gap counts, transport and link lines) depends on the transport.
 */
export function modelSection(out: string): string {
    const lines = out.split("\n")
    const from = lines.findIndex(l => / memory map — /.test(l))
    const to = lines.findIndex((l, i) => i > from && l.startsWith("stream: "))
    if (from < 0 || to < 0) throw new Error(`no summary in:\n${out.slice(-2000)}`)
    return lines.slice(from, to).join("\n")
}
