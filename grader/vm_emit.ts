/**
 * grader/vm_emit.ts — the in-VM grading program's side of its console
 * protocol (grader/vm.ts reads it). Portable. Every line starts "GRADE ":
 *
 *   GRADE o <part>|<code>|<name>     an outcome (code "" = passed)
 *   GRADE d <text>                   its detail
 *   GRADE s <text>                   a line of the failing random program
 *   GRADE t <trace> <ops> <peak> <failures>     a checked replay's counts
 *   GRADE f <who> <trace> <footprint>           a footprint (−1: does not fit)
 *   GRADE m <who> <ops> <ms>                    a timed replay pass
 *   GRADE + <text>                   continues the previous line's text
 *   GRADE done                       the program finished
 *
 * Text is cut into pieces of ≤ 120 characters (a console line carries ≤ 300
 * in the simulator, 160 on a board) with control characters made spaces
 * (a newline would split the line). Cost: one console line per 120 chars.
 */
import { Outcome } from "./diagnosis"

const PIECE = 120

function clean(s: string): string {
    let out = ""
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        out += c < 32 ? " " : s[i]
    }
    return out
}

/** Prints `GRADE <tag> <text>` in pieces. */
export function emit(tag: string, text: string): void {
    const t = clean(text)
    console.log("GRADE " + tag + " " + t.slice(0, PIECE))
    for (let i = PIECE; i < t.length; i += PIECE) console.log("GRADE + " + t.slice(i, i + PIECE))
}

export function emitOutcome(o: Outcome): void {
    emit("o", o.part + "|" + o.code + "|" + o.name)
    if (o.detail !== "") emit("d", o.detail)
}
