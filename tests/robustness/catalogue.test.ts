/**
 * docs/robustness.md cannot drift from the catalogue: its table must equal
 * renderTable(loadRows()) (tests/robustness/catalogue.ts), and every row's
 * test must exist. BAREHEAP_WRITE_DOCS=1 rewrites the table in place.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import path from "node:path"
import { describe, expect, test } from "vitest"
import { loadRows, renderTable, TABLE_END, TABLE_START } from "./catalogue"

const ROOT = path.resolve(import.meta.dirname, "../..")
const DOC = path.join(ROOT, "docs/robustness.md")

describe("docs/robustness.md", () => {
    test("its table is the catalogue's (BAREHEAP_WRITE_DOCS=1 regenerates it)", async () => {
        const table = renderTable(await loadRows(ROOT))
        const doc = readFileSync(DOC, "utf8")
        const a = doc.indexOf(TABLE_START)
        const b = doc.indexOf(TABLE_END)
        expect(a, "docs/robustness.md lacks the catalogue start mark").toBeGreaterThanOrEqual(0)
        expect(b, "docs/robustness.md lacks the catalogue end mark").toBeGreaterThan(a)
        const current = doc.slice(a, b + TABLE_END.length)
        if (process.env["BAREHEAP_WRITE_DOCS"] === "1" && current !== table) writeFileSync(DOC, doc.slice(0, a) + table + doc.slice(b + TABLE_END.length))
        else expect(current, "docs/robustness.md is out of date: run BAREHEAP_WRITE_DOCS=1 npx vitest run tests/robustness/catalogue.test.ts").toBe(table)
    })

    test("every row names an existing test file that holds its fragment verbatim", async () => {
        const areas = await loadRows(ROOT)
        expect(areas.length).toBeGreaterThan(0)
        for (const [area, rows] of areas)
            for (const r of rows) {
                const parts = r.test.split(" › ")
                expect(parts.length, `${area}: "${r.test}" must be "path › fragment"`).toBe(2)
                const file = path.join(ROOT, parts[0])
                expect(existsSync(file), `${area}: ${parts[0]} does not exist`).toBe(true)
                expect(readFileSync(file, "utf8"), `${area}: ${parts[0]} does not contain "${parts[1]}"`).toContain(parts[1])
                for (const cell of [r.input, r.outcome]) expect(cell, `${area}: a cell holds "|" or a line break`).not.toMatch(/[|\n]/)
            }
    })
})
