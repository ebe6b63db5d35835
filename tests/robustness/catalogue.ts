/**
 * tests/robustness/catalogue.ts — the catalogue of bad inputs behind
 * docs/robustness.md: each row is one kind of hostile or careless input,
 * its documented outcome, and the test that checks it.
 *
 * Rows live in tests/robustness/rows/<area>.ts, one file per area, each
 * exporting `ROWS: CatalogueRow[]`; loadRows() reads every file there in
 * name order, so an engineer adds an area (e.g. rows/stream.ts for the
 * decoder and viewer) without touching this file or another area's.
 * tests/robustness/catalogue.test.ts fails when docs/robustness.md's table
 * differs from renderTable(loadRows()) — run it with BAREHEAP_WRITE_DOCS=1
 * to rewrite the table — or when a row's test cannot be found.
 *
 * Row rules: `input` and `outcome` are one line of Markdown each (no "|");
 * `test` is "path › fragment": the file must exist and contain the fragment
 * verbatim (a test name or the part of it that is not interpolated).
 */
import { readdirSync } from "node:fs"
import path from "node:path"

export interface CatalogueRow {
    /** What goes in, e.g. "a pointer of NaN or ±Infinity to dealloc / realloc". */
    input: string
    /** What happens, e.g. "HeapError out-of-region naming the value; nothing changes". */
    outcome: string
    /** "path › fragment": the test file and a verbatim fragment of the test's name. */
    test: string
}

/** Where the row files are, relative to the repository root. */
export const ROWS_DIR = "tests/robustness/rows"

/** Marks around the generated table in docs/robustness.md. */
export const TABLE_START = "<!-- catalogue:start (generated from tests/robustness/rows/*.ts; do not edit by hand) -->"
export const TABLE_END = "<!-- catalogue:end -->"

/** Every area's rows: [area (the file name without .ts), rows], in file-name order. */
export async function loadRows(root: string): Promise<[string, CatalogueRow[]][]> {
    const files = readdirSync(path.join(root, ROWS_DIR))
        .filter(f => f.endsWith(".ts"))
        .sort()
    const out: [string, CatalogueRow[]][] = []
    for (const f of files) {
        const mod = (await import(path.join(root, ROWS_DIR, f))) as { ROWS?: CatalogueRow[] }
        if (!Array.isArray(mod.ROWS)) throw new Error(`${ROWS_DIR}/${f} must export ROWS: CatalogueRow[]`)
        out.push([f.slice(0, -3), mod.ROWS])
    }
    return out
}

/** The Markdown table: one section per area, rows in their file's order. */
export function renderTable(areas: [string, CatalogueRow[]][]): string {
    const out: string[] = [TABLE_START]
    for (const [area, rows] of areas) {
        out.push("", `### ${area}`, "", "| Input | Outcome | Checked by |", "|---|---|---|")
        for (const r of rows) {
            const [file, fragment] = r.test.split(" › ")
            out.push(`| ${r.input} | ${r.outcome} | \`${file}\` › ${fragment} |`)
        }
    }
    out.push("", TABLE_END)
    return out.join("\n")
}
